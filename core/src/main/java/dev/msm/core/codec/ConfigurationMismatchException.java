package dev.msm.core.codec;

import dev.msm.api.SerializationException;

/**
 * A stored value this Tomcat cannot read because of its own configuration, not because the value is bad: written
 * with a key this Tomcat does not have (a rolling key change), by the other serializer, with encryption or integrity
 * where this Tomcat has none (or the other way round), or in a newer format. Such a value is left in the store for
 * the Tomcats that can read it; only corrupt or forged values are removed.
 *
 * <p>The message names the cause without naming the session, so that it can be reported once per cause.
 */
public final class ConfigurationMismatchException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /**
     * @param cause what differs, e.g. {@code Value encrypted with key [k2], which is not among ...}
     */
    ConfigurationMismatchException(String cause) {
        super(cause, null);
    }
}
