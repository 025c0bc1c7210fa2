package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from EwKernel512.java by scripts/gen-simd.sh: do not edit. Element-wise kernels at 128 bits (see {@link SimdElementwiseOps}). EwKernel256 and EwKernel128 are generated from
 * this file by scripts/gen-simd.sh: edit this one and regenerate. Quantized arithmetic runs in long lanes so that
 * TFLite's fixed-point rescaling is exact: SaturatingRoundingDoublingHighMul(x, m) = (x*m + 2^30) >> 31 (the
 * saturating case needs x = m = INT_MIN, impossible with a Q31 multiplier), then the rounding right shift
 * (x + half + (x < 0 ? neg : 0)) >> rsh (ties away from zero).
 */
final class EwKernel128 {
    private EwKernel128() {}

    static final VectorSpecies<Long> LS = LongVector.SPECIES_128;
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_128;
    /** 8 bytes: loads of LS.length() <= 8 bytes widen from its low lanes. */
    static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_128;
    /** Byte species with IS.length() lanes (8 at 128 bits, where only the low 4 are used). */
    static final VectorSpecies<Byte> BL = ByteVector.SPECIES_64;
    static final int IL = IS.length();
    /** Bytes a widening load of IL lanes reads. */
    static final int LOADW = Math.max(IL, BL.length());
    static final int N = LS.length();
    static final int F = FS.length();

    /** MultiplyByQuantizedMultiplier with shift <= 0 on long lanes holding int32 values. */
    private static LongVector mbqm(LongVector x, long m, long half, long neg, long rsh) {
        LongVector h = x.mul(m).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
        return h.add(half).add(h.lanewise(VectorOperators.ASHR, 63).and(neg)).lanewise(VectorOperators.ASHR, rsh);
    }

    private static LongVector load(byte[] a, int i, boolean unsigned) {
        LongVector v = (LongVector) ByteVector.fromArray(B8, a, i).convertShape(VectorOperators.B2L, LS, 0);
        return unsigned ? v.and(0xFFL) : v;
    }

    private static void store(LongVector r, byte[] o, int i) {
        ByteVector b = (ByteVector) r.convertShape(VectorOperators.L2B, B8, 0);
        if (N == 8) b.intoArray(o, i);
        else b.intoArray(o, i, B8.indexInRange(0, N));
    }

    /**
     * Quantized ADD/SUB over n elements: a[ai + k*sa], b[bi + k*sb] with strides 1 or 0 (a scalar operand),
     * output o[oi + k]. Returns the number of elements done (the caller finishes the tail with scalar code).
     */
    static int add(SimdElementwiseOps.QAdd q, byte[] a, int ai, int sa, byte[] b, int bi, int sb, byte[] o, int oi, int n) {
        int i = 0;
        boolean u = q.unsigned();
        LongVector ca = sa == 0 ? mbqm(LongVector.broadcast(LS, (long) (((a[ai] & q.mask()) + q.offA()) << 20)), q.m1(), q.h1(), q.n1(), q.r1()) : null;
        LongVector cb = sb == 0 ? mbqm(LongVector.broadcast(LS, (long) (((b[bi] & q.mask()) + q.offB()) << 20)), q.m2(), q.h2(), q.n2(), q.r2()) : null;
        for (; i + 8 <= n; i += N) {
            LongVector x = sa == 0 ? ca : mbqm(load(a, ai + i, u).add(q.offA()).lanewise(VectorOperators.LSHL, 20), q.m1(), q.h1(), q.n1(), q.r1());
            LongVector y = sb == 0 ? cb : mbqm(load(b, bi + i, u).add(q.offB()).lanewise(VectorOperators.LSHL, 20), q.m2(), q.h2(), q.n2(), q.r2());
            LongVector r = mbqm(x.add(y), q.mo(), q.ho(), q.no(), q.ro()).add(q.outZp()).max(q.lo()).min(q.hi());
            store(r, o, oi + i);
        }
        return i;
    }

    /** Quantized MUL (output multiplier < 1), same contract as {@link #add}. */
    static int mul(SimdElementwiseOps.QMul q, byte[] a, int ai, int sa, byte[] b, int bi, int sb, byte[] o, int oi, int n) {
        int i = 0;
        boolean u = q.unsigned();
        LongVector ca = sa == 0 ? LongVector.broadcast(LS, (long) ((a[ai] & q.mask()) + q.offA())) : null;
        LongVector cb = sb == 0 ? LongVector.broadcast(LS, (long) ((b[bi] & q.mask()) + q.offB())) : null;
        for (; i + 8 <= n; i += N) {
            LongVector x = sa == 0 ? ca : load(a, ai + i, u).add(q.offA());
            LongVector y = sb == 0 ? cb : load(b, bi + i, u).add(q.offB());
            LongVector r = mbqm(x.mul(y), q.m(), q.h(), q.ng(), q.r()).add(q.outZp()).max(q.lo()).min(q.hi());
            store(r, o, oi + i);
        }
        return i;
    }

    /** float ADD (op 0), SUB (1), MUL (2) with the reference's clamp (r < lo ? lo : r, then hi < r ? hi : r). */
    static int binF(int op, float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n, float lo, float hi) {
        int i = 0;
        FloatVector ca = sa == 0 ? FloatVector.broadcast(FS, a[ai]) : null;
        FloatVector cb = sb == 0 ? FloatVector.broadcast(FS, b[bi]) : null;
        boolean clampLo = lo != Float.NEGATIVE_INFINITY, clampHi = hi != Float.POSITIVE_INFINITY;
        for (; i + F <= n; i += F) {
            FloatVector x = sa == 0 ? ca : FloatVector.fromArray(FS, a, ai + i);
            FloatVector y = sb == 0 ? cb : FloatVector.fromArray(FS, b, bi + i);
            FloatVector r = op == 0 ? x.add(y) : op == 1 ? x.sub(y) : op == 2 ? x.mul(y) : x.div(y);
            if (clampLo) r = r.blend(lo, r.compare(VectorOperators.LT, lo));
            if (clampHi) r = r.blend(hi, r.compare(VectorOperators.GT, hi));
            r.intoArray(o, oi + i);
        }
        return i;
    }

    /**
     * 8-bit MAX_POOL_2D of one output pixel over its (clipped, non-empty) window, channels vectorized: values
     * compared as signed after flipping the top bit of uint8 ({@code flip} = -128, else 0); clamp bounds are given in
     * the same flipped domain. Returns the channels done.
     */
    static int maxPool(byte[] x, int rowStart, int rowStride, int colStride, int rows, int cols, byte[] y, int yo, int depth, byte flip, byte lo, byte hi) {
        VectorSpecies<Byte> BS = ByteVector.SPECIES_128;
        int c = 0;
        for (; c + BS.length() <= depth; c += BS.length()) {
            ByteVector acc = ByteVector.broadcast(BS, (byte) -128);
            for (int fy = 0; fy < rows; fy++) {
                int p = rowStart + fy * rowStride + c;
                for (int fx = 0; fx < cols; fx++, p += colStride) acc = acc.max(ByteVector.fromArray(BS, x, p).lanewise(VectorOperators.XOR, flip));
            }
            acc.max(lo).min(hi).lanewise(VectorOperators.XOR, flip).intoArray(y, yo + c);
        }
        return c;
    }

    /** float MAX_POOL_2D of one output pixel (window order as the reference: acc = acc &lt; v ? v : acc). */
    static int maxPoolF(float[] x, int rowStart, int rowStride, int colStride, int rows, int cols, float[] y, int yo, int depth, float lo, float hi) {
        int c = 0;
        for (; c + F <= depth; c += F) {
            FloatVector acc = FloatVector.broadcast(FS, -Float.MAX_VALUE);
            for (int fy = 0; fy < rows; fy++) {
                int p = rowStart + fy * rowStride + c;
                for (int fx = 0; fx < cols; fx++, p += colStride) {
                    FloatVector v = FloatVector.fromArray(FS, x, p);
                    acc = acc.blend(v, acc.compare(VectorOperators.LT, v));
                }
            }
            acc = acc.blend(lo, acc.compare(VectorOperators.LT, lo));
            acc = acc.blend(hi, acc.compare(VectorOperators.GT, hi));
            acc.intoArray(y, yo + c);
        }
        return c;
    }

    /**
     * 8-bit AVERAGE_POOL_2D of one output pixel over its clipped window of {@code count = rows*cols > 0} cells:
     * int sums, then the reference's rounding division ((s + c/2) / c for s > 0, else (s - c/2) / c, truncating), done
     * in float, which is exact while |s| + c < 2^23 (the caller checks 256 * window < 2^23). Returns the channels done.
     */
    static int avgPool(byte[] x, int rowStart, int rowStride, int colStride, int rows, int cols, byte[] y, int yo, int depth, boolean unsigned,
                       int lo, int hi) {
        int count = rows * cols;
        float fc = count;
        int halfC = count / 2;
        int c = 0;
        for (; c + LOADW <= depth; c += IL) {
            IntVector acc = IntVector.zero(IS);
            for (int fy = 0; fy < rows; fy++) {
                int p = rowStart + fy * rowStride + c;
                for (int fx = 0; fx < cols; fx++, p += colStride) {
                    IntVector v = (IntVector) ByteVector.fromArray(BL, x, p).convertShape(VectorOperators.B2I, IS, 0);
                    acc = acc.add(unsigned ? v.and(0xFF) : v);
                }
            }
            IntVector num = acc.add(IntVector.broadcast(IS, halfC).blend(-halfC, acc.compare(VectorOperators.LE, 0)));
            FloatVector q = ((FloatVector) num.convertShape(VectorOperators.I2F, FS, 0)).div(fc);
            IntVector r = ((IntVector) q.convertShape(VectorOperators.F2I, IS, 0)).max(lo).min(hi);
            ByteVector b = (ByteVector) r.convertShape(VectorOperators.I2B, BL, 0);
            if (BL.length() == IL) b.intoArray(y, yo + c);
            else b.intoArray(y, yo + c, BL.indexInRange(0, IL));
        }
        return c;
    }

    /** float AVERAGE_POOL_2D of one output pixel (window order sum, divided by count &gt; 0, reference clamp). */
    static int avgPoolF(float[] x, int rowStart, int rowStride, int colStride, int rows, int cols, float[] y, int yo, int depth, float lo, float hi) {
        float count = rows * cols;
        int c = 0;
        for (; c + F <= depth; c += F) {
            FloatVector acc = FloatVector.zero(FS);
            for (int fy = 0; fy < rows; fy++) {
                int p = rowStart + fy * rowStride + c;
                for (int fx = 0; fx < cols; fx++, p += colStride) acc = acc.add(FloatVector.fromArray(FS, x, p));
            }
            acc = acc.div(count);
            acc = acc.blend(lo, acc.compare(VectorOperators.LT, lo));
            acc = acc.blend(hi, acc.compare(VectorOperators.GT, hi));
            acc.intoArray(y, yo + c);
        }
        return c;
    }
}
