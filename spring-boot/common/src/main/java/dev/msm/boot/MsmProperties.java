package dev.msm.boot;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code msm.*} properties of a Spring Boot application: one per {@code <Manager>} attribute of msm, under the
 * same name in kebab case ({@code msm.memcached-nodes} is {@code memcachedNodes}). The common ones are fields, so IDEs
 * complete them; every other attribute, present or added in later versions, goes through {@link #getAttributes()}:
 * {@code msm.attributes.operation-timeout=500}.
 *
 * <p>Values are kept as text and handed to the manager exactly as {@code context.xml} would, so they are validated
 * at start by msm, with the same messages (naming the attribute, the property and the accepted values). Not
 * thread-safe; bound once by Spring Boot before the embedded Tomcat starts.
 */
public class MsmProperties {

    private String store;
    private String memcachedNodes;
    private String failoverNodes;
    private String sticky;
    private String lockingMode;
    private String serializer;
    private String operationTimeout;
    private String redisUrl;
    private String username;
    private String password;
    private Map<String, String> attributes = new LinkedHashMap<>();

    /** @return {@code memcached}, {@code redis}, {@code couchbase} or {@code memory}; see the README */
    public String getStore() {
        return store;
    }

    public void setStore(String store) {
        this.store = store;
    }

    /** @return memcached nodes, {@code n1:host1:11211 n2:host2:11211} */
    public String getMemcachedNodes() {
        return memcachedNodes;
    }

    public void setMemcachedNodes(String memcachedNodes) {
        this.memcachedNodes = memcachedNodes;
    }

    /** @return node ids that take sessions only when no other node is available */
    public String getFailoverNodes() {
        return failoverNodes;
    }

    public void setFailoverNodes(String failoverNodes) {
        this.failoverNodes = failoverNodes;
    }

    /** @return {@code true} (msm's default): sticky sessions; {@code false}: non-sticky */
    public String getSticky() {
        return sticky;
    }

    public void setSticky(String sticky) {
        this.sticky = sticky;
    }

    /** @return non-sticky locking: {@code none}, {@code all}, {@code auto} or {@code uriPattern:<regex>} */
    public String getLockingMode() {
        return lockingMode;
    }

    public void setLockingMode(String lockingMode) {
        this.lockingMode = lockingMode;
    }

    /** @return {@code java} (msm's default) or {@code kryo} */
    public String getSerializer() {
        return serializer;
    }

    public void setSerializer(String serializer) {
        this.serializer = serializer;
    }

    /** @return milliseconds one store operation may take */
    public String getOperationTimeout() {
        return operationTimeout;
    }

    public void setOperationTimeout(String operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    /** @return the Redis store's URL, e.g. {@code redis://host:6379} */
    public String getRedisUrl() {
        return redisUrl;
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    /** @return the store's user name */
    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    /** @return the store's password; keep it out of files: {@code MSM_PASSWORD} in the environment */
    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** @return every other {@code <Manager>} attribute by name (kebab or camel case), e.g. {@code lock-timeout} */
    public Map<String, String> getAttributes() {
        return attributes;
    }

    public void setAttributes(Map<String, String> attributes) {
        this.attributes = attributes;
    }

    /**
     * @return the attributes to set on the manager, by msm attribute name, each with the property it came from, in a
     *         stable order; unset properties are left out so that msm's defaults apply
     */
    public Map<String, Setting> managerAttributes() {
        Map<String, Setting> all = new LinkedHashMap<>();
        put(all, "store", store);
        put(all, "memcachedNodes", memcachedNodes);
        put(all, "failoverNodes", failoverNodes);
        put(all, "sticky", sticky);
        put(all, "lockingMode", lockingMode);
        put(all, "serializer", serializer);
        put(all, "operationTimeout", operationTimeout);
        put(all, "redisUrl", redisUrl);
        put(all, "username", username);
        put(all, "password", password);
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            String name = camelCase(e.getKey());
            all.put(name, new Setting(e.getValue(), "msm.attributes." + e.getKey()));
        }
        return all;
    }

    private static void put(Map<String, Setting> all, String attribute, String value) {
        if (value != null) {
            all.put(attribute, new Setting(value, "msm." + kebabCase(attribute)));
        }
    }

    /** {@code lock-timeout} → {@code lockTimeout}; a camel-case name stays as it is. */
    static String camelCase(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    static String kebabCase(String attribute) {
        return attribute.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * One attribute's value and the property that set it.
     *
     * @param value    the text handed to the manager
     * @param property the Spring property, for error messages
     */
    public record Setting(String value, String property) {
    }
}
