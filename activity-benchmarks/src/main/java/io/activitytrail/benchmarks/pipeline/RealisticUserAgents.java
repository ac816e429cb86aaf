package io.activitytrail.benchmarks.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Distinct, realistic {@code User-Agent} strings for enrichment benchmarks, in the shapes real
 * traffic has: Chrome, Edge, Firefox, Safari and Samsung Internet across Windows, macOS, Linux,
 * iOS/iPadOS and Android versions, Android device models, in-app WebViews, a few crawlers and HTTP
 * libraries. Deterministic for a given count.
 *
 * <p>The list is ordered by popularity rank: the first ten are the most common user agents of a
 * consumer site (current Chrome on Windows and Android, Safari on iPhone, Edge, ...), the rest a
 * long tail in a fixed pseudo-random order. Draw from it with {@link #zipfDraws} for the skew of
 * real traffic, or uniformly for the worst case of a cache.
 */
public final class RealisticUserAgents {
    private static final String WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)";
    private static final List<String> HEAD = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Safari/605.1.15",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");

    private static final List<String> ANDROID_MODELS = List.of("SM-G991B", "SM-G996B", "SM-G998B", "SM-S901B",
            "SM-S906B", "SM-S908B", "SM-S911B", "SM-S916B", "SM-S918B", "SM-S921B", "SM-S928B", "SM-A515F", "SM-A525F",
            "SM-A536B", "SM-A546B", "SM-A556B", "SM-A135F", "SM-A145R", "SM-A256B", "SM-M336B", "SM-F731B", "SM-F946B",
            "SM-X700", "SM-T870", "Pixel 6", "Pixel 6a", "Pixel 7", "Pixel 7 Pro", "Pixel 7a", "Pixel 8", "Pixel 8 Pro",
            "Pixel 8a", "Pixel 9", "Pixel 9 Pro", "M2101K6G", "2201117TG", "22101316G", "23049PCD8G", "2311DRK48G",
            "Redmi Note 8 Pro", "Redmi Note 9 Pro", "M2007J20CG", "CPH2305", "CPH2451", "CPH2581", "RMX3363",
            "RMX3630", "V2111", "V2231", "moto g(60)", "moto g54 5G", "motorola edge 40", "XQ-DQ54", "XQ-CT54",
            "ONEPLUS A6013", "LE2113", "NE2213", "PHB110", "Nokia G21", "HMA-L29", "ELS-NX9", "ANE-LX1", "KB2003",
            "AC2003", "TECNO KI5q", "Infinix X6816", "itel A665L", "LM-Q730", "FP4", "A063");
    private static final String[] ANDROID_VERSIONS = {"9", "10", "11", "12", "13", "14", "15"};
    private static final String[] MAC_VERSIONS = {"10_15_7", "10_15_6", "10_14_6", "11_7_10", "12_7_6", "13_6_9", "14_7_1"};
    private static final String[] WINDOWS = {"Windows NT 10.0; Win64; x64", "Windows NT 10.0; WOW64", "Windows NT 6.1; Win64; x64",
        "Windows NT 6.3; Win64; x64", "Windows NT 10.0"};
    private static final String[] LINUX = {"X11; Linux x86_64", "X11; Ubuntu; Linux x86_64", "X11; Fedora; Linux x86_64",
        "X11; CrOS x86_64 15917.71.0", "X11; CrOS x86_64 16002.51.0"};

    private RealisticUserAgents() {}

    /** {@code count} distinct user agents, most popular first (at most some 200,000 exist here). */
    public static List<String> distinct(int count) {
        Set<String> out = new LinkedHashSet<>(HEAD.subList(0, Math.min(count, HEAD.size())));
        if (out.size() < count) {
            List<String> tail = longTail();
            Collections.shuffle(tail, new Random(42));
            for (String ua : tail) {
                if (out.size() == count) {
                    break;
                }
                out.add(ua);
            }
        }
        if (out.size() < count) {
            throw new IllegalArgumentException("only " + out.size() + " distinct user agents, asked for " + count);
        }
        return List.copyOf(out);
    }

    /**
     * {@code length} ranks in {@code [0, distinct)} drawn with probability proportional to
     * {@code 1 / (rank + 1)^exponent} (Zipf; exponent 1 is close to what web traffic shows).
     */
    public static int[] zipfDraws(int distinct, double exponent, int length, long seed) {
        double[] cumulative = new double[distinct];
        double sum = 0;
        for (int rank = 0; rank < distinct; rank++) {
            sum += 1 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        Random random = new Random(seed);
        int[] draws = new int[length];
        for (int i = 0; i < length; i++) {
            int found = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            draws[i] = Math.min(found >= 0 ? found : -found - 1, distinct - 1);
        }
        return draws;
    }

    /** {@code length} ranks in {@code [0, distinct)}, each equally likely: the worst case of a cache. */
    public static int[] uniformDraws(int distinct, int length, long seed) {
        Random random = new Random(seed);
        int[] draws = new int[length];
        for (int i = 0; i < length; i++) {
            draws[i] = random.nextInt(distinct);
        }
        return draws;
    }

    private static List<String> longTail() {
        List<String> all = new ArrayList<>();
        Random builds = new Random(7);
        for (int major = 100; major <= 131; major++) {
            // Chrome has sent "major.0.0.0" since its UA reduction (110); older builds still send the full version.
            List<String> versions = new ArrayList<>();
            versions.add(major + ".0.0.0");
            for (int i = 0; i < 3; i++) {
                versions.add(major + ".0." + (5000 + (major - 100) * 60 + builds.nextInt(60)) + "." + builds.nextInt(200));
            }
            for (String v : versions) {
                for (String windows : WINDOWS) {
                    all.add("Mozilla/5.0 (" + windows + ") " + WEBKIT + " Chrome/" + v + " Safari/537.36");
                    all.add("Mozilla/5.0 (" + windows + ") " + WEBKIT + " Chrome/" + v + " Safari/537.36 Edg/" + major
                            + ".0." + (2000 + builds.nextInt(900)) + "." + builds.nextInt(120));
                    all.add("Mozilla/5.0 (" + windows + ") " + WEBKIT + " Chrome/" + v + " Safari/537.36 OPR/"
                            + (major - 14) + ".0.0.0");
                }
                for (String mac : MAC_VERSIONS) {
                    all.add("Mozilla/5.0 (Macintosh; Intel Mac OS X " + mac + ") " + WEBKIT + " Chrome/" + v + " Safari/537.36");
                }
                for (String linux : LINUX) {
                    all.add("Mozilla/5.0 (" + linux + ") " + WEBKIT + " Chrome/" + v + " Safari/537.36");
                }
                for (String android : ANDROID_VERSIONS) {
                    all.add("Mozilla/5.0 (Linux; Android " + android + "; K) " + WEBKIT + " Chrome/" + v + " Mobile Safari/537.36");
                    for (String model : ANDROID_MODELS) {
                        all.add("Mozilla/5.0 (Linux; Android " + android + "; " + model + ") " + WEBKIT + " Chrome/" + v
                                + (model.startsWith("SM-X") || model.startsWith("SM-T") ? "" : " Mobile") + " Safari/537.36");
                        all.add("Mozilla/5.0 (Linux; Android " + android + "; " + model + " Build/"
                                + (char) ('P' + Integer.parseInt(android) - 9) + "P1A." + (230000 + builds.nextInt(9000))
                                + ".0" + builds.nextInt(30) + "; wv) " + WEBKIT + " Version/4.0 Chrome/" + v
                                + " Mobile Safari/537.36");
                    }
                }
            }
            for (int samsung = 20; samsung <= 26; samsung++) {
                for (String model : ANDROID_MODELS.subList(0, 24)) {
                    all.add("Mozilla/5.0 (Linux; Android " + ANDROID_VERSIONS[builds.nextInt(ANDROID_VERSIONS.length)] + "; "
                            + model + ") " + WEBKIT + " SamsungBrowser/" + samsung + "." + builds.nextInt(3) + " Chrome/"
                            + major + ".0.0.0 Mobile Safari/537.36");
                }
            }
        }
        for (int firefox = 100; firefox <= 133; firefox++) {
            for (String windows : WINDOWS) {
                all.add("Mozilla/5.0 (" + windows + "; rv:" + firefox + ".0) Gecko/20100101 Firefox/" + firefox + ".0");
            }
            for (String mac : MAC_VERSIONS) {
                all.add("Mozilla/5.0 (Macintosh; Intel Mac OS X " + mac.replace('_', '.') + "; rv:" + firefox
                        + ".0) Gecko/20100101 Firefox/" + firefox + ".0");
            }
            for (String linux : LINUX) {
                all.add("Mozilla/5.0 (" + linux + "; rv:" + firefox + ".0) Gecko/20100101 Firefox/" + firefox + ".0");
            }
            for (String android : ANDROID_VERSIONS) {
                all.add("Mozilla/5.0 (Android " + android + "; Mobile; rv:" + firefox + ".0) Gecko/" + firefox
                        + ".0 Firefox/" + firefox + ".0");
            }
        }
        for (int ios = 15; ios <= 18; ios++) {
            for (int minor = 0; minor <= 7; minor++) {
                for (int patch = 0; patch <= 2; patch++) {
                    String dotted = ios + "." + minor + (patch == 0 ? "" : "." + patch);
                    String underscored = dotted.replace('.', '_');
                    String mobile = " Mobile/15E148";
                    all.add("Mozilla/5.0 (iPhone; CPU iPhone OS " + underscored + " like Mac OS X) AppleWebKit/605.1.15 "
                            + "(KHTML, like Gecko) Version/" + dotted + mobile + " Safari/604.1");
                    all.add("Mozilla/5.0 (iPad; CPU OS " + underscored + " like Mac OS X) AppleWebKit/605.1.15 "
                            + "(KHTML, like Gecko) Version/" + dotted + mobile + " Safari/604.1");
                    all.add("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                            + "Version/" + dotted + " Safari/605.1.15");
                    for (int chrome = 110; chrome <= 131; chrome += 3) {
                        all.add("Mozilla/5.0 (iPhone; CPU iPhone OS " + underscored + " like Mac OS X) AppleWebKit/605.1.15 "
                                + "(KHTML, like Gecko) CriOS/" + chrome + ".0." + (5000 + builds.nextInt(1500)) + "."
                                + builds.nextInt(150) + mobile + " Safari/604.1");
                    }
                    for (int app = 0; app < 4; app++) {
                        all.add("Mozilla/5.0 (iPhone; CPU iPhone OS " + underscored + " like Mac OS X) AppleWebKit/605.1.15 "
                                + "(KHTML, like Gecko)" + mobile + " Instagram " + (300 + builds.nextInt(60)) + ".0.0."
                                + builds.nextInt(40) + "." + builds.nextInt(120) + " (iPhone" + (12 + builds.nextInt(5))
                                + "," + (1 + builds.nextInt(4)) + "; iOS " + underscored + "; en_US; en; scale=3.00; "
                                + "1170x2532; " + (500000000 + builds.nextInt(90000000)) + ")");
                    }
                }
            }
        }
        all.add("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        all.add("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/131.0.6778.69 Safari/537.36");
        all.add("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)");
        all.add("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)");
        all.add("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)");
        for (int minor = 0; minor <= 11; minor++) {
            all.add("curl/8." + minor + ".0");
            all.add("okhttp/4." + minor + ".0");
            all.add("python-requests/2." + (20 + minor) + ".0");
        }
        return all;
    }
}
