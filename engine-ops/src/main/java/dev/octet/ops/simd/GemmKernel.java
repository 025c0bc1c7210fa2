package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.ops.reference.Window;
import java.util.Arrays;

/**
 * A convolution or fully connected layer computed as C[M][N] = A[M][K] x B[K][N] with the micro-kernels of
 * {@link Gemm512}/{@link Gemm256}/{@link Gemm128}: M output pixels (or batch rows), K = KH*KW*Ci taps, N output
 * channels. The filter is packed once at load into panels of NR columns ([panel][k][NR], zero-padded, widened to
 * int32 with the filter zero point already subtracted, or float). A 1x1 stride-1 unpadded convolution and a fully
 * connected layer read A straight from the input; any other convolution gathers four output pixels' windows into
 * scratch first (padding filled with the input zero point, or 0 for float, which contributes exactly nothing).
 *
 * <p>Quantized: the tile holds sum(x * (w - wZp)); the input zero point is folded into the bias at load
 * ({@code bias - xZp * sum(w - wZp)}), so the accumulator is the reference's {@code bias + sum((x - xZp)(w - wZp))}
 * modulo 2^32, which is all Java int arithmetic is anyway. It is then rescaled, vectorized, with the reference's
 * arithmetic reproduced exactly: TFLite fixed point ({@link QuantMath}, single or double rounding, in long lanes) or
 * ONNX's float scale rounded half to even. Float: the tile is the reference's k-ordered sum, then bias and clamp as the reference does.
 *
 * <p>Rows are processed in blocks of {@link #BLOCK} tiles; within a block every panel is swept over all its tiles.
 * Work is split at compile time, from the layer shape and the intra-op thread count, into {@code parts} (one to four
 * per thread) contiguous ranges either of 4-row tiles (many output pixels) or of weight panels (few pixels, many output
 * channels: the 7x7/14x14 and fully connected layers, where splitting pixels would leave parts unequal and make every
 * thread stream the whole filter). Each part has its own slice of scratch, and every output element is computed by the
 * same micro-kernel call over the whole K whatever the split, so results do not depend on the thread count.
 */
final class GemmKernel implements Kernel {
    /** Convolution geometry (null for fully connected). */
    record Shape(int batch, int inH, int inW, int inC, int outC, Window win) {
        /** Whether A can be read straight from the input (1x1, stride 1, no padding). */
        boolean direct() {
            return win.kH() == 1 && win.kW() == 1 && win.strideH() == 1 && win.strideW() == 1 && win.padTop() == 0 && win.padLeft() == 0
                    && win.outH() == inH && win.outW() == inW;
        }
    }

    /**
     * How a quantized accumulator becomes an output: TFLite fixed point (multiplier/shift, single or double rounding)
     * or ONNX (float scale, round half even); then zero point and clamp.
     */
    record Requant(boolean onnx, int[] multiplier, int[] shift, boolean single, float[] scale, int zeroPoint, int min, int max) {}

    private final int bits, nr, parts;
    private final boolean splitPanels; // parts are ranges of panels (else ranges of tiles)
    private final dev.octet.core.Parallel.Task task = this::part;
    private final int m, k, n, panels;
    private final Shape shape; // null: direct rows
    private final boolean direct, floating;
    private final int inputId, outputId;
    // quantized
    private final int[] wPacked;
    private final int[] biasAdj;
    private final int mask;
    private final byte pad;
    private final Requant rq;
    // per column, padded to whole panels: left shift, multiplier, single: rounding term and total shift,
    // double: right shift and its mask; onnx: scale
    private final int[] lsh, rsh, rmask;
    private final long[] multL, roundL, totalL;
    private final float[] scaleP;
    // float
    private final float[] wPackedF, biasF;
    private final float fmin, fmax;

    private GemmKernel(int bits, int[] split, Shape shape, int m, int k, int n, int[] ids, boolean floating, int[] wPacked, int[] biasAdj,
                       int mask, byte pad, Requant rq, float[] wPackedF, float[] biasF, float fmin, float fmax) {
        this.bits = bits;
        this.nr = bits / 8;
        this.parts = split[0];
        this.splitPanels = split[1] == 1;
        this.m = m;
        this.k = k;
        this.n = n;
        this.panels = (n + nr - 1) / nr;
        this.shape = shape;
        this.direct = shape == null || shape.direct();
        this.floating = floating;
        this.inputId = ids[0];
        this.outputId = ids[1];
        this.wPacked = wPacked;
        this.biasAdj = biasAdj;
        this.mask = mask;
        this.pad = pad;
        this.rq = rq;
        int cols = panels * nr;
        this.lsh = rq == null || rq.onnx() ? null : new int[cols];
        this.rsh = rq == null || rq.onnx() ? null : new int[cols];
        this.rmask = rq == null || rq.onnx() ? null : new int[cols];
        this.multL = rq == null || rq.onnx() ? null : new long[cols];
        this.roundL = rq == null || rq.onnx() ? null : new long[cols];
        this.totalL = rq == null || rq.onnx() ? null : new long[cols];
        this.scaleP = rq != null && rq.onnx() ? Arrays.copyOf(rq.scale(), cols) : null;
        if (lsh != null) {
            for (int c = 0; c < n; c++) {
                int shift = rq.shift()[c];
                lsh[c] = shift > 0 ? shift : 0;
                rsh[c] = shift > 0 ? 0 : -shift;
                rmask[c] = (int) ((1L << rsh[c]) - 1);
                multL[c] = rq.multiplier()[c];
                totalL[c] = 31 + rsh[c];
                roundL[c] = 1L << (totalL[c] - 1);
            }
        }
        this.wPackedF = wPackedF;
        this.biasF = biasF;
        this.fmin = fmin;
        this.fmax = fmax;
    }

    /**
     * Tiles (of 4 rows) per block: a block's rows are gathered once, then each weight panel is swept over the whole
     * block while it is hot in L1.
     */
    static final int BLOCK = 16;

    /** Below this many multiply-accumulates a layer runs on one thread: the hand-off would cost more than it saves. */
    static final long MIN_PARALLEL_MACS = 150_000;

    /**
     * How to split a layer over {@code threads}: {parts, 1 if parts are panel ranges else 0}. First the direction: the
     * estimated time of the slowest of {@code threads} equal shares, in tile x panel units (4 rows x NR columns x K
     * multiply-accumulates), plus one unit per panel load per block (each block re-streams its panels of the
     * int32-packed filter: K x NR x 4 bytes, about as long as a tile-panel's arithmetic once the filter is out of L2)
     * and a quarter per gathered tile (im2col; a panel split gathers every tile in every part), decides between tile
     * ranges and panel ranges; near-ties go to tiles. Then the count: a few parts per thread (the pool hands them out
     * first come first served, so a descheduled thread delays a call by one part), as long as a tile part keeps 8 tiles
     * and a panel part 2 panels (1x1) or the split stays one part per thread (im2col, which gathers per part).
     */
    static int[] split(int threads, long macs, int m, int n, int nr, boolean im2col) {
        int tiles = (m + 3) / 4, panels = (n + nr - 1) / nr;
        if (threads <= 1 || macs < MIN_PARALLEL_MACS) return new int[] {1, 0};
        int pr = Math.min(threads, tiles), pp = Math.min(threads, panels);
        int tp = (tiles + pr - 1) / pr, np = (panels + pp - 1) / pp;
        double gather = im2col ? 0.25 : 0;
        double byTiles = (double) tp * panels + (double) ((tp + BLOCK - 1) / BLOCK) * panels + gather * tp;
        double byPanels = (double) tiles * np + (double) ((tiles + BLOCK - 1) / BLOCK) * np + gather * tiles;
        if (pp > 1 && byPanels < 0.95 * byTiles) {
            return new int[] {im2col ? pp : Math.max(pp, Math.min(PARTS_PER_THREAD * threads, panels / 2)), 1};
        }
        return new int[] {Math.max(pr, Math.min(PARTS_PER_THREAD * threads, tiles / 8)), 0};
    }

    private static final int PARTS_PER_THREAD = ExecContext.PARTS_PER_THREAD;

    /**
     * A quantized kernel. {@code w} is [N][K] as stored (uint8 when {@code wUnsigned}), {@code wZp} per output channel,
     * the input uint8 when {@code xUnsigned}, {@code bias} [N].
     */
    static GemmKernel quantized(PrepareContext ctx, int bits, int threads, Shape s, int m, int k, int n, int[] ids, byte[] w, boolean wUnsigned,
                                int[] wZp, boolean xUnsigned, int xZp, int[] bias, Requant rq) {
        int nr = bits / 8, panels = (n + nr - 1) / nr;
        int[] packed = new int[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
        int[] biasAdj = new int[panels * nr];
        for (int c = 0; c < n; c++) {
            int sum = 0;
            int p = c / nr, j = c % nr;
            for (int i = 0; i < k; i++) {
                int v = (wUnsigned ? w[c * k + i] & 0xFF : w[c * k + i]) - wZp[c];
                packed[(p * k + i) * nr + j] = v;
                sum += v;
            }
            biasAdj[c] = bias[c] - xZp * sum;
        }
        int[] split = split(threads, (long) m * k * n, m, n, nr, s != null && !s.direct());
        int parts = split[0];
        ctx.requestScratch(DataType.Storage.INT, parts * 4 * nr);
        if (s != null && !s.direct()) ctx.requestScratch(DataType.Storage.BYTE, Math.multiplyExact(parts * BLOCK * 4, k));
        return new GemmKernel(bits, split, s, m, k, n, ids, false, packed, biasAdj, xUnsigned ? 0xFF : -1, (byte) xZp, rq, null, null, 0, 0);
    }

    /** A float kernel: {@code w} [N][K], {@code bias} [N], clamp range [min, max]. */
    static GemmKernel floating(PrepareContext ctx, int bits, int threads, Shape s, int m, int k, int n, int[] ids, float[] w, float[] bias,
                               float min, float max) {
        int nr = bits / 8, panels = (n + nr - 1) / nr;
        float[] packed = new float[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
        for (int c = 0; c < n; c++) {
            int p = c / nr, j = c % nr;
            for (int i = 0; i < k; i++) packed[(p * k + i) * nr + j] = w[c * k + i];
        }
        boolean im2col = s != null && !s.direct();
        int[] split = split(threads, (long) m * k * n, m, n, nr, im2col);
        int parts = split[0];
        ctx.requestScratch(DataType.Storage.FLOAT, Math.multiplyExact(parts, 4 * nr + (im2col ? Math.multiplyExact(BLOCK * 4, k) : 0)));
        return new GemmKernel(bits, split, s, m, k, n, ids, true, null, null, 0, (byte) 0, null, packed, bias.clone(), min, max);
    }

    @Override
    public String variant() { return "simd-gemm-" + bits + (direct ? "" : "-im2col") + (parts > 1 ? (splitPanels ? "-split" + parts + "n" : "-split" + parts + "m") : ""); }

    @Override
    public long macs() { return (long) m * k * n; }

    @Override
    public void run(ExecContext ec) {
        if (parts == 1) {
            part(ec, 0);
        } else {
            ec.parallelFor(parts, task);
        }
    }

    private void part(ExecContext ec, int p) {
        int tiles = (m + 3) / 4;
        int t0 = 0, t1 = tiles, pn0 = 0, pn1 = panels;
        if (splitPanels) {
            pn0 = (int) ((long) p * panels / parts);
            pn1 = (int) ((long) (p + 1) * panels / parts);
        } else {
            t0 = (int) ((long) p * tiles / parts);
            t1 = (int) ((long) (p + 1) * tiles / parts);
        }
        if (floating) {
            floatPart(ec, p, t0, t1, pn0, pn1);
        } else {
            intPart(ec, p, t0, t1, pn0, pn1);
        }
    }

    private void intPart(ExecContext ec, int p, int t0, int t1, int pn0, int pn1) {
        byte[] x = ec.bytes(inputId);
        int xOff = ec.offset(inputId);
        byte[] y = ec.bytes(outputId);
        int yOff = ec.offset(outputId);
        int[] tile = ec.scratchInts();
        int tOff = p * 4 * nr;
        byte[] col = direct ? null : ec.scratchBytes();
        int cOff = p * BLOCK * 4 * k;
        for (int tb = t0; tb < t1; tb += BLOCK) {
            int tbEnd = Math.min(t1, tb + BLOCK), mb = tb * 4, mbEnd = Math.min(m, tbEnd * 4);
            if (!direct) {
                for (int r = mb; r < mbEnd; r++) gatherBytes(x, xOff, r, col, cOff + (r - mb) * k);
            }
            byte[] src = direct ? x : col;
            int base = direct ? xOff + mb * k : cOff;
            for (int pn = pn0; pn < pn1; pn++) {
                int wOff = pn * k * nr, c0 = pn * nr, cols = Math.min(nr, n - c0);
                for (int t = tb; t < tbEnd; t++) {
                    int m0 = t * 4, rows = Math.min(4, m - m0);
                    int r0 = base + (m0 - mb) * k;
                    int r1 = rows > 1 ? r0 + k : r0, r2 = rows > 2 ? r0 + 2 * k : r1, r3 = rows > 3 ? r0 + 3 * k : r2;
                    switch (bits) {
                        case 512 -> Gemm512.intTile(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                        case 256 -> Gemm256.intTile(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                        default -> Gemm128.intTile(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                    }
                    for (int r = 0; r < rows; r++) {
                        int from = tOff + r * nr;
                        requant(tile, from, c0);
                        int to = yOff + (m0 + r) * n + c0;
                        for (int jj = 0; jj < cols; jj++) y[to + jj] = (byte) tile[from + jj];
                    }
                }
            }
        }
    }

    /** Rescales one tile row (NR accumulators of panel columns from c0) in place to clamped output values. */
    private void requant(int[] t, int off, int c0) {
        Requant q = rq;
        int zp = q.zeroPoint(), lo = q.min(), hi = q.max();
        if (q.onnx()) {
            switch (bits) {
                case 512 -> Gemm512.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi);
                case 256 -> Gemm256.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi);
                default -> Gemm128.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi);
            }
        } else if (q.single()) {
            switch (bits) {
                case 512 -> Gemm512.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi);
                case 256 -> Gemm256.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi);
                default -> Gemm128.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi);
            }
        } else {
            switch (bits) {
                case 512 -> Gemm512.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi);
                case 256 -> Gemm256.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi);
                default -> Gemm128.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi);
            }
        }
    }

    /** Copies the receptive field of output pixel {@code pix} ([KH][KW][Ci]) to {@code col[at ..+ k)}, padding = zero point. */
    private void gatherBytes(byte[] x, int xOff, int pix, byte[] col, int at) {
        Window w = shape.win();
        int ohw = w.outH() * w.outW();
        int b = pix / ohw, rem = pix % ohw, oy = rem / w.outW(), ox = rem % w.outW();
        int ci = shape.inC(), inH = shape.inH(), inW = shape.inW();
        int iy0 = oy * w.strideH() - w.padTop(), ix0 = ox * w.strideW() - w.padLeft();
        int dst = at;
        for (int ky = 0; ky < w.kH(); ky++) {
            int iy = iy0 + ky * w.dilationH();
            boolean rowIn = iy >= 0 && iy < inH;
            for (int kx = 0; kx < w.kW(); kx++, dst += ci) {
                int ix = ix0 + kx * w.dilationW();
                if (rowIn && ix >= 0 && ix < inW) {
                    System.arraycopy(x, xOff + ((b * inH + iy) * inW + ix) * ci, col, dst, ci);
                } else {
                    Arrays.fill(col, dst, dst + ci, pad);
                }
            }
        }
    }

    private void gatherFloats(float[] x, int xOff, int pix, float[] col, int at) {
        Window w = shape.win();
        int ohw = w.outH() * w.outW();
        int b = pix / ohw, rem = pix % ohw, oy = rem / w.outW(), ox = rem % w.outW();
        int ci = shape.inC(), inH = shape.inH(), inW = shape.inW();
        int iy0 = oy * w.strideH() - w.padTop(), ix0 = ox * w.strideW() - w.padLeft();
        int dst = at;
        for (int ky = 0; ky < w.kH(); ky++) {
            int iy = iy0 + ky * w.dilationH();
            boolean rowIn = iy >= 0 && iy < inH;
            for (int kx = 0; kx < w.kW(); kx++, dst += ci) {
                int ix = ix0 + kx * w.dilationW();
                if (rowIn && ix >= 0 && ix < inW) {
                    System.arraycopy(x, xOff + ((b * inH + iy) * inW + ix) * ci, col, dst, ci);
                } else {
                    Arrays.fill(col, dst, dst + ci, 0f);
                }
            }
        }
    }

    private void floatPart(ExecContext ec, int p, int t0, int t1, int pn0, int pn1) {
        float[] x = ec.floats(inputId);
        int xOff = ec.offset(inputId);
        float[] y = ec.floats(outputId);
        int yOff = ec.offset(outputId);
        float[] scratch = ec.scratchFloats();
        int per = 4 * nr + (direct ? 0 : BLOCK * 4 * k);
        int tOff = p * per, cOff = tOff + 4 * nr;
        for (int tb = t0; tb < t1; tb += BLOCK) {
            int tbEnd = Math.min(t1, tb + BLOCK), mb = tb * 4, mbEnd = Math.min(m, tbEnd * 4);
            if (!direct) {
                for (int r = mb; r < mbEnd; r++) gatherFloats(x, xOff, r, scratch, cOff + (r - mb) * k);
            }
            float[] src = direct ? x : scratch;
            int base = direct ? xOff + mb * k : cOff;
            for (int pn = pn0; pn < pn1; pn++) {
                int wOff = pn * k * nr, c0 = pn * nr, cols = Math.min(nr, n - c0);
                for (int t = tb; t < tbEnd; t++) {
                    int m0 = t * 4, rows = Math.min(4, m - m0);
                    int r0 = base + (m0 - mb) * k;
                    int r1 = rows > 1 ? r0 + k : r0, r2 = rows > 2 ? r0 + 2 * k : r1, r3 = rows > 3 ? r0 + 3 * k : r2;
                    switch (bits) {
                        case 512 -> Gemm512.floatTile(src, r0, r1, r2, r3, wPackedF, wOff, k, scratch, tOff);
                        case 256 -> Gemm256.floatTile(src, r0, r1, r2, r3, wPackedF, wOff, k, scratch, tOff);
                        default -> Gemm128.floatTile(src, r0, r1, r2, r3, wPackedF, wOff, k, scratch, tOff);
                    }
                    for (int r = 0; r < rows; r++) {
                        int from = tOff + r * nr, to = yOff + (m0 + r) * n + c0;
                        for (int jj = 0; jj < cols; jj++) y[to + jj] = QuantMath.clampFloat(scratch[from + jj] + biasF[c0 + jj], fmin, fmax);
                    }
                }
            }
        }
    }
}
