package dev.msm.it.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import jakarta.servlet.ServletContext;

/**
 * Appends one line per session event ({@code created <id>}, {@code destroyed <id>}, {@code unbound <id>}) to the file
 * named by the context parameter {@code eventLog}, so that a test in another process can count the events of every
 * Tomcat. Part of the sample application: copied into its {@code WEB-INF/classes}.
 */
public final class EventLog {

    /** The context parameter holding the file's absolute path. */
    public static final String PARAMETER = "eventLog";

    private EventLog() {
    }

    /**
     * @param context the web application the event happened in
     * @param kind    {@code created}, {@code destroyed} or {@code unbound}
     * @param id      the session id
     */
    public static void record(ServletContext context, String kind, String id) {
        String file = context.getInitParameter(PARAMETER);
        if (file == null) {
            return;
        }
        byte[] line = (kind + " " + id + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (EventLog.class) {
            try {
                Files.write(Path.of(file), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
