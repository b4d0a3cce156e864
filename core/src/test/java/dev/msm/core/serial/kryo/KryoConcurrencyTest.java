package dev.msm.core.serial.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.msm.api.Serializer;
import dev.msm.api.Unit;

/** One serializer used by many request threads at once. The timeout only guards against a hang. */
@Timeout(300)
@Unit
class KryoConcurrencyTest {

    private static final ClassLoader LOADER = KryoConcurrencyTest.class.getClassLoader();

    @Test
    void eightThreads_RoundTripTheirOwnSessions() throws Exception {
        roundTripConcurrently(8, 200);
    }

    /** More threads than pooled instances: the extra ones get temporary instances. */
    @Test
    void moreThreadsThanPooledInstances_RoundTrip() throws Exception {
        roundTripConcurrently(KryoSerializer.POOL_CAPACITY * 3, 30);
    }

    private static void roundTripConcurrently(int threads, int rounds) throws Exception {
        Serializer serializer = KryoSerializerTest.kryo();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(executor.submit(() -> {
                    start.await();
                    int done = 0;
                    for (int r = 0; r < rounds; r++) {
                        int seed = thread * 100_000 + r;
                        Object[] graph = KryoSerializerTest.realisticSession(seed);
                        byte[] bytes = serializer.serialize(graph);
                        assertEquals(KryoSerializerTest.attributes(graph),
                                KryoSerializerTest.attributes(serializer.deserialize(bytes, LOADER)));
                        done++;
                    }
                    return done;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertEquals(rounds, result.get());
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
