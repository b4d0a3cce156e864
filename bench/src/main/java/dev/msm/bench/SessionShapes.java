package dev.msm.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

import org.apache.catalina.realm.GenericPrincipal;

/**
 * The session states the micro-benchmarks serialize, in the shape msm stores them (what
 * {@code MsmSession.captureState} returns): {@code Object[]{HashMap attributes, Principal, String authType,
 * HashMap notes}}. Built from a fixed seed ({@value #SEED}), so every run and every fork sees the same bytes. They are
 * sized for 1 KiB, 20 KiB and 500 KiB ({@link #TARGET_BYTES}), measured as the attribute map written with plain Java
 * serialization ({@link #javaSize}); {@code BenchmarksTest} keeps them within 15% of that.
 *
 * <ul>
 * <li>{@code small} (1,027 bytes, 18 attributes): a logged-in user: names, ids, counters, a {@link Locale}, a
 * {@link Date}, an {@link Instant} and a {@link LocalDateTime}, a CSRF token, a set of flags, URLs; a
 * {@link GenericPrincipal} with roles and {@code FORM} as authentication type;</li>
 * <li>{@code medium} (20,213 bytes, 39 attributes): a shop's logged-in customer: the above plus a profile bean with
 * addresses, a shopping cart of beans with prices and dates, the last 18 orders (nested beans: items, address,
 * status), a page of 50 search results, recently viewed products, a wish list, preferences, search filters, a checkout
 * form;</li>
 * <li>{@code large} (505,272 bytes, 284 attributes): an application that caches too much in the session: the above
 * plus an order history of 400 orders, 50 cached result pages, 20 carts, 120 texts, preference maps, report rows (maps
 * of dates, numbers and strings) and four 5 KiB byte arrays (4% of the bytes).</li>
 * </ul>
 *
 * <p>The bean classes are nested here; a serializer reads them back only with {@link #ALLOWED_CLASSES} in its
 * {@code allowedClasses}.
 */
public final class SessionShapes {

    /** The seed of every shape. */
    public static final long SEED = 20_251_128L;
    /** The {@code allowedClasses} attribute the benchmark beans need. */
    public static final String ALLOWED_CLASSES = "dev.msm.bench.SessionShapes";
    /** The shapes, by name, smallest first. */
    public static final List<String> NAMES = List.of("small", "medium", "large");
    /** The size each shape is built for: its attribute map with Java serialization, in bytes, by name. */
    public static final Map<String, Integer> TARGET_BYTES = Map.of("small", 1024, "medium", 20 * 1024,
            "large", 500 * 1024);

    private static final String[] WORDS = ("session cart order product price shipping address customer account "
            + "invoice payment discount coupon delivery warehouse catalog review rating category brand color size "
            + "stock basket checkout profile settings language currency region newsletter wishlist history token")
            .split(" ");
    private static final String[] CITIES = {"Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Leipzig",
        "Dresden", "Stuttgart"};
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private SessionShapes() {
    }

    /**
     * @param name {@code small}, {@code medium} or {@code large}
     * @return a new graph of that shape, always the same for the same name
     * @throws IllegalArgumentException for another name
     */
    public static Object[] build(String name) {
        Random random = new Random(SEED);
        return switch (name) {
            case "small" -> small(random);
            case "medium" -> medium(random);
            case "large" -> large(random);
            default -> throw new IllegalArgumentException("Unknown session shape [" + name + "]; known: " + NAMES);
        };
    }

    /**
     * @param value a serializable graph, e.g. a shape's attribute map ({@code build(name)[0]})
     * @return how many bytes it takes with plain Java serialization ({@link ObjectOutputStream})
     */
    public static int javaSize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.size();
    }

    private static Object[] small(Random random) {
        Map<String, Object> a = new HashMap<>();
        String user = user(random, a);
        GenericPrincipal principal = new GenericPrincipal(user, List.of("user", "customer"));
        return new Object[] {a, principal, "FORM", new HashMap<String, Object>()};
    }

    /** The attributes of {@code small}; returns the user name. */
    private static String user(Random random, Map<String, Object> a) {
        String user = "user" + random.nextInt(100_000);
        a.put("user", user);
        a.put("count", random.nextInt(1000));
        a.put("customerId", random.nextLong() & Long.MAX_VALUE);
        a.put("displayName", capitalize(word(random)) + " " + capitalize(word(random)));
        a.put("email", user + "@example.com");
        a.put("locale", Locale.GERMANY);
        a.put("loginTime", date(random));
        a.put("lastActivity", instant(random));
        a.put("csrfToken", new UUID(random.nextLong(), random.nextLong()).toString().replace("-", ""));
        a.put("flags", new HashSet<>(List.of("beta", "newsletter", "prime")));
        a.put("returnUrl", "/shop/" + word(random) + "/" + word(random) + "?page=" + random.nextInt(20));
        a.put("pageViews", random.nextInt(500));
        a.put("consentGiven", Boolean.TRUE);
        a.put("currency", "EUR");
        a.put("sessionStarted", LocalDateTime.of(2025, 11, 1 + random.nextInt(27), random.nextInt(24),
                random.nextInt(60)));
        a.put("searchQuery", sentence(random, 4));
        a.put("referrer", "https://www.example.org/" + word(random) + "/" + word(random));
        a.put("deviceType", "desktop");
        return user;
    }

    private static Object[] medium(Random random) {
        Map<String, Object> a = new HashMap<>();
        String user = user(random, a);
        shop(random, a, user);
        GenericPrincipal principal = new GenericPrincipal(user, List.of("user", "customer"));
        return new Object[] {a, principal, "FORM", new HashMap<String, Object>()};
    }

    /** The attributes {@code medium} adds to {@code small}. */
    private static void shop(Random random, Map<String, Object> a, String user) {
        a.put("birthday", LocalDate.of(1960 + random.nextInt(45), 1 + random.nextInt(12), 1 + random.nextInt(28)));
        a.put("profile", profile(random, user));
        a.put("cart", cart(random, 14));
        a.put("orders", orders(random, 18));
        a.put("searchResults", products(random, 50));
        a.put("recentlyViewed", skus(random, 40));
        a.put("wishlist", products(random, 10));
        a.put("preferences", preferences(random, 20));
        a.put("searchFilters", filters(random));
        a.put("breadcrumbs", new ArrayList<>(List.of("Home", capitalize(word(random)), capitalize(word(random)),
                capitalize(word(random)))));
        a.put("checkoutForm", checkoutForm(random));
        a.put("couponCodes", new ArrayList<>(List.of("WELCOME10", "FREESHIP")));
        a.put("loyaltyPoints", random.nextInt(10_000));
        a.put("lastOrderTotal", BigDecimal.valueOf(1000 + random.nextInt(100_000), 2));
        a.put("flashMessages", new ArrayList<>(List.of("Your " + word(random) + " was saved.")));
        Map<String, String> abTests = new LinkedHashMap<>();
        abTests.put("checkout", "B");
        abTests.put("search", "A");
        abTests.put("banner", "control");
        a.put("abTestGroups", abTests);
        a.put("lastPasswordChange", LocalDate.of(2024, 1 + random.nextInt(12), 1 + random.nextInt(28)));
        a.put("viewportWidth", 360 + random.nextInt(1600));
        a.put("timeZone", "Europe/Berlin");
        a.put("rememberMe", Boolean.FALSE);
        a.put("supportTicket", (long) random.nextInt(1_000_000));
    }

    private static Object[] large(Random random) {
        Map<String, Object> a = new HashMap<>();
        String user = user(random, a);
        shop(random, a, user);
        a.put("orderHistory", orders(random, 400));
        for (int i = 0; i < 50; i++) {
            a.put("resultPage" + i, products(random, 25));
        }
        for (int i = 0; i < 20; i++) {
            a.put("cart" + i, cart(random, 3 + random.nextInt(5)));
        }
        for (int i = 0; i < 120; i++) {
            a.put("text" + i, sentence(random, 40 + random.nextInt(60)));
        }
        for (int i = 0; i < 20; i++) {
            a.put("prefs" + i, preferences(random, 10));
        }
        for (int i = 0; i < 20; i++) {
            a.put("report" + i, report(random, 25));
        }
        for (int i = 0; i < 10; i++) {
            a.put("viewed" + i, skus(random, 20));
        }
        for (int i = 0; i < 4; i++) {
            byte[] blob = new byte[5 * 1024];
            random.nextBytes(blob);
            a.put("upload" + i, blob);
        }
        GenericPrincipal principal = new GenericPrincipal(user, List.of("user", "customer", "admin"));
        return new Object[] {a, principal, "FORM", new HashMap<String, Object>()};
    }

    private static Profile profile(Random random, String user) {
        Profile p = new Profile();
        p.firstName = capitalize(word(random));
        p.lastName = capitalize(word(random)) + "mann";
        p.email = user + "@example.com";
        p.phone = "+49 " + (100 + random.nextInt(900)) + " " + (1_000_000 + random.nextInt(9_000_000));
        p.birthday = LocalDate.of(1960 + random.nextInt(45), 1 + random.nextInt(12), 1 + random.nextInt(28));
        p.registered = date(random);
        p.newsletter = random.nextBoolean();
        p.addresses.add(address(random));
        p.addresses.add(address(random));
        return p;
    }

    private static Address address(Random random) {
        Address address = new Address();
        address.name = capitalize(word(random)) + " " + capitalize(word(random));
        address.street = capitalize(word(random)) + "straße " + (1 + random.nextInt(200));
        address.zip = String.valueOf(10_000 + random.nextInt(89_999));
        address.city = CITIES[random.nextInt(CITIES.length)];
        address.country = "DE";
        return address;
    }

    private static List<Order> orders(Random random, int n) {
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Order order = new Order();
            order.number = "ORD-" + (1_000_000 + random.nextInt(9_000_000));
            order.placed = LocalDate.of(2020 + random.nextInt(6), 1 + random.nextInt(12), 1 + random.nextInt(28));
            order.status = OrderStatus.values()[random.nextInt(OrderStatus.values().length)];
            order.shipTo = address(random);
            BigDecimal total = BigDecimal.ZERO;
            for (int j = 1 + random.nextInt(3); j > 0; j--) {
                CartItem item = item(random);
                order.items.add(item);
                total = total.add(item.unitPrice.multiply(BigDecimal.valueOf(item.quantity)));
            }
            order.total = total;
            orders.add(order);
        }
        return orders;
    }

    private static List<Product> products(Random random, int n) {
        List<Product> products = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Product p = new Product();
            p.sku = sku(random);
            p.name = capitalize(word(random)) + " " + word(random) + " " + word(random);
            p.price = BigDecimal.valueOf(100 + random.nextInt(50_000), 2);
            p.rating = 1 + random.nextInt(41) / 10.0;
            p.stock = random.nextInt(500);
            products.add(p);
        }
        return products;
    }

    private static Map<String, Object> filters(Random random) {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("category", word(random));
        filters.put("brand", capitalize(word(random)));
        filters.put("minPrice", 10 + random.nextInt(50));
        filters.put("maxPrice", 100 + random.nextInt(500));
        filters.put("inStock", Boolean.TRUE);
        filters.put("sort", "price-asc");
        filters.put("page", 1 + random.nextInt(10));
        return filters;
    }

    private static Map<String, String> checkoutForm(Random random) {
        Map<String, String> form = new LinkedHashMap<>();
        Address address = address(random);
        form.put("name", address.name);
        form.put("street", address.street);
        form.put("zip", address.zip);
        form.put("city", address.city);
        form.put("country", address.country);
        form.put("shipping", random.nextBoolean() ? "standard" : "express");
        form.put("payment", random.nextBoolean() ? "invoice" : "card");
        form.put("comment", sentence(random, 8));
        return form;
    }

    private static List<Map<String, Object>> report(Random random, int rows) {
        List<Map<String, Object>> report = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("day", LocalDate.of(2025, 1 + random.nextInt(12), 1 + random.nextInt(28)));
            row.put("category", word(random));
            row.put("orders", random.nextInt(1000));
            row.put("revenue", BigDecimal.valueOf(random.nextInt(10_000_000), 2));
            row.put("conversion", random.nextDouble());
            report.add(row);
        }
        return report;
    }

    private static Cart cart(Random random, int items) {
        Cart cart = new Cart();
        cart.id = new UUID(random.nextLong(), random.nextLong()).toString();
        cart.created = date(random);
        for (int i = 0; i < items; i++) {
            cart.items.add(item(random));
        }
        return cart;
    }

    private static CartItem item(Random random) {
        CartItem item = new CartItem();
        item.sku = sku(random);
        item.name = capitalize(word(random)) + " " + word(random) + " " + word(random);
        item.quantity = 1 + random.nextInt(4);
        item.unitPrice = BigDecimal.valueOf(100 + random.nextInt(50_000), 2);
        item.addedAt = instant(random);
        return item;
    }

    private static Date date(Random random) {
        return new Date(EPOCH_MILLIS + random.nextInt(1_000_000_000));
    }

    private static Instant instant(Random random) {
        return Instant.ofEpochMilli(EPOCH_MILLIS + random.nextInt(1_000_000_000));
    }

    private static List<String> skus(Random random, int n) {
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            skus.add(sku(random));
        }
        return skus;
    }

    private static Map<String, String> preferences(Random random, int n) {
        Map<String, String> prefs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            prefs.put(word(random) + "." + i, word(random));
        }
        return prefs;
    }

    private static String sku(Random random) {
        return "SKU-" + (100_000 + random.nextInt(900_000));
    }

    private static String word(Random random) {
        return WORDS[random.nextInt(WORDS.length)];
    }

    private static String sentence(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(word(random));
        }
        return sb.toString();
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Compares two graphs as msm would restore them: attributes (arrays by content), principal name and roles,
     * authentication type, notes.
     *
     * @param expected a graph of {@link #build}
     * @param actual   what a serializer read back
     * @return whether they hold the same state
     */
    public static boolean sameState(Object[] expected, Object actual) {
        if (!(actual instanceof Object[] other) || other.length != 4) {
            return false;
        }
        Map<?, ?> ea = (Map<?, ?>) expected[0];
        if (!(other[0] instanceof Map<?, ?> oa) || ea.size() != oa.size()) {
            return false;
        }
        for (Map.Entry<?, ?> e : ea.entrySet()) {
            Object o = oa.get(e.getKey());
            boolean same = e.getValue() instanceof byte[] b ? o instanceof byte[] ob && Arrays.equals(b, ob)
                    : Objects.equals(e.getValue(), o);
            if (!same) {
                return false;
            }
        }
        if (expected[1] instanceof GenericPrincipal ep) {
            if (!(other[1] instanceof GenericPrincipal op) || !ep.getName().equals(op.getName())
                    || !Arrays.equals(ep.getRoles(), op.getRoles())) {
                return false;
            }
        } else if (other[1] != null) {
            return false;
        }
        return Objects.equals(expected[2], other[2]) && Objects.equals(expected[3], other[3]);
    }

    /** A shopping cart, as applications keep it in the session: a mutable bean with a list of items. */
    public static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The cart's id. */
        public String id;
        /** When the cart was created. */
        public Date created;
        /** The items, in the order they were added. */
        public List<CartItem> items = new ArrayList<>();

        @Override
        public boolean equals(Object o) {
            return o instanceof Cart c && Objects.equals(id, c.id) && Objects.equals(created, c.created)
                    && Objects.equals(items, c.items);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, created, items);
        }
    }

    /** One line of a {@link Cart}. */
    public static final class CartItem implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The product's stock keeping unit. */
        public String sku;
        /** The product's name. */
        public String name;
        /** How many. */
        public int quantity;
        /** The price of one, in the cart's currency. */
        public BigDecimal unitPrice;
        /** When it was put into the cart. */
        public Instant addedAt;

        @Override
        public boolean equals(Object o) {
            return o instanceof CartItem i && Objects.equals(sku, i.sku) && Objects.equals(name, i.name)
                    && quantity == i.quantity && Objects.equals(unitPrice, i.unitPrice)
                    && Objects.equals(addedAt, i.addedAt);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sku, name, quantity, unitPrice, addedAt);
        }
    }

    /** A postal address, part of a {@link Profile} and of each {@link Order}. */
    public static final class Address implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Who receives. */
        public String name;
        /** Street and number. */
        public String street;
        /** Postal code. */
        public String zip;
        /** City. */
        public String city;
        /** ISO country code. */
        public String country;

        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && Objects.equals(name, a.name) && Objects.equals(street, a.street)
                    && Objects.equals(zip, a.zip) && Objects.equals(city, a.city)
                    && Objects.equals(country, a.country);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, street, zip, city, country);
        }
    }

    /** The logged-in customer's data, as an application loads it once per session. */
    public static final class Profile implements Serializable {
        private static final long serialVersionUID = 1L;

        /** First name. */
        public String firstName;
        /** Last name. */
        public String lastName;
        /** E-mail address. */
        public String email;
        /** Phone number. */
        public String phone;
        /** Date of birth. */
        public LocalDate birthday;
        /** When the account was created. */
        public Date registered;
        /** Whether the newsletter is subscribed. */
        public boolean newsletter;
        /** Billing and shipping addresses. */
        public List<Address> addresses = new ArrayList<>();

        @Override
        public boolean equals(Object o) {
            return o instanceof Profile p && Objects.equals(firstName, p.firstName)
                    && Objects.equals(lastName, p.lastName) && Objects.equals(email, p.email)
                    && Objects.equals(phone, p.phone) && Objects.equals(birthday, p.birthday)
                    && Objects.equals(registered, p.registered) && newsletter == p.newsletter
                    && Objects.equals(addresses, p.addresses);
        }

        @Override
        public int hashCode() {
            return Objects.hash(firstName, lastName, email, phone, birthday, registered, newsletter, addresses);
        }
    }

    /** Where an {@link Order} is. */
    public enum OrderStatus {
        /** Received, not yet paid. */
        PLACED,
        /** Paid. */
        PAID,
        /** On its way. */
        SHIPPED,
        /** Arrived. */
        DELIVERED,
        /** Cancelled by the customer. */
        CANCELLED
    }

    /** A past order: items, shipping address, total and status. */
    public static final class Order implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The order number. */
        public String number;
        /** When it was placed. */
        public LocalDate placed;
        /** Its status. */
        public OrderStatus status;
        /** Where it was shipped. */
        public Address shipTo;
        /** What was ordered. */
        public List<CartItem> items = new ArrayList<>();
        /** The sum of the items' prices. */
        public BigDecimal total;

        @Override
        public boolean equals(Object o) {
            return o instanceof Order r && Objects.equals(number, r.number) && Objects.equals(placed, r.placed)
                    && status == r.status && Objects.equals(shipTo, r.shipTo) && Objects.equals(items, r.items)
                    && Objects.equals(total, r.total);
        }

        @Override
        public int hashCode() {
            return Objects.hash(number, placed, status, shipTo, items, total);
        }
    }

    /** One product of a search result page. */
    public static final class Product implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The product's stock keeping unit. */
        public String sku;
        /** The product's name. */
        public String name;
        /** Its price. */
        public BigDecimal price;
        /** Average rating, 1 to 5. */
        public double rating;
        /** Items in stock. */
        public int stock;

        @Override
        public boolean equals(Object o) {
            return o instanceof Product p && Objects.equals(sku, p.sku) && Objects.equals(name, p.name)
                    && Objects.equals(price, p.price) && Double.compare(rating, p.rating) == 0 && stock == p.stock;
        }

        @Override
        public int hashCode() {
            return Objects.hash(sku, name, price, rating, stock);
        }
    }
}
