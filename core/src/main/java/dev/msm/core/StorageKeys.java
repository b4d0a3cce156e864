package dev.msm.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import dev.msm.api.InvalidAttributeException;

/**
 * Builds the store keys of a session from its id and the {@code storageKeyPrefix} attribute. MSM's format: the
 * prefix tokens' values joined with {@code :} then {@code _} before the session id, e.g. {@code static:shop,context}
 * with context {@code /cart} gives {@code shop:-2Fcart_<id>}. Characters a store key may not hold are escaped as
 * {@code -XX} (hex), so two contexts never share a prefix.
 *
 * <p>Keys of one session: the session itself on its node, {@code bak:} its backup copy on the next node,
 * {@code lock:} its lock, {@code exp:} the claim of its expiry processing.
 */
final class StorageKeys {

    /** Tokens accepted in {@code storageKeyPrefix}. */
    static final String ACCEPTED = "comma-separated tokens among [static:<text>, host, host.hash, context, "
            + "context.hash, webappVersion]";

    static final int MAX_PREFIX_LENGTH = 120;

    private final String prefix;

    private StorageKeys(String prefix) {
        this.prefix = prefix;
    }

    /**
     * @param config        the attribute value, or {@code null}/blank for no prefix
     * @param host          the host name
     * @param context       the context path ({@code ""} for the root context)
     * @param webappVersion the web application version, or {@code ""}
     * @return the key builder
     * @throws InvalidAttributeException on an unknown token or a prefix that is too long
     */
    static StorageKeys of(String config, String host, String context, String webappVersion) {
        if (config == null || config.isBlank()) {
            return new StorageKeys("");
        }
        List<String> values = new ArrayList<>();
        for (String token : config.split(",")) {
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
        if (prefix.startsWith("bak:") || prefix.startsWith("lock:") || prefix.startsWith("exp:")) {
            throw InvalidAttributeException.invalidValue("storageKeyPrefix", config,
                    "a prefix that does not start with a reserved word [bak:, lock:, exp:]");
        }
        return new StorageKeys(prefix);
    }

    String session(SessionId id) {
        return prefix + id.base();
    }

    String backup(SessionId id) {
        return "bak:" + prefix + id.base();
    }

    String lock(SessionId id) {
        return "lock:" + prefix + id.base();
    }

    String expiryClaim(SessionId id) {
        return "exp:" + prefix + id.base();
    }

    /**
     * @return the prefix, e.g. {@code shop_}, or {@code ""}
     */
    String prefix() {
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
