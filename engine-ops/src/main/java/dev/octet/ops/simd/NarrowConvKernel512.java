package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-kernel of {@link SimdNarrowConvOps} at 512 bits: a 1x1 convolution with very few output channels, vectorized
 * over the input channels (K) of each pixel instead of over output channels. Per pixel and output channel: the K input
 * bytes in L-lane chunks widened to int32, multiplied with the filter row (packed at load, minus its zero points), the
 * lanes added (one reduction per output), a scalar tail for K mod L, then ONNX Runtime's requantization:
 * (float) (acc + bias) * scale, rounded half to even, + zero point, saturated. The input zero point is folded into the
 * bias (int32 arithmetic wraps like the reference's), so the result is bit-identical with the reference.
 */
final class NarrowConvKernel512 {
    private NarrowConvKernel512() {}

    static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    /** Byte species holding at least L lanes (a chunk load). */
    static final VectorSpecies<Byte> BS = ByteVector.SPECIES_128;
    static final int L = IS.length();

    /**
     * Output pixels [p0, p1): y[yo + p * co + oc] from x[xo + p * k ..+ k) and the filter rows w[oc * k ..+ k); mask is
     * 0xFF for uint8 input, -1 for int8.
     */
    static void pixels(byte[] x, int xo, int k, int co, int mask, int[] w, int[] bias, float[] os, int yzp, int lo, int hi, byte[] y, int yo,
                       int p0, int p1) {
        int kv = k - k % L; // inputs covered by full chunks
        for (int p = p0; p < p1; p++) {
            int xb = xo + p * k;
            // a chunk load reads BS.length() bytes (more than L at 128 bits): vectors only while that stays inside x
            int vk = xb + kv - L + BS.length() <= x.length ? kv : 0;
            int yb = yo + p * co;
            for (int oc = 0, wb = 0; oc < co; oc++, wb += k) {
                int acc = 0, q = 0;
                if (vk > 0) {
                    IntVector s = IntVector.zero(IS);
                    for (; q < vk; q += L) {
                        IntVector v = ((IntVector) ByteVector.fromArray(BS, x, xb + q).convertShape(VectorOperators.B2I, IS, 0)).and(mask);
                        s = s.add(v.mul(IntVector.fromArray(IS, w, wb + q)));
                    }
                    acc = s.reduceLanes(VectorOperators.ADD);
                }
                for (; q < k; q++) acc += (x[xb + q] & mask) * w[wb + q];
                float v = (float) (acc + bias[oc]) * os[oc];
                double r = Math.rint(v) + yzp;
                y[yb + oc] = (byte) (r < lo ? lo : (r > hi ? hi : (int) r));
            }
        }
    }
}
