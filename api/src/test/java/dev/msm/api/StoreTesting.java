package dev.msm.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What every store test shares: a value written as text, waiting for a store's future, closing its fixture. */
public final class StoreTesting {

    /** How long {@link #join(CompletableFuture)} waits: longer than any operation timeout the tests set. */
    public static final Duration WITHIN = Duration.ofSeconds(10);

    private StoreTesting() {
    }

    /** @return the text's UTF-8 bytes */
    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The future's value within {@link #WITHIN}; see {@link #join(CompletableFuture, Duration)}. */
    public static <T> T join(CompletableFuture<T> future) {
        return join(future, WITHIN);
    }

    /**
     * The future's value; what failed it is thrown as it is when unchecked ({@link StoreException},
     * {@link IllegalArgumentException}, ...), anything else, and a future still running after {@code within}, fails
     * the test.
     */
    public static <T> T join(CompletableFuture<T> future, Duration within) {
        try {
            return future.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete within [" + within.toMillis() + " ms]", e);
        }
    }

    /**
     * Closes each resource that is not {@code null}, in the order given (a store before the server it talks to),
     * also after one of them failed to close; the first failure is thrown, later ones suppressed in it.
     */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
