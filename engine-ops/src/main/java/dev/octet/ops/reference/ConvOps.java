package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.TensorInfo;
import dev.octet.core.UnsupportedOpException;
import java.util.Map;
import java.util.Set;

/**
 * The convolution family: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, plus what they share: the type
 * combinations they accept, the bias, and the TFLite output stage that turns an int32 accumulator into an
 * 8-bit output.
 *
 * <p>Supported type combinations (input / filter / bias / output):
 * <ul>
 *   <li>float32 / float32 or float16 (expanded at load) / float32 or float16 or absent / float32;
 *   <li>uint8 / uint8 (per-tensor, any zero point) / int32 or absent / uint8: TF1 quantization-aware models;
 *   <li>int8 / int8 (zero point 0, per-channel along the output-channel axis or per-tensor) / int32 or absent /
 *       int8: TF2 post-training quantization. FULLY_CONNECTED takes per-tensor filters only, as TFLite 2.6.
 *   <li>hybrid (dynamic-range): float32 input / int8 constant (symmetric, per-tensor or per-channel) / float32 or
 *       absent / float32, computed by {@link HybridOps} with TFLite 2.6.2's on-the-fly input quantization (the
 *       weight layouts TFLite 2.6.2 computes wrongly are refused there; docs/tflite-hybrid.md).
 * </ul>
 * Hybrid with uint8 weights, int16 activations and ONNX requantization are rejected.
 *
 * <p>Bit-exactness target: TFLite 2.6.2's builtin kernels on x86-64 (the oracle library), which is not quite its
 * reference code: see {@link Rounding} and {@link #outputStage} for the two places it matters. Every conv-family
 * layer of the shared mobilenet/SSD models and random single-op cases were compared with the library byte for
 * byte. Where Octet accepts more than TFLite 2.6.2 does (results are still what the formula says):
 * <ul>
 *   <li>an absent bias (the library refuses a quantized CONV_2D without bias, and crashes on an int8
 *       DEPTHWISE_CONV_2D without one);
 *   <li>grouped CONV_2D (the library requires the filter's depth to equal the input's);
 *   <li>a uint8 bias scale that is not input scale x filter scale (the library checks it at prepare; the value
 *       does not enter the arithmetic).
 * </ul>
 */
final class ConvOps {
    private ConvOps() {}

    static void register(Map<String, KernelFactory> table) {
        table.put(Ops.CONV_2D, Conv2D::create);
        table.put(Ops.DEPTHWISE_CONV_2D, DepthwiseConv2D::create);
        table.put(Ops.FULLY_CONNECTED, FullyConnected::create);
        table.put(Ops.BATCH_MATMUL, BatchMatMul::create);
    }

    static final int INPUT = 0, FILTER = 1, BIAS = 2;

    private static final Set<String> ACTIVATIONS = Set.of("NONE", "RELU", "RELU6", "RELU_N1_TO_1");

    /** An unsupported-op error whose message also carries the node's name. */
    static UnsupportedOpException unsupported(PrepareContext ctx, String detail) {
        return ctx.unsupported(detail); // PrepareContext.unsupported names the node and its types
    }

    /** The fused activation attribute, checked against the ones conv-like ops support. */
    static String activation(PrepareContext ctx) {
        String act = ctx.node().attrs().getString(Ops.ATTR_ACTIVATION, "NONE");
        if (!ACTIVATIONS.contains(act)) throw unsupported(ctx, "fused activation " + act + " (supported: NONE, RELU, RELU6, RELU_N1_TO_1)");
        return act;
    }

    /** The three ways a conv-like node can be computed. */
    enum Kind { FLOAT, UINT8, INT8, HYBRID }

    /**
     * Checks the input/filter/bias/output types form a supported combination and returns which one.
     * Input, filter and output must exist; the bias is optional.
     */
    static Kind checkTypes(PrepareContext ctx) {
        if (ctx.inputCount() < 2 || !ctx.hasInput(INPUT) || !ctx.hasInput(FILTER)) throw ctx.invalid("needs an input and a filter");
        if (ctx.outputCount() != 1) throw ctx.invalid("must have exactly one output, has " + ctx.outputCount());
        DataType in = ctx.input(INPUT).type();
        DataType w = ctx.input(FILTER).type();
        DataType out = ctx.output(0).type();
        DataType bias = ctx.hasInput(BIAS) ? ctx.input(BIAS).type() : null;
        String combo = "input " + in.lowerName() + ", filter " + w.lowerName() + ", bias " + (bias == null ? "none" : bias.lowerName())
                + ", output " + out.lowerName();
        Kind kind;
        if (in == DataType.FLOAT32 && (w == DataType.FLOAT32 || w == DataType.FLOAT16)) {
            kind = Kind.FLOAT;
            if (bias != null && bias != DataType.FLOAT32 && bias != DataType.FLOAT16) throw unsupported(ctx, "float op with a non-float bias (" + combo + ")");
            if (w == DataType.FLOAT16 && !ctx.isConstant(FILTER)) throw unsupported(ctx, "a float16 filter must be constant (" + combo + ")");
            if (bias == DataType.FLOAT16 && !ctx.isConstant(BIAS)) throw unsupported(ctx, "a float16 bias must be constant (" + combo + ")");
        } else if (in == DataType.UINT8 && w == DataType.UINT8) {
            kind = Kind.UINT8;
        } else if (in == DataType.INT8 && w == DataType.INT8) {
            kind = Kind.INT8;
        } else if (in == DataType.FLOAT32 && w == DataType.INT8) {
            kind = Kind.HYBRID;
            if (bias != null && bias != DataType.FLOAT32) throw unsupported(ctx, "hybrid (dynamic-range) op needs a float32 bias (" + combo + ")");
        } else if (in == DataType.FLOAT32 && w.isQuantized8()) {
            throw unsupported(ctx, "hybrid (dynamic-range) quantization needs int8 weights (" + combo + ")");
        } else {
            throw unsupported(ctx, "type combination not supported (" + combo + ")");
        }
        if (out != in) throw unsupported(ctx, "output type must equal the input type (" + combo + ")");
        if (kind == Kind.HYBRID && ctx.semantics() != Semantics.TFLITE) {
            throw unsupported(ctx, "hybrid " + ctx.node().opType() + " is only implemented with TFLite arithmetic, not " + ctx.semantics());
        }
        if (kind == Kind.UINT8 || kind == Kind.INT8) {
            if (bias != null && bias != DataType.INT32) throw unsupported(ctx, "a quantized op needs an int32 bias (" + combo + ")");
            if (ctx.semantics() != Semantics.TFLITE) {
                throw unsupported(ctx, "quantized " + ctx.node().opType() + " is only implemented with TFLite arithmetic, not " + ctx.semantics());
            }
        }
        return kind;
    }

    /**
     * The weight scales of a hybrid op's int8 filter, checked: constant, quantized, zero point 0, per-tensor or
     * per-channel along {@code channelAxis} with {@code channels} scales. {@code perChannel} is true only when the
     * scales differ (TFLite 2.6.2 takes its per-tensor path when they are all equal); {@code scales} has one entry per
     * output channel either way; {@code perAxis} says whether the tensor declares more than one scale.
     */
    record HybridWeights(float[] scales, boolean perChannel, boolean perAxis) {
        float tensorScale() { return scales[0]; }
    }

    static HybridWeights hybridWeights(PrepareContext ctx, int channels, int channelAxis) {
        TensorInfo w = ctx.input(FILTER);
        if (!ctx.isConstant(FILTER)) throw unsupported(ctx, "hybrid (dynamic-range) op needs constant int8 weights, filter '" + w.name() + "' is computed");
        QuantParams qw = w.quant();
        if (qw.isNone()) throw ctx.invalid("filter '" + w.name() + "' is int8 but has no quantization parameters");
        if (qw.isPerAxis() && (qw.axis() != channelAxis || qw.count() != channels)) {
            throw ctx.invalid("filter '" + w.name() + "' is quantized along axis " + qw.axis() + " with " + qw.count()
                    + " scales; expected axis " + channelAxis + " with " + channels + " scales (one per output channel)");
        }
        float[] scales = new float[channels];
        boolean differ = false;
        for (int c = 0; c < channels; c++) {
            float s = qw.scale(qw.isPerAxis() ? c : 0);
            if (!(s > 0) || !Float.isFinite(s)) throw ctx.invalid("filter '" + w.name() + "' has an invalid scale " + s + " at channel " + c);
            if (qw.zeroPoint(qw.isPerAxis() ? c : 0) != 0) {
                throw unsupported(ctx, "hybrid int8 filter '" + w.name() + "' has zero point " + qw.zeroPoint(qw.isPerAxis() ? c : 0)
                        + " (dynamic-range weights must be symmetric)");
            }
            scales[c] = s;
            if (s != scales[0]) differ = true;
        }
        return new HybridWeights(scales, differ, qw.isPerAxis() && qw.count() > 1);
    }

    /** The shape of input i, checked to have the given rank. */
    static int[] shapeOfRank(PrepareContext ctx, int i, int rank, String what) {
        int[] s = ctx.input(i).shape();
        if (s.length != rank) throw ctx.invalid(what + " must have rank " + rank + ", has shape " + java.util.Arrays.toString(s));
        for (int d : s) if (d < 0) throw ctx.invalid(what + " has an unknown dimension: " + java.util.Arrays.toString(s));
        return s;
    }

    /** Checks the optional bias is a vector of {@code channels} values. */
    static void checkBiasShape(PrepareContext ctx, int channels) {
        if (!ctx.hasInput(BIAS)) return;
        TensorInfo b = ctx.input(BIAS);
        if (b.size() != channels) {
            throw ctx.invalid("bias has shape " + java.util.Arrays.toString(b.shape()) + " but the filter has " + channels + " output channels");
        }
    }

    /** A float bias of {@code channels} values (zeros when absent), or null when it must be read at run time. */
    static float[] packFloatBias(PrepareContext ctx, int channels) {
        if (!ctx.hasInput(BIAS)) return new float[channels];
        if (!ctx.isConstant(BIAS)) return null;
        ctx.markPacked(BIAS);
        return ctx.constFloats(BIAS);
    }

    /** An int32 bias of {@code channels} values (zeros when absent), or null when it must be read at run time. */
    static int[] packIntBias(PrepareContext ctx, int channels) {
        if (!ctx.hasInput(BIAS)) return new int[channels];
        if (!ctx.isConstant(BIAS)) return null;
        ctx.markPacked(BIAS);
        return ctx.constInts(BIAS);
    }

    /** The constant filter, packed as floats (float16 expanded), or null when it must be read at run time. */
    static float[] packFloatFilter(PrepareContext ctx) {
        if (!ctx.isConstant(FILTER)) return null;
        ctx.markPacked(FILTER);
        return ctx.constFloats(FILTER);
    }

    /** The constant 8-bit filter as stored, or null when it must be read at run time. */
    static byte[] packByteFilter(PrepareContext ctx) {
        if (!ctx.isConstant(FILTER)) return null;
        ctx.markPacked(FILTER);
        return ctx.constBytes(FILTER);
    }

    /** Per-tensor quantization of input i (input or output), with a positive finite scale. */
    private static QuantParams perTensor(PrepareContext ctx, TensorInfo t, String what) {
        QuantParams q = t.quant();
        if (q.isNone()) throw ctx.invalid(what + " '" + t.name() + "' is " + t.type().lowerName() + " but has no quantization parameters");
        if (q.isPerAxis()) throw unsupported(ctx, what + " '" + t.name() + "' is quantized per axis; only per-tensor activations are supported");
        if (!(q.scale() > 0) || !Float.isFinite(q.scale())) throw ctx.invalid(what + " '" + t.name() + "' has an invalid scale " + q.scale());
        return q;
    }

    /**
     * Builds the output stage of a quantized conv-like op the way TFLite 2.6.2 prepares it. The real multiplier is
     * decomposed by {@link QuantMath#quantizeMultiplier}; how it is computed depends on the path, and the
     * difference shows (1 in about a million outputs of real models, checked against the library):
     * <ul>
     *   <li>int8 CONV_2D / DEPTHWISE_CONV_2D (PopulateConvolutionQuantizationParams, per channel c):
     *       {@code (double) inputScale * (double) filterScale[c] / (double) outputScale};
     *   <li>uint8 (all three ops) and FULLY_CONNECTED (GetQuantizedConvolutionMultipler): the scale product is
     *       taken in float first, {@code (double) (inputScale * filterScale) / (double) outputScale}.
     * </ul>
     * A per-tensor filter gives the same multiplier to every channel. The clamp range is the output type's range
     * narrowed by the fused activation.
     *
     * @param channelAxis the filter axis that indexes output channels (0 for conv/FC, 3 for depthwise)
     * @param allowPerChannel whether a per-channel filter is accepted (not for FULLY_CONNECTED, as in TFLite 2.6)
     * @param rounding how the fixed-point product is rounded: see {@link Rounding}
     */
    static OutputStage outputStage(PrepareContext ctx, Kind kind, int channels, int channelAxis, boolean allowPerChannel, Rounding rounding) {
        TensorInfo in = ctx.input(INPUT), w = ctx.input(FILTER), out = ctx.output(0);
        QuantParams qi = perTensor(ctx, in, "input");
        QuantParams qo = perTensor(ctx, out, "output");
        QuantParams qw = w.quant();
        if (qw.isNone()) throw ctx.invalid("filter '" + w.name() + "' is " + w.type().lowerName() + " but has no quantization parameters");
        if (qw.isPerAxis()) {
            if (kind == Kind.UINT8) throw unsupported(ctx, "per-channel quantization needs int8 filters, filter '" + w.name() + "' is uint8");
            if (!allowPerChannel) throw unsupported(ctx, "per-channel filter quantization (TFLite 2.6 supports only per-tensor here)");
            if (qw.axis() != channelAxis || qw.count() != channels) {
                throw ctx.invalid("filter '" + w.name() + "' is quantized along axis " + qw.axis() + " with " + qw.count()
                        + " scales; expected axis " + channelAxis + " with " + channels + " scales (one per output channel)");
            }
        }
        for (int c = 0; c < qw.count(); c++) {
            float s = qw.scale(c);
            if (!(s >= 0) || !Float.isFinite(s)) throw ctx.invalid("filter '" + w.name() + "' has an invalid scale " + s + " at channel " + c);
            if (kind == Kind.INT8 && qw.zeroPoint(c) != 0) {
                throw unsupported(ctx, "int8 filter '" + w.name() + "' has zero point " + qw.zeroPoint(c) + " (TFLite requires symmetric int8 filters)");
            }
        }
        int[] multiplier = new int[channels];
        int[] shift = new int[channels];
        boolean floatProduct = kind == Kind.UINT8 || ctx.node().opType().equals(Ops.FULLY_CONNECTED);
        for (int c = 0; c < channels; c++) {
            float filterScale = qw.scale(qw.isPerAxis() ? c : 0);
            double real = floatProduct
                    ? (double) (qi.scale() * filterScale) / (double) qo.scale()
                    : (double) qi.scale() * (double) filterScale / (double) qo.scale();
            int[] ms = QuantMath.quantizeMultiplier(real);
            multiplier[c] = ms[0];
            shift[c] = ms[1];
        }
        DataType t = out.type();
        int[] range = QuantMath.activationRange(activation(ctx), qo.scale(), qo.zeroPoint(), t.minValue(), t.maxValue());
        int filterZp = kind == Kind.UINT8 ? qw.zeroPoint() : 0;
        return new OutputStage(qi.zeroPoint(), filterZp, multiplier, shift, qo.zeroPoint(), range[0], range[1], rounding);
    }

    /**
     * How TFLite 2.6.2 (x86, builtin kernels) rounds the fixed-point rescaling of a conv-like op. Verified against
     * the library with accumulators that land exactly on .5 after the final shift:
     * <ul>
     *   <li>{@code DOUBLE}: the doubling high product rounded, then a rounding right shift with ties away from zero
     *       ({@link QuantMath#multiplyByQuantizedMultiplier}); the reference kernels, gemmlowp (all uint8 ops) and
     *       the int8 depthwise kernels;
     *   <li>{@code SINGLE}: one rounding with ties toward +infinity
     *       ({@link QuantMath#multiplyByQuantizedMultiplierSingleRounding}); ruy, which runs int8 CONV_2D and int8
     *       FULLY_CONNECTED. It differs from DOUBLE on about one output in a few hundred (negative ties, and values
     *       just under .5 that the first rounding pushes onto .5).
     * </ul>
     */
    enum Rounding { DOUBLE, SINGLE }

    /** The rounding TFLite 2.6.2 uses for this op and type (see {@link Rounding}). */
    static Rounding tfliteRounding(String opType, Kind kind) {
        boolean viaRuy = kind == Kind.INT8 && (opType.equals(Ops.CONV_2D) || opType.equals(Ops.FULLY_CONNECTED));
        return viaRuy ? Rounding.SINGLE : Rounding.DOUBLE;
    }

    /**
     * Everything a quantized conv-like kernel needs besides the data: the input and filter zero points that
     * are subtracted before multiplying, and per output channel the fixed-point multiplier and shift that
     * scale the int32 accumulator to the output, then the output zero point and the clamp range.
     */
    record OutputStage(int inputZeroPoint, int filterZeroPoint, int[] multiplier, int[] shift, int outputZeroPoint, int min, int max,
                       Rounding rounding) {
        /** The output value of channel c for accumulator {@code acc} (bias already added). */
        int apply(int acc, int c) {
            int scaled = rounding == Rounding.SINGLE
                    ? QuantMath.multiplyByQuantizedMultiplierSingleRounding(acc, multiplier[c], shift[c])
                    : QuantMath.multiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]);
            return QuantMath.clamp(scaled + outputZeroPoint, min, max);
        }
    }

    /** An 8-bit element as an int: uint8 read unsigned, int8 signed. */
    static int value(byte b, boolean unsigned) { return unsigned ? b & 0xFF : b; }
}
