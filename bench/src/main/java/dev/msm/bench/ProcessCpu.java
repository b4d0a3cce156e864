package dev.msm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of processes and of the whole machine, from {@code /proc} (Linux only; elsewhere every reading is 0).
 * Used to say where a run's CPU went: the Tomcat, the store servers, and the rest (mostly wrk).
 */
final class ProcessCpu {

    /** Clock ticks per second of {@code /proc}'s times: 100 on every Linux msm runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /**
     * @param pid a process id
     * @return its user plus system CPU time so far, in ms; 0 when unknown
     */
    static double processMillis(long pid) {
        double[] t = processUserSystemMillis(pid);
        return t[0] + t[1];
    }

    /**
     * @param pid a process id
     * @return its user and its system (kernel) CPU time so far, in ms; zeros when unknown
     */
    static double[] processUserSystemMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14)
            return new double[] {Long.parseLong(f[11]) * 1000.0 / TICKS_PER_SECOND,
                Long.parseLong(f[12]) * 1000.0 / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }

    /**
     * @return the machine's busy and total CPU time so far, in ms (all cores), from the {@code cpu} line of
     *         {@code /proc/stat}; zeros when unknown
     */
    static double[] machineMillis() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = first.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) * 1000.0 / TICKS_PER_SECOND, total * 1000.0 / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }
}
