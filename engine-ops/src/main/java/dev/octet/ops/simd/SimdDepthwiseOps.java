package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.TensorInfo;
import dev.octet.ops.onnx.OnnxOps;
import dev.octet.ops.reference.HybridBridge;
import dev.octet.ops.reference.Window;
import java.util.Map;

/**
 * SIMD depthwise convolution: DEPTHWISE_CONV_2D (float32; TFLite uint8 per-tensor and int8 per-channel, both with
 * TFLite 2.6.2's double rounding) and ONNX_QLINEAR_CONV when it is depthwise (groups == input channels, one input
 * channel per group: ONNX Runtime's float-scale requantization). Kernels live in {@link DwKernel512} and its
 * generated 256/128-bit twins; {@link DwPlan} documents the arithmetic.
 *
 * <p>The reference factory validates the node first (so errors are the reference's); the SIMD factory then returns
 * null, falling back to the reference kernel, when the filter or bias is not constant, a float filter holds a
 * non-finite weight, the activation range is empty (absurd output scales), or a quantized accumulator could reach 2^24 (float lanes would no longer be exact).
 */
final class SimdDepthwiseOps {
    private SimdDepthwiseOps() {}

    static void register(Map<String, KernelFactory> table) {
        KernelFactory ref = table.get(Ops.DEPTHWISE_CONV_2D);
        SimdOps.overlay(table, Ops.DEPTHWISE_CONV_2D, ctx -> {
            if (isHybrid(ctx)) { // the reference kernel (built on the real context: it requests scratch) with vector taps
                Kernel r = ref.create(ctx);
                Kernel h = switch (SimdWidth.bits()) {
                    case 512 -> HybridBridge.withTap(r, HybridDot512::tap, "HybridDot512");
                    case 256 -> HybridBridge.withTap(r, HybridDot256::tap, "HybridDot256");
                    default -> HybridBridge.withTap(r, HybridDot128::tap, "HybridDot128");
                };
                return h != null ? h : r;
            }
            ref.create(ReferenceView.of(ctx)); // validation and output shape; errors are the reference's
            return create(ctx, SimdWidth.bits());
        });
        KernelFactory qconv = table.get(OnnxOps.ONNX_QLINEAR_CONV);
        SimdOps.overlay(table, OnnxOps.ONNX_QLINEAR_CONV, ctx -> {
            if (!isDepthwiseQLinear(ctx)) return null;
            qconv.create(ReferenceView.of(ctx));
            return createQLinear(ctx, SimdWidth.bits());
        });
    }

    /** Float input with 8-bit weights (dynamic range); the reference factory decides whether it is supported. */
    private static boolean isHybrid(PrepareContext ctx) {
        if (ctx.inputCount() < 2 || !ctx.hasInput(0) || !ctx.hasInput(1)) return false;
        DataType in = ctx.input(0).type(), w = ctx.input(1).type();
        return in == DataType.FLOAT32 && w != DataType.FLOAT32 && w != DataType.FLOAT16;
    }

    /** A DEPTHWISE_CONV_2D kernel at the given vector width, or null (use the reference). The node must be valid. */
    static Kernel create(PrepareContext ctx, int bits) {
        int lanes = bits / 32;
        if (!ctx.isConstant(1)) return null;
        if (ctx.hasInput(2) && !ctx.isConstant(2)) return null;
        if (ctx.input(0).type() == DataType.FLOAT32 && ctx.input(1).type() != DataType.FLOAT32 && ctx.input(1).type() != DataType.FLOAT16) {
            return null; // hybrid: reference
        }
        TensorInfo x = ctx.input(0), f = ctx.input(1), out = ctx.output(0);
        int[] in = x.shape(), fs = f.shape();
        int ci = in[3], co = fs[3], m = co / ci, kH = fs[1], kW = fs[2], taps = kH * kW;
        Window win = Window.of(ctx.node(), in[1], in[2], kH, kW);
        int cPad = DwPlan.roundUp(co, lanes);
        String act = ctx.node().attrs().getString(Ops.ATTR_ACTIVATION, "NONE");
        int threads = ctx.options().threads();
        float[] w = new float[taps * cPad];
        DwPlan p;
        if (x.type() == DataType.FLOAT32) {
            float[] wf = ctx.constFloats(1);
            for (float v : wf) if (!Float.isFinite(v)) return null;
            for (int t = 0; t < taps; t++) System.arraycopy(wf, t * co, w, t * cPad, co);
            float[] bias = new float[cPad];
            if (ctx.hasInput(2)) System.arraycopy(ctx.constFloats(2), 0, bias, 0, co);
            float[] r = QuantMath.activationRangeFloat(act);
            p = new DwPlan(DwPlan.FLOAT, false, in[0], ci, m, win, lanes, ctx.inputId(0), ctx.outputId(0), 0, w,
                    null, null, null, null, null, null, null, 0, 0, 0, bias, r[0], r[1], threads);
        } else {
            if (ctx.semantics() != Semantics.TFLITE) return null;
            boolean u8 = x.type() == DataType.UINT8;
            QuantParams qi = x.quant(), qw = f.quant(), qo = out.quant();
            int wZp = u8 ? qw.zeroPoint() : 0;
            byte[] wb = ctx.constBytes(1);
            for (int t = 0; t < taps; t++) {
                for (int c = 0; c < co; c++) w[t * cPad + c] = (u8 ? wb[t * co + c] & 0xFF : wb[t * co + c]) - wZp;
            }
            if (!exact(w, taps, cPad, co, maxAbsX(x.type(), qi.zeroPoint()))) return null;
            int[] bias = new int[cPad];
            if (ctx.hasInput(2)) System.arraycopy(ctx.constInts(2), 0, bias, 0, co);
            int[] lsh = new int[cPad];
            long[] mul = new long[cPad], half = new long[cPad], neg = new long[cPad], rsh = new long[cPad];
            for (int c = 0; c < co; c++) {
                float fsc = qw.scale(qw.isPerAxis() ? c : 0);
                double real = u8 ? (double) (qi.scale() * fsc) / (double) qo.scale() : (double) qi.scale() * (double) fsc / (double) qo.scale();
                int[] ms = QuantMath.quantizeMultiplier(real);
                fixedPoint(ms[0], ms[1], c, lsh, mul, half, neg, rsh);
            }
            int[] range = QuantMath.activationRange(act, qo.scale(), qo.zeroPoint(), out.type().minValue(), out.type().maxValue());
            // An output scale so small that zp + 6/scale overflows gives lo > hi; the reference's clamp then is not a min/max.
            if (range[0] > range[1]) return null;
            p = new DwPlan(DwPlan.TFLITE, u8, in[0], ci, m, win, lanes, ctx.inputId(0), ctx.outputId(0), qi.zeroPoint(), w,
                    bias, lsh, mul, half, neg, rsh, null, qo.zeroPoint(), range[0], range[1], null, 0, 0, threads);
        }
        return kernel(ctx, p, bits);
    }

    /** ONNX_QLINEAR_CONV with one input channel per group and groups == input channels. */
    static boolean isDepthwiseQLinear(PrepareContext ctx) {
        if (ctx.inputCount() < 2 || !ctx.hasInput(0) || !ctx.hasInput(1)) return false;
        TensorInfo x = ctx.input(0), f = ctx.input(1);
        if (x.rank() != 4 || f.rank() != 4) return false;
        int[] fs = f.shape();
        return fs[3] == 1 && x.dim(3) > 0 && fs[0] % x.dim(3) == 0 && x.dim(3) > 1;
    }

    /** A depthwise ONNX_QLINEAR_CONV kernel, or null. The node must be valid (checked by the reference factory). */
    static Kernel createQLinear(PrepareContext ctx, int bits) {
        int lanes = bits / 32;
        if (ctx.hasInput(2) && !ctx.isConstant(2)) return null;
        TensorInfo x = ctx.input(0), f = ctx.input(1);
        int[] in = x.shape(), fs = f.shape();
        int ci = in[3], co = fs[0], m = co / ci, kH = fs[1], kW = fs[2], taps = kH * kW;
        Window win = Window.of(ctx.node(), in[1], in[2], kH, kW);
        int cPad = DwPlan.roundUp(co, lanes);
        var a = ctx.node().attrs();
        int xzp = a.getInt(OnnxOps.ATTR_X_ZERO_POINT, 0), yzp = a.getInt(OnnxOps.ATTR_Y_ZERO_POINT, 0);
        int[] wzp = a.getInts(OnnxOps.ATTR_W_ZERO_POINTS, null);
        float[] osc = a.getFloats(OnnxOps.ATTR_OUTPUT_SCALES, null);
        boolean fu8 = f.type() == DataType.UINT8;
        byte[] fb = ctx.constBytes(1);
        float[] w = new float[taps * cPad];
        for (int oc = 0; oc < co; oc++) {
            for (int t = 0; t < taps; t++) w[t * cPad + oc] = (fu8 ? fb[oc * taps + t] & 0xFF : fb[oc * taps + t]) - wzp[oc];
        }
        if (!exact(w, taps, cPad, co, maxAbsX(x.type(), xzp))) return null;
        int[] bias = new int[cPad];
        if (ctx.hasInput(2)) System.arraycopy(ctx.constInts(2), 0, bias, 0, co);
        float[] os = new float[cPad];
        System.arraycopy(osc, 0, os, 0, co);
        DataType t = ctx.output(0).type();
        DwPlan p = new DwPlan(DwPlan.ONNX, x.type() == DataType.UINT8, in[0], ci, m, win, lanes, ctx.inputId(0), ctx.outputId(0), xzp, w,
                bias, null, null, null, null, null, os, yzp, t.minValue(), t.maxValue(), null, 0, 0, ctx.options().threads());
        return kernel(ctx, p, bits);
    }

    private static int maxAbsX(DataType t, int zp) { return Math.max(Math.abs(t.minValue() - zp), Math.abs(t.maxValue() - zp)); }

    /** True when every channel's largest possible |accumulator| (before the bias) stays below 2^24. */
    private static boolean exact(float[] w, int taps, int cPad, int co, int maxAbsX) {
        for (int c = 0; c < co; c++) {
            long s = 0;
            for (int t = 0; t < taps; t++) s += (long) Math.abs((int) w[t * cPad + c]) * maxAbsX;
            if (s >= (1L << 24)) return false;
        }
        return true;
    }

    /**
     * The per-channel lanes of TFLite's MultiplyByQuantizedMultiplier: left shift, Q31 multiplier, and the rounding
     * right shift x -> (x + half + (x < 0 ? neg : 0)) >> rsh (ties away from zero; neg = -1 when rsh > 0).
     */
    private static void fixedPoint(int multiplier, int shift, int c, int[] lsh, long[] mul, long[] half, long[] neg, long[] rsh) {
        int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        lsh[c] = left;
        mul[c] = multiplier;
        rsh[c] = right;
        half[c] = right > 0 ? 1L << (right - 1) : 0;
        neg[c] = right > 0 ? -1 : 0;
    }

    private static Kernel kernel(PrepareContext ctx, DwPlan p, int bits) {
        ctx.requestScratch(DataType.Storage.FLOAT, p.parts * p.scratchPerPart());
        ctx.requestScratch(DataType.Storage.INT, p.parts * p.intScratchPerPart());
        warmUp(bits, p.kind);
        return new DwKernel(p, bits);
    }

    /** Rows [r0, r1) x channels [c0, c1) with the part's float and int scratch slices. */
    static void run(DwPlan p, int bits, Object x, int xOff, Object y, int yOff, int r0, int r1, int c0, int c1, float[] buf, int base, int[] ints, int ib) {
        switch (bits) {
            case 512 -> DwKernel512.rows(p, x, xOff, y, yOff, r0, r1, c0, c1, buf, base, ints, ib);
            case 256 -> DwKernel256.rows(p, x, xOff, y, yOff, r0, r1, c0, c1, buf, base, ints, ib);
            default -> DwKernel128.rows(p, x, xOff, y, yOff, r0, r1, c0, c1, buf, base, ints, ib);
        }
    }

    private static final java.util.Set<String> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Runs the kernels of this width and arithmetic on a small problem until C2 has compiled them as whole methods:
     * otherwise the first large run is interpreted and then on-stack-replaced with boxed vectors (seconds).
     */
    private static void warmUp(int bits, int kind) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits + "/" + kind)) return;
        int lanes = bits / 32, c = 2 * lanes + 1, h = 4, wd = 6;
        Window win = new Window(h, wd, 3, 3, 1, 1, 1, 1, h, wd, 1, 1);
        Window win2 = new Window(h, wd, 2, 2, 1, 1, 1, 1, h - 1, wd - 1, 0, 0);
        int cPad = DwPlan.roundUp(c, lanes);
        long[] zeros = new long[cPad];
        long[] mul = new long[cPad];
        java.util.Arrays.fill(mul, 1L << 30);
        float[] os = new float[cPad];
        java.util.Arrays.fill(os, 0.01f);
        float[] w = new float[9 * cPad];
        for (int i = 0; i < w.length; i++) w[i] = (i % 7) - 3;
        DwPlan[] plans = new DwPlan[2];
        Window[] wins = {win, win2};
        for (int i = 0; i < 2; i++) {
            plans[i] = new DwPlan(kind, true, 1, c, 1, wins[i], lanes, 0, 1, 3, w, new int[cPad], new int[cPad], mul, zeros, zeros, zeros, os,
                    0, 0, 255, new float[cPad], -1f, 1f, 1);
        }
        Object x = kind == DwPlan.FLOAT ? new float[h * wd * c] : new byte[h * wd * c];
        Object y = kind == DwPlan.FLOAT ? new float[h * wd * c] : new byte[h * wd * c];
        float[] buf = new float[plans[0].scratchPerPart()];
        long end = System.nanoTime() + 2_000_000_000L;
        int[] ints = new int[plans[0].intScratchPerPart()];
        for (int it = 0; it < 4000 && System.nanoTime() < end; it++) {
            for (DwPlan p : plans) {
                run(p, bits, x, 0, y, 0, 0, p.rows(), 0, p.outC, buf, 0, ints, 0);
                // a channel part (the split of small deep layers): the slice paths of the row widening and zero row
                run(p, bits, x, 0, y, 0, 0, p.rows(), lanes, p.outC, buf, 0, ints, 0);
            }
        }
    }

    /**
     * Runs a plan at a fixed width, split into {@code p.rowParts} contiguous row ranges times {@code p.chanParts}
     * channel ranges (one scratch slice per part; see {@link DwPlan#split}).
     */
    static final class DwKernel implements Kernel {
        private final DwPlan p;
        private final int bits;

        DwKernel(DwPlan p, int bits) {
            this.p = p;
            this.bits = bits;
        }

        /** Part {@code part} of {@code p.parts}: a range of output rows times a range of channels (its own scratch slice). */
        private final dev.octet.core.Parallel.Task task = this::partOf;

        private void partOf(ExecContext ec, int part) {
            int rows = p.rows(), rp = part / p.chanParts, cp = part % p.chanParts;
            int r0 = (int) ((long) rows * rp / p.rowParts), r1 = (int) ((long) rows * (rp + 1) / p.rowParts);
            rows(ec, r0, r1, p.chanStart(cp), p.chanStart(cp + 1), part);
        }

        @Override
        public void run(ExecContext ec) {
            if (p.parts <= 1 || ec.threads() <= 1) {
                rows(ec, 0, p.rows(), 0, p.outC, 0);
                return;
            }
            ec.parallelFor(p.parts, task);
        }

        private void rows(ExecContext ec, int r0, int r1, int c0, int c1, int part) {
            boolean f = p.kind == DwPlan.FLOAT;
            Object x = f ? ec.floats(p.inputId) : ec.bytes(p.inputId);
            Object y = f ? ec.floats(p.outputId) : ec.bytes(p.outputId);
            SimdDepthwiseOps.run(p, bits, x, ec.offset(p.inputId), y, ec.offset(p.outputId), r0, r1, c0, c1, ec.scratchFloats(), part * p.scratchPerPart(),
                    ec.scratchInts(), part * p.intScratchPerPart());
        }

        @Override
        public long macs() { return p.macs(); }

        @Override
        public String variant() {
            String k = p.kind == DwPlan.FLOAT ? "f32" : p.kind == DwPlan.TFLITE ? (p.unsigned ? "u8" : "s8") : "onnx-q";
            return "simd" + bits + "-dw" + (p.win.kH() == 3 && p.win.kW() == 3 ? "3x3" : "") + "-" + k;
        }
    }
}
