package dev.msm.core;

import java.util.Map;
import java.util.Set;

/**
 * Names msm shares with Tomcat and MSM: attributes of MSM 2.3.2 that msm does not read (a {@code context.xml}
 * written for MSM still starts, and each such attribute gets a warning saying what replaces it), and the session
 * notes of Tomcat's authenticators that are stored with a session.
 */
final class TomcatAttributes {

    /** Tomcat's FORM authenticator keeps the user's password here ({@code cache="false"}): never stored. */
    static final String PASSWORD_NOTE = "org.apache.catalina.session.PASSWORD";

    /**
     * Session notes stored with the session, so that another Tomcat continues a FORM login: the saved request, the
     * session id of the login and the user name. Never {@link #PASSWORD_NOTE}: a password must not sit in a store
     * that others may read (with {@code cache="false"}, a user whose session moves to another Tomcat logs in again).
     */
    static final Set<String> PERSISTED_NOTES = Set.of("org.apache.catalina.authenticator.REQUEST",
            "org.apache.catalina.authenticator.SESSION_ID", "org.apache.catalina.session.USERNAME");

    /** MSM attribute name to what the user should know. */
    static final Map<String, String> MSM_ONLY = Map.of(
            "copyCollectionsForSerialization", "msm serializes again when a collection changes during "
                    + "serialization, so copies are not needed; with serializer=\"kryo\" the attribute is honoured",
            "customConverter", "msm has no custom Kryo/Javolution converters; allow application classes with "
                    + "[allowedClasses] and use serializer=\"kryo\" or \"java\"",
            "enableStatistics", "msm's statistics are always on and cost a few counter increments; read them over "
                    + "JMX (statRequests, statLoads, ...)");

    /** Accepted silently: Tomcat's own attribute of every {@code <Manager>} element. */
    static final String CLASS_NAME = "className";

    private TomcatAttributes() {
    }
}
