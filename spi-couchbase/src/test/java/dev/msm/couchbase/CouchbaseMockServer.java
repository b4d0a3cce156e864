package dev.msm.couchbase;

import static dev.msm.api.Awaits.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.Channel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;

import com.couchbase.mock.Bucket;
import com.couchbase.mock.BucketConfiguration;
import com.couchbase.mock.CouchbaseMock;
import com.couchbase.mock.memcached.MemcachedServer;
import dev.msm.api.ServerProcess;

/**
 * CouchbaseMock (an in-JVM Couchbase server) with one node and one bucket, on free ports: key/value on
 * {@code 127.0.0.1}, REST on all interfaces (the mock cannot be told otherwise; tests connect to 127.0.0.1 only).
 *
 * <p>{@link #kill} closes every socket of the mock, as a dead server would (the mock's own {@code stop()} leaves the
 * client connections open, so the SDK would not notice), and {@link #restart} starts an empty mock on the same
 * ports.
 */
public final class CouchbaseMockServer implements AutoCloseable {

    /** The bucket the mock serves. */
    public static final String BUCKET = "sessions";
    /** The bucket's password. */
    public static final String PASSWORD = "secret";

    private final int httpPort;
    private final int kvPort;
    private volatile CouchbaseMock mock;

    private CouchbaseMockServer() {
        ServerProcess.requireServersAllowed("CouchbaseMock");
        this.httpPort = ServerProcess.freePort();
        int kv = ServerProcess.freePort();
        while (kv == httpPort) {
            kv = ServerProcess.freePort();
        }
        this.kvPort = kv;
    }

    /**
     * @return a started mock
     */
    public static CouchbaseMockServer start() {
        CouchbaseMockServer server = new CouchbaseMockServer();
        server.restart();
        return server;
    }

    /**
     * @return {@code couchbase://127.0.0.1:KV=kv,127.0.0.1:HTTP=manager}
     */
    public String connectionString() {
        return "couchbase://127.0.0.1:" + kvPort + "=kv,127.0.0.1:" + httpPort + "=manager";
    }

    public int kvPort() {
        return kvPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /**
     * @return the key/value server of the bucket's only node
     */
    MemcachedServer node() {
        Bucket bucket = mock.getBuckets().get(BUCKET);
        return bucket.getServers()[0];
    }

    /**
     * Starts the mock (again) on the same ports, empty.
     */
    public synchronized void restart() {
        if (mock != null) {
            throw new IllegalStateException("mock is running");
        }
        // CouchbaseMock calls System.exit when it cannot bind its REST port: make sure it can
        await(Duration.ofSeconds(10)).until(() -> canBind(httpPort));
        try {
            enableCccp();
            BucketConfiguration config = new BucketConfiguration();
            config.type = Bucket.BucketType.COUCHBASE;
            config.name = BUCKET;
            config.password = PASSWORD;
            config.hostname = "127.0.0.1";
            config.bucketStartPort = kvPort;
            config.numNodes = 1;
            config.numReplicas = 0;
            config.numVBuckets = 64;
            CouchbaseMock started = new CouchbaseMock(httpPort, List.of(config));
            started.start();
            started.waitForStartup();
            mock = started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Closes every socket of the mock: listeners and client connections.
     */
    public synchronized void kill() {
        CouchbaseMock running = mock;
        if (running == null) {
            return;
        }
        mock = null;
        List<Channel> channels = new ArrayList<>();
        for (Bucket bucket : running.getBuckets().values()) {
            for (MemcachedServer server : bucket.getServers()) {
                channels.addAll(channels(server));
            }
        }
        for (Bucket bucket : running.getBuckets().values()) {
            for (MemcachedServer server : bucket.getServers()) {
                stopThread(server);
            }
        }
        running.stop();
        for (Channel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        kill();
    }

    /**
     * The mock's own {@code stop()} interrupts each node thread once and joins it, but a node sleeping in a
     * "hiccup" swallows the interrupt and runs on: interrupt until it ends.
     */
    private static void stopThread(MemcachedServer server) {
        while (server.isAlive()) {
            server.interrupt();
            try {
                server.join(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<Channel> channels(MemcachedServer server) {
        Selector selector = (Selector) field(MemcachedServer.class, "selector", server);
        while (true) {
            try {
                List<Channel> channels = new ArrayList<>();
                for (SelectionKey key : selector.keys()) {
                    channels.add(key.channel());
                }
                return channels;
            } catch (ConcurrentModificationException e) {
                // the server thread registered a connection meanwhile: read again
            }
        }
    }

    /** The mock reads {@code --cccp} (config over key/value, which SDK 3 needs) into a static field. */
    private static void enableCccp() {
        try {
            Field field = CouchbaseMock.class.getDeclaredField("cccpBootstrap");
            field.setAccessible(true);
            field.setBoolean(null, true);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("CouchbaseMock changed: no field [cccpBootstrap]", e);
        }
    }

    private static Object field(Class<?> type, String name, Object target) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("CouchbaseMock changed: no field [" + name + "] in " + type, e);
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "CouchbaseMock " + connectionString() + (mock == null ? " (killed)" : "");
    }
}
