package dev.msm.couchbase;

import static dev.msm.api.Awaits.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.couchbase.BucketDefinition;
import org.testcontainers.couchbase.CouchbaseContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreContract;

/**
 * The conformance kit against a real Couchbase Server (Community 7.6) in Docker, through Testcontainers. Skipped
 * where no Docker engine answers (as on the machines msm's CI runs on: there the kit runs against CouchbaseMock,
 * {@link CouchbaseStoreTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
class CouchbaseServerStoreTest extends SessionStoreContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String BUCKET = "sessions";

    @Container
    private static final CouchbaseContainer COUCHBASE = new CouchbaseContainer(
            DockerImageName.parse("couchbase/server:community-7.6.2").asCompatibleSubstituteFor("couchbase/server"))
            .withBucket(new BucketDefinition(BUCKET).withPrimaryIndex(false));

    private static SessionStore store;

    @BeforeAll
    static void open() {
        store = CouchbaseStoreTest.open(COUCHBASE.getConnectionString(), BUCKET,
                Map.of("username", COUCHBASE.getUsername(), "password", COUCHBASE.getPassword()), TIMEOUT);
        await(Duration.ofSeconds(60)).until(() -> store.isAvailable(null));
    }

    @AfterAll
    static void close() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Override
    protected Duration operationTimeout() {
        return TIMEOUT;
    }
}
