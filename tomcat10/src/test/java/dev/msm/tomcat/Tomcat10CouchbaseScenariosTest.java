package dev.msm.tomcat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.StoreScenarios;
import dev.msm.couchbase.CouchbaseMockServer;

/** The store scenarios on an embedded Tomcat 10.1 with the Couchbase store against CouchbaseMock. */
class Tomcat10CouchbaseScenariosTest extends StoreScenarios {

    private static CouchbaseMockServer couchbase;

    @BeforeAll
    static void startCouchbase() {
        couchbase = CouchbaseMockServer.start();
    }

    @AfterAll
    static void stopCouchbase() {
        couchbase.close();
    }

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }

    @Override
    protected Map<String, String> storeAttributes() {
        return Map.of("store", "couchbase", "couchbaseConnectionString", couchbase.connectionString(),
                "couchbaseBucket", CouchbaseMockServer.BUCKET, "password", CouchbaseMockServer.PASSWORD,
                "storageKeyPrefix", "static:" + Integer.toHexString(cluster.hashCode()));
    }

    @Override
    protected void stopServer() {
        couchbase.kill();
    }

    @Override
    protected void startServer() {
        couchbase.restart();
    }
}
