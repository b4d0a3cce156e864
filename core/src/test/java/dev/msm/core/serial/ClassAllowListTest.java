package dev.msm.core.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.SerializationException;
import dev.msm.api.Unit;

/**
 * Issue 16: the classes frameworks keep in sessions are readable by default, by exact name (no package tree), while
 * known gadgets of the same frameworks stay refused; the writing Tomcat learns every class its readers will refuse.
 */
@Unit
class ClassAllowListTest {

    /** An application class, not allowed by default. */
    static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<Line> lines = List.of(new Line());
    }

    /** Another one, reached only through {@link Cart}. */
    static final class Line implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final ClassAllowList defaults = ClassAllowList.of(null);

    static Stream<CheckingSerializer> serializers() {
        return Stream.of(Serializers.java(), Serializers.kryo());
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.springframework.security.core.context.SecurityContextImpl",
        "org.springframework.security.core.userdetails.User$AuthorityComparator",
        "org.springframework.security.core.authority.FactorGrantedAuthority",
        "org.springframework.security.web.savedrequest.SavedCookie",
        "org.springframework.web.servlet.FlashMap", "org.springframework.util.LinkedMultiValueMap",
        "org.apache.catalina.filters.CsrfPreventionFilter$LruCache$1"})
    void frameworkSessionClasses_AllowedByDefault(String className) {
        assertTrue(defaults.allows(className), className);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // gadgets and gadget parts of the same frameworks (ysoserial's Spring1/Spring2 chains and their kin)
        "org.springframework.beans.factory.support.AutowireUtils$ObjectFactoryDelegatingInvocationHandler",
        "org.springframework.core.SerializableTypeWrapper$MethodInvokeTypeProvider",
        "org.springframework.aop.framework.JdkDynamicAopProxy", "org.springframework.aop.SpringProxy",
        "org.springframework.transaction.jta.JtaTransactionManager",
        "org.springframework.beans.factory.config.PropertyPathFactoryBean",
        "org.springframework.security.access.intercept.aopalliance.MethodSecurityInterceptor",
        "org.apache.catalina.filters.CsrfPreventionFilter", "org.apache.catalina.core.StandardContext",
        "org.apache.commons.collections.functors.InvokerTransformer", "com.sun.rowset.JdbcRowSetImpl",
        "javax.management.BadAttributeValueExpException", "java.lang.reflect.Proxy",
        "org.springframework.util.LinkedMultiValueMapEvil", "org.springframework.web.servlet.FlashMapManager"})
    void knownGadgets_StayRefused(String className) {
        assertFalse(defaults.allows(className), className);
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void tomcatCsrfNonceCache_RoundTripsWithDefaults(CheckingSerializer serializer) throws Exception {
        Class<?> type = Class.forName("org.apache.catalina.filters.CsrfPreventionFilter$LruCache");
        Constructor<?> create = type.getDeclaredConstructor(int.class);
        create.setAccessible(true);
        Object cache = create.newInstance(5);
        Method add = type.getDeclaredMethod("add", Object.class);
        Method contains = type.getDeclaredMethod("contains", Object.class);
        add.setAccessible(true);
        contains.setAccessible(true);
        add.invoke(cache, "nonce-1");
        Set<String> refused = new HashSet<>();
        byte[] bytes = serializer.serialize(session(cache), refused);
        assertEquals(Set.of(), refused);
        Object back = attributes(serializer.deserialize(bytes, getClass().getClassLoader())).get("value");
        assertEquals(true, contains.invoke(back, "nonce-1"));
        assertEquals(false, contains.invoke(back, "nonce-2"));
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void writing_ReportsEveryClassReadersRefuse(CheckingSerializer serializer) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("cart", new Cart());
        attributes.put("carts", new Cart[] {new Cart()});
        attributes.put("count", 1);
        Set<String> refused = new HashSet<>();
        byte[] bytes = serializer.serialize(new Object[] {attributes, null, null, Map.of()}, refused);
        assertEquals(Set.of(Cart.class.getName(), Line.class.getName()), refused);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.deserialize(bytes, getClass().getClassLoader()));
        assertTrue(refused.contains(e.rejectedClass()), e.rejectedClass());

        Set<String> none = new HashSet<>();
        serializer.serialize(session(Map.of("count", 1)), none);
        assertEquals(Set.of(), none);
    }

    @Test
    void refusalMessage_TellsContextXmlAndJavaUsersWhatToSet() {
        String message = ClassAllowList.refusedMessage(Set.of("com.shop.Line", "com.shop.Cart"));
        assertEquals("Classes [com.shop.Cart,com.shop.Line] are not allowed to be read from the store; allow them "
                + "with allowedClasses=\"com.shop.Cart,com.shop.Line\" on the <Manager> (context.xml), or "
                + "manager.setAllowedClasses(\"com.shop.Cart,com.shop.Line\") in Java configuration (Spring Boot: "
                + "the TomcatContextCustomizer that creates the MsmManager); patterns such as com.shop.* are "
                + "accepted", message);
        ClassAllowList.of("com.shop.Cart,com.shop.Line"); // what the message proposes parses
    }

    private static Object[] session(Object value) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("value", value);
        return new Object[] {attributes, null, null, new HashMap<>()};
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attributes(Object graph) {
        return (Map<String, Object>) ((Object[]) graph)[0];
    }
}
