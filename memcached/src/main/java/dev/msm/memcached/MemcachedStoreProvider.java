package dev.msm.memcached;

import java.util.List;

import dev.msm.api.Attribute;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;

/**
 * The {@code memcached} store: sessions in one or more memcached servers, each addressed explicitly (the engine
 * names the node of every operation, keeps a backup copy on another node and moves sessions away from a node that
 * fails). Each node has its own connection, so operations to one node keep their issue order and each node's
 * availability is tracked on its own.
 *
 * <h2>Attributes</h2>
 * <ul>
 * <li>{@code memcachedNodes} (required): {@code n1:host:port n2:host:port}, separated by spaces or commas; a node id
 * is 1 to 32 characters of {@code [A-Za-z0-9_]} and appears in session ids; a host is a name or an IPv4 address.
 * A single {@code host:port} without id is node {@code n1}.</li>
 * <li>{@code failoverNodes} (default none): ids among {@code memcachedNodes}, separated by spaces or commas. New
 * sessions go to a failover node only when no regular node is available. At least one node must be regular.</li>
 * <li>{@code memcachedProtocol} (default {@code binary}): {@code binary} or {@code text}, in any case. Binary is the
 * default because it reads a session and extends its time to live in one command (get-and-touch), returns the CAS
 * of a new item with the answer to {@code add}, so that releasing a lock the store took is one {@code delete} with
 * that CAS, and it supports SASL. Text is for servers and proxies that only speak it: a read with touch is two
 * pipelined commands and a lock release is {@code gets} then {@code cas}.</li>
 * <li>{@code username}, {@code password} (default none): SASL PLAIN credentials, binary protocol only. Both or
 * neither. The password is never logged nor shown by {@link SessionStore#describe()}.</li>
 * <li>{@code memcachedItemSizeMax} (default {@value MemcachedConfig#DEFAULT_ITEM_SIZE_MAX}, memcached's own default
 * {@code -I 1m}): the server's item size limit in bytes, 4096 to 1073741824. Set it to the servers' {@code -I}.
 * Values up to this size minus {@value MemcachedConfig#ITEM_OVERHEAD} bytes (key and item header) are accepted; a
 * larger one is refused before it is sent.</li>
 * </ul>
 * The operation timeout is the manager's {@code operationTimeout} ({@link Settings#operationTimeout()}).
 *
 * <h2>Availability</h2>
 * A node is available while its connection is up. A node that is down at start, or whose server dies, is reported
 * unavailable (operations on it fail at once with {@link dev.msm.api.StoreUnavailableException}); the store pings
 * idle connections every second so that a dead server is noticed without traffic, and reconnects every second until
 * the server answers again.
 *
 * <h2>Logging</h2>
 * The store logs through JULI. Unless the system property {@code net.spy.log.LoggerImpl} is set, spymemcached's own
 * messages are sent to {@code java.util.logging} (JULI inside Tomcat) instead of standard error, and the loggers
 * {@code net.spy.memcached.MemcachedConnection} (a warning at every reconnect attempt) and
 * {@code net.spy.memcached.protocol} (among others a warning naming the key, i.e. a session id, of every operation
 * dropped with a connection) are set to {@code SEVERE} unless {@code logging.properties} gives them a
 * level. The store itself logs one warning when a node becomes unavailable and one when it is back.
 *
 * <p>Stateless and thread-safe, as the SPI requires.
 */
public final class MemcachedStoreProvider implements SessionStoreProvider {

    /**
     * Creates the provider; {@link java.util.ServiceLoader} calls this.
     */
    public MemcachedStoreProvider() {
    }

    /**
     * @return {@code memcached}
     */
    @Override
    public String name() {
        return "memcached";
    }

    /**
     * @return {@code memcachedNodes}, {@code failoverNodes}, {@code memcachedProtocol}, {@code username},
     *         {@code password}, {@code memcachedItemSizeMax}
     */
    @Override
    public List<Attribute> attributes() {
        return MemcachedConfig.ATTRIBUTES;
    }

    /**
     * Parses the attributes and connects to every node. Waits at most the operation timeout (and at most two seconds)
     * for the first connections, so that nodes that are up are reported available when this returns; nodes that
     * are down are logged and connected later, by themselves.
     *
     * @param settings the attributes the user set, and the operation timeout
     * @return a new store, closed by the caller
     * @throws dev.msm.api.InvalidAttributeException when an attribute is missing or malformed, or a host name of
     *                                              {@code memcachedNodes} cannot be resolved
     * @throws dev.msm.api.StoreException            when a client cannot be created
     */
    @Override
    public SessionStore create(Settings settings) {
        return MemcachedSessionStore.connect(MemcachedConfig.parse(settings), settings);
    }
}
