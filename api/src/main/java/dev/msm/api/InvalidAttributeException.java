package dev.msm.api;

/**
 * A configuration attribute has a value that cannot be used, or is not known. The message names the attribute, the
 * value and what is accepted, e.g. {@code Invalid value [ture] for attribute [sticky]; accepted values are
 * [true, false]}. The context does not start.
 */
public class InvalidAttributeException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final String attribute;

    /**
     * @param attribute the attribute name as written in {@code context.xml}
     * @param message   the complete message
     */
    public InvalidAttributeException(String attribute, String message) {
        super(message);
        this.attribute = attribute;
    }

    /**
     * Builds the standard message for a bad value.
     *
     * @param attribute the attribute name
     * @param value     the value as configured
     * @param accepted  what is accepted, e.g. {@code an integer >= 1} or {@code [true, false]}
     * @return the exception
     */
    public static InvalidAttributeException invalidValue(String attribute, String value, String accepted) {
        return new InvalidAttributeException(attribute,
                "Invalid value [" + value + "] for attribute [" + attribute + "]; accepted "
                        + (accepted.startsWith("[") ? "values are " : "is ") + accepted);
    }

    /**
     * @return the attribute name
     */
    public String attribute() {
        return attribute;
    }
}
