package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.ops.reference.ConvBridge;
import dev.octet.ops.reference.HybridBridge;
import dev.octet.ops.reference.Window;
import java.util.Map;
import jdk.incubator.vector.IntVector;

/**
 * CONV_2D, FULLY_CONNECTED and ONNX_QLINEAR_CONV as a register-blocked GEMM (see {@link GemmKernel}).
 *
 * <p>Each SIMD factory first runs the reference factory, which validates the node, sets the output shape and
 * tells which kernel TFLite/ONNX semantics require; when the node fits the GEMM (constant filter and bias, no
 * groups) the SIMD kernel replaces it, otherwise the reference kernel is returned as is.
 *
 * <p>The vector width is chosen when the model is compiled: the widest species the CPU prefers (at most 512
 * bits), or the value of the system property {@code octet.simd.bits} (128, 256 or 512; read at every compile so
 * tests can force each width; another value disables these kernels).
 */
final class SimdConvOps {
    private SimdConvOps() {}

    static final String BITS_PROPERTY = "octet.simd.bits";
    private static final int INPUT = 0, FILTER = 1, BIAS = 2;

    static void register(Map<String, KernelFactory> table) {
        KernelFactory conv = table.get(Ops.CONV_2D);
        KernelFactory fc = table.get(Ops.FULLY_CONNECTED);
        SimdOps.overlay(table, Ops.CONV_2D, ctx -> conv2d(ctx, conv.create(ctx)));
        SimdOps.overlay(table, Ops.FULLY_CONNECTED, ctx -> fullyConnected(ctx, fc.create(ctx)));
        KernelFactory bmm = table.get(Ops.BATCH_MATMUL);
        if (bmm != null) {
            SimdOps.overlay(table, Ops.BATCH_MATMUL, ctx -> {
                Kernel ref = bmm.create(ctx);
                Kernel k = hybridDot(ref);
                return k != null ? k : ref;
            });
        }
        KernelFactory qconv = table.get(dev.octet.ops.onnx.OnnxOps.ONNX_QLINEAR_CONV);
        if (qconv != null) SimdOps.overlay(table, dev.octet.ops.onnx.OnnxOps.ONNX_QLINEAR_CONV, ctx -> qlinearConv(ctx, qconv.create(ctx)));
    }

    /** The vector width for kernels compiled now, or 0 when SIMD GEMM kernels are not to be used. */
    static int chooseBits() {
        int preferred = Math.min(512, IntVector.SPECIES_PREFERRED.vectorBitSize());
        int bits = Integer.getInteger(BITS_PROPERTY, preferred);
        return bits == 128 || bits == 256 || bits == 512 ? bits : 0;
    }

    private static boolean constantOrAbsent(PrepareContext ctx, int i) { return !ctx.hasInput(i) || ctx.isConstant(i); }

    /**
     * A hybrid FULLY_CONNECTED / CONV_2D / BATCH_MATMUL kernel with the int8 dot product of the current width
     * ({@code HybridDot512/256/128}), or null (no SIMD width, or not a hybrid kernel).
     */
    static Kernel hybridDot(Kernel ref) {
        return switch (chooseBits()) {
            case 512 -> HybridBridge.withDot(ref, HybridDot512::dot, "HybridDot512");
            case 256 -> HybridBridge.withDot(ref, HybridDot256::dot, "HybridDot256");
            case 128 -> HybridBridge.withDot(ref, HybridDot128::dot, "HybridDot128");
            default -> null;
        };
    }

    /** Hybrid (float input, int8 weights) nodes: the conv/depthwise SIMD kernels do not apply. */
    static boolean hybrid(PrepareContext ctx) {
        return ctx.input(INPUT).type() == DataType.FLOAT32 && ctx.input(FILTER).type() != DataType.FLOAT32
                && ctx.input(FILTER).type() != DataType.FLOAT16;
    }

    private static Kernel conv2d(PrepareContext ctx, Kernel ref) {
        int bits = chooseBits();
        if (hybrid(ctx)) {
            Kernel k = hybridDot(ref);
            return k != null ? k : ref;
        }
        if (bits == 0 || !ctx.isConstant(FILTER) || !constantOrAbsent(ctx, BIAS)) return ref;
        int[] in = ctx.input(INPUT).shape(), f = ctx.input(FILTER).shape();
        if (in[3] != f[3]) return ref; // grouped convolution: reference
        int co = f[0];
        Window win = Window.of(ctx.node(), in[1], in[2], f[1], f[2]);
        GemmKernel.Shape s = new GemmKernel.Shape(in[0], in[1], in[2], in[3], co, win);
        return build(ctx, ref, bits, s, in[0] * win.outH() * win.outW(), f[1] * f[2] * in[3], co);
    }

    private static Kernel fullyConnected(PrepareContext ctx, Kernel ref) {
        int bits = chooseBits();
        if (hybrid(ctx)) {
            Kernel k = hybridDot(ref);
            return k != null ? k : ref;
        }
        if (bits == 0 || !ctx.isConstant(FILTER) || !constantOrAbsent(ctx, BIAS)) return ref;
        int[] f = ctx.input(FILTER).shape();
        int co = f[0], k = f[1];
        int batch = ctx.input(INPUT).size() / k;
        return build(ctx, ref, bits, null, batch, k, co);
    }

    private static Kernel build(PrepareContext ctx, Kernel ref, int bits, GemmKernel.Shape s, int m, int k, int n) {
        int[] ids = {ctx.inputId(INPUT), ctx.outputId(0)};
        int threads = ctx.options().threads();
        if (ctx.input(INPUT).type() == DataType.FLOAT32) {
            float[] w = ctx.constFloats(FILTER);
            float[] bias = ctx.hasInput(BIAS) ? ctx.constFloats(BIAS) : new float[n];
            if (s != null && !s.direct()) {
                for (float v : w) if (!Float.isFinite(v)) return ref; // padding reads 0 * w: must be exactly 0
            }
            float[] range = ConvBridge.floatRange(ctx);
            return GemmKernel.floating(ctx, bits, threads, s, m, k, n, ids, w, bias, range[0], range[1]);
        }
        ConvBridge.Stage st = ConvBridge.stage(ctx, n);
        boolean u8 = ConvBridge.unsignedInput(ctx);
        byte[] w = ctx.constBytes(FILTER);
        int[] bias = ctx.hasInput(BIAS) ? ctx.constInts(BIAS) : new int[n];
        int[] wzp = new int[n];
        java.util.Arrays.fill(wzp, st.filterZeroPoint());
        GemmKernel.Requant rq = new GemmKernel.Requant(false, st.multiplier(), st.shift(), st.singleRounding(), null, st.outputZeroPoint(),
                st.min(), st.max());
        Kernel wino = WinogradKernel.orNull(ctx, bits, threads, s, ids, w, u8, wzp, u8, st.inputZeroPoint(), bias, rq);
        if (wino != null) return wino;
        return GemmKernel.quantized(ctx, bits, threads, s, m, k, n, ids, w, u8, wzp, u8, st.inputZeroPoint(), bias, rq);
    }

    private static Kernel qlinearConv(PrepareContext ctx, Kernel ref) {
        int bits = chooseBits();
        if (bits == 0 || !constantOrAbsent(ctx, BIAS)) return ref;
        int[] in = ctx.input(INPUT).shape(), f = ctx.input(FILTER).shape();
        if (in[3] != f[3]) return ref;
        int co = f[0];
        var a = ctx.node().attrs();
        int xzp = a.getInt("x_zero_point", 0), yzp = a.getInt("y_zero_point", 0);
        int[] wzp = a.getInts("w_zero_points", null);
        float[] os = a.getFloats("output_scales", null);
        Window win = Window.of(ctx.node(), in[1], in[2], f[1], f[2]);
        GemmKernel.Shape s = new GemmKernel.Shape(in[0], in[1], in[2], in[3], co, win);
        DataType ot = ctx.output(0).type();
        int[] bias = ctx.hasInput(BIAS) ? ctx.constInts(BIAS) : new int[co];
        GemmKernel.Requant rq = new GemmKernel.Requant(true, null, null, false, os, yzp, ot.minValue(), ot.maxValue());
        boolean u8 = ctx.input(INPUT).type() == DataType.UINT8;
        boolean wU8 = ctx.input(FILTER).type() == DataType.UINT8;
        int[] ids = {ctx.inputId(INPUT), ctx.outputId(0)};
        if (WinogradKernel.wanted(s, bits)) { // checked first: constBytes copies the filter
            Kernel wino = WinogradKernel.orNull(ctx, bits, ctx.options().threads(), s, ids, ctx.constBytes(FILTER), wU8, wzp, u8, xzp, bias, rq);
            if (wino != null) return wino;
        }
        return GemmKernel.quantized(ctx, bits, ctx.options().threads(), s, in[0] * win.outH() * win.outW(), f[1] * f[2] * in[3], co,
                ids, ctx.constBytes(FILTER), wU8, wzp, u8, xzp, bias, rq);
    }
}
