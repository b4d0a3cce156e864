package dev.msm.core.serial;

import java.util.Set;

import dev.msm.api.Serializer;
import dev.msm.api.SerializerProvider;
import dev.msm.api.Settings;

/**
 * The {@code java} serializer (the default): Java serialization, read back through a filter that only instantiates
 * classes of the allow-list ({@code allowedClasses}) and bounds depth, references, array lengths and bytes.
 *
 * <p>Attributes: {@code allowedClasses} (see {@link ClassAllowList}), {@code serializationMaxDepth} (default 100:
 * the deepest object nesting read back).
 */
public final class JavaSerializerProvider implements SerializerProvider {

    /** Default of {@code serializationMaxDepth}. */
    public static final int DEFAULT_MAX_DEPTH = 100;

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Set<String> attributeNames() {
        return Set.of("allowedClasses", "serializationMaxDepth");
    }

    @Override
    public Serializer create(Settings settings) {
        return new JavaSerializer(ClassAllowList.of(settings.get("allowedClasses")),
                settings.getInt("serializationMaxDepth", DEFAULT_MAX_DEPTH, 1, 10_000));
    }
}
