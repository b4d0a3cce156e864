package dev.msm.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.msm.api.SessionStore;
import dev.msm.api.StoreException;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;

/**
 * How long the engine waits for a store operation, and what a failure becomes: the operation timeout plus a margin
 * (stores enforce the timeout themselves; this bound only guards against a store that does not), and every failure a
 * {@link StoreException}. Thread-safe.
 */
final class StoreWait {

    /** Added to the operation timeout, so that the store's own timeout, naming the node, normally comes first. */
    private static final Duration MARGIN = Duration.ofMillis(250);

    private final Duration bound;
    private final SessionStore store;

    StoreWait(Duration operationTimeout, SessionStore store) {
        this.bound = operationTimeout.plus(MARGIN);
        this.store = store;
    }

    /**
     * Waits for a store operation.
     *
     * @return its result
     * @throws StoreException            when the operation failed
     * @throws StoreTimeoutException     when it did not complete within the bound (it is cancelled)
     * @throws StoreUnavailableException when the waiting thread is interrupted (its interrupt flag stays set)
     * @throws IllegalArgumentException  as the store threw it (a key or value it refuses)
     */
    <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new StoreException("Store operation failed: " + cause, cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new StoreTimeoutException(null, "store [" + store.describe() + "]", bound, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(null, "Interrupted while waiting for the store", e);
        }
    }
}
