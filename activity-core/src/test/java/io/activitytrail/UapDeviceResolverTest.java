package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of real user agents (desktop and mobile browsers, in-app browsers and apps, HTTP
 * libraries, bots) with the browser family, OS and device type that uap-java's rules give them.
 */
class UapDeviceResolverTest {
    private static final UapDeviceResolver RESOLVER = new UapDeviceResolver();

    static Stream<Arguments> corpus() {
        return Stream.of(
                row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                        "Chrome", "Windows", "desktop"),
                row("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
                        "Firefox", "Windows", "desktop"),
                row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
                        "Edge", "Windows", "desktop"),
                row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
                        "Opera", "Windows", "desktop"),
                row("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
                        "IE", "Windows", "desktop"),
                row("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
                        "Safari", "macOS", "desktop"),
                row("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                        "Chrome", "macOS", "desktop"),
                row("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
                        "Firefox", "macOS", "desktop"),
                row("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                        "Chrome", "Linux", "desktop"),
                row("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
                        "Firefox", "Ubuntu", "desktop"),
                row("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                        "Chrome", "Chrome OS", "desktop"),
                row("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
                        "Mobile Safari", "iOS", "mobile"),
                row("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
                        "Chrome Mobile iOS", "iOS", "mobile"),
                row("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
                        "Firefox iOS", "iOS", "mobile"),
                row("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                        "Mobile Safari", "iOS", "tablet"),
                row("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
                        "Chrome Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
                        "Chrome Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
                        "Samsung Internet", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
                        "Chrome Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
                        "Firefox Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                        "Chrome", "Android", "tablet"),
                row("Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.6 like Chrome/124.0.6367.118 Safari/537.36",
                        "Amazon Silk", "Android", "tablet"),
                // CUBOT phones: the old parser took "cubot" for a bot.
                row("Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.45 Mobile Safari/537.36",
                        "Chrome Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 9; CUBOT KINGKONG 5 PRO) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36",
                        "Chrome Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 12; CUBOT NOTE 30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36",
                        "Chrome Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 13; 2201117TG) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
                        "Chrome Mobile", "Android", "mobile"),
                row("Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36",
                        "Chrome Mobile WebView", "Android", "mobile"),
                row("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.37.103;FBBV/590226064;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
                        "Facebook", "iOS", "mobile"),
                row("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 326.0.3.30.91 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 586340208)",
                        "Instagram", "iOS", "mobile"),
                row("Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 Instagram 321.0.0.39.106 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; en_US; 573587632)",
                        "Instagram", "Android", "mobile"),
                row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0 Teams/24.0.0",
                        "Edge", "Windows", "desktop"),
                // The old hand-written parser said "Chrome OS" here (it saw "cros" in "Microsoft").
                row("Microsoft Office/16.0 (Macintosh; Mac OS X 10_15_7; Microsoft Outlook 16.84.24041420; Pro)",
                        "Outlook", "macOS", "desktop"),
                row("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531; Pro)",
                        "Outlook", "Windows", "desktop"),
                row("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari/605.1.15 Microsoft Office/16.0 (Macintosh; Mac OS X 10_15_7; Microsoft Word 16.84)",
                        "Safari", "macOS", "desktop"),
                row("Slack/4.37.101 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.291 Electron/28.2.7 Safari/537.36 Sonic Slack_SSB/4.37.101",
                        "Slack Desktop Client", "macOS", "desktop"),
                // HTTP libraries say nothing of a device: "other", not "bot" (the old parser said bot).
                row("okhttp/4.12.0",
                        "okhttp", "Other", "other"),
                row("okhttp/3.14.9",
                        "okhttp", "Other", "other"),
                row("curl/8.5.0",
                        "curl", "Other", "other"),
                row("Wget/1.21.4",
                        "Wget", "Other", "other"),
                row("python-requests/2.31.0",
                        "Python Requests", "Other", "other"),
                // uap-core lists these as Spider devices, hence "bot": python-urllib, Java/x (the JDK's
                // HttpURLConnection) and WhatsApp (its link-preview fetcher).
                row("Python-urllib/3.11",
                        "Python-urllib", "Other", "bot"),
                row("Java-http-client/17.0.10",
                        "Other", "Other", "other"),
                row("Java/17.0.10",
                        "Java", "Other", "bot"),
                row("Apache-HttpClient/4.5.14 (Java/17.0.10)",
                        "Apache-HttpClient", "Other", "other"),
                row("Go-http-client/2.0",
                        "Go-http-client", "Other", "other"),
                row("axios/1.6.8",
                        "axios", "Other", "other"),
                row("PostmanRuntime/7.37.3",
                        "PostmanRuntime", "Other", "other"),
                row("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                        "Googlebot", "Other", "bot"),
                row("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                        "Googlebot", "Android", "bot"),
                row("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                        "bingbot", "Other", "bot"),
                row("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
                        "YandexBot", "Other", "bot"),
                row("DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
                        "DuckDuckBot", "Other", "bot"),
                row("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
                        "FacebookBot", "Other", "bot"),
                row("Twitterbot/1.0",
                        "Twitterbot", "Other", "bot"),
                row("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
                        "GPTBot", "Other", "bot"),
                row("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
                        "AhrefsBot", "Other", "bot"),
                row("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36",
                        "HeadlessChrome", "Linux", "bot"),
                row("Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
                        "Edge Mobile", "Windows Phone", "mobile"),
                row("Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54",
                        "Opera Mini", "Symbian OS", "mobile"),
                // Consoles and TVs are "other"; uap-core names the PlayStation 5 browser "Apple Mail".
                row("Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)",
                        "Apple Mail", "Other", "other"),
                row("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
                        "Samsung Internet", "Tizen", "other"),
                // An app's own HTTP stack on Android: a phone or a tablet, it cannot tell; taken as mobile.
                row("Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)",
                        "Android", "Android", "mobile"),
                row("MyApp/5.2.1 (iPhone; iOS 17.4.1; Scale/3.00)",
                        "Mobile Safari UI/WKWebView", "iOS", "mobile"),
                row("WhatsApp/2.24.8.78 A",
                        "WhatsApp", "Other", "bot"),
                row("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
                        "Yandex Browser", "Windows", "desktop"),
                row("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Vivaldi/6.7",
                        "Chrome", "macOS", "desktop")
        );
    }

    private static Arguments row(String userAgent, String browser, String os, String deviceType) {
        return Arguments.of(userAgent, browser, os, deviceType);
    }

    @Test
    void shouldHoldAtLeastFiftyUserAgents() {
        assertThat(corpus().count()).isGreaterThanOrEqualTo(50);
    }

    @ParameterizedTest(name = "{1} on {2}, {3}: {0}")
    @MethodSource("corpus")
    void shouldResolveFamilyOsAndDeviceType(String userAgent, String browser, String os, String deviceType) {
        Map<String, Object> info = RESOLVER.resolve(userAgent);

        assertThat(info).containsEntry("browser", browser).containsEntry("os", os).containsEntry("device_type", deviceType);
    }

    @Test
    void shouldGiveVersionsAndDeviceFamilyWhenKnown() {
        Map<String, Object> info = RESOLVER.resolve("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) "
                + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1");

        assertThat(info).containsExactlyInAnyOrderEntriesOf(Map.of("browser", "Mobile Safari", "browser_version", "17",
                "os", "iOS", "os_version", "17.4", "device_type", "mobile", "device", "iPhone"));
    }

    @Test
    void shouldLeaveOutWhatIsUnknown() {
        Map<String, Object> info = RESOLVER.resolve("definitely not a user agent");

        assertThat(info).containsOnlyKeys("browser", "os", "device_type").containsEntry("device_type", "other");
    }
}
