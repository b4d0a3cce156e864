package dev.msm.core.serial;

import java.util.List;

import dev.msm.api.Attribute;
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

    /** {@code allowedClasses}, read by both serializers. */
    public static final Attribute ALLOWED_CLASSES = Attribute.text("allowedClasses", "JDK value types and "
            + "collections, Tomcat's principal and saved request, Spring Security's and Spring MVC's session classes",
            ClassAllowList.ACCEPTED, "classes the serializer may instantiate when reading, besides the default ones");
    /** {@code serializationMaxDepth}, read by both serializers. */
    public static final Attribute MAX_DEPTH = Attribute.integer("serializationMaxDepth", DEFAULT_MAX_DEPTH, 1,
            10_000, "the deepest object nesting read back");

    private static final List<Attribute> ATTRIBUTES = List.of(ALLOWED_CLASSES, MAX_DEPTH);

    @Override
    public List<Attribute> attributes() {
        return ATTRIBUTES;
    }

    @Override
    public Serializer create(Settings settings) {
        return new JavaSerializer(ClassAllowList.of(settings.get(ALLOWED_CLASSES)),
                settings.get(MAX_DEPTH, Integer.class));
    }
}
