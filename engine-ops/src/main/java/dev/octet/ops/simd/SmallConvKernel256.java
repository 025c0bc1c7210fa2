package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from SmallConvKernel512.java by scripts/gen-simd.sh: do not edit. Micro-kernels of {@link SimdSmallConvOps} at 256 bits: a tile of 4 output pixels x one or two vectors of output
 * channels (the whole of a narrow layer's channels), C[r][j] = sum_q A[r][q] * W[q][j] in int32 with A the 4 pixels'
 * windows (raw input bytes; the input zero point is folded into the bias) and W the filter packed [k][nv * L] (minus
 * its zero points); then ONNX Runtime's requantization of each accumulator: (float) (acc + bias) * scale, rounded
 * half to even, + zero point, saturated.
 */
final class SmallConvKernel256 {
    private SmallConvKernel256() {}

    static final VectorSpecies<Integer> S = IntVector.SPECIES_256;
    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    static final int L = 8;
    static final float MAGIC = 12582912f, LIMIT = 4194304f;

    /**
     * 4 rows x 1 vector. Row r's window is read from x at base b_r + rowOff[ky] + j for j in [0, rowLen) (the input
     * itself for interior pixels, or a gathered copy), as (byte &amp; mask): mask 0xFF for uint8, -1 for int8. w is
     * packed [kh * rowLen][L]; c rows at c0 + r * L.
     */
    static void tile1(byte[] x, int b0, int b1, int b2, int b3, int[] rowOff, int kh, int rowLen, int mask, int[] w, int[] c, int c0) {
        IntVector c00 = IntVector.zero(S), c10 = IntVector.zero(S), c20 = IntVector.zero(S), c30 = IntVector.zero(S);
        int wp = 0;
        for (int ky = 0; ky < kh; ky++) {
            int o = rowOff[ky];
            for (int j = o, e = o + rowLen; j < e; j++, wp += L) {
                IntVector w0 = IntVector.fromArray(S, w, wp);
                c00 = c00.add(w0.mul(x[b0 + j] & mask));
                c10 = c10.add(w0.mul(x[b1 + j] & mask));
                c20 = c20.add(w0.mul(x[b2 + j] & mask));
                c30 = c30.add(w0.mul(x[b3 + j] & mask));
            }
        }
        c00.intoArray(c, c0);
        c10.intoArray(c, c0 + L);
        c20.intoArray(c, c0 + 2 * L);
        c30.intoArray(c, c0 + 3 * L);
    }

    /** 4 rows x 2 vectors (see tile1); w packed [kh * rowLen][2L]; c rows at c0 + r * 2L. */
    static void tile2(byte[] x, int b0, int b1, int b2, int b3, int[] rowOff, int kh, int rowLen, int mask, int[] w, int[] c, int c0) {
        IntVector c00 = IntVector.zero(S), c10 = IntVector.zero(S), c20 = IntVector.zero(S), c30 = IntVector.zero(S);
        IntVector c01 = IntVector.zero(S), c11 = IntVector.zero(S), c21 = IntVector.zero(S), c31 = IntVector.zero(S);
        int wp = 0;
        for (int ky = 0; ky < kh; ky++) {
            int o = rowOff[ky];
            for (int j = o, e = o + rowLen; j < e; j++, wp += 2 * L) {
                IntVector w0 = IntVector.fromArray(S, w, wp), w1 = IntVector.fromArray(S, w, wp + L);
                int x0 = x[b0 + j] & mask, x1 = x[b1 + j] & mask, x2 = x[b2 + j] & mask, x3 = x[b3 + j] & mask;
                c00 = c00.add(w0.mul(x0));
                c01 = c01.add(w1.mul(x0));
                c10 = c10.add(w0.mul(x1));
                c11 = c11.add(w1.mul(x1));
                c20 = c20.add(w0.mul(x2));
                c21 = c21.add(w1.mul(x2));
                c30 = c30.add(w0.mul(x3));
                c31 = c31.add(w1.mul(x3));
            }
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + 2 * L);
        c11.intoArray(c, c0 + 3 * L);
        c20.intoArray(c, c0 + 4 * L);
        c21.intoArray(c, c0 + 5 * L);
        c30.intoArray(c, c0 + 6 * L);
        c31.intoArray(c, c0 + 7 * L);
    }

    /** Requantizes c[c0, c0 + cnt) in place (cnt a multiple of L; bias and scale padded to cnt). */
    static void requant(int[] c, int c0, int cnt, int[] bias, float[] scale, float zp, float lo, float hi) {
        for (int j = 0; j < cnt; j += L) {
            FloatVector v = IntVector.fromArray(S, c, c0 + j).add(IntVector.fromArray(S, bias, j)).convert(VectorOperators.I2F, 0).reinterpretAsFloats();
            v = v.mul(FloatVector.fromArray(F, scale, j)).max(-LIMIT).min(LIMIT).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            v.convert(VectorOperators.F2I, 0).reinterpretAsInts().intoArray(c, c0 + j);
        }
    }

    /**
     * Stores nv * L requantized ints of c (from c0) as bytes at y[yb]: one narrowing per vector when a vector holds at
     * least 8 lanes (the byte species then has exactly L lanes), else element by element.
     */
    static void store(int[] c, int c0, int nv, byte[] y, int yb) {
        if (L >= 8) {
            for (int v = 0; v < nv; v++) IntVector.fromArray(S, c, c0 + v * L).convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(y, yb + v * L);
        } else {
            for (int j = 0; j < nv * L; j++) y[yb + j] = (byte) c[c0 + j];
        }
    }
}
