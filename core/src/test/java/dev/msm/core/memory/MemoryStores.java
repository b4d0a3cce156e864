package dev.msm.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import dev.msm.api.SessionStore;
import dev.msm.api.StoreNode;

/** Memory stores for engine unit tests: a private key space whose time to live follows the test's clock. */
public final class MemoryStores {

    private MemoryStores() {
    }

    /**
     * @param nanos the clock the store's time to live follows
     * @param nodes node ids, e.g. {@code n1 n2}
     * @return a store with its own key space
     */
    public static SessionStore withClock(LongSupplier nanos, String... nodes) {
        List<StoreNode> list = new ArrayList<>();
        for (String n : nodes) {
            list.add(new StoreNode(n, "memory", false));
        }
        return new MemoryStore("unit", new MemoryStore.Space(), list, 1024 * 1024, nanos);
    }

    /** Switches a node of a store of {@link #withClock} off or on; the store's node listeners are told. */
    public static void setAvailable(SessionStore store, String node, boolean available) {
        MemoryStore m = (MemoryStore) store;
        MemoryStore.Space space = spaceOf(m);
        if (available ? space.down.remove(node) != null : space.down.put(node, Boolean.TRUE) == null) {
            m.fireAvailability(node, available);
        }
    }

    private static MemoryStore.Space spaceOf(MemoryStore m) {
        try {
            java.lang.reflect.Field f = MemoryStore.class.getDeclaredField("space");
            f.setAccessible(true);
            return (MemoryStore.Space) f.get(m);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
