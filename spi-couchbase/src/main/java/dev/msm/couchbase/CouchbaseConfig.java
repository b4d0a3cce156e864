package dev.msm.couchbase;

import java.time.Duration;

/**
 * The parsed {@code <Manager>} attributes of the {@code couchbase} store; see {@link CouchbaseStoreProvider} for their
 * meaning and defaults.
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
