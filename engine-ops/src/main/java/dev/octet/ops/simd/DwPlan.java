package dev.octet.ops.simd;

import dev.octet.ops.reference.Window;

/**
 * Everything a SIMD depthwise kernel needs, computed at load: geometry, the filter widened to float with its zero
 * point removed and laid out tap-major {@code [kH*kW][cPad]} (zeros past the last channel), and the output stage.
 *
 * <p>Arithmetic. The kernels compute the accumulator in float lanes: a quantized tap product
 * {@code (x - xZp) * (w - wZp)} is an integer of magnitude at most 255*255, and the plan is only built when the
 * sum of the largest possible tap magnitudes of every channel stays below 2^24, so every partial sum is an exact
 * integer and the order of additions does not matter. The bias is added afterwards in int32 (wrapping, like the
 * reference). Float kernels add {@code x*w} products (no FMA) in the reference's tap order, ky outer, kx inner,
 * and add the bias last, so they round identically.
 *
 * <p>Input rows are widened once into a float row buffer with {@code padL} zero columns before and zero columns
 * after, input channel ic repeated for its {@code mult} output channels ({@code x - xZp}, so a padding column
 * contributes exactly zero, as a skipped tap does). Rows above or below the image are skipped.
 */
final class DwPlan {
    static final int FLOAT = 0, TFLITE = 1, ONNX = 2;

    final int kind;
    final boolean unsigned;
    final int batch, inH, inW, inC, mult, outC, cPad;
    final Window win;
    final int wp;       // columns of a row buffer (padding included)
    final int rowLen;   // floats per row buffer (wp * outC + one vector of slack)
    final int inputId, outputId;
    final int xZp;
    final float[] w;    // [kH*kW][cPad]
    // TFLite: int32 bias, per-lane left shift, Q31 multiplier, rounding-shift parameters (long lanes)
    final int[] biasI;
    final int[] lsh;
    final long[] mul, half, neg, rsh;
    // ONNX: output scale per channel
    final float[] os;
    final int outZp, lo, hi;
    // float: bias and clamp range
    final float[] biasF;
    final float flo, fhi;
    final int parts;    // work parts (one scratch slice each)

    DwPlan(int kind, boolean unsigned, int batch, int inC, int mult, Window win, int lanes, int inputId, int outputId, int xZp, float[] w,
           int[] biasI, int[] lsh, long[] mul, long[] half, long[] neg, long[] rsh, float[] os, int outZp, int lo, int hi,
           float[] biasF, float flo, float fhi, int threads) {
        this.kind = kind;
        this.unsigned = unsigned;
        this.batch = batch;
        this.inH = win.inH();
        this.inW = win.inW();
        this.inC = inC;
        this.mult = mult;
        this.outC = inC * mult;
        this.cPad = roundUp(outC, lanes);
        this.win = win;
        int need = (win.outW() - 1) * win.strideW() + (win.kW() - 1) * win.dilationW() + 1;
        this.wp = Math.max(need, win.padLeft() + win.inW());
        this.rowLen = wp * outC + lanes;
        this.inputId = inputId;
        this.outputId = outputId;
        this.xZp = xZp;
        this.w = w;
        this.biasI = biasI;
        this.lsh = lsh;
        this.mul = mul;
        this.half = half;
        this.neg = neg;
        this.rsh = rsh;
        this.os = os;
        this.outZp = outZp;
        this.lo = lo;
        this.hi = hi;
        this.biasF = biasF;
        this.flo = flo;
        this.fhi = fhi;
        // one part per thread, up to 4 per thread while each keeps 6 output rows (a part re-widens kH-1 input rows)
        this.parts = threads <= 1 ? 1 : Math.max(1, Math.max(Math.min(threads, rows()), Math.min(4 * threads, rows() / 6)));
    }

    static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    int rows() { return batch * win.outH(); }

    /** Floats of scratch one part needs: one row buffer per filter row. */
    int scratchPerPart() { return win.kH() * rowLen; }

    long macs() { return (long) batch * win.outH() * win.outW() * outC * win.kH() * win.kW(); }

    /**
     * Widens input row {@code iy} of image {@code b} into {@code buf[base..]}: zero columns left and right, input
     * channel ic repeated for output channels ic*mult..ic*mult+mult-1, zero point removed.
     */
    void fillRow(Object xArr, int xOff, int b, int iy, float[] buf, int base) {
        int padCols = win.padLeft() * outC;
        java.util.Arrays.fill(buf, base, base + padCols, 0f);
        int start = base + padCols;
        int n = inW * outC;
        java.util.Arrays.fill(buf, start + n, base + wp * outC, 0f);
        int src = xOff + (b * inH + iy) * inW * inC;
        if (kind == FLOAT) {
            float[] x = (float[]) xArr;
            if (mult == 1) {
                System.arraycopy(x, src, buf, start, n);
            } else {
                for (int i = 0, o = start; i < inW * inC; i++) {
                    float v = x[src + i];
                    for (int m = 0; m < mult; m++) buf[o++] = v;
                }
            }
            return;
        }
        byte[] x = (byte[]) xArr;
        int zp = xZp;
        if (mult == 1) {
            if (unsigned) {
                for (int i = 0; i < n; i++) buf[start + i] = (x[src + i] & 0xFF) - zp;
            } else {
                for (int i = 0; i < n; i++) buf[start + i] = x[src + i] - zp;
            }
        } else {
            int mask = unsigned ? 0xFF : -1;
            for (int i = 0, o = start; i < inW * inC; i++) {
                float v = (x[src + i] & mask) - zp;
                for (int m = 0; m < mult; m++) buf[o++] = v;
            }
        }
    }
}
