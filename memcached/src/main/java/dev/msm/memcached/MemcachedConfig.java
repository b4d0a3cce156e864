package dev.msm.memcached;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.msm.api.Attribute;
import dev.msm.api.InvalidAttributeException;
import dev.msm.api.Settings;
import dev.msm.api.StoreNode;

/**
 * The parsed and validated attributes of the memcached store. Immutable.
 *
 * @param nodes       regular nodes in configured order, then failover nodes in configured order
 * @param protocol    the wire protocol
 * @param username    SASL user name, or {@code null}
 * @param password    SASL password, or {@code null}; never printed
 * @param itemSizeMax the server's largest item in bytes ({@code memcached -I})
 */
record MemcachedConfig(List<Node> nodes, MemcachedProtocol protocol, String username, String password,
        int itemSizeMax) {

    static final String NODES = "memcachedNodes";
    static final String FAILOVER_NODES = "failoverNodes";
    static final String PROTOCOL = "memcachedProtocol";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String ITEM_SIZE_MAX = "memcachedItemSizeMax";

    /** memcached's default {@code -I 1m}. */
    static final int DEFAULT_ITEM_SIZE_MAX = 1024 * 1024;
    static final int MIN_ITEM_SIZE_MAX = 4096;
    /** memcached refuses {@code -I} above 1 GiB. */
    static final int MAX_ITEM_SIZE_MAX = 1024 * 1024 * 1024;
    /**
     * Bytes of an item that are not the value: memcached's item header (about 50 bytes), the key (up to 250 bytes),
     * flags, CAS and line ends; rounded up generously.
     */
    static final int ITEM_OVERHEAD = 1024;

    /** The node id of the single-node form {@code host:port}. */
    static final String SINGLE_NODE_ID = "n1";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,]+");

    static final String NODES_ACCEPTED = "node definitions id:host:port separated by spaces or commas, "
            + "e.g. [n1:10.0.0.1:11211 n2:10.0.0.2:11211] (id: 1 to 32 of A-Z a-z 0-9 _; host: a name or an IPv4 "
            + "address; port: 1 to 65535), or a single host:port";

    static final Attribute ITEM_SIZE_MAX_ATTRIBUTE = Attribute.integer(ITEM_SIZE_MAX, DEFAULT_ITEM_SIZE_MAX,
            MIN_ITEM_SIZE_MAX, MAX_ITEM_SIZE_MAX, "memcached's item size limit (`-I`) in bytes; larger sessions are "
                    + "not stored");
    /** Every attribute this store reads, declared once (the README's memcached table is checked against it). */
    static final List<Attribute> ATTRIBUTES = List.of(
            Attribute.text(NODES, "– (required)", NODES_ACCEPTED, "the memcached servers; a single `host:port` gets "
                    + "the id `n1`"),
            Attribute.text(FAILOVER_NODES, "none", "ids of nodes in [" + NODES + "], separated by spaces or commas, "
                    + "not all of them", "nodes that take sessions only when no other node is up (MSM's meaning)"),
            Attribute.choice(PROTOCOL, "binary", List.of("binary", "text"), "binary does get-and-touch in one "
                    + "command and releases a lock in one; MSM's default was `text`"),
            Attribute.text(USERNAME, "none", "a SASL user name, with the binary protocol",
                    "SASL PLAIN authentication, together with `password`"),
            Attribute.text(PASSWORD, "none", "the SASL user's password", "never logged"),
            ITEM_SIZE_MAX_ATTRIBUTE);

    /**
     * One configured memcached server.
     *
     * @param id       the node id, e.g. {@code n1}
     * @param host     the host as configured
     * @param port     the port
     * @param failover listed in {@code failoverNodes}
     */
    record Node(String id, String host, int port, boolean failover) {

        /** @return {@code host:port} */
        String address() {
            return host + ":" + port;
        }

        StoreNode toStoreNode() {
            return new StoreNode(id, address(), failover);
        }

        @Override
        public String toString() {
            return id + " " + address();
        }
    }

    MemcachedConfig {
        nodes = List.copyOf(nodes);
    }

    /**
     * @return the largest value {@code set}, {@code add} and {@code compareAndSet} accept
     */
    int maxValueBytes() {
        return itemSizeMax - ITEM_OVERHEAD;
    }

    /**
     * @return the nodes as the SPI lists them
     */
    List<StoreNode> storeNodes() {
        List<StoreNode> list = new ArrayList<>(nodes.size());
        nodes.forEach(n -> list.add(n.toStoreNode()));
        return List.copyOf(list);
    }

    /**
     * Reads and checks every attribute of the memcached store.
     *
     * @param settings the attributes
     * @return the configuration
     * @throws InvalidAttributeException naming the attribute, the value and what is accepted
     */
    static MemcachedConfig parse(Settings settings) {
        List<Node> configured = parseNodes(settings.require(NODES, "store [memcached]"));
        List<Node> nodes = applyFailover(configured, settings.get(FAILOVER_NODES));
        MemcachedProtocol protocol = parseProtocol(settings.get(PROTOCOL));
        String username = settings.get(USERNAME);
        String password = settings.get(PASSWORD);
        if (username != null && protocol == MemcachedProtocol.TEXT) {
            throw new InvalidAttributeException(USERNAME, "Attribute [" + USERNAME + "] needs [" + PROTOCOL
                    + "] binary: memcached's text protocol has no SASL authentication");
        }
        if (username != null && password == null) {
            throw new InvalidAttributeException(PASSWORD, "Attribute [" + PASSWORD + "] is required when ["
                    + USERNAME + "] is set");
        }
        if (password != null && username == null) {
            throw new InvalidAttributeException(USERNAME, "Attribute [" + USERNAME + "] is required when ["
                    + PASSWORD + "] is set");
        }
        int itemSizeMax = settings.get(ITEM_SIZE_MAX_ATTRIBUTE, Integer.class);
        return new MemcachedConfig(nodes, protocol, username, password, itemSizeMax);
    }

    /**
     * Parses {@code memcachedNodes}: {@code n1:host:port n2:host:port} (spaces or commas between), or a single
     * {@code host:port} whose id is {@value #SINGLE_NODE_ID}.
     */
    static List<Node> parseNodes(String value) {
        String[] tokens = SEPARATORS.split(value.trim());
        List<Node> nodes = new ArrayList<>(tokens.length);
        Set<String> ids = new LinkedHashSet<>();
        Set<String> addresses = new LinkedHashSet<>();
        for (String token : tokens) {
            String[] parts = token.split(":", -1);
            Node node;
            if (parts.length == 3) {
                node = node(parts[0], parts[1], parts[2], token);
            } else if (parts.length == 2 && tokens.length == 1) {
                node = node(SINGLE_NODE_ID, parts[0], parts[1], token);
            } else {
                throw InvalidAttributeException.invalidValue(NODES, token, NODES_ACCEPTED);
            }
            if (!ids.add(node.id())) {
                throw InvalidAttributeException.invalidValue(NODES, value,
                        "unique node ids and addresses; node id [" + node.id() + "] appears twice");
            }
            if (!addresses.add(node.address().toLowerCase(Locale.ROOT))) {
                throw InvalidAttributeException.invalidValue(NODES, value,
                        "unique node ids and addresses; address [" + node.address() + "] appears twice");
            }
            nodes.add(node);
        }
        return nodes;
    }

    private static Node node(String id, String host, String port, String token) {
        if (!ID.matcher(id).matches() || !validHost(host) || !PORT.matcher(port).matches()) {
            throw InvalidAttributeException.invalidValue(NODES, token, NODES_ACCEPTED);
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            throw InvalidAttributeException.invalidValue(NODES, token, NODES_ACCEPTED);
        }
        return new Node(id, host, p, false);
    }

    private static boolean validHost(String host) {
        if (host.length() > 253 || !HOST_NAME.matcher(host).matches()) {
            return false;
        }
        // all digits and dots: must be a dotted quad, not a number the resolver would read in its own way
        return !NUMERIC.matcher(host).matches() || IPV4.matcher(host).matches();
    }

    /**
     * Marks the nodes named in {@code failoverNodes} and moves them after the regular nodes.
     */
    static List<Node> applyFailover(List<Node> configured, String value) {
        if (value == null) {
            return configured;
        }
        Set<String> known = new LinkedHashSet<>();
        configured.forEach(n -> known.add(n.id()));
        Set<String> failover = new LinkedHashSet<>();
        for (String id : SEPARATORS.split(value.trim())) {
            if (!known.contains(id)) {
                throw InvalidAttributeException.invalidValue(FAILOVER_NODES, value, "ids of nodes in attribute ["
                        + NODES + "] " + known + ", separated by spaces or commas; [" + id + "] is not one");
            }
            failover.add(id);
        }
        if (failover.size() == configured.size()) {
            throw InvalidAttributeException.invalidValue(FAILOVER_NODES, value, "some of the node ids in attribute ["
                    + NODES + "] " + known + " but not all: at least one node must be a regular node");
        }
        List<Node> regular = new ArrayList<>();
        List<Node> backups = new ArrayList<>();
        for (Node n : configured) {
            if (failover.contains(n.id())) {
                backups.add(new Node(n.id(), n.host(), n.port(), true));
            } else {
                regular.add(n);
            }
        }
        regular.addAll(backups);
        return regular;
    }

    private static MemcachedProtocol parseProtocol(String value) {
        if (value == null) {
            return MemcachedProtocol.BINARY;
        }
        for (MemcachedProtocol p : MemcachedProtocol.values()) {
            if (p.attributeValue().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw InvalidAttributeException.invalidValue(PROTOCOL, value, "[binary, text]");
    }

    @Override
    public String toString() {
        // a record's default toString would print the password
        return "memcached " + nodes + " " + protocol.attributeValue()
                + (username == null ? "" : " user [" + username + "]") + " itemSizeMax [" + itemSizeMax + "]";
    }
}
