package dev.msm.couchbase;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.StoreTesting.closeAll;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.msm.api.NodeFaults;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreContract;
import dev.msm.api.Settings;

/**
 * The conformance kit against CouchbaseMock, started once for the class.
 */
class CouchbaseStoreTest extends SessionStoreContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static CouchbaseMockServer server;
    private static SessionStore store;

    @BeforeAll
    static void startServer() {
        server = CouchbaseMockServer.start();
        store = open(server);
        await().until(() -> store.isAvailable(null));
    }

    @AfterAll
    static void stopServer() throws Exception {
        closeAll(store, server);
    }

    static SessionStore open(CouchbaseMockServer server) {
        return open(server, TIMEOUT, Map.of());
    }

    static SessionStore open(CouchbaseMockServer server, Duration timeout, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("password", CouchbaseMockServer.PASSWORD);
        attributes.putAll(extra);
        return open(server.connectionString(), CouchbaseMockServer.BUCKET, attributes, timeout);
    }

    /** A store on {@code bucket} of the cluster at {@code connectionString}, with more (e.g. credential) attributes. */
    static SessionStore open(String connectionString, String bucket, Map<String, String> extra, Duration timeout) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("couchbaseConnectionString", connectionString);
        attributes.put("couchbaseBucket", bucket);
        attributes.putAll(extra);
        return new CouchbaseStoreProvider().create(new Settings(attributes, timeout, "/test"));
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Override
    protected SessionStore openAnother() {
        return open(server);
    }

    @Override
    protected Duration operationTimeout() {
        return TIMEOUT;
    }

    @Override
    protected NodeFaults faults() {
        return NodeFaults.killAndRestart(node -> server.kill(), node -> server.restart());
    }
}
