package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.TestInfo;

/**
 * The embedded Tomcats of one test, all closed after it: each runs {@link TestApp} at {@code /app} with a manager of
 * the bridge under test, configured with the store's attributes, the test application's classes allowed, and the
 * test's own attributes. The test's {@link #cluster() cluster name} isolates its key space and names its session
 * events.
 */
public final class Tomcats implements AutoCloseable {

    private final Supplier<? extends MsmManagerBase> managers;
    private final String cluster;
    private final Map<String, String> storeAttributes;
    private final List<AutoCloseable> running = new ArrayList<>();

    /**
     * @param managers        creates a manager of the bridge under test
     * @param cluster         from {@link #clusterName}
     * @param storeAttributes what points a manager at the store
     */
    public Tomcats(Supplier<? extends MsmManagerBase> managers, String cluster, Map<String, String> storeAttributes) {
        this.managers = managers;
        this.cluster = cluster;
        this.storeAttributes = Map.copyOf(storeAttributes);
    }

    /** @return a name unique to this run of the test, readable in logs */
    public static String clusterName(TestInfo test) {
        return test.getTestMethod().map(m -> m.getName()).orElse("t") + "-" + UUID.randomUUID();
    }

    public String cluster() {
        return cluster;
    }

    /** @return the store's attributes, the test application allowed, then {@code extra} */
    public Map<String, String> attributes(Map<String, String> extra) {
        Map<String, String> attrs = new HashMap<>(storeAttributes);
        attrs.put("allowedClasses", "dev.msm.core.TestApp");
        attrs.putAll(extra);
        return attrs;
    }

    /** A started Tomcat with FORM login on {@code /secure/*}; fails the test if the context did not start. */
    public EmbeddedTomcat start(String route, Map<String, String> extra) {
        return start(route, extra, true);
    }

    /**
     * @param formLogin with a login-config, Tomcat's authenticator reads the session before the application does
     */
    public EmbeddedTomcat start(String route, Map<String, String> extra, boolean formLogin) {
        EmbeddedTomcat t = create(route, attributes(extra), formLogin);
        try {
            t.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(t.contextAvailable(), "context did not start");
        return t;
    }

    /** A Tomcat configured with exactly {@code attributes}, not started yet, closed after the test. */
    public EmbeddedTomcat create(String route, Map<String, String> attributes, boolean formLogin) {
        return closeAfter(new EmbeddedTomcat(managers, route, cluster, attributes, formLogin));
    }

    /** @return {@code resource}, closed after the test (in reverse order) */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        running.add(resource);
        return resource;
    }

    /** Closes what the test started, last first; a failure to close one does not keep the others running. */
    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                // the test's own failure, if any, says more; go on closing
            }
        }
        running.clear();
    }
}
