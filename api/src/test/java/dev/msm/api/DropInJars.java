package dev.msm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks of a built drop-in jar (run by each module's {@code *IT} after {@code package}): the CycloneDX bill of
 * materials inside it lists the libraries it shades with their versions, and the pom published with it declares
 * none of them, so neither a vulnerability scanner nor a Maven user is misled about what the jar contains.
 */
public final class DropInJars {

    /** Where cyclonedx-maven-plugin's bill of materials lands inside each drop-in jar. */
    public static final String SBOM = "META-INF/sbom/bom.json";

    private static final Pattern PURL = Pattern.compile("\"purl\"\\s*:\\s*\"pkg:maven/([^/\"]+)/([^@\"]+)@([^?\"]+)");

    private DropInJars() {
    }

    /**
     * @param jar the built drop-in jar
     * @return the Maven components its bill of materials lists, as {@code group:artifact:version}
     */
    public static Set<String> sbomComponents(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry(SBOM);
            assertNotNull(entry, jar + " carries no " + SBOM);
            String json;
            try (InputStream in = file.getInputStream(entry)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Set<String> components = new LinkedHashSet<>();
            Matcher m = PURL.matcher(json);
            while (m.find()) {
                components.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
            }
            return components;
        }
    }

    /**
     * @param pom the dependency-reduced pom published with the jar
     * @return its dependencies that a user's build would put on the class path, as {@code group:artifact:scope}
     */
    public static List<String> inheritedDependencies(Path pom) throws Exception {
        NodeList deps = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getDocumentElement().getElementsByTagName("dependency");
        List<String> inherited = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if (d.getParentNode().getParentNode().getNodeName().equals("dependencyManagement")) {
                continue;
            }
            String scope = text(d, "scope", "compile");
            boolean optional = Boolean.parseBoolean(text(d, "optional", "false"));
            if (!optional && (scope.equals("compile") || scope.equals("runtime"))) {
                inherited.add(text(d, "groupId", "") + ":" + text(d, "artifactId", "") + ":" + scope);
            }
        }
        return inherited;
    }

    private static String text(Element parent, String tag, String otherwise) {
        NodeList n = parent.getElementsByTagName(tag);
        return n.getLength() == 0 ? otherwise : n.item(0).getTextContent().trim();
    }

    /**
     * Asserts both properties of a drop-in jar.
     *
     * @param jar    the built jar
     * @param pom    its dependency-reduced pom
     * @param shaded {@code group:artifact:version} of libraries that must be listed (at least these); not checked
     *               in an offline build (system property {@code msm.build} is {@code offline=true}), which cannot
     *               make the list
     */
    public static void assertDescribesWhatItShades(Path jar, Path pom, List<String> shaded) throws Exception {
        assertEquals(List.of(), inheritedDependencies(pom),
                "the published pom of " + jar.getFileName() + " must not add what the jar already contains");
        assumeFalse("offline=true".equals(System.getProperty("msm.build")),
                "cyclonedx-maven-plugin runs only online: an offline build (-o) makes jars without " + SBOM);
        Set<String> components = sbomComponents(jar);
        for (String library : shaded) {
            assertTrue(components.contains(library), library + " missing from " + SBOM + " of " + jar + ": "
                    + components);
        }
    }

    /**
     * @param property a system property set by the module's failsafe configuration
     * @return its value as a path
     */
    public static Path path(String property) {
        String value = System.getProperty(property);
        assertNotNull(value, "system property [" + property + "] (set by failsafe after package)");
        return Path.of(value);
    }

    /**
     * @param property a system property set by the module's failsafe configuration
     * @return its value as the path of a jar that {@code package} built
     */
    public static Path built(String property) {
        Path jar = path(property);
        assertTrue(Files.isRegularFile(jar), jar + " was not built: run mvn package");
        return jar;
    }

    /**
     * @return the comma-separated {@code group:artifact:version} list in system property {@code msm.dropin.shaded}
     */
    public static List<String> expectedShaded() {
        String value = System.getProperty("msm.dropin.shaded");
        assertNotNull(value, "system property [msm.dropin.shaded]");
        return List.of(value.trim().split("\\s*,\\s*"));
    }

    /**
     * The packages (as jar entry prefixes) whose classes each drop-in jar carries: the manager jar (Tomcat 10.1 or
     * 11, never both), and the store jars a user drops beside it. They are disjoint and none is Tomcat's or the
     * Servlet API's, so a class in a jar outside its own packages would exist twice on Tomcat's class path.
     */
    public static final Map<String, List<String>> OWNED_PACKAGES = Map.of(
            "tomcat", List.of("dev/msm/api/", "dev/msm/core/", "dev/msm/memcached/", "dev/msm/tomcat/",
                    "dev/msm/shaded/"),
            "redis", List.of("dev/msm/redis/"),
            "couchbase", List.of("dev/msm/couchbase/", "com/couchbase/client/"));

    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/[0-9]+/");

    /**
     * Asserts that a drop-in jar holds each entry once, and classes only in its own packages: none of Tomcat, of the
     * Servlet API, of msm's other jars or of another copy of a library.
     *
     * @param jar   the built jar
     * @param owner a key of {@link #OWNED_PACKAGES}
     */
    public static void assertHoldsEachClassOnceInItsOwnPackages(Path jar, String owner) throws IOException {
        List<String> own = OWNED_PACKAGES.get(owner);
        assertNotNull(own, owner);
        Set<String> entries = new HashSet<>();
        List<String> twice = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        int classes = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                String name = e.getName();
                if (!entries.add(name) && !name.endsWith("/")) {
                    twice.add(name);
                }
                if (!name.endsWith(".class")) {
                    continue;
                }
                classes++;
                String className = VERSIONED.matcher(name).replaceFirst("");
                if (own.stream().noneMatch(className::startsWith)) {
                    foreign.add(name);
                }
            }
        }
        assertTrue(classes > 0, jar + " holds no classes");
        assertEquals(List.of(), twice, "entries twice in " + jar.getFileName());
        assertEquals(List.of(), foreign.subList(0, Math.min(foreign.size(), 20)), foreign.size() + " classes of "
                + jar.getFileName() + " outside its packages " + own);
        for (Map.Entry<String, List<String>> other : OWNED_PACKAGES.entrySet()) {
            for (String prefix : own) {
                if (!other.getKey().equals(owner)) {
                    for (String theirs : other.getValue()) {
                        assertTrue(!prefix.startsWith(theirs) && !theirs.startsWith(prefix), owner + " and "
                                + other.getKey() + " share " + prefix);
                    }
                }
            }
        }
    }
}
