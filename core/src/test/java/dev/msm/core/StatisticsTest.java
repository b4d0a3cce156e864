package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.msm.api.Unit;

@Unit
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

    @Test
    void totals_SumWhatWasRecorded_SoThatRatesGiveWindowedMeans() {
        Statistics s = new Statistics();
        s.time(Statistics.Timer.WRITE, System.nanoTime() - 3_000_000);
        s.time(Statistics.Timer.WRITE, System.nanoTime() - 1_000_000);
        s.size(700);
        s.size(300);
        assertEquals(2, s.count(Statistics.Timer.WRITE));
        long total = s.totalMicros(Statistics.Timer.WRITE);
        assertTrue(total >= 4000 && total < 4000 + 60_000_000, "total " + total);
        assertEquals(0, s.totalMicros(Statistics.Timer.LOAD));
        assertEquals(1000, s.totalSizeBytes());
        s.reset();
        assertEquals(0, s.totalMicros(Statistics.Timer.WRITE));
        assertEquals(0, s.totalSizeBytes());
    }
}
