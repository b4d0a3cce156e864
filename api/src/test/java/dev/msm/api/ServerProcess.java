package dev.msm.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A real server binary (memcached, redis-server) run by a test on a free port of 127.0.0.1, which the test can kill
 * with SIGKILL and start again on the same port, or pause with SIGSTOP and resume with SIGCONT. Processes still
 * running when the JVM exits are killed by a shutdown hook.
 *
 * <p>There is no Docker engine on the machines msm is tested on, so the binaries come from the OS packages;
 * {@code scripts/test.sh} installs them. A missing binary fails with a message saying what to install.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ServerProcess::kill), "kill-servers"));
    }

    private final String name;
    private final IntFunction<List<String>> command;
    private final int port;
    private final Path log;
    private volatile Process process;

    private ServerProcess(String name, IntFunction<List<String>> command) {
        requireServersAllowed(name);
        this.name = name;
        this.command = command;
        this.port = freePort();
        try {
            this.log = Files.createTempFile("msm-" + name + "-" + port + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return a started memcached on a free port
     */
    public static ServerProcess memcached() {
        String binary = binary("memcached", "memcached");
        boolean root = "root".equals(System.getProperty("user.name"));
        ServerProcess server = new ServerProcess("memcached", port -> {
            List<String> cmd = new ArrayList<>(List.of(binary, "-p", String.valueOf(port), "-l", "127.0.0.1",
                    "-U", "0", "-m", "64", "-c", "1024", "-t", "2"));
            if (root) {
                cmd.addAll(List.of("-u", "root"));
            }
            return cmd;
        });
        server.start();
        return server;
    }

    /**
     * @return a started redis-server on a free port, without persistence
     */
    public static ServerProcess redis() {
        return redis(List.of());
    }

    /**
     * @param extraArgs further {@code redis-server} arguments, e.g. {@code --requirepass secret}
     * @return a started redis-server on a free port, without persistence
     */
    public static ServerProcess redis(List<String> extraArgs) {
        String binary = binary("redis-server", "redis-server");
        Path dir;
        try {
            // a directory of its own: a replica writes the master's snapshot as dump.rdb into its directory, and
            // every later redis-server started there would load it
            dir = Files.createTempDirectory("msm-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess server = new ServerProcess("redis", port -> {
            List<String> cmd = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
                    "--dir", dir.toString(),
                    // a replica's first sync starts at once (by default a master waits 5 s for more replicas)
                    "--repl-diskless-sync-delay", "0"));
            cmd.addAll(extraArgs);
            return cmd;
        });
        server.start();
        return server;
    }

    /**
     * @param master     the name the sentinel monitors the master under
     * @param masterPort the master's port on 127.0.0.1
     * @param quorum     how many sentinels must agree that the master is down
     * @return a started Redis Sentinel ({@code redis-server <conf> --sentinel}) on a free port, which declares the
     *         master down after one second without an answer
     */
    public static ServerProcess sentinel(String master, int masterPort, int quorum) {
        String binary = binary("redis-server", "redis-server");
        Path conf;
        try {
            // a sentinel rewrites its configuration file: one of its own
            conf = Files.createTempFile("msm-sentinel-", ".conf");
            Files.writeString(conf, "sentinel monitor " + master + " 127.0.0.1 " + masterPort + " " + quorum + "\n"
                    + "sentinel down-after-milliseconds " + master + " 1000\n"
                    + "sentinel failover-timeout " + master + " 10000\n"
                    + "sentinel parallel-syncs " + master + " 1\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess server = new ServerProcess("sentinel", port -> List.of(binary, conf.toString(), "--sentinel",
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--protected-mode", "no",
                "--daemonize", "no"));
        server.start();
        return server;
    }

    /**
     * @return a TCP port that was free on 127.0.0.1 a moment ago
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails when the tests run as {@code -Dgroups=unit} (surefire passes the groups as {@code msm.test.groups}):
     * a test that starts a server is no {@link Unit} test.
     *
     * @param server what the test was about to start, for the message
     * @throws IllegalStateException in the unit group
     */
    public static void requireServersAllowed(String server) {
        if (Unit.TAG.equals(System.getProperty("msm.test.groups"))) {
            throw new IllegalStateException("A test of the group [" + Unit.TAG + "] starts a server [" + server
                    + "]: tag only tests that need no server with @Unit");
        }
    }

    /**
     * Finds an executable on the {@code PATH} or in the usual system directories.
     *
     * @param executable the file name
     * @param aptPackage the Debian package that provides it, for the error message
     * @return the absolute path
     * @throws IllegalStateException naming the package to install when not found
     */
    public static String binary(String executable, String aptPackage) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, executable);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(executable + " is not installed. Tests run real servers (no Docker here): "
                + "install it with 'apt-get install -y " + aptPackage + "', or run scripts/test.sh, which does.");
    }

    /**
     * Starts the process on this server's port and waits until it accepts connections.
     *
     * @throws IllegalStateException with the end of the server's log if it does not come up within 10 s
     */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(command.apply(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        RUNNING.add(this);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited at start with code " + process.exitValue()
                        + ": " + logTail());
            }
            if (accepts()) {
                return;
            }
            process.onExit().completeOnTimeout(null, 20, TimeUnit.MILLISECONDS).join();
        }
        kill();
        throw new IllegalStateException(name + " did not accept connections on port " + port + " within 10 s: "
                + logTail());
    }

    /**
     * Kills the process with SIGKILL, as a crash would, and waits until it is gone.
     */
    public synchronized void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
        }
        RUNNING.remove(this);
    }

    /**
     * Stops the process with SIGTERM and waits until it is gone (SIGKILL after 10 s).
     */
    public synchronized void stop() {
        Process p = process;
        if (p != null) {
            p.destroy();
            waitFor(p);
        }
        RUNNING.remove(this);
    }

    /**
     * Pauses the process with SIGSTOP, as a hung host or a long VM pause would: its connections stay open and the
     * kernel still accepts new ones, but nothing is answered until {@link #resume()}.
     */
    public void pause() {
        signal("STOP");
        // kill returns once the signal is queued; on a busy machine a running thread of the server may still answer
        // a request sent right after it. Paused means every thread of the process is stopped.
        Awaits.await(Duration.ofSeconds(10)).until(this::stopped);
    }

    /** @return whether every thread of the process is stopped (state T in /proc); true where /proc is missing */
    private boolean stopped() {
        Path tasks = Path.of("/proc", String.valueOf(pid()), "task");
        if (!Files.isDirectory(tasks)) {
            return true;
        }
        try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
            return threads.allMatch(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII);
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException e) {
                    return true; // the thread ended
                }
            });
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Resumes a process paused by {@link #pause()} with SIGCONT.
     */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return whether the process is alive
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * @return the port on 127.0.0.1
     */
    public int port() {
        return port;
    }

    /**
     * @return {@code 127.0.0.1:port}
     */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /**
     * @return the pid of the running process
     */
    public long pid() {
        return process.pid();
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Sends one line of the text protocol both memcached and Redis understand for simple commands and returns the
     * answer read until {@code terminator}, e.g. memcached's {@code stats} until {@code END}.
     *
     * @param line       the command without line end
     * @param terminator the last line of the answer
     * @return the answer, lines separated by {@code \n}
     */
    public String command(String line, String terminator) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
            socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder answer = new StringBuilder();
            StringBuilder current = new StringBuilder();
            int c;
            while ((c = socket.getInputStream().read()) != -1) {
                if (c == '\n') {
                    String l = current.toString().replace("\r", "");
                    answer.append(l).append('\n');
                    current.setLength(0);
                    if (l.equals(terminator) || l.startsWith("ERROR") || l.startsWith("-ERR")) {
                        break;
                    }
                } else {
                    current.append((char) c);
                }
            }
            return answer.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file; the OS cleans up
        }
    }

    @Override
    public String toString() {
        return name + "@" + address();
    }
}
