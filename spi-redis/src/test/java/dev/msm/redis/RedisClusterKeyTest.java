package dev.msm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.msm.api.Unit;
import io.lettuce.core.cluster.SlotHash;

/**
 * The hash-tag rule of cluster mode: the part after the last {@code :} decides the slot, so every key of one session
 * lands on one node.
 */
@Unit
class RedisClusterKeyTest {

    private static int slot(String key) {
        return SlotHash.getSlot(RedisSessionStore.clusterKey(key).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void clusterKey_TagsThePartAfterTheLastColon() {
        assertEquals("{shop_ABC-n1}shop_ABC-n1", RedisSessionStore.clusterKey("shop_ABC-n1"));
        assertEquals("{-2Fcart_ABC}lock:shop:-2Fcart_ABC", RedisSessionStore.clusterKey("lock:shop:-2Fcart_ABC"));
        assertEquals("{ABC}ABC", RedisSessionStore.clusterKey("ABC"));
        assertEquals("{}lock:", RedisSessionStore.clusterKey("lock:"));
    }

    @Test
    void keysOfOneSession_ShareASlot() {
        for (String prefix : List.of("", "shop_", "shop:-2Fcart_", "a:b:c_")) {
            String id = "0123456789ABCDEF0123456789ABCDEF-n1.jvm1";
            int slot = slot(prefix + id);
            for (String kind : List.of("bak:", "lock:", "exp:")) {
                assertEquals(slot, slot(kind + prefix + id), kind + prefix + id);
            }
        }
    }

    @Test
    void keysOfDifferentSessions_Spread() {
        assertEquals(16384, SlotHash.SLOT_COUNT);
        long distinct = IntStream.range(0, 100).map(i -> slot("shop_SESSION" + i)).distinct().count();
        assertTrue(distinct > 90, distinct + " slots for 100 sessions");
    }
}
