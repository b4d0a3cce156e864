package dev.msm.api;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * What every {@link SessionStore} implementation does the same way: argument errors as failed futures, unwrapping a
 * future's failure, refusing an oversized value before it is sent, and the exception of a closed store. One phrasing
 * per event, so that messages read alike whichever store is configured. Stateless.
 */
public final class Stores {

    private Stores() {
    }

    /**
     * Runs an operation of a {@link SessionStore} whose checks throw: its arguments (node, key, time to live, value
     * size) or the store's state (closed, known to be down). Such an error fails the returned future instead, like
     * every other failure, so callers handle one path.
     *
     * @param operation checks its arguments and the store, then starts the store request
     * @param <T>       the operation's result
     * @return the operation's future, or a future failed with the {@link IllegalArgumentException},
     *         {@link NullPointerException} or {@link StoreException} it threw
     */
    public static <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> operation) {
        try {
            return operation.get();
        } catch (IllegalArgumentException | NullPointerException | StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Removes the wrappers a future's failure arrives in.
     *
     * @param failure what a {@code whenComplete}/{@code handle} callback or {@code get()} received; may be
     *                {@code null}
     * @return the first cause that is neither a {@link CompletionException} nor an {@link ExecutionException}
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Refuses a value larger than the store accepts, before anything is sent.
     *
     * @param value         the value; not {@code null}
     * @param maxValueBytes the store's {@link SessionStore#maxValueBytes()}
     * @param where         the store, e.g. {@code redis [127.0.0.1:6379]}
     * @param attribute     the attribute that sets the limit
     * @return {@code value}
     * @throws NullPointerException     when {@code value} is {@code null}
     * @throws IllegalArgumentException {@code Value of [N] bytes exceeds the limit of [M] bytes of <where>
     *                                  (attribute [<attribute>])}
     */
    public static byte[] checkValueSize(byte[] value, int maxValueBytes, String where, String attribute) {
        Objects.requireNonNull(value, "value");
        if (value.length > maxValueBytes) {
            throw new IllegalArgumentException("Value of [" + value.length + "] bytes exceeds the limit of ["
                    + maxValueBytes + "] bytes of " + where + " (attribute [" + attribute + "])");
        }
        return value;
    }

    /**
     * @param where the store, e.g. {@code redis [127.0.0.1:6379]}
     * @return the failure of an operation on a closed store: {@code Store [<where>] is closed}
     */
    public static StoreUnavailableException closed(String where) {
        return closed(where, null);
    }

    /**
     * @param where the store, e.g. {@code redis [127.0.0.1:6379]}
     * @param cause what the client library reported, may be {@code null}
     * @return the failure of an operation on a closed store: {@code Store [<where>] is closed}
     */
    public static StoreUnavailableException closed(String where, Throwable cause) {
        return new StoreUnavailableException(null, "Store [" + where + "] is closed", cause);
    }
}
