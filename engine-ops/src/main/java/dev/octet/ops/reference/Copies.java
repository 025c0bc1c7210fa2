package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Copy helpers for the layout kernels (concatenation, split, slice, transpose, nearest resize): the backing array
 * of a tensor for its storage, and copies of short byte runs eight bytes at a time (System.arraycopy costs more
 * than the copy itself for the 8-64 byte channel runs of a channels-last concatenation or split). Pure copies:
 * the bytes written do not depend on how a kernel splits its work.
 */
public final class Copies {
    private Copies() {}

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Below this many bytes a run is copied with 8-byte loads and stores instead of System.arraycopy. */
    static final int SMALL = 64;

    /** The array that backs tensor t (of the given storage) in this run. */
    public static Object array(ExecContext ec, int t, DataType.Storage s) {
        return switch (s) {
            case BYTE -> ec.bytes(t);
            case SHORT -> ec.shorts(t);
            case INT -> ec.ints(t);
            case LONG -> ec.longs(t);
            case FLOAT -> ec.floats(t);
        };
    }

    /** Copies len bytes x[s..] to y[d..]; the ranges must not overlap. */
    public static void bytes(byte[] x, int s, byte[] y, int d, int len) {
        if (len >= SMALL) {
            System.arraycopy(x, s, y, d, len);
            return;
        }
        int e = 0;
        for (; e + 8 <= len; e += 8) LONGS.set(y, d + e, (long) LONGS.get(x, s + e));
        for (; e < len; e++) y[d + e] = x[s + e];
    }

    /** Copies len elements of an array of any storage; byte arrays take {@link #bytes}. Ranges must not overlap. */
    public static void any(Object x, int s, Object y, int d, int len) {
        if (x instanceof byte[] xb) bytes(xb, s, (byte[]) y, d, len);
        else System.arraycopy(x, s, y, d, len);
    }
}
