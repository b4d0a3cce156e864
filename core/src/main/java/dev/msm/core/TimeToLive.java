package dev.msm.core;

/**
 * How long non-sticky mode's stored keys live, in seconds, from a session's {@code maxInactiveInterval} (seconds;
 * {@code <= 0} never expires, stored as 0). The primary copy lives as long as the session may stay idle plus a
 * slack, so that reads within the slack of the last refresh need not refresh it again; the backup copy outlives the
 * primary, so that a Tomcat can fire the session's expiry events from it; the "gone" marker of an ended session
 * outlives any request that loaded the session before it ended.
 */
final class TimeToLive {

    private TimeToLive() {
    }

    /**
     * Primary copy: lives as long as the session may stay idle, plus {@link #slack}: a read within the slack of the
     * last refresh need not refresh again (a plain get), and the session then expires at most the slack late, never
     * early (Tomcat itself checks expiry once a minute).
     */
    static int primary(int maxInactive) {
        return maxInactive <= 0 ? 0 : maxInactive + slack(maxInactive);
    }

    /**
     * @return how long after a refresh of the primary copy's time to live reads need not refresh it: a tenth of the
     *         timeout, from 1 to 60
     */
    static int slack(int maxInactive) {
        return Math.max(1, Math.min(60, maxInactive / 10));
    }

    /**
     * Extra life of the backup copy beyond the primary's: covers reads that only refresh the primary and leaves
     * time to process the session's expiry after the primary is gone.
     */
    static int backupExtra(int maxInactive) {
        return Math.max(120, maxInactive / 2);
    }

    /** @return how long an expiry claim (the "gone" marker of an ended session) lives: at least 10 minutes */
    static int gone(int maxInactive) {
        return Math.max(600, maxInactive);
    }
}
