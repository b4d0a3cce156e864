package dev.msm.core.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.msm.api.SerializationException;
import dev.msm.api.Unit;

@Unit
class JavaSerializerTest {

    /** An application class, not on the default allow-list. */
    static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<String> items = new ArrayList<>();
    }

    private final JavaSerializer defaults = new JavaSerializer(ClassAllowList.of(null), 100);

    @Test
    void jdkTypes_RoundTrip() {
        Map<String, Object> m = new HashMap<>();
        m.put("date", LocalDate.of(2026, 11, 28));
        m.put("list", new LinkedList<>(List.of(1, 2, 3)));
        m.put("arr", new long[] {1, 2});
        Object[] graph = {m, null, "FORM", new HashMap<>()};
        Object[] back = (Object[]) defaults.deserialize(defaults.serialize(graph), getClass().getClassLoader());
        assertEquals(m.get("date"), ((Map<?, ?>) back[0]).get("date"));
        assertEquals("FORM", back[2]);
    }

    @Test
    void applicationClass_RefusedUntilAllowed() {
        byte[] bytes = defaults.serialize(new Object[] {Map.of("cart", new Cart()), null, null, Map.of()});
        SerializationException e = assertThrows(SerializationException.class,
                () -> defaults.deserialize(bytes, getClass().getClassLoader()));
        assertEquals(Cart.class.getName(), e.rejectedClass());
        assertTrue(e.getMessage().contains("allowedClasses"));
        JavaSerializer allowing = new JavaSerializer(ClassAllowList.of("dev.msm.core.serial.JavaSerializerTest"), 100);
        allowing.deserialize(bytes, getClass().getClassLoader());
        new JavaSerializer(ClassAllowList.of("dev.msm.**"), 100).deserialize(bytes, getClass().getClassLoader());
    }

    @Test
    void depth_IsBounded() {
        Object nested = "leaf";
        for (int i = 0; i < 300; i++) {
            nested = new Object[] {nested};
        }
        byte[] bytes = defaults.serialize(nested);
        assertThrows(SerializationException.class, () -> defaults.deserialize(bytes, null));
    }

    @Test
    void malformedAllowList_NamesAttribute() {
        assertTrue(assertThrows(dev.msm.api.InvalidAttributeException.class, () -> ClassAllowList.of("com.x.*.y"))
                .getMessage().startsWith("Invalid value [com.x.*.y] for attribute [allowedClasses]"));
    }
}
