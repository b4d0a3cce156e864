package dev.msm.it;

import static dev.msm.it.SessionIds.base;
import static dev.msm.it.SessionIds.node;
import static dev.msm.it.SessionIds.otherNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.msm.api.Awaits;
import dev.msm.api.ServerProcess;

/**
 * The demo {@code scripts/demo.sh} runs: two real Tomcat instances with the msm drop-in jar and two memcached nodes
 * on 127.0.0.1, a user whose requests a (simulated) load balancer sends to either Tomcat, and {@code kill -9} of the
 * Tomcat and then of the memcached node that hold the user's session. It prints what happens at each step and exits
 * with 0 only if every step behaved as expected.
 *
 * <p>Run it with {@code scripts/demo.sh}. Everything it starts is stopped at the end, on failure and on Ctrl-C
 * (shutdown hooks); the pids are also written to {@code target/demo/pids} so that the script can kill what a
 * {@code kill -9} of this JVM would leave behind.
 */
public final class Demo {

    private static final String APP = "demo";

    /** Set when main is done; a shutdown hook that runs before was caused by Ctrl-C or a kill. */
    private static volatile boolean finished;
    /** Set by the shutdown hook when it runs before main is done. */
    private static volatile boolean interrupted;

    private final Path target;
    private final Path pids;
    private final PrintStream out;
    private final Map<String, ServerProcess> memcached = new LinkedHashMap<>();
    private final List<TomcatInstance> tomcats = new ArrayList<>();

    private Demo(Path target, PrintStream out) {
        this.target = target;
        this.pids = target.resolve("demo/pids");
        this.out = out;
    }

    /**
     * @param args none; the system property {@code msm.it.target} names the it module's {@code target} directory
     *             (default {@code it/target})
     */
    public static void main(String[] args) {
        Path target = Path.of(System.getProperty("msm.it.target", "it/target")).toAbsolutePath();
        Demo demo = new Demo(target, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished) {
                interrupted = true;
                System.out.println();
                System.out.println("Interrupted: killing the Tomcats and memcached nodes the demo started.");
            }
        }, "demo-interrupted"));
        long start = System.nanoTime();
        boolean ok;
        try {
            demo.run();
            ok = true;
        } catch (RuntimeException | AssertionError e) {
            ok = false;
            if (interrupted) {
                return; // the shutdown hooks kill what was started
            }
            System.out.println();
            System.out.println("FAILED: " + e.getMessage());
            demo.printLogs();
        } finally {
            if (!interrupted) {
                demo.stopEverything();
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        finished = true;
        System.out.println(ok ? "Every step behaved as expected (" + seconds + " s)."
                : "The demo failed (" + seconds + " s); the Tomcats' logs are in " + target.resolve("demo"));
        System.exit(ok ? 0 : 1);
    }

    private void run() {
        TomcatVersion version = TomcatVersion.TOMCAT_11;
        out.println("msm demo: two " + version + " instances and two memcached nodes on 127.0.0.1; a user whose "
                + "requests may go to either Tomcat (non-sticky).");
        out.println();
        resetPids();
        for (String node : List.of("n1", "n2")) {
            ServerProcess server = ServerProcess.memcached();
            memcached.put(node, server);
            recordPid(server.pid(), "memcached");
        }
        Map<String, String> manager = new LinkedHashMap<>();
        manager.put("className", "dev.msm.tomcat.MsmManager");
        manager.put("memcachedNodes", "n1:" + memcached.get("n1").address() + " n2:" + memcached.get("n2").address());
        manager.put("sticky", "false");
        for (String route : List.of("a", "b")) {
            Path base = target.resolve("demo").resolve("tomcat-" + route);
            TomcatInstance t = new TomcatInstance(version, target, base, route, List.of(version.dropin(target)));
            t.deploy(APP, manager);
            tomcats.add(t);
        }
        TomcatInstance a = tomcats.get(0);
        TomcatInstance b = tomcats.get(1);
        CompletableFuture.allOf(CompletableFuture.runAsync(a::start), CompletableFuture.runAsync(b::start)).join();
        for (TomcatInstance t : tomcats) {
            recordPid(t.pid(), t.consoleLog().getParent().toString());
        }
        memcached.forEach((node, server) -> out.println("  memcached " + node + "   " + server.address() + "   pid "
                + server.pid()));
        for (TomcatInstance t : tomcats) {
            out.println("  Tomcat " + t.jvmRoute() + "      " + t.url(APP) + "   pid " + t.pid()
                    + "   jvmRoute=\"" + t.jvmRoute() + "\"");
        }
        out.println("  context.xml of both: " + managerElement(manager));
        out.println();

        Browser user = new Browser();
        out.println("1. The user visits Tomcat a three times.");
        for (int i = 1; i <= 3; i++) {
            expectCount(user, a, i);
        }
        String first = user.sessionId();
        out.println();

        out.println("2. kill -9 of Tomcat a (pid " + a.pid() + "). The load balancer sends the user to Tomcat b.");
        a.kill();
        expectCount(user, b, 4);
        String afterTomcat = user.sessionId();
        check(base(afterTomcat).equals(base(first)), "the session kept its id, got " + afterTomcat);
        out.println("   Same session, same count: nothing was lost with Tomcat a.");
        out.println();

        String node = node(afterTomcat);
        String survivor = otherNode(node);
        ServerProcess holder = memcached.get(node);
        out.println("3. kill -9 of memcached " + node + " (pid " + holder.pid() + "), which holds the session.");
        holder.kill();
        long killed = System.nanoTime();
        Awaits.await().until(() -> new Browser().body(b.url(APP) + "/status.jsp"), ("nodes=" + survivor)::equals);
        out.println("   msm on Tomcat b noticed within " + (System.nanoTime() - killed) / 1_000_000 + " ms that "
                + node + " is gone (" + APP + "/status.jsp: nodes=" + survivor + ").");
        expectCount(user, b, 5);
        String afterNode = user.sessionId();
        check(node(afterNode).equals(survivor), "the session moved to " + survivor + ", its id is " + afterNode);
        check(memcached.get(survivor).command("get " + base(afterNode), "END").startsWith("VALUE "),
                "memcached " + survivor + " holds the session");
        out.println("   The session moved to memcached " + survivor + " (its id names the node) and kept its count.");
        out.println();

        out.println("4. Tomcat a is started again; the user is sent back to it.");
        a.start();
        recordPid(a.pid(), a.consoleLog().getParent().toString());
        expectCount(user, a, 6);
        out.println();
    }

    private void expectCount(Browser user, TomcatInstance t, int expected) {
        String body = user.body(t.url(APP) + "/count.jsp");
        out.println("   session " + shortId(user.sessionId()) + ": " + body + " on Tomcat " + t.jvmRoute());
        check(body.equals("count=" + expected), "count=" + expected + " on Tomcat " + t.jvmRoute() + ", got ["
                + body + "]");
    }

    private static void check(boolean condition, String expectation) {
        if (!condition) {
            throw new AssertionError("expected " + expectation);
        }
    }

    private static String managerElement(Map<String, String> manager) {
        StringBuilder sb = new StringBuilder("<Manager");
        manager.forEach((k, v) -> sb.append(' ').append(k).append("=\"").append(v).append('"'));
        return sb.append("/>").toString();
    }

    /** {@code 3F2A1C...-n1.a}: the random part shortened, node and route in full. */
    private static String shortId(String id) {
        if (id == null) {
            return "(none)";
        }
        int dash = base(id).lastIndexOf('-');
        return dash > 6 ? id.substring(0, 6) + "..." + id.substring(dash) : id;
    }

    private void printLogs() {
        for (TomcatInstance t : tomcats) {
            System.out.println("---- " + t + ": end of " + t.consoleLog() + " ----");
            System.out.println(t.logTail(30));
        }
    }

    private void stopEverything() {
        out.println("Stopping the Tomcats and memcached nodes the demo started.");
        for (TomcatInstance t : tomcats) {
            try {
                t.stop();
            } catch (RuntimeException e) {
                t.kill();
            }
        }
        memcached.values().forEach(ServerProcess::close);
        try {
            Files.deleteIfExists(pids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void resetPids() {
        try {
            Files.createDirectories(pids.getParent());
            Files.writeString(pids, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per started process: pid and a text its command line contains (checked before killing it). */
    private void recordPid(long pid, String commandLineContains) {
        try {
            Files.writeString(pids, pid + " " + commandLineContains + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
