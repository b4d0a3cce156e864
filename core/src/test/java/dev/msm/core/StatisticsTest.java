package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void histogram_PercentilesWithinAQuarterOfAPowerOfTwo() {
        Statistics.Histogram h = new Statistics.Histogram();
        for (int i = 1; i <= 1000; i++) {
            h.record(i);
        }
        assertEquals(1000, h.count());
        long p50 = h.percentile(50);
        long p99 = h.percentile(99);
        assertTrue(p50 >= 500 && p50 <= 500 * 1.19 + 1, "p50 " + p50);
        assertTrue(p99 >= 990 && p99 <= 990 * 1.19 + 1, "p99 " + p99);
        assertEquals(0, h.percentile(0) > 1 ? 1 : 0);
        h.reset();
        assertEquals(0, h.percentile(50));
    }

    @Test
    void counters_CountAndReset() {
        Statistics s = new Statistics();
        s.count(Statistics.Counter.LOADS);
        s.count(Statistics.Counter.LOADS);
        assertEquals(2, s.get(Statistics.Counter.LOADS));
        s.reset();
        assertEquals(0, s.get(Statistics.Counter.LOADS));
    }
}
