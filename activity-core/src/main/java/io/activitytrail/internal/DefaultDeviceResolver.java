package io.activitytrail.internal;

import io.activitytrail.DeviceResolver;
import io.activitytrail.UapDeviceResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the default {@link DeviceResolver}: uap-java's when it is on the class path. */
public final class DefaultDeviceResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultDeviceResolver.class);
    static final String UAP_PARSER = "ua_parser.Parser";

    private DefaultDeviceResolver() {}

    /** A {@link UapDeviceResolver} (its rules start loading in the background), or {@link DeviceResolver#NONE}. */
    public static DeviceResolver forClassPath() {
        return pick(isPresent(UAP_PARSER, DefaultDeviceResolver.class.getClassLoader()));
    }

    static DeviceResolver pick(boolean uapPresent) {
        if (uapPresent) {
            return new UapDeviceResolver();
        }
        LOG.info("uap-java (com.github.ua-parser:uap-java) is not on the class path: device_info is filled from "
                + "client hints only; add it, or set ActivityTrail.Builder.deviceResolver(...)");
        return DeviceResolver.NONE;
    }

    static boolean isPresent(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
