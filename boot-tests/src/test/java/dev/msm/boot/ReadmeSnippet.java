package dev.msm.boot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps a README code snippet and the test that runs it the same: every line of the snippet appears in the test's
 * source (the README's example node list aside), so the snippet compiles and works as the test shows.
 */
public final class ReadmeSnippet {

    /** The node list the README's examples use; tests have their own ports. */
    public static final String README_NODES = "\"n1:memcached1:11211 n2:memcached2:11211\"";

    private ReadmeSnippet() {
    }

    /**
     * @param heading    the README heading the snippet follows, e.g. {@code ## Spring Boot 4}
     * @param source     the test's source file, relative to its module
     * @param testsNodes the expression the test writes instead of {@link #README_NODES}
     */
    public static void assertUsedBy(String heading, String source, String testsNodes) {
        String readme = read(Path.of("..", "README.md"));
        int section = readme.indexOf("\n" + heading + "\n");
        assertTrue(section >= 0, "README has no section [" + heading + "]");
        int start = readme.indexOf("```java\n", section);
        int end = readme.indexOf("```", start + 7);
        assertTrue(start > 0 && end > start, "no java snippet in [" + heading + "]");
        String code = read(Path.of(source));
        for (String line : readme.substring(start + 8, end).split("\n")) {
            String expected = line.strip().replace(README_NODES, testsNodes);
            int comment = expected.indexOf(" // ");
            if (comment > 0) {
                expected = expected.substring(0, comment);
            }
            if (!expected.isEmpty()) {
                assertTrue(code.contains(expected), "README line [" + line.strip() + "] of [" + heading
                        + "] is not in " + source);
            }
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
