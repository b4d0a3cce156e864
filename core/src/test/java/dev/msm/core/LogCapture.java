package dev.msm.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what is logged through java.util.logging (JULI's default backend) while a test runs. */
public final class LogCapture extends Handler {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    /** @return a capture attached to the root logger */
    public static LogCapture start() {
        LogCapture c = new LogCapture();
        Logger.getLogger("").addHandler(c);
        return c;
    }

    public void stop() {
        Logger.getLogger("").removeHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Forgets what was captured so far (e.g. the start-up messages of the Tomcat under test). */
    public void clear() {
        records.clear();
    }

    /** @return every message with its cause chain, one per line */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : records) {
            sb.append(r.getLevel()).append(' ').append(r.getMessage());
            for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                sb.append(" | ").append(t);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public boolean contains(String text) {
        return text().contains(text);
    }

    /** @return records at {@code level} or above */
    public long countAtLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).count();
    }
}
