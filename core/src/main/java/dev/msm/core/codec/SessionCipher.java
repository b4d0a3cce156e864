package dev.msm.core.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SerializationException;

/**
 * Authenticated encryption of stored session values (AES-GCM, 96-bit random IV, 128-bit tag). The session's id and
 * the value's header are bound as associated data: a value altered, truncated, or copied under another session's key
 * is rejected.
 *
 * <p>Keys rotate: the newest key (first in the list) encrypts, every listed key decrypts; the key id travels in the
 * value's header. Keys come from {@code encryptionKeys} ({@code id:base64, id:base64, ...}) or
 * {@code encryptionKeyFile} (one {@code id:base64} per line, newest first, {@code #} comments), 128, 192 or 256 bit.
 */
public final class SessionCipher {

    public static final String ACCEPTED = "a comma-separated list of <keyId>:<base64 AES key of 16, 24 or 32 bytes>, "
            + "newest first; key ids are 1 to 32 characters of [A-Za-z0-9._-]";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keys;
    private final String currentId;
    private final SecureRandom random = new SecureRandom();
    /** One {@link Cipher} per thread: looking one up costs more than the encryption of a small session. */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SessionCipher::newCipher);

    private SessionCipher(Map<String, SecretKeySpec> keys, String currentId) {
        this.keys = keys;
        this.currentId = currentId;
    }

    /**
     * @param keysAttribute the {@code encryptionKeys} attribute, or {@code null}
     * @param keyFile       the {@code encryptionKeyFile} attribute, or {@code null}
     * @return the cipher, or {@code null} when neither attribute is set
     * @throws InvalidAttributeException when a key is malformed, the file unreadable, or both attributes are set
     */
    public static SessionCipher of(String keysAttribute, String keyFile) {
        Map<String, byte[]> raw = keyList("encryptionKeys", keysAttribute, "encryptionKeyFile", keyFile, ACCEPTED,
                n -> n == 16 || n == 24 || n == 32);
        if (raw == null) {
            return null;
        }
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        raw.forEach((id, key) -> keys.put(id, new SecretKeySpec(key, "AES")));
        return new SessionCipher(keys, raw.keySet().iterator().next());
    }

    /**
     * Reads a key list in the format of {@code encryptionKeys} ({@code id:base64, ...}, newest first) from an
     * attribute or from a file (one entry per line, {@code #} comments). Keys are never echoed in messages.
     *
     * @param sizeOk accepts a decoded key's length in bytes
     * @return key id to key bytes, newest first; {@code null} when neither attribute is set
     * @throws InvalidAttributeException when an entry is malformed, the file unreadable, or both attributes are set
     */
    static Map<String, byte[]> keyList(String attribute, String value, String fileAttribute, String file,
            String accepted, IntPredicate sizeOk) {
        if (value != null && file != null) {
            throw new InvalidAttributeException(attribute, "Attributes [" + attribute + "] and [" + fileAttribute
                    + "] both configure the keys; set only one");
        }
        if (value != null) {
            return parse(attribute, List.of(value.split(",")), "***", accepted, sizeOk);
        }
        if (file == null) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new InvalidAttributeException(fileAttribute, "Cannot read key file [" + file + "] of attribute ["
                    + fileAttribute + "]: " + e);
        }
        List<String> entries = new ArrayList<>();
        for (String line : lines) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
                entries.add(l);
            }
        }
        return parse(fileAttribute, entries, file, accepted, sizeOk);
    }

    private static Map<String, byte[]> parse(String attribute, List<String> entries, String shown, String accepted,
            IntPredicate sizeOk) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = raw.trim();
            int colon = entry.indexOf(':');
            String id = colon < 0 ? "" : entry.substring(0, colon);
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                key = null;
            }
            if (!id.matches("[A-Za-z0-9._-]{1,32}") || key == null || !sizeOk.test(key.length)
                    || keys.containsKey(id)) {
                throw InvalidAttributeException.invalidValue(attribute, shown, accepted);
            }
            keys.put(id, key);
        }
        if (keys.isEmpty()) {
            throw InvalidAttributeException.invalidValue(attribute, shown, accepted);
        }
        return keys;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e, e);
        }
    }

    /**
     * @return the id of the key that encrypts
     */
    public String currentKeyId() {
        return currentId;
    }

    /**
     * @return {@code iv || ciphertext-with-tag}
     */
    byte[] encrypt(byte[] plain, byte[] associatedData) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new SerializationException("Encryption failed: " + e, e);
        }
    }

    /**
     * @throws SerializationException when the key is unknown or the value fails authentication
     */
    byte[] decrypt(String keyId, byte[] ivAndSealed, byte[] associatedData) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new ConfigurationMismatchException("Value encrypted with key [" + keyId + "], which is not among "
                    + "this Tomcat's [encryptionKeys] " + keys.keySet());
        }
        if (ivAndSealed.length < IV_BYTES + TAG_BITS / 8) {
            throw new SerializationException("Encrypted value too short", null);
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ivAndSealed, 0, IV_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(ivAndSealed, IV_BYTES, ivAndSealed.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new SerializationException("Value failed authentication (altered, truncated, or stored under "
                    + "another session id)", e);
        }
    }
}
