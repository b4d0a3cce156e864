package dev.msm.api;

import java.util.Objects;

/**
 * One node of a {@link SessionStore} that addresses its nodes explicitly.
 *
 * @param id       the node id that appears in session ids ({@code [A-Za-z0-9_]+}, e.g. {@code n1})
 * @param address  where the node is, for log messages, e.g. {@code 127.0.0.1:11211}
 * @param failover {@code true} for a failover node: new sessions go there only when no regular node is available
 */
public record StoreNode(String id, String address, boolean failover) {

    public StoreNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return id + " " + address;
    }
}
