package dev.msm.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Passes values through unchanged: flags 0, no compression, no Java serialization. spymemcached's default
 * transcoder compresses values above 16 KiB and serializes objects, which a store of opaque bytes must not do.
 * Decoding happens in the thread that reads the answer (no transcoder thread pool). Size limits are checked by the
 * store before a value is sent, so this transcoder accepts any size.
 */
final class ByteArrayTranscoder implements Transcoder<byte[]> {

    static final ByteArrayTranscoder INSTANCE = new ByteArrayTranscoder();

    private ByteArrayTranscoder() {
    }

    @Override
    public boolean asyncDecode(CachedData data) {
        return false;
    }

    @Override
    public CachedData encode(byte[] value) {
        return new CachedData(0, value, Integer.MAX_VALUE);
    }

    @Override
    public byte[] decode(CachedData data) {
        // a fresh array read from the socket: it belongs to the caller
        return data.getData();
    }

    @Override
    public int getMaxSize() {
        return Integer.MAX_VALUE;
    }
}
