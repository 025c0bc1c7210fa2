package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.TensorInfo;
import dev.octet.ops.onnx.OnnxOps;
import java.util.Map;

/**
 * SIMD float32 SOFTMAX (last axis), SOFTMAX_AXIS and LOGISTIC, bit-identical with the reference kernels (which
 * share their scalar code, {@link dev.octet.ops.reference.FloatActivations}, with these kernels' remainders). The
 * reference factory validates first and declares the output shape; quantized inputs keep their reference kernels.
 * Work is cut into parts of whole rows (SOFTMAX), element ranges (LOGISTIC) or column ranges (SOFTMAX_AXIS) over the
 * intra-op threads; each element's arithmetic does not depend on the cut, so every thread count gives the same bits.
 */
final class SimdFloatOps {
    private SimdFloatOps() {}

    static void register(Map<String, KernelFactory> table) {
        overlay(table, Ops.SOFTMAX, ctx -> softmax(ctx, SimdWidth.bits()));
        overlay(table, Ops.LOGISTIC, ctx -> logistic(ctx, SimdWidth.bits()));
        overlay(table, OnnxOps.SOFTMAX_AXIS, ctx -> softmaxAxis(ctx, SimdWidth.bits()));
    }

    private static void overlay(Map<String, KernelFactory> table, String op, SimdOps.SimdFactory simd) {
        KernelFactory ref = table.get(op);
        SimdOps.overlay(table, op, ctx -> {
            ref.create(ReferenceView.of(ctx)); // validation and output shape
            return simd.createOrNull(ctx);
        });
    }

    private static final int WARM_N = 64 * 37;

    static Kernel logistic(PrepareContext ctx, int bits) {
        TensorInfo in = ctx.input(0);
        if (in.type() != DataType.FLOAT32) return null;
        int size = in.size(), ii = ctx.inputId(0), io = ctx.outputId(0);
        SimdElementwiseOps.warmUp("f32-logistic/" + bits, () -> {
            float[] x = warmFloats(), y = new float[WARM_N];
            logistic(bits, x, 0, y, 0, 0, WARM_N, WARM_N);
        });
        return new SimdElementwiseOps.Ew(bits, size, ctx.options().threads(), "f32-logistic") {
            @Override
            void part(ExecContext ec, int s, int e) {
                logistic(bits, ec.floats(ii), ec.offset(ii), ec.floats(io), ec.offset(io), s, e, size);
            }
        };
    }

    static void logistic(int bits, float[] x, int xo, float[] y, int yo, int s, int e, int size) {
        switch (bits) {
            case 512 -> FloatKernel512.logistic(x, xo, y, yo, s, e, size);
            case 256 -> FloatKernel256.logistic(x, xo, y, yo, s, e, size);
            default -> FloatKernel128.logistic(x, xo, y, yo, s, e, size);
        }
    }

    static Kernel softmax(PrepareContext ctx, int bits) {
        TensorInfo in = ctx.input(0);
        if (in.type() != DataType.FLOAT32) return null;
        float beta = ctx.node().attrs().getFloat(Ops.ATTR_BETA, 1.0f);
        int depth = in.dim(in.rank() - 1), size = in.size();
        if (depth == 0 || size == 0) return null;
        int rows = size / depth, tail = dev.octet.ops.reference.FloatActivations.tailStart(size);
        int ii = ctx.inputId(0), io = ctx.outputId(0);
        SimdElementwiseOps.warmUp("f32-softmax/" + bits, () -> {
            float[] x = warmFloats(), y = new float[WARM_N];
            softmax(bits, x, 0, y, 0, 0, 37, 64, 1f, WARM_N);
        });
        return new SimdElementwiseOps.Ew(bits, size, depth, ctx.options().threads(), "f32-softmax") {
            @Override
            void part(ExecContext ec, int s, int e) { // one row
                softmax(bits, ec.floats(ii), ec.offset(ii), ec.floats(io), ec.offset(io), s / depth, e / depth, depth, beta, tail);
            }

            @Override
            public String variant() { return "simd" + bits + "-f32-softmax"; }
        };
    }

    static void softmax(int bits, float[] x, int xo, float[] y, int yo, int r0, int r1, int depth, float beta, int tail) {
        switch (bits) {
            case 512 -> FloatKernel512.softmaxRows(x, xo, y, yo, r0, r1, depth, beta, tail);
            case 256 -> FloatKernel256.softmaxRows(x, xo, y, yo, r0, r1, depth, beta, tail);
            default -> FloatKernel128.softmaxRows(x, xo, y, yo, r0, r1, depth, beta, tail);
        }
    }

    static Kernel softmaxAxis(PrepareContext ctx, int bits) {
        TensorInfo t = ctx.input(0);
        if (t.type() != DataType.FLOAT32) return null;
        int r = t.rank();
        int axis = ctx.node().attrs().getInt(Ops.ATTR_AXIS, -1);
        if (axis < 0) axis += r;
        int[] sh = t.shape();
        int outer = 1, inner = 1, len = sh[axis];
        for (int d = 0; d < axis; d++) outer *= sh[d];
        for (int d = axis + 1; d < r; d++) inner *= sh[d];
        if (inner < 4 || len == 0 || outer == 0) return null; // nothing to vectorize across
        int ii = ctx.inputId(0), io = ctx.outputId(0), fi = inner, fl = len;
        SimdElementwiseOps.warmUp("f32-softmax-axis/" + bits, () -> {
            float[] x = warmFloats(), y = new float[WARM_N];
            softmaxAxis(bits, x, 0, y, 0, 16, WARM_N / 16, 0, 0, WARM_N / 16);
        });
        // work items: the outer * inner columns, each len elements long; a part is any range of them
        return new SimdElementwiseOps.Ew(bits, outer * inner, ctx.options().threads(), "f32-softmax-axis") {
            @Override
            void part(ExecContext ec, int s, int e) {
                float[] x = ec.floats(ii), y = ec.floats(io);
                int xo = ec.offset(ii), yo = ec.offset(io);
                for (int c = s; c < e; ) {
                    int a = c / fi, b0 = c - a * fi, b1 = Math.min(fi, b0 + (e - c));
                    softmaxAxis(bits, x, xo, y, yo, fl, fi, a * fl * fi, b0, b1);
                    c += b1 - b0;
                }
            }
        };
    }

    static void softmaxAxis(int bits, float[] x, int xo, float[] y, int yo, int len, int inner, int base, int b0, int b1) {
        switch (bits) {
            case 512 -> FloatKernel512.softmaxAxis(x, xo, y, yo, len, inner, base, b0, b1);
            case 256 -> FloatKernel256.softmaxAxis(x, xo, y, yo, len, inner, base, b0, b1);
            default -> FloatKernel128.softmaxAxis(x, xo, y, yo, len, inner, base, b0, b1);
        }
    }

    private static float[] warmFloats() {
        float[] x = new float[WARM_N];
        for (int i = 0; i < WARM_N; i++) x[i] = (i % 97) * 0.37f - 18f;
        return x;
    }
}
