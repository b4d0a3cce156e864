package dev.msm.core.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.msm.api.InvalidAttributeException;

/**
 * Builds the store keys of a session from its id, the application's key namespace and, when a secret is configured,
 * a keyed hash.
 *
 * <p><b>Namespace.</b> The {@code storageKeyPrefix} attribute, MSM's format: the prefix tokens' values joined with
 * {@code :} then {@code _} before the session id, e.g. {@code static:shop,context} with context {@code /cart} gives
 * {@code shop:-2Fcart_<id>}. Characters a store key may not hold are escaped as {@code -XX} (hex), so two contexts
 * never share a prefix. The default, {@link #DEFAULT_PREFIX}, is one namespace per
 * application ({@code host.hash,context.hash,webappVersion}): an id presented to another application never reaches
 * this one's keys. The same explicit prefix in two applications shares their sessions deliberately.
 *
 * <p><b>Hashed ids.</b> With a secret ({@code storageKeySecret}, or any of {@code encryptionKeys} /
 * {@code integrityKeys}), the id part of every key is {@code HMAC-SHA-256(k, namespace 0 id)} (128 bits, hex), so a
 * store reader who lists keys learns no session id. {@code k} is {@code storageKeySecret} when set; else a fixed,
 * public key, so that rotating the encryption or integrity keys never changes a store key (ids have 128 random bits
 * by default: the hash still cannot be reversed, but whoever knows an id can compute its key). The store routes by
 * {@link SessionId#node()}, never by the key, so hashing does not move sessions.
 *
 * <p>Keys of one session: the session itself on its node, {@code bak:} its backup copy on the next node (and the
 * tombstone of a session that moved), {@code lock:} its lock, {@code exp:} the claim of its expiry processing. The
 * part after the last {@code :} is the same in all of them (Redis Cluster hash tags rely on it).
 *
 * <p>Thread-safe. Each thread keeps its own {@link Mac} and the last id it hashed, so the keys of one request cost
 * one HMAC.
 */
public final class StorageKeys {

    /**
     * Default of {@code storageKeyPrefix}: one key namespace per application (MSM's was {@code webappVersion}, which
     * let two applications read each other's sessions).
     */
    public static final String DEFAULT_PREFIX = "host.hash,context.hash,webappVersion";

    /** Tokens accepted in {@code storageKeyPrefix}. */
    public static final String ACCEPTED = "comma-separated tokens among [static:<text>, host, host.hash, context, "
            + "context.hash, webappVersion]";

    static final int MAX_PREFIX_LENGTH = 120;
    /** Hex characters of the hashed id (128 bits). */
    static final int HASH_CHARS = 32;
    /** Key of the id hash when no {@code storageKeySecret} is configured: public, so stable across rotations. */
    private static final byte[] PUBLIC_ID_KEY = "msm store key v1".getBytes(StandardCharsets.US_ASCII);

    private final String prefix;
    private final SecretKeySpec idKey;
    private final ThreadLocal<Hasher> hashers;

    private StorageKeys(String prefix, byte[] idKey) {
        this.prefix = prefix;
        this.idKey = idKey == null ? null : new SecretKeySpec(idKey, "HmacSHA256");
        this.hashers = idKey == null ? null : ThreadLocal.withInitial(this::newHasher);
    }

    /**
     * Keys with the session id in plain text (no secret configured).
     *
     * @see #of(String, String, String, String, byte[], boolean)
     */
    public static StorageKeys of(String config, String host, String context, String webappVersion) {
        return of(config, host, context, webappVersion, null, false);
    }

    /**
     * @param config        the attribute value; {@code null} for the default (one namespace per application), blank
     *                      for no prefix
     * @param host          the host name
     * @param context       the context path ({@code ""} for the root context)
     * @param webappVersion the web application version, or {@code ""}
     * @param secret        the {@code storageKeySecret}, or {@code null}
     * @param hashIds       hash the ids (a secret of any kind is configured); implied by {@code secret}
     * @return the key builder
     * @throws InvalidAttributeException on an unknown token or a prefix that is too long
     */
    public static StorageKeys of(String config, String host, String context, String webappVersion, byte[] secret,
            boolean hashIds) {
        String tokens = config == null ? DEFAULT_PREFIX : config;
        byte[] idKey = secret != null ? secret.clone() : hashIds ? PUBLIC_ID_KEY : null;
        if (tokens.isBlank()) {
            return new StorageKeys("", idKey);
        }
        List<String> values = new ArrayList<>();
        for (String token : tokens.split(",")) {
            String t = token.trim();
            String value;
            if (t.startsWith("static:") && t.length() > "static:".length()) {
                value = t.substring("static:".length());
            } else if (t.equals("host")) {
                value = host;
            } else if (t.equals("host.hash")) {
                value = hash(host);
            } else if (t.equals("context")) {
                value = context;
            } else if (t.equals("context.hash")) {
                value = hash(context);
            } else if (t.equals("webappVersion")) {
                value = webappVersion;
            } else {
                throw InvalidAttributeException.invalidValue("storageKeyPrefix", config, ACCEPTED);
            }
            if (value != null && !value.isEmpty()) {
                values.add(escape(value));
            }
        }
        String prefix = values.isEmpty() ? "" : String.join(":", values) + "_";
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw InvalidAttributeException.invalidValue("storageKeyPrefix", config,
                    "tokens whose values add up to at most " + MAX_PREFIX_LENGTH + " characters (use context.hash "
                            + "or host.hash for long names)");
        }
        if (prefix.startsWith("bak:") || prefix.startsWith("lock:") || prefix.startsWith("exp:")
                || prefix.startsWith("msm:")) {
            throw InvalidAttributeException.invalidValue("storageKeyPrefix", config,
                    "a prefix that does not start with a reserved word [bak:, lock:, exp:, msm:]");
        }
        return new StorageKeys(prefix, idKey);
    }

    public String session(SessionId id) {
        return prefix + idPart(id);
    }

    public String backup(SessionId id) {
        return "bak:" + prefix + idPart(id);
    }

    public String lock(SessionId id) {
        return "lock:" + prefix + idPart(id);
    }

    public String expiryClaim(SessionId id) {
        return "exp:" + prefix + idPart(id);
    }

    /**
     * @return the application's key namespace, bound to encrypted and signed values: the prefix without its
     *         trailing {@code _}, e.g. {@code 1a2b3c4d:5e6f7a8b}, or {@code ""}
     */
    public String namespace() {
        return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    }

    /**
     * @return whether keys hide the session ids
     */
    public boolean hashesIds() {
        return idKey != null;
    }

    private String idPart(SessionId id) {
        return hashers == null ? id.base() : hashers.get().hash(id.base());
    }

    private Hasher newHasher() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(idKey);
            return new Hasher(mac, namespace().getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available: " + e, e);
        }
    }

    /** One thread's HMAC and the last id it hashed (a request asks for several keys of one session). */
    private static final class Hasher {
        private static final char[] HEX = "0123456789abcdef".toCharArray();
        private final Mac mac;
        private final byte[] namespace;
        private String lastBase;
        private String lastHash;

        Hasher(Mac mac, byte[] namespace) {
            this.mac = mac;
            this.namespace = namespace;
        }

        String hash(String base) {
            if (base.equals(lastBase)) {
                return lastHash;
            }
            mac.update(namespace);
            mac.update((byte) 0);
            mac.update(base.getBytes(StandardCharsets.US_ASCII));
            byte[] digest = mac.doFinal();
            char[] out = new char[HASH_CHARS];
            for (int i = 0; i < HASH_CHARS / 2; i++) {
                out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
                out[2 * i + 1] = HEX[digest[i] & 0xf];
            }
            lastBase = base;
            lastHash = new String(out);
            return lastHash;
        }
    }

    /**
     * @return the prefix, e.g. {@code shop_}, or {@code ""}
     */
    public String prefix() {
        return prefix;
    }

    static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
            if (ok) {
                sb.append(c);
            } else {
                sb.append('-').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    static String hash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                sb.append(String.format("%02x", digest[i] & 0xff));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
