package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from HybridDot512.java by scripts/gen-simd.sh: do not edit. The int8 x int8 -> int32 dot product of the hybrid (dynamic-range) kernels at 256 bits: bytes widened to int
 * lanes, multiplied and added per lane, the lanes summed at the end. Integer arithmetic, so the result equals
 * {@code HybridMath.dot} exactly (int32 wrap-around included).
 */
final class HybridDot256 {
    private HybridDot256() {}

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
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
}
