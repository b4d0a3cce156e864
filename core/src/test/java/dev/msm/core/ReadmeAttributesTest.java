package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.msm.api.Attribute;
import dev.msm.api.SerializerProvider;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Unit;

/**
 * Issue 13: the README's attribute tables are made from the declarations ({@link Attributes} for the manager, each
 * store's and serializer's {@code attributes()}): a table that differs from them in a name, a default, the accepted
 * values or the meaning fails here, and {@code target/readme-attribute-tables.md} holds the tables to paste.
 */
@Unit
class ReadmeAttributesTest {

    private static final String MARKER = "<!-- attributes: %s -->";

    /** Each README table by its marker, in README order: the manager, each store, the serializers. */
    static Map<String, List<Attribute>> tables() {
        Map<String, List<Attribute>> tables = new LinkedHashMap<>();
        tables.put("manager", Attributes.MANAGER);
        Map<String, SessionStoreProvider> stores = new LinkedHashMap<>();
        ServiceLoader.load(SessionStoreProvider.class).forEach(p -> stores.put(p.name(), p));
        for (String name : List.of("memcached", "redis", "couchbase", "memory")) {
            assertTrue(stores.containsKey(name), "store [" + name + "] is on the test class path");
            tables.put(name, stores.get(name).attributes());
        }
        Map<String, Attribute> serializers = new LinkedHashMap<>();
        for (String name : List.of("java", "kryo")) {
            SerializerProvider p = Plugins.serializer(name, ReadmeAttributesTest.class.getClassLoader());
            for (Attribute a : p.attributes()) {
                Attribute earlier = serializers.putIfAbsent(a.name(), a);
                assertTrue(earlier == null || earlier == a, "serializers declare [" + a.name() + "] differently");
            }
        }
        tables.put("serializers", List.copyOf(serializers.values()));
        return tables;
    }

    @Test
    void everyProvider_DeclaresExactlyTheAttributesItReads() {
        List<Object> providers = new ArrayList<>();
        ServiceLoader.load(SessionStoreProvider.class).forEach(providers::add);
        ServiceLoader.load(SerializerProvider.class).forEach(providers::add);
        for (Object p : providers) {
            List<Attribute> declared = p instanceof SessionStoreProvider s ? s.attributes()
                    : ((SerializerProvider) p).attributes();
            Set<String> read = p instanceof SessionStoreProvider s ? s.attributeNames()
                    : ((SerializerProvider) p).attributeNames();
            assertEquals(read, Attribute.names(declared), p.getClass().getName());
            for (Attribute a : declared) {
                assertFalse(Attributes.BY_NAME.containsKey(a.name()), "[" + a.name() + "] of " + p.getClass()
                        + " is also the manager's");
            }
        }
    }

    @Test
    void readmeTables_AreTheDeclaredAttributes_NameDefaultAcceptedMeaning() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        StringBuilder all = new StringBuilder();
        Map<String, String> expected = new LinkedHashMap<>();
        tables().forEach((name, attributes) -> {
            String table = render(attributes);
            expected.put(name, table);
            all.append(String.format(MARKER, name)).append('\n').append(table).append('\n');
        });
        Path out = Path.of("target", "readme-attribute-tables.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, all, StandardCharsets.UTF_8);
        expected.forEach((name, table) -> assertEquals(table, table(readme, name), "README table [" + name
                + "] differs from the declared attributes; the tables to paste are in " + out.toAbsolutePath()));
    }

    /** The lines starting with {@code |} right after the table's marker. */
    private static String table(String readme, String name) {
        String marker = String.format(MARKER, name);
        int at = readme.indexOf(marker);
        assertTrue(at >= 0, "the README has no " + marker);
        StringBuilder table = new StringBuilder();
        for (String line : readme.substring(at + marker.length() + 1).split("\n", -1)) {
            if (!line.startsWith("|")) {
                break;
            }
            table.append(line).append('\n');
        }
        return table.toString();
    }

    static String render(List<Attribute> attributes) {
        StringBuilder table = new StringBuilder("| attribute | default | accepted | meaning |\n|---|---|---|---|\n");
        for (Attribute a : attributes) {
            for (String cell : List.of(a.shownDefault(), a.accepted(), a.description())) {
                assertFalse(cell.contains("|") || cell.contains("\n"), "[" + a.name() + "]: " + cell);
            }
            table.append("| `").append(a.name()).append("` | ").append(a.shownDefault()).append(" | ")
                    .append(accepted(a.accepted())).append(" | ").append(a.description()).append(" |\n");
        }
        return table.toString();
    }

    /** {@code [a, b]} as code words; any other phrase with Markdown's special characters escaped. */
    private static String accepted(String accepted) {
        if (accepted.startsWith("[") && accepted.endsWith("]") && accepted.indexOf(']') == accepted.length() - 1) {
            List<String> words = new ArrayList<>();
            for (String word : accepted.substring(1, accepted.length() - 1).split(", ")) {
                words.add("`" + word + "`");
            }
            return String.join(", ", words);
        }
        return accepted.replaceAll("([\\\\*_<>\\[\\]`])", "\\\\$1");
    }
}
