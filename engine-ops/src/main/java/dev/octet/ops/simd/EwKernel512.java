package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise kernels at 512 bits (see {@link SimdElementwiseOps}). EwKernel256 and EwKernel128 are generated from
 * this file by scripts/gen-simd.sh: edit this one and regenerate. Quantized rescaling of values that can exceed 31
 * bits after multiplication runs in long lanes so that TFLite's fixed point is exact: SaturatingRoundingDoublingHighMul(x, m) = (x*m + 2^30) >> 31 (the
 * saturating case needs x = m = INT_MIN, impossible with a Q31 multiplier), then the rounding right shift
 * (x + half + (x < 0 ? neg : 0)) >> rsh (ties away from zero).
 */
final class EwKernel512 {
    private EwKernel512() {}

    static final VectorSpecies<Long> LS = LongVector.SPECIES_512;
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    /** Byte species with IS.length() lanes (8 at 128 bits, where only the low 4 are used). */
    static final VectorSpecies<Byte> BL = ByteVector.SPECIES_128;
    static final int IL = IS.length();
    /** Bytes a widening load of IL lanes reads. */
    static final int LOADW = Math.max(IL, BL.length());
    static final int F = FS.length();

    /**
     * Quantized ADD/SUB over n elements: a[ai + k*sa], b[bi + k*sb] with strides 1 or 0 (a scalar operand),
     * output o[oi + k]. Returns the number of elements done (the caller finishes the tail with scalar code).
     *
     * <p>The input rescale runs in int lanes, exactly: with v = x + offset in [-255, 510], the reference computes
     * SRDHM(v * 2^20, m) = (v * m + 2^10) >> 11 (the 2^20 factor divides out of the floor division), and splitting
     * m = mh * 2^11 + ml gives v * mh + ((v * ml + 2^10) >> 11), all within 31 bits; then the rounding right shift.
     * Only the output rescale of the sum needs long lanes. (The earlier all-long version made C2 fall back from the
     * long-to-byte conversion and box one vector per 8 outputs: 12 bytes of garbage per element.)
     */
    static int add(SimdElementwiseOps.QAdd q, byte[] a, int ai, int sa, byte[] b, int bi, int sb, byte[] o, int oi, int n) {
        if (sa == 0 && sb == 0) return 0;
        int mh1 = (int) (q.m1() >> 11), ml1 = (int) (q.m1() & 2047), h1 = (int) q.h1(), n1 = (int) q.n1(), r1 = (int) q.r1();
        int mh2 = (int) (q.m2() >> 11), ml2 = (int) (q.m2() & 2047), h2 = (int) q.h2(), n2 = (int) q.n2(), r2 = (int) q.r2();
        if (sa != 0 && sb != 0) return addVV(q, a, ai, b, bi, o, oi, n, mh1, ml1, h1, n1, r1, mh2, ml2, h2, n2, r2);
        // one scalar operand: its rescaled value is a constant (addition commutes)
        if (sb == 0) return addVC(q, a, ai, q.offA(), mh1, ml1, h1, n1, r1, scaleIn((b[bi] & q.mask()) + q.offB(), mh2, ml2, h2, n2, r2), o, oi, n);
        return addVC(q, b, bi, q.offB(), mh2, ml2, h2, n2, r2, scaleIn((a[ai] & q.mask()) + q.offA(), mh1, ml1, h1, n1, r1), o, oi, n);
    }

    /** The input rescale of one value, as the vector loops do it. */
    private static int scaleIn(int v, int mh, int ml, int half, int neg, int rsh) {
        int h = v * mh + ((v * ml + 1024) >> 11);
        return (h + half + ((h >> 31) & neg)) >> rsh;
    }

    // The loops below are written out flat, with no helper taking or returning a vector: C2 does not inline a helper
    // it has already compiled on its own into a large method (InlineSmallCode), and a vector crossing such a call is
    // boxed, which depends on compilation order (seen: 9 MB of garbage per MobileNetV2 run in one JVM in ten).

    private static int addVV(SimdElementwiseOps.QAdd q, byte[] a, int ai, byte[] b, int bi, byte[] o, int oi, int n,
                             int mh1, int ml1, int h1, int n1, int r1, int mh2, int ml2, int h2, int n2, int r2) {
        int mask = q.mask(), offA = q.offA(), offB = q.offB(), zp = q.outZp(), lo = q.lo(), hi = q.hi();
        long mo = q.mo(), ho = q.ho(), no = q.no(), ro = q.ro();
        int i = 0;
        for (; i + LOADW <= n; i += IL) {
            IntVector va = ((IntVector) ByteVector.fromArray(BL, a, ai + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).add(offA);
            IntVector ha = va.mul(mh1).add(va.mul(ml1).add(1024).lanewise(VectorOperators.ASHR, 11));
            ha = ha.add(h1).add(ha.lanewise(VectorOperators.ASHR, 31).and(n1)).lanewise(VectorOperators.ASHR, r1);
            IntVector vb = ((IntVector) ByteVector.fromArray(BL, b, bi + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).add(offB);
            IntVector hb = vb.mul(mh2).add(vb.mul(ml2).add(1024).lanewise(VectorOperators.ASHR, 11));
            hb = hb.add(h2).add(hb.lanewise(VectorOperators.ASHR, 31).and(n2)).lanewise(VectorOperators.ASHR, r2);
            IntVector s = ha.add(hb);
            LongVector xl = (LongVector) s.convertShape(VectorOperators.I2L, LS, 0);
            LongVector xh = (LongVector) s.convertShape(VectorOperators.I2L, LS, 1);
            xl = xl.mul(mo).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            xh = xh.mul(mo).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            xl = xl.add(ho).add(xl.lanewise(VectorOperators.ASHR, 63).and(no)).lanewise(VectorOperators.ASHR, ro);
            xh = xh.add(ho).add(xh.lanewise(VectorOperators.ASHR, 63).and(no)).lanewise(VectorOperators.ASHR, ro);
            IntVector r = ((IntVector) xl.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) xh.convertShape(VectorOperators.L2I, IS, -1));
            ByteVector bv = (ByteVector) r.add(zp).max(lo).min(hi).convertShape(VectorOperators.I2B, BL, 0);
            if (BL.length() == IL) bv.intoArray(o, oi + i);
            else bv.intoArray(o, oi + i, BL.indexInRange(0, IL));
        }
        return i;
    }

    /** ADD of a vector operand v (its offset and rescale parameters) and an already rescaled constant c. */
    private static int addVC(SimdElementwiseOps.QAdd q, byte[] v, int vi, int off, int mh, int ml, int h, int ng, int rs, int c, byte[] o, int oi, int n) {
        int mask = q.mask(), zp = q.outZp(), lo = q.lo(), hi = q.hi();
        long mo = q.mo(), ho = q.ho(), no = q.no(), ro = q.ro();
        int i = 0;
        for (; i + LOADW <= n; i += IL) {
            IntVector va = ((IntVector) ByteVector.fromArray(BL, v, vi + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).add(off);
            IntVector ha = va.mul(mh).add(va.mul(ml).add(1024).lanewise(VectorOperators.ASHR, 11));
            IntVector s = ha.add(h).add(ha.lanewise(VectorOperators.ASHR, 31).and(ng)).lanewise(VectorOperators.ASHR, rs).add(c);
            LongVector xl = (LongVector) s.convertShape(VectorOperators.I2L, LS, 0);
            LongVector xh = (LongVector) s.convertShape(VectorOperators.I2L, LS, 1);
            xl = xl.mul(mo).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            xh = xh.mul(mo).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            xl = xl.add(ho).add(xl.lanewise(VectorOperators.ASHR, 63).and(no)).lanewise(VectorOperators.ASHR, ro);
            xh = xh.add(ho).add(xh.lanewise(VectorOperators.ASHR, 63).and(no)).lanewise(VectorOperators.ASHR, ro);
            IntVector r = ((IntVector) xl.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) xh.convertShape(VectorOperators.L2I, IS, -1));
            ByteVector bv = (ByteVector) r.add(zp).max(lo).min(hi).convertShape(VectorOperators.I2B, BL, 0);
            if (BL.length() == IL) bv.intoArray(o, oi + i);
            else bv.intoArray(o, oi + i, BL.indexInRange(0, IL));
        }
        return i;
    }

    /**
     * Quantized MUL (output multiplier < 1), same contract as {@link #add}: the product of the offset inputs is exact in
     * int lanes (at most 255 * 255), its rescale runs in long lanes; flat loops, one per operand pattern.
     */
    static int mul(SimdElementwiseOps.QMul q, byte[] a, int ai, int sa, byte[] b, int bi, int sb, byte[] o, int oi, int n) {
        if (sa == 0 && sb == 0) return 0;
        int mask = q.mask(), offA = q.offA(), offB = q.offB(), zp = q.outZp(), lo = q.lo(), hi = q.hi();
        long m = q.m(), h = q.h(), ng = q.ng(), r = q.r();
        int i = 0;
        if (sa != 0 && sb != 0) {
            for (; i + LOADW <= n; i += IL) {
                IntVector va = ((IntVector) ByteVector.fromArray(BL, a, ai + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).add(offA);
                IntVector vb = ((IntVector) ByteVector.fromArray(BL, b, bi + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).add(offB);
                IntVector p = va.mul(vb);
                LongVector xl = (LongVector) p.convertShape(VectorOperators.I2L, LS, 0);
                LongVector xh = (LongVector) p.convertShape(VectorOperators.I2L, LS, 1);
                xl = xl.mul(m).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                xh = xh.mul(m).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                xl = xl.add(h).add(xl.lanewise(VectorOperators.ASHR, 63).and(ng)).lanewise(VectorOperators.ASHR, r);
                xh = xh.add(h).add(xh.lanewise(VectorOperators.ASHR, 63).and(ng)).lanewise(VectorOperators.ASHR, r);
                IntVector res = ((IntVector) xl.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) xh.convertShape(VectorOperators.L2I, IS, -1));
                ByteVector bv = (ByteVector) res.add(zp).max(lo).min(hi).convertShape(VectorOperators.I2B, BL, 0);
                if (BL.length() == IL) bv.intoArray(o, oi + i);
                else bv.intoArray(o, oi + i, BL.indexInRange(0, IL));
            }
            return i;
        }
        // one scalar operand: multiplication commutes, so v * c covers both sides
        byte[] v = sa == 0 ? b : a;
        int vi = sa == 0 ? bi : ai;
        int off = sa == 0 ? offB : offA;
        int c = sa == 0 ? (a[ai] & mask) + offA : (b[bi] & mask) + offB;
        for (; i + LOADW <= n; i += IL) {
            IntVector p = ((IntVector) ByteVector.fromArray(BL, v, vi + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).add(off).mul(c);
            LongVector xl = (LongVector) p.convertShape(VectorOperators.I2L, LS, 0);
            LongVector xh = (LongVector) p.convertShape(VectorOperators.I2L, LS, 1);
            xl = xl.mul(m).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            xh = xh.mul(m).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            xl = xl.add(h).add(xl.lanewise(VectorOperators.ASHR, 63).and(ng)).lanewise(VectorOperators.ASHR, r);
            xh = xh.add(h).add(xh.lanewise(VectorOperators.ASHR, 63).and(ng)).lanewise(VectorOperators.ASHR, r);
            IntVector res = ((IntVector) xl.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) xh.convertShape(VectorOperators.L2I, IS, -1));
            ByteVector bv = (ByteVector) res.add(zp).max(lo).min(hi).convertShape(VectorOperators.I2B, BL, 0);
            if (BL.length() == IL) bv.intoArray(o, oi + i);
            else bv.intoArray(o, oi + i, BL.indexInRange(0, IL));
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
        VectorSpecies<Byte> BS = ByteVector.SPECIES_512;
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
