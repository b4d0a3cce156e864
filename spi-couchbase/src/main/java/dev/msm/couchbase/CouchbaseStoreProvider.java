package dev.msm.couchbase;

import java.util.List;

import dev.msm.api.Attribute;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;

/**
 * The {@code couchbase} store: sessions kept as binary documents in a Couchbase bucket, through the Couchbase Java SDK
 * 3. Couchbase distributes documents over its nodes and replicates them itself, so the store has no explicit nodes:
 * msm writes no backup copies of its own and relies on the bucket's replicas (configure at least one replica and
 * auto-failover on the cluster).
 *
 * <pre>{@code
 * <Manager className="dev.msm.tomcat.MsmManager" store="couchbase"
 *          couchbaseConnectionString="couchbase://cb1.example.com,cb2.example.com"
 *          couchbaseBucket="sessions" username="msm" password="secret"/>
 * }</pre>
 *
 * <p>Attributes:
 * <ul>
 * <li>{@code couchbaseConnectionString} (required, no default): an SDK connection string,
 * {@code couchbase://host1,host2} or {@code couchbases://host} for TLS; {@code host:port=kv} and
 * {@code host:port=manager} name non-default ports, and {@code ?name=value} parameters set further SDK options except
 * <li>timeouts (those come from msm's operation timeout and {@code couchbaseConnectTimeout}). MSM's form, {@code
 * http://host1:8091/pools http://host2:8091/pools}, is accepted and translated.</li>
 * <li>{@code memcachedNodes}: MSM's attribute, read only when {@code couchbaseConnectionString} is not set; it must
 * then start with {@code couchbase://}, {@code couchbases://} or {@code http://} and is read as above.</li>
 * <li>{@code couchbaseBucket} (required, no default): the bucket.</li>
 * <li>{@code couchbaseScope} and {@code couchbaseCollection} (default {@code _default}): the collection the sessions
 * are kept in.</li>
 * <li>{@code username} (default: the bucket name, which is the user Couchbase creates for a bucket that had a
 * password before 5.0) and {@code password} (required, no default; taken as written, not trimmed): the RBAC
 * credentials; the user needs the Data Reader and Data Writer roles on the bucket. Credentials the cluster refuses do
 * not stop the start: the store stays unavailable and says so in a warning.</li>
 * <li>{@code couchbaseConnectTimeout} (milliseconds, default {@value CouchbaseConfig#DEFAULT_CONNECT_TIMEOUT_MILLIS},
 * from 100 to 300000): how long one connection attempt may take, and how long starting the context waits for the
 * bucket; a bucket that is not reachable by then does not stop the start: the store reports it unavailable and
 * connects when it can.</li>
 * <li>{@code couchbaseMaxValueBytes} (default {@value CouchbaseConfig#DEFAULT_MAX_VALUE_BYTES}, i.e. Couchbase's 20
 * MiB document limit less 1 KiB, from 1024 to 20971520): the largest session accepted; larger ones are refused
 * without contacting the server.</li>
 * </ul>
 */
public final class CouchbaseStoreProvider implements SessionStoreProvider {

    /**
     * Creates the provider; {@link java.util.ServiceLoader} calls this.
     */
    public CouchbaseStoreProvider() {
        // stateless
    }

    @Override
    public String name() {
        return "couchbase";
    }

    @Override
    public List<Attribute> attributes() {
        return CouchbaseConfig.ATTRIBUTES;
    }

    @Override
    public SessionStore create(Settings settings) {
        return CouchbaseSessionStore.connect(CouchbaseConfig.parse(settings), settings);
    }
}
