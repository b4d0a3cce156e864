package dev.msm.core.serial;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.msm.api.Settings;
import dev.msm.core.serial.kryo.KryoSerializerProvider;

/** Both serializers as the manager creates them, for the tests of this package. */
public final class Serializers {

    private Serializers() {
    }

    /** @return attributes as a manager hands them to a serializer, from name/value pairs */
    public static Settings settings(String... pairs) {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            attributes.put(pairs[i], pairs[i + 1]);
        }
        return new Settings(attributes, Duration.ofSeconds(1), "/test");
    }

    /** @return the {@code java} serializer with these attributes */
    public static CheckingSerializer java(String... pairs) {
        return (CheckingSerializer) new JavaSerializerProvider().create(settings(pairs));
    }

    /** @return the {@code kryo} serializer with these attributes */
    public static CheckingSerializer kryo(String... pairs) {
        return (CheckingSerializer) new KryoSerializerProvider().create(settings(pairs));
    }

    /** @return the attributes of a session graph */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> attributes(Object graph) {
        return (Map<String, Object>) ((Object[]) graph)[0];
    }
}
