package dev.msm.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.msm.api.Attribute;
import dev.msm.api.InvalidAttributeException;
import dev.msm.api.Settings;
import io.lettuce.core.RedisURI;

/**
 * The parsed attributes of a {@code redis} store: how to reach Redis and the value size limit. The Lettuce URIs
 * carry credentials; {@link #description()} never does.
 *
 * @param mode          standalone, Sentinel or Cluster
 * @param uris          one URI (standalone, Sentinel with its Sentinels inside) or the Cluster seed nodes
 * @param description   for log and exception messages, e.g. {@code redis [127.0.0.1:6379]}; no credentials
 * @param maxValueBytes the largest value accepted
 * @param waitReplicas  how many replicas must acknowledge a write before it completes ({@code WAIT}); 0: none
 */
record RedisConfig(Mode mode, List<RedisURI> uris, String description, int maxValueBytes, int waitReplicas) {

    /** How the store finds Redis. */
    enum Mode {
        /** One Redis server (possibly behind a proxy or a DNS failover name). */
        STANDALONE,
        /** Sentinels name the current master; the connection follows failovers. */
        SENTINEL,
        /** Redis Cluster; keys are routed by hash slot. */
        CLUSTER
    }

    /** Attribute: Redis URI(s). */
    static final String REDIS_URL = "redisUrl";

    /** Attribute: MSM's node list, accepted when it holds a {@code redis://} or {@code rediss://} URI. */
    static final String MEMCACHED_NODES = "memcachedNodes";

    /** Attribute: Sentinel master name. */
    static final String REDIS_SENTINEL_MASTER = "redisSentinelMaster";

    /** Attribute: {@code true} for Redis Cluster. */
    static final String REDIS_CLUSTER = "redisCluster";

    /** Attribute: ACL user name. */
    static final String USERNAME = "username";

    /** Attribute: password. */
    static final String PASSWORD = "password";

    /** Attribute: largest value in bytes. */
    static final String REDIS_MAX_VALUE_BYTES = "redisMaxValueBytes";

    /** Default of {@code redisMaxValueBytes}: 4 MiB. */
    static final int DEFAULT_MAX_VALUE_BYTES = 4 * 1024 * 1024;

    /** Upper bound of {@code redisMaxValueBytes}: 256 MiB. */
    static final int MAX_MAX_VALUE_BYTES = 256 * 1024 * 1024;

    /**
     * Attribute: how many replicas must acknowledge each session write ({@code WAIT n}, pipelined after the write)
     * before it completes; {@code 0} (the default) does not wait.
     */
    static final String REDIS_WAIT_REPLICAS = "redisWaitReplicas";

    /** Default of {@code redisWaitReplicas}: writes do not wait for replicas (replication is asynchronous). */
    static final int DEFAULT_WAIT_REPLICAS = 0;

    /** Upper bound of {@code redisWaitReplicas}. */
    static final int MAX_WAIT_REPLICAS = 16;

    static final String ACCEPTED_URL = "a redis:// or rediss:// URI such as redis://[[user:]password@]host[:port]"
            + "[/database], several of them separated by spaces or commas with [redisCluster=true] or "
            + "[redisSentinelMaster], or one redis-sentinel://host1:26379,host2:26379#master URI";

    static final Attribute CLUSTER_ATTRIBUTE = Attribute.bool(REDIS_CLUSTER, false,
            "Redis Cluster: `redisUrl` lists seed nodes (hash tags keep a session's keys in one slot)");
    static final Attribute MAX_VALUE_BYTES_ATTRIBUTE = Attribute.integer(REDIS_MAX_VALUE_BYTES,
            DEFAULT_MAX_VALUE_BYTES, 1024, MAX_MAX_VALUE_BYTES, "the largest value written to Redis, in bytes");
    static final Attribute WAIT_REPLICAS_ATTRIBUTE = Attribute.integer(REDIS_WAIT_REPLICAS, DEFAULT_WAIT_REPLICAS, 0,
            MAX_WAIT_REPLICAS, "replicas that must acknowledge each write (`WAIT`, pipelined) before it completes; "
            + "0: replication stays asynchronous");

    /** Every attribute this store reads, declared once (the README's Redis table is checked against it). */
    static final List<Attribute> ATTRIBUTES = List.of(
            Attribute.text(REDIS_URL, "– (required)", ACCEPTED_URL, "where Redis is; `rediss://` uses TLS"),
            Attribute.text(MEMCACHED_NODES, "none", "a redis:// or rediss:// URI",
                    "MSM's way to name the Redis server, instead of `redisUrl`"),
            CLUSTER_ATTRIBUTE,
            Attribute.text(REDIS_SENTINEL_MASTER, "none", "a Sentinel master name",
                    "Redis Sentinel: `redisUrl` lists the Sentinels"),
            Attribute.text(USERNAME, "none", "an ACL user name, with [password]", "the ACL user"),
            Attribute.text(PASSWORD, "none", "a password", "the password of the ACL user or of Redis; never logged"),
            MAX_VALUE_BYTES_ATTRIBUTE,
            WAIT_REPLICAS_ATTRIBUTE);


    private static final Set<String> PLAIN_SCHEMES = Set.of("redis", "rediss");
    private static final Set<String> SENTINEL_SCHEMES = Set.of("redis-sentinel", "rediss-sentinel");

    /** Splits at white space, and at commas that start a new URI (commas inside a redis-sentinel:// URI stay). */
    private static final Pattern URI_SEPARATOR = Pattern.compile("\\s*,\\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)|\\s+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.%a-z]+]");
    private static final Pattern USER_INFO = Pattern.compile("(://)[^@/?#]*@");

    RedisConfig {
        uris = List.copyOf(uris);
    }

    /**
     * @param settings the user's attributes
     * @return the configuration
     * @throws InvalidAttributeException naming the first bad attribute, its value (passwords masked) and what is
     *                                   accepted
     */
    static RedisConfig parse(Settings settings) {
        String attribute = REDIS_URL;
        String url = settings.get(REDIS_URL);
        String nodes = settings.get(MEMCACHED_NODES);
        if (url != null && nodes != null) {
            throw new InvalidAttributeException(REDIS_URL, "Attributes [" + REDIS_URL + "] and [" + MEMCACHED_NODES
                    + "] both name the Redis server; set only [" + REDIS_URL + "]");
        }
        if (url == null && nodes != null) {
            String lower = nodes.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
                throw InvalidAttributeException.invalidValue(MEMCACHED_NODES, mask(nodes),
                        "a redis:// or rediss:// URI for store [redis] (or use attribute [" + REDIS_URL + "])");
            }
            url = nodes;
            attribute = MEMCACHED_NODES;
        }
        if (url == null) {
            url = settings.require(REDIS_URL, "store [redis]");
        }
        boolean cluster = settings.get(CLUSTER_ATTRIBUTE, Boolean.class);
        String master = settings.get(REDIS_SENTINEL_MASTER);
        if (cluster && master != null) {
            throw new InvalidAttributeException(REDIS_CLUSTER, "Attributes [" + REDIS_CLUSTER + "] and ["
                    + REDIS_SENTINEL_MASTER + "] both choose how to find Redis; set only one of them");
        }
        String username = settings.get(USERNAME);
        String password = settings.get(PASSWORD);
        if (username != null && password == null) {
            settings.require(PASSWORD, "attribute [" + USERNAME + "] (an ACL user needs a password)");
        }
        int maxValueBytes = settings.get(MAX_VALUE_BYTES_ATTRIBUTE, Integer.class);
        int waitReplicas = settings.get(WAIT_REPLICAS_ATTRIBUTE, Integer.class);

        List<RedisURI> parsed = new ArrayList<>();
        boolean sentinelUri = false;
        for (String part : URI_SEPARATOR.split(url.trim())) {
            if (part.isEmpty()) {
                continue;
            }
            String scheme = scheme(part);
            String uri = scheme + part.substring(scheme.length());
            if (SENTINEL_SCHEMES.contains(scheme)) {
                sentinelUri = true;
                if (uri.indexOf('#') < 0 && !uri.toLowerCase(Locale.ROOT).contains("sentinelmasterid=")) {
                    if (master == null) {
                        throw new InvalidAttributeException(REDIS_SENTINEL_MASTER, "Attribute ["
                                + REDIS_SENTINEL_MASTER + "] is required for [" + mask(url)
                                + "], which names no master (add #master to it)");
                    }
                    uri = uri + "#" + master;
                }
            } else if (!PLAIN_SCHEMES.contains(scheme)) {
                throw InvalidAttributeException.invalidValue(attribute, mask(url), ACCEPTED_URL);
            }
            parsed.add(parse(attribute, uri, url));
        }

        Mode mode;
        RedisURI single = null;
        if (cluster) {
            if (sentinelUri) {
                throw InvalidAttributeException.invalidValue(attribute, mask(url),
                        "redis:// or rediss:// seed node URIs with [" + REDIS_CLUSTER + "=true]");
            }
            for (RedisURI uri : parsed) {
                if (uri.getDatabase() != 0) {
                    throw InvalidAttributeException.invalidValue(attribute, mask(url),
                            "URIs without a database with [" + REDIS_CLUSTER + "=true] (Redis Cluster only has "
                                    + "database 0)");
                }
            }
            mode = Mode.CLUSTER;
        } else if (sentinelUri) {
            if (parsed.size() != 1) {
                throw InvalidAttributeException.invalidValue(attribute, mask(url),
                        "one redis-sentinel:// URI listing all Sentinels, e.g. "
                                + "redis-sentinel://host1:26379,host2:26379#master");
            }
            single = parsed.get(0);
            if (master != null) {
                single.setSentinelMasterId(master);
            }
            mode = Mode.SENTINEL;
        } else if (master != null) {
            single = sentinels(parsed, master);
            mode = Mode.SENTINEL;
        } else {
            if (parsed.size() != 1) {
                throw InvalidAttributeException.invalidValue(attribute, mask(url),
                        "one redis:// or rediss:// URI; several URIs need [" + REDIS_CLUSTER + "=true] (seed nodes) "
                                + "or [" + REDIS_SENTINEL_MASTER + "] (Sentinels)");
            }
            single = parsed.get(0);
            mode = Mode.STANDALONE;
        }
        List<RedisURI> uris = mode == Mode.CLUSTER ? parsed : List.of(single);
        if (password != null) {
            for (RedisURI uri : uris) {
                if (username != null) {
                    uri.setAuthentication(username, password);
                } else {
                    uri.setAuthentication(password);
                }
            }
        }
        return new RedisConfig(mode, uris, describe(mode, uris), maxValueBytes, waitReplicas);
    }

    private static String scheme(String uri) {
        int end = uri.indexOf("://");
        return end < 0 ? "" : uri.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static RedisURI parse(String attribute, String part, String whole) {
        RedisURI uri;
        try {
            uri = RedisURI.create(part);
        } catch (RuntimeException e) {
            throw InvalidAttributeException.invalidValue(attribute, mask(whole), ACCEPTED_URL + " ("
                    + e.getMessage() + " in [" + mask(part) + "])");
        }
        List<RedisURI> hosts = uri.getSentinels().isEmpty() ? List.of(uri) : uri.getSentinels();
        for (RedisURI host : hosts) {
            if (host.getHost() == null || !HOST.matcher(host.getHost()).matches()) {
                throw InvalidAttributeException.invalidValue(attribute, mask(whole), ACCEPTED_URL + " (bad host or "
                        + "port in [" + mask(part) + "])");
            }
        }
        return uri;
    }

    /** One Sentinel URI from plain URIs addressing Sentinels; the first one's credentials, database, TLS apply. */
    private static RedisURI sentinels(List<RedisURI> parsed, String master) {
        RedisURI first = parsed.get(0);
        RedisURI.Builder builder = RedisURI.builder()
                .withSentinelMasterId(master)
                .withDatabase(first.getDatabase())
                .withSsl(first.isSsl())
                .withVerifyPeer(first.getVerifyMode());
        if (first.getCredentialsProvider() != null) {
            builder.withAuthentication(first.getCredentialsProvider());
        }
        for (RedisURI sentinel : parsed) {
            builder.withSentinel(sentinel);
        }
        return builder.build();
    }

    private static String describe(Mode mode, List<RedisURI> uris) {
        StringBuilder sb = new StringBuilder("redis [");
        switch (mode) {
            case STANDALONE -> sb.append(address(uris.get(0)));
            case SENTINEL -> {
                RedisURI uri = uris.get(0);
                sb.append("sentinel ").append(uri.getSentinelMasterId()).append(" at ");
                List<String> addresses = new ArrayList<>();
                uri.getSentinels().forEach(s -> addresses.add(address(s)));
                sb.append(String.join(", ", addresses));
            }
            default -> {
                sb.append("cluster ");
                List<String> addresses = new ArrayList<>();
                uris.forEach(s -> addresses.add(address(s)));
                sb.append(String.join(", ", addresses));
            }
        }
        RedisURI first = uris.get(0);
        if (first.getDatabase() != 0) {
            sb.append(" database ").append(first.getDatabase());
        }
        if (first.isSsl()) {
            sb.append(" tls");
        }
        return sb.append(']').toString();
    }

    private static String address(RedisURI uri) {
        String host = uri.getHost();
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + uri.getPort();
    }

    /**
     * @param text configured text that may hold URIs with credentials
     * @return the text with every URI's user info replaced by {@code ***}
     */
    static String mask(String text) {
        return USER_INFO.matcher(text).replaceAll("$1***@");
    }
}
