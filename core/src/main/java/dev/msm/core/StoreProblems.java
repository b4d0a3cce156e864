package dev.msm.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.juli.logging.Log;

import dev.msm.api.SerializationException;
import dev.msm.core.codec.SessionCodec;

/**
 * Reports what goes wrong with storing sessions, once per cause: a store that fails (WARN once until it works again,
 * then DEBUG), a session that cannot be serialized or is too large (WARN once per cause or session, with its largest
 * attributes), and other one-time warnings. Messages go to the context's logger. At most {@value #MAX_CAUSES} causes
 * are remembered. Thread-safe.
 */
final class StoreProblems {

    static final int MAX_CAUSES = 10_000;
    private static final String STORE = "store";

    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final Supplier<Log> contextLog;
    private final Log debugLog;

    /**
     * @param contextLog the logger of the context (WARN messages)
     * @param debugLog   the logger for DEBUG messages
     */
    StoreProblems(Supplier<Log> contextLog, Log debugLog) {
        this.contextLog = contextLog;
        this.debugLog = debugLog;
    }

    /** @return the logger of the context (messages about this web application) */
    Log contextLog() {
        return contextLog.get();
    }

    /** Logs a store problem at WARN once until the store works again, then at DEBUG. */
    void storeProblem(String what, Exception e) {
        String cause = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reported.add(STORE)) {
            contextLog.get().warn(what + ": " + cause + " (further store failures are logged at debug level until "
                    + "the store recovers)");
        } else if (debugLog.isDebugEnabled()) {
            debugLog.debug(what + ": " + cause);
        }
    }

    /** The store works again: the next problem is logged at WARN again. */
    void storeRecovered() {
        reported.remove(STORE);
    }

    /** Logs a message once per key at WARN. */
    void warnOnce(String key, String message) {
        if (reported.size() < MAX_CAUSES && reported.add(key)) {
            contextLog.get().warn(message);
        }
    }

    void reportUnserializable(MsmSession s, SerializationException e) {
        warnOnce("serialize:" + e.getMessage(), "Session [" + s.getIdInternal() + "] cannot be stored: "
                + e.getMessage() + " (reported once per cause)");
    }

    /**
     * A session too large to store: WARN once per session, naming its largest attributes.
     *
     * @param bytes serialized size
     * @param codec measures attributes one by one
     */
    void reportTooLarge(SessionCodec codec, MsmSession s, int bytes, IllegalArgumentException e) {
        if (reported.size() >= MAX_CAUSES || !reported.add("size:" + s.getIdInternal())) {
            return;
        }
        Map<String, Integer> sizes = new HashMap<>();
        for (String name : Collections.list(s.getAttributeNames())) {
            Object v = s.attributeValue(name);
            sizes.put(name, v instanceof Serializable ? estimate(codec, v) : -1);
        }
        List<Map.Entry<String, Integer>> largest = new ArrayList<>(sizes.entrySet());
        largest.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        contextLog.get().warn("Session [" + s.getIdInternal() + "] of [" + bytes + "] bytes is not stored: "
                + e.getMessage() + "; largest attributes: " + largest.subList(0, Math.min(5, largest.size())));
    }

    private static int estimate(SessionCodec codec, Object value) {
        try {
            return codec.encode(new Object[] {Map.of("v", value), null, null, Map.of()}, "x", 0, 0, 0, "")
                    .value().length;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
