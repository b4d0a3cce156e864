package dev.msm.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a store tells its {@link NodeListener}s, for tests to assert on. */
public final class NodeEvents {

    private NodeEvents() {
    }

    /** The store's node events from now on as they come, {@code down NODE} and {@code up NODE}. */
    public static List<String> events(SessionStore store) {
        List<String> events = new CopyOnWriteArrayList<>();
        store.addNodeListener(new NodeListener() {
            @Override
            public void nodeUnavailable(String node) {
                events.add("down " + node);
            }

            @Override
            public void nodeAvailable(String node) {
                events.add("up " + node);
            }
        });
        return events;
    }
}
