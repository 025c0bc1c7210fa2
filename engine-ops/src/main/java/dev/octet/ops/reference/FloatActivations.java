package dev.octet.ops.reference;

/**
 * Scalar reference arithmetic of the float32 SOFTMAX, SOFTMAX_AXIS and LOGISTIC kernels, public so that the SIMD
 * kernels (dev.octet.ops.simd.FloatKernel*) use exactly this code for their scalar remainders. The SIMD kernels
 * repeat the same IEEE operations in the same order lane by lane, so their outputs are bit-identical with these.
 *
 * <p>The exponential is {@link #exp}: Eigen's single-precision exp (Cephes: clamp to +-88.723, m = floor(x log2 e +
 * 1/2), r = x - m ln 2 with ln 2 split in two constants, a degree-6 polynomial, then times 2^m), each multiply-add
 * rounded twice (a * b, then + c: no FMA, as TFLite 2.6.2's x86 build evaluates it), results below 2^-126 flushed to
 * zero. Measured against the correctly rounded e^x (StrictMath.exp rounded to float) over 1M random x in [-87, 88]:
 * at most 1 ulp off (see FloatKernelTester#expAccuracy).
 */
public final class FloatActivations {
    private FloatActivations() {}

    /** Flush to zero (see {@link FloatMath#ftz}). */
    public static float ftz(float v) { return FloatMath.ftz(v); }

    /** The engine's float exp (Eigen / Cephes, no FMA, flushed): see the class comment. */
    public static float exp(float x) { return FloatMath.eigenExp(x); }

    /** Correctly rounded expf (C library's expf): TFLite's scalar tail of an Eigen loop. */
    public static float expf(float x) { return FloatMath.expf(x); }

    /** Start of the Eigen scalar tail of a loop over n floats. */
    public static int tailStart(int n) { return FloatMath.eigenTailStart(n); }

    /** LOGISTIC of one flushed input: Eigen's rational, or exp below -9 ({@code expf} in the scalar tail). */
    public static float logistic(float ftzIn, boolean vectorLane) { return FloatMath.eigenLogistic(ftzIn, vectorLane); }

    /** float32 LOGISTIC over the elements [from, to) of a tensor of {@code size} elements. */
    public static void logistic(float[] src, int so, float[] dst, int d0, int from, int to, int size) {
        int tail = FloatMath.eigenTailStart(size);
        for (int i = from; i < to; i++) dst[d0 + i] = FloatMath.eigenLogistic(FloatMath.ftz(src[so + i]), i < tail);
    }

    /**
     * One row of float32 SOFTMAX (last axis, TFLite/Eigen order): max of the flushed inputs; {@code e = exp(ftz((x -
     * max) * beta))} (the C library's expf at flat indices >= {@code tail}); {@code inv = 1 / eigenSum(e)}; {@code
     * ftz(e * inv)}. {@code flat} is the row's first flat index in the tensor.
     */
    public static void softmaxRow(float[] src, int s, float[] dst, int d, int depth, float beta, int flat, int tail) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < depth; j++) max = Math.max(max, FloatMath.ftz(src[s + j]));
        for (int j = 0; j < depth; j++) {
            float v = FloatMath.ftz((FloatMath.ftz(src[s + j]) - max) * beta);
            dst[d + j] = flat + j < tail ? FloatMath.eigenExp(v) : FloatMath.ftz(FloatMath.expf(v));
        }
        float inv = 1f / eigenSum(dst, d, depth, (4 - (flat & 3)) & 3);
        for (int j = 0; j < depth; j++) dst[d + j] = FloatMath.ftz(dst[d + j] * inv);
    }

    /**
     * Sum of a[off, off + size) in the order of Eigen's vectorized reduction with 4-float packets: scalar head up to
     * the first 16-byte aligned element ({@code alignedStart}), two packet accumulators over pairs of packets, an odd
     * last packet, the horizontal add (p0 + p2) + (p1 + p3), then the head and the scalar tail in order.
     */
    public static float eigenSum(float[] a, int off, int size, int alignedStart) {
        alignedStart = Math.min(alignedStart, size);
        int alignedSize = ((size - alignedStart) / 4) * 4;
        int alignedSize2 = ((size - alignedStart) / 8) * 8;
        int alignedEnd = alignedStart + alignedSize, alignedEnd2 = alignedStart + alignedSize2;
        if (alignedSize == 0) {
            float res = a[off];
            for (int i = 1; i < size; i++) res += a[off + i];
            return res;
        }
        int b = off + alignedStart;
        float p0 = a[b], p1 = a[b + 1], p2 = a[b + 2], p3 = a[b + 3];
        if (alignedSize > 4) {
            float q0 = a[b + 4], q1 = a[b + 5], q2 = a[b + 6], q3 = a[b + 7];
            for (int i = off + alignedStart + 8; i < off + alignedEnd2; i += 8) {
                p0 += a[i]; p1 += a[i + 1]; p2 += a[i + 2]; p3 += a[i + 3];
                q0 += a[i + 4]; q1 += a[i + 5]; q2 += a[i + 6]; q3 += a[i + 7];
            }
            p0 += q0; p1 += q1; p2 += q2; p3 += q3;
            if (alignedEnd > alignedEnd2) {
                int i = off + alignedEnd2;
                p0 += a[i]; p1 += a[i + 1]; p2 += a[i + 2]; p3 += a[i + 3];
            }
        }
        float res = (p0 + p2) + (p1 + p3);
        for (int i = 0; i < alignedStart; i++) res += a[off + i];
        for (int i = alignedEnd; i < size; i++) res += a[off + i];
        return res;
    }

    /**
     * SOFTMAX_AXIS for the columns b in [b0, b1) of one outer block: the {@code len} elements of column b are at
     * {@code base + k * inner + b}. Per column: max (Math.max, in k order); {@code e_k = exp(x_k - max)}; sum of the
     * e_k left to right; {@code y_k = e_k / sum}.
     */
    public static void softmaxAxis(float[] x, int xo, float[] y, int yo, int len, int inner, int base, int b0, int b1) {
        for (int b = b0; b < b1; b++) {
            int p = base + b;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < len; k++) max = Math.max(max, x[xo + p + k * inner]);
            float sum = 0f;
            for (int k = 0; k < len; k++) {
                float e = FloatMath.eigenExp(x[xo + p + k * inner] - max);
                y[yo + p + k * inner] = e;
                sum += e;
            }
            for (int k = 0; k < len; k++) y[yo + p + k * inner] /= sum;
        }
    }
}
