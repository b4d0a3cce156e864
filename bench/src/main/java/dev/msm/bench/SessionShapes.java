package dev.msm.bench;

import java.io.Serializable;
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
 * HashMap notes}}. Built from a fixed seed ({@value #SEED}), so every run and every fork sees the same bytes.
 *
 * <ul>
 * <li>{@code small}: a counter and a user name, no login (about 250 bytes with Java serialization);</li>
 * <li>{@code typical}: 20 attributes of a shop's logged-in user: a shopping cart of beans with prices and dates,
 * recently viewed products, preferences, a CSRF token, dates of several {@code java.util}/{@code java.time} types, a
 * {@link GenericPrincipal} with roles and {@code FORM} as authentication type (2 to 3 KB);</li>
 * <li>{@code large}: 200 attributes of about 100 KB with Java serialization: texts, lists of beans, maps and a
 * few byte arrays, as an application that caches too much in the session.</li>
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
    /** The shapes, by name. */
    public static final List<String> NAMES = List.of("small", "typical", "large");

    private static final String[] WORDS = ("session cart order product price shipping address customer account "
            + "invoice payment discount coupon delivery warehouse catalog review rating category brand color size "
            + "stock basket checkout profile settings language currency region newsletter wishlist history token")
            .split(" ");

    private SessionShapes() {
    }

    /**
     * @param name {@code small}, {@code typical} or {@code large}
     * @return a new graph of that shape, always the same for the same name
     * @throws IllegalArgumentException for another name
     */
    public static Object[] build(String name) {
        Random random = new Random(SEED);
        return switch (name) {
            case "small" -> small(random);
            case "typical" -> typical(random);
            case "large" -> large(random);
            default -> throw new IllegalArgumentException("Unknown session shape [" + name + "]; known: " + NAMES);
        };
    }

    private static Object[] small(Random random) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("count", random.nextInt(100));
        attributes.put("user", "user" + random.nextInt(100_000));
        return new Object[] {attributes, null, null, new HashMap<String, Object>()};
    }

    private static Object[] typical(Random random) {
        Map<String, Object> a = new HashMap<>();
        String user = "user" + random.nextInt(100_000);
        a.put("user", user);
        a.put("count", random.nextInt(1000));
        a.put("customerId", random.nextLong() & Long.MAX_VALUE);
        a.put("displayName", capitalize(word(random)) + " " + capitalize(word(random)));
        a.put("email", user + "@example.com");
        a.put("locale", Locale.GERMANY);
        a.put("currency", "EUR");
        a.put("loginTime", new Date(1_700_000_000_000L + random.nextInt(1_000_000_000)));
        a.put("lastActivity", Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000_000)));
        a.put("birthday", LocalDate.of(1960 + random.nextInt(45), 1 + random.nextInt(12), 1 + random.nextInt(28)));
        a.put("sessionStarted", LocalDateTime.of(2025, 11, 1 + random.nextInt(27), random.nextInt(24),
                random.nextInt(60)));
        a.put("cart", cart(random, 5));
        a.put("recentlyViewed", skus(random, 10));
        a.put("preferences", preferences(random, 8));
        a.put("csrfToken", new UUID(random.nextLong(), random.nextLong()).toString().replace("-", ""));
        a.put("flags", new HashSet<>(List.of("beta", "newsletter", "prime")));
        a.put("returnUrl", "/shop/" + word(random) + "/" + word(random) + "?page=" + random.nextInt(20));
        a.put("searchQuery", sentence(random, 4));
        a.put("pageViews", random.nextInt(500));
        a.put("consentGiven", Boolean.TRUE);
        GenericPrincipal principal = new GenericPrincipal(user, List.of("user", "customer"));
        return new Object[] {a, principal, "FORM", new HashMap<String, Object>()};
    }

    private static Object[] large(Random random) {
        Map<String, Object> a = new HashMap<>();
        for (int i = 0; i < 140; i++) {
            a.put("text" + i, sentence(random, 40 + random.nextInt(40)));
        }
        for (int i = 0; i < 20; i++) {
            a.put("cart" + i, cart(random, 3 + random.nextInt(5)));
        }
        for (int i = 0; i < 20; i++) {
            a.put("prefs" + i, preferences(random, 10));
        }
        for (int i = 0; i < 10; i++) {
            byte[] blob = new byte[512];
            random.nextBytes(blob);
            a.put("blob" + i, blob);
        }
        for (int i = 0; i < 10; i++) {
            a.put("viewed" + i, skus(random, 20));
        }
        GenericPrincipal principal = new GenericPrincipal("user" + random.nextInt(100_000),
                List.of("user", "customer", "admin"));
        return new Object[] {a, principal, "FORM", new HashMap<String, Object>()};
    }

    private static Cart cart(Random random, int items) {
        Cart cart = new Cart();
        cart.id = new UUID(random.nextLong(), random.nextLong()).toString();
        cart.created = new Date(1_700_000_000_000L + random.nextInt(1_000_000_000));
        for (int i = 0; i < items; i++) {
            CartItem item = new CartItem();
            item.sku = sku(random);
            item.name = capitalize(word(random)) + " " + word(random) + " " + word(random);
            item.quantity = 1 + random.nextInt(4);
            item.unitPrice = BigDecimal.valueOf(100 + random.nextInt(50_000), 2);
            item.addedAt = Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000_000));
            cart.items.add(item);
        }
        return cart;
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
}
