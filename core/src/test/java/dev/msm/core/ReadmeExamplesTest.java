package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.msm.api.SerializerProvider;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Unit;

/**
 * Every {@code <Manager>} example in the README is a valid configuration: its attributes parse, its store and
 * serializer exist, and each attribute is read by the manager, the store or the serializer (nothing is connected).
 */
@Unit
class ReadmeExamplesTest {

    private static final Pattern MANAGER = Pattern.compile("<Manager\\s([^>]*)/>", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"");
    /** {@code ${name}} in an attribute, resolved from the README's own {@code catalina.properties} lines. */
    private static final Pattern PROPERTY_REFERENCE = Pattern.compile("\\$\\{([^}]+)}");
    private static final Pattern PROPERTY = Pattern.compile("(?m)^(msm\\.[A-Za-z.]+)=(\\S+)$");

    static List<Map<String, String>> examples() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Map<String, String> properties = new LinkedHashMap<>();
        Matcher p = PROPERTY.matcher(readme);
        while (p.find()) {
            properties.put(p.group(1), p.group(2));
        }
        List<Map<String, String>> examples = new ArrayList<>();
        Matcher m = MANAGER.matcher(readme);
        while (m.find()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher a = ATTRIBUTE.matcher(m.group(1));
            while (a.find()) {
                Matcher ref = PROPERTY_REFERENCE.matcher(a.group(2));
                String value = a.group(2);
                if (ref.matches()) {
                    value = properties.get(ref.group(1));
                    assertTrue(value != null, "the README uses ${" + ref.group(1) + "} but shows no value for it");
                }
                attributes.put(a.group(1), value);
            }
            examples.add(attributes);
        }
        return examples;
    }

    @Test
    void everyManagerExample_IsAValidConfiguration() throws IOException {
        List<Map<String, String>> examples = examples();
        assertTrue(examples.size() >= 5, "the README lost its examples: " + examples.size());
        for (Map<String, String> example : examples) {
            assertEquals("dev.msm.tomcat.MsmManager", example.get("className"), example.toString());
            Map<String, String> attributes = new LinkedHashMap<>();
            example.forEach((k, v) -> {
                if (!k.equals("className")) {
                    assertTrue(hasSetter(k), "no setter for [" + k + "]");
                    attributes.put(k, v);
                }
            });
            ManagerConfig config = ManagerConfig.parse(attributes);
            ClassLoader loader = getClass().getClassLoader();
            SessionStoreProvider store = Plugins.store(config.store(), loader);
            SerializerProvider serializer = Plugins.serializer(config.serializer(), loader);
            List<String> warnings = new ArrayList<>();
            Plugins.split(attributes, store, serializer, loader, new LinkedHashMap<>(), new LinkedHashMap<>(),
                    warnings);
            assertEquals(List.of(), warnings, example.toString());
        }
    }

    static boolean hasSetter(String attribute) {
        String setter = "set" + Character.toUpperCase(attribute.charAt(0)) + attribute.substring(1);
        try {
            MsmManagerBase.class.getMethod(setter, String.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
