package dev.msm.core.codec;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SerializationException;

/**
 * Integrity without encryption: stored session values authenticated with HMAC-SHA-256. The tag covers the
 * application's key namespace, the session's id, every header byte and the payload, so a value altered, truncated,
 * copied under another session or application, or planted by someone who can write to the store but has no key is
 * refused. The values stay readable to anyone who can read the store; {@link SessionCipher} hides them too.
 *
 * <p>Keys rotate as {@code encryptionKeys} do: the newest key (first in the list) signs, every listed key verifies;
 * the key id travels in the value's header. Keys come from {@code integrityKeys} ({@code id:base64, ...}) or
 * {@code integrityKeyFile} (one {@code id:base64} per line, newest first, {@code #} comments), 16 to 64 bytes.
 *
 * <p>Thread-safe; {@link Mac} instances are kept per thread, so a request costs no key setup.
 */
public final class SessionMac {

    public static final String ACCEPTED = "a comma-separated list of <keyId>:<base64 HMAC key of 16 to 64 bytes>, "
            + "newest first; key ids are 1 to 32 characters of [A-Za-z0-9._-]";
    /** Bytes of the tag appended to the payload. */
    static final int TAG_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final Map<String, SecretKeySpec> keys;
    private final String currentId;
    private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);

    private SessionMac(Map<String, SecretKeySpec> keys, String currentId) {
        this.keys = keys;
        this.currentId = currentId;
    }

    /**
     * @param keysAttribute the {@code integrityKeys} attribute, or {@code null}
     * @param keyFile       the {@code integrityKeyFile} attribute, or {@code null}
     * @return the authenticator, or {@code null} when neither attribute is set
     * @throws InvalidAttributeException when a key is malformed, the file unreadable, or both attributes are set
     */
    public static SessionMac of(String keysAttribute, String keyFile) {
        Map<String, byte[]> raw = SessionCipher.keyList("integrityKeys", keysAttribute, "integrityKeyFile", keyFile,
                ACCEPTED, n -> n >= 16 && n <= 64);
        if (raw == null) {
            return null;
        }
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        raw.forEach((id, key) -> keys.put(id, new SecretKeySpec(key, ALGORITHM)));
        return new SessionMac(keys, raw.keySet().iterator().next());
    }

    /**
     * @return the id of the key that signs
     */
    public String currentKeyId() {
        return currentId;
    }

    /**
     * @param associatedData what the tag binds besides the body (namespace, session id, header)
     * @return {@code body || tag}
     */
    byte[] sign(byte[] associatedData, byte[] body) {
        Mac mac = mac(currentId);
        mac.update(associatedData);
        mac.update(body);
        byte[] out = Arrays.copyOf(body, body.length + TAG_BYTES);
        try {
            mac.doFinal(out, body.length);
        } catch (GeneralSecurityException e) {
            throw new SerializationException("Authentication failed: " + e, e);
        }
        return out;
    }

    /**
     * @param signed {@code body || tag}
     * @return the body
     * @throws ConfigurationMismatchException when the key is not among this Tomcat's
     * @throws SerializationException         when the tag does not verify (altered, truncated, copied or forged)
     */
    byte[] verify(String keyId, byte[] associatedData, byte[] signed) {
        if (!keys.containsKey(keyId)) {
            throw new ConfigurationMismatchException("Value signed with key [" + keyId + "], which is not among "
                    + "this Tomcat's [integrityKeys] " + keys.keySet());
        }
        if (signed.length < TAG_BYTES) {
            throw new SerializationException("Signed value too short", null);
        }
        int bodyLength = signed.length - TAG_BYTES;
        Mac mac = mac(keyId);
        mac.update(associatedData);
        mac.update(signed, 0, bodyLength);
        byte[] expected = mac.doFinal();
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(signed, bodyLength, signed.length))) {
            throw new SerializationException("Value failed authentication (altered, truncated, stored under "
                    + "another session id or application, or written without the key)", null);
        }
        return Arrays.copyOf(signed, bodyLength);
    }

    private Mac mac(String keyId) {
        return macs.get().computeIfAbsent(keyId, id -> {
            try {
                Mac m = Mac.getInstance(ALGORITHM);
                m.init(keys.get(id));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA-256 is not available: " + e, e);
            }
        });
    }
}
