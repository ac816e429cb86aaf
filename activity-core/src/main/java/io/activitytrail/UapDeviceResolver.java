package io.activitytrail;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * A {@link DeviceResolver} on <a href="https://github.com/ua-parser/uap-java">uap-java</a> (the
 * rules of uap-core), the default of {@link ActivityTrail#builder()} when uap-java is on the class
 * path. uap-java is an optional dependency of activity-core: the servlet module and the Spring Boot
 * starter bring it; elsewhere add {@code com.github.ua-parser:uap-java}.
 *
 * <p>Browser and OS families are uap-core's names ({@code Chrome}, {@code Mobile Safari},
 * {@code Chrome Mobile WebView}, {@code Windows}, {@code iOS}, ...), except that {@code Mac OS X}
 * is called {@code macOS}. The device type is derived: uap's {@code Spider} devices are
 * {@value DeviceResolver#BOT}; iPads, Kindles and Android devices whose user agent does not say
 * {@code Mobile} are {@value DeviceResolver#TABLET}; iOS, Android and other phone systems are
 * {@value DeviceResolver#MOBILE}; Windows, macOS, Linux and Chrome OS are
 * {@value DeviceResolver#DESKTOP}; the rest (HTTP libraries such as curl, okhttp or
 * python-requests, which say nothing of a device) is {@value DeviceResolver#OTHER}.
 *
 * <p>Loading uap's rules takes a few hundred milliseconds, so it starts on a daemon thread
 * ({@code activity-uap-loader}) when the first instance is made (at {@code build()} of the trail),
 * once per class loader; a {@link #resolve} that comes before it is done waits for it. A parse
 * takes under a millisecond; the trail caches results. Thread-safe: uap's plain {@code Parser} is
 * (its {@code CachingParser} is not, and is not used).
 */
public final class UapDeviceResolver implements DeviceResolver {
    private static final Set<String> PHONE_SYSTEMS = Set.of("ios", "android", "windows phone", "blackberry os",
            "blackberry tablet os", "kaios", "symbian os", "firefox os", "harmonyos", "tizen", "webos", "sailfish",
            "ubuntu touch", "windows mobile", "bada");
    private static final Set<String> DESKTOP_SYSTEMS = Set.of("windows", "macos", "linux", "ubuntu", "chrome os",
            "fedora", "debian", "mint", "freebsd", "openbsd", "netbsd", "solaris", "red hat", "suse", "gentoo",
            "arch linux", "mandriva", "kubuntu", "elementary os");
    private static @Nullable CompletableFuture<Parser> shared;

    private final CompletableFuture<Parser> parser;

    /** Starts loading uap's rules in the background, unless another instance did already. */
    public UapDeviceResolver() {
        this.parser = sharedParser();
    }

    private static synchronized CompletableFuture<Parser> sharedParser() {
        CompletableFuture<Parser> f = shared;
        if (f == null) {
            CompletableFuture<Parser> loading = new CompletableFuture<>();
            Thread loader = new Thread(() -> {
                try {
                    loading.complete(new Parser());
                } catch (RuntimeException | LinkageError e) {
                    loading.completeExceptionally(e);
                }
            }, "activity-uap-loader");
            loader.setDaemon(true);
            loader.start();
            shared = f = loading;
        }
        return f;
    }

    /**
     * {@inheritDoc}
     *
     * @throws java.util.concurrent.CompletionException when uap's rules could not be loaded
     */
    @Override
    public Map<String, Object> resolve(String userAgent) {
        Client client = parser.join().parse(userAgent);
        Map<String, Object> info = new LinkedHashMap<>(8);
        String browser = known(client.userAgent.family);
        info.put(BROWSER, browser == null ? "Other" : browser);
        if (browser != null && client.userAgent.major != null && !client.userAgent.major.isEmpty()) {
            info.put(BROWSER_VERSION, client.userAgent.major);
        }
        String os = known(client.os.family);
        if (os != null && os.equals("Mac OS X")) {
            os = "macOS";
        }
        info.put(OS, os == null ? "Other" : os);
        String version = os == null ? null : version(client.os.major, client.os.minor);
        if (version != null) {
            info.put(OS_VERSION, version);
        }
        String device = known(client.device.family);
        String type = deviceType(userAgent.toLowerCase(Locale.ROOT), browser, os, device);
        info.put(DEVICE_TYPE, type);
        if (device != null && !device.equals("Spider")) {
            info.put(DEVICE, device);
        }
        return info;
    }

    private static String deviceType(String ua, @Nullable String browser, @Nullable String os, @Nullable String device) {
        if ("Spider".equals(device) || (browser != null && (browser.startsWith("Headless") || browser.equals("PhantomJS")))) {
            return BOT;
        }
        String system = os == null ? "" : os.toLowerCase(Locale.ROOT);
        String family = device == null ? "" : device.toLowerCase(Locale.ROOT);
        if (ua.contains("smart-tv") || ua.contains("smarttv") || ua.contains(" tv ") || ua.contains("playstation")
                || ua.contains("xbox") || ua.contains("nintendo")) {
            return OTHER; // TVs and consoles
        }
        // An Android browser says "Mobile" on phones only; an app's HTTP stack (Dalvik) never does.
        boolean androidBrowserWithoutMobile = system.equals("android") && ua.startsWith("mozilla/") && !ua.contains("mobile");
        if (family.startsWith("ipad") || family.contains("kindle") || family.contains("tablet")
                || ua.contains("tablet") || ua.contains("ipad") || ua.contains("kindle") || ua.contains("silk/")
                || ua.contains("playbook") || androidBrowserWithoutMobile) {
            return TABLET;
        }
        if (PHONE_SYSTEMS.contains(system)) {
            return MOBILE;
        }
        if (DESKTOP_SYSTEMS.contains(system)) {
            return DESKTOP;
        }
        return ua.contains("mobi") ? MOBILE : OTHER;
    }

    private static @Nullable String known(@Nullable String family) {
        return family == null || family.isEmpty() || family.equals("Other") ? null : family;
    }

    private static @Nullable String version(@Nullable String major, @Nullable String minor) {
        if (major == null || major.isEmpty()) {
            return null;
        }
        return minor == null || minor.isEmpty() ? major : major + "." + minor;
    }

    @Override
    public String toString() {
        return "UapDeviceResolver";
    }
}
