package dev.msm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.msm.api.Awaits;
import dev.msm.api.Http;
import dev.msm.api.ServerProcess;

/**
 * One real Tomcat: a CATALINA_BASE of its own under {@code target/} on top of an unpacked distribution
 * (CATALINA_HOME), run as {@code bin/catalina.sh run} in a child process.
 *
 * <p>The base holds {@code conf/} copied from the distribution with {@code server.xml} replaced (HTTP on a free port
 * of 127.0.0.1 only, no shutdown port, the Engine's {@code jvmRoute}, the default {@code UserDatabaseRealm}),
 * {@code tomcat-users.xml} replaced (user {@code alice}, password {@code secret}, role {@code user}) and
 * {@code logging.properties} replaced (everything to the console, the web applications' logs too); {@code lib/}
 * with the drop-in jars; {@code webapps/} with the {@link SampleApp} once per {@link #deploy deployed} context;
 * {@code console.log} with the process's output; and one event log per application.
 *
 * <p>{@code catalina.sh run} ends in {@code exec java}, so the started process is Tomcat's JVM: {@link #kill()} sends
 * it (and any descendant) SIGKILL, as a crash would; {@link #stop()} sends SIGTERM, on which Tomcat's shutdown hook
 * stops it gracefully. Instances still running when the JVM exits are killed by a shutdown hook.
 */
public final class TomcatInstance implements AutoCloseable {

    private static final Set<TomcatInstance> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(TomcatInstance::kill),
                "kill-tomcats"));
    }

    private final TomcatVersion version;
    private final Path home;
    private final Path base;
    private final String jvmRoute;
    private final int port;
    private final Map<String, Map<String, String>> apps = new LinkedHashMap<>();
    private volatile Process process;

    /**
     * Creates the instance directory (wiping an old one) with its configuration; nothing runs yet.
     *
     * @param version  the distribution
     * @param target   the it module's {@code target} directory (distributions and drop-ins are there)
     * @param base     the CATALINA_BASE to create
     * @param jvmRoute the Engine's {@code jvmRoute}, e.g. {@code a}
     * @param libs     jars to put into {@code lib/}, e.g. the msm drop-in jar
     */
    public TomcatInstance(TomcatVersion version, Path target, Path base, String jvmRoute, List<Path> libs) {
        this.version = version;
        this.home = version.home(target).toAbsolutePath();
        this.base = base.toAbsolutePath();
        this.jvmRoute = jvmRoute;
        this.port = ServerProcess.freePort();
        try {
            deleteTree(this.base);
            for (String dir : List.of("conf", "lib", "logs", "temp", "webapps", "work")) {
                Files.createDirectories(this.base.resolve(dir));
            }
            try (Stream<Path> files = Files.list(home.resolve("conf"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, this.base.resolve("conf").resolve(f.getFileName()));
                }
            }
            Files.writeString(this.base.resolve("conf/server.xml"), serverXml(), StandardCharsets.UTF_8);
            Files.writeString(this.base.resolve("conf/tomcat-users.xml"), USERS, StandardCharsets.UTF_8);
            Files.writeString(this.base.resolve("conf/logging.properties"), LOGGING, StandardCharsets.UTF_8);
            for (Path jar : libs) {
                Files.copy(jar, this.base.resolve("lib").resolve(jar.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String USERS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
              <role rolename="user"/>
              <user username="alice" password="secret" roles="user"/>
            </tomcat-users>
            """;

    /** Everything, the web applications' logs included, to the console: one file to read, {@link #consoleLog()}. */
    private static final String LOGGING = """
            handlers = java.util.logging.ConsoleHandler
            .handlers = java.util.logging.ConsoleHandler
            .level = INFO
            java.util.logging.ConsoleHandler.level = FINE
            java.util.logging.ConsoleHandler.formatter = org.apache.juli.OneLineFormatter
            java.util.logging.ConsoleHandler.encoding = UTF-8
            """;

    private String serverXml() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- written by dev.msm.it.TomcatInstance: the distribution's server.xml, on 127.0.0.1 only, with a
                     free HTTP port, no shutdown port (stop = SIGTERM) and jvmRoute [%2$s] -->
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>
                  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener"/>
                  <Listener className="org.apache.catalina.mbeans.GlobalResourcesLifecycleListener"/>
                  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener"/>
                  <GlobalNamingResources>
                    <Resource name="UserDatabase" auth="Container" type="org.apache.catalina.UserDatabase"
                              factory="org.apache.catalina.users.MemoryUserDatabaseFactory"
                              pathname="conf/tomcat-users.xml"/>
                  </GlobalNamingResources>
                  <Service name="Catalina">
                    <Connector address="127.0.0.1" port="%1$d" protocol="HTTP/1.1" connectionTimeout="20000"
                               maxThreads="50"/>
                    <Engine name="Catalina" defaultHost="localhost" jvmRoute="%2$s">
                      <Realm className="org.apache.catalina.realm.LockOutRealm">
                        <Realm className="org.apache.catalina.realm.UserDatabaseRealm" resourceName="UserDatabase"/>
                      </Realm>
                      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/>
                    </Engine>
                  </Service>
                </Server>
                """.formatted(port, jvmRoute);
    }

    /**
     * Deploys the {@link SampleApp} as {@code /name} with a {@code <Manager>} of these attributes (written into its
     * {@code META-INF/context.xml}); takes effect at the next start.
     *
     * @param name    the context name, e.g. {@code sticky}
     * @param manager the {@code <Manager>} attributes, {@code className} included
     */
    public void deploy(String name, Map<String, String> manager) {
        apps.put(name, Map.copyOf(manager));
        SampleApp.deploy(base.resolve("webapps").resolve(name), manager, eventLog(name));
    }

    /**
     * Reloads a deployed application the way a developer's change does: a class in its {@code WEB-INF/classes} gets
     * a new modification time; Tomcat notices within a second and reloads the context.
     *
     * @param name the context name
     */
    public void touchClasses(String name) {
        Path classes = base.resolve("webapps").resolve(name).resolve("WEB-INF").resolve("classes");
        try (Stream<Path> files = Files.walk(classes)) {
            java.nio.file.attribute.FileTime later = java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() + 5000);
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Files.setLastModifiedTime(p, later);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts Tomcat and waits until every deployed application answers {@code status.jsp} with 200.
     *
     * @throws IllegalStateException with the end of the console log when Tomcat exits or is not ready in time
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(this + " is running already");
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run")
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()));
        Map<String, String> env = builder.environment();
        for (String v : List.of("JAVA_OPTS", "JRE_HOME", "CATALINA_PID", "CATALINA_OUT", "CATALINA_TMPDIR",
                "LOGGING_CONFIG", "LOGGING_MANAGER", "CLASSPATH")) {
            env.remove(v);
        }
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", base.toString());
        env.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        // a small heap and a quick start: these Tomcats serve a test, not a load
        env.put("CATALINA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto "
                + "-Djava.security.egd=file:/dev/./urandom");
        try {
            appendConsole("==== starting " + this + " ====\n");
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + this, e);
        }
        RUNNING.add(this);
        Process p = process;
        try {
            Awaits.await(START_TIMEOUT).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(this + " exited at start with code " + p.exitValue() + ":\n"
                            + logTail(60));
                }
                return allReady();
            });
        } catch (RuntimeException e) {
            kill();
            throw new IllegalStateException(this + " is not ready after " + START_TIMEOUT.toSeconds() + " s: " + e
                    + "\n" + logTail(60), e);
        }
    }

    private boolean allReady() {
        for (String app : apps.keySet()) {
            try {
                if (Http.get(url(app) + "/status.jsp", null).status() != 200) {
                    return false;
                }
            } catch (UncheckedIOException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Kills Tomcat's JVM and its descendants with SIGKILL, as a crash would, and waits until they are gone.
     */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        all.add(p.toHandle());
        p.toHandle().descendants().forEach(all::add);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            h.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
        }
        RUNNING.remove(this);
        appendConsole("==== killed " + this + " (SIGKILL) ====\n");
    }

    /**
     * Stops Tomcat gracefully (SIGTERM; Tomcat's shutdown hook stops every context) and waits until it exited.
     *
     * @throws IllegalStateException when it did not exit within 60 s (it is killed then)
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        boolean exited;
        try {
            exited = p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            kill();
            throw new IllegalStateException(this + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s:\n"
                    + logTail(60));
        }
        RUNNING.remove(this);
        appendConsole("==== stopped " + this + " (SIGTERM) ====\n");
    }

    /** Stops Tomcat gracefully if it runs, then starts it again on the same port. */
    public void restart() {
        stop();
        start();
    }

    /**
     * @return whether Tomcat's JVM is alive
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * @return the pid of Tomcat's JVM
     * @throws IllegalStateException when it never started
     */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(this + " was not started");
        }
        return p.pid();
    }

    /**
     * @return the HTTP port on 127.0.0.1
     */
    public int port() {
        return port;
    }

    /**
     * @return the Engine's jvmRoute
     */
    public String jvmRoute() {
        return jvmRoute;
    }

    /**
     * @param app a deployed context name
     * @return its base URL, e.g. {@code http://127.0.0.1:PORT/sticky}
     */
    public String url(String app) {
        return URI.create("http://127.0.0.1:" + port + "/" + app).toString();
    }

    /**
     * @param app a deployed context name
     * @return the file its session listeners append to
     */
    public Path eventLog(String app) {
        return base.resolve("events-" + app + ".log");
    }

    /**
     * @param app  a deployed context name
     * @param kind {@code created}, {@code destroyed} or {@code unbound}
     * @param id   a session id, or {@code null} for any
     * @return how many such events this Tomcat recorded
     */
    public long events(String app, String kind, String id) {
        Path log = eventLog(app);
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.startsWith(kind + " ") && (id == null || l.equals(kind + " " + id))).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the file that receives Tomcat's standard output and error
     */
    public Path consoleLog() {
        return base.resolve("console.log");
    }

    /**
     * @param lines how many lines
     * @return the last lines of the console log, without the version banner Tomcat logs at each start
     */
    public String logTail(int lines) {
        try {
            if (!Files.exists(consoleLog())) {
                return "(no console log)";
            }
            List<String> all = Files.readAllLines(consoleLog(), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.contains("startup.VersionLoggerListener.log")).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(console log unreadable: " + e + ")";
        }
    }

    private void appendConsole(String line) {
        try {
            Files.writeString(consoleLog(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills Tomcat if it runs. */
    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return version + " [" + jvmRoute + "] on port " + port;
    }

    /**
     * Deletes a directory tree, if present.
     *
     * @param dir the directory
     * @throws IOException when something cannot be deleted
     */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
