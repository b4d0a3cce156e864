package dev.msm.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the scenarios change in a deployed {@link SampleApp} between two starts of its Tomcat, the way an operator
 * does: a page added, the {@code <Manager>} attributes of {@code META-INF/context.xml} rewritten, a new build of the
 * application's classes copied into {@code WEB-INF/classes}, a key of fixed seed for its {@code <Manager>}; and the
 * console log read from an offset.
 */
final class Webapps {

    private Webapps() {
    }

    /** @return the exploded application {@code app} of {@code t} */
    static Path dir(TomcatInstance t, String app) {
        return t.consoleLog().getParent().resolve("webapps").resolve(app);
    }

    /**
     * Adds a page of {@code it/src/test/resources/dev/msm/it/pages} to a deployed application.
     *
     * @param page e.g. {@code hold.jsp}
     */
    static void addPage(TomcatInstance t, String app, String page) {
        try (InputStream in = Webapps.class.getResourceAsStream("/dev/msm/it/pages/" + page)) {
            if (in == null) {
                throw new IllegalStateException("No page [" + page + "] among the test resources");
            }
            Files.copy(in, dir(t, app).resolve(page), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites the application's {@code META-INF/context.xml} with these {@code <Manager>} attributes. */
    static void reconfigure(TomcatInstance t, String app, Map<String, String> manager) {
        try {
            Files.writeString(dir(t, app).resolve("META-INF/context.xml"),
                    SampleApp.contextXml(manager, t.eventLog(app)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the application's {@code WEB-INF/classes/<path>} files by those of {@code build}.
     *
     * @param build a directory of compiled classes
     * @param files their paths relative to it, e.g. {@code shop/Cart.class}
     */
    static void installClasses(TomcatInstance t, String app, Path build, List<String> files) {
        try {
            for (String f : files) {
                Path to = dir(t, app).resolve("WEB-INF/classes").resolve(f);
                Files.createDirectories(to.getParent());
                Files.copy(build.resolve(f), to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param seed a fixed seed, so that every run and every Tomcat has the same key
     * @return a 256-bit key as {@code encryptionKeys} and {@code integrityKeys} take it (Base64)
     */
    static String key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /** @return the console log's size now: what {@link #logSince} reads from */
    static long logOffset(TomcatInstance t) {
        try {
            return Files.exists(t.consoleLog()) ? Files.size(t.consoleLog()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return what the console log received after {@code offset} */
    static String logSince(TomcatInstance t, long offset) {
        try {
            byte[] all = Files.readAllBytes(t.consoleLog());
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the SEVERE and ERROR lines the console log received after {@code offset} */
    static List<String> severeSince(TomcatInstance t, long offset) {
        return logSince(t, offset).lines().filter(l -> l.contains(" SEVERE ") || l.contains(" ERROR ")).toList();
    }
}
