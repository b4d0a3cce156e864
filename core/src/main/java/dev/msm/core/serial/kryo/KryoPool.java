package dev.msm.core.serial.kryo;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.esotericsoftware.kryo.util.Pool;

/**
 * A bounded, thread-safe pool of {@link KryoInstance}s over Kryo's {@link Pool}. At most {@code capacity} pooled
 * instances exist; a call that finds none free while that many are in use gets a temporary one.
 *
 * <p>An instance is reused after a call that threw a {@link RuntimeException}: Kryo resets its graph state, and
 * exceptions are thrown at points where its own structures are consistent. It only keeps a few ints of the failed
 * graph (Kryo 5.6.2 does not clear its stack of pending reference ids), so it is replaced after
 * {@value #MAX_FAILURES} failures, and at once after an {@link Error}, which may have struck anywhere. An instance
 * that is not returned to the pool is {@linkplain KryoInstance#discard() discarded}, so that the registrations it
 * keeps on web application classes go with it.
 */
final class KryoPool {

    /** Failed calls after which an instance is replaced. */
    static final int MAX_FAILURES = 256;

    private final int capacity;
    private final Supplier<KryoInstance> factory;
    /** Pooled instances alive (free or in use); never more than {@link #capacity}, so a free one always fits. */
    private final AtomicInteger pooled = new AtomicInteger();
    private final Pool<Entry> pool;

    /** An instance and whether it belongs to the pool. */
    private record Entry(KryoInstance kryo, boolean pooled) {
    }

    KryoPool(int capacity, Supplier<KryoInstance> factory) {
        this.capacity = capacity;
        this.factory = factory;
        this.pool = new Pool<>(true, false, capacity) {
            @Override
            protected Entry create() {
                boolean keep = pooled.incrementAndGet() <= KryoPool.this.capacity;
                if (!keep) {
                    pooled.decrementAndGet();
                }
                return new Entry(KryoPool.this.factory.get(), keep);
            }
        };
    }

    /** @return a free instance, to be handed back with {@link Lease#release} */
    Lease obtain() {
        return new Lease(pool.obtain());
    }

    /** One use of an instance. */
    final class Lease {
        private final Entry entry;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        KryoInstance kryo() {
            return entry.kryo();
        }

        /**
         * Hands the instance back.
         *
         * @param failure what the call threw, or {@code null}
         */
        void release(Throwable failure) {
            KryoInstance kryo = entry.kryo();
            boolean reusable = failure == null
                    || failure instanceof RuntimeException && kryo.failed() <= MAX_FAILURES;
            if (reusable && entry.pooled()) {
                kryo.end();
                pool.free(entry);
                return;
            }
            kryo.discard();
            if (entry.pooled()) {
                pooled.decrementAndGet();
            }
        }
    }
}
