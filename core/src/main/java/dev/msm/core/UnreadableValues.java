package dev.msm.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.SerializationException;
import dev.msm.core.codec.ConfigurationMismatchException;
import dev.msm.core.keys.SessionId;

/**
 * What happens to a stored value that cannot be read: counted ({@link Statistics.Counter#UNREADABLE_VALUES}),
 * logged once per cause, treated as absent, and deleted only when the value itself is bad (corrupt, forged, foreign).
 * A value this Tomcat cannot read because of its own configuration (a key it does not have during a rolling key
 * change, the other serializer, encryption or integrity on one side only, a newer format) or that names a class not
 * allowed here is left for the Tomcats that can read it: deleting it would log its user out during a rollout.
 * Thread-safe; at most {@value #MAX_CAUSES} causes are remembered.
 */
final class UnreadableValues {

    static final int MAX_CAUSES = 1000;

    private static final Log log = LogFactory.getLog(UnreadableValues.class);

    private final Statistics stats;
    private final Consumer<SessionStorage.Read> delete;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param delete removes a value that was read from the store (primary or backup copy, as read)
     */
    UnreadableValues(Statistics stats, Consumer<SessionStorage.Read> delete) {
        this.stats = stats;
        this.delete = delete;
    }

    /** The value {@code read} cannot be read: reported, and deleted unless this Tomcat's configuration is why. */
    void report(SessionStorage.Read read, SerializationException e) {
        boolean leave = e instanceof ConfigurationMismatchException || e.rejectedClass() != null;
        report(read.id(), e);
        if (!leave) {
            delete.accept(read);
        }
    }

    /** A value stored for {@code id} cannot be read: counted and logged once per cause, not deleted. */
    void report(SessionId id, SerializationException e) {
        stats.count(Statistics.Counter.UNREADABLE_VALUES);
        boolean mismatch = e instanceof ConfigurationMismatchException;
        String reason = e.rejectedClass() != null ? e.rejectedClass() : e.getMessage();
        if (reported.size() < MAX_CAUSES && reported.add(reason)) {
            if (mismatch) {
                log.warn("Stored session [" + id + "] was written by a Tomcat configured differently and is left in "
                        + "the store for the Tomcats that can read it, and treated as absent here: "
                        + e.getMessage() + " (reported once per cause)");
            } else {
                log.warn("Stored session [" + id + "] cannot be read and is treated as absent: " + e.getMessage()
                        + " (reported once per cause)");
            }
        } else if (log.isDebugEnabled()) {
            log.debug("Stored session [" + id + "] cannot be read: " + e.getMessage());
        }
    }
}
