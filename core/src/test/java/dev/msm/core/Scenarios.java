package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;

/** What the embedded scenarios say often: the modes as attributes, the counter in a body, a session id's parts. */
public final class Scenarios {

    private Scenarios() {
    }

    public static Map<String, String> sticky() {
        return Map.of("sticky", "true");
    }

    public static Map<String, String> nonSticky(String lockingMode) {
        return Map.of("sticky", "false", "lockingMode", lockingMode);
    }

    /** @return the number in {@code count=N}, failing on any other body */
    public static int count(String body) {
        assertTrue(body.startsWith("count="), body);
        return Integer.parseInt(body.substring("count=".length()).trim());
    }

    /** @return the session id without the route ({@code .jvmRoute}) */
    public static String base(String sessionId) {
        return sessionId.contains(".") ? sessionId.substring(0, sessionId.indexOf('.')) : sessionId;
    }

    /** @return the route after the first dot, or {@code null} */
    public static String route(String sessionId) {
        return sessionId.contains(".") ? sessionId.substring(sessionId.indexOf('.') + 1) : null;
    }

    /** @return the store node the session id names ({@code <random>-<node>.<route>}) */
    public static String node(String sessionId) {
        String base = base(sessionId);
        return base.substring(base.lastIndexOf('-') + 1);
    }

    /** Waits until a sticky manager wrote something and has no backup queued or running. */
    public static void awaitBackups(EmbeddedTomcat t) {
        await().until(() -> t.manager().statistics().get(Statistics.Counter.WRITES) > 0
                && t.manager().pendingBackups() == 0);
    }

    /**
     * A request to {@code /async} that stays open, holding its session (and in {@code lockingMode="all"} the store
     * lock), until the test completes it.
     */
    public record HeldRequest(CompletableFuture<Browser.Response> response, AsyncContext pending) {

        /** Sends {@code /async} with the user's cookie and returns once the application holds the request. */
        public static HeldRequest start(Browser user, EmbeddedTomcat t) throws InterruptedException {
            TestApp.PENDING.clear();
            CompletableFuture<Browser.Response> response = CompletableFuture
                    .supplyAsync(() -> user.get(t.url() + "/async"));
            AsyncContext pending = TestApp.PENDING.poll(20, TimeUnit.SECONDS);
            if (pending == null) {
                throw new AssertionError("the held request did not start: " + (response.isDone()
                        ? response.join().status() + " " + response.join().body() : "no answer"));
            }
            return new HeldRequest(response, pending);
        }

        /** @return the held request's response, after the application completed it */
        public Browser.Response complete() throws Exception {
            pending.complete();
            return response.get(20, TimeUnit.SECONDS);
        }
    }
}
