package dev.octet.ops.simd;

import dev.octet.ops.reference.FloatActivations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from FloatKernel512.java by scripts/gen-simd.sh: do not edit. Float32 SOFTMAX / SOFTMAX_AXIS / LOGISTIC kernels at 128 bits (see {@link SimdFloatOps}). FloatKernel256 and
 * FloatKernel128 are generated from this file by scripts/gen-simd.sh. Every lane performs the IEEE operations of
 * {@link FloatActivations} in the same order (multiply, then add: no FMA; floor through a truncating conversion;
 * 2^m applied as two exact-then-rounding multiplies, which equals Math.scalb's single rounding), so results are
 * bit-identical with the scalar reference; remainders run the scalar reference code itself.
 */
final class FloatKernel128 {
    private FloatKernel128() {}

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_128;
    /** Eigen's packet reduction works on 4-float packets whatever the width: the sum uses 128-bit vectors. */
    static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    static final int L = 4;
    private static final FloatVector ZERO = FloatVector.zero(FS);

    /** Flush to zero: |v| below 2^-126 becomes a zero of v's sign. */
    static FloatVector ftz(FloatVector v) {
        VectorMask<Float> tiny = v.abs().lt(Float.MIN_NORMAL);
        FloatVector signedZero = v.reinterpretAsInts().and(0x80000000).reinterpretAsFloats();
        return v.blend(signedZero, tiny);
    }

    /**
     * LOGISTIC over the elements [from, to) of a tensor of {@code size} elements: Eigen's rational, and where a lane is
     * below -9 the exp of {@link #expRow} (written out here too, see there).
     */
    static void logistic(float[] src, int so, float[] dst, int d0, int from, int to, int size) {
        int vecEnd = Math.min(to, FloatActivations.tailStart(size));
        int i = from;
        for (; i + L <= vecEnd; i += L) {
            FloatVector in = FloatVector.fromArray(FS, src, so + i);
            in = in.blend(in.reinterpretAsInts().and(0x80000000).reinterpretAsFloats(), in.abs().lt(Float.MIN_NORMAL));
            VectorMask<Float> small = in.lt(-9f);
            FloatVector x = in.min(15.6437711715698242f);
            FloatVector x2 = x.mul(x);
            FloatVector p = x2.mul(4.37031012579801e-11f).add(1.15627324459942e-07f);
            p = x2.mul(p).add(6.08574864600143e-05f);
            p = x2.mul(p).add(8.51377133304701e-03f);
            p = x2.mul(p).add(2.48287947061529e-01f);
            p = x.mul(p);
            FloatVector q = x2.mul(6.10247389755681e-13f).add(5.76102136993427e-09f);
            q = x2.mul(q).add(6.29106785017040e-06f);
            q = x2.mul(q).add(1.70198817374094e-03f);
            q = x2.mul(q).add(1.16817656904453e-01f);
            q = x2.mul(q).add(9.93151921023180e-01f);
            FloatVector res = p.div(q).add(0.5f);
            if (small.anyTrue()) {
                FloatVector e_x = in.min(88.723f).max(-88.723f);
                FloatVector e_t = e_x.mul(1.44269504088896341f).add(0.5f);
                IntVector e_ti = (IntVector) e_t.convert(VectorOperators.F2I, 0);
                FloatVector e_tf = (FloatVector) e_ti.convert(VectorOperators.I2F, 0);
                FloatVector e_m = e_tf.sub(ZERO.blend(1f, e_tf.compare(VectorOperators.GT, e_t))); // floor (t is within +-129)
                IntVector e_mi = (IntVector) e_m.convert(VectorOperators.F2I, 0);
                FloatVector e_r = e_m.mul(-0.693359375f).add(e_x);
                e_r = e_m.mul(2.12194440e-4f).add(e_r);
                FloatVector e_r2 = e_r.mul(e_r);
                FloatVector e_r3 = e_r2.mul(e_r);
                FloatVector e_y = FloatVector.broadcast(FS, 1.9875691500E-4f).mul(e_r).add(1.3981999507E-3f);
                FloatVector e_y1 = FloatVector.broadcast(FS, 4.1665795894E-2f).mul(e_r).add(1.6666665459E-1f);
                FloatVector e_y2 = e_r.add(1f);
                e_y = e_y.mul(e_r).add(8.3334519073E-3f);
                e_y1 = e_y1.mul(e_r).add(5.0000001201E-1f);
                e_y = e_y.mul(e_r3).add(e_y1);
                e_y = e_y.mul(e_r2).add(e_y2);
                // y * 2^m with m in [-128, 128]: y * 2^(m >> 1) is exact, the second factor rounds once
                IntVector e_m1 = e_mi.lanewise(VectorOperators.ASHR, 1);
                IntVector e_m2 = e_mi.sub(e_m1);
                FloatVector e_p1 = e_m1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e_p2 = e_m2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e = e_y.mul(e_p1).mul(e_p2).max(in);
                e = e.blend(e.reinterpretAsInts().and(0x80000000).reinterpretAsFloats(), e.abs().lt(Float.MIN_NORMAL));
                res = res.blend(e, small);
            }
            res.intoArray(dst, d0 + i);
        }
        FloatActivations.logistic(src, so, dst, d0, i, to, size);
    }

    /** SOFTMAX rows [r0, r1) of a [rows x depth] tensor ({@link FloatActivations#softmaxRow}). */
    static void softmaxRows(float[] src, int so, float[] dst, int d0, int r0, int r1, int depth, float beta, int tail) {
        for (int row = r0; row < r1; row++) {
            int flat = row * depth, s = so + flat, d = d0 + flat;
            if (depth < L) {
                FloatActivations.softmaxRow(src, s, dst, d, depth, beta, flat, tail);
                continue;
            }
            float max = rowMax(src, s, depth);
            int lim = Math.max(0, Math.min(depth, tail - flat)); // exp by the polynomial below lim, expf from there
            int j = expRow(src, s, dst, d, lim, max, beta);
            for (; j < depth; j++) {
                float v = FloatActivations.ftz((FloatActivations.ftz(src[s + j]) - max) * beta);
                dst[d + j] = j < lim ? FloatActivations.exp(v) : FloatActivations.ftz(FloatActivations.expf(v));
            }
            float inv = 1f / sum(dst, d, depth, (4 - (flat & 3)) & 3);
            scaleRow(dst, d, depth, inv);
        }
    }

    /**
     * dst[d + j] = exp(ftz((ftz(src[s + j]) - max) * beta)) for the leading whole vectors of [0, n); returns how many.
     * The exp is written out here (not called) so that C2 compiles the loop as one piece whatever it did with a helper method.
     */
    static int expRow(float[] src, int s, float[] dst, int d, int n, float max, float beta) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector a = FloatVector.fromArray(FS, src, s + j);
            a = a.blend(a.reinterpretAsInts().and(0x80000000).reinterpretAsFloats(), a.abs().lt(Float.MIN_NORMAL));
            FloatVector in = a.sub(max).mul(beta);
            in = in.blend(in.reinterpretAsInts().and(0x80000000).reinterpretAsFloats(), in.abs().lt(Float.MIN_NORMAL));
            FloatVector x = in.min(88.723f).max(-88.723f);
            FloatVector t = x.mul(1.44269504088896341f).add(0.5f);
            IntVector ti = (IntVector) t.convert(VectorOperators.F2I, 0);
            FloatVector tf = (FloatVector) ti.convert(VectorOperators.I2F, 0);
            FloatVector m = tf.sub(ZERO.blend(1f, tf.compare(VectorOperators.GT, t))); // floor (t is within +-129)
            IntVector mi = (IntVector) m.convert(VectorOperators.F2I, 0);
            FloatVector r = m.mul(-0.693359375f).add(x);
            r = m.mul(2.12194440e-4f).add(r);
            FloatVector r2 = r.mul(r);
            FloatVector r3 = r2.mul(r);
            FloatVector y = FloatVector.broadcast(FS, 1.9875691500E-4f).mul(r).add(1.3981999507E-3f);
            FloatVector y1 = FloatVector.broadcast(FS, 4.1665795894E-2f).mul(r).add(1.6666665459E-1f);
            FloatVector y2 = r.add(1f);
            y = y.mul(r).add(8.3334519073E-3f);
            y1 = y1.mul(r).add(5.0000001201E-1f);
            y = y.mul(r3).add(y1);
            y = y.mul(r2).add(y2);
            // y * 2^m with m in [-128, 128]: y * 2^(m >> 1) is exact, the second factor rounds once
            IntVector m1 = mi.lanewise(VectorOperators.ASHR, 1);
            IntVector m2 = mi.sub(m1);
            FloatVector p1 = m1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector p2 = m2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = y.mul(p1).mul(p2).max(in);
            e.blend(e.reinterpretAsInts().and(0x80000000).reinterpretAsFloats(), e.abs().lt(Float.MIN_NORMAL)).intoArray(dst, d + j);
        }
        return j;
    }

    /** dst[d, d + n) = ftz(dst * inv). */
    static void scaleRow(float[] dst, int d, int n, float inv) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector e = FloatVector.fromArray(FS, dst, d + j).mul(inv);
            e.blend(e.reinterpretAsInts().and(0x80000000).reinterpretAsFloats(), e.abs().lt(Float.MIN_NORMAL)).intoArray(dst, d + j);
        }
        for (; j < n; j++) dst[d + j] = FloatActivations.ftz(dst[d + j] * inv);
    }

    /** Math.max of the flushed src[s, s + depth) (the order does not matter: Math.max is commutative, NaN wins). */
    static float rowMax(float[] src, int s, int depth) {
        FloatVector vmax = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        int j = 0, vb = FS.loopBound(depth);
        for (; j < vb; j += L) vmax = vmax.max(ftz(FloatVector.fromArray(FS, src, s + j)));
        float max = vmax.reduceLanes(VectorOperators.MAX);
        if (vmax.test(VectorOperators.IS_NAN).anyTrue()) max = Float.NaN;
        for (; j < depth; j++) max = Math.max(max, FloatActivations.ftz(src[s + j]));
        return max;
    }

    /** {@link FloatActivations#eigenSum} with 4-lane vectors as the packet accumulators. */
    static float sum(float[] a, int off, int size, int alignedStart) {
        alignedStart = Math.min(alignedStart, size);
        int alignedSize = ((size - alignedStart) / 4) * 4;
        if (alignedSize <= 4) return FloatActivations.eigenSum(a, off, size, alignedStart);
        int alignedSize2 = ((size - alignedStart) / 8) * 8;
        int alignedEnd = alignedStart + alignedSize, alignedEnd2 = alignedStart + alignedSize2;
        int b = off + alignedStart;
        FloatVector p = FloatVector.fromArray(F4, a, b), q = FloatVector.fromArray(F4, a, b + 4);
        for (int i = b + 8; i < off + alignedEnd2; i += 8) {
            p = p.add(FloatVector.fromArray(F4, a, i));
            q = q.add(FloatVector.fromArray(F4, a, i + 4));
        }
        p = p.add(q);
        if (alignedEnd > alignedEnd2) p = p.add(FloatVector.fromArray(F4, a, off + alignedEnd2));
        float res = (p.lane(0) + p.lane(2)) + (p.lane(1) + p.lane(3));
        for (int i = 0; i < alignedStart; i++) res += a[off + i];
        for (int i = alignedEnd; i < size; i++) res += a[off + i];
        return res;
    }

    /** SOFTMAX_AXIS over columns [b0, b1) of one outer block ({@link FloatActivations#softmaxAxis}). */
    static void softmaxAxis(float[] x, int xo, float[] y, int yo, int len, int inner, int base, int b0, int b1) {
        int b = b0;
        for (; b + L <= b1; b += L) softmaxAxisColumns(x, xo + base + b, y, yo + base + b, len, inner);
        FloatActivations.softmaxAxis(x, xo, y, yo, len, inner, base, b, b1);
    }

    /** L columns starting at src[xs] / out[ys], len elements each, inner apart (the exp written out, see {@link #expRow}). */
    static void softmaxAxisColumns(float[] src, int xs, float[] out, int ys, int len, int inner) {
        FloatVector max = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        for (int k = 0; k < len; k++) max = max.max(FloatVector.fromArray(FS, src, xs + k * inner));
        FloatVector sum = FloatVector.zero(FS); // not the ZERO constant: a boxed constant at a loop phi boxes every iteration
        for (int k = 0; k < len; k++) {
            FloatVector in = FloatVector.fromArray(FS, src, xs + k * inner).sub(max);
            FloatVector x = in.min(88.723f).max(-88.723f);
            FloatVector t = x.mul(1.44269504088896341f).add(0.5f);
            IntVector ti = (IntVector) t.convert(VectorOperators.F2I, 0);
            FloatVector tf = (FloatVector) ti.convert(VectorOperators.I2F, 0);
            FloatVector m = tf.sub(ZERO.blend(1f, tf.compare(VectorOperators.GT, t))); // floor (t is within +-129)
            IntVector mi = (IntVector) m.convert(VectorOperators.F2I, 0);
            FloatVector r = m.mul(-0.693359375f).add(x);
            r = m.mul(2.12194440e-4f).add(r);
            FloatVector r2 = r.mul(r);
            FloatVector r3 = r2.mul(r);
            FloatVector y = FloatVector.broadcast(FS, 1.9875691500E-4f).mul(r).add(1.3981999507E-3f);
            FloatVector y1 = FloatVector.broadcast(FS, 4.1665795894E-2f).mul(r).add(1.6666665459E-1f);
            FloatVector y2 = r.add(1f);
            y = y.mul(r).add(8.3334519073E-3f);
            y1 = y1.mul(r).add(5.0000001201E-1f);
            y = y.mul(r3).add(y1);
            y = y.mul(r2).add(y2);
            // y * 2^m with m in [-128, 128]: y * 2^(m >> 1) is exact, the second factor rounds once
            IntVector m1 = mi.lanewise(VectorOperators.ASHR, 1);
            IntVector m2 = mi.sub(m1);
            FloatVector p1 = m1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector p2 = m2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = y.mul(p1).mul(p2).max(in);
            e = e.blend(e.reinterpretAsInts().and(0x80000000).reinterpretAsFloats(), e.abs().lt(Float.MIN_NORMAL));
            e.intoArray(out, ys + k * inner);
            sum = sum.add(e);
        }
        for (int k = 0; k < len; k++) FloatVector.fromArray(FS, out, ys + k * inner).div(sum).intoArray(out, ys + k * inner);
    }
}
