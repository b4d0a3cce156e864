package dev.msm.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.msm.api.ServerProcess;

/**
 * Counts the commands that reached the stores: memcached's {@code stats} and Redis's {@code INFO commandstats}, read
 * before and after a run. Only data commands count: not {@code stats}/{@code version} (memcached) nor {@code info},
 * {@code ping}, {@code client}, {@code hello}, {@code select}, {@code command} (Redis), which are the benchmark's own
 * reads or a client's connection keep-alive.
 */
final class StoreCounters {

    /** Redis commands that are not about sessions. */
    private static final Set<String> REDIS_IGNORED = Set.of("info", "ping", "client", "hello", "select", "command",
            "config");

    private StoreCounters() {
    }

    /**
     * @param memcached the memcached nodes of a configuration (empty for none)
     * @param redis     the redis-server of a configuration, or {@code null}
     * @return the current counters, by command: {@code get}, {@code set} (set, add, replace, cas, append,
     *         prepend), {@code touch}, {@code delete}, {@code incr/decr} for memcached; the command names for Redis
     */
    static Map<String, Long> snapshot(List<ServerProcess> memcached, ServerProcess redis) {
        Map<String, Long> counters = new TreeMap<>();
        for (ServerProcess node : memcached) {
            Map<String, Long> s = memcachedStats(node);
            counters.merge("get", s.getOrDefault("cmd_get", 0L), Long::sum);
            counters.merge("set", s.getOrDefault("cmd_set", 0L), Long::sum);
            counters.merge("touch", s.getOrDefault("cmd_touch", 0L), Long::sum);
            counters.merge("delete", s.getOrDefault("delete_hits", 0L) + s.getOrDefault("delete_misses", 0L),
                    Long::sum);
            counters.merge("incr/decr", s.getOrDefault("incr_hits", 0L) + s.getOrDefault("incr_misses", 0L)
                    + s.getOrDefault("decr_hits", 0L) + s.getOrDefault("decr_misses", 0L), Long::sum);
        }
        if (redis != null) {
            parseCommandStats(redis.command("INFO commandstats", "")).forEach((k, v) -> counters.merge(k, v,
                    Long::sum));
        }
        return counters;
    }

    /**
     * @param before a {@link #snapshot}
     * @param after  a later one
     * @return the commands in between, by name (zeros left out)
     */
    static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> diff = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                diff.put(k, d);
            }
        });
        return diff;
    }

    /**
     * @param counts a {@link #difference}
     * @return their sum
     */
    static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Long> memcachedStats(ServerProcess node) {
        Map<String, Long> stats = new LinkedHashMap<>();
        for (String line : node.command("stats", "END").split("\n")) {
            String[] p = line.trim().split(" ");
            if (p.length == 3 && p[0].equals("STAT") && p[2].matches("\\d+")) {
                stats.put(p[1], Long.parseLong(p[2]));
            }
        }
        return stats;
    }

    /**
     * @param info the text of {@code INFO commandstats}
     * @return calls by command name, without {@link #REDIS_IGNORED}; sub-commands ({@code cmdstat_client|setname})
     *         count under their command
     */
    static Map<String, Long> parseCommandStats(String info) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : info.split("\n")) {
            String l = line.trim();
            if (!l.startsWith("cmdstat_")) {
                continue;
            }
            int colon = l.indexOf(':');
            String name = l.substring("cmdstat_".length(), colon);
            int bar = name.indexOf('|');
            String command = (bar < 0 ? name : name.substring(0, bar)).toLowerCase(Locale.ROOT);
            if (REDIS_IGNORED.contains(command)) {
                continue;
            }
            for (String field : l.substring(colon + 1).split(",")) {
                if (field.startsWith("calls=")) {
                    calls.merge(command, Long.parseLong(field.substring("calls=".length())), Long::sum);
                }
            }
        }
        return calls;
    }
}
