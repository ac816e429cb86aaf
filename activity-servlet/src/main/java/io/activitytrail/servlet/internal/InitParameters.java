package io.activitytrail.servlet.internal;

import io.activitytrail.servlet.FilterSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Applies {@code web.xml} init-params (the settings that are plain values) to a settings builder. */
public final class InitParameters {
    /** Every init-param name read; lists are comma-separated. */
    public static final List<String> NAMES = List.of("anonymousUserId", "trustedProxies", "forwardedForHeader",
            "useForwardedHeader", "requestIdHeader", "mdcKey", "routeAttribute", "includePatterns",
            "excludePatterns", "addExcludePatterns", "includeMethods", "excludeMethods", "activityApiPath",
            "countryHeaders", "secretQueryKeys");

    private InitParameters() {}

    /**
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public static FilterSettings apply(FilterSettings base, Function<String, @Nullable String> parameters) {
        FilterSettings.Builder b = base.toBuilder();
        for (String name : NAMES) {
            String value = parameters.apply(name);
            if (value == null) {
                continue;
            }
            try {
                set(b, name, value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("init-param " + name + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static void set(FilterSettings.Builder b, String name, String value) {
        switch (name) {
            case "anonymousUserId" -> b.anonymousUserId(value.isEmpty() ? null : value);
            case "trustedProxies" -> b.trustedProxies(list(value));
            case "forwardedForHeader" -> b.forwardedForHeader(value);
            case "useForwardedHeader" -> b.useForwardedHeader(bool(value));
            case "requestIdHeader" -> b.requestIdHeader(value);
            case "mdcKey" -> b.mdcKey(value);
            case "routeAttribute" -> b.routeAttribute(value);
            case "includePatterns" -> b.includePatterns(list(value));
            case "excludePatterns" -> b.excludePatterns(list(value));
            case "addExcludePatterns" -> b.addExcludePatterns(list(value).toArray(String[]::new));
            case "includeMethods" -> b.includeMethods(list(value));
            case "excludeMethods" -> b.excludeMethods(list(value));
            case "activityApiPath" -> b.activityApiPath(value.isEmpty() || value.equalsIgnoreCase("none") ? null : value);
            case "countryHeaders" -> b.countryHeaders(list(value));
            case "secretQueryKeys" -> b.secretQueryKeys(list(value));
            default -> throw new IllegalStateException(name);
        }
    }

    private static List<String> list(String value) {
        return value.isEmpty() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false, but was \"" + value + "\"");
        };
    }
}
