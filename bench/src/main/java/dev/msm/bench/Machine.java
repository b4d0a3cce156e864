package dev.msm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the results files say about the machine and the software they were measured with.
 */
final class Machine {

    private Machine() {
    }

    /**
     * @return cores, CPU model, memory, OS, kernel and JDK, by name
     */
    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name"));
        String mem = firstMatch(Path.of("/proc/meminfo"), "MemTotal");
        if (!mem.isEmpty()) {
            long kb = Long.parseLong(mem.replaceAll("[^0-9]", ""));
            m.put("memory", (kb / 1024 / 1024) + " GiB");
        }
        String os = firstMatch(Path.of("/etc/os-release"), "PRETTY_NAME").replace("\"", "");
        String debian = read(Path.of("/etc/debian_version")).trim();
        m.put("os", os + (debian.isEmpty() ? "" : " (" + debian + ")") + ", Linux "
                + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }

    /**
     * @param command a command printing its version, e.g. {@code memcached -V}
     * @return the first line it printed, or {@code unknown}
     */
    static String version(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            String text = new String(out, StandardCharsets.UTF_8).trim();
            int nl = text.indexOf('\n');
            return nl < 0 ? text : text.substring(0, nl).trim();
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String firstMatch(Path file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key)) {
                int sep = line.indexOf(line.contains(":") ? ':' : '=');
                return line.substring(sep + 1).trim();
            }
        }
        return "";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
