package dev.msm.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.tomcat.util.IntrospectionUtils;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.StoreNode;
import dev.msm.core.MsmManagerBase;

/**
 * Installs msm's manager on the embedded Tomcat's context, configured from {@link MsmProperties}, and keeps it for
 * the health indicator and the metrics. The Boot 3 and Boot 4 starters call {@link #install(Context)} from their
 * {@code TomcatContextCustomizer}.
 *
 * <p>A configuration error stops the application: Tomcat only logs a manager that fails to start and Spring Boot only
 * reports that the context failed, so the installer rethrows msm's own message, with the property that set the
 * attribute, as the cause of Boot's startup exception. Thread-safe.
 */
public final class MsmInstaller {

    private final MsmProperties properties;
    private final Supplier<? extends MsmManagerBase> managers;
    private volatile MsmManagerBase manager;

    /**
     * @param properties the bound {@code msm.*} properties
     * @param managers   creates the version's {@code dev.msm.tomcat.MsmManager}
     */
    public MsmInstaller(MsmProperties properties, Supplier<? extends MsmManagerBase> managers) {
        this.properties = properties;
        this.managers = managers;
    }

    /**
     * Creates the manager, sets every configured attribute as {@code context.xml} would, and makes it the context's
     * manager.
     *
     * @param context the embedded Tomcat's context, not started yet
     */
    public void install(Context context) {
        MsmManagerBase m = managers.get();
        Map<String, MsmProperties.Setting> attributes = properties.managerAttributes();
        attributes.forEach((name, setting) -> IntrospectionUtils.setProperty(m, name, setting.value()));
        context.setManager(m);
        AtomicBoolean reported = new AtomicBoolean();
        context.addLifecycleListener(event -> {
            // A context whose start failed is stopped at once, still inside Tomcat's start: the one place where an
            // exception reaches Spring Boot's "Unable to start embedded Tomcat" as its cause.
            if (Lifecycle.BEFORE_STOP_EVENT.equals(event.getType()) && m.getState() == LifecycleState.FAILED
                    && m.startFailure() != null && reported.compareAndSet(false, true)) {
                throw new IllegalStateException(message(m.startFailure(), attributes), m.startFailure());
            }
        });
        this.manager = m;
    }

    private static String message(LifecycleException failure, Map<String, MsmProperties.Setting> attributes) {
        String message = "msm cannot start: " + failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidAttributeException invalid) {
                MsmProperties.Setting setting = attributes.get(invalid.attribute());
                if (setting != null) {
                    return message + " (set by property [" + setting.property() + "])";
                }
            }
        }
        return message;
    }

    /**
     * @return the installed manager, or {@code null} before the embedded Tomcat was created
     */
    public MsmManagerBase manager() {
        return manager;
    }

    /**
     * The store's availability for a health indicator: up when msm is started and some store node (or the store
     * itself, for stores without explicit nodes) answers, or when msm was configured with {@code enabled=false}.
     *
     * @return whether the store is up, with details: the store's description and each node's address and status
     */
    public StoreHealth storeHealth() {
        MsmManagerBase m = manager;
        Map<String, Object> details = new LinkedHashMap<>();
        if (m == null || m.getState() != LifecycleState.STARTED) {
            details.put("manager", m == null ? "not installed" : m.getState().toString());
            return new StoreHealth(false, details);
        }
        String store = m.getStoreDescription();
        details.put("store", store);
        if ("disabled".equals(store)) {
            return new StoreHealth(true, details);
        }
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (Map.Entry<StoreNode, Boolean> n : m.nodeAvailability().entrySet()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("address", n.getKey().address());
            node.put("failover", n.getKey().failover());
            node.put("status", n.getValue() ? "UP" : "DOWN");
            nodes.put(n.getKey().id(), node);
        }
        if (!nodes.isEmpty()) {
            details.put("nodes", nodes);
        }
        return new StoreHealth(m.isStoreAvailable(), details);
    }

    /**
     * @param up      whether sessions can be stored now
     * @param details what a health endpoint shows
     */
    public record StoreHealth(boolean up, Map<String, Object> details) {
    }
}
