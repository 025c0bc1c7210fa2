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
    final int parts;    // work parts (one scratch slice each): rowParts x chanParts
    final int rowParts, chanParts;
    final int lanes;

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
        this.lanes = lanes;
        int[] split = split(threads, rows(), cPad / lanes, mult, lanes);
        this.rowParts = split[0];
        this.chanParts = split[1];
        this.parts = rowParts * chanParts;
    }

    /**
     * The split chosen at load, {rowParts, chanParts}. Output rows while every thread gets at least 4 parts of 6+
     * rows (a row part re-widens the kH-1 input rows above its first row, and many parts keep threads busy when one
     * of them is descheduled); otherwise (the small, deep layers: 7x7, 14x14, 19x19) channel blocks when each
     * thread gets at least 2 vector blocks, since channel parts widen disjoint slices of the input rows and so
     * duplicate nothing (needs one output channel per input channel); otherwise rows again. Part counts are a
     * multiple of the thread count where possible, so that with first come first served claiming no thread is left
     * with an extra part (19 rows over 2 threads in 3 parts ran at 1.4x).
     */
    static int[] split(int threads, int rows, int blocks, int mult, int lanes) {
        if (threads <= 1) return new int[] {1, 1};
        int perThreadRows = rows / (6 * threads);
        if (perThreadRows >= 4) return new int[] {4 * threads, 1};
        if (mult == 1 && blocks >= 2 * threads && rows < 24 * threads) {
            int k = Math.max(1, Math.min(4, blocks / (2 * threads)));
            return new int[] {1, k * threads};
        }
        if (perThreadRows >= 1) return new int[] {perThreadRows * threads, 1};
        return new int[] {Math.max(1, Math.min(threads, rows)), 1};
    }

    /** First output channel of channel part cp (a multiple of the vector width; chanParts gives C). */
    int chanStart(int cp) {
        int blocks = cPad / lanes;
        return Math.min(outC, (int) ((long) blocks * cp / chanParts) * lanes);
    }

    static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    int rows() { return batch * win.outH(); }

    /**
     * Floats of scratch one part needs: one row buffer per filter row, and a row of zeros that stands for a filter row
     * above or below the image (quantized 3x3 kernels: its taps add exact zeros, so edge rows take the fast path).
     */
    int scratchPerPart() { return (win.kH() + 1) * rowLen; }

    /** Ints of scratch one part needs: the input row held by each row buffer and the buffer of each filter row. */
    int intScratchPerPart() { return 2 * win.kH(); }

    long macs() { return (long) batch * win.outH() * win.outW() * outC * win.kH() * win.kW(); }

    /**
     * Widens input row {@code iy} of image {@code b} into {@code buf[base..]}: zero columns left and right, input
     * channel ic repeated for output channels ic*mult..ic*mult+mult-1, zero point removed.
     */
    void fillRow(Object xArr, int xOff, int b, int iy, float[] buf, int base, int c0, int c1) {
        if (c0 == 0 && c1 == outC) {
            fillRow(xArr, xOff, b, iy, buf, base);
            return;
        }
        // a channel slice (mult == 1): channels [c0, c1) of every column, zeros in the padding columns
        int n = c1 - c0, padL = win.padLeft();
        int src = xOff + (b * inH + iy) * inW * inC + c0;
        for (int col = 0; col < wp; col++) {
            int o = base + col * outC + c0, ix = col - padL;
            if (ix < 0 || ix >= inW) {
                java.util.Arrays.fill(buf, o, o + n, 0f);
            } else if (kind == FLOAT) {
                System.arraycopy((float[]) xArr, src + ix * inC, buf, o, n);
            } else {
                byte[] x = (byte[]) xArr;
                int s = src + ix * inC, zp = xZp;
                if (unsigned) {
                    for (int i = 0; i < n; i++) buf[o + i] = (x[s + i] & 0xFF) - zp;
                } else {
                    for (int i = 0; i < n; i++) buf[o + i] = x[s + i] - zp;
                }
            }
        }
    }

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
