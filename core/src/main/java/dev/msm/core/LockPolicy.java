package dev.msm.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether a non-sticky request locks its session, from {@code lockingMode}: always, never, for URIs
 * matching a pattern, or ({@code auto}) unless the URI was seen three times in a row without changing a session.
 * The learned URIs are bounded (least recently used dropped). Thread-safe.
 */
final class LockPolicy {

    private static final int LEARNED_URIS = 2000;
    private static final int READ_ONLY_AFTER = 3;

    private final ManagerConfig config;
    private final Map<String, Integer> readOnlyUris = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > LEARNED_URIS;
                }
            });

    LockPolicy(ManagerConfig config) {
        this.config = config;
    }

    /** @return whether the request locks the sessions it uses */
    boolean locks(RequestState state) {
        switch (config.lockingMode()) {
            case ALL:
                return true;
            case URI_PATTERN: {
                if (state.request == null) {
                    return true;
                }
                String q = state.request.getQueryString();
                String uri = state.uri == null ? "" : state.uri;
                return config.lockUriPattern().matcher(q == null ? uri : uri + "?" + q).matches();
            }
            case AUTO: {
                if (state.uri == null) {
                    return true;
                }
                Integer n = readOnlyUris.get(state.uri);
                return n == null || n < READ_ONLY_AFTER;
            }
            default:
                return false;
        }
    }

    /** A request that used a session ended: learn its URI for {@code auto} locking. */
    void ended(RequestState state) {
        if (config.lockingMode() != LockingMode.AUTO || state.uri == null) {
            return;
        }
        if (state.modified) {
            readOnlyUris.put(state.uri, Integer.MIN_VALUE);
        } else {
            readOnlyUris.merge(state.uri, 1, (old, one) -> old == Integer.MIN_VALUE ? old : old + 1);
        }
    }
}
