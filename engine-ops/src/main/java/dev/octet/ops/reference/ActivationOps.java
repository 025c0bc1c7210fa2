package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.FixedPoint;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.TensorInfo;
import java.util.Map;

/**
 * Activation operators, bit-exact with what TFLite 2.6.2's builtin resolver runs on x86
 * (tensorflow/lite/kernels/activations.cc, generic-optimized registrations):
 *
 * <ul>
 *   <li>LOGISTIC / TANH on uint8/int8: a 256-entry table built at prepare in float arithmetic
 *       (PopulateLookupTable): {@code q = clamp((int)(roundf(f(inScale * (v - inZp)) * (1/outScale)) + outZp))}
 *       with f(x) = 1/(1+expf(-x)) or tanhf(x). LOGISTIC requires an output scale of exactly 1/256.
 *   <li>HARD_SWISH on uint8/int8: the int16 fixed-point reference_ops::HardSwish (the NEON path is ARM only),
 *       with its multipliers from float scales; evaluated once per input code into a table.
 *   <li>RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU on uint8/int8: requantization with QuantizeMultiplier of the
 *       float quotient inScale/outScale (ReluX / QuantizeLeakyRelu), clamped to the activation's quantized range
 *       {@code zp + (int) roundf(limit / outScale)}; also tabulated per input code.
 *   <li>float32: LOGISTIC and TANH reproduce Eigen's float approximations (rational functions, Cephes exp) that
 *       TFLite's optimized kernels evaluate; HARD_SWISH and the RELUs are plain float formulas. All float kernels
 *       flush subnormal inputs and results to zero, as TFLite's x86 library runs with FTZ/DAZ set.
 * </ul>
 * SOFTMAX is in {@link Softmax}; QUANTIZE and DEQUANTIZE in {@link QuantizeOps}.
 */
final class ActivationOps {
    private ActivationOps() {}

    /** TFLite's LEAKY_RELU (not in {@link Ops}' list): one input, attribute "alpha" (float). */
    static final String LEAKY_RELU = "LEAKY_RELU";
    static final String ATTR_ALPHA = "alpha";

    static void register(Map<String, KernelFactory> table) {
        table.put(Ops.SOFTMAX, Softmax::create);
        table.put(Ops.LOGISTIC, ActivationOps::logistic);
        table.put(Ops.TANH, ActivationOps::tanh);
        table.put(Ops.HARD_SWISH, ActivationOps::hardSwish);
        table.put(Ops.RELU, ctx -> relu(ctx, 0f, Float.POSITIVE_INFINITY));
        table.put(Ops.RELU6, ctx -> relu(ctx, 0f, 6f));
        table.put(Ops.RELU_N1_TO_1, ctx -> relu(ctx, -1f, 1f));
        table.put(LEAKY_RELU, ActivationOps::leakyRelu);
        table.put(Ops.QUANTIZE, QuantizeOps::quantize);
        table.put(Ops.DEQUANTIZE, QuantizeOps::dequantize);
    }

    /** Input type for a same-type activation; the output must match. Only float32, uint8 and int8. */
    private static DataType sameType(PrepareContext ctx, TensorInfo in) {
        DataType t = in.type();
        TensorInfo out = ctx.output(0);
        if (t != DataType.FLOAT32 && t != DataType.UINT8 && t != DataType.INT8) {
            throw ctx.unsupported("input type " + t.lowerName() + " (supported: float32, uint8, int8)");
        }
        if (out.type() != t) throw ctx.unsupported("input " + t.lowerName() + " with output " + out.type().lowerName() + " (types must match)");
        return t;
    }

    private static Kernel floatKernel(PrepareContext ctx, TensorInfo in, Unary.FloatFn fn) {
        return new Unary.FloatMap(ctx.inputId(0), ctx.outputId(0), in.size(), fn);
    }

    // ---------------------------------------------------------------- LOGISTIC / TANH

    private static Kernel logistic(PrepareContext ctx) {
        TensorInfo in = Unary.prepare(ctx);
        DataType t = sameType(ctx, in);
        if (t == DataType.FLOAT32) return new FloatLogistic(ctx.inputId(0), ctx.outputId(0), in.size());
        Unary.requireTflite(ctx, "quantized LOGISTIC");
        QuantParams oq = Unary.perTensor(ctx, ctx.output(0), "output");
        if ((double) oq.scale() != 1.0 / 256) {
            throw ctx.unsupported("quantized LOGISTIC needs output scale 1/256 (TFLite rejects others), got " + oq.scale());
        }
        return lut8(ctx, in, x -> 1.0f / (1.0f + FloatMath.expf(-x)), "lut-logistic");
    }

    private static Kernel tanh(PrepareContext ctx) {
        TensorInfo in = Unary.prepare(ctx);
        DataType t = sameType(ctx, in);
        if (t == DataType.FLOAT32) return new EigenFloat(ctx.inputId(0), ctx.outputId(0), in.size(), EigenFloat.TANH);
        return lut8(ctx, in, FloatMath::tanhf, "lut-tanh");
    }

    /** float32 LOGISTIC as Eigen evaluates it in TFLite (the scalar tail differs below -9, see FloatMath). */
    record FloatLogistic(int in, int out, int size) implements Kernel {
        @Override
        public void run(dev.octet.core.ExecContext ec) {
            float[] src = ec.floats(in);
            float[] dst = ec.floats(out);
            int so = ec.offset(in), d0 = ec.offset(out);
            FloatActivations.logistic(src, so, dst, d0, 0, size, size);
        }
    }

    /**
     * float32 RELU and TANH as Eigen array expressions evaluate them in TFLite: 4-float SSE packets over the aligned
     * body (where DAZ turns subnormal inputs into signed zeros), scalar code over the last size % 4 elements (where
     * RELU returns a subnormal input unchanged: observed against TFLite 2.6.2).
     */
    record EigenFloat(int in, int out, int size, int fn) implements Kernel {
        static final int RELU = 0, TANH = 1, RELU_N1_TO_1 = 2;

        @Override
        public void run(dev.octet.core.ExecContext ec) {
            float[] src = ec.floats(in);
            float[] dst = ec.floats(out);
            int so = ec.offset(in), d0 = ec.offset(out);
            int tail = FloatMath.eigenTailStart(size);
            for (int i = 0; i < size; i++) {
                float v = src[so + i];
                float r;
                if (fn == RELU) {
                    // packet: maxps(0, x) = 0 > x ? 0 : x on the DAZ'd x; scalar: std::max(x, 0) = x < 0 ? 0 : x
                    if (i < tail) {
                        float x = FloatMath.ftz(v);
                        r = 0f > x ? 0f : x;
                    } else {
                        r = FloatMath.ftz(v) < 0f ? 0f : v;
                    }
                } else if (fn == RELU_N1_TO_1) {
                    float x = i < tail ? v : FloatMath.ftz(v);
                    r = x > 1f ? 1f : (x < -1f ? -1f : x);
                } else {
                    r = FloatMath.eigenTanh(FloatMath.ftz(v)); // flushed in packets and in the scalar tail alike
                }
                dst[d0 + i] = r;
            }
        }
    }

    /** TFLite's PopulateLookupTable: float dequantize, transform, round(x * (1/outScale)) + zp, clamp. */
    private static Kernel lut8(PrepareContext ctx, TensorInfo in, Unary.FloatFn transform, String variant) {
        Unary.requireTflite(ctx, "quantized " + ctx.node().opType());
        QuantParams iq = Unary.perTensor(ctx, in, "input");
        QuantParams oq = Unary.perTensor(ctx, ctx.output(0), "output");
        DataType t = in.type();
        byte[] table = lutTable(t, iq.scale(), iq.zeroPoint(), oq.scale(), oq.zeroPoint(), transform);
        return new Unary.ByteLut(ctx.inputId(0), ctx.outputId(0), in.size(), table, variant);
    }

    /** The 256-entry table of a float function on an 8-bit type (index: raw input byte, value: raw output byte). */
    static byte[] lutTable(DataType t, float inScale, int inZp, float outScale, int outZp, Unary.FloatFn transform) {
        final float inverseScale = 1f / outScale;
        final int lo = t.minValue(), hi = t.maxValue();
        return Unary.byteTable(t, v -> {
            float dequantized = inScale * (float) (v - inZp);
            float transformed = transform.apply(dequantized);
            float rescaled = FloatMath.roundf(transformed * inverseScale);
            int q = FloatMath.truncToInt32(rescaled + (float) outZp);
            return QuantMath.clamp(q, lo, hi);
        });
    }

    // ---------------------------------------------------------------- HARD_SWISH

    private static Kernel hardSwish(PrepareContext ctx) {
        TensorInfo in = Unary.prepare(ctx);
        DataType t = sameType(ctx, in);
        if (t == DataType.FLOAT32) {
            // optimized_ops::HardSwish (float): in * min(6, max(0, in + 3)) * (1/6), left to right in float.
            return floatKernel(ctx, in, v -> {
                float x = FloatMath.ftz(v);
                return FloatMath.ftz(x * Math.min(6.0f, Math.max(0.0f, x + 3.0f)) * (1.0f / 6.0f));
            });
        }
        Unary.requireTflite(ctx, "quantized HARD_SWISH");
        QuantParams iq = Unary.perTensor(ctx, in, "input");
        QuantParams oq = Unary.perTensor(ctx, ctx.output(0), "output");
        HardSwishParams p = HardSwishParams.of(iq.scale(), iq.zeroPoint(), oq.scale(), oq.zeroPoint());
        if (p.outputExponent > 0 || p.outputExponent < -15) {
            throw ctx.unsupported("HARD_SWISH output multiplier exponent " + p.outputExponent + " outside [-15, 0] (input scale "
                    + iq.scale() + ", output scale " + oq.scale() + ")");
        }
        if (p.reluishExponent < -15) {
            throw ctx.unsupported("HARD_SWISH input scale " + iq.scale() + " is too small (reluish exponent " + p.reluishExponent + ")");
        }
        final int lo = t.minValue(), hi = t.maxValue();
        byte[] table = Unary.byteTable(t, v -> p.apply(v, lo, hi));
        return new Unary.ByteLut(ctx.inputId(0), ctx.outputId(0), in.size(), table, "lut-hard-swish");
    }

    /** The int16 fixed-point parameters of quantized HARD_SWISH (TFLite's HardSwishPrepare) and its per-value math. */
    record HardSwishParams(int inputZeroPoint, int outputZeroPoint, int outputMultiplier16, int outputExponent,
                           int reluishMultiplier16, int reluishExponent) {

        static HardSwishParams of(float inScale, int inZp, float outScale, int outZp) {
            // All in float, as TFLite computes them; QuantizeMultiplier then takes the float as a double.
            float hiresInputScale = (1.0f / 128.0f) * inScale;
            float reluishScale = 3.0f / 32768.0f;
            float outputMultiplier = hiresInputScale / outScale;
            int[] om = QuantMath.quantizeMultiplier(outputMultiplier);
            float reluishMultiplier = hiresInputScale / reluishScale;
            int[] rm = QuantMath.quantizeMultiplier(reluishMultiplier);
            return new HardSwishParams(inZp, outZp, FixedPoint.downscaleMultiplierToInt16(om[0]), om[1],
                    FixedPoint.downscaleMultiplierToInt16(rm[0]), rm[1]);
        }

        /** Output code for input code v (reference_ops::HardSwish, quantized). */
        int apply(int v, int lo, int hi) {
            int inputValue = (short) (v - inputZeroPoint);
            int hires = (short) (inputValue * (1 << 7));
            int preshiftOutputScale = FixedPoint.saturatingRoundingDoublingHighMul16(hires, outputMultiplier16);
            int reluish = hires;
            if (reluishExponent > 0) reluish = FixedPoint.saturatingLeftShift16(reluish, reluishExponent - 1);
            reluish = FixedPoint.saturatingRoundingDoublingHighMul16(reluish, reluishMultiplier16);
            if (reluishExponent > 0) reluish = FixedPoint.saturatingLeftShift16(reluish, 1);
            if (reluishExponent < 0) reluish = FixedPoint.roundingDivideByPOT16(reluish, -reluishExponent);
            // from [-1, 1] to [0, 1] in Q15
            reluish = (short) ((reluish + (1 << 15)) >> 1);
            int preshiftOutput = FixedPoint.saturatingDoublingHighMul16(reluish, preshiftOutputScale);
            int out = FixedPoint.roundingDivideByPOT16(preshiftOutput, -outputExponent);
            out = (short) (out + outputZeroPoint);
            return QuantMath.clamp(out, lo, hi);
        }
    }

    // ---------------------------------------------------------------- RELU family

    private static Kernel relu(PrepareContext ctx, float actMin, float actMax) {
        TensorInfo in = Unary.prepare(ctx);
        DataType t = sameType(ctx, in);
        if (t == DataType.FLOAT32) {
            if (actMax == Float.POSITIVE_INFINITY) return new EigenFloat(ctx.inputId(0), ctx.outputId(0), in.size(), EigenFloat.RELU);
            if (actMin == 0f) {
                // std::min(std::max(0.f, x), 6.f): comparisons see subnormals as zero; NaN gives 0
                return floatKernel(ctx, in, v -> {
                    float r = 0f < FloatMath.ftz(v) ? v : 0f;
                    return actMax < r ? actMax : r;
                });
            }
            // Relu1: x > 1 ? 1 : x < -1 ? -1 : x. Observed in TFLite 2.6.2: the vectorized body returns a subnormal x
            // unchanged, the scalar tail (last size % 4 elements) flushes it to zero.
            return new EigenFloat(ctx.inputId(0), ctx.outputId(0), in.size(), EigenFloat.RELU_N1_TO_1);
        }
        Unary.requireTflite(ctx, "quantized " + ctx.node().opType());
        QuantParams iq = Unary.perTensor(ctx, in, "input");
        QuantParams oq = Unary.perTensor(ctx, ctx.output(0), "output");
        final int lo = t.minValue(), hi = t.maxValue();
        final int inZp = iq.zeroPoint(), outZp = oq.zeroPoint();
        float outScale = oq.scale();
        // ReluPrepare: real_multiplier = input scale / output scale, divided in float.
        int[] m = QuantMath.quantizeMultiplier((double) (iq.scale() / outScale));
        int qmin = Math.max(lo, outZp + (int) FloatMath.roundf(actMin / outScale));
        int qmax = actMax == Float.POSITIVE_INFINITY ? hi : Math.min(hi, outZp + (int) FloatMath.roundf(actMax / outScale));
        byte[] table = Unary.byteTable(t, v -> {
            int r = outZp + QuantMath.multiplyByQuantizedMultiplier(v - inZp, m[0], m[1]);
            return Math.min(qmax, Math.max(qmin, r));
        });
        return new Unary.ByteLut(ctx.inputId(0), ctx.outputId(0), in.size(), table, "lut-relu");
    }

    private static Kernel leakyRelu(PrepareContext ctx) {
        TensorInfo in = Unary.prepare(ctx);
        DataType t = sameType(ctx, in);
        float alpha = ctx.node().attrs().getFloat(ATTR_ALPHA, 0.2f);
        if (!Float.isFinite(alpha)) throw ctx.invalid("LEAKY_RELU alpha must be finite, is " + alpha);
        if (t == DataType.FLOAT32) {
            return floatKernel(ctx, in, v -> {
                float x = FloatMath.ftz(v);
                return x > 0 ? x : FloatMath.ftz(x * alpha);
            });
        }
        Unary.requireTflite(ctx, "quantized LEAKY_RELU");
        QuantParams iq = Unary.perTensor(ctx, in, "input");
        QuantParams oq = Unary.perTensor(ctx, ctx.output(0), "output");
        // LeakyReluPrepare: both multipliers are float expressions widened to double.
        int[] ma = QuantMath.quantizeMultiplier((double) (iq.scale() * alpha / oq.scale()));
        int[] mi = QuantMath.quantizeMultiplier((double) (iq.scale() / oq.scale()));
        final int lo = t.minValue(), hi = t.maxValue();
        final int inZp = iq.zeroPoint(), outZp = oq.zeroPoint();
        byte[] table = Unary.byteTable(t, v -> {
            int x = v - inZp;
            int r = x >= 0 ? outZp + QuantMath.multiplyByQuantizedMultiplier(x, mi[0], mi[1])
                    : outZp + QuantMath.multiplyByQuantizedMultiplier(x, ma[0], ma[1]);
            return QuantMath.clamp(r, lo, hi);
        });
        return new Unary.ByteLut(ctx.inputId(0), ctx.outputId(0), in.size(), table, "lut-leaky-relu");
    }
}
