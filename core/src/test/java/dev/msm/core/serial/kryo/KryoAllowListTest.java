package dev.msm.core.serial.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.catalina.realm.GenericPrincipal;
import org.junit.jupiter.api.Test;

import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.api.Unit;
import dev.msm.core.serial.ClassAllowList;

@Unit
class KryoAllowListTest {

    private static final String PREFIX = "dev.msm.core.serial.kryo.KryoAllowListTest$";

    /** An application class the allow-list does not name unless a test says so. */
    static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        String item = "book";
    }

    /** Serializable with a readObject method: written with Java serialization inside the Kryo stream. */
    static final class Envelope implements Serializable {
        private static final long serialVersionUID = 1L;
        Object content;

        Envelope(Object content) {
            this.content = content;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
        }
    }

    /** Its field's type is final, so the stream never names it: the allow-list applies to it all the same. */
    static final class Box {
        final Cart cart = new Cart();
    }

    /** A principal class an application's realm might add. */
    static final class TokenPrincipal implements Principal, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "token";
        }
    }

    private static Object[] session(Object value) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("value", value);
        return new Object[] {attributes, null, null, new HashMap<>()};
    }

    private static Serializer allowing(String... nested) {
        StringBuilder classes = new StringBuilder();
        for (String n : nested) {
            classes.append(PREFIX).append(n).append(' ');
        }
        return KryoSerializerTest.kryo("allowedClasses", classes.toString().trim());
    }

    private static SerializationException refused(Serializer serializer, byte[] bytes, ClassLoader loader) {
        return assertThrows(SerializationException.class, () -> serializer.deserialize(bytes, loader));
    }

    @Test
    void applicationClass_RefusedUntilAllowed() {
        byte[] bytes = KryoSerializerTest.kryo().serialize(session(new Cart())); // writing is not restricted
        SerializationException e = refused(KryoSerializerTest.kryo("allowedClasses", ""), bytes, null);
        assertEquals(Cart.class.getName(), e.rejectedClass());
        assertEquals(ClassAllowList.refusedMessage(Set.of(Cart.class.getName())), e.getMessage());
        assertTrue(e.getMessage().contains("allowedClasses=\"" + Cart.class.getName() + "\" on the <Manager>"));
        assertTrue(e.getMessage().contains("manager.setAllowedClasses(\"" + Cart.class.getName() + "\")"));
        assertInstanceOf(Cart.class, KryoSerializerTest.attributes(allowing("Cart").deserialize(bytes, null))
                .get("value"));
        allowing("Cart").deserialize(bytes, getClass().getClassLoader());
        KryoSerializerTest.kryo("allowedClasses", "dev.msm.**").deserialize(bytes, null);
        KryoSerializerTest.kryo("allowedClasses", "dev.msm.core.serial.kryo.*").deserialize(bytes, null);
    }

    @Test
    void arrayOfRefusedClass_NamesTheElementClass() {
        byte[] bytes = allowing("Cart").serialize(session(new Cart[][] {{new Cart()}}));
        assertEquals(Cart.class.getName(), refused(allowing(), bytes, null).rejectedClass());
        allowing("Cart").deserialize(bytes, null);
    }

    @Test
    void refusedClass_IsNeverLoaded() {
        Serializer serializer = allowing("Envelope");
        byte[] bytes = serializer.serialize(session(List.of(new Box(), new Cart())));
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());

        assertEquals(Box.class.getName(), refused(serializer, bytes, loader).rejectedClass());
        assertFalse(loader.requested.contains(Box.class.getName()), loader.requested.toString());
        assertFalse(loader.requested.contains(Cart.class.getName()), loader.requested.toString());

        byte[] allowed = serializer.serialize(session(new Envelope("x")));
        serializer.deserialize(allowed, loader);
        assertTrue(loader.requested.contains(Envelope.class.getName()), "the loader is asked for allowed classes");
    }

    @Test
    void finalFieldType_IsCheckedThoughTheStreamDoesNotNameIt() {
        Serializer serializer = allowing("Box");
        byte[] bytes = serializer.serialize(session(new Box()));
        assertEquals(Cart.class.getName(), refused(serializer, bytes, null).rejectedClass());
        allowing("Box", "Cart").deserialize(bytes, null);
    }

    @Test
    void javaSerializationFallback_AppliesTheAllowList() {
        Serializer serializer = allowing("Envelope");
        byte[] bytes = serializer.serialize(session(new Envelope(new Cart())));
        SerializationException e = refused(serializer, bytes, null);
        assertEquals(Cart.class.getName(), e.rejectedClass());
        assertTrue(e.getMessage().contains("allowedClasses"));
        Envelope back = (Envelope) KryoSerializerTest.attributes(allowing("Envelope", "Cart").deserialize(bytes,
                null)).get("value");
        assertEquals("book", ((Cart) back.content).item);
    }

    @Test
    void principalWithUnknownUserPrincipal_IsRefused() {
        GenericPrincipal principal = new GenericPrincipal("alice", List.of("user"), new TokenPrincipal());
        Object[] graph = {new HashMap<>(), principal, "BASIC", new HashMap<>()};
        byte[] bytes = allowing().serialize(graph);
        assertEquals(TokenPrincipal.class.getName(), refused(allowing(), bytes, null).rejectedClass());
        Object[] back = (Object[]) allowing("TokenPrincipal").deserialize(bytes, null);
        assertEquals("token", ((GenericPrincipal) back[1]).getUserPrincipal().getName());
    }

    @Test
    void lambda_IsRefusedWhenWritten() {
        Runnable lambda = (Runnable & Serializable) () -> { };
        SerializationException e = assertThrows(SerializationException.class,
                () -> KryoSerializerTest.kryo().serialize(session(lambda)));
        assertTrue(e.getMessage().contains("Lambda [dev.msm.core.serial.kryo.KryoAllowListTest$$Lambda"),
                e.getMessage());
    }

    @Test
    void jdkClassOutsideTheDefaults_IsRefused() {
        byte[] bytes = allowing().serialize(session(new StringBuilder("x").append(Thread.State.NEW)));
        allowing().deserialize(bytes, null);
        byte[] state = allowing().serialize(session(Thread.State.NEW));
        assertEquals("java.lang.Thread$State", refused(allowing(), state, null).rejectedClass());
    }

    /** Records every class name it is asked for. */
    private static final class RecordingLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }
}
