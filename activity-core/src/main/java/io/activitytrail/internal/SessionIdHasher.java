package io.activitytrail.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a raw session id (a live credential) by its HMAC-SHA256, hex: equal ids still match
 * each other, but the stored value cannot be used to take over a session. Thread-safe.
 */
final class SessionIdHasher {
    private static final Logger LOG = LoggerFactory.getLogger(SessionIdHasher.class);
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    SessionIdHasher(byte @Nullable [] key) {
        this.key = new SecretKeySpec(key != null ? key.clone() : ProcessKey.KEY, ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail at construction, not on the writer thread, if HmacSHA256 is missing
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    String hash(String rawSessionId) {
        Mac mac = macs.get();
        return HEX.formatHex(mac.doFinal(rawSessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Made on first use, so the INFO line appears only in processes that need it. */
    private static final class ProcessKey {
        static final byte[] KEY = newKey();

        private static byte[] newKey() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            LOG.info("No sessionIdHashKey set: session ids are hashed with a random key made for this process, "
                    + "so hashed session ids cannot be correlated across restarts or instances. Set "
                    + "ActivityTrail.builder().sessionIdHashKey(...) from a secret to keep them comparable.");
            return key;
        }
    }
}
