package dev.msm.core.keys;

/**
 * A parsed session id {@code <random>-<nodeId>[.<jvmRoute>]} (or {@code <random>[.<jvmRoute>]} for stores without
 * explicit nodes). The part without the route is the session's identity in the store: moving a session to another
 * Tomcat changes only the route, moving it to another store node changes the node.
 *
 * @param random the random part, hex digits
 * @param node   the store node id, or {@code null} for stores without explicit nodes
 * @param route  the Tomcat's jvmRoute, or {@code null}
 */
public record SessionId(String random, String node, String route) {

    /**
     * @return {@code <random>-<node>}, or {@code <random>} without a node: the same on every Tomcat
     */
    public String base() {
        return node == null ? random : random + '-' + node;
    }

    /**
     * @return the full id as sent in cookies
     */
    public String full() {
        return route == null ? base() : base() + '.' + route;
    }

    /**
     * @return the same session id on another node
     */
    public SessionId withNode(String newNode) {
        return new SessionId(random, newNode, route);
    }

    /**
     * @return the same session id for another Tomcat
     */
    public SessionId withRoute(String newRoute) {
        return new SessionId(random, node, newRoute == null || newRoute.isEmpty() ? null : newRoute);
    }

    @Override
    public String toString() {
        return full();
    }
}
