package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-kernels of {@link SimdDirectConvOps} at 512 bits: a narrow convolution (one or two vectors of output channels)
 * on input rows widened once to float with the zero point removed. A tile is 4 output pixels x the layer's channel
 * vectors; every tap is a broadcast input float times a packed float weight vector (FMA). All products and partial
 * sums are integers below 2^24 (checked at load), so the float accumulator is exact in any order. Requantization is
 * ONNX Runtime's: (float) (acc + bias) * scale (bias added in int32, wrapping like the reference), rounded half to
 * even, + zero point, saturated.
 */
final class DirectConvKernel512 {
    private DirectConvKernel512() {}

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    /** Byte species holding at least L lanes (row widening loads and output stores). */
    static final VectorSpecies<Byte> BS = ByteVector.SPECIES_128;
    static final int L = FS.length();
    static final VectorSpecies<Long> LS = LongVector.SPECIES_512;
    static final int HL = LS.length();
    static final float MAGIC = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds half to even

    /** buf[dst, dst + n) = (x[src + i] &amp; mask) - zp as floats (mask 0xFF for uint8, -1 for int8). */
    static void widen(byte[] x, int src, int n, int mask, int zp, float[] buf, int dst) {
        int i = 0;
        int vend = Math.min(n - L, x.length - src - BS.length()); // a load reads BS.length() bytes (more than L at 128 bits)
        for (; i <= vend; i += L) {
            IntVector v = ((IntVector) ByteVector.fromArray(BS, x, src + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).sub(zp);
            ((FloatVector) v.convertShape(VectorOperators.I2F, FS, 0)).intoArray(buf, dst + i);
        }
        for (; i < n; i++) buf[dst + i] = (x[src + i] & mask) - zp;
    }

    /**
     * 4 pixels x 1 vector: for each of {@code rows} filter rows i, rowLen consecutive floats from buf[s[ro + i] + o_r]
     * times the weight vectors from w[s[wo + i]] (packed [q][L]); then each pixel's co channels requantized (bias and scale
     * padded to the vector) and stored at y[y_r] (a row's last tile repeats its last pixel: same offsets, same bytes).
     */
    static void tile1(float[] buf, int[] s, int ro, int wo, int rows, int rowLen, int o0, int o1, int o2, int o3, float[] w,
                      int[] bias, float[] scale, float zp, float lo, float hi, int co, byte[] y, int y0, int y1, int y2, int y3) {
        FloatVector c0 = FloatVector.zero(FS), c1 = c0, c2 = c0, c3 = c0;
        for (int i = 0; i < rows; i++) {
            int rb = s[ro + i], wb = s[wo + i];
            int b0 = rb + o0, b1 = rb + o1, b2 = rb + o2, b3 = rb + o3;
            for (int j = 0; j < rowLen; j++, wb += L) {
                FloatVector wv = FloatVector.fromArray(FS, w, wb);
                c0 = FloatVector.broadcast(FS, buf[b0 + j]).fma(wv, c0);
                c1 = FloatVector.broadcast(FS, buf[b1 + j]).fma(wv, c1);
                c2 = FloatVector.broadcast(FS, buf[b2 + j]).fma(wv, c2);
                c3 = FloatVector.broadcast(FS, buf[b3 + j]).fma(wv, c3);
            }
        }
        IntVector b0 = IntVector.fromArray(IS, bias, 0);
        FloatVector s0 = FloatVector.fromArray(FS, scale, 0);
        boolean full0 = co >= L && BS.length() == L;
        VectorMask<Byte> m0 = BS.indexInRange(0, Math.min(co, L));
        {
            IntVector a = ((IntVector) c0.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y0);
            else v.intoArray(y, y0, m0);
        }
        {
            IntVector a = ((IntVector) c1.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y1);
            else v.intoArray(y, y1, m0);
        }
        {
            IntVector a = ((IntVector) c2.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y2);
            else v.intoArray(y, y2, m0);
        }
        {
            IntVector a = ((IntVector) c3.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y3);
            else v.intoArray(y, y3, m0);
        }
    }

    /** 4 pixels x 2 vectors (see tile1); w packed [q][2L]; channels L..co-1 from the second vector. */
    static void tile2(float[] buf, int[] s, int ro, int wo, int rows, int rowLen, int o0, int o1, int o2, int o3, float[] w,
                      int[] bias, float[] scale, float zp, float lo, float hi, int co, byte[] y, int y0, int y1, int y2, int y3) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int i = 0; i < rows; i++) {
            int rb = s[ro + i], wb = s[wo + i];
            int b0 = rb + o0, b1 = rb + o1, b2 = rb + o2, b3 = rb + o3;
            for (int j = 0; j < rowLen; j++, wb += 2 * L) {
                FloatVector w0 = FloatVector.fromArray(FS, w, wb), w1 = FloatVector.fromArray(FS, w, wb + L);
                FloatVector x0 = FloatVector.broadcast(FS, buf[b0 + j]), x1 = FloatVector.broadcast(FS, buf[b1 + j]);
                FloatVector x2 = FloatVector.broadcast(FS, buf[b2 + j]), x3 = FloatVector.broadcast(FS, buf[b3 + j]);
                c00 = x0.fma(w0, c00);
                c01 = x0.fma(w1, c01);
                c10 = x1.fma(w0, c10);
                c11 = x1.fma(w1, c11);
                c20 = x2.fma(w0, c20);
                c21 = x2.fma(w1, c21);
                c30 = x3.fma(w0, c30);
                c31 = x3.fma(w1, c31);
            }
        }
        IntVector b0 = IntVector.fromArray(IS, bias, 0);
        FloatVector s0 = FloatVector.fromArray(FS, scale, 0);
        boolean full0 = co >= L && BS.length() == L;
        VectorMask<Byte> m0 = BS.indexInRange(0, Math.min(co, L));
        IntVector b1 = IntVector.fromArray(IS, bias, L);
        FloatVector s1 = FloatVector.fromArray(FS, scale, L);
        boolean full1 = co >= 2 * L && BS.length() == L;
        VectorMask<Byte> m1 = BS.indexInRange(0, co - L);
        {
            IntVector a = ((IntVector) c00.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y0);
            else v.intoArray(y, y0, m0);
        }
        {
            IntVector a = ((IntVector) c01.convertShape(VectorOperators.F2I, IS, 0)).add(b1);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s1).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full1) v.intoArray(y, y0 + L);
            else v.intoArray(y, y0 + L, m1);
        }
        {
            IntVector a = ((IntVector) c10.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y1);
            else v.intoArray(y, y1, m0);
        }
        {
            IntVector a = ((IntVector) c11.convertShape(VectorOperators.F2I, IS, 0)).add(b1);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s1).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full1) v.intoArray(y, y1 + L);
            else v.intoArray(y, y1 + L, m1);
        }
        {
            IntVector a = ((IntVector) c20.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y2);
            else v.intoArray(y, y2, m0);
        }
        {
            IntVector a = ((IntVector) c21.convertShape(VectorOperators.F2I, IS, 0)).add(b1);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s1).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full1) v.intoArray(y, y2 + L);
            else v.intoArray(y, y2 + L, m1);
        }
        {
            IntVector a = ((IntVector) c30.convertShape(VectorOperators.F2I, IS, 0)).add(b0);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s0).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full0) v.intoArray(y, y3);
            else v.intoArray(y, y3, m0);
        }
        {
            IntVector a = ((IntVector) c31.convertShape(VectorOperators.F2I, IS, 0)).add(b1);
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(s1).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector v = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (full1) v.intoArray(y, y3 + L);
            else v.intoArray(y, y3 + L, m1);
        }
    }

    /**
     * 4 pixels x 4 vectors (see tile1); w packed [q][4L]; the 16 accumulators are stored to acc[a0 + (4r + v) * L]
     * (requantized by {@link #store4}: requantizing in this method keeps too many vectors alive for C2).
     */
    static void tile4(float[] buf, int[] s, int ro, int wo, int rows, int rowLen, int o0, int o1, int o2, int o3, float[] w, float[] acc, int a0) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int i = 0; i < rows; i++) {
            int rb = s[ro + i], wb = s[wo + i];
            int b0 = rb + o0, b1 = rb + o1, b2 = rb + o2, b3 = rb + o3;
            for (int j = 0; j < rowLen; j++, wb += 4 * L) {
                FloatVector w0 = FloatVector.fromArray(FS, w, wb), w1 = FloatVector.fromArray(FS, w, wb + L);
                FloatVector w2 = FloatVector.fromArray(FS, w, wb + 2 * L), w3 = FloatVector.fromArray(FS, w, wb + 3 * L);
                FloatVector x = FloatVector.broadcast(FS, buf[b0 + j]);
                c00 = x.fma(w0, c00);
                c01 = x.fma(w1, c01);
                c02 = x.fma(w2, c02);
                c03 = x.fma(w3, c03);
                x = FloatVector.broadcast(FS, buf[b1 + j]);
                c10 = x.fma(w0, c10);
                c11 = x.fma(w1, c11);
                c12 = x.fma(w2, c12);
                c13 = x.fma(w3, c13);
                x = FloatVector.broadcast(FS, buf[b2 + j]);
                c20 = x.fma(w0, c20);
                c21 = x.fma(w1, c21);
                c22 = x.fma(w2, c22);
                c23 = x.fma(w3, c23);
                x = FloatVector.broadcast(FS, buf[b3 + j]);
                c30 = x.fma(w0, c30);
                c31 = x.fma(w1, c31);
                c32 = x.fma(w2, c32);
                c33 = x.fma(w3, c33);
            }
        }
        c00.intoArray(acc, a0 + 0 * L);
        c01.intoArray(acc, a0 + 1 * L);
        c02.intoArray(acc, a0 + 2 * L);
        c03.intoArray(acc, a0 + 3 * L);
        c10.intoArray(acc, a0 + 4 * L);
        c11.intoArray(acc, a0 + 5 * L);
        c12.intoArray(acc, a0 + 6 * L);
        c13.intoArray(acc, a0 + 7 * L);
        c20.intoArray(acc, a0 + 8 * L);
        c21.intoArray(acc, a0 + 9 * L);
        c22.intoArray(acc, a0 + 10 * L);
        c23.intoArray(acc, a0 + 11 * L);
        c30.intoArray(acc, a0 + 12 * L);
        c31.intoArray(acc, a0 + 13 * L);
        c32.intoArray(acc, a0 + 14 * L);
        c33.intoArray(acc, a0 + 15 * L);
    }

    /** Requantizes one pixel's 4 accumulator vectors acc[a0 ..] and stores its co (at most 4L) output bytes at y[yb]. */
    static void store4(float[] acc, int a0, int co, int[] bias, float[] scale, float zp, float lo, float hi, byte[] y, int yb) {
        for (int v = 0; v < 4; v++) {
            int c0 = v * L, n = co - c0;
            if (n <= 0) return;
            IntVector a = ((IntVector) FloatVector.fromArray(FS, acc, a0 + c0).convertShape(VectorOperators.F2I, IS, 0)).add(IntVector.fromArray(IS, bias, c0));
            FloatVector f = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, scale, c0));
            f = f.add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
            ByteVector b = (ByteVector) f.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0);
            if (n >= L && BS.length() == L) b.intoArray(y, yb + c0);
            else b.intoArray(y, yb + c0, BS.indexInRange(0, Math.min(n, L)));
        }
    }

    /** tile1's accumulation only: the accumulators go to acc[a0 + (r * 1 + v) * L] (requantized by {@link #storeT}). */
    static void tile1A(float[] buf, int[] s, int ro, int wo, int rows, int rowLen, int o0, int o1, int o2, int o3, float[] w, float[] acc, int a0) {
        FloatVector c0 = FloatVector.zero(FS), c1 = c0, c2 = c0, c3 = c0;
        for (int i = 0; i < rows; i++) {
            int rb = s[ro + i], wb = s[wo + i];
            int b0 = rb + o0, b1 = rb + o1, b2 = rb + o2, b3 = rb + o3;
            for (int j = 0; j < rowLen; j++, wb += L) {
                FloatVector wv = FloatVector.fromArray(FS, w, wb);
                c0 = FloatVector.broadcast(FS, buf[b0 + j]).fma(wv, c0);
                c1 = FloatVector.broadcast(FS, buf[b1 + j]).fma(wv, c1);
                c2 = FloatVector.broadcast(FS, buf[b2 + j]).fma(wv, c2);
                c3 = FloatVector.broadcast(FS, buf[b3 + j]).fma(wv, c3);
            }
        }
        c0.intoArray(acc, a0 + 0 * L);
        c1.intoArray(acc, a0 + 1 * L);
        c2.intoArray(acc, a0 + 2 * L);
        c3.intoArray(acc, a0 + 3 * L);
    }

    /** tile2's accumulation only: the accumulators go to acc[a0 + (r * 2 + v) * L] (requantized by {@link #storeT}). */
    static void tile2A(float[] buf, int[] s, int ro, int wo, int rows, int rowLen, int o0, int o1, int o2, int o3, float[] w, float[] acc, int a0) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int i = 0; i < rows; i++) {
            int rb = s[ro + i], wb = s[wo + i];
            int b0 = rb + o0, b1 = rb + o1, b2 = rb + o2, b3 = rb + o3;
            for (int j = 0; j < rowLen; j++, wb += 2 * L) {
                FloatVector w0 = FloatVector.fromArray(FS, w, wb), w1 = FloatVector.fromArray(FS, w, wb + L);
                FloatVector x0 = FloatVector.broadcast(FS, buf[b0 + j]), x1 = FloatVector.broadcast(FS, buf[b1 + j]);
                FloatVector x2 = FloatVector.broadcast(FS, buf[b2 + j]), x3 = FloatVector.broadcast(FS, buf[b3 + j]);
                c00 = x0.fma(w0, c00);
                c01 = x0.fma(w1, c01);
                c10 = x1.fma(w0, c10);
                c11 = x1.fma(w1, c11);
                c20 = x2.fma(w0, c20);
                c21 = x2.fma(w1, c21);
                c30 = x3.fma(w0, c30);
                c31 = x3.fma(w1, c31);
            }
        }
        c00.intoArray(acc, a0 + 0 * L);
        c01.intoArray(acc, a0 + 1 * L);
        c10.intoArray(acc, a0 + 2 * L);
        c11.intoArray(acc, a0 + 3 * L);
        c20.intoArray(acc, a0 + 4 * L);
        c21.intoArray(acc, a0 + 5 * L);
        c30.intoArray(acc, a0 + 6 * L);
        c31.intoArray(acc, a0 + 7 * L);
    }

    /**
     * Requantizes one pixel's nv accumulator vectors acc[a0 ..] with TFLite's fixed point in long lanes (see
     * {@link DwPlan}): acc + bias shifted left by lsh, times the Q31 multiplier, + rnd, arithmetic shift right by tot
     * (double rounding: 2^30 and 31, then the rounding right shift x -> (x + half + (x &lt; 0 ? neg : 0)) &gt;&gt; rsh;
     * single rounding: 2^(30 + s) and 31 + s, then identity), + zero point, clamped to the activation range [lo, hi];
     * stores the co output bytes at y[yb].
     */
    static void storeT(float[] acc, int a0, int nv, int co, int[] bias, int[] lsh, long[] mul, long[] rnd, long[] tot, long[] half, long[] neg,
                       long[] rsh, int zp, int lo, int hi, byte[] y, int yb) {
        for (int v = 0; v < nv; v++) {
            int o = v * L, n = co - o;
            IntVector a = ((IntVector) FloatVector.fromArray(FS, acc, a0 + o).convertShape(VectorOperators.F2I, IS, 0)).add(IntVector.fromArray(IS, bias, o))
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(IS, lsh, o));
            LongVector xl = (LongVector) a.convertShape(VectorOperators.I2L, LS, 0);
            LongVector xh = (LongVector) a.convertShape(VectorOperators.I2L, LS, 1);
            xl = xl.mul(LongVector.fromArray(LS, mul, o)).add(LongVector.fromArray(LS, rnd, o)).lanewise(VectorOperators.ASHR, LongVector.fromArray(LS, tot, o));
            xh = xh.mul(LongVector.fromArray(LS, mul, o + HL)).add(LongVector.fromArray(LS, rnd, o + HL)).lanewise(VectorOperators.ASHR, LongVector.fromArray(LS, tot, o + HL));
            xl = xl.add(LongVector.fromArray(LS, half, o)).add(xl.lanewise(VectorOperators.ASHR, 63).and(LongVector.fromArray(LS, neg, o)))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(LS, rsh, o));
            xh = xh.add(LongVector.fromArray(LS, half, o + HL)).add(xh.lanewise(VectorOperators.ASHR, 63).and(LongVector.fromArray(LS, neg, o + HL)))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(LS, rsh, o + HL));
            IntVector q = ((IntVector) xl.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) xh.convertShape(VectorOperators.L2I, IS, -1));
            ByteVector b = (ByteVector) q.add(zp).max(lo).min(hi).convertShape(VectorOperators.I2B, BS, 0);
            if (n >= L && BS.length() == L) b.intoArray(y, yb + o);
            else b.intoArray(y, yb + o, BS.indexInRange(0, Math.min(n, L)));
        }
    }
}
