package dev.msm.core.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.api.Unit;
import dev.msm.core.serial.kryo.KryoSerializerProvider;

/**
 * Issue 16, rolling deploys: version 2 of an application reads a session that version 1 wrote although a class in it
 * gained or lost a field. Each version of {@code shop.Cart} is compiled at test time and loaded by its own class
 * loader, as two builds of one web application are.
 */
@Unit
class ClassVersionsTest {

    private static final String V1 = "package shop; public class Cart implements java.io.Serializable {"
            + " private static final long serialVersionUID = 1L; String owner; int items; }";
    private static final String FIELD_ADDED = "package shop; public class Cart implements java.io.Serializable {"
            + " private static final long serialVersionUID = 1L; String owner; int items;"
            + " java.util.List<String> coupons; }";
    private static final String FIELD_REMOVED = "package shop; public class Cart implements java.io.Serializable {"
            + " private static final long serialVersionUID = 1L; int items; }";
    private static final String TYPE_CHANGED = "package shop; public class Cart implements java.io.Serializable {"
            + " private static final long serialVersionUID = 1L; String owner; java.util.List<String> items; }";
    private static final String NO_SERIAL_VERSION = "package shop; public class Cart implements java.io.Serializable"
            + " { String owner; int items; }";
    private static final String NO_SERIAL_VERSION_ADDED = "package shop; public class Cart implements"
            + " java.io.Serializable { String owner; int items; long total; }";

    @TempDir
    Path dir;
    private int builds;

    private static Serializer kryo() {
        return new KryoSerializerProvider().create(Serializers.settings("allowedClasses", "shop.*"));
    }

    private static Serializer java() {
        return new JavaSerializerProvider().create(Serializers.settings("allowedClasses", "shop.*"));
    }

    /** @return a class loader holding one build of {@code shop.Cart} */
    private ClassLoader build(String source) {
        try {
            Path out = dir.resolve("build" + builds++);
            Path file = out.resolve("src/shop/Cart.java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source, StandardCharsets.UTF_8);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            assertEquals(0, javac.run(null, null, null, "-d", out.resolve("classes").toString(), file.toString()));
            return new URLClassLoader(new URL[] {out.resolve("classes").toUri().toURL()},
                    getClass().getClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object cart(ClassLoader build, String owner, int items) throws Exception {
        Class<?> type = Class.forName("shop.Cart", true, build);
        Object cart = type.getConstructor().newInstance();
        set(cart, "owner", owner);
        set(cart, "items", items);
        return cart;
    }

    private static void set(Object target, String field, Object value) throws Exception {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    private static Object get(Object target, String field) throws Exception {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        return f.get(target);
    }

    private static byte[] write(Serializer serializer, Object cart) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("cart", cart);
        attributes.put("count", 7);
        return serializer.serialize(new Object[] {attributes, null, null, new HashMap<>()});
    }

    private static Object read(Serializer serializer, byte[] bytes, ClassLoader build) {
        Object back = Serializers.attributes(serializer.deserialize(bytes, build)).get("cart");
        assertEquals(build, back.getClass().getClassLoader(), "read as the reader's version");
        return back;
    }

    @Test
    void kryo_FieldAdded_ReadsVersion1() throws Exception {
        byte[] bytes = write(kryo(), cart(build(V1), "alice", 3));
        Object cart = read(kryo(), bytes, build(FIELD_ADDED));
        assertEquals("alice", get(cart, "owner"));
        assertEquals(3, get(cart, "items"));
        assertNull(get(cart, "coupons"));
    }

    @Test
    void kryo_FieldRemoved_ReadsVersion1_AndVersion1ReadsVersion2() throws Exception {
        ClassLoader v1 = build(V1);
        ClassLoader v2 = build(FIELD_REMOVED);
        assertEquals(3, get(read(kryo(), write(kryo(), cart(v1, "alice", 3)), v2), "items"));
        Object newer = Class.forName("shop.Cart", true, v2).getConstructor().newInstance();
        set(newer, "items", 5);
        Object older = read(kryo(), write(kryo(), newer), v1); // a rollback, or the old Tomcats mid-deploy
        assertEquals(5, get(older, "items"));
        assertNull(get(older, "owner"));
    }

    @Test
    void kryo_FieldTypeChanged_IsASerializationExceptionNamingTheClass() throws Exception {
        byte[] bytes = write(kryo(), cart(build(V1), "alice", 3));
        SerializationException e = assertThrows(SerializationException.class,
                () -> kryo().deserialize(bytes, build(TYPE_CHANGED)));
        assertTrue(e.getMessage().contains("Class [shop.Cart] changed incompatibly: its field [items]"),
                e.getMessage());
    }

    @Test
    void kryo_ClassGone_IsASerializationExceptionNamingTheClass() throws Exception {
        byte[] bytes = write(kryo(), cart(build(V1), "alice", 3));
        SerializationException e = assertThrows(SerializationException.class,
                () -> kryo().deserialize(bytes, getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("shop.Cart"), e.getMessage());
    }

    @Test
    void kryo_WithoutCompatibleFields_AnAddedFieldBreaksReading() throws Exception {
        Serializer positional = new KryoSerializerProvider().create(Serializers.settings("allowedClasses",
                "shop.*", "kryoCompatibleFields", "false"));
        byte[] bytes = write(positional, cart(build(V1), "alice", 3));
        assertThrows(SerializationException.class, () -> {
            Object cart = read(positional, bytes, build(FIELD_ADDED));
            assertEquals(List.of("never read"), get(cart, "coupons"));
        });
    }

    @Test
    void java_WithSerialVersionUid_FieldAddedAndRemoved_ReadVersion1() throws Exception {
        byte[] bytes = write(java(), cart(build(V1), "alice", 3));
        assertEquals("alice", get(read(java(), bytes, build(FIELD_ADDED)), "owner"));
        assertEquals(3, get(read(java(), bytes, build(FIELD_REMOVED)), "items"));
    }

    @Test
    void java_WithoutSerialVersionUid_AnAddedFieldIsASerializationExceptionNamingTheClass() throws Exception {
        byte[] bytes = write(java(), cart(build(NO_SERIAL_VERSION), "alice", 3));
        SerializationException e = assertThrows(SerializationException.class,
                () -> java().deserialize(bytes, build(NO_SERIAL_VERSION_ADDED)));
        assertTrue(e.getMessage().contains("shop.Cart; local class incompatible"), e.getMessage());
    }
}
