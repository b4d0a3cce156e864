package dev.msm.core;

/**
 * Which requests lock their session in non-sticky mode ({@code lockingMode} attribute). A locked request has the
 * session to itself cluster-wide from the moment it first touches the session until it ends; an unlocked request
 * may run in parallel with others on the same session and the last write wins.
 */
public enum LockingMode {

    /**
     * No request locks (the default, as in MSM). Cheapest: a read costs one store round-trip. Parallel requests of
     * one user on different Tomcats may overwrite each other's changes; parallel requests on the same Tomcat share
     * one session instance, as with Tomcat's own manager.
     */
    NONE,

    /**
     * Every request that touches the session locks it. No update is ever lost; parallel requests of one user are
     * serialized. A read costs a lock and an unlock besides the load (three operations in two round-trips).
     */
    ALL,

    /**
     * Requests lock unless their URI was seen to only read the session: a URI whose requests never modified the
     * session is remembered as read-only and its later requests do not lock; once a request for it modifies the
     * session it locks again for good. A cheap middle ground, with the risk of a lost update on the first
     * modification through a URI taken as read-only.
     */
    AUTO,

    /**
     * Requests whose URI (with query string) matches the regular expression after {@code uriPattern:} lock; others
     * do not. For applications that know which URIs modify the session.
     */
    URI_PATTERN
}
