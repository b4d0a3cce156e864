package dev.msm.memcached;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.msm.api.ServerProcess;

/**
 * Reads memcached's {@code stats} counters, to check which commands reached a server.
 */
final class MemcachedStats {

    /** Counters of data commands; pings ({@code version}) and {@code stats} itself count in none of them. */
    static final List<String> COMMAND_COUNTERS = List.of("cmd_get", "cmd_set", "cmd_touch", "cmd_flush", "cmd_meta",
            "get_hits", "get_misses", "delete_hits", "delete_misses", "incr_hits", "incr_misses", "decr_hits",
            "decr_misses", "cas_hits", "cas_misses", "cas_badval", "touch_hits", "touch_misses", "total_items",
            "curr_items", "auth_cmds", "store_too_large");

    private MemcachedStats() {
    }

    /**
     * @return every counter of {@code stats}, by name
     */
    static Map<String, String> all(ServerProcess server) {
        Map<String, String> stats = new HashMap<>();
        for (String line : server.command("stats", "END").split("\n")) {
            String[] parts = line.split(" ", 3);
            if (parts.length == 3 && parts[0].equals("STAT")) {
                stats.put(parts[1], parts[2]);
            }
        }
        return stats;
    }

    /**
     * @return the {@link #COMMAND_COUNTERS}
     */
    static Map<String, Long> commands(ServerProcess server) {
        Map<String, String> all = all(server);
        Map<String, Long> counters = new HashMap<>();
        for (String name : COMMAND_COUNTERS) {
            counters.put(name, Long.parseLong(all.getOrDefault(name, "0")));
        }
        return counters;
    }

    /**
     * @return one counter
     */
    static long counter(ServerProcess server, String name) {
        return Long.parseLong(all(server).getOrDefault(name, "0"));
    }
}
