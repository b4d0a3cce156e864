package dev.msm.core.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.msm.api.SessionStore;
import dev.msm.api.StoreNode;

/**
 * Chooses store nodes: where a new session lives, where its backup copy goes, and where a session moves when its
 * node is down. Relocation is deterministic (the first available node after the dead one, in configuration order) so
 * that two Tomcats moving the same session at the same time pick the same node and the same new id.
 *
 * <p>Nodes are considered in ring order: regular nodes in configuration order, then failover nodes. Failover nodes
 * take new and moved sessions only when no regular node is available, as in MSM.
 */
public final class NodeSelector {

    private final SessionStore store;
    private final List<StoreNode> nodes;
    private final List<String> regular = new ArrayList<>();
    private final List<String> failover = new ArrayList<>();
    private final java.util.Set<String> retired;

    public NodeSelector(SessionStore store) {
        this(store, java.util.Set.of());
    }

    /**
     * @param retired node ids no longer configured: treated as permanently down, so their sessions move
     */
    public NodeSelector(SessionStore store, java.util.Set<String> retired) {
        this.store = store;
        this.retired = retired;
        this.nodes = store.nodes();
        for (StoreNode n : nodes) {
            (n.failover() ? failover : regular).add(n.id());
        }
    }

    /**
     * @return whether the store addresses nodes explicitly
     */
    public boolean hasNodes() {
        return !nodes.isEmpty();
    }

    /**
     * @return a random available regular node, else a random available failover node, else (all down) the first
     *         regular node; {@code null} for a store without explicit nodes
     */
    public String nodeForNewSession() {
        if (nodes.isEmpty()) {
            return null;
        }
        String n = randomAvailable(regular);
        if (n == null) {
            n = randomAvailable(failover);
        }
        return n != null ? n : (regular.isEmpty() ? failover.get(0) : regular.get(0));
    }

    private String randomAvailable(List<String> candidates) {
        int size = candidates.size();
        if (size == 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            String n = candidates.get((start + i) % size);
            if (store.isAvailable(n)) {
                return n;
            }
        }
        return null;
    }

    /**
     * @param primary the session's node
     * @return the node after {@code primary} in ring order that is available; {@code null} when no other node is
     *         available (or the store has fewer than two nodes)
     */
    public String backupOf(String primary) {
        if (nodes.size() < 2 || primary == null || retired.contains(primary)) {
            return null;
        }
        int index = indexOf(primary);
        for (int i = 1; i < nodes.size(); i++) {
            String n = nodes.get((index + i) % nodes.size()).id();
            if (store.isAvailable(n)) {
                return n;
            }
        }
        return null;
    }

    /**
     * @param dead a node that is not available
     * @return the first available regular node after it in ring order, else the first available failover node,
     *         else {@code null}
     */
    public String relocationTarget(String dead) {
        int index = retired.contains(dead) ? nodes.size() - 1 : indexOf(dead);
        for (int i = 1; i <= nodes.size(); i++) {
            StoreNode n = nodes.get((index + i) % nodes.size());
            if (!n.failover() && !n.id().equals(dead) && store.isAvailable(n.id())) {
                return n.id();
            }
        }
        for (String f : failover) {
            if (!f.equals(dead) && store.isAvailable(f)) {
                return f;
            }
        }
        return null;
    }

    /**
     * @return whether any node (or the single logical node) is available
     */
    public boolean anyAvailable() {
        if (nodes.isEmpty()) {
            return store.isAvailable(null);
        }
        for (StoreNode n : nodes) {
            if (store.isAvailable(n.id())) {
                return true;
            }
        }
        return false;
    }

    public boolean isAvailable(String node) {
        return !retired.contains(node) && store.isAvailable(node);
    }

    private int indexOf(String node) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id().equals(node)) {
                return i;
            }
        }
        throw new IllegalArgumentException("Unknown node [" + node + "]");
    }
}
