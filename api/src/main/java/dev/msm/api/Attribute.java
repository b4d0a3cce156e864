package dev.msm.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One {@code <Manager>} attribute, declared once: its name, its default, what it accepts and what it means. Parsing
 * ({@link Settings}), the error messages ({@code Invalid value [ture] for attribute [sticky]; accepted values are
 * [true, false]}), the list of known attributes and the README's attribute tables all come from the declaration.
 *
 * <p>Typed attributes ({@link #bool}, {@link #integer}, {@link #millis}, {@link #choice}) know their range, so that
 * {@link Settings} parses them; {@link #text} attributes are parsed by their owner, who reports a bad value with
 * {@link #invalid(String)} so that the message shows {@link #accepted()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Attribute {

    /** What an attribute's text is parsed as. */
    private enum Kind { TEXT, BOOLEAN, INTEGER, MILLIS, CHOICE }

    private final String name;
    private final Kind kind;
    private final String defaultValue;
    private final String shownDefault;
    private final String accepted;
    private final String description;
    private final long min;
    private final long max;
    private final List<String> choices;

    private Attribute(String name, Kind kind, String defaultValue, String shownDefault, String accepted,
            String description, long min, long max, List<String> choices) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.shownDefault = Objects.requireNonNull(shownDefault, "shownDefault");
        this.accepted = Objects.requireNonNull(accepted, "accepted");
        this.description = Objects.requireNonNull(description, "description");
        this.min = min;
        this.max = max;
        this.choices = choices;
    }

    /**
     * An attribute its owner parses.
     *
     * @param name         the name as written in {@code context.xml}
     * @param shownDefault the default as documented, e.g. {@code none}, {@code `default`} (Markdown)
     * @param accepted     what is accepted, for messages: {@code [a, b]} for a list of words, else a phrase
     * @param description  one line (Markdown) saying what it does
     * @return the attribute
     */
    public static Attribute text(String name, String shownDefault, String accepted, String description) {
        return new Attribute(name, Kind.TEXT, null, shownDefault, accepted, description, 0, 0, List.of());
    }

    /**
     * @param def the default
     * @return a boolean attribute, {@code true} or {@code false} in any case (a typo is an error, not {@code false})
     */
    public static Attribute bool(String name, boolean def, String description) {
        return new Attribute(name, Kind.BOOLEAN, Boolean.toString(def), "`" + def + "`", "[true, false]",
                description, 0, 0, List.of("true", "false"));
    }

    /**
     * @param def the default
     * @return an integer attribute from {@code min} to {@code max}
     */
    public static Attribute integer(String name, int def, int min, int max, String description) {
        return new Attribute(name, Kind.INTEGER, Integer.toString(def), "`" + def + "`", integerAccepted(min, max),
                description, min, max, List.of());
    }

    /**
     * @param shownDefault the default as documented when its owner computes it, e.g. {@code cores}
     * @return an integer attribute from {@code min} to {@code max}; read it with {@link Settings#getInt(Attribute,
     *         int)}
     */
    public static Attribute integer(String name, String shownDefault, int min, int max, String description) {
        return new Attribute(name, Kind.INTEGER, null, shownDefault, integerAccepted(min, max), description, min,
                max, List.of());
    }

    /**
     * @param def the default in milliseconds
     * @return a duration attribute, a whole number of milliseconds from {@code min} to {@code max}
     */
    public static Attribute millis(String name, long def, long min, long max, String description) {
        return new Attribute(name, Kind.MILLIS, Long.toString(def), "`" + def + "`", millisAccepted(min, max),
                description, min, max, List.of());
    }

    /**
     * @param shownDefault the default as documented when its owner computes it
     * @return a duration attribute in milliseconds; read it with {@link Settings#getMillis(Attribute, Duration)}
     */
    public static Attribute millis(String name, String shownDefault, long min, long max, String description) {
        return new Attribute(name, Kind.MILLIS, null, shownDefault, millisAccepted(min, max), description, min, max,
                List.of());
    }

    /**
     * @param def     the default, one of {@code choices}
     * @param choices the accepted words in lower case; matched case-insensitively
     * @return an attribute taking one of a few words
     */
    public static Attribute choice(String name, String def, List<String> choices, String description) {
        if (!choices.contains(def)) {
            throw new IllegalArgumentException("Default [" + def + "] of [" + name + "] is not among " + choices);
        }
        return new Attribute(name, Kind.CHOICE, def, "`" + def + "`", choices.toString(), description, 0, 0,
                List.copyOf(choices));
    }

    /**
     * @param attributes declarations
     * @return their names, e.g. for {@code attributeNames()} of a provider
     */
    public static Set<String> names(List<Attribute> attributes) {
        Set<String> names = new LinkedHashSet<>();
        attributes.forEach(a -> names.add(a.name()));
        return Collections.unmodifiableSet(names);
    }

    static String integerAccepted(long min, long max) {
        return "an integer from " + min + " to " + max;
    }

    static String millisAccepted(long min, long max) {
        return "a number of milliseconds from " + min + " to " + max;
    }

    /**
     * @return the name as written in {@code context.xml}, e.g. {@code operationTimeout}
     */
    public String name() {
        return name;
    }

    /**
     * @return the default as documented (Markdown), e.g. {@code `1000`} or {@code none}
     */
    public String shownDefault() {
        return shownDefault;
    }

    /**
     * @return what is accepted, as error messages show it: {@code [true, false]} or a phrase such as {@code an
     *         integer from 0 to 100}
     */
    public String accepted() {
        return accepted;
    }

    /**
     * @return one line (Markdown) saying what the attribute does
     */
    public String description() {
        return description;
    }

    /**
     * @param value the value as configured (mask secrets before)
     * @return the standard exception for a bad value, naming this attribute and {@link #accepted()}
     */
    public InvalidAttributeException invalid(String value) {
        return InvalidAttributeException.invalidValue(name, value, accepted);
    }

    /** Parses a set value of a typed attribute; {@code null} when unset. */
    Object parse(String value) {
        switch (kind) {
            case BOOLEAN, CHOICE -> {
                String lower = value.toLowerCase(Locale.ROOT);
                if (choices.contains(lower)) {
                    return kind == Kind.BOOLEAN ? Boolean.valueOf(lower) : lower;
                }
            }
            case INTEGER, MILLIS -> {
                try {
                    long parsed = Long.parseLong(value);
                    if (parsed >= min && parsed <= max) {
                        return kind == Kind.INTEGER ? Integer.valueOf((int) parsed) : Duration.ofMillis(parsed);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            default -> throw new IllegalStateException("Attribute [" + name + "] is parsed by its owner");
        }
        throw invalid(value);
    }

    /** @return the declared default, parsed */
    Object parsedDefault() {
        if (defaultValue == null) {
            throw new IllegalStateException("Attribute [" + name + "] has a computed default; pass it");
        }
        return parse(defaultValue);
    }

    @Override
    public String toString() {
        return name;
    }
}
