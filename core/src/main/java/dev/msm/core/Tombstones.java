package dev.msm.core;

import java.util.ArrayList;
import java.util.List;

import dev.msm.api.SerializationException;
import dev.msm.api.SessionStore;
import dev.msm.api.StoreNode;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.NodeSelector;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.StorageKeys;

/**
 * The pointers a session leaves when it moves to another node (its own was down): stored under its old backup key,
 * so that a request that still carries the old id, on any Tomcat, finds where the session went. A pointer names only
 * the new node when the random part of the id is kept, so a store reader learns no session id from it; a new id (a
 * login changed it) is never pointed to (session fixation). Thread-safe; holds no state.
 */
final class Tombstones {

    private final SessionStore store;
    private final NodeSelector nodes;
    private final StorageKeys keys;
    private final SessionCodec codec;
    private final String writer;
    private final UnreadableValues unreadable;

    Tombstones(SessionStore store, NodeSelector nodes, StorageKeys keys, SessionCodec codec, String writer,
            UnreadableValues unreadable) {
        this.store = store;
        this.nodes = nodes;
        this.keys = keys;
        this.codec = codec;
        this.writer = writer;
        this.unreadable = unreadable;
    }

    /**
     * Leaves the pointer from {@code oldId} to {@code newId} on every available node but the two the session used,
     * or on its new node when there is no other; not waited for.
     *
     * @param ttl the pointer's time to live (the backup copy's), seconds
     */
    void leave(SessionId oldId, SessionId newId, int maxInactive, int ttl) {
        if (!oldId.random().equals(newId.random())) {
            return; // a new id (a login changed it): the old id must never lead to the new one (session fixation)
        }
        byte[] moved = codec.moved(oldId, newId, maxInactive, writer);
        List<String> targets = new ArrayList<>();
        if (nodes.hasNodes()) {
            for (StoreNode n : store.nodes()) {
                if (!n.id().equals(oldId.node()) && nodes.isAvailable(n.id()) && !n.id().equals(newId.node())) {
                    targets.add(n.id());
                }
            }
            String newPrimary = newId.node();
            if (targets.isEmpty() && newPrimary != null) {
                targets.add(newPrimary);
            }
        }
        for (String node : targets) {
            store.set(node, keys.backup(oldId), moved, ttl);
        }
    }

    /**
     * @param id     the id under which the pointer was read
     * @param value  the pointer
     * @param header its header
     * @return the id the pointer leads to, or {@code null} when it is unreadable (reported) or names no known node
     */
    SessionId target(SessionId id, byte[] value, SessionCodec.Header header) {
        String base;
        try {
            base = codec.movedTo(value, header, id.base());
        } catch (SerializationException e) {
            unreadable.report(id, e);
            return null;
        }
        int dash = base.lastIndexOf('-');
        if (!nodes.hasNodes()) {
            return new SessionId(base, null, id.route());
        }
        if (dash < 0) {
            return null;
        }
        String node = base.substring(dash + 1);
        for (StoreNode n : store.nodes()) {
            if (n.id().equals(node)) {
                return new SessionId(base.substring(0, dash), node, id.route());
            }
        }
        return null;
    }
}
