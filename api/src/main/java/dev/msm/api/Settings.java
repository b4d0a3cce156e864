package dev.msm.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code <Manager>} attributes handed to a store or serializer provider: only those the user set, as written in
 * {@code context.xml}, plus the operation timeout every store needs. Typed getters fail with an
 * {@link InvalidAttributeException} that names the attribute, the value and what is accepted.
 *
 * <p>Immutable and thread-safe.
 */
public final class Settings {

    private final Map<String, String> attributes;
    private final Duration operationTimeout;
    private final String owner;

    /**
     * @param attributes       attribute name to configured text; {@code null} values are dropped
     * @param operationTimeout how long one store operation may take before it fails; positive
     * @param owner            names who uses the plugin, for thread names and log messages (e.g. the context path)
     */
    public Settings(Map<String, String> attributes, Duration operationTimeout, String owner) {
        Map<String, String> copy = new LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        this.attributes = Collections.unmodifiableMap(copy);
        this.operationTimeout = Objects.requireNonNull(operationTimeout, "operationTimeout");
        this.owner = owner == null ? "" : owner;
    }

    /**
     * @return the attributes the user set, in configuration order
     */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * @return how long one store operation may take before its future fails with {@link StoreTimeoutException}
     */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /**
     * @return who uses the plugin, e.g. {@code /shop}; never {@code null}
     */
    public String owner() {
        return owner;
    }

    /**
     * @return the trimmed value, or {@code null} when the attribute is not set or blank
     */
    public String get(String name) {
        String value = attributes.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.trim();
    }

    /**
     * @param what describes the plugin for the message, e.g. {@code store [memcached]}
     * @return the trimmed value
     * @throws InvalidAttributeException when the attribute is not set
     */
    public String require(String name, String what) {
        String value = get(name);
        if (value == null) {
            throw new InvalidAttributeException(name, "Attribute [" + name + "] is required for " + what);
        }
        return value;
    }

    /**
     * @return the trimmed value of a declared attribute, or {@code null} when it is not set or blank
     */
    public String get(Attribute attribute) {
        return get(attribute.name());
    }

    /**
     * Reads a typed attribute ({@link Attribute#bool}, {@link Attribute#integer}, {@link Attribute#millis},
     * {@link Attribute#choice}) with its declared default.
     *
     * @param type the Java type of the attribute: {@code Boolean}, {@code Integer}, {@code Duration} or
     *             {@code String} (a choice, in lower case)
     * @return the parsed value, or the declared default when the attribute is not set
     * @throws InvalidAttributeException naming the attribute, the value and {@link Attribute#accepted()}
     */
    public <T> T get(Attribute attribute, Class<T> type) {
        String value = get(attribute.name());
        return type.cast(value == null ? attribute.parsedDefault() : attribute.parse(value));
    }

    /**
     * Reads a typed attribute whose default its owner computes.
     *
     * @param def the default when the attribute is not set
     * @return the parsed value, or {@code def}
     * @throws InvalidAttributeException naming the attribute, the value and {@link Attribute#accepted()}
     */
    public <T> T get(Attribute attribute, Class<T> type, T def) {
        String value = get(attribute.name());
        return value == null ? def : type.cast(attribute.parse(value));
    }

    /**
     * @return the integer value, or {@code def} when not set
     * @throws InvalidAttributeException when the text is not an integer in {@code [min, max]}
     */
    public int getInt(String name, int def, int min, int max) {
        return get(Attribute.integer(name, def, min, max, ""), Integer.class, def);
    }

    /**
     * Reads a duration given in milliseconds.
     *
     * @return the duration, or {@code def} when not set
     * @throws InvalidAttributeException when the text is not a whole number of milliseconds in {@code [min, max]}
     */
    public Duration getMillis(String name, Duration def, long min, long max) {
        return get(Attribute.millis(name, "", min, max, ""), Duration.class, def);
    }

    /**
     * Reads a boolean strictly: unlike Tomcat's own parsing, a typo such as {@code ture} is an error, not
     * {@code false}.
     *
     * @return the value, or {@code def} when not set
     * @throws InvalidAttributeException when the text is neither {@code true} nor {@code false} (any case)
     */
    public boolean getBoolean(String name, boolean def) {
        return get(Attribute.bool(name, def, ""), Boolean.class);
    }

    /**
     * Reads one of a fixed set of words, case-insensitively.
     *
     * @param accepted the accepted words in lower case
     * @return the lower-case word, or {@code def} when not set
     * @throws InvalidAttributeException when the text is not one of {@code accepted}
     */
    public String getChoice(String name, String def, Set<String> accepted) {
        String value = get(name);
        if (value == null) {
            return def;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (accepted.contains(lower)) {
            return lower;
        }
        throw InvalidAttributeException.invalidValue(name, value, accepted.toString());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        attributes.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            boolean secret = k.toLowerCase(Locale.ROOT).contains("password")
                    || k.toLowerCase(Locale.ROOT).contains("secret") || k.toLowerCase(Locale.ROOT).contains("key");
            sb.append(k).append('=').append(secret ? "***" : v);
        });
        return sb.append('}').toString();
    }
}
