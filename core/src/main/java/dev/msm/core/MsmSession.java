package dev.msm.core;

import java.io.Serializable;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.catalina.Manager;
import org.apache.catalina.session.StandardSession;

import dev.msm.core.codec.Immutables;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;

/**
 * A Tomcat session that knows whether it changed since it was last stored: attributes set or removed, authentication
 * state changed, or a value that could be mutated in place (anything but a known immutable type) handed out.
 *
 * <p>Change detection is cheap on the request path: a request that only reads immutable attributes leaves no trace,
 * and only a request that handed out a mutable value costs a serialization to compare with the stored bytes.
 */
public class MsmSession extends StandardSession {

    private static final long serialVersionUID = 1L;

    /** Session notes that are part of the session's state (never the FORM password, see TomcatAttributes). */
    static final Set<String> PERSISTED_NOTES = TomcatAttributes.PERSISTED_NOTES;

    /** Set, removed or re-set attributes, or changed authentication state, since the last store. */
    private transient volatile boolean dirty;
    /** A value that might be mutated in place was handed out since the last store. */
    private transient volatile boolean mutableRead;
    /**
     * What was last written or loaded: the serialized bytes themselves while the session is only briefly in memory
     * (non-sticky), else their hash; both {@code null} when the stored copy is missing or unknown.
     */
    private transient volatile byte[] storedPayload;
    private transient volatile byte[] storedHash;
    /**
     * Non-sticky: the exact value the primary copy holds whose state this session has (the value loaded or written
     * last), or {@code null} when unknown; lets a later load that reads the same value reuse this object.
     */
    private transient volatile byte[] storedValue;
    /** Wall time at which the stored copies were last written or touched. */
    private transient volatile long storeRefreshedAt;
    /** Never written back (a stand-in served while the store is unavailable). */
    private transient volatile boolean transientCopy;
    /** Sticky backups: state of this session's backup (see {@link StickyBackups}). */
    final transient StickyBackups.Slot backup = new StickyBackups.Slot();
    /** The parsed id, kept in step with {@link #getIdInternal()}. */
    private transient volatile SessionId sessionId;

    /**
     * @param manager the manager; Tomcat's contract
     */
    public MsmSession(Manager manager) {
        super(manager);
    }

    private MsmManagerBase msm() {
        return (MsmManagerBase) manager;
    }

    // ------------------------------------------------------------------ change tracking

    @Override
    public void setAttribute(String name, Object value, boolean notify) {
        super.setAttribute(name, value, notify);
        dirty = true;
    }

    @Override
    protected void removeAttributeInternal(String name, boolean notify) {
        if (name != null && attributes.containsKey(name)) {
            dirty = true;
        }
        super.removeAttributeInternal(name, notify);
    }

    @Override
    public Object getAttribute(String name) {
        Object value = super.getAttribute(name);
        if (value != null && !mutableRead && !Immutables.isImmutable(value)) {
            mutableRead = true;
        }
        return value;
    }

    @Override
    public void setPrincipal(Principal principal) {
        if (!Objects.equals(this.principal, principal)) {
            dirty = true;
        }
        super.setPrincipal(principal);
    }

    @Override
    public void setAuthType(String authType) {
        if (!Objects.equals(this.authType, authType)) {
            dirty = true;
        }
        super.setAuthType(authType);
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        if (interval != maxInactiveInterval) {
            dirty = true;
        }
        super.setMaxInactiveInterval(interval);
    }

    @Override
    public void setNote(String name, Object value) {
        if (PERSISTED_NOTES.contains(name)) {
            dirty = true;
        }
        super.setNote(name, value);
    }

    @Override
    public void removeNote(String name) {
        if (PERSISTED_NOTES.contains(name) && notes.containsKey(name)) {
            dirty = true;
        }
        super.removeNote(name);
    }

    @Override
    public void setId(String id, boolean notify) {
        sessionId = null;
        super.setId(id, notify);
    }

    @Override
    public void expire(boolean notify) {
        MsmManagerBase m = (manager instanceof MsmManagerBase mm) ? mm : null;
        if (m == null || !isValid) {
            super.expire(notify);
            return;
        }
        m.expiring(this, notify);
    }

    /** Runs Tomcat's expiry (listeners, unbinding) after msm has done its part. */
    void expireLocally(boolean notify) {
        super.expire(notify);
    }

    /**
     * @return {@code true} when the session certainly changed since it was last stored
     */
    boolean isDirty() {
        return dirty;
    }

    /**
     * @return {@code true} when the session may have changed in place since it was last stored
     */
    boolean isMaybeDirty() {
        return dirty || mutableRead || (storedHash == null && storedPayload == null);
    }

    void markDirty() {
        dirty = true;
    }

    /**
     * Called right before the session's state is captured for a write: changes after this moment mark the session
     * dirty again.
     */
    void clearChangeFlags() {
        dirty = false;
        mutableRead = false;
    }

    /**
     * @return whether the store holds a copy of this session as far as this Tomcat knows
     */
    boolean isStored() {
        return storedHash != null || storedPayload != null;
    }

    /**
     * @param payload serialized bytes
     * @return {@code true} if they equal what was last written or loaded, so nothing needs writing
     */
    boolean unchanged(byte[] payload) {
        byte[] bytes = storedPayload;
        if (bytes != null) {
            return java.util.Arrays.equals(bytes, payload);
        }
        byte[] hash = storedHash;
        return hash != null && java.util.Arrays.equals(hash, SessionCodec.hash(payload));
    }

    /**
     * Remembers what the store holds now.
     *
     * @param payload   the serialized bytes written or loaded, or {@code null} when the stored copy is missing
     * @param keepBytes keep the bytes (cheapest to compare; for sessions held only during a request) or a hash
     * @param at        wall time of the write or load
     */
    void stored(byte[] payload, boolean keepBytes, long at) {
        storedValue = null;
        if (payload == null) {
            storedPayload = null;
            storedHash = null;
        } else if (keepBytes) {
            storedPayload = payload;
            storedHash = null;
        } else {
            storedHash = SessionCodec.hash(payload);
            storedPayload = null;
        }
        storeRefreshedAt = at;
    }

    /**
     * @param value the whole stored value (envelope) the primary copy holds now, whose payload was just passed to
     *              {@link #stored(byte[], boolean, long)}
     */
    void storedValue(byte[] value) {
        storedValue = value;
    }

    /** @return the stored value this session's state equals, or {@code null} when unknown */
    byte[] storedValue() {
        return storedValue;
    }

    /** Forgets what the store holds: the next backup writes the session whatever its bytes. */
    void forgetStored() {
        stored(null, false, 0);
    }

    long storeRefreshedAt() {
        return storeRefreshedAt;
    }

    void refreshed(long at) {
        storeRefreshedAt = at;
    }

    boolean isTransientCopy() {
        return transientCopy;
    }

    void setTransientCopy(boolean transientCopy) {
        this.transientCopy = transientCopy;
    }

    /**
     * @return the parsed id, or {@code null} when the id is not in msm's format
     */
    SessionId sessionId() {
        SessionId sid = sessionId;
        if (sid == null && id != null) {
            sid = msm().parseId(id);
            sessionId = sid;
        }
        return sid;
    }

    boolean isValidInternalState() {
        return isValid && !expiring;
    }

    boolean isNewInternal() {
        return isNew;
    }

    /** Sets the timestamps of a session read from the store; it counts as accessed now. */
    void loaded(long creation, long lastAccessed, int maxInactive, long now) {
        this.creationTime = creation;
        this.lastAccessedTime = lastAccessed;
        this.thisAccessedTime = now;
        this.maxInactiveInterval = maxInactive;
        this.isNew = false;
        this.isValid = true;
    }

    /** Sets the id without adding the session to the manager (a detached copy). */
    void setIdDetached(String newId) {
        this.id = newId;
        this.sessionId = null;
    }

    /** Reads an attribute without counting it as handed out. */
    Object attributeValue(String name) {
        return attributes.get(name);
    }

    // ------------------------------------------------------------------ state capture

    /**
     * Captures the state that is stored: attributes (those the filter keeps and the serializer can handle),
     * principal, auth type and the persisted notes.
     *
     * @param keep    decides which attributes are stored, by name and value; reports the ones it drops
     * @return the graph handed to the serializer
     */
    Object[] captureState(AttributeFilter keep) {
        Map<String, Object> attrs = new HashMap<>();
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            if (keep.keep(e.getKey(), e.getValue())) {
                attrs.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> persistedNotes = new HashMap<>();
        for (String note : PERSISTED_NOTES) {
            Object value = notes.get(note);
            if (value != null && keep.keep(note, value)) {
                persistedNotes.put(note, value);
            }
        }
        Principal p = principal;
        if (p != null && !keep.keep("(principal)", p)) {
            p = null;
        }
        return new Object[] {attrs, p, authType, persistedNotes};
    }

    /**
     * Restores state captured by {@link #captureState} (without firing attribute listeners, as Tomcat does when it
     * reads a persisted session).
     */
    @SuppressWarnings("unchecked")
    void restoreState(Object graph) {
        if (!(graph instanceof Object[] parts) || parts.length != 4 || !(parts[0] instanceof Map)
                || !(parts[3] instanceof Map) || (parts[1] != null && !(parts[1] instanceof Principal))
                || (parts[2] != null && !(parts[2] instanceof String))) {
            throw new dev.msm.api.SerializationException("Stored session data has an unexpected structure", null);
        }
        attributes.clear();
        ((Map<String, Object>) parts[0]).forEach((k, v) -> {
            if (k != null && v != null) {
                attributes.put(k, v);
            }
        });
        principal = (Principal) parts[1];
        authType = (String) parts[2];
        ((Map<String, Object>) parts[3]).forEach((k, v) -> {
            if (PERSISTED_NOTES.contains(k) && v != null) {
                notes.put(k, v);
            }
        });
    }

    /** Decides, per attribute, whether it is stored. */
    @FunctionalInterface
    interface AttributeFilter {
        boolean keep(String name, Object value);

        /** Keeps everything that Java serialization can write. */
        AttributeFilter SERIALIZABLE = (name, value) -> value instanceof Serializable;
    }
}
