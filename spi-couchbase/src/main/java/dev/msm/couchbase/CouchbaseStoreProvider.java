package dev.msm.couchbase;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.couchbase.client.core.util.ConnectionString;
import dev.msm.api.InvalidAttributeException;
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
 * timeouts (those come from msm's operation timeout and {@code couchbaseConnectTimeout}). MSM's form,
 * {@code http://host1:8091/pools http://host2:8091/pools}, is accepted and translated.</li>
 * <li>{@code memcachedNodes}: MSM's attribute, read only when {@code couchbaseConnectionString} is not set; it must
 * then start with {@code couchbase://}, {@code couchbases://} or {@code http://} and is read as above.</li>
 * <li>{@code couchbaseBucket} (required, no default): the bucket.</li>
 * <li>{@code couchbaseScope} and {@code couchbaseCollection} (default {@code _default}): the
 * collection the sessions are kept in.</li>
 * <li>{@code username} (default: the bucket name, which is the user Couchbase creates for a bucket that had a
 * password before 5.0) and {@code password} (required, no default; taken as written, not trimmed): the RBAC
 * credentials; the user needs the Data Reader and Data Writer roles on the bucket. Credentials the cluster refuses
 * do not stop the start: the store stays unavailable and says so in a warning.</li>
 * <li>{@code couchbaseConnectTimeout} (milliseconds, default {@value #DEFAULT_CONNECT_TIMEOUT_MILLIS}, from 100 to
 * 300000): how long one connection attempt may take, and how long starting the context waits for the bucket; a
 * bucket that is not reachable by then does not stop the start: the store reports it unavailable and connects
 * when it can.</li>
 * <li>{@code couchbaseMaxValueBytes} (default {@value #DEFAULT_MAX_VALUE_BYTES}, i.e. Couchbase's 20 MiB document
 * limit less 1 KiB, from 1024 to 20971520): the largest session accepted; larger ones are refused without contacting
 * the server.</li>
 * </ul>
 */
public final class CouchbaseStoreProvider implements SessionStoreProvider {

    static final String CONNECTION_STRING = "couchbaseConnectionString";
    static final String MEMCACHED_NODES = "memcachedNodes";
    static final String BUCKET = "couchbaseBucket";
    static final String SCOPE = "couchbaseScope";
    static final String COLLECTION = "couchbaseCollection";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String CONNECT_TIMEOUT = "couchbaseConnectTimeout";
    static final String MAX_VALUE_BYTES = "couchbaseMaxValueBytes";

    /** Default of {@code couchbaseConnectTimeout}, in milliseconds. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

    /** Couchbase's limit for one document, in bytes. */
    public static final int COUCHBASE_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

    /** Default of {@code couchbaseMaxValueBytes}: Couchbase's document limit less 1 KiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = COUCHBASE_MAX_DOCUMENT_BYTES - 1024;

    static final String ACCEPTED_CONNECTION_STRING = "a Couchbase connection string such as "
            + "couchbase://host1,host2 or couchbases://host (host:port=kv and host:port=manager for other ports, "
            + "?name=value for SDK options other than timeouts), or MSM's http://host:8091/pools URLs";
    static final String ACCEPTED_BUCKET = "a bucket name of 1 to 100 characters from [A-Za-z0-9._%-], "
            + "not starting with a dot";
    static final String ACCEPTED_COLLECTION = "_default or a name of 1 to 251 characters from [A-Za-z0-9_%-], "
            + "not starting with _ or %";

    private static final String WHAT = "store [couchbase]";

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
    public Set<String> attributeNames() {
        return Set.of(CONNECTION_STRING, MEMCACHED_NODES, BUCKET, SCOPE, COLLECTION, USERNAME, PASSWORD,
                CONNECT_TIMEOUT, MAX_VALUE_BYTES);
    }

    @Override
    public SessionStore create(Settings settings) {
        return CouchbaseSessionStore.connect(config(settings), settings.operationTimeout(), settings.owner());
    }

    /**
     * Parses and checks every attribute without connecting.
     *
     * @throws InvalidAttributeException naming the first attribute that is missing or malformed
     */
    static CouchbaseConfig config(Settings settings) {
        String explicit = settings.get(CONNECTION_STRING);
        String nodes = settings.get(MEMCACHED_NODES);
        String attribute;
        String connectionString;
        if (explicit != null) {
            if (nodes != null) {
                throw new InvalidAttributeException(CONNECTION_STRING, "Attributes [" + CONNECTION_STRING + "] and ["
                        + MEMCACHED_NODES + "] cannot both be set for " + WHAT + "; keep [" + CONNECTION_STRING
                        + "]");
            }
            attribute = CONNECTION_STRING;
            connectionString = connectionString(CONNECTION_STRING, explicit);
        } else if (nodes != null) {
            attribute = MEMCACHED_NODES;
            connectionString = connectionString(MEMCACHED_NODES, nodes);
        } else {
            throw new InvalidAttributeException(CONNECTION_STRING, "Attribute [" + CONNECTION_STRING
                    + "] is required for " + WHAT + " (or [" + MEMCACHED_NODES
                    + "] holding a couchbase://, couchbases:// or http://host:8091/pools address)");
        }
        String bucket = settings.require(BUCKET, WHAT);
        if (!bucket.matches("[A-Za-z0-9_%-][A-Za-z0-9._%-]{0,99}")) {
            throw InvalidAttributeException.invalidValue(BUCKET, bucket, ACCEPTED_BUCKET);
        }
        String scope = collectionName(settings, SCOPE);
        String collection = collectionName(settings, COLLECTION);
        if (!CouchbaseConfig.DEFAULT_NAME.equals(scope) && CouchbaseConfig.DEFAULT_NAME.equals(collection)) {
            throw new InvalidAttributeException(COLLECTION, "Attribute [" + COLLECTION + "] is required for " + WHAT
                    + " when [" + SCOPE + "] is set to [" + scope + "]: only scope [_default] has a collection"
                    + " [_default]");
        }
        String username = settings.get(USERNAME) == null ? bucket : settings.get(USERNAME);
        // taken as written: a password may start or end with a space
        settings.require(PASSWORD, WHAT + " (Couchbase 5 and later have no anonymous access)");
        String password = settings.attributes().get(PASSWORD);
        Duration connectTimeout = settings.getMillis(CONNECT_TIMEOUT, Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS),
                100, 300_000);
        int maxValueBytes = settings.getInt(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES, 1024,
                COUCHBASE_MAX_DOCUMENT_BYTES);
        return new CouchbaseConfig(connectionString, attribute, bucket, scope, collection, username, password,
                connectTimeout, maxValueBytes);
    }

    private static String collectionName(Settings settings, String attribute) {
        String name = settings.get(attribute);
        if (name == null) {
            return CouchbaseConfig.DEFAULT_NAME;
        }
        if (!name.equals(CouchbaseConfig.DEFAULT_NAME) && !name.matches("[A-Za-z0-9-][A-Za-z0-9_%-]{0,250}")) {
            throw InvalidAttributeException.invalidValue(attribute, name, ACCEPTED_COLLECTION);
        }
        return name;
    }

    /**
     * Checks a connection string, translating MSM's {@code http://host:8091/pools} form.
     *
     * @param attribute the attribute it came from, for the message
     * @param value     the configured text
     * @return an SDK connection string
     */
    static String connectionString(String attribute, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        String result;
        if (lower.startsWith("http://")) {
            result = fromPoolsUrls(attribute, value);
        } else if (lower.startsWith("couchbase://") || lower.startsWith("couchbases://")) {
            result = value;
        } else {
            throw InvalidAttributeException.invalidValue(attribute, value, ACCEPTED_CONNECTION_STRING);
        }
        ConnectionString parsed;
        try {
            parsed = ConnectionString.create(result);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            int semicolon = reason.lastIndexOf(" ; ");
            throw InvalidAttributeException.invalidValue(attribute, value, ACCEPTED_CONNECTION_STRING + " ("
                    + (semicolon >= 0 ? reason.substring(semicolon + 3) : reason) + ")");
        }
        for (String param : parsed.params().keySet()) {
            if (param.toLowerCase(Locale.ROOT).contains("timeout")) {
                throw InvalidAttributeException.invalidValue(attribute, value, ACCEPTED_CONNECTION_STRING
                        + " (timeouts come from the operation timeout and [" + CONNECT_TIMEOUT + "], not from ["
                        + param + "])");
            }
        }
        return result;
    }

    /**
     * MSM configured Couchbase with the REST addresses of its nodes, {@code http://host1:8091/pools
     * http://host2:8091/pools}. SDK 3 bootstraps over key/value (port 11210) and refuses port 8091 without a port
     * type, so the hosts are kept and a port other than 8091 is marked as the manager port.
     */
    private static String fromPoolsUrls(String attribute, String value) {
        List<String> hosts = new ArrayList<>();
        for (String token : value.trim().split("[\\s,]+")) {
            URI uri;
            try {
                uri = new URI(token);
            } catch (URISyntaxException e) {
                throw InvalidAttributeException.invalidValue(attribute, value, ACCEPTED_CONNECTION_STRING);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || !(path.isEmpty() || "/".equals(path) || "/pools".equals(path) || "/pools/".equals(path))) {
                throw InvalidAttributeException.invalidValue(attribute, value, ACCEPTED_CONNECTION_STRING);
            }
            int port = uri.getPort();
            hosts.add(port == -1 || port == 8091 ? uri.getHost() : uri.getHost() + ":" + port + "=manager");
        }
        return "couchbase://" + String.join(",", hosts);
    }
}
