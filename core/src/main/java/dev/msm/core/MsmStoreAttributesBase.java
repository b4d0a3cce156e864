package dev.msm.core;

/**
 * The {@code <Manager>} attributes of the stores and serializers msm ships, as setter/getter pairs, so that Tomcat's
 * digester, JMX and Java configuration find them by name. Each hands its text to
 * {@link MsmAttributesBase#setProperty(String, String)}, where any store or serializer attribute arrives; the chosen
 * provider declares and parses it when the context starts, and a change while running rebuilds the store at once.
 *
 * <p>Not for extension outside msm: {@link MsmManagerBase} is the class to extend.
 */
public abstract class MsmStoreAttributesBase extends MsmAttributesBase {

    MsmStoreAttributesBase() {
    }

    /** Sets {@code memcachedNodes} of the memcached store, read by Redis and Couchbase too (declared by them). */
    public void setMemcachedNodes(String value) {
        setProperty("memcachedNodes", value);
    }
    public String getMemcachedNodes() {
        return getProperty("memcachedNodes");
    }

    /** Sets {@code failoverNodes} of the memcached store (declared by its provider). */
    public void setFailoverNodes(String value) {
        setProperty("failoverNodes", value);
    }
    public String getFailoverNodes() {
        return getProperty("failoverNodes");
    }

    /** Sets {@code memcachedProtocol} of the memcached store (declared by its provider). */
    public void setMemcachedProtocol(String value) {
        setProperty("memcachedProtocol", value);
    }
    public String getMemcachedProtocol() {
        return getProperty("memcachedProtocol");
    }

    /** Sets {@code memcachedItemSizeMax} of the memcached store (declared by its provider). */
    public void setMemcachedItemSizeMax(String value) {
        setProperty("memcachedItemSizeMax", value);
    }
    public String getMemcachedItemSizeMax() {
        return getProperty("memcachedItemSizeMax");
    }

    /** Sets {@code username} of the memcached, Redis and Couchbase stores (declared by them). */
    public void setUsername(String value) {
        setProperty("username", value);
    }
    public String getUsername() {
        return getProperty("username");
    }

    /** Sets {@code password} of the memcached, Redis and Couchbase stores (declared by them); write-only. */
    public void setPassword(String value) {
        setProperty("password", value);
    }

    /** Sets {@code redisUrl} of the Redis store (declared by its provider). */
    public void setRedisUrl(String value) {
        setProperty("redisUrl", value);
    }
    public String getRedisUrl() {
        return getProperty("redisUrl");
    }

    /** Sets {@code redisCluster} of the Redis store (declared by its provider). */
    public void setRedisCluster(String value) {
        setProperty("redisCluster", value);
    }
    public String getRedisCluster() {
        return getProperty("redisCluster");
    }

    /** Sets {@code redisSentinelMaster} of the Redis store (declared by its provider). */
    public void setRedisSentinelMaster(String value) {
        setProperty("redisSentinelMaster", value);
    }
    public String getRedisSentinelMaster() {
        return getProperty("redisSentinelMaster");
    }

    /** Sets {@code redisMaxValueBytes} of the Redis store (declared by its provider). */
    public void setRedisMaxValueBytes(String value) {
        setProperty("redisMaxValueBytes", value);
    }
    public String getRedisMaxValueBytes() {
        return getProperty("redisMaxValueBytes");
    }

    /** Sets {@code redisWaitReplicas} of the Redis store (declared by its provider). */
    public void setRedisWaitReplicas(String value) {
        setProperty("redisWaitReplicas", value);
    }
    public String getRedisWaitReplicas() {
        return getProperty("redisWaitReplicas");
    }

    /** Sets {@code couchbaseConnectionString} of the Couchbase store (declared by its provider). */
    public void setCouchbaseConnectionString(String value) {
        setProperty("couchbaseConnectionString", value);
    }
    public String getCouchbaseConnectionString() {
        return getProperty("couchbaseConnectionString");
    }

    /** Sets {@code couchbaseBucket} of the Couchbase store (declared by its provider). */
    public void setCouchbaseBucket(String value) {
        setProperty("couchbaseBucket", value);
    }
    public String getCouchbaseBucket() {
        return getProperty("couchbaseBucket");
    }

    /** Sets {@code couchbaseScope} of the Couchbase store (declared by its provider). */
    public void setCouchbaseScope(String value) {
        setProperty("couchbaseScope", value);
    }
    public String getCouchbaseScope() {
        return getProperty("couchbaseScope");
    }

    /** Sets {@code couchbaseCollection} of the Couchbase store (declared by its provider). */
    public void setCouchbaseCollection(String value) {
        setProperty("couchbaseCollection", value);
    }
    public String getCouchbaseCollection() {
        return getProperty("couchbaseCollection");
    }

    /** Sets {@code couchbaseConnectTimeout} of the Couchbase store (declared by its provider). */
    public void setCouchbaseConnectTimeout(String value) {
        setProperty("couchbaseConnectTimeout", value);
    }
    public String getCouchbaseConnectTimeout() {
        return getProperty("couchbaseConnectTimeout");
    }

    /** Sets {@code couchbaseMaxValueBytes} of the Couchbase store (declared by its provider). */
    public void setCouchbaseMaxValueBytes(String value) {
        setProperty("couchbaseMaxValueBytes", value);
    }
    public String getCouchbaseMaxValueBytes() {
        return getProperty("couchbaseMaxValueBytes");
    }

    /** Sets {@code memoryName} of the memory store (declared by its provider). */
    public void setMemoryName(String value) {
        setProperty("memoryName", value);
    }
    public String getMemoryName() {
        return getProperty("memoryName");
    }

    /** Sets {@code memoryNodes} of the memory store (declared by its provider). */
    public void setMemoryNodes(String value) {
        setProperty("memoryNodes", value);
    }
    public String getMemoryNodes() {
        return getProperty("memoryNodes");
    }

    /** Sets {@code memoryMaxValueBytes} of the memory store (declared by its provider). */
    public void setMemoryMaxValueBytes(String value) {
        setProperty("memoryMaxValueBytes", value);
    }
    public String getMemoryMaxValueBytes() {
        return getProperty("memoryMaxValueBytes");
    }

    /** Sets {@code allowedClasses} of the serializers (declared by its provider). */
    public void setAllowedClasses(String value) {
        setProperty("allowedClasses", value);
    }
    public String getAllowedClasses() {
        return getProperty("allowedClasses");
    }

    /** Sets {@code serializationMaxDepth} of the serializers (declared by its provider). */
    public void setSerializationMaxDepth(String value) {
        setProperty("serializationMaxDepth", value);
    }
    public String getSerializationMaxDepth() {
        return getProperty("serializationMaxDepth");
    }

    /** Sets {@code copyCollectionsForSerialization} of the kryo serializer (declared by its provider). */
    public void setCopyCollectionsForSerialization(String value) {
        setProperty("copyCollectionsForSerialization", value);
    }
    public String getCopyCollectionsForSerialization() {
        return getProperty("copyCollectionsForSerialization");
    }

    /** Sets {@code kryoCompatibleFields} of the kryo serializer (declared by its provider). */
    public void setKryoCompatibleFields(String value) {
        setProperty("kryoCompatibleFields", value);
    }
    public String getKryoCompatibleFields() {
        return getProperty("kryoCompatibleFields");
    }
}
