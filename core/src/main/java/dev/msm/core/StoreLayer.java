package dev.msm.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.juli.logging.Log;

import dev.msm.api.NodeListener;
import dev.msm.api.Serializer;
import dev.msm.api.SerializerProvider;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;
import dev.msm.api.StoreNode;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.NodeSelector;
import dev.msm.core.keys.SessionIdFormat;
import dev.msm.core.keys.StorageKeys;

/**
 * Everything a manager builds from its store attributes, replaced as a whole by a runtime reconfiguration: the
 * store, the id format (which nodes ids may name), the storage (keys, codec, copies) and the session mode. A request
 * keeps the layer it began with until it ends.
 */
final class StoreLayer {

    final SessionStore store;
    final SessionIdFormat idFormat;
    final SessionStorage storage;
    final SessionMode mode;
    /** Node ids no longer configured whose sessions move on their next use. */
    final Set<String> retired;

    StoreLayer(SessionStore store, SessionIdFormat idFormat, SessionStorage storage, SessionMode mode,
            Set<String> retired) {
        this.store = store;
        this.idFormat = idFormat;
        this.storage = storage;
        this.mode = mode;
        this.retired = Set.copyOf(retired);
    }

    /**
     * Builds store, storage and mode from the parsed attributes.
     *
     * @param raw     the attributes as written (store and serializer attributes are handed to their plugins)
     * @param retired node ids sessions may still name although they are no longer configured (moved on next use)
     * @param log     the manager's logger
     * @return the layer, or {@code null} when msm is disabled
     */
    static StoreLayer build(MsmManagerBase manager, ManagerConfig cfg, Map<String, String> raw, Set<String> retired,
            boolean logDetails, Log log) {
        // threads the store and the modes start must not pin the web application's class loader
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MsmManagerBase.class.getClassLoader());
        try {
            return buildInternal(manager, cfg, raw, retired, logDetails, log);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static StoreLayer buildInternal(MsmManagerBase manager, ManagerConfig cfg, Map<String, String> raw,
            Set<String> retired, boolean logDetails, Log log) {
        Context context = manager.getContext();
        String route = manager.getJvmRoute();
        String name = context.getName().isEmpty() ? "ROOT" : context.getName();

        ClassLoader msmLoader = MsmManagerBase.class.getClassLoader();
        SessionStoreProvider storeProvider = Plugins.store(cfg.store(), msmLoader);
        SerializerProvider serializerProvider = Plugins.serializer(cfg.serializer(), msmLoader);
        Map<String, String> storeAttrs = new LinkedHashMap<>();
        Map<String, String> serializerAttrs = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Plugins.split(raw, storeProvider, serializerProvider, msmLoader, storeAttrs, serializerAttrs, warnings);
        if (logDetails) {
            for (String w : warnings) {
                log.warn(w + " (context [" + name + "])");
            }
            if (cfg.sticky() && raw.get("lockingMode") != null) {
                log.warn("Attribute [lockingMode] has no effect in sticky mode (context [" + name + "])");
            }
            if (!cfg.sticky() && cfg.attributeFilter() != null) {
                log.warn("Attribute [sessionAttributeFilter] in non-sticky mode: attributes it filters out are lost "
                        + "after each request (context [" + name + "])");
            }
        }

        Serializer serializer = serializerProvider.create(new Settings(serializerAttrs, cfg.operationTimeout(),
                name));
        MsmSession.AttributeFilter serializable = "java".equals(serializerProvider.name())
                ? MsmSession.AttributeFilter.SERIALIZABLE : (n, v) -> true;
        MsmSession.AttributeFilter filter = cfg.attributeFilter() == null ? serializable
                : (n, v) -> (n.startsWith("org.apache.catalina.") || n.equals("(principal)")
                        || cfg.attributeFilter().matcher(n).matches()) && serializable.keep(n, v);

        if (!cfg.enabled()) {
            log.info("msm is disabled for context [" + name + "]: sessions stay in this Tomcat's memory");
            return null;
        }
        if (logDetails && cfg.sticky() && (route == null || route.isEmpty())) {
            log.warn("Sticky sessions without a jvmRoute on the Engine (context [" + name + "]): a session "
                    + "served by another Tomcat in between cannot be detected as moved; set jvmRoute");
        }
        SessionStore s = storeProvider.create(new Settings(storeAttrs, cfg.operationTimeout(), name));
        try {
            Set<String> nodeIds = new java.util.HashSet<>();
            for (StoreNode n : s.nodes()) {
                nodeIds.add(n.id());
            }
            Set<String> stillRetired = new java.util.HashSet<>(retired);
            stillRetired.removeAll(nodeIds);
            Set<String> known = new java.util.HashSet<>(nodeIds);
            known.addAll(stillRetired);
            SessionIdFormat idFormat = new SessionIdFormat(known);
            Host host = context.getParent() instanceof Host h ? h : null;
            StorageKeys keys = StorageKeys.of(cfg.storageKeyPrefix(), host == null ? "" : host.getName(),
                    context.getPath(), context.getWebappVersion() == null ? "" : context.getWebappVersion(),
                    cfg.storageKeySecret(), cfg.hashesIds());
            NodeSelector nodes = new NodeSelector(s, stillRetired);
            SessionCodec codec = new SessionCodec(serializer, serializerProvider.name(), cfg.compressionThreshold(),
                    cfg.cipher(), cfg.integrity(), keys.namespace(), manager.clock().wallClock());
            int maxBytes = cfg.maxSessionBytes() == 0 ? s.maxValueBytes() : Math.min(cfg.maxSessionBytes(),
                    s.maxValueBytes());
            SessionStorage storage = new SessionStorage(s, nodes, keys, codec, manager.statistics(),
                    manager.writerId(), cfg.operationTimeout(), !cfg.sticky(), maxBytes);
            SessionBytes bytes = new SessionBytes(storage, () -> (MsmSession) manager.createEmptySession(),
                    manager.webappLoader(), filter, manager.clock(), manager.modeContext().problems());
            ModeContext modes = manager.modeContext();
            SessionMode mode = cfg.sticky() ? new StickySessions(modes, storage, bytes, cfg, name)
                    : new NonStickySessions(modes, storage, bytes, cfg, name);
            StoreLayer built = new StoreLayer(s, idFormat, storage, mode, stillRetired);
            s.addNodeListener(new NodeListener() {
                @Override
                public void nodeUnavailable(String node) {
                    log.warn("Store node [" + (node == null ? s.describe() : node) + "] is unavailable (context ["
                            + name + "])");
                }

                @Override
                public void nodeAvailable(String node) {
                    log.info("Store node [" + (node == null ? s.describe() : node) + "] is available again (context ["
                            + name + "])");
                    built.mode.nodeAvailable(node);
                }
            });
            if (logDetails && !cfg.authenticatesValues()) {
                log.warn("Stored sessions are neither signed nor encrypted (context [" + name + "]): whoever can "
                        + "write to the store can plant a session with any user and roles (log in as anyone), and "
                        + "whoever can list its keys reads every session id. Set [integrityKeys] or "
                        + "[encryptionKeys], e.g. integrityKeys=\"k1:<output of openssl rand -base64 32>\"");
            }
            log.info("msm started for context [" + name + "]: store " + s.describe() + ", "
                    + (cfg.sticky() ? "sticky" : "non-sticky, locking " + cfg.lockingMode().name().toLowerCase())
                    + ", serializer [" + serializerProvider.name() + "], key prefix [" + keys.prefix() + "]"
                    + (keys.hashesIds() ? " with hashed ids" : "")
                    + (stillRetired.isEmpty() ? "" : ", sessions on removed nodes " + stillRetired
                            + " move on their next use"));
            return built;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }
}
