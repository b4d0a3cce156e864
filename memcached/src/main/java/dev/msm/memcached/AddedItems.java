package dev.msm.memcached;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the CAS of items this store created with {@code add} (binary protocol, where memcached returns the CAS
 * with the answer), so that {@code deleteIfEquals} of the same value, i.e. releasing a lock this store took, is one
 * {@code delete} with that CAS instead of {@code gets} plus {@code delete}. Bounded: the oldest entries are dropped,
 * which only costs the longer path. Thread-safe.
 */
final class AddedItems {

    private record Item(byte[] value, long cas) {
    }

    /** Lock tokens are far smaller; other values are not remembered. */
    static final int MAX_VALUE_BYTES = 256;

    private final int capacity;
    private final Map<String, Item> items;

    AddedItems(int capacity) {
        this.capacity = capacity;
        this.items = new LinkedHashMap<>(64, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Item> eldest) {
                return size() > AddedItems.this.capacity;
            }
        };
    }

    /**
     * Records an item just created by {@code add}, if its value is small (a lock token); larger values are not
     * worth a copy.
     */
    void added(String key, byte[] value, long cas) {
        if (value.length <= MAX_VALUE_BYTES && cas != 0) {
            Item item = new Item(value.clone(), cas);
            synchronized (this) {
                items.put(key, item);
            }
        }
    }

    /**
     * Removes and returns the CAS remembered for {@code key} if it was recorded with a value equal to
     * {@code expected}.
     *
     * @return the CAS, or {@code 0} (never a memcached CAS) when nothing matching is remembered
     */
    long take(String key, byte[] expected) {
        Item item;
        synchronized (this) {
            item = items.remove(key);
        }
        return item != null && Arrays.equals(item.value(), expected) ? item.cas() : 0;
    }

    synchronized int size() {
        return items.size();
    }
}
