package dev.msm.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The sample web application, deployed as an exploded directory: JSPs (compiled by the Jasper of the distribution,
 * so no compilation step), a {@code web.xml} with FORM login on {@code /secure/*}, the listener classes of
 * {@link dev.msm.it.app} in {@code WEB-INF/classes} (copied from this module's classpath), and a
 * {@code META-INF/context.xml} holding the {@code <Manager>} element the test chose.
 *
 * <p>Pages (all {@code text/plain}): {@code count.jsp} (increments the Integer {@code count}), {@code read.jsp}
 * ({@code count=N} or {@code none}, changes nothing), {@code list.jsp} (appends to a list in place),
 * {@code set.jsp?name=&value=}, {@code get.jsp?name=}, {@code invalidate.jsp}, {@code timeout.jsp?s=},
 * {@code bound.jsp} (binds a {@code dev.msm.it.app.UnbindRecorder}), {@code id.jsp}, {@code nosession.jsp},
 * {@code status.jsp} (the store nodes msm sees, from its JMX bean), {@code manager.jsp?attribute=} (any attribute
 * of that bean), {@code longcount.jsp?ms=} (takes the session, works that long, then increments {@code count}),
 * {@code login.jsp}, {@code loginerror.jsp}, {@code secure/hello.jsp}.
 */
public final class SampleApp {

    private static final String RESOURCES = "/dev/msm/it/sample-app/";
    private static final List<String> FILES = List.of("count.jsp", "read.jsp", "list.jsp", "set.jsp", "get.jsp",
            "invalidate.jsp", "timeout.jsp", "bound.jsp", "id.jsp", "nosession.jsp", "status.jsp", "manager.jsp",
            "longcount.jsp", "login.jsp", "loginerror.jsp", "secure/hello.jsp", "WEB-INF/web.xml");
    /** By name: loading them here would need the Servlet API, which only Tomcat has. */
    private static final List<String> CLASSES = List.of("dev.msm.it.app.EventLog", "dev.msm.it.app.SessionEvents",
            "dev.msm.it.app.UnbindRecorder");

    private SampleApp() {
    }

    /**
     * Writes the application into {@code dir} (replacing what is there).
     *
     * @param dir      the exploded application, e.g. {@code CATALINA_BASE/webapps/sticky}
     * @param manager  the attributes of the {@code <Manager>} element, in order; {@code className} first
     * @param eventLog the file the session listeners append to
     */
    public static void deploy(Path dir, Map<String, String> manager, Path eventLog) {
        try {
            TomcatInstance.deleteTree(dir);
            for (String file : FILES) {
                copyResource(RESOURCES + file, dir.resolve(file));
            }
            for (String c : CLASSES) {
                String name = c.replace('.', '/') + ".class";
                copyResource("/" + name, dir.resolve("WEB-INF/classes").resolve(name));
            }
            Path contextXml = dir.resolve("META-INF/context.xml");
            Files.createDirectories(contextXml.getParent());
            Files.writeString(contextXml, contextXml(manager, eventLog), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The {@code context.xml}: the manager, expiry checked every second (so that short session timeouts fire
     * promptly), reloadable (a changed class in {@code WEB-INF/classes} reloads the context, as in development), no
     * jar scanning (nothing to find; saves start time) and the event log's path.
     *
     * @param manager  the {@code <Manager>} attributes
     * @param eventLog the event log
     * @return the XML text
     */
    public static String contextXml(Map<String, String> manager, Path eventLog) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<Context backgroundProcessorDelay=\"1\" reloadable=\"true\">\n")
                .append("  <JarScanner scanClassPath=\"false\" scanManifest=\"false\"/>\n")
                .append("  <Parameter name=\"eventLog\" value=\"")
                .append(escape(eventLog.toAbsolutePath().toString())).append("\" override=\"false\"/>\n")
                .append("  <Manager");
        for (Map.Entry<String, String> a : manager.entrySet()) {
            xml.append("\n      ").append(a.getKey()).append("=\"").append(escape(a.getValue())).append('"');
        }
        return xml.append("/>\n</Context>\n").toString();
    }

    /**
     * @param body the answer of {@code count.jsp} or {@code read.jsp}, trimmed, e.g. {@code count=3}
     * @return the count it names
     * @throws AssertionError when the answer is not a count (e.g. {@code none})
     */
    public static int count(String body) {
        if (!body.startsWith("count=")) {
            throw new AssertionError("not a count: [" + body + "]");
        }
        return Integer.parseInt(body.substring("count=".length()));
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = SampleApp.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Resource " + resource + " is missing from the classpath");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
