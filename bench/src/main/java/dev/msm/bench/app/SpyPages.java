package dev.msm.bench.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;

/**
 * The reference points of the load benchmark's configurations G, H and I: Tomcat's {@code StandardManager} plus
 * plain spymemcached calls in the sample application's pages, to measure what a bare memcached round-trip costs on
 * the benchmark's machine. Deployed into {@code WEB-INF/classes} of those configurations only (with the spymemcached
 * jar in {@code WEB-INF/lib} and the {@code read.jsp} and {@code count.jsp} of {@code dev/msm/bench/app/}, which call
 * {@link #read} and {@link #modify}); never on msm's class path.
 *
 * <p>One client for the application, created when the context starts and shut down when it stops: spymemcached's
 * defaults except the binary protocol (as msm uses). Context parameters: {@value #ADDRESS} (the memcached node,
 * {@code host:port}) and {@value #OPS}, what each request does on top of the page's session work:
 * <ul>
 * <li>{@code get} (G): one synchronous {@code get} of a 1 KiB value, on both pages;</li>
 * <li>{@code get+2set} (H): read page as {@code get}; the modifying page a {@code get}, then two 1 KiB {@code set}s
 * issued back to back, waiting for the first only (msm's non-sticky write: session and validity, pipelined);</li>
 * <li>{@code set} (I): one asynchronous 1 KiB {@code set}, not awaited, on both pages.</li>
 * </ul>
 * Keys are per session ({@code bench:<id>}, the second set {@code bench:v:<id>}); a {@code get} that misses (the
 * first of a session) stores the value synchronously, so that later ones return 1 KiB.
 */
@WebListener
public final class SpyPages implements ServletContextListener {

    /** Context parameter: the memcached node, {@code host:port}. */
    public static final String ADDRESS = "benchSpymemcached";
    /** Context parameter: {@code get}, {@code get+2set} or {@code set}. */
    public static final String OPS = "benchSpymemcachedOps";

    private static final int EXPIRY_SECONDS = 3600;
    private static final byte[] VALUE = new byte[1024];
    private static volatile MemcachedClient client;
    private static volatile String ops;

    static {
        Arrays.fill(VALUE, (byte) 'v');
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        String address = context.getInitParameter(ADDRESS);
        String mode = context.getInitParameter(OPS);
        if (address == null || mode == null) {
            throw new IllegalStateException("Context parameters " + ADDRESS + " and " + OPS + " are required");
        }
        if (!mode.equals("get") && !mode.equals("get+2set") && !mode.equals("set")) {
            throw new IllegalArgumentException(OPS + "=" + mode);
        }
        try {
            client = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).build(), AddrUtil.getAddresses(address));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ops = mode;
        context.log("spymemcached client for " + address + ", " + OPS + "=" + mode);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        MemcachedClient c = client;
        client = null;
        if (c != null) {
            c.shutdown(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The store calls of the read-only page.
     *
     * @param sessionId the request's session, or {@code null}
     */
    public static void read(String sessionId) {
        String key = key(sessionId);
        if (ops.equals("set")) {
            client().set(key, EXPIRY_SECONDS, VALUE);
        } else {
            get(key);
        }
    }

    /**
     * The store calls of the modifying page.
     *
     * @param sessionId the request's session
     */
    public static void modify(String sessionId) {
        String key = key(sessionId);
        switch (ops) {
            case "set" -> client().set(key, EXPIRY_SECONDS, VALUE);
            case "get+2set" -> {
                MemcachedClient c = client();
                c.get(key);
                Future<Boolean> first = c.set(key, EXPIRY_SECONDS, VALUE);
                c.set("bench:v:" + sessionId, EXPIRY_SECONDS, VALUE);
                await(first);
            }
            default -> get(key);
        }
    }

    private static void get(String key) {
        MemcachedClient c = client();
        if (c.get(key) == null) {
            await(c.set(key, EXPIRY_SECONDS, VALUE));
        }
    }

    private static void await(Future<Boolean> set) {
        try {
            if (!Boolean.TRUE.equals(set.get())) {
                throw new IllegalStateException("set failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MemcachedClient client() {
        MemcachedClient c = client;
        if (c == null) {
            throw new IllegalStateException("No spymemcached client (context not started?)");
        }
        return c;
    }

    private static String key(String sessionId) {
        return "bench:" + (sessionId == null ? "none" : sessionId);
    }
}
