package dev.msm.it;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.msm.api.Http;

/**
 * One user of {@link RandomFaultsIT}: increments the counter of its own session ({@code count.jsp}) as fast as the
 * cluster answers, through a load balancer it plays itself, and checks every answer against what the mode
 * guarantees. Every so many increments it starts a new session, so that sessions are created under faults too and
 * land on both nodes and both Tomcats.
 *
 * <p>The load balancer: non-sticky, a random Tomcat per request; sticky, the Tomcat named by the cookie's
 * {@code jvmRoute} (a random one for a new session). A refused connection (the Tomcat is down) or a connection
 * broken after the request was sent is retried once on the other Tomcat, as a load balancer would; a request whose
 * connection broke after sending may or may not have been applied (its outcome is unknown).
 *
 * <p>The checker, per session, on every 200 answer {@code count=N} (A = the last acknowledged count, U = requests
 * with an unknown outcome since, R = requests answered 503 by msm since):
 * <ul>
 * <li>non-sticky: {@code A + 1 <= N <= A + 1 + U + R}. Below: acknowledged increments were lost (the session jumped
 *     back); above: a request never sent, or answered with another error, was applied. A 503 of msm may stand for a
 *     change whose write timed out and was applied nevertheless (issue 14: msm answers 503 rather than acknowledge a
 *     write it cannot confirm): such increments are counted ({@link ChaosReport#APPLIED_503}), not violations.</li>
 * <li>sticky, served by the Tomcat that acknowledged A and that has not died since: the same. After a failover (the
 *     Tomcat that acknowledged A was killed or stopped since): the README guarantees that a backup starts when the
 *     changing request ends ({@code sessionBackupInterval} is 0) and that the copy in the store lags by at most the
 *     one write in flight, which takes at most {@code operationTimeout}. So every increment
 *     acknowledged at least {@link #STICKY_BACKUP_LAG} before that Tomcat died must be kept: with F the last such
 *     count of the session on that Tomcat (or the count it arrived there with), {@code F + 1 <= N <= A + 1 + U}.
 *     The lag is counted in time the machine ran ({@link Heartbeat}): on a loaded 2-core machine every process may
 *     stand still for a second, and the backup with it.</li>
 * </ul>
 * Every error answer must be a documented one: 503. Everything else is recorded in the {@link ChaosReport}.
 */
final class CounterClient implements Runnable {

    /**
     * README, sticky mode (issue 14, item 3): a backup starts when the request that changed the session ends
     * ({@code sessionBackupInterval} defaults to 0, no timer), so the copy in the store lags by at most the one write
     * in flight, bounded by {@code operationTimeout} (1000 ms by default).
     */
    static final Duration STICKY_BACKUP_LAG = Duration.ofMillis(1000);

    private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A user's think time between two requests: 0 to 4 ms, so that six users do not take every CPU cycle. */
    private static final int THINK_MICROS = 4000;
    private static final int MAX_REQUESTS = 1_000_000;

    private final int number;
    private final Random random;
    private final List<TomcatInstance> tomcats;
    private final String app;
    private final boolean sticky;
    private final FaultInjector injector;
    private final Heartbeat heartbeat;
    private final ChaosReport report;
    private final AtomicBoolean stop;
    private volatile Session session;
    private volatile long lastAckNanos;
    private int generation;

    /**
     * @param number    the client's number, for messages
     * @param seed      the seed of its choices (Tomcat, when to start a new session)
     * @param tomcats   the two Tomcats; route {@code a} is index 0
     * @param app       the context name, e.g. {@code sticky}
     * @param sticky    the mode of the application
     * @param injector  tells when a Tomcat died
     * @param heartbeat tells how long the machine stood still
     * @param report    where everything is counted
     * @param stop      set when the client must end
     */
    CounterClient(int number, long seed, List<TomcatInstance> tomcats, String app, boolean sticky,
            FaultInjector injector, Heartbeat heartbeat, ChaosReport report, AtomicBoolean stop) {
        this.number = number;
        this.random = new Random(seed);
        this.tomcats = tomcats;
        this.app = app;
        this.sticky = sticky;
        this.injector = injector;
        this.heartbeat = heartbeat;
        this.report = report;
        this.stop = stop;
    }

    /**
     * @return the {@link System#nanoTime()} of this client's last acknowledged increment, 0 before the first
     */
    long lastAckNanos() {
        return lastAckNanos;
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < MAX_REQUESTS && !stop.get(); i++) {
                step();
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(THINK_MICROS)));
            }
        } catch (RuntimeException | AssertionError e) {
            report.violation("client " + number + " ended with " + e);
        }
    }

    private void step() {
        Session s = session;
        if (s == null || s.acknowledged >= s.rotateAfter) {
            s = new Session(number + "." + (++generation), 100 + random.nextInt(500));
            session = s;
            report.count(ChaosReport.SESSIONS);
        }
        int first = s.preferredTomcat();
        for (int attempt = 0; attempt < 2; attempt++) {
            if (send(s, attempt == 0 ? first : 1 - first)) {
                return;
            }
        }
        // both Tomcats unreachable for a moment (one restarting, the other not accepting yet): the load
        // balancer's retry schedule
        LockSupport.parkNanos(RETRY_PAUSE_NANOS);
    }

    /**
     * @return whether the request got an answer (any status); false when it should go to the other Tomcat
     */
    private boolean send(Session s, int tomcat) {
        report.count(ChaosReport.REQUESTS);
        long sent = System.nanoTime();
        Http.Response r;
        try {
            r = s.browser.get(tomcats.get(tomcat).url(app) + "/count.jsp");
        } catch (UncheckedIOException e) {
            if (neverSent(e)) {
                report.count(ChaosReport.REFUSED);
                s.remember(sent, tomcat, "refused");
            } else {
                report.count(ChaosReport.BROKEN);
                s.unknown++;
                s.remember(sent, tomcat, "broken: " + e.getCause());
            }
            return false;
        }
        long now = System.nanoTime();
        report.answered(TimeUnit.NANOSECONDS.toMillis(now - sent));
        String body = r.body().trim();
        s.remember(sent, tomcat, r.status() + " " + (body.length() > 20 ? body.substring(0, 20) : body) + " in "
                + TimeUnit.NANOSECONDS.toMillis(now - sent) + " ms, id " + s.browser.sessionId("/" + app));
        if (r.status() == 200 && body.matches("count=\\d{1,9}")) {
            s.acknowledged(tomcat, Integer.parseInt(body.substring("count=".length())), sent, now);
            lastAckNanos = now;
            return true;
        }
        if (r.status() == 503) {
            boolean msm = r.header("Retry-After") != null;
            report.count(msm ? ChaosReport.ERRORS_503_MSM : ChaosReport.ERRORS_503_OTHER);
            if (msm) {
                s.refused++; // msm's 503 for a write it could not confirm: the write may have been applied
            }
            LockSupport.parkNanos(RETRY_PAUSE_NANOS);
            return true;
        }
        if (r.status() == 404 || r.status() == 400) {
            // a graceful stop first pauses the connector, then stops the contexts, then closes the connections
            // Tomcat already had. A request on one of them meets no application (404), or a paused connector: Tomcat
            // then skips parsing the headers, finds no Host header and answers 400 instead of its 503
            // (Http11Processor.service/prepareRequest, read in 11.0.21; seen once on 11.0.25). Neither is an answer
            // of msm; the outcome counts as unknown
            FaultInjector.Death death = injector.firstDeathAfter(tomcat, sent);
            if (death != null && death.start() <= now) {
                report.count(ChaosReport.STOPPING);
                s.unknown++;
                return false;
            }
        }
        report.count(ChaosReport.ERRORS_UNDOCUMENTED);
        report.count("errors undocumented: status " + r.status());
        s.unknown++;
        report.violation(s + ": Tomcat " + tomcats.get(tomcat).jvmRoute() + " answered " + r.status() + ": "
                + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
        return true;
    }

    /** A refused connection or a connect timeout: the request never reached Tomcat. */
    private static boolean neverSent(UncheckedIOException e) {
        Throwable cause = e.getCause();
        return cause instanceof ConnectException || cause instanceof SocketTimeoutException
                && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
    }

    /**
     * Reads the session's counter without changing it, once every fault is healed, and checks it against the last
     * acknowledged count: non-sticky through both Tomcats, sticky through the Tomcat the cookie names.
     */
    void checkFinalValue() {
        Session s = session;
        if (s == null || s.lastAck == 0) {
            return;
        }
        List<Integer> through = sticky ? List.of(s.preferredTomcat()) : List.of(0, 1);
        for (int t : through) {
            Http.Response r = s.browser.get(tomcats.get(t).url(app) + "/read.jsp");
            String body = r.body().trim();
            int maybe = s.unknown + s.refused;
            String expected = "count=" + s.lastAck + (maybe == 0 ? "" : " (up to +" + maybe + ")");
            if (r.status() != 200 || !body.startsWith("count=")) {
                report.violation(s + ": at the end Tomcat " + tomcats.get(t).jvmRoute() + " answered " + r.status()
                        + " [" + body + "], expected " + expected);
                continue;
            }
            int n = Integer.parseInt(body.substring("count=".length()));
            if (n < s.lastAck) {
                report.count(ChaosReport.LOST, s.lastAck - n);
                report.count(ChaosReport.JUMPS_BACK);
                report.violation(s + ": at the end Tomcat " + tomcats.get(t).jvmRoute() + " reads count=" + n
                        + ", expected " + expected + ": " + (s.lastAck - n) + " acknowledged increments lost");
            } else if (n > s.lastAck + s.unknown + s.refused) {
                report.count(ChaosReport.PHANTOM, n - s.lastAck - s.unknown - s.refused);
                report.violation(s + ": at the end Tomcat " + tomcats.get(t).jvmRoute() + " reads count=" + n
                        + ", expected " + expected);
            }
        }
    }

    /** One session of this client and what the checker knows about it. */
    private final class Session {

        final Browser browser = new Browser();
        final String label;
        final int rotateAfter;
        int acknowledged;
        /** The last acknowledged count, 0 before the first answer. */
        int lastAck;
        long lastAckAt;
        /** The last requests of this session, for the message of a violation. */
        final ArrayDeque<String> history = new ArrayDeque<>();
        /** When the request of the last acknowledged answer was sent. */
        long lastSentAt;
        /** The session id the last acknowledged answer left in the cookie. */
        String lastAckId;
        /** Requests since the last acknowledged one whose outcome is unknown (connection broken after sending). */
        int unknown;
        /** Requests since the last acknowledged one that msm answered 503 (a write it could not confirm may apply). */
        int refused;
        /** Sticky: the Tomcat that acknowledged the last increments, -1 before the first. */
        int residence = -1;
        /** Sticky: the count the session had when it arrived at {@link #residence}. */
        int arrivedWith;
        /** Sticky: the counts acknowledged by {@link #residence} since the session arrived there, with their times. */
        final List<long[]> residenceAcks = new ArrayList<>();

        Session(String label, int rotateAfter) {
            this.label = label;
            this.rotateAfter = rotateAfter;
        }

        void remember(long sent, int tomcat, String outcome) {
            if (history.size() == 6) {
                history.removeFirst();
            }
            history.addLast(report.at(sent) + " to " + tomcats.get(tomcat).jvmRoute() + ": " + outcome);
        }

        int preferredTomcat() {
            if (sticky) {
                String id = browser.sessionId("/" + app);
                int dot = id == null ? -1 : id.indexOf('.');
                if (dot >= 0) {
                    String route = id.substring(dot + 1);
                    for (int t = 0; t < tomcats.size(); t++) {
                        if (tomcats.get(t).jvmRoute().equals(route)) {
                            return t;
                        }
                    }
                }
            }
            return random.nextInt(tomcats.size());
        }

        void acknowledged(int tomcat, int count, long sent, long now) {
            report.count(ChaosReport.ANSWERS_200);
            int min = lastAck + 1;
            int max = lastAck + 1 + unknown + refused;
            String rule = "the last acknowledged count + 1";
            boolean moved = false;
            if (sticky && residence >= 0) {
                FaultInjector.Death death = injector.firstDeathAfter(residence, lastAckAt);
                // an answer of the same Tomcat sent before it was gone is the same Tomcat, not a failover
                boolean failover = death != null && (tomcat != residence || death.done() < sent);
                if (failover) {
                    // the lag counts time the machine ran: on a loaded machine every process may stand still
                    long guaranteedBefore = heartbeat.runningFor(death.start(), STICKY_BACKUP_LAG.toNanos());
                    long stalled = death.start() - guaranteedBefore - STICKY_BACKUP_LAG.toNanos();
                    int floor = arrivedWith;
                    for (long[] ack : residenceAcks) {
                        if (ack[1] <= guaranteedBefore) {
                            floor = (int) ack[0];
                        }
                    }
                    min = floor + 1;
                    rule = "failover: Tomcat " + tomcats.get(residence).jvmRoute() + " died at "
                            + report.at(death.start()) + "; " + (floor == arrivedWith
                            ? "the session arrived there with count=" + floor + " and no later count was "
                            : "count=" + floor + " was the last count ") + "acknowledged at least "
                            + STICKY_BACKUP_LAG.toMillis() + " ms of running time before, at or before "
                            + report.at(guaranteedBefore) + " (the machine stood still for "
                            + TimeUnit.NANOSECONDS.toMillis(stalled) + " ms in between); so at least count=" + min;
                    report.count(ChaosReport.STICKY_FAILOVERS);
                    moved = true;
                } else if (tomcat != residence) {
                    moved = true;
                }
            }
            if (count < min) {
                report.count(ChaosReport.LOST, min - count);
                report.count(ChaosReport.JUMPS_BACK);
                report.violation(this + ": Tomcat " + tomcats.get(tomcat).jvmRoute() + " answered count=" + count
                        + " after count=" + lastAck + " was acknowledged at " + report.at(lastAckAt)
                        + (residence >= 0 ? " by Tomcat " + tomcats.get(residence).jvmRoute() : "")
                        + " with the id [" + lastAckId + "] (that request was sent at " + report.at(lastSentAt) + ")"
                        + "; expected at least " + min + " (" + rule + "): " + (min - count)
                        + " acknowledged increments lost; the session's last requests: " + history);
            } else if (count > max) {
                report.count(ChaosReport.PHANTOM, count - max);
                report.violation(this + ": Tomcat " + tomcats.get(tomcat).jvmRoute() + " answered count=" + count
                        + " after count=" + lastAck + " with " + unknown + " requests of unknown outcome and "
                        + refused + " answered 503: " + (count - max) + " increments applied that were answered "
                        + "with an error or never sent; the session's last requests: " + history);
            } else if (count <= lastAck) {
                report.count(ChaosReport.STICKY_WITHIN_LAG, lastAck + 1 - count);
            }
            if (moved || residence < 0) {
                residence = tomcat;
                arrivedWith = count - 1;
                residenceAcks.clear();
            }
            if (count > lastAck + 1 + unknown) {
                report.count(ChaosReport.APPLIED_503, count - lastAck - 1 - unknown);
            }
            residenceAcks.add(new long[] {count, now});
            lastAck = count;
            lastAckAt = now;
            lastSentAt = sent;
            lastAckId = browser.sessionId("/" + app);
            unknown = 0;
            refused = 0;
            acknowledged++;
        }

        @Override
        public String toString() {
            return "client " + number + " session " + label + " [" + browser.sessionId("/" + app) + "]";
        }
    }
}
