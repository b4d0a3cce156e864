package dev.msm.couchbase;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.couchbase.client.core.util.ConnectionString;
import dev.msm.api.Attribute;
import dev.msm.api.InvalidAttributeException;
import dev.msm.api.Settings;

/**
 * The {@code <Manager>} attributes of the {@code couchbase} store: their names, defaults and parsing, and the parsed
 * values; see {@link CouchbaseStoreProvider} for their meaning.
 *
 * @param connectionString          the SDK connection string, e.g. {@code couchbase://host1,host2}
 * @param connectionStringAttribute the attribute the connection string came from, for error messages
 * @param bucket                    the bucket name
 * @param scope                     the scope name
 * @param collection                the collection name
 * @param username                  the RBAC user name
 * @param password                  the password; never logged
 * @param connectTimeout            how long connecting (and the first wait for the bucket) may take
 * @param maxValueBytes             the largest value accepted
 */
record CouchbaseConfig(String connectionString, String connectionStringAttribute, String bucket, String scope,
        String collection, String username, String password, Duration connectTimeout, int maxValueBytes) {

    static final String DEFAULT_NAME = "_default";

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

    static final String WHAT = "store [couchbase]";

    static final Attribute CONNECT_TIMEOUT_ATTRIBUTE = Attribute.millis(CONNECT_TIMEOUT,
            DEFAULT_CONNECT_TIMEOUT_MILLIS, 100, 300_000, "how long the start waits for the bucket (the store "
                    + "connects later if it is not reachable)");
    static final Attribute MAX_VALUE_BYTES_ATTRIBUTE = Attribute.integer(MAX_VALUE_BYTES, "20 MiB − 1 KiB", 1024,
            COUCHBASE_MAX_DOCUMENT_BYTES, "the largest value written to Couchbase, in bytes");

    /** Every attribute this store reads, declared once (the README's Couchbase table is checked against it). */
    static final List<Attribute> ATTRIBUTES = List.of(
            Attribute.text(CONNECTION_STRING, "– (required)", ACCEPTED_CONNECTION_STRING, "where Couchbase is"),
            Attribute.text(MEMCACHED_NODES, "none", "a couchbase://, couchbases:// or http://host:8091/pools address",
                    "MSM's way to name the Couchbase nodes, instead of `couchbaseConnectionString`"),
            Attribute.text(BUCKET, "– (required)", ACCEPTED_BUCKET, "the bucket"),
            Attribute.text(SCOPE, "`_default`", ACCEPTED_COLLECTION, "the scope of the sessions' collection"),
            Attribute.text(COLLECTION, "`_default`", ACCEPTED_COLLECTION, "the collection the sessions go to; "
                    + "required when `couchbaseScope` is set"),
            Attribute.text(USERNAME, "the bucket name", "an RBAC user name", "the user, with the Data Reader and "
                    + "Data Writer roles on the bucket"),
            Attribute.text(PASSWORD, "– (required)", "the user's password, taken as written", "never logged"),
            CONNECT_TIMEOUT_ATTRIBUTE,
            MAX_VALUE_BYTES_ATTRIBUTE);


    /**
     * Parses and checks every attribute without connecting.
     *
     * @throws InvalidAttributeException naming the first attribute that is missing or malformed
     */
    static CouchbaseConfig parse(Settings settings) {
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
        if (!DEFAULT_NAME.equals(scope) && DEFAULT_NAME.equals(collection)) {
            throw new InvalidAttributeException(COLLECTION, "Attribute [" + COLLECTION + "] is required for " + WHAT
                    + " when [" + SCOPE + "] is set to [" + scope + "]: only scope [_default] has a collection"
                    + " [_default]");
        }
        String username = settings.get(USERNAME) == null ? bucket : settings.get(USERNAME);
        // taken as written: a password may start or end with a space
        settings.require(PASSWORD, WHAT + " (Couchbase 5 and later have no anonymous access)");
        String password = settings.attributes().get(PASSWORD);
        Duration connectTimeout = settings.get(CONNECT_TIMEOUT_ATTRIBUTE, Duration.class);
        int maxValueBytes = settings.get(MAX_VALUE_BYTES_ATTRIBUTE, Integer.class, DEFAULT_MAX_VALUE_BYTES);
        return new CouchbaseConfig(connectionString, attribute, bucket, scope, collection, username, password,
                connectTimeout, maxValueBytes);
    }

    private static String collectionName(Settings settings, String attribute) {
        String name = settings.get(attribute);
        if (name == null) {
            return DEFAULT_NAME;
        }
        if (!name.equals(DEFAULT_NAME) && !name.matches("[A-Za-z0-9-][A-Za-z0-9_%-]{0,250}")) {
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

    /**
     * @return {@code couchbase [bucket sessions at host1,host2]}, with the collection when it is not the default
     *         one; never credentials
     */
    String describe() {
        StringBuilder sb = new StringBuilder("couchbase [bucket ").append(bucket);
        if (!DEFAULT_NAME.equals(scope) || !DEFAULT_NAME.equals(collection)) {
            sb.append(", collection ").append(scope).append('.').append(collection);
        }
        return sb.append(" at ").append(hosts()).append(']').toString();
    }

    /**
     * @return the host list of the connection string, without scheme, user name and parameters
     */
    String hosts() {
        String hosts = connectionString;
        int scheme = hosts.indexOf("://");
        if (scheme >= 0) {
            hosts = hosts.substring(scheme + 3);
        }
        int params = hosts.indexOf('?');
        if (params >= 0) {
            hosts = hosts.substring(0, params);
        }
        int user = hosts.indexOf('@');
        if (user >= 0) {
            hosts = hosts.substring(user + 1);
        }
        return hosts;
    }

    @Override
    public String toString() {
        return "CouchbaseConfig[" + describe() + ", username=" + username + ", password=***, connectTimeout="
                + connectTimeout.toMillis() + " ms, maxValueBytes=" + maxValueBytes + "]";
    }
}
