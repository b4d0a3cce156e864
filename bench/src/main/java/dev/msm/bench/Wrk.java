package dev.msm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.msm.api.ServerProcess;

/**
 * Runs <a href="https://github.com/wg/wrk">wrk</a> with one session per connection and reads its results.
 *
 * <p>wrk's Lua API keeps state per thread, not per connection ({@code request()} and {@code response()} are not told
 * which connection they serve), so a connection cannot be given a cookie of its own when a thread drives several.
 * wrk therefore runs with as many threads as connections ({@code -tN -cN}): each thread has one connection and one Lua
 * state, {@code setup(thread)} hands each thread one of the session cookies, and {@code init} puts it into the
 * thread's (static) request. The script's {@code done()} prints the summary as one {@code MSM-BENCH key=value ...}
 * line, which {@link #parse} reads.
 */
final class Wrk {

    private static final Pattern COOKIE = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=([0-9.]+)");

    private Wrk() {
    }

    /**
     * wrk's summary of one run.
     *
     * @param requests     completed requests
     * @param seconds      the run's duration
     * @param statusErrors responses with a status of 400 or more (wrk's "Non-2xx or 3xx responses")
     * @param socketErrors connect, read and write errors and timeouts
     * @param p50Ms        median latency, ms
     * @param p90Ms        90th percentile latency, ms
     * @param p99Ms        99th percentile latency, ms
     * @param meanMs       mean latency, ms
     * @param maxMs        largest latency, ms
     */
    record Result(long requests, double seconds, long statusErrors, long socketErrors, double p50Ms, double p90Ms,
            double p99Ms, double meanMs, double maxMs) {

        /**
         * @return requests per second
         */
        double rps() {
            return seconds > 0 ? requests / seconds : 0;
        }
    }

    /**
     * Writes the Lua script that gives each wrk thread (= connection) one of the cookies.
     *
     * @param file    where to write it
     * @param cookies the session ids, one per connection
     * @return the file
     */
    static Path script(Path file, List<String> cookies) {
        StringBuilder lua = new StringBuilder("-- written by dev.msm.bench.Wrk: one session per connection; run with "
                + "as many threads as connections (-tN -cN)\nlocal cookies = {");
        for (int i = 0; i < cookies.size(); i++) {
            String c = cookies.get(i);
            if (!COOKIE.matcher(c).matches()) {
                throw new IllegalArgumentException("Unexpected session id [" + c + "]");
            }
            lua.append(i == 0 ? " " : ", ").append('"').append(c).append('"');
        }
        lua.append(" }\n").append("""
                local created = 0
                function setup(thread)
                  created = created + 1
                  thread:set("cookie", cookies[(created - 1) % #cookies + 1])
                end
                function init(args)
                  wrk.headers["Cookie"] = "JSESSIONID=" .. cookie
                end
                function done(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("MSM-BENCH requests=%d duration_us=%d status=%d socket=%d p50_us=%d "
                    .. "p90_us=%d p99_us=%d mean_us=%.1f max_us=%d\\n", summary.requests, summary.duration, e.status,
                    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(90),
                    latency:percentile(99), latency.mean, latency.max))
                end
                """);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, lua.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Runs wrk and waits for it, at most the duration plus 30 s (then it is killed).
     *
     * @param url         the page
     * @param script      a {@link #script}
     * @param connections connections (= threads = sessions)
     * @param duration    how long to load
     * @param output      where wrk's console output goes
     * @return its summary
     * @throws IllegalStateException when wrk fails or prints no summary
     */
    static Result run(String url, Path script, int connections, Duration duration, Path output) {
        List<String> cmd = new ArrayList<>(List.of(binary(), "-t" + connections, "-c" + connections,
                "-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", "--timeout", "5s", "-s",
                script.toString(), url));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(output.toFile())).start();
            if (!p.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("wrk did not finish within " + (duration.toSeconds() + 30) + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("wrk exited with " + p.exitValue() + ": " + text);
            }
            return parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while wrk ran", e);
        }
    }

    /**
     * @param output wrk's console output
     * @return the summary of the {@code MSM-BENCH} line
     * @throws IllegalStateException when there is none
     */
    static Result parse(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("MSM-BENCH ")) {
                Map<String, Double> f = new HashMap<>();
                Matcher m = FIELD.matcher(line);
                while (m.find()) {
                    f.put(m.group(1), Double.parseDouble(m.group(2)));
                }
                return new Result(f.get("requests").longValue(), f.get("duration_us") / 1e6,
                        f.get("status").longValue(), f.get("socket").longValue(), f.get("p50_us") / 1e3,
                        f.get("p90_us") / 1e3, f.get("p99_us") / 1e3, f.get("mean_us") / 1e3, f.get("max_us") / 1e3);
            }
        }
        throw new IllegalStateException("No MSM-BENCH line in wrk's output: " + output);
    }

    /**
     * @return the wrk executable
     * @throws IllegalStateException naming the package when it is not installed
     */
    static String binary() {
        return ServerProcess.binary("wrk", "wrk");
    }
}
