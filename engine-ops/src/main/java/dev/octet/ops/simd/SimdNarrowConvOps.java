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
 * ONNX_QLINEAR_CONV 1x1 (stride 1, no padding, no groups) with at most {@link #MAX_CO} output channels, such as
 * YOLO's DFL convolution (16 inputs, 1 output) and the single-class score heads (64 inputs, 1 output): the GEMM's
 * 64-column panels and the narrow kernel's channel vectors would be almost all padding, so {@code NarrowConvKernel*}
 * vectorizes over each pixel's input channels instead (one lane reduction per output). Pixels are split into
 * contiguous ranges over the intra-op threads (each part writes its own pixels: identical for any thread count).
 */
final class SimdNarrowConvOps {
    private SimdNarrowConvOps() {}

    static final int MAX_CO = 4;
    /** Pixels per parallel part at least. */
    static final int MIN_PIXELS = 2048;

    static void register(Map<String, KernelFactory> table) {
        KernelFactory next = table.get(OnnxOps.ONNX_QLINEAR_CONV); // the narrow and GEMM overlays over the reference
        SimdOps.overlay(table, OnnxOps.ONNX_QLINEAR_CONV, ctx -> {
            if (!fits(ctx)) return null;
            next.create(ReferenceView.of(ctx)); // validation and output shape (reference)
            return create(ctx, SimdConvOps.chooseBits());
        });
    }

    /** A 1x1, stride 1, unpadded, ungrouped conv with a constant filter (and bias) and at most MAX_CO outputs. */
    static boolean fits(PrepareContext ctx) {
        if ("false".equals(System.getProperty("octet.simd.narrowConv"))) return false; // off: for comparison
        if (ctx.inputCount() < 2 || !ctx.hasInput(0) || !ctx.hasInput(1) || !ctx.isConstant(1)) return false;
        if (ctx.hasInput(2) && !ctx.isConstant(2)) return false;
        var x = ctx.input(0);
        var f = ctx.input(1);
        if (x.rank() != 4 || f.rank() != 4 || !x.type().isQuantized8()) return false;
        int[] in = x.shape(), fs = f.shape();
        for (int d : in) if (d <= 0) return false;
        if (fs[0] < 1 || fs[0] > MAX_CO || fs[1] != 1 || fs[2] != 1 || fs[3] != in[3]) return false;
        Window win;
        try {
            win = Window.of(ctx.node(), in[1], in[2], 1, 1);
        } catch (RuntimeException e) {
            return false; // the reference reports it
        }
        return win.outH() == in[1] && win.outW() == in[2] && win.padTop() == 0 && win.padLeft() == 0 && win.strideH() == 1 && win.strideW() == 1;
    }

    static Kernel create(PrepareContext ctx, int bits) {
        if (bits == 0) return null;
        int[] in = ctx.input(0).shape();
        int k = in[3], co = ctx.input(1).shape()[0];
        long mLong = (long) in[0] * in[1] * in[2];
        if (mLong * Math.max(k, co) > Integer.MAX_VALUE) return null;
        int m = (int) mLong;
        Attributes a = ctx.node().attrs();
        int xzp = a.getInt(OnnxOps.ATTR_X_ZERO_POINT, 0), yzp = a.getInt(OnnxOps.ATTR_Y_ZERO_POINT, 0);
        int[] wzp = a.getInts(OnnxOps.ATTR_W_ZERO_POINTS, null);
        float[] os = a.getFloats(OnnxOps.ATTR_OUTPUT_SCALES, null).clone();
        byte[] fb = ctx.constBytes(1);
        boolean fu8 = ctx.input(1).type() == DataType.UINT8;
        int[] w = new int[co * k];
        for (int i = 0; i < co * k; i++) w[i] = (fu8 ? fb[i] & 0xFF : fb[i]) - wzp[i / k];
        int[] bias = new int[co];
        if (ctx.hasInput(2)) System.arraycopy(ctx.constInts(2), 0, bias, 0, co);
        // sum((x - xzp) * w) = sum(x * w) - xzp * sum(w), modulo 2^32 like the reference's int arithmetic
        for (int c = 0; c < co; c++) {
            int sum = 0;
            for (int q = 0; q < k; q++) sum += w[c * k + q];
            bias[c] -= xzp * sum;
        }
        ctx.markPacked(1);
        if (ctx.hasInput(2)) ctx.markPacked(2);
        int mask = ctx.input(0).type() == DataType.UINT8 ? 0xFF : -1;
        DataType ot = ctx.output(0).type();
        int lo = ot.minValue(), hi = ot.maxValue();
        int parts = ExecContext.partsFor(ctx.options().threads(), m, MIN_PIXELS);
        int ii = ctx.inputId(0), io = ctx.outputId(0);
        long macs = mLong * co * k;
        warmUp(bits);
        return new Kernel() {
            private final Parallel.Task task = this::part;

            @Override
            public void run(ExecContext ec) {
                if (parts <= 1 || ec.threads() <= 1) range(ec, 0, m);
                else ec.parallelFor(parts, task);
            }

            private void part(ExecContext ec, int part) {
                range(ec, (int) ((long) m * part / parts), (int) ((long) m * (part + 1) / parts));
            }

            private void range(ExecContext ec, int p0, int p1) {
                byte[] x = ec.bytes(ii), y = ec.bytes(io);
                int xo = ec.offset(ii), yo = ec.offset(io);
                switch (bits) {
                    case 512 -> NarrowConvKernel512.pixels(x, xo, k, co, mask, w, bias, os, yzp, lo, hi, y, yo, p0, p1);
                    case 256 -> NarrowConvKernel256.pixels(x, xo, k, co, mask, w, bias, os, yzp, lo, hi, y, yo, p0, p1);
                    default -> NarrowConvKernel128.pixels(x, xo, k, co, mask, w, bias, os, yzp, lo, hi, y, yo, p0, p1);
                }
            }

            @Override
            public long macs() { return macs; }

            @Override
            public String variant() { return "simd" + bits + "-narrow1x1"; }
        };
    }

    private static final java.util.Set<Integer> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Compiles this width's kernel before the first real run (see SimdDepthwiseOps.warmUp). */
    static void warmUp(int bits) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits)) return;
        int k = 37, co = 2, m = 64;
        byte[] x = new byte[m * k], y = new byte[m * co];
        int[] w = new int[co * k], bias = new int[co];
        float[] os = {0.01f, 0.02f};
        long end = System.nanoTime() + 300_000_000L;
        for (int it = 0; it < 3000 && System.nanoTime() < end; it++) {
            switch (bits) {
                case 512 -> NarrowConvKernel512.pixels(x, 0, k, co, 0xFF, w, bias, os, 3, 0, 255, y, 0, 0, m);
                case 256 -> NarrowConvKernel256.pixels(x, 0, k, co, -1, w, bias, os, 3, -128, 127, y, 0, 0, m);
                default -> NarrowConvKernel128.pixels(x, 0, k, co, 0xFF, w, bias, os, 3, 0, 255, y, 0, 0, m);
            }
        }
    }
}
