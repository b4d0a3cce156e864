package dev.msm.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes the CPU samples ({@code jdk.ExecutionSample}) of a JFR recording of a Tomcat under load: where the
 * samples are by thread, the methods that are on CPU themselves (self), and the frames of the session managers and
 * their store clients that the samples pass through (inclusive), as the text of a markdown section.
 */
final class JfrHotSpots {

    /** Packages whose frames the inclusive table shows: the managers, their store clients and serializers. */
    private static final List<String> INCLUSIVE_PACKAGES = List.of("dev.msm.", "net.spy.", "org.redisson.",
            "com.esotericsoftware.", "io.netty.", "org.apache.catalina.session.", "java.io.Object",
            "javax.crypto.", "java.security.MessageDigest", "java.util.zip.");

    private JfrHotSpots() {
    }

    /**
     * @param recording a JFR file
     * @param top       how many rows per table
     * @return markdown: samples by thread, top self methods, top inclusive frames of {@link #INCLUSIVE_PACKAGES}
     * @throws IOException when the file cannot be read
     */
    static String summarize(Path recording, int top) throws IOException {
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        int requestSamples = 0;
        int requestInMsm = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            RecordedThread thread = e.getThread("sampledThread");
            String threadGroup = thread == null || thread.getJavaName() == null ? "(native)"
                    : thread.getJavaName().replaceAll("\\d+", "N");
            byThread.merge(threadGroup, 1, Integer::sum);
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            boolean inMsm = false;
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n) && INCLUSIVE_PACKAGES.stream().anyMatch(n::startsWith)) {
                    inclusive.merge(n, 1, Integer::sum);
                }
                inMsm |= n.startsWith("dev.msm.");
            }
            if (threadGroup.contains("exec")) {
                requestSamples++;
                if (inMsm) {
                    requestInMsm++;
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(samples).append(" CPU samples; ").append(requestSamples).append(" in Tomcat's request threads, ")
                .append(pct(requestInMsm, requestSamples)).append(" of those inside msm (a `dev.msm` frame on the ")
                .append("stack).\n\n");
        table(md, "thread (digits as N)", byThread, samples, top);
        table(md, "on CPU (self)", self, samples, top);
        table(md, "inclusive: manager, store client, serializer, crypto frames", inclusive, samples, top);
        return md.toString();
    }

    private static void table(StringBuilder md, String title, Map<String, Integer> counts, int samples, int top) {
        md.append("| ").append(title).append(" | samples | share |\n|---|---|---|\n");
        Map<String, Integer> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        sorted.forEach((k, v) -> md.append("| `").append(k.replace("|", "\\|")).append("` | ").append(v)
                .append(" | ").append(pct(v, samples)).append(" |\n"));
        md.append('\n');
    }

    private static String pct(int part, int whole) {
        return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "(unknown)";
        }
        return m.getType().getName() + "." + m.getName();
    }
}
