package dev.msm.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.msm.api.Attribute;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;
import dev.msm.api.StoreNode;

/**
 * The {@code memory} store: sessions kept in this JVM, with the same semantics as memcached (time to live, atomic
 * add, compare-and-set). For development, for fast tests, and for a single Tomcat that only wants msm's behaviour
 * (e.g. change detection) without a server. Sessions do not survive a JVM restart.
 *
 * <p>Attributes:
 * <ul>
 * <li>{@code memoryName} (default {@code default}): stores with the same name in one JVM share their data.</li>
 * <li>{@code memoryNodes} (default none): space-separated node ids, e.g. {@code n1 n2}, to use msm's node-addressed
 * mode (session ids carry the node, backups go to another node) without a server.</li>
 * <li>{@code memoryMaxValueBytes} (default 1048576): the largest value accepted.</li>
 * </ul>
 */
public final class MemoryStoreProvider implements SessionStoreProvider {

    private static final String NODES_ACCEPTED = "node ids of 1 to 32 characters from [A-Za-z0-9_], separated by "
            + "spaces or commas";
    private static final Map<String, MemoryStore.Space> SPACES = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "memory";
    }

    private static final Attribute NAME = Attribute.text("memoryName", "`default`", "a name",
            "stores with the same name share their data within a JVM");
    private static final Attribute NODES = Attribute.text("memoryNodes", "none", NODES_ACCEPTED,
            "explicit nodes, as memcached has them (session ids name the node, backups go to another node)");
    private static final Attribute MAX_VALUE_BYTES = Attribute.integer("memoryMaxValueBytes", 1024 * 1024, 1024,
            64 * 1024 * 1024, "the largest value accepted, in bytes");
    private static final List<Attribute> ATTRIBUTES = List.of(NAME, NODES, MAX_VALUE_BYTES);

    @Override
    public List<Attribute> attributes() {
        return ATTRIBUTES;
    }

    @Override
    public SessionStore create(Settings settings) {
        String name = settings.get(NAME) == null ? "default" : settings.get(NAME);
        List<StoreNode> nodes = new ArrayList<>();
        String spec = settings.get(NODES);
        if (spec != null) {
            for (String id : spec.split("[\\s,]+")) {
                if (!id.matches("[A-Za-z0-9_]{1,32}")) {
                    throw NODES.invalid(spec);
                }
                nodes.add(new StoreNode(id, "memory", false));
            }
        }
        int max = settings.get(MAX_VALUE_BYTES, Integer.class);
        return new MemoryStore(name, SPACES.computeIfAbsent(name, n -> new MemoryStore.Space()), nodes, max,
                System::nanoTime);
    }

    /**
     * Switches a node of the memory stores named {@code name} off or on, as if its server died or came back; the
     * stores' node listeners are told. Data of a node switched off is kept unless {@code wipe} is set (a restarted
     * memcached is empty).
     *
     * @param name      the {@code memoryName}
     * @param node      the node id, or {@code null} for stores without explicit nodes
     * @param available the new state
     * @param wipe      when switching on: drop the node's data, as a restarted server would have none
     */
    public static void setAvailable(String name, String node, boolean available, boolean wipe) {
        MemoryStore.Space space = SPACES.computeIfAbsent(name, n -> new MemoryStore.Space());
        String n = node == null ? "" : node;
        if (available) {
            if (wipe) {
                space.entries.keySet().removeIf(k -> k.startsWith(n + '\u0000'));
            }
            if (space.down.remove(n) != null) {
                space.stores.forEach(s -> s.fireAvailability(node, true));
            }
        } else if (space.down.put(n, Boolean.TRUE) == null) {
            space.stores.forEach(s -> s.fireAvailability(node, false));
        }
    }

    /**
     * Drops all data of the memory stores named {@code name}.
     *
     * @param name the {@code memoryName}
     */
    public static void clear(String name) {
        MemoryStore.Space space = SPACES.get(name);
        if (space != null) {
            space.entries.clear();
            space.down.clear();
        }
    }

    /**
     * @param name the {@code memoryName}
     * @return the keys currently stored (expired ones may still be listed), as {@code node:key}
     */
    public static List<String> keys(String name) {
        MemoryStore.Space space = SPACES.get(name);
        List<String> keys = new ArrayList<>();
        if (space != null) {
            space.entries.keySet().forEach(k -> keys.add(k.replace('\u0000', ':')));
        }
        return keys;
    }
}
