package dev.octet.ops.simd;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Parallel;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.Semantics;
import dev.octet.ops.reference.ConvBridge;
import dev.octet.ops.onnx.OnnxOps;
import dev.octet.ops.reference.Window;
import java.util.Map;

/**
 * ONNX_QLINEAR_CONV for narrow layers (at most two vectors of output channels, no groups, no dilation) whose
 * accumulators provably stay below 2^24: a direct convolution on float rows ({@code DirectConvKernel*}). Each input row
 * is widened once to float with the input zero point removed (padding columns are 0.0, rows outside the image are
 * skipped, exactly like the reference skipping padded taps) into a ring of kh row buffers per part; a tile is 4 output
 * pixels x the channel vectors, one broadcast-FMA per tap, then ONNX Runtime's requantization. Compared with
 * {@link SimdSmallConvOps} (int32 multiply of a broadcast byte per tap) it saves the per-tap byte widening and uses the
 * cheaper float FMA; a small-channel stem (3 input channels, K = 27) or a 16-channel 3x3 layer runs about twice as fast.
 * Output rows are split into contiguous parts over the intra-op threads (each part its own row ring and pixels).
 */
final class SimdDirectConvOps {
    private SimdDirectConvOps() {}

    static final int ROWS = 4;
    /** Output channel vectors at most for 1x1 layers (4: 64 channels at 512 bits; others: 2). */
    static final int MAX_VECTORS = Integer.getInteger("octet.simd.directConv.vectors", 4);

    static void register(Map<String, KernelFactory> table) {
        KernelFactory conv = table.get(Ops.CONV_2D); // the GEMM overlay over the reference
        SimdOps.overlay(table, Ops.CONV_2D, ctx -> {
            if ("false".equals(System.getProperty("octet.simd.directConv"))) return null;
            int bits = SimdConvOps.chooseBits();
            if (bits == 0 || !shapeFits(ctx, bits / 32) || ctx.input(1).shape()[0] > 2 * (bits / 32)) return null;
            if (SimdConvOps.hybrid(ctx) || ctx.semantics() != Semantics.TFLITE) return null;
            conv.create(ReferenceView.of(ctx)); // validation and output shape (reference)
            ConvBridge.Stage st = ConvBridge.stage(ctx, ctx.input(1).shape()[0]);
            if (st == null) return null; // float: GEMM
            return create(ctx, bits, st);
        });
        KernelFactory next = table.get(OnnxOps.ONNX_QLINEAR_CONV); // the small-conv and GEMM overlays over the reference
        SimdOps.overlay(table, OnnxOps.ONNX_QLINEAR_CONV, ctx -> {
            if ("false".equals(System.getProperty("octet.simd.directConv"))) return null; // off: for comparison
            int bits = SimdConvOps.chooseBits();
            if (bits == 0 || !shapeFits(ctx, bits / 32)) return null;
            next.create(ReferenceView.of(ctx)); // validation and output shape (reference)
            return create(ctx, bits, null);
        });
    }

    private static boolean shapeFits(PrepareContext ctx, int lanes) {
        if (ctx.inputCount() < 2 || !ctx.hasInput(0) || !ctx.hasInput(1) || !ctx.isConstant(1)) return false;
        if (ctx.hasInput(2) && !ctx.isConstant(2)) return false;
        var x = ctx.input(0);
        var f = ctx.input(1);
        if (x.rank() != 4 || f.rank() != 4 || !x.type().isQuantized8() || !f.type().isQuantized8()) return false;
        int[] in = x.shape(), fs = f.shape();
        for (int d : in) if (d <= 0) return false;
        for (int d : fs) if (d <= 0) return false;
        // three or four vectors only for 1x1 layers: measured faster than the GEMM there, slower for 3x3 (the weights,
        // k x 4 vectors, no longer stay in L1 across a row)
        return fs[3] == in[3] && (fs[0] <= 2 * lanes || fs[0] <= MAX_VECTORS * lanes && fs[1] == 1 && fs[2] == 1);
    }

    /**
     * The kernel of an ONNX_QLINEAR_CONV ({@code st} null: ONNX Runtime's float-scale requantization) or of a TFLite
     * CONV_2D ({@code st} its output stage: double-rounding fixed point, activation clamp), or null.
     */
    static Kernel create(PrepareContext ctx, int bits, ConvBridge.Stage st) {
        int lanes = bits / 32;
        boolean tfl = st != null;
        int[] in = ctx.input(0).shape(), fs = ctx.input(1).shape();
        int n = in[0], h = in[1], w = in[2], ci = in[3];
        int co = fs[0], kh = fs[1], kw = fs[2];
        Window win = Window.of(ctx.node(), h, w, kh, kw);
        if (win.dilationH() != 1 || win.dilationW() != 1) return null;
        int oh = win.outH(), ow = win.outW(), sw = win.strideW();
        int nv = co <= lanes ? 1 : co <= 2 * lanes ? 2 : 4, width = nv * lanes;
        // 3x3 stride-1 layers Winograd wants: it wins with two vectors of outputs (40x40x64>32: 0.22 vs 0.31 ms), the
        // direct kernel with one (160x160x16>8: 1.11 vs 1.47 ms; 80x80x32>16: 0.50 vs 0.53 ms); forced Winograd (tests) wins
        if (nv >= 2 || WinogradKernel.forced()) {
            if (WinogradKernel.wanted(new GemmKernel.Shape(n, h, w, ci, co, win), bits)) return null;
        }
        int rowLen = kw * ci, k = kh * rowLen;
        // row buffer columns: every column a window reads (padding included), and the whole input row
        long wpLong = Math.max((long) (ow - 1) * sw + kw, (long) win.padLeft() + w);
        long rowFloats = wpLong * ci;
        if ((long) k * width > (1 << 24) || rowFloats * kh > (1 << 24) || (long) n * oh * ow * co > Integer.MAX_VALUE) return null;
        Attributes a = ctx.node().attrs();
        int xzp = tfl ? st.inputZeroPoint() : a.getInt(OnnxOps.ATTR_X_ZERO_POINT, 0);
        int yzp = tfl ? st.outputZeroPoint() : a.getInt(OnnxOps.ATTR_Y_ZERO_POINT, 0);
        int[] wzp = new int[co];
        if (tfl) java.util.Arrays.fill(wzp, st.filterZeroPoint());
        else wzp = a.getInts(OnnxOps.ATTR_W_ZERO_POINTS, null);
        if (tfl && nv > 2) return null;
        DataType xt = ctx.input(0).type();
        int maxAbsX = Math.max(Math.abs(xt.minValue() - xzp), Math.abs(xt.maxValue() - xzp));
        byte[] fb = ctx.constBytes(1);
        boolean fu8 = ctx.input(1).type() == DataType.UINT8;
        float[] wp = new float[k * width];
        for (int oc = 0; oc < co; oc++) {
            long bound = 0;
            for (int q = 0; q < k; q++) {
                int v = (fu8 ? fb[oc * k + q] & 0xFF : fb[oc * k + q]) - wzp[oc];
                wp[q * width + oc] = v;
                bound += (long) Math.abs(v) * maxAbsX;
            }
            if (bound >= (1L << 24)) return null; // float partial sums could round: the int32 kernels take it
        }
        int[] bias = new int[width];
        if (ctx.hasInput(2)) System.arraycopy(ctx.constInts(2), 0, bias, 0, co);
        float[] scale = new float[width];
        if (!tfl) System.arraycopy(a.getFloats(OnnxOps.ATTR_OUTPUT_SCALES, null), 0, scale, 0, co);
        // TFLite: per-channel left shift, Q31 multiplier and rounding right shift (long lanes; see DwPlan)
        int[] lsh = new int[width];
        long[] mul = new long[width], rnd = new long[width], tot = new long[width], half = new long[width], neg = new long[width],
                rsh = new long[width];
        if (tfl) {
            for (int c = 0; c < width; c++) {
                int m = c >= co ? 0 : st.multiplier()[st.multiplier().length == 1 ? 0 : c];
                int sft = c >= co ? 0 : st.shift()[st.shift().length == 1 ? 0 : c];
                int left = sft > 0 ? sft : 0, right = sft > 0 ? 0 : -sft;
                lsh[c] = left;
                mul[c] = m;
                if (st.singleRounding()) { // one rounding shift by 31 + right (ruy's int8 path)
                    tot[c] = 31 + right;
                    rnd[c] = 1L << (30 + right);
                } else { // rounding doubling high multiply, then a rounding right shift with ties away from zero
                    tot[c] = 31;
                    rnd[c] = 1L << 30;
                    rsh[c] = right;
                    half[c] = right > 0 ? 1L << (right - 1) : 0;
                    neg[c] = right > 0 ? -1 : 0;
                }
            }
        }
        ctx.markPacked(1);
        if (ctx.hasInput(2)) ctx.markPacked(2);
        int mask = xt == DataType.UINT8 ? 0xFF : -1;
        DataType ot = ctx.output(0).type();
        float lo = ot.minValue(), hi = ot.maxValue(), zp = yzp;
        int ilo = tfl ? st.min() : ot.minValue(), ihi = tfl ? st.max() : ot.maxValue();
        if (ilo > ihi) return null; // absurd output scale: empty activation range, the reference's clamp is no min/max
        int rows = n * oh;
        int rowBuf = (int) rowFloats;
        // parts by work (MACs), not pixels: a 56x56 1x1 projection (3136 pixels, 10.8M MACs) must split too
        int parts = ExecContext.partsFor(ctx.options().threads(), (long) rows * ow * co * k, GemmKernel.MIN_PARALLEL_MACS);
        parts = Math.max(1, Math.min(parts, rows));
        int fSlice = kh * rowBuf + (nv == 4 || tfl ? ROWS * width : 0), iSlice = 3 * kh;
        ctx.requestScratch(DataType.Storage.FLOAT, parts * fSlice);
        ctx.requestScratch(DataType.Storage.INT, parts * iSlice);
        int ii = ctx.inputId(0), io = ctx.outputId(0);
        long macs = (long) rows * ow * co * k;
        int sh = win.strideH(), pt = win.padTop(), pl = win.padLeft();
        int nParts = parts;
        warmUp(bits);
        return new Kernel() {
            private final Parallel.Task task = this::part;

            @Override
            public void run(ExecContext ec) {
                if (nParts <= 1 || ec.threads() <= 1) range(ec, 0, rows, 0);
                else ec.parallelFor(nParts, task);
            }

            private void part(ExecContext ec, int part) {
                range(ec, (int) ((long) rows * part / nParts), (int) ((long) rows * (part + 1) / nParts), part);
            }

            private void range(ExecContext ec, int r0, int r1, int part) {
                byte[] x = ec.bytes(ii), y = ec.bytes(io);
                int xo = ec.offset(ii), yo = ec.offset(io);
                float[] buf = ec.scratchFloats();
                int[] s = ec.scratchInts();
                int fb0 = part * fSlice, accOff = fb0 + kh * rowBuf;
                int keyOff = part * iSlice, rowOff = keyOff + kh, wOffs = rowOff + kh;
                for (int i = 0; i < kh; i++) s[keyOff + i] = -1;
                for (int r = r0; r < r1; r++) {
                    int b = r / oh, oy = r - b * oh;
                    int iy0 = oy * sh - pt, valid = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = iy0 + ky;
                        if (iy < 0 || iy >= h) continue;
                        int slot = Math.floorMod(iy, kh), key = b * h + iy;
                        int base = fb0 + slot * rowBuf;
                        if (s[keyOff + slot] != key) {
                            fill(x, xo + key * w * ci, buf, base);
                            s[keyOff + slot] = key;
                        }
                        s[rowOff + valid] = base;
                        s[wOffs + valid] = ky * rowLen * width;
                        valid++;
                    }
                    int yRow = yo + r * ow * co;
                    for (int ox = 0; ox < ow; ox += ROWS) {
                        // a row's last tile repeats its last pixel (same input, same output bytes, same place)
                        int last = ow - 1, p1 = Math.min(ox + 1, last), p2 = Math.min(ox + 2, last), p3 = Math.min(ox + 3, last);
                        int o0 = ox * sw * ci, o1 = p1 * sw * ci, o2 = p2 * sw * ci, o3 = p3 * sw * ci;
                        int y0 = yRow + ox * co, y1 = yRow + p1 * co, y2 = yRow + p2 * co, y3 = yRow + p3 * co;
                        switch (bits) {
                            case 512 -> {
                                if (tfl) {
                                    if (nv == 1) DirectConvKernel512.tile1A(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    else DirectConvKernel512.tile2A(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    DirectConvKernel512.storeT(buf, accOff, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y0);
                                    DirectConvKernel512.storeT(buf, accOff + width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y1);
                                    DirectConvKernel512.storeT(buf, accOff + 2 * width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y2);
                                    DirectConvKernel512.storeT(buf, accOff + 3 * width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y3);
                                } else if (nv == 1) DirectConvKernel512.tile1(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, bias, scale, zp, lo, hi, co, y, y0, y1, y2, y3);
                                else if (nv == 2) DirectConvKernel512.tile2(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, bias, scale, zp, lo, hi, co, y, y0, y1, y2, y3);
                                else {
                                    DirectConvKernel512.tile4(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    DirectConvKernel512.store4(buf, accOff, co, bias, scale, zp, lo, hi, y, y0);
                                    DirectConvKernel512.store4(buf, accOff + width, co, bias, scale, zp, lo, hi, y, y1);
                                    DirectConvKernel512.store4(buf, accOff + 2 * width, co, bias, scale, zp, lo, hi, y, y2);
                                    DirectConvKernel512.store4(buf, accOff + 3 * width, co, bias, scale, zp, lo, hi, y, y3);
                                }
                            }
                            case 256 -> {
                                if (tfl) {
                                    if (nv == 1) DirectConvKernel256.tile1A(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    else DirectConvKernel256.tile2A(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    DirectConvKernel256.storeT(buf, accOff, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y0);
                                    DirectConvKernel256.storeT(buf, accOff + width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y1);
                                    DirectConvKernel256.storeT(buf, accOff + 2 * width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y2);
                                    DirectConvKernel256.storeT(buf, accOff + 3 * width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y3);
                                } else if (nv == 1) DirectConvKernel256.tile1(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, bias, scale, zp, lo, hi, co, y, y0, y1, y2, y3);
                                else if (nv == 2) DirectConvKernel256.tile2(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, bias, scale, zp, lo, hi, co, y, y0, y1, y2, y3);
                                else {
                                    DirectConvKernel256.tile4(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    DirectConvKernel256.store4(buf, accOff, co, bias, scale, zp, lo, hi, y, y0);
                                    DirectConvKernel256.store4(buf, accOff + width, co, bias, scale, zp, lo, hi, y, y1);
                                    DirectConvKernel256.store4(buf, accOff + 2 * width, co, bias, scale, zp, lo, hi, y, y2);
                                    DirectConvKernel256.store4(buf, accOff + 3 * width, co, bias, scale, zp, lo, hi, y, y3);
                                }
                            }
                            default -> {
                                if (tfl) {
                                    if (nv == 1) DirectConvKernel128.tile1A(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    else DirectConvKernel128.tile2A(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    DirectConvKernel128.storeT(buf, accOff, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y0);
                                    DirectConvKernel128.storeT(buf, accOff + width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y1);
                                    DirectConvKernel128.storeT(buf, accOff + 2 * width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y2);
                                    DirectConvKernel128.storeT(buf, accOff + 3 * width, nv, co, bias, lsh, mul, rnd, tot, half, neg, rsh, yzp, ilo, ihi, y, y3);
                                } else if (nv == 1) DirectConvKernel128.tile1(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, bias, scale, zp, lo, hi, co, y, y0, y1, y2, y3);
                                else if (nv == 2) DirectConvKernel128.tile2(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, bias, scale, zp, lo, hi, co, y, y0, y1, y2, y3);
                                else {
                                    DirectConvKernel128.tile4(buf, s, rowOff, wOffs, valid, rowLen, o0, o1, o2, o3, wp, buf, accOff);
                                    DirectConvKernel128.store4(buf, accOff, co, bias, scale, zp, lo, hi, y, y0);
                                    DirectConvKernel128.store4(buf, accOff + width, co, bias, scale, zp, lo, hi, y, y1);
                                    DirectConvKernel128.store4(buf, accOff + 2 * width, co, bias, scale, zp, lo, hi, y, y2);
                                    DirectConvKernel128.store4(buf, accOff + 3 * width, co, bias, scale, zp, lo, hi, y, y3);
                                }
                            }
                        }
                    }
                }
            }

            /** Widens the input row at x[src] into a row buffer: pl zero columns, the row minus xzp, zero columns after. */
            private void fill(byte[] x, int src, float[] buf, int base) {
                int padCols = pl * ci, nIn = w * ci;
                java.util.Arrays.fill(buf, base, base + padCols, 0f);
                switch (bits) {
                    case 512 -> DirectConvKernel512.widen(x, src, nIn, mask, xzp, buf, base + padCols);
                    case 256 -> DirectConvKernel256.widen(x, src, nIn, mask, xzp, buf, base + padCols);
                    default -> DirectConvKernel128.widen(x, src, nIn, mask, xzp, buf, base + padCols);
                }
                java.util.Arrays.fill(buf, base + padCols + nIn, base + rowBuf, 0f);
            }

            @Override
            public long macs() { return macs; }

            @Override
            public String variant() { return "simd" + bits + "-directconv" + (nv == 1 ? "" : "-" + nv + "v") + (tfl ? "-tflite" : ""); }
        };
    }

    private static final java.util.Set<Integer> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Compiles this width's tile, widening and store methods before the first real run (see SimdDepthwiseOps.warmUp). */
    static void warmUp(int bits) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits)) return;
        int lanes = bits / 32, width = 4 * lanes, rowLen = 9;
        float[] buf = new float[3 * 64], w = new float[3 * rowLen * width];
        int[] ro = {0, 64, 128, 0, rowLen * width, 2 * rowLen * width}, bias = new int[width];
        float[] scale = new float[width];
        java.util.Arrays.fill(scale, 0.01f);
        byte[] x = new byte[64], y = new byte[4 * width];
        float[] acc = new float[4 * width];
        int[] lsh = new int[width];
        long[] mul = new long[width], half = new long[width], neg = new long[width], rsh = new long[width], tot = new long[width];
        java.util.Arrays.fill(mul, 1L << 30);
        java.util.Arrays.fill(tot, 31);
        long end = System.nanoTime() + 300_000_000L;
        for (int it = 0; it < 5000 && System.nanoTime() < end; it++) {
            int co = it % 2 == 0 ? width : width - 1; // tile4: 4 or 3.x vectors; tile2 half, tile1 a quarter
            switch (bits) {
                case 512 -> {
                    DirectConvKernel512.widen(x, 0, 40, 0xFF, 3, buf, 0);
                    DirectConvKernel512.tile1(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, bias, scale, 3f, 0f, 255f, co / 4, y, 0, width, 2 * width, 3 * width);
                    DirectConvKernel512.tile2(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, bias, scale, 3f, 0f, 255f, co / 2, y, 0, width, 2 * width, 3 * width);
                    DirectConvKernel512.tile4(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel512.store4(acc, 0, co, bias, scale, 3f, 0f, 255f, y, 0);
                    DirectConvKernel512.tile1A(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel512.tile2A(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel512.storeT(acc, 0, 2, co / 2, bias, lsh, mul, mul, tot, half, neg, rsh, 3, 0, 255, y, 0);
                }
                case 256 -> {
                    DirectConvKernel256.widen(x, 0, 40, 0xFF, 3, buf, 0);
                    DirectConvKernel256.tile1(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, bias, scale, 3f, 0f, 255f, co / 4, y, 0, width, 2 * width, 3 * width);
                    DirectConvKernel256.tile2(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, bias, scale, 3f, 0f, 255f, co / 2, y, 0, width, 2 * width, 3 * width);
                    DirectConvKernel256.tile4(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel256.store4(acc, 0, co, bias, scale, 3f, 0f, 255f, y, 0);
                    DirectConvKernel256.tile1A(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel256.tile2A(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel256.storeT(acc, 0, 2, co / 2, bias, lsh, mul, mul, tot, half, neg, rsh, 3, 0, 255, y, 0);
                }
                default -> {
                    DirectConvKernel128.widen(x, 0, 40, 0xFF, 3, buf, 0);
                    DirectConvKernel128.tile1(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, bias, scale, 3f, 0f, 255f, co / 4, y, 0, width, 2 * width, 3 * width);
                    DirectConvKernel128.tile2(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, bias, scale, 3f, 0f, 255f, co / 2, y, 0, width, 2 * width, 3 * width);
                    DirectConvKernel128.tile4(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel128.store4(acc, 0, co, bias, scale, 3f, 0f, 255f, y, 0);
                    DirectConvKernel128.tile1A(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel128.tile2A(buf, ro, 0, 3, 3, rowLen, 0, 3, 6, 9, w, acc, 0);
                    DirectConvKernel128.storeT(acc, 0, 2, co / 2, bias, lsh, mul, mul, tot, half, neg, rsh, 3, 0, 255, y, 0);
                }
            }
        }
    }
}
