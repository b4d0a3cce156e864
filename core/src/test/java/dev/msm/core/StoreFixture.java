package dev.msm.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.core.keys.StorageKeys;
import dev.msm.core.memory.MemoryStoreProvider;
import dev.msm.couchbase.CouchbaseMockServer;
import dev.msm.memcached.MemcachedStoreProvider;

/**
 * One cell's store for the embedded scenarios ({@link ScenarioMatrix}): its servers, started by the first test and
 * stopped when JUnit closes the cell, and the manager attributes that point a Tomcat at it with the cell's
 * serializer. Each test {@link #begin begins} with its own key space.
 */
public abstract class StoreFixture implements AutoCloseable {

    private final String name;
    private final String serializer;
    /** The running test's cluster name: its key space. */
    protected String cluster;

    StoreFixture(String name, String serializer) {
        this.name = name;
        this.serializer = serializer;
    }

    /** Starts what is not running (the first test, or one that failed while a server was down). */
    final void begin(String testCluster) {
        this.cluster = testCluster;
        System.out.println("Scenario cell [" + this + "], test [" + testCluster + "]");
        ready();
    }

    abstract void ready();

    /** @return what points a manager at the store and the running test's key space, without the serializer */
    abstract Map<String, String> storeAttributes();

    /** @return {@link #storeAttributes()} with the cell's serializer */
    final Map<String, String> attributes() {
        Map<String, String> attrs = new HashMap<>(storeAttributes());
        attrs.put("serializer", serializer);
        return attrs;
    }

    final String serializer() {
        return serializer;
    }

    /** Stops the store's server (all of it), as a crash would. */
    abstract void stopServer();

    /** Starts the store's server again. */
    abstract void startServer();

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return name + ", " + serializer;
    }

    /** A store of two nodes {@code n1}, {@code n2} that msm addresses itself: each can die alone. */
    abstract static class Nodes extends StoreFixture {

        Nodes(String name, String serializer) {
            super(name, serializer);
        }

        /** @return the attribute and value that configure the store without {@code node}, as set over JMX */
        abstract Map.Entry<String, String> withoutNode(String node);

        /** Kills the server behind a node (as kill -9 would). */
        abstract void killNode(String node);

        /** Starts the server behind a node again, empty. */
        abstract void restartNode(String node);

        /** @return a client of the same store and key space as the managers, for checks and injected faults */
        abstract SessionStore directStore();

        /** @return the storage key prefix the attributes give (default: the namespace of {@code /app}) */
        String keyPrefix() {
            return StorageKeys.of(null, "localhost", "/app", "").prefix();
        }

        @Override
        void stopServer() {
            killNode("n1");
            killNode("n2");
        }

        @Override
        void startServer() {
            restartNode("n1");
            restartNode("n2");
        }
    }

    /** Two memcached processes, killed with SIGKILL. */
    static final class Memcached extends Nodes {
        private ServerProcess n1;
        private ServerProcess n2;
        private SessionStore direct;

        Memcached(String serializer) {
            super("memcached", serializer);
        }

        @Override
        void ready() {
            if (n1 == null) {
                n1 = ServerProcess.memcached();
                n2 = ServerProcess.memcached();
            }
            n1.start();
            n2.start();
            if (direct != null) {
                direct.close();
                direct = null;
            }
        }

        private String prefixToken() {
            return "t" + Integer.toHexString(cluster.hashCode());
        }

        @Override
        Map<String, String> storeAttributes() {
            return Map.of("memcachedNodes", nodes(), "storageKeyPrefix", "static:" + prefixToken());
        }

        private String nodes() {
            return "n1:" + n1.address() + " n2:" + n2.address();
        }

        @Override
        String keyPrefix() {
            return prefixToken() + "_";
        }

        @Override
        SessionStore directStore() {
            if (direct == null) {
                direct = new MemcachedStoreProvider().create(new Settings(Map.of("memcachedNodes", nodes()),
                        Duration.ofSeconds(1), "test"));
            }
            return direct;
        }

        @Override
        Map.Entry<String, String> withoutNode(String node) {
            return node.equals("n1") ? Map.entry("memcachedNodes", "n2:" + n2.address())
                    : Map.entry("memcachedNodes", "n1:" + n1.address());
        }

        @Override
        void killNode(String node) {
            (node.equals("n1") ? n1 : n2).kill();
        }

        @Override
        void restartNode(String node) {
            (node.equals("n1") ? n1 : n2).start();
        }

        @Override
        public void close() {
            if (direct != null) {
                direct.close();
            }
            if (n1 != null) {
                n1.close();
                n2.close();
            }
        }
    }

    /** The in-JVM store with two nodes, switched off to simulate failures. */
    static final class MemoryNodes extends Nodes {

        MemoryNodes(String serializer) {
            super("memory n1 n2", serializer);
        }

        @Override
        void ready() {
        }

        @Override
        Map<String, String> storeAttributes() {
            return Map.of("store", "memory", "memoryName", cluster, "memoryNodes", "n1 n2");
        }

        @Override
        SessionStore directStore() {
            return new MemoryStoreProvider().create(new Settings(storeAttributes(), Duration.ofSeconds(1), "test"));
        }

        @Override
        Map.Entry<String, String> withoutNode(String node) {
            return Map.entry("memoryNodes", node.equals("n1") ? "n2" : "n1");
        }

        @Override
        void killNode(String node) {
            MemoryStoreProvider.setAvailable(cluster, node, false, false);
        }

        @Override
        void restartNode(String node) {
            MemoryStoreProvider.setAvailable(cluster, node, true, true);
        }
    }

    /** The in-JVM store without nodes: one store that is up or down as a whole. */
    static final class Memory extends StoreFixture {

        Memory(String serializer) {
            super("memory", serializer);
        }

        @Override
        void ready() {
        }

        @Override
        Map<String, String> storeAttributes() {
            return Map.of("store", "memory", "memoryName", cluster);
        }

        @Override
        void stopServer() {
            MemoryStoreProvider.setAvailable(cluster, null, false, false);
        }

        @Override
        void startServer() {
            MemoryStoreProvider.setAvailable(cluster, null, true, false);
        }
    }

    /** A real redis-server. */
    static final class Redis extends StoreFixture {
        private ServerProcess redis;

        Redis(String serializer) {
            super("redis", serializer);
        }

        @Override
        void ready() {
            if (redis == null) {
                redis = ServerProcess.redis();
            }
            redis.start();
        }

        @Override
        Map<String, String> storeAttributes() {
            return Map.of("store", "redis", "redisUrl", "redis://" + redis.address(),
                    "storageKeyPrefix", "static:" + Integer.toHexString(cluster.hashCode()));
        }

        @Override
        void stopServer() {
            redis.kill();
        }

        @Override
        void startServer() {
            redis.start();
        }

        @Override
        public void close() {
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** CouchbaseMock, the in-JVM Couchbase server. */
    static final class Couchbase extends StoreFixture {
        private CouchbaseMockServer couchbase;

        Couchbase(String serializer) {
            super("couchbase-mock", serializer);
        }

        @Override
        void ready() {
            if (couchbase == null) {
                couchbase = CouchbaseMockServer.start();
            }
        }

        @Override
        Map<String, String> storeAttributes() {
            return Map.of("store", "couchbase", "couchbaseConnectionString", couchbase.connectionString(),
                    "couchbaseBucket", CouchbaseMockServer.BUCKET, "password", CouchbaseMockServer.PASSWORD,
                    "storageKeyPrefix", "static:" + Integer.toHexString(cluster.hashCode()));
        }

        @Override
        void stopServer() {
            couchbase.kill();
        }

        @Override
        void startServer() {
            couchbase.restart();
        }

        @Override
        public void close() {
            if (couchbase != null) {
                couchbase.close();
            }
        }
    }
}
