package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from HybridDot512.java by scripts/gen-simd.sh: do not edit. The int8 products of the hybrid (dynamic-range) kernels at 128 bits: the dot product ({@code HybridMath.dot}) and
 * the per-channel multiply-accumulate of one depthwise tap ({@code acc[c] += w[c] * (x[c] - offset)}). Bytes are
 * widened to int lanes; integer arithmetic, so results equal the scalar ones exactly (int32 wrap-around included).
 */
final class HybridDot128 {
    private HybridDot128() {}

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_128;
    private static final int PARTS = B.length() / I.length();

    static int dot(byte[] a, int aOff, byte[] b, int bOff, int n) {
        IntVector acc = IntVector.zero(I);
        int step = B.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            ByteVector va = ByteVector.fromArray(B, a, aOff + i);
            ByteVector vb = ByteVector.fromArray(B, b, bOff + i);
            for (int p = 0; p < PARTS; p++) {
                IntVector wa = (IntVector) va.convertShape(VectorOperators.B2I, I, p);
                IntVector wb = (IntVector) vb.convertShape(VectorOperators.B2I, I, p);
                acc = acc.add(wa.mul(wb));
            }
        }
        int s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** {@code acc[aOff + c] += w[wOff + c] * (x[xOff + c] - offset)} for c in [0, n). */
    static void tap(int[] acc, int aOff, byte[] w, int wOff, byte[] x, int xOff, int n, int offset) {
        int step = B.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            ByteVector vw = ByteVector.fromArray(B, w, wOff + i);
            ByteVector vx = ByteVector.fromArray(B, x, xOff + i);
            for (int p = 0; p < PARTS; p++) {
                int at = aOff + i + p * I.length();
                IntVector ww = (IntVector) vw.convertShape(VectorOperators.B2I, I, p);
                IntVector xx = ((IntVector) vx.convertShape(VectorOperators.B2I, I, p)).sub(offset);
                IntVector.fromArray(I, acc, at).add(ww.mul(xx)).intoArray(acc, at);
            }
        }
        for (; i < n; i++) acc[aOff + i] += w[wOff + i] * (x[xOff + i] - offset);
    }
}
