package dev.msm.core.serial.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.servlet.http.Cookie;

import org.apache.catalina.authenticator.SavedRequest;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.tomcat.util.buf.ByteChunk;
import org.junit.jupiter.api.Test;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.api.SerializerProvider;
import dev.msm.api.Settings;
import dev.msm.api.Unit;
import dev.msm.core.serial.JavaSerializerProvider;

@Unit
class KryoSerializerTest {

    /** Allows the fixtures below (nested classes of this test). */
    static final String FIXTURES = "dev.msm.core.serial.kryo.KryoSerializerTest";

    enum Role { CUSTOMER, ADMIN }

    /** An enum whose constants have bodies (their classes are {@code Status$1}, ...). */
    enum Status {
        OPEN {
            @Override
            String label() {
                return "open";
            }
        },
        PAID {
            @Override
            String label() {
                return "paid";
            }
        };

        abstract String label();
    }

    record Line(String sku, int quantity, BigDecimal price) implements Serializable {
    }

    static final class Address implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String street;
        private final String city;
        private final Locale country;

        Address(String street, String city, Locale country) {
            this.street = street;
            this.city = city;
            this.country = country;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && street.equals(a.street) && city.equals(a.city)
                    && country.equals(a.country);
        }

        @Override
        public int hashCode() {
            return Objects.hash(street, city, country);
        }
    }

    static final class Order implements Serializable {
        private static final long serialVersionUID = 1L;
        private UUID id;
        private Instant created;
        private Status status;
        private List<Line> lines = new ArrayList<>();
        private BigDecimal total;
        private transient String cache = "initial";

        @Override
        public boolean equals(Object o) {
            return o instanceof Order x && id.equals(x.id) && created.equals(x.created) && status == x.status
                    && lines.equals(x.lines) && total.equals(x.total);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    /** A bean without a no-argument constructor. */
    static final class Customer implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final Address address;
        private final List<Order> orders = new ArrayList<>();
        private final Map<String, Object> preferences = new LinkedHashMap<>();
        private final Set<Role> roles = EnumSet.noneOf(Role.class);
        private LocalDate birthday;
        private int visits;
        private long[] history = {1, 2, 3};

        Customer(String name, Address address) {
            this.name = name;
            this.address = address;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Customer c && name.equals(c.name) && address.equals(c.address)
                    && orders.equals(c.orders) && preferences.equals(c.preferences) && roles.equals(c.roles)
                    && Objects.equals(birthday, c.birthday) && visits == c.visits
                    && Arrays.equals(history, c.history);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    /** A graph with a cycle: parent and children refer to each other. */
    static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        String name;
        Node parent;
        final List<Node> children = new ArrayList<>();

        Node(String name, Node parent) {
            this.name = name;
            this.parent = parent;
            if (parent != null) {
                parent.children.add(this);
            }
        }
    }

    /** Not Serializable: Kryo stores it anyway (the java serializer would drop it). */
    static final class Wizard {
        private String step = "shipping";
        private final Map<String, String> answers = new TreeMap<>();
    }

    /** A collection whose size disagrees with its iteration, as if another request changed it meanwhile. */
    static final class Changing extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public int size() {
            return super.size() + 1;
        }
    }

    static final class Holder {
        Object value;

        Holder(Object value) {
            this.value = value;
        }
    }

    static Settings settings(String... pairs) {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            attributes.put(pairs[i], pairs[i + 1]);
        }
        return new Settings(attributes, Duration.ofSeconds(1), "/test");
    }

    static Serializer kryo(String... pairs) {
        return new KryoSerializerProvider().create(settings(pairs));
    }

    static Serializer kryo() {
        return kryo("allowedClasses", FIXTURES);
    }

    static GenericPrincipal principal() {
        return new GenericPrincipal("alice", List.of("customer", "admin"));
    }

    static SavedRequest savedRequest() {
        SavedRequest saved = new SavedRequest();
        Cookie cookie = new Cookie("theme", "dark");
        cookie.setPath("/shop");
        cookie.setHttpOnly(true);
        saved.addCookie(cookie);
        saved.addHeader("Accept", "text/html");
        saved.addHeader("Accept", "application/json");
        saved.addLocale(Locale.GERMANY);
        saved.setMethod("POST");
        saved.setQueryString("a=1&b=2");
        saved.setRequestURI("/shop/checkout");
        saved.setDecodedRequestURI("/shop/checkout");
        ByteChunk body = new ByteChunk();
        body.setBytes("q=kryo".getBytes(StandardCharsets.UTF_8), 0, 6);
        body.setCharset(StandardCharsets.UTF_8);
        saved.setBody(body);
        saved.setContentType("application/x-www-form-urlencoded");
        saved.setOriginalMaxInactiveInterval(1800);
        return saved;
    }

    /**
     * A session as the engine hands it over ({@code {attributes, principal, authType, notes}}), all Serializable so
     * that the java serializer can write it too.
     */
    static Object[] realisticSession(int seed) {
        Address home = new Address("Main Street " + seed, "Berlin", Locale.GERMANY);
        Customer customer = new Customer("customer-" + seed, home);
        customer.birthday = LocalDate.of(1990, 1 + seed % 12, 1 + seed % 28);
        customer.visits = seed;
        customer.roles.add(Role.CUSTOMER);
        customer.preferences.put("newsletter", Boolean.TRUE);
        customer.preferences.put("currency", "EUR");
        customer.preferences.put("pageSize", 25);
        for (int o = 0; o < 3; o++) {
            Order order = new Order();
            order.id = new UUID(seed, o);
            order.created = Instant.ofEpochSecond(1_700_000_000L + seed * 1000L + o);
            order.status = o % 2 == 0 ? Status.OPEN : Status.PAID;
            order.cache = "computed";
            for (int l = 0; l < 4; l++) {
                BigDecimal price = new BigDecimal("19.99").add(BigDecimal.valueOf(l));
                order.lines.add(new Line("SKU-" + o + "-" + l, l + 1, price));
            }
            order.total = order.lines.stream().map(Line::price).reduce(BigDecimal.ZERO, BigDecimal::add);
            customer.orders.add(order);
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("customer", customer);
        attributes.put("shippingAddress", home); // shared with customer.address
        attributes.put("cart", new ArrayList<>(List.of(new Line("SKU-9", 2, new BigDecimal("5.00")))));
        attributes.put("recentlyViewed", new LinkedList<>(List.of("p1", "p2", "p3", "p4")));
        attributes.put("lastLogin", LocalDateTime.of(2026, 3, 1, 12, 30));
        attributes.put("csrfToken", UUID.nameUUIDFromBytes(("csrf" + seed).getBytes(StandardCharsets.UTF_8)));
        attributes.put("flash", Collections.unmodifiableList(new ArrayList<>(List.of("Saved", "Welcome back"))));
        attributes.put("filters", Map.of("color", "red", "size", "M"));
        attributes.put("locale", Locale.FRANCE);
        attributes.put("counter", seed);
        Map<String, Object> notes = new HashMap<>();
        notes.put("org.apache.catalina.authenticator.REQUEST", savedRequest());
        return new Object[] {attributes, principal(), "FORM", notes};
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> attributes(Object graph) {
        return (Map<String, Object>) ((Object[]) graph)[0];
    }

    static Object roundTrip(Serializer serializer, Object graph) {
        return serializer.deserialize(serializer.serialize(graph), KryoSerializerTest.class.getClassLoader());
    }

    @Test
    void provider_IsFoundByName() {
        SerializerProvider found = null;
        for (SerializerProvider p : ServiceLoader.load(SerializerProvider.class, getClass().getClassLoader())) {
            if (p.name().equals("kryo")) {
                found = p;
            }
        }
        assertInstanceOf(KryoSerializerProvider.class, found);
        assertEquals(Set.of("allowedClasses", "serializationMaxDepth", "copyCollectionsForSerialization",
                "kryoCompatibleFields"),
                found.attributeNames());
    }

    @Test
    void provider_BadAttributes_NameAttributeAndValue() {
        InvalidAttributeException depth = assertThrows(InvalidAttributeException.class,
                () -> kryo("serializationMaxDepth", "0"));
        assertEquals("serializationMaxDepth", depth.attribute());
        InvalidAttributeException copy = assertThrows(InvalidAttributeException.class,
                () -> kryo("copyCollectionsForSerialization", "ture"));
        assertEquals("Invalid value [ture] for attribute [copyCollectionsForSerialization]; accepted values are "
                + "[true, false]", copy.getMessage());
        assertThrows(InvalidAttributeException.class, () -> kryo("allowedClasses", "com.x.*.y"));
    }

    @Test
    void realisticSession_RoundTrips() {
        Object[] graph = realisticSession(7);
        Object[] back = (Object[]) roundTrip(kryo(), graph);

        assertEquals(4, back.length);
        Map<String, Object> attributes = attributes(back);
        assertEquals(attributes(graph), attributes);
        Customer customer = (Customer) attributes.get("customer");
        assertSame(customer.address, attributes.get("shippingAddress"), "shared reference kept");
        assertEquals("initial", customer.orders.get(0).cache, "transient field not written: as constructed");
        assertEquals("paid", customer.orders.get(1).status.label());
        assertInstanceOf(EnumSet.class, customer.roles);
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) attributes.get("flash")).add(null));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) attributes.get("filters")).clear());

        GenericPrincipal principal = (GenericPrincipal) back[1];
        assertEquals("alice", principal.getName());
        assertArrayEquals(new String[] {"admin", "customer"}, principal.getRoles());
        assertTrue(principal.hasRole("admin"));
        assertEquals("FORM", back[2]);
        SavedRequest saved = (SavedRequest) ((Map<?, ?>) back[3]).get("org.apache.catalina.authenticator.REQUEST");
        assertEquals("POST", saved.getMethod());
        assertEquals("a=1&b=2", saved.getQueryString());
        assertEquals("/shop/checkout", saved.getRequestURI());
        assertEquals("application/x-www-form-urlencoded", saved.getContentType());
        assertEquals(1800, saved.getOriginalMaxInactiveInterval());
        assertEquals(List.of("text/html", "application/json"), toList(saved.getHeaderValues("Accept")));
        assertEquals(List.of(Locale.GERMANY), toList(saved.getLocales()));
        Cookie cookie = saved.getCookies().next();
        assertEquals("theme", cookie.getName());
        assertEquals("dark", cookie.getValue());
        assertEquals("/shop", cookie.getPath());
        assertTrue(cookie.isHttpOnly());
        assertEquals("q=kryo", saved.getBody().toString());
        assertEquals(StandardCharsets.UTF_8, saved.getBody().getCharset());
    }

    private static <T> List<T> toList(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    @Test
    void jdkTypes_RoundTripWithoutAddOpens() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("unmodifiableList", Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))));
        values.put("unmodifiableLinkedList", Collections.unmodifiableList(new LinkedList<>(List.of(1, 2))));
        values.put("unmodifiableSet", Collections.unmodifiableSet(new HashSet<>(Set.of("a", "b"))));
        values.put("unmodifiableSortedSet", Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(3, 1, 2))));
        values.put("unmodifiableNavigableSet", Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(3, 1))));
        values.put("unmodifiableCollection", Collections.unmodifiableCollection(new ArrayList<>(List.of("x"))));
        values.put("unmodifiableMap", Collections.unmodifiableMap(new HashMap<>(Map.of("k", 1))));
        values.put("unmodifiableSortedMap", Collections.unmodifiableSortedMap(new TreeMap<>(Map.of("b", 2, "a", 1))));
        values.put("unmodifiableNavigableMap", Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of("a", 1))));
        values.put("synchronizedList", Collections.synchronizedList(new ArrayList<>(List.of(1, 2, 3))));
        values.put("synchronizedSet", Collections.synchronizedSet(new HashSet<>(Set.of(1))));
        values.put("synchronizedSortedSet", Collections.synchronizedSortedSet(new TreeSet<>(Set.of(2, 1))));
        values.put("synchronizedMap", Collections.synchronizedMap(new HashMap<>(Map.of("k", "v"))));
        values.put("synchronizedSortedMap", Collections.synchronizedSortedMap(new TreeMap<>(Map.of("k", "v"))));
        values.put("synchronizedCollection", Collections.synchronizedCollection(new ArrayList<>(List.of(1))));
        values.put("emptyList", Collections.emptyList());
        values.put("emptySet", Collections.emptySet());
        values.put("emptyMap", Collections.emptyMap());
        values.put("emptySortedSet", Collections.emptySortedSet());
        values.put("emptyNavigableMap", Collections.emptyNavigableMap());
        values.put("singletonList", Collections.singletonList("one"));
        values.put("singleton", Collections.singleton("one"));
        values.put("singletonMap", Collections.singletonMap("k", "v"));
        values.put("nCopies", Collections.nCopies(3, "n"));
        values.put("listOf0", List.of());
        values.put("listOf1", List.of(1));
        values.put("listOfN", List.of(1, 2, 3));
        values.put("subList", List.of(1, 2, 3, 4).subList(1, 3));
        values.put("setOf1", Set.of("s"));
        values.put("setOfN", Set.of("s", "t", "u"));
        values.put("mapOf1", Map.of("k", 1));
        values.put("mapOfN", Map.of("k", 1, "l", 2, "m", 3));
        values.put("copyOf", List.copyOf(new ArrayList<>(List.of("c"))));
        values.put("streamToList", Stream.of("a", null, "b").toList());
        values.put("asList", Arrays.asList("x", "y"));
        values.put("enumMap", new EnumMap<>(Map.of(Role.ADMIN, "yes", Role.CUSTOMER, "no")));
        values.put("emptyEnumMap", new EnumMap<>(Role.class));
        values.put("enumSet", EnumSet.of(Role.ADMIN));
        values.put("emptyEnumSet", EnumSet.noneOf(Role.class));
        TreeMap<String, Integer> reversedMap = new TreeMap<>(Comparator.reverseOrder());
        reversedMap.put("a", 1);
        reversedMap.put("b", 2);
        values.put("treeMapReversed", reversedMap);
        values.put("descendingMap", new TreeMap<>(Map.of("a", 1, "b", 2)).descendingMap());
        TreeMap<String, Integer> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseInsensitive.put("Key", 1);
        values.put("treeMapCaseInsensitive", caseInsensitive);
        TreeSet<Integer> reversed = new TreeSet<>(Comparator.reverseOrder());
        reversed.addAll(List.of(1, 3, 2));
        values.put("treeSetReversed", reversed);
        values.put("concurrentSkipListSet", new ConcurrentSkipListSet<>(Set.of(5, 4)));
        values.put("priorityQueue", new PriorityQueue<>(List.of(3, 1, 2)));
        values.put("concurrentHashMap", new ConcurrentHashMap<>(Map.of("a", 1)));
        values.put("copyOnWrite", new CopyOnWriteArrayList<>(List.of("c", "o", "w")));
        values.put("arrayDeque", new ArrayDeque<>(List.of(1, 2)));
        values.put("linkedHashSet", new LinkedHashSet<>(List.of("z", "a")));
        values.put("uuid", UUID.randomUUID());
        values.put("locale", Locale.forLanguageTag("de-CH"));
        values.put("uri", URI.create("https://example.com/a?b=c"));
        values.put("bigDecimal", new BigDecimal("12345678901234567890.123456789"));
        values.put("bigInteger", new BigInteger("-98765432109876543210"));
        values.put("instant", Instant.parse("2026-01-02T03:04:05.123456789Z"));
        values.put("localDate", LocalDate.of(2026, 2, 28));
        values.put("localTime", LocalTime.of(23, 59, 58, 7));
        values.put("localDateTime", LocalDateTime.of(2026, 2, 28, 23, 59));
        values.put("zonedDateTime", ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/Zurich")));
        values.put("offsetDateTime", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(2)));
        values.put("duration", Duration.ofMillis(1234));
        values.put("period", Period.of(1, 2, 3));
        values.put("year", Year.of(2026));
        values.put("yearMonth", YearMonth.of(2026, 5));
        values.put("zoneId", ZoneId.of("America/New_York"));
        values.put("date", new Date(1_700_000_000_000L));
        Timestamp timestamp = new Timestamp(1_700_000_000_123L);
        timestamp.setNanos(123_456_789);
        values.put("timestamp", timestamp);
        values.put("optional", Optional.of("present"));
        values.put("atomicLong", new AtomicLong(42));
        values.put("bitSet", BitSet.valueOf(new long[] {0b1011}));
        values.put("stringBuilder", new StringBuilder("sb"));
        values.put("record", new Line("r", 1, BigDecimal.ONE));
        values.put("bytes", new byte[] {1, 2, 3});
        values.put("ints", new int[] {1, -2, 3});
        values.put("strings", new String[] {"a", null});
        values.put("matrix", new int[][] {{1}, {2, 3}});
        values.put("objects", new Object[] {1, "two", List.of(3)});
        values.put("nonSerializable", new Wizard());

        Map<String, Object> back = attributes(roundTrip(kryo(), new Object[] {values, null, null, new HashMap<>()}));

        assertEquals(values.keySet(), back.keySet());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object expected = e.getValue();
            Object actual = back.get(e.getKey());
            String key = e.getKey();
            if (expected instanceof Object[] array) {
                assertArrayEquals(array, (Object[]) actual, key);
            } else if (expected instanceof byte[] || expected instanceof int[]) {
                assertTrue(Objects.deepEquals(expected, actual), key);
            } else if (expected instanceof AtomicLong || expected instanceof StringBuilder) {
                assertEquals(expected.toString(), actual.toString(), key);
            } else if (expected instanceof PriorityQueue<?> queue) {
                assertEquals(new TreeSet<>(queue), new TreeSet<>((Collection<?>) actual), key);
            } else if (expected instanceof ArrayDeque<?> deque) {
                assertEquals(new ArrayList<>(deque), new ArrayList<>((Collection<?>) actual), key);
            } else if (expected instanceof Wizard wizard) {
                assertEquals(wizard.step, ((Wizard) actual).step);
                assertEquals(wizard.answers, ((Wizard) actual).answers);
            } else if (expected instanceof Collection<?> c && !(c instanceof Set) && !(c instanceof List)) {
                assertEquals(new ArrayList<>(c), new ArrayList<>((Collection<?>) actual), key);
            } else {
                assertEquals(expected, actual, key);
            }
            if (expected instanceof List || expected instanceof SortedSet || expected instanceof SortedMap
                    || expected instanceof LinkedHashSet || expected instanceof LinkedHashMap) {
                assertEquals(iterationOrder(expected), iterationOrder(actual), key + " order");
            }
            if (expected instanceof Collection || expected instanceof Map) {
                assertEquals(rejectsChange(expected), rejectsChange(actual), key + " modifiable");
            }
        }
        assertEquals(1, ((TreeMap<?, ?>) back.get("treeMapCaseInsensitive")).get("KEY"));
        assertEquals(List.of(3, 2, 1), new ArrayList<>((Collection<?>) back.get("treeSetReversed")));
        assertTrue(back.get("synchronizedList").getClass().getName().contains("Synchronized"));
        assertEquals(123_456_789, ((Timestamp) back.get("timestamp")).getNanos());
        assertEquals(EnumMap.class, back.get("emptyEnumMap").getClass());
    }

    private static List<Object> iterationOrder(Object container) {
        return container instanceof Map<?, ?> m ? new ArrayList<>(m.keySet())
                : new ArrayList<>((Collection<?>) container);
    }

    /** A change that changes nothing, refused by unmodifiable and immutable containers. */
    @SuppressWarnings("unchecked")
    private static boolean rejectsChange(Object container) {
        try {
            if (container instanceof Map<?, ?> m) {
                ((Map<Object, Object>) m).replaceAll((k, v) -> v);
            } else {
                ((Collection<Object>) container).removeIf(x -> false);
            }
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    @Test
    void cyclesAndSharedReferences_AreKept() {
        Node root = new Node("root", null);
        Node child = new Node("child", root);
        new Node("grandchild", child);
        List<Object> selfContaining = new ArrayList<>();
        selfContaining.add(selfContaining);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("tree", root);
        attributes.put("child", child);
        attributes.put("self", selfContaining);
        attributes.put("wrappedSelf", Collections.unmodifiableList(selfContaining));

        Map<String, Object> back = attributes(roundTrip(kryo(), new Object[] {attributes, null, null, Map.of()}));

        Node root2 = (Node) back.get("tree");
        Node child2 = root2.children.get(0);
        assertSame(child2, back.get("child"));
        assertSame(root2, child2.parent);
        assertSame(child2, child2.children.get(0).parent);
        List<?> self = (List<?>) back.get("self");
        assertSame(self, self.get(0));
        assertSame(self, ((List<?>) back.get("wrappedSelf")).get(0));
    }

    @Test
    void copyCollectionsForSerialization_RoundTrips() {
        Serializer copying = kryo("allowedClasses", FIXTURES, "copyCollectionsForSerialization", "true");
        Object[] graph = realisticSession(3);
        assertEquals(attributes(graph), attributes(roundTrip(copying, graph)));
    }

    @Test
    void collectionChangedWhileWritten_ThrowsConcurrentModificationExceptionAsIs() {
        Changing changing = new Changing();
        changing.add("a");
        Serializer serializer = kryo();
        assertThrows(ConcurrentModificationException.class,
                () -> serializer.serialize(new Object[] {Map.of("list", changing), null, null, Map.of()}));
        // inside a bean, where Kryo's FieldSerializer wraps exceptions
        assertThrows(ConcurrentModificationException.class,
                () -> serializer.serialize(new Object[] {Map.of("bean", new Holder(changing)), null, null, Map.of()}));
        // with copyCollectionsForSerialization the snapshot is consistent
        Serializer copying = kryo("allowedClasses", FIXTURES, "copyCollectionsForSerialization", "true");
        assertEquals(List.of("a"), attributes(roundTrip(copying, new Object[] {Map.of("list", changing), null, null,
                Map.of()})).get("list"));
    }

    @Test
    void depth_IsBoundedWhenWritingAndReading() {
        Object nested = "leaf";
        for (int i = 0; i < 300; i++) {
            nested = new Holder(nested);
        }
        Object deep = nested;
        SerializationException written = assertThrows(SerializationException.class,
                () -> kryo().serialize(new Object[] {Map.of("deep", deep), null, null, Map.of()}));
        assertTrue(written.getMessage().contains("Max depth"), written.getMessage());

        byte[] bytes = kryo("allowedClasses", FIXTURES, "serializationMaxDepth", "1000")
                .serialize(new Object[] {Map.of("deep", deep), null, null, Map.of()});
        assertThrows(SerializationException.class, () -> kryo().deserialize(bytes, getClass().getClassLoader()));
        assertInstanceOf(Object[].class, kryo("allowedClasses", FIXTURES, "serializationMaxDepth", "1000")
                .deserialize(bytes, getClass().getClassLoader()));
    }

    @Test
    void jdkStateKryoCannotReach_IsRefusedWithTheClassName() {
        Map<String, Integer> map = new HashMap<>(Map.of("a", 1));
        SerializationException e = assertThrows(SerializationException.class,
                () -> kryo().serialize(new Object[] {Map.of("keys", map.keySet()), null, null, Map.of()}));
        assertTrue(e.getMessage().contains("java.util.HashMap$KeySet"), e.getMessage());
    }

    @Test
    void sizes_KryoIsSmallerThanJava() {
        Object[] graph = realisticSession(1);
        Serializer java = new JavaSerializerProvider().create(settings("allowedClasses", FIXTURES));
        byte[] javaBytes = java.serialize(graph);
        byte[] kryoBytes = kryo().serialize(graph);
        assertEquals(attributes(graph), attributes(java.deserialize(javaBytes, getClass().getClassLoader())));
        System.out.println("Serialized size of the realistic session: java [" + javaBytes.length + "] bytes, kryo ["
                + kryoBytes.length + "] bytes");
        assertTrue(kryoBytes.length < javaBytes.length, kryoBytes.length + " vs " + javaBytes.length);
    }
}
