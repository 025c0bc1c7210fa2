package dev.octet.ops.simd;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Parallel;
import dev.octet.core.PrepareContext;
import dev.octet.ops.onnx.OnnxOps;
import dev.octet.ops.reference.Window;
import java.util.Map;

/**
 * ONNX_QLINEAR_CONV for narrow layers: at most two vectors of output channels (32 at 512 bits, 16 at 256, 8 at 128),
 * no groups. The GEMM ({@link GemmKernel}) packs the filter in panels of four vectors of channels, so a 16-channel
 * layer (YOLO's stem, the narrow bottlenecks) leaves three quarters of its lanes idle; here a tile is 4 output pixels x
 * the layer's one or two channel vectors ({@code SmallConvKernel*}). The 4 pixels' windows are read straight from the
 * input when they lie inside it (per window row, kw * ci contiguous bytes), else gathered into scratch (padding = the
 * input zero point, which the bias correction cancels exactly), multiplied with the filter packed at load
 * ([k][nv * lanes], minus its zero points, zero-padded), and requantized as ONNX Runtime does (see QLinearConv):
 * bit-exact with the reference. Pixels are split into contiguous tile ranges over the intra-op threads, each with its
 * own scratch slice. Wider layers and grouped convolutions go on to the GEMM (or the reference).
 */
final class SimdSmallConvOps {
    private SimdSmallConvOps() {}

    static final int ROWS = 4;
    /** Tiles per parallel part at least. */
    static final int MIN_TILES = 256;

    static void register(Map<String, KernelFactory> table) {
        KernelFactory next = table.get(OnnxOps.ONNX_QLINEAR_CONV); // the GEMM overlay over the reference
        SimdOps.overlay(table, OnnxOps.ONNX_QLINEAR_CONV, ctx -> {
            next.create(ReferenceView.of(ctx)); // validation and output shape (reference)
            return create(ctx, SimdConvOps.chooseBits());
        });
    }

    static Kernel create(PrepareContext ctx, int bits) {
        if (bits == 0 || "false".equals(System.getProperty("octet.simd.smallConv"))) return null; // off: for comparison
        int lanes = bits / 32;
        int[] in = ctx.input(0).shape(), fs = ctx.input(1).shape();
        int n = in[0], h = in[1], w = in[2], ci = in[3];
        int co = fs[0], kh = fs[1], kw = fs[2];
        if (fs[3] != ci || co > 2 * lanes || !ctx.isConstant(1) || ctx.hasInput(2) && !ctx.isConstant(2)) return null;
        if (WinogradKernel.wanted(new GemmKernel.Shape(n, h, w, ci, co, Window.of(ctx.node(), h, w, kh, kw)), bits)) return null; // the GEMM overlay builds it
        int nv = co <= lanes ? 1 : 2, width = nv * lanes;
        Attributes a = ctx.node().attrs();
        int xzp = a.getInt(OnnxOps.ATTR_X_ZERO_POINT, 0), yzp = a.getInt(OnnxOps.ATTR_Y_ZERO_POINT, 0);
        int[] wzp = a.getInts(OnnxOps.ATTR_W_ZERO_POINTS, null);
        float[] os = a.getFloats(OnnxOps.ATTR_OUTPUT_SCALES, null);
        Window win = Window.of(ctx.node(), h, w, kh, kw);
        int k = kh * kw * ci;
        long mLong = (long) n * win.outH() * win.outW();
        if ((long) k * width > Integer.MAX_VALUE / 2 || mLong > Integer.MAX_VALUE / 2) return null;
        int m = (int) mLong;
        byte[] fb = ctx.constBytes(1);
        boolean fu8 = ctx.input(1).type() == DataType.UINT8;
        int[] wp = new int[k * width];
        for (int oc = 0; oc < co; oc++) for (int q = 0; q < k; q++) wp[q * width + oc] = (fu8 ? fb[oc * k + q] & 0xFF : fb[oc * k + q]) - wzp[oc];
        int[] bias = new int[width];
        if (ctx.hasInput(2)) System.arraycopy(ctx.constInts(2), 0, bias, 0, co);
        // the input zero point folded into the bias: sum((x - xzp) * w) = sum(x * w) - xzp * sum(w), modulo 2^32 as
        // Java int arithmetic (and the reference's) is; padding then reads xzp itself and adds exactly nothing
        for (int c = 0; c < co; c++) {
            int sum = 0;
            for (int q = 0; q < k; q++) sum += wp[q * width + c];
            bias[c] -= xzp * sum;
        }
        float[] scale = new float[width];
        System.arraycopy(os, 0, scale, 0, co);
        ctx.markPacked(1);
        if (ctx.hasInput(2)) ctx.markPacked(2);
        int mask = ctx.input(0).type() == DataType.UINT8 ? 0xFF : -1;
        byte padByte = (byte) xzp;
        DataType ot = ctx.output(0).type();
        float lo = ot.minValue(), hi = ot.maxValue();
        int tiles = (m + ROWS - 1) / ROWS;
        int parts = Math.max(1, Math.min(ctx.options().threads(), tiles / MIN_TILES));
        int cSlice = ROWS * width, aSlice = ROWS * k;
        ctx.requestScratch(DataType.Storage.INT, parts * cSlice);
        ctx.requestScratch(DataType.Storage.BYTE, parts * aSlice);
        int ii = ctx.inputId(0), io = ctx.outputId(0);
        int oh = win.outH(), ow = win.outW(), sh = win.strideH(), sw = win.strideW(), dh = win.dilationH(), dw = win.dilationW();
        int pt = win.padTop(), pl = win.padLeft();
        int rowLen = kw * ci;
        int[] directOff = new int[kh], gatherOff = new int[kh];
        for (int ky = 0; ky < kh; ky++) {
            directOff[ky] = ky * dh * w * ci;
            gatherOff[ky] = ky * rowLen;
        }
        long macs = mLong * co * k;
        warmUp(bits);
        return new Kernel() {
            private final Parallel.Task task = this::part; // a field: a run allocates nothing

            @Override
            public void run(ExecContext ec) {
                if (parts <= 1) range(ec, 0, tiles, 0);
                else ec.parallelFor(parts, task);
            }

            private void part(ExecContext ec, int part) {
                range(ec, (int) ((long) tiles * part / parts), (int) ((long) tiles * (part + 1) / parts), part);
            }

            /** Input offset of the window origin of output pixel (b, oy, ox) when it lies inside (and dw == 1), else -1. */
            private int interior(int xo, int b, int oy, int ox) {
                int iy = oy * sh - pt, ix = ox * sw - pl;
                if (dw != 1 || iy < 0 || ix < 0 || iy + (kh - 1) * dh >= h || ix + kw > w) return -1;
                return xo + ((b * h + iy) * w + ix) * ci;
            }

            /** Gathers output pixel (b, oy, ox)'s window (raw bytes, padding xzp) into a[dst, dst + k). */
            private void gather(byte[] x, int xo, int b, int oy, int ox, byte[] a, int dst) {
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * sh - pt + ky * dh;
                    for (int kx = 0; kx < kw; kx++, dst += ci) {
                        int ix = ox * sw - pl + kx * dw;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= w) java.util.Arrays.fill(a, dst, dst + ci, padByte);
                        else System.arraycopy(x, xo + ((b * h + iy) * w + ix) * ci, a, dst, ci);
                    }
                }
            }

            private void range(ExecContext ec, int t0, int t1, int part) {
                byte[] x = ec.bytes(ii), y = ec.bytes(io), a = ec.scratchBytes();
                int xo = ec.offset(ii), yo = ec.offset(io);
                int[] s = ec.scratchInts();
                int c0 = part * cSlice, a0 = part * aSlice;
                // output pixel p0 = t0 * ROWS as (b, oy, ox), then advanced pixel by pixel (no division per pixel)
                int pix0 = t0 * ROWS;
                int cb = pix0 / (oh * ow), crem = pix0 - cb * oh * ow, cy = crem / ow, cx = crem - cy * ow;
                for (int t = t0; t < t1; t++) {
                    int p0 = t * ROWS;
                    // 4 pixels from (cb, cy, cx); the last tile repeats its last pixel (computed, not stored)
                    int b0 = cb, y0 = cy, x0 = cx;
                    int d0 = interior(xo, cb, cy, cx);
                    if (p0 + 1 < m && ++cx == ow) { cx = 0; if (++cy == oh) { cy = 0; cb++; } }
                    int b1 = cb, y1 = cy, x1 = cx;
                    int d1 = interior(xo, cb, cy, cx);
                    if (p0 + 2 < m && ++cx == ow) { cx = 0; if (++cy == oh) { cy = 0; cb++; } }
                    int b2 = cb, y2 = cy, x2 = cx;
                    int d2 = interior(xo, cb, cy, cx);
                    if (p0 + 3 < m && ++cx == ow) { cx = 0; if (++cy == oh) { cy = 0; cb++; } }
                    int b3 = cb, y3 = cy, x3 = cx;
                    int d3 = interior(xo, cb, cy, cx);
                    if (p0 + 4 < m && ++cx == ow) { cx = 0; if (++cy == oh) { cy = 0; cb++; } }
                    byte[] src;
                    int[] off;
                    if ((d0 | d1 | d2 | d3) >= 0) {
                        src = x;
                        off = directOff;
                    } else {
                        gather(x, xo, b0, y0, x0, a, a0);
                        gather(x, xo, b1, y1, x1, a, a0 + k);
                        gather(x, xo, b2, y2, x2, a, a0 + 2 * k);
                        gather(x, xo, b3, y3, x3, a, a0 + 3 * k);
                        d0 = a0;
                        d1 = a0 + k;
                        d2 = a0 + 2 * k;
                        d3 = a0 + 3 * k;
                        src = a;
                        off = gatherOff;
                    }
                    switch (bits) {
                        case 512 -> {
                            if (nv == 1) SmallConvKernel512.tile1(src, d0, d1, d2, d3, off, kh, rowLen, mask, wp, s, c0);
                            else SmallConvKernel512.tile2(src, d0, d1, d2, d3, off, kh, rowLen, mask, wp, s, c0);
                            SmallConvKernel512.requant(s, c0, cSlice, bias4, scale4, yzp, lo, hi);
                        }
                        case 256 -> {
                            if (nv == 1) SmallConvKernel256.tile1(src, d0, d1, d2, d3, off, kh, rowLen, mask, wp, s, c0);
                            else SmallConvKernel256.tile2(src, d0, d1, d2, d3, off, kh, rowLen, mask, wp, s, c0);
                            SmallConvKernel256.requant(s, c0, cSlice, bias4, scale4, yzp, lo, hi);
                        }
                        default -> {
                            if (nv == 1) SmallConvKernel128.tile1(src, d0, d1, d2, d3, off, kh, rowLen, mask, wp, s, c0);
                            else SmallConvKernel128.tile2(src, d0, d1, d2, d3, off, kh, rowLen, mask, wp, s, c0);
                            SmallConvKernel128.requant(s, c0, cSlice, bias4, scale4, yzp, lo, hi);
                        }
                    }
                    int rows = Math.min(ROWS, m - p0);
                    for (int r = 0; r < rows; r++) {
                        int yb = yo + (p0 + r) * co, sb = c0 + r * width;
                        if (co == width && bits == 512) SmallConvKernel512.store(s, sb, nv, y, yb);
                        else if (co == width && bits == 256) SmallConvKernel256.store(s, sb, nv, y, yb);
                        else for (int c = 0; c < co; c++) y[yb + c] = (byte) s[sb + c];
                    }
                }
            }

            /** bias and scale repeated for the 4 rows of a tile (requant runs over the whole tile). */
            private final int[] bias4 = repeat(bias);
            private final float[] scale4 = repeat(scale);

            @Override
            public long macs() { return macs; }

            @Override
            public String variant() { return "simd" + bits + "-smallconv" + (nv == 1 ? "" : "-2v"); }
        };
    }

    static int[] repeat(int[] v) {
        int[] r = new int[v.length * ROWS];
        for (int i = 0; i < ROWS; i++) System.arraycopy(v, 0, r, i * v.length, v.length);
        return r;
    }

    static float[] repeat(float[] v) {
        float[] r = new float[v.length * ROWS];
        for (int i = 0; i < ROWS; i++) System.arraycopy(v, 0, r, i * v.length, v.length);
        return r;
    }

    private static final java.util.Set<Integer> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Compiles this width's tile, requantization and store methods before the first real run (see SimdDepthwiseOps.warmUp). */
    static void warmUp(int bits) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits)) return;
        int lanes = bits / 32, k = 27, width = 2 * lanes;
        byte[] x = new byte[4 * k], y = new byte[4 * width];
        int[] w = new int[k * width], c = new int[4 * width], bias = new int[4 * width], off = {0, 9, 18};
        float[] scale = new float[4 * width];
        java.util.Arrays.fill(scale, 0.01f);
        long end = System.nanoTime() + 300_000_000L;
        for (int it = 0; it < 6000 && System.nanoTime() < end; it++) {
            switch (bits) {
                case 512 -> {
                    SmallConvKernel512.tile1(x, 0, k, 2 * k, 3 * k, off, 3, 9, 0xFF, w, c, 0);
                    SmallConvKernel512.tile2(x, 0, k, 2 * k, 3 * k, off, 3, 9, -1, w, c, 0);
                    SmallConvKernel512.requant(c, 0, 4 * width, bias, scale, 3f, 0f, 255f);
                    SmallConvKernel512.store(c, 0, 2, y, 0);
                }
                case 256 -> {
                    SmallConvKernel256.tile1(x, 0, k, 2 * k, 3 * k, off, 3, 9, 0xFF, w, c, 0);
                    SmallConvKernel256.tile2(x, 0, k, 2 * k, 3 * k, off, 3, 9, -1, w, c, 0);
                    SmallConvKernel256.requant(c, 0, 4 * width, bias, scale, 3f, 0f, 255f);
                    SmallConvKernel256.store(c, 0, 2, y, 0);
                }
                default -> {
                    SmallConvKernel128.tile1(x, 0, k, 2 * k, 3 * k, off, 3, 9, 0xFF, w, c, 0);
                    SmallConvKernel128.tile2(x, 0, k, 2 * k, 3 * k, off, 3, 9, -1, w, c, 0);
                    SmallConvKernel128.requant(c, 0, 4 * width, bias, scale, 3f, 0f, 255f);
                }
            }
        }
    }
}
