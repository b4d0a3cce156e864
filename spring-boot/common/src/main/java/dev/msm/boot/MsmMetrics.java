package dev.msm.boot;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.Statistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * msm's statistics as Micrometer meters, read live from the installed manager:
 * <ul>
 * <li>every {@link Statistics.Counter} as a counter {@code msm.<name>} (Prometheus: {@code msm_loads_total},
 * {@code msm_lock_timeouts_total}, ...);</li>
 * <li>every {@link Statistics.Timer} as a timer {@code msm.load}, {@code msm.write}, {@code msm.lock.wait},
 * {@code msm.serialization} with count and total time (Prometheus: {@code msm_load_seconds_count} and
 * {@code msm_load_seconds_sum}; the mean over any window is the ratio of their rates);</li>
 * <li>{@code msm.session.serialized} (bytes written, a counter), and the gauges {@code msm.sessions.active},
 * {@code msm.store.nodes}, {@code msm.store.nodes.available} and {@code msm.backups.pending}.</li>
 * </ul>
 * Thread-safe; meters read 0 until the manager is installed.
 */
public final class MsmMetrics implements MeterBinder {

    private final MsmInstaller installer;

    /**
     * @param installer where the manager is found
     */
    public MsmMetrics(MsmInstaller installer) {
        this.installer = installer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Statistics.Counter c : Statistics.Counter.values()) {
            FunctionCounter.builder(name(c), installer, statistic(s -> s.get(c)))
                    .description("msm: " + c.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .register(registry);
        }
        for (Statistics.Timer t : Statistics.Timer.values()) {
            FunctionTimer.builder(name(t), installer, i -> (long) statistic(s -> s.count(t)).applyAsDouble(i),
                    statistic(s -> s.totalMicros(t)), TimeUnit.MICROSECONDS)
                    .description("msm: time of " + t.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .register(registry);
        }
        FunctionCounter.builder("msm.session.serialized", installer, statistic(Statistics::totalSizeBytes))
                .baseUnit(BaseUnits.BYTES).description("msm: bytes of serialized sessions").register(registry);
        Gauge.builder("msm.sessions.active", installer, manager(MsmManagerBase::getActiveSessions))
                .description("msm: sessions in this Tomcat's memory").register(registry);
        Gauge.builder("msm.store.nodes", installer, manager(MsmManagerBase::getNodeCount))
                .description("msm: configured store nodes").register(registry);
        Gauge.builder("msm.store.nodes.available", installer, manager(MsmManagerBase::getAvailableNodeCount))
                .description("msm: store nodes available now").register(registry);
        Gauge.builder("msm.backups.pending", installer, manager(MsmManagerBase::pendingBackups))
                .description("msm: sticky backups queued or running").register(registry);
    }

    /** {@code LOAD_MISSES} → {@code msm.load.misses} */
    static String name(Enum<?> statistic) {
        return "msm." + statistic.name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static ToDoubleFunction<MsmInstaller> statistic(ToDoubleFunction<Statistics> read) {
        return i -> {
            MsmManagerBase m = i.manager();
            return m == null ? 0 : read.applyAsDouble(m.statistics());
        };
    }

    private static ToDoubleFunction<MsmInstaller> manager(ToDoubleFunction<MsmManagerBase> read) {
        return i -> {
            MsmManagerBase m = i.manager();
            return m == null ? 0 : read.applyAsDouble(m);
        };
    }
}
