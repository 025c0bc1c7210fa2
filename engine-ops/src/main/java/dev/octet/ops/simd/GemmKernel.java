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
 * <p>A panel whose used columns fit in fewer than four vectors (a layer with 16-48 output channels at 512 bits, or
 * a layer's last panel) is computed with the 1-, 2- or 3-vector tile of the same packed layout and only those columns
 * are requantized: MobileNetV2's 16- and 24-channel projections ran 4 vectors for 1 or 2 useful ones.
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
            return new int[] {im2col ? pp : balanced(threads, panels, pp, Math.max(pp, Math.min(PARTS_PER_THREAD * threads, panels / 2))), 1};
        }
        return new int[] {balanced(threads, tiles, pr, Math.max(pr, Math.min(PARTS_PER_THREAD * threads, tiles / 8))), 0};
    }

    /**
     * The part count in [lo, hi] whose equal cut of {@code units} (tiles or panels) finishes soonest when the threads
     * claim the parts in order, each taking the next part when it is free (as the pool does on an idle machine); among
     * counts within 2% of the best, the most parts (they absorb a descheduled thread). Without this, 25 tiles in 3 parts
     * over 2 threads (8 + 8 + 9: one thread does 17) ran at 1.4x, and 15 panels in 7 parts at 1.6x.
     */
    static int balanced(int threads, int units, int lo, int hi) {
        if (hi <= lo) return lo;
        long[] best = new long[hi + 1];
        long min = Long.MAX_VALUE;
        for (int p = lo; p <= hi; p++) {
            best[p] = makespan(threads, units, p);
            min = Math.min(min, best[p]);
        }
        for (int p = hi; p > lo; p--) if (best[p] * 100 <= min * 102) return p;
        return lo;
    }

    /** The finishing time (in units) of {@code parts} contiguous equal cuts of {@code units}, list-scheduled on {@code threads}. */
    static long makespan(int threads, int units, int parts) {
        long[] free = new long[Math.min(threads, parts)];
        for (int i = 0; i < parts; i++) {
            int size = (int) ((long) units * (i + 1) / parts - (long) units * i / parts);
            int t = 0;
            for (int j = 1; j < free.length; j++) if (free[j] < free[t]) t = j;
            free[t] += size;
        }
        long mk = 0;
        for (long f : free) mk = Math.max(mk, f);
        return mk;
    }

    private static final int PARTS_PER_THREAD = ExecContext.PARTS_PER_THREAD;

    private static final java.util.Set<String> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Most time one warm-up (one width and arithmetic per JVM) may take. */
    static final long WARM_NANOS = 500_000_000L;

    /**
     * Runs this kernel's code path (micro-kernel, requantization, gather, the loops around them) on a one-tile private
     * problem of the same width, arithmetic and input kind, direct and im2col, 3,000 times (C2 compiles them after
     * about 1,000; the first hundred calls pay the Vector API's one-time linkage), once per JVM and for at most
     * {@link #WARM_NANOS} (measured: 1.5 s for the 3,000 on a machine loaded 5x over, where the cap cuts it short). Otherwise the first inference runs the GEMM interpreted and then
     * on-stack-replaced with boxed vectors (MobileNetV2's first run took about half a second at one thread, and
     * short benchmarks and the 2-thread paths were measured cold). Off with {@code -Doctet.simd.nowarmup=true}.
     */
    private static void warmUp(int bits, boolean floating, Requant rq, int mask) {
        String key = bits + (floating ? "/f32" : "/" + (rq.onnx() ? "onnx" : rq.single() ? "single" : "double") + "/" + mask);
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(key)) return;
        // one tile and one panel per call (cheap while interpreted); K = 16 and 18, so the K loops count toward C2
        int nr = bits / 8, h = 2, ci = 2, lanes = nr / 4, m = 4;
        Window win = new Window(h, h, 3, 3, 1, 1, 1, 1, h, h, 1, 1);
        GemmKernel[] ks = new GemmKernel[3];
        int kMax = 9 * ci;
        for (int v = 0; v < 3; v++) {
            int k = v == 1 ? kMax : 16;
            // panels of 4 and 1 vectors, of 3, of 2: every tile width the layers use
            int n = v == 0 ? nr + lanes : v == 1 ? 3 * lanes : 2 * lanes, panels = (n + nr - 1) / nr;
            Shape sh = v == 1 ? new Shape(1, h, h, ci, n, win) : null;
            int[] split = {1, 0};
            int[] ids = {0, 1};
            if (floating) {
                float[] w = new float[panels * k * nr];
                for (int i = 0; i < w.length; i++) w[i] = (i % 5) - 2;
                ks[v] = new GemmKernel(bits, split, sh, m, k, n, ids, true, null, null, 0, (byte) 0, null, w, new float[n], -6f, 6f);
            } else {
                int[] w = new int[panels * k * nr];
                for (int i = 0; i < w.length; i++) w[i] = (i % 5) - 2;
                int[] mult = new int[n], shift = new int[n];
                float[] scale = new float[n];
                Arrays.fill(mult, 1 << 30);
                Arrays.fill(shift, -3);
                Arrays.fill(scale, 0.01f);
                Requant q = new Requant(rq.onnx(), mult, shift, rq.single(), scale, 3, 0, 255);
                ks[v] = new GemmKernel(bits, split, sh, m, k, n, ids, false, w, new int[panels * nr], mask, (byte) 3, q, null, null, 0, 0);
            }
        }
        byte[] xb = new byte[m * kMax], yb = new byte[m * 2 * nr], col = new byte[BLOCK * 4 * kMax];
        for (int i = 0; i < xb.length; i++) xb[i] = (byte) (i * 37 + 11);
        float[] xf = new float[m * kMax], yf = new float[m * 2 * nr], sf = new float[4 * nr + BLOCK * 4 * kMax];
        for (int i = 0; i < xf.length; i++) xf[i] = (i % 11) * 0.25f - 1f;
        int[] tile = new int[4 * nr];
        int tiles = 1;
        long end = System.nanoTime() + WARM_NANOS;
        for (int it = 0; it < 3000 && System.nanoTime() < end; it++) {
            for (GemmKernel g : ks) {
                if (floating) g.floatRange(xf, 0, yf, 0, sf, 0, 0, tiles, 0, g.panels);
                else g.intRange(xb, 0, yb, 0, tile, 0, col, 0, 0, tiles, 0, g.panels);
            }
        }
    }

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
        warmUp(bits, false, rq, xUnsigned ? 0xFF : -1);
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
        warmUp(bits, true, null, 0);
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
        intRange(ec.bytes(inputId), ec.offset(inputId), ec.bytes(outputId), ec.offset(outputId), ec.scratchInts(), p * 4 * nr,
                direct ? null : ec.scratchBytes(), p * BLOCK * 4 * k, t0, t1, pn0, pn1);
    }

    private void intRange(byte[] x, int xOff, byte[] y, int yOff, int[] tile, int tOff, byte[] col, int cOff, int t0, int t1, int pn0, int pn1) {
        for (int tb = t0; tb < t1; tb += BLOCK) {
            int tbEnd = Math.min(t1, tb + BLOCK), mb = tb * 4, mbEnd = Math.min(m, tbEnd * 4);
            if (!direct) {
                for (int r = mb; r < mbEnd; r++) gatherBytes(x, xOff, r, col, cOff + (r - mb) * k);
            }
            byte[] src = direct ? x : col;
            int base = direct ? xOff + mb * k : cOff;
            for (int pn = pn0; pn < pn1; pn++) {
                int wOff = pn * k * nr, c0 = pn * nr, cols = Math.min(nr, n - c0);
                int nv = (cols + nr / 4 - 1) / (nr / 4); // vectors of the panel in use: narrow panels skip the padding
                for (int t = tb; t < tbEnd; t++) {
                    int m0 = t * 4, rows = Math.min(4, m - m0);
                    int r0 = base + (m0 - mb) * k;
                    int r1 = rows > 1 ? r0 + k : r0, r2 = rows > 2 ? r0 + 2 * k : r1, r3 = rows > 3 ? r0 + 3 * k : r2;
                    switch (bits) {
                        case 512 -> {
                            switch (nv) {
                                case 1 -> Gemm512.intTile1(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                case 2 -> Gemm512.intTile2(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                case 3 -> Gemm512.intTile3(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                default -> Gemm512.intTile(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                            }
                        }
                        case 256 -> {
                            switch (nv) {
                                case 1 -> Gemm256.intTile1(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                case 2 -> Gemm256.intTile2(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                case 3 -> Gemm256.intTile3(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                default -> Gemm256.intTile(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                            }
                        }
                        default -> {
                            switch (nv) {
                                case 1 -> Gemm128.intTile1(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                case 2 -> Gemm128.intTile2(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                case 3 -> Gemm128.intTile3(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                                default -> Gemm128.intTile(src, r0, r1, r2, r3, mask, wPacked, wOff, k, tile, tOff);
                            }
                        }
                    }
                    for (int r = 0; r < rows; r++) {
                        int from = tOff + r * nr;
                        requant(tile, from, c0, nv * (nr / 4));
                        int to = yOff + (m0 + r) * n + c0;
                        for (int jj = 0; jj < cols; jj++) y[to + jj] = (byte) tile[from + jj];
                    }
                }
            }
        }
    }

    /** Rescales one tile row (its first ncols accumulators, panel columns from c0) in place to clamped output values. */
    private void requant(int[] t, int off, int c0, int ncols) {
        Requant q = rq;
        int zp = q.zeroPoint(), lo = q.min(), hi = q.max();
        if (q.onnx()) {
            switch (bits) {
                case 512 -> Gemm512.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi, ncols);
                case 256 -> Gemm256.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi, ncols);
                default -> Gemm128.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi, ncols);
            }
        } else if (q.single()) {
            switch (bits) {
                case 512 -> Gemm512.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi, ncols);
                case 256 -> Gemm256.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi, ncols);
                default -> Gemm128.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi, ncols);
            }
        } else {
            switch (bits) {
                case 512 -> Gemm512.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi, ncols);
                case 256 -> Gemm256.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi, ncols);
                default -> Gemm128.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi, ncols);
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
        int per = 4 * nr + (direct ? 0 : BLOCK * 4 * k);
        floatRange(ec.floats(inputId), ec.offset(inputId), ec.floats(outputId), ec.offset(outputId), ec.scratchFloats(), p * per, t0, t1, pn0, pn1);
    }

    private void floatRange(float[] x, int xOff, float[] y, int yOff, float[] scratch, int tOff, int t0, int t1, int pn0, int pn1) {
        int cOff = tOff + 4 * nr;
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
