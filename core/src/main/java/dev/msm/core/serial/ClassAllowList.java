package dev.msm.core.serial;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.msm.api.InvalidAttributeException;

/**
 * The classes a serializer may instantiate when it reads stored session data. Stored data is untrusted (anyone who
 * can write to the store can put bytes there), so only JDK value and collection types, the classes frameworks keep in
 * sessions ({@link FrameworkClasses}: Tomcat, Spring Security, Spring MVC) and the classes the {@code allowedClasses}
 * attribute names are allowed.
 *
 * <p>Patterns: {@code com.shop.Cart} (one class and its nested classes), {@code com.shop.*} (the classes of a
 * package), {@code com.shop.**} (a package and its sub-packages). Arrays are allowed when their component type is.
 * Thread-safe and immutable.
 */
public final class ClassAllowList {

    /** Always allowed: JDK value types and collections; the framework classes of {@link FrameworkClasses} too. */
    static final List<String> JDK = List.of(
            "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short", "java.lang.Integer",
            "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number", "java.lang.String",
            "java.lang.Enum", "java.lang.Object", "java.lang.StringBuilder", "java.lang.StringBuffer",
            "java.util.*", "java.util.concurrent.*", "java.util.concurrent.atomic.*", "java.math.*", "java.time.**",
            "java.net.URI", "java.net.InetAddress", "java.net.Inet4Address", "java.net.Inet6Address",
            "java.sql.Date", "java.sql.Time", "java.sql.Timestamp");

    /**
     * The text that tells users how to allow classes, in the {@code <Manager>} element and in Java configuration.
     *
     * @param classNames the refused classes
     */
    public static String refusedMessage(Set<String> classNames) {
        String list = String.join(",", new TreeSet<>(classNames));
        boolean one = classNames.size() == 1;
        return (one ? "Class [" : "Classes [") + list + "] " + (one ? "is" : "are") + " not allowed to be read from "
                + "the store; allow " + (one ? "it" : "them") + " with allowedClasses=\"" + list + "\" on the "
                + "<Manager> (context.xml), or manager.setAllowedClasses(\"" + list + "\") in Java configuration "
                + "(Spring Boot: the TomcatContextCustomizer that creates the MsmManager); patterns such as "
                + "com.shop.* are accepted";
    }

    /** Described in error messages. */
    static final String ACCEPTED = "comma- or space-separated class name patterns: com.shop.Cart, com.shop.*, "
            + "com.shop.**";

    private final Set<String> exact;
    private final List<String> packages;
    private final List<String> trees;
    /** {@link #allows(Class)} per class, kept on the class itself so that no web application is held here. */
    private final ClassValue<Boolean> decisions = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return decide(type);
        }
    };

    private ClassAllowList(Set<String> exact, List<String> packages, List<String> trees) {
        this.exact = exact;
        this.packages = packages;
        this.trees = trees;
    }

    /**
     * @param configured the {@code allowedClasses} attribute, or {@code null}
     * @return the defaults plus the configured patterns
     * @throws InvalidAttributeException on a malformed pattern
     */
    public static ClassAllowList of(String configured) {
        List<String> patterns = new ArrayList<>(JDK);
        FrameworkClasses.ALL.forEach(patterns::addAll);
        if (configured != null && !configured.isBlank()) {
            for (String p : configured.trim().split("[\\s,]+")) {
                if (!p.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*(\\.\\*\\*?)?")) {
                    throw InvalidAttributeException.invalidValue("allowedClasses", configured, ACCEPTED);
                }
                patterns.add(p);
            }
        }
        Set<String> exact = new HashSet<>();
        List<String> packages = new ArrayList<>();
        List<String> trees = new ArrayList<>();
        for (String p : patterns) {
            if (p.endsWith(".**")) {
                trees.add(p.substring(0, p.length() - 2));
            } else if (p.endsWith(".*")) {
                packages.add(p.substring(0, p.length() - 1));
            } else {
                exact.add(p);
            }
        }
        return new ClassAllowList(Set.copyOf(exact), List.copyOf(packages), List.copyOf(trees));
    }

    /**
     * @param className a binary class name, e.g. {@code com.shop.Cart$Line}; array names are not accepted here
     * @return whether instances of the class may be read
     */
    public boolean allows(String className) {
        if (exact.contains(className)) {
            return true;
        }
        for (int nested = className.indexOf('$'); nested > 0; nested = className.indexOf('$', nested + 1)) {
            if (exact.contains(className.substring(0, nested))) {
                return true; // a nested class of an allowed one, at any depth (Outer$Inner$1)
            }
        }
        int lastDot = className.lastIndexOf('.');
        String pkg = lastDot < 0 ? "" : className.substring(0, lastDot + 1);
        for (String p : packages) {
            if (pkg.equals(p)) {
                return true;
            }
        }
        for (String t : trees) {
            if (className.startsWith(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param type a class, possibly an array class
     * @return whether instances may be read: primitives and arrays of allowed types are
     */
    public boolean allows(Class<?> type) {
        return decisions.get(type);
    }

    private boolean decide(Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        return c.isPrimitive() || allows(c.getName());
    }
}
