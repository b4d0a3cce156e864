package dev.msm.core.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.api.Unit;

/**
 * Issue 15, item 8: data a store writer crafted costs a reader neither an {@link Error} (a 5xx) nor exponential time,
 * with both serializers: an error while reading is a {@link SerializationException} (the request gets a fresh
 * session), and collections nested deeper than {@link FilteredObjectInput#MAX_CONTAINER_NESTING} are refused before
 * their hashing cost grows.
 */
@Unit
class HostileDataTest {

    private static final Duration FAST = Duration.ofSeconds(5);

    static Stream<Serializer> serializers() {
        return Stream.of(Serializers.java("serializationMaxDepth", "10000"),
                Serializers.kryo("serializationMaxDepth", "10000"));
    }

    private static Object[] session(Object value) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("value", value);
        return new Object[] {attributes, null, null, new HashMap<>()};
    }

    /** SerialDOS: each level a set holding the two sets of the next level; hashing the root walks 2^depth sets. */
    private static Set<Object> serialDos(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo"); // t1 and t2 unequal, so each set holds both
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    /** Lists sharing one list twice at every level, the outermost used as a key: hashing it walks 2^depth lists. */
    private static Map<Object, Object> sharedListsAsKey(int depth) {
        List<Object> inner = new ArrayList<>(List.of("leaf"));
        for (int i = 1; i < depth; i++) {
            List<Object> outer = new ArrayList<>();
            outer.add(inner);
            outer.add(inner);
            inner = outer;
        }
        List<Object> key = new ArrayList<>();
        Map<Object, Object> map = new HashMap<>();
        map.put("key", 1);
        map.put(key, 2); // hashed while empty: building the map does not pay what reading it would
        key.add(inner);
        key.add(inner);
        return map;
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void nestedHashSets_RefusedBeforeTheirHashingCostGrows(Serializer serializer) {
        byte[] bytes = serializer.serialize(session(serialDos(100)));
        assertTimeoutPreemptively(FAST, () -> assertThrows(SerializationException.class,
                () -> serializer.deserialize(bytes, null)));
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void sharedListsAsMapKey_RefusedBeforeTheirHashingCostGrows(Serializer serializer) {
        byte[] bytes = serializer.serialize(session(sharedListsAsKey(60)));
        assertTimeoutPreemptively(FAST, () -> assertThrows(SerializationException.class,
                () -> serializer.deserialize(bytes, null)));
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void collectionsNestedAsDeepAsTheBound_AreRead(Serializer serializer) {
        // the session graph itself takes two levels (its array and the attribute map)
        Map<Object, Object> value = sharedListsAsKey(FilteredObjectInput.MAX_CONTAINER_NESTING - 4);
        Map<?, ?> back = (Map<?, ?>) ((Map<?, ?>) ((Object[]) serializer.deserialize(serializer.serialize(
                session(value)), null))[0]).get("value");
        assertEquals(2, back.size());
        assertEquals(1, back.get("key"));
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void listContainingItselfAsAKey_IsASerializationExceptionNotAnError(Serializer serializer) {
        List<Object> self = new ArrayList<>();
        Map<Object, Object> map = new HashMap<>();
        map.put(self, 1);
        self.add(self); // its hashCode() now recurses without end, as when the map is read
        byte[] bytes = serializer.serialize(session(map));
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.deserialize(bytes, null));
        boolean overflow = false;
        for (Throwable t = e; t != null && !overflow; t = t.getCause()) {
            overflow = t instanceof StackOverflowError;
        }
        assertTrue(overflow, "not the recursion under test: " + e);
    }
}
