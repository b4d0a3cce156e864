package dev.msm.core.keys;

import java.util.Set;

/**
 * Parses and builds session ids of the form {@code <random>-<nodeId>[.<jvmRoute>]}, as MSM did. Session ids come
 * from cookies and URLs, so {@link #parse} is the gate every id passes before it becomes part of a store key:
 * anything that is not exactly this format, with a node this store knows, is refused.
 */
public final class SessionIdFormat {

    /** Longest id accepted (random part 16..64 hex digits, node id and route up to 32 characters each). */
    static final int MAX_LENGTH = 64 + 1 + 32 + 1 + 32;

    private final Set<String> nodeIds;
    private final boolean withNodes;

    /**
     * @param nodeIds the store's node ids; empty for a store without explicit nodes (ids then carry no node)
     */
    public SessionIdFormat(Set<String> nodeIds) {
        this.nodeIds = Set.copyOf(nodeIds);
        this.withNodes = !nodeIds.isEmpty();
    }

    /**
     * @param id an id from a cookie, URL or Tomcat; may be anything
     * @return the parsed id, or {@code null} when it is malformed, too long or names an unknown node
     */
    public SessionId parse(String id) {
        if (id == null || id.length() < 16 || id.length() > MAX_LENGTH) {
            return null;
        }
        int dot = id.indexOf('.');
        String route = null;
        String base = id;
        if (dot >= 0) {
            route = id.substring(dot + 1);
            base = id.substring(0, dot);
            if (!isRoute(route)) {
                return null;
            }
        }
        String random = base;
        String node = null;
        if (withNodes) {
            int dash = base.lastIndexOf('-');
            if (dash < 0) {
                return null;
            }
            random = base.substring(0, dash);
            node = base.substring(dash + 1);
            if (!nodeIds.contains(node)) {
                return null;
            }
        }
        if (random.length() < 16 || random.length() > 64 || !isHex(random)) {
            return null;
        }
        return new SessionId(random, node, route);
    }

    /**
     * Builds the id of a new session from Tomcat's generated id (random hex, maybe with {@code .route}).
     *
     * @param generated what Tomcat's id generator produced
     * @param node      the node the session will live on, or {@code null}
     * @return the new id
     */
    public SessionId create(String generated, String node) {
        int dot = generated.indexOf('.');
        String random = dot < 0 ? generated : generated.substring(0, dot);
        String route = dot < 0 ? null : generated.substring(dot + 1);
        if (random.length() > 64) {
            random = random.substring(0, 64);
        }
        return new SessionId(random, withNodes ? node : null, route == null || route.isEmpty() ? null : route);
    }

    /**
     * @return whether ids carry a node id
     */
    boolean withNodes() {
        return withNodes;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return whether {@code s} is a usable jvmRoute: 1..32 characters of {@code [A-Za-z0-9_.-]}
     */
    public static boolean isRoute(String s) {
        if (s == null || s.isEmpty() || s.length() > 32) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
