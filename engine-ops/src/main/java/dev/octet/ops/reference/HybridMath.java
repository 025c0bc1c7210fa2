package dev.octet.ops.reference;

/**
 * The arithmetic of TFLite 2.6.2's dynamic-range ("hybrid") kernels: float activations are quantized to int8 on
 * the fly, one row (a batch, or a row of a matrix) at a time, multiplied with int8 weights into int32 accumulators,
 * and the accumulators are scaled back to float. Shared by the hybrid FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D
 * and BATCH_MATMUL kernels (and usable by recurrent ops). Allocation-free; no state.
 *
 * <p>Facts (established against the TFLite 2.6.2 x86-64 library; see docs/tflite-hybrid.md):
 * <ul>
 *   <li>Symmetric row quantization: {@code range = max(|min|, |max|)} in float; scaling factor
 *       {@code range / 127f}; each value is {@code round(x * (127f / range))} (float product, rounded half away from
 *       zero as {@code std::round}), clamped to [-127, 127]. An all-zero row quantizes to zeros with factor 1.
 *   <li>Asymmetric row quantization (the range always includes 0): computed in double, {@code scale = (rmax - rmin)
 *       / 255}, the zero point from whichever end has the smaller error, nudged into [-128, 127] and rounded half
 *       away from zero; the scale is stored as a float, its inverse is {@code (float) (1.0 / scale)}, and each value
 *       is {@code round(zp + x * inverse)} in float, clamped to [-128, 127]. A row without range gives zeros,
 *       factor 1, offset 0.
 *   <li>The asymmetric zero point is removed after the integer dot product: {@code dot - rowSum(w) * offset}.
 * </ul>
 */
public final class HybridMath {
    private HybridMath() {}

    /** {@code std::round} on a float: to the nearest integer, ties away from zero (TFLite's TfLiteRound). */
    public static float round(float v) {
        double d = v; // v + 0.5 is exact in double for every float that is not already an integer
        return (float) (d >= 0 ? Math.floor(d + 0.5) : -Math.floor(-d + 0.5));
    }

    /** {@code std::round} on a double: ties away from zero. */
    public static double round(double v) {
        double r = Math.floor(Math.abs(v) + 0.5);
        // floor(|v| + 0.5) can round up a value just below .5 when |v| + 0.5 is inexact; correct it
        if (r - Math.abs(v) > 0.5) r -= 1;
        return Math.copySign(r, v);
    }

    /**
     * Quantizes {@code n} floats symmetrically to int8 in [-127, 127] the way TFLite's SymmetricQuantizeFloats does,
     * and returns the scaling factor (real value = q * factor).
     */
    public static float quantizeSymmetric(float[] x, int xOff, int n, byte[] q, int qOff) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        if (n > 0) {
            min = x[xOff];
            max = x[xOff];
        }
        for (int i = 1; i < n; i++) {
            float v = x[xOff + i];
            if (v < min) min = v;
            if (max < v) max = v;
        }
        float range = Math.max(Math.abs(min), Math.abs(max));
        if (n == 0 || range == 0f) {
            for (int i = 0; i < n; i++) q[qOff + i] = 0;
            return 1f;
        }
        float factor = range / 127f;
        float inverse = 127f / range;
        for (int i = 0; i < n; i++) {
            int v = (int) round(x[xOff + i] * inverse);
            q[qOff + i] = (byte) Math.min(127, Math.max(-127, v));
        }
        return factor;
    }

    /**
     * Quantizes {@code n} floats asymmetrically to int8 in [-128, 127] the way TFLite's AsymmetricQuantizeFloats
     * does (real value = (q - offset) * scale). Writes the scale to {@code scales[idx]} and the zero point (offset)
     * to {@code offsets[idx]}.
     */
    public static void quantizeAsymmetric(float[] x, int xOff, int n, byte[] q, int qOff, float[] scales, int[] offsets, int idx) {
        float min = 0f, max = 0f;
        if (n > 0) {
            min = x[xOff];
            max = x[xOff];
        }
        for (int i = 1; i < n; i++) {
            float v = x[xOff + i];
            if (v < min) min = v;
            if (max < v) max = v;
        }
        double rmin = Math.min(0.0, min);
        double rmax = Math.max(0.0, max);
        if (rmin == rmax) {
            for (int i = 0; i < n; i++) q[qOff + i] = 0;
            scales[idx] = 1f;
            offsets[idx] = 0;
            return;
        }
        final double qmin = -128, qmax = 127;
        double scale = (rmax - rmin) / (qmax - qmin);
        double zpFromMin = qmin - rmin / scale;
        double zpFromMax = qmax - rmax / scale;
        double errFromMin = Math.abs(qmin) + Math.abs(rmin / scale);
        double errFromMax = Math.abs(qmax) + Math.abs(rmax / scale);
        double zp = errFromMin < errFromMax ? zpFromMin : zpFromMax;
        int offset;
        if (zp <= qmin) offset = -128;
        else if (zp >= qmax) offset = 127;
        else offset = (int) round(zp);
        float factor = (float) scale;
        float inverse = (float) (1.0 / factor);
        float fOffset = offset;
        for (int i = 0; i < n; i++) {
            int v = (int) round(fOffset + x[xOff + i] * inverse);
            q[qOff + i] = (byte) Math.min(127, Math.max(-128, v));
        }
        scales[idx] = factor;
        offsets[idx] = offset;
    }

    /**
     * One row of TFLite's BatchQuantizeFloats: asymmetric (scale and offset written at {@code idx}) or symmetric
     * (scale written at {@code idx}, offset 0 written when {@code offsets} is not null).
     */
    public static void quantizeRow(boolean asymmetric, float[] x, int xOff, int n, byte[] q, int qOff, float[] scales, int[] offsets, int idx) {
        if (asymmetric) {
            quantizeAsymmetric(x, xOff, n, q, qOff, scales, offsets, idx);
        } else {
            scales[idx] = quantizeSymmetric(x, xOff, n, q, qOff);
            if (offsets != null) offsets[idx] = 0;
        }
    }

    /** The int32 dot product of two int8 vectors (wrapping like TFLite's int32 accumulator). */
    public static int dot(byte[] a, int aOff, byte[] b, int bOff, int n) {
        int acc = 0;
        for (int i = 0; i < n; i++) acc += a[aOff + i] * b[bOff + i];
        return acc;
    }

    /** The sum of each of {@code rows} int8 rows of {@code cols} values, written to {@code sums[sOff + r]}. */
    public static void rowSums(byte[] m, int off, int rows, int cols, int[] sums, int sOff) {
        for (int r = 0; r < rows; r++) {
            int s = 0;
            int base = off + r * cols;
            for (int c = 0; c < cols; c++) s += m[base + c];
            sums[sOff + r] = s;
        }
    }

    /** The sum of one int8 row. */
    public static int rowSum(byte[] m, int off, int cols) {
        int s = 0;
        for (int c = 0; c < cols; c++) s += m[off + c];
        return s;
    }

    /** Whether all {@code n} floats are zero (TFLite skips the product for an all-zero input). */
    public static boolean isZero(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) if (x[off + i] != 0f) return false;
        return true;
    }

    /**
     * The accumulate step of TFLite's hybrid MatrixBatchVectorMultiplyAccumulate for one output:
     * {@code result + (float) (dot - rowSum * offset) * scale} (float product, then float sum), where scale is the
     * row's scaling factor already multiplied by the weight scale(s).
     */
    public static float accumulate(float result, int dot, int rowSum, int offset, float scale) {
        return result + (float) (dot - rowSum * offset) * scale;
    }
}
