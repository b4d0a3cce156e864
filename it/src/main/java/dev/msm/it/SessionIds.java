package dev.msm.it;

/**
 * What a session id of msm's memcached format says, e.g. {@code 3F2A...C1-n1.a}: the {@linkplain #base base} (the
 * id without the route, which is also the key of the session's primary copy), the memcached {@linkplain #node node}
 * that holds the primary copy and the Tomcat's {@linkplain #route route}.
 */
public final class SessionIds {

    private SessionIds() {
    }

    /**
     * @param id a session id, e.g. {@code 3F2A...C1-n1.a}
     * @return the id without its route, e.g. {@code 3F2A...C1-n1}
     */
    public static String base(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? id : id.substring(0, dot);
    }

    /**
     * @param id a session id, e.g. {@code 3F2A...C1-n1.a}
     * @return the memcached node its primary copy lives on, e.g. {@code n1}
     */
    public static String node(String id) {
        String base = base(id);
        return base.substring(base.lastIndexOf('-') + 1);
    }

    /**
     * @param id a session id, e.g. {@code 3F2A...C1-n1.a}
     * @return the Tomcat's {@code jvmRoute}, e.g. {@code a}, or {@code null} when the id names none
     */
    public static String route(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? null : id.substring(dot + 1);
    }

    /**
     * @param node {@code n1} or {@code n2}
     * @return the other of the two memcached nodes, which holds the backup copy of a session on {@code node}
     */
    public static String otherNode(String node) {
        return node.equals("n1") ? "n2" : "n1";
    }
}
