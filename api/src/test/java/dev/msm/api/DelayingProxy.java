package dev.msm.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 in front of a server on 127.0.0.1 that passes requests at once and every answer a fixed
 * delay late, in order: a node that is slow, not dead. For tests only; at most {@link #MAX_CONNECTIONS} connections,
 * two daemon threads each; {@link #close()} ends them all.
 */
public final class DelayingProxy implements AutoCloseable {

    /** Connections accepted at most; later ones are closed at once. */
    public static final int MAX_CONNECTIONS = 32;

    private final int targetPort;
    private final long delayNanos;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<ScheduledExecutorService> writers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private DelayingProxy(int targetPort, Duration delay) throws IOException {
        this.targetPort = targetPort;
        this.delayNanos = delay.toNanos();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "delaying-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * @param targetPort the server's port on 127.0.0.1
     * @param delay      how late every answer arrives
     * @return a started proxy
     */
    public static DelayingProxy start(int targetPort, Duration delay) {
        try {
            return new DelayingProxy(targetPort, delay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return {@code 127.0.0.1:port} of the proxy
     */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (sockets.size() >= 2 * MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pipe(client, upstream, 0, "request");
                pipe(upstream, client, delayNanos, "answer");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** Copies {@code from} to {@code to}, each chunk {@code delay} after it was read, in order. */
    private void pipe(Socket from, Socket to, long delay, String kind) {
        ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "delaying-proxy-" + kind + "-writer");
            t.setDaemon(true);
            return t;
        });
        writers.add(writer);
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) != -1) {
                    byte[] chunk = Arrays.copyOf(buffer, n);
                    // same delay for every chunk: the executor keeps them in the order they were read
                    writer.schedule(() -> {
                        try {
                            out.write(chunk);
                            out.flush();
                        } catch (IOException e) {
                            closeQuietly(from);
                            closeQuietly(to);
                        }
                    }, delay, TimeUnit.NANOSECONDS);
                }
            } catch (IOException e) {
                // a side closed
            }
            writer.schedule(() -> {
                closeQuietly(from);
                closeQuietly(to);
            }, delay, TimeUnit.NANOSECONDS);
            writer.shutdown();
        }, "delaying-proxy-" + kind + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(DelayingProxy::closeQuietly);
        writers.forEach(ScheduledExecutorService::shutdownNow);
    }

    @Override
    public String toString() {
        return "delaying proxy " + address() + " -> 127.0.0.1:" + targetPort;
    }
}
