package dev.msm.core.serial.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo {@link Input} over stored bytes that never allocates more than those bytes can justify. Kryo 5.6.2 allocates
 * strings, arrays and collections at the length the stream declares before it reads their content, so a corrupt length
 * of 2^31 would end in an {@link OutOfMemoryError}. Here each length is checked before anything is allocated:
 * <ul>
 * <li>strings and primitive arrays: the bytes left must hold that many elements (each takes at least one byte);</li>
 * <li>containers (object arrays, collections, maps), whose elements may be containers again: every element takes at
 * least one byte of the stream, so the lengths of all containers of one stream together may not exceed the stream's
 * size (with a margin). Nested containers that each declare a huge length therefore fail at the first one.</li>
 * </ul>
 * One instance reads one stream, on one thread.
 */
final class KryoBoundedInput extends Input {

    /** Container elements this stream may still declare. */
    private long elementBudget;

    KryoBoundedInput(byte[] bytes, int offset, int count) {
        super(bytes, offset, count);
        elementBudget = 2L * count + 1024;
    }

    /**
     * Reserves room for a container of {@code length} elements before it is allocated.
     *
     * @throws KryoException when the stream cannot hold that many elements
     */
    static void claimElements(Input input, int length) {
        if (input instanceof KryoBoundedInput bounded) {
            bounded.claim(length);
        } else if (length < 0) {
            throw corrupt("container", length, input.limit() - input.position());
        }
    }

    private void claim(int length) {
        if (length < 0 || length > elementBudget) {
            throw corrupt("container", length, limit - position);
        }
        elementBudget -= length;
    }

    private void checkArray(int length, int bytesPerElement) {
        if (length < 0 || (long) length * bytesPerElement > limit - position) {
            throw corrupt("array", length, limit - position);
        }
    }

    /** A UTF-8 string declares its length in characters, and each character takes at least one byte. */
    private void checkStringLength() {
        if (!readVarIntFlag()) {
            return; // ASCII: read byte by byte up to a terminator, never beyond the bytes there are
        }
        int start = position;
        int charCount = readVarIntFlag(true); // 0 is null, 1 the empty string, n + 1 a string of n chars
        position = start;
        if (charCount < 0 || charCount - 1 > limit - start) {
            throw corrupt("string", charCount - 1, limit - start);
        }
    }

    private static KryoException corrupt(String what, long length, int remaining) {
        return new KryoException("Corrupt data: a " + what + " of length [" + length + "] does not fit in the ["
                + remaining + "] bytes left");
    }

    @Override
    public String readString() {
        checkStringLength();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkStringLength();
        return super.readStringBuilder();
    }

    @Override
    public byte[] readBytes(int length) {
        checkArray(length, 1);
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) {
        checkArray(length, 4);
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        checkArray(length, 1);
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        checkArray(length, 8);
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        checkArray(length, 1);
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
        checkArray(length, 4);
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        checkArray(length, 8);
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
        checkArray(length, 2);
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
        checkArray(length, 2);
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        checkArray(length, 1);
        return super.readBooleans(length);
    }
}
