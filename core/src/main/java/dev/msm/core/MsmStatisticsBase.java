package dev.msm.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.msm.api.SessionStore;
import dev.msm.api.StoreNode;

/**
 * The statistics and state msm's manager shows over JMX (Tomcat registers the manager's public getters): counters
 * and latency percentiles since start or reset, store nodes available, backups and repairs in flight.
 *
 * <p>Not for extension outside msm: {@link MsmManagerBase} is the class to extend.
 */
public abstract class MsmStatisticsBase extends MsmStoreAttributesBase {

    private volatile Statistics statistics = new Statistics();

    MsmStatisticsBase() {
    }

    /** @return the store layer in use now, {@code null} while disabled or stopped */
    abstract StoreLayer activeLayer();

    /** Starts counting afresh (context start). */
    void newStatistics(Statistics fresh) {
        this.statistics = fresh;
    }

    // ==================================================================== statistics (JMX)

    /**
     * @return the live statistics of this manager
     */
    public Statistics statistics() {
        return statistics;
    }

    /**
     * @return a description of the store, e.g. {@code memcached [n1 127.0.0.1:11211]}, or {@code disabled}
     */
    public String getStoreDescription() {
        StoreLayer l = activeLayer();
        SessionStore s = l == null ? null : l.store;
        return s == null ? "disabled" : s.describe();
    }

    /**
     * @return the ids of the store nodes that are available now, space separated
     */
    public String getAvailableNodes() {
        StoreLayer l = activeLayer();
        SessionStore s = l == null ? null : l.store;
        if (s == null) {
            return "";
        }
        Set<String> up = new TreeSet<>();
        for (StoreNode n : s.nodes()) {
            if (s.isAvailable(n.id())) {
                up.add(n.id());
            }
        }
        return String.join(" ", up);
    }

    /**
     * @return sticky backups queued or running now
     */
    public int pendingBackups() {
        StoreLayer l = activeLayer();
        return l == null ? 0 : l.mode.pendingBackups();
    }

    /**
     * @return {@link #pendingBackups()} as the MBean attribute {@code pendingBackups}
     */
    public int getPendingBackups() {
        return pendingBackups();
    }

    /**
     * @return non-sticky repairs of session copies (after a store node came back) queued or running now
     */
    public int pendingRepairs() {
        StoreLayer l = activeLayer();
        return l == null ? 0 : l.mode.pendingRepairs();
    }

    /**
     * @return non-sticky: recoveries of store nodes whose repair of session copies finished, since start (a node
     *         reported available again is repaired in the background; this tells when that is done)
     */
    public long getRepairsCompleted() {
        StoreLayer l = activeLayer();
        return l == null ? 0 : l.mode.repairsCompleted();
    }

    /** @return requests that passed msm's valve (not ignored); since start or reset */
    public long getStatRequests() {
        return statistics.get(Statistics.Counter.REQUESTS);
    }

    /** @return requests matching requestUriIgnorePattern; since start or reset */
    public long getStatRequestsIgnored() {
        return statistics.get(Statistics.Counter.REQUESTS_IGNORED);
    }

    /** @return sessions read from the store; since start or reset */
    public long getStatLoads() {
        return statistics.get(Statistics.Counter.LOADS);
    }

    /**
     * @return non-sticky: loads that read the value this Tomcat stored or loaded last, so the session kept since
     *         then was reused instead of deserialized (part of statLoads); since start or reset
     */
    public long getStatLoadsReused() {
        return statistics.get(Statistics.Counter.LOADS_REUSED);
    }

    /** @return loads that found no stored session; since start or reset */
    public long getStatLoadMisses() {
        return statistics.get(Statistics.Counter.LOAD_MISSES);
    }

    /** @return sessions read from their backup copy; since start or reset */
    public long getStatBackupLoads() {
        return statistics.get(Statistics.Counter.BACKUP_LOADS);
    }

    /** @return session writes (each writes the primary and the backup copy); since start or reset */
    public long getStatWrites() {
        return statistics.get(Statistics.Counter.WRITES);
    }

    /** @return sessions serialized but unchanged, so not written; since start or reset */
    public long getStatWritesSkippedUnchanged() {
        return statistics.get(Statistics.Counter.WRITES_SKIPPED_UNCHANGED);
    }

    /** @return writes that failed; since start or reset */
    public long getStatWriteFailures() {
        return statistics.get(Statistics.Counter.WRITE_FAILURES);
    }

    /** @return time-to-live refreshes without a write; since start or reset */
    public long getStatTouches() {
        return statistics.get(Statistics.Counter.TOUCHES);
    }

    /** @return sticky: changes folded into a backup already queued or running; since start or reset */
    public long getStatBackupsCoalesced() {
        return statistics.get(Statistics.Counter.BACKUPS_COALESCED);
    }

    /** @return store locks obtained; since start or reset */
    public long getStatLocks() {
        return statistics.get(Statistics.Counter.LOCKS);
    }

    /** @return lock attempts that found the session locked elsewhere; since start or reset */
    public long getStatLockWaits() {
        return statistics.get(Statistics.Counter.LOCK_WAITS);
    }

    /** @return requests that did not get their lock within lockTimeout; since start or reset */
    public long getStatLockTimeouts() {
        return statistics.get(Statistics.Counter.LOCK_TIMEOUTS);
    }

    /** @return sessions taken over from another Tomcat; since start or reset */
    public long getStatTomcatFailovers() {
        return statistics.get(Statistics.Counter.TOMCAT_FAILOVERS);
    }

    /** @return sessions moved to another store node; since start or reset */
    public long getStatNodeFailovers() {
        return statistics.get(Statistics.Counter.NODE_FAILOVERS);
    }

    /** @return requests answered with 503 by the configured failure action; since start or reset */
    public long getStatRequestsRefused() {
        return statistics.get(Statistics.Counter.REQUESTS_REFUSED);
    }

    /**
     * @return sessions serialized holding classes that reading refuses (see {@code allowedClasses}); since start or
     *         reset
     */
    public long getStatRefusedClassWrites() {
        return statistics.get(Statistics.Counter.REFUSED_CLASS_WRITES);
    }

    /**
     * @return attributes dropped when a session was read because their values named a class that is not allowed
     *         (the rest of each session was kept); since start or reset
     */
    public long getStatDroppedAttributes() {
        return statistics.get(Statistics.Counter.DROPPED_ATTRIBUTES);
    }

    /**
     * @return primary copies read from a node after it came back from a hang that turned out to be stale (the
     *         session had moved); since start or reset
     */
    public long getStatStaleCopies() {
        return statistics.get(Statistics.Counter.STALE_COPIES);
    }

    /** @return store locks found lost while their request ran (expired, taken over); since start or reset */
    public long getStatLocksLost() {
        return statistics.get(Statistics.Counter.LOCKS_LOST);
    }

    /** @return writes not made because the request had lost its lock and someone wrote since; since start or reset */
    public long getStatWritesFenced() {
        return statistics.get(Statistics.Counter.WRITES_FENCED);
    }

    /** @return requests answered 503 at once because {@code maxLockWaiters} already waited; since start or reset */
    public long getStatLockWaitersRefused() {
        return statistics.get(Statistics.Counter.LOCK_WAITERS_REFUSED);
    }

    /** @return requests answered 503 because their lock did not come in time; since start or reset */
    public long getStatRequestsRefusedLockTimeout() {
        return statistics.get(Statistics.Counter.REQUESTS_REFUSED_LOCK_TIMEOUT);
    }

    /** @return requests answered 503 because no store node answered; since start or reset */
    public long getStatRequestsRefusedStoreUnavailable() {
        return statistics.get(Statistics.Counter.REQUESTS_REFUSED_STORE_UNAVAILABLE);
    }

    /** @return non-sticky requests answered 503 because their changes could not be written; since start or reset */
    public long getStatRequestsRefusedWriteFailed() {
        return statistics.get(Statistics.Counter.REQUESTS_REFUSED_WRITE_FAILED);
    }

    /**
     * @return non-sticky changes that could not be written after their response was committed (lost, the client was
     *         answered as usual); since start or reset
     */
    public long getStatWritesLostAfterCommit() {
        return statistics.get(Statistics.Counter.WRITES_LOST_AFTER_COMMIT);
    }

    /** @return backup copies not written while their primary copy was; since start or reset */
    public long getStatBackupWriteFailures() {
        return statistics.get(Statistics.Counter.BACKUP_WRITE_FAILURES);
    }

    /** @return stored values that could not be read (corrupt, foreign, refused class); since start or reset */
    public long getStatUnreadableValues() {
        return statistics.get(Statistics.Counter.UNREADABLE_VALUES);
    }

    /** @return non-sticky: session expiries this Tomcat processed (listeners fired); since start or reset */
    public long getStatExpiries() {
        return statistics.get(Statistics.Counter.EXPIRIES);
    }

    /** @return requested session ids that were malformed or named an unknown node; since start or reset */
    public long getStatInvalidIds() {
        return statistics.get(Statistics.Counter.INVALID_IDS);
    }

    /** @return the 50th percentile of load times, microseconds (upper bound, within 19%) */
    public long getStatLoadMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.LOAD, 50);
    }

    /** @return the 99th percentile of load times, microseconds (upper bound, within 19%) */
    public long getStatLoadMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.LOAD, 99);
    }

    /** @return the 50th percentile of write times, microseconds (upper bound, within 19%) */
    public long getStatWriteMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.WRITE, 50);
    }

    /** @return the 99th percentile of write times, microseconds (upper bound, within 19%) */
    public long getStatWriteMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.WRITE, 99);
    }

    /** @return the 50th percentile of lockwait times, microseconds (upper bound, within 19%) */
    public long getStatLockWaitMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.LOCK_WAIT, 50);
    }

    /** @return the 99th percentile of lockwait times, microseconds (upper bound, within 19%) */
    public long getStatLockWaitMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.LOCK_WAIT, 99);
    }

    /** @return the 50th percentile of serialization times, microseconds (upper bound, within 19%) */
    public long getStatSerializationMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.SERIALIZATION, 50);
    }

    /** @return the 99th percentile of serialization times, microseconds (upper bound, within 19%) */
    public long getStatSerializationMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.SERIALIZATION, 99);
    }

    /** @return the 50th percentile of session sizes, bytes (upper bound, within 19%) */
    public long getStatSessionBytesP50() {
        return statistics.sizePercentile(50);
    }

    /** @return the 99th percentile of session sizes, bytes (upper bound, within 19%) */
    public long getStatSessionBytesP99() {
        return statistics.sizePercentile(99);
    }

    /** @return how many store nodes are configured (0 for stores that route keys themselves) */
    public int getNodeCount() {
        StoreLayer l = activeLayer();
        SessionStore s = l == null ? null : l.store;
        return s == null ? 0 : s.nodes().size();
    }

    /** @return whether the store can be used now: some node (or the store itself, when it has no nodes) is up */
    public boolean isStoreAvailable() {
        StoreLayer l = activeLayer();
        return l != null && l.storage.anyAvailable();
    }

    /**
     * @return each configured store node and whether it is available now, in configuration order; empty for stores
     *         that route keys themselves (see {@link #isStoreAvailable()}) and while stopped
     */
    public Map<StoreNode, Boolean> nodeAvailability() {
        StoreLayer l = activeLayer();
        SessionStore s = l == null ? null : l.store;
        Map<StoreNode, Boolean> nodes = new LinkedHashMap<>();
        if (s != null) {
            for (StoreNode n : s.nodes()) {
                nodes.put(n, s.isAvailable(n.id()));
            }
        }
        return nodes;
    }

    /** @return how many store nodes are available now */
    public int getAvailableNodeCount() {
        String up = getAvailableNodes();
        return up.isEmpty() ? 0 : up.split(" ").length;
    }

    /** Sets every statistic back to zero. */
    public void resetStatistics() {
        statistics.reset();
    }
}
