package dev.octet.testdata;

import dev.octet.core.DataType;
import dev.octet.core.QuantParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One-op dynamic-range ("hybrid") TFLite models and their float twins: float32 input and output, int8 constant
 * weights quantized symmetrically the way the TFLite converter does for dynamic-range quantization (per output
 * channel or per tensor: {@code scale = max|w| / 127}, {@code q = round(w / scale)}), float32 bias. The twin is the
 * same op with the dequantized weights {@code q * scale} as float32, so the two differ only by the on-the-fly input
 * quantization.
 */
final class HybridModels {
    private HybridModels() {}

    /** How the int8 weights are described: one scale, one per channel, or per axis with all scales equal. */
    enum WeightMode { PER_TENSOR, PER_CHANNEL, PER_AXIS_EQUAL }

    private static Weights weights(float[] w, int[] shape, int axis, WeightMode mode) {
        Weights q = quantizeWeights(w, shape, axis, mode == WeightMode.PER_CHANNEL);
        return mode == WeightMode.PER_AXIS_EQUAL ? q.equalScalesPerAxis() : q;
    }

    /** Weights quantized for a dynamic-range model: int8 values, one scale per channel (or one), and the dequantized floats. */
    record Weights(byte[] q, float[] scales, float[] dequantized, int axis, boolean perChannel, int channels) {
        QuantParams quant() {
            return perChannel ? QuantParams.perAxis(scales, new int[scales.length], axis) : QuantParams.perTensor(scales[0], 0);
        }

        /** The same weights described per axis with the one per-tensor scale repeated for every channel. */
        Weights equalScalesPerAxis() {
            float[] s = new float[channels];
            java.util.Arrays.fill(s, scales[0]);
            return new Weights(q, s, dequantized, axis, true, channels);
        }
    }

    /**
     * Quantizes float weights symmetrically to int8 as the TFLite converter does for dynamic-range models: per channel
     * along {@code axis} (the output-channel axis) or per tensor.
     */
    static Weights quantizeWeights(float[] w, int[] shape, int axis, boolean perChannel) {
        int channels = perChannel ? shape[axis] : 1;
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        float[] maxAbs = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = perChannel ? (i / inner) % shape[axis] : 0;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) scales[c] = maxAbs[c] == 0 ? 1f : maxAbs[c] / 127f;
        byte[] q = new byte[w.length];
        float[] dq = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = perChannel ? (i / inner) % shape[axis] : 0;
            int v = (int) Math.max(-127, Math.min(127, Math.round(w[i] / scales[c])));
            q[i] = (byte) v;
            dq[i] = v * scales[c];
        }
        return new Weights(q, scales, dq, axis, perChannel, shape[axis]);
    }

    static float[] gaussian(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    private static int filter(ModelWriter tw, Weights q, int[] shape, boolean hybrid) {
        return hybrid ? tw.addTensor("filter", DataType.INT8, shape, q.quant(), q.q())
                : tw.addTensor("filter", DataType.FLOAT32, shape, null, floatBytes(q.dequantized()));
    }

    /** FULLY_CONNECTED: input [batch, k] (or [2, batch/2, k] with keepNumDims), filter [co, k]. */
    static byte[] fc(boolean hybrid, int batch, int k, int co, WeightMode mode, boolean asymmetric, String act, boolean withBias,
                     boolean keepNumDims, long seed) {
        Random r = new Random(seed);
        ModelWriter tw = ModelWriter.project();
        int[] fshape = {co, k};
        Weights wq = weights(gaussian(r, co * k, 0.4f), fshape, 0, mode);
        int[] inShape = keepNumDims ? new int[] {2, batch / 2, k} : new int[] {batch, k};
        int[] outShape = keepNumDims ? new int[] {2, batch / 2, co} : new int[] {batch, co};
        int in = tw.addTensor("in", DataType.FLOAT32, inShape, null, null);
        int filt = filter(tw, wq, fshape, hybrid);
        int bias = withBias ? tw.addTensor("bias", DataType.FLOAT32, new int[] {co}, null, floatBytes(gaussian(r, co, 1f))) : -1;
        int out = tw.addTensor("out", DataType.FLOAT32, outShape, null, null);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fused_activation_function", act);
        if (keepNumDims) o.put("keep_num_dims", true);
        if (asymmetric) o.put("asymmetric_quantize_inputs", true);
        tw.addOp("FULLY_CONNECTED", new int[] {in, filt, bias}, new int[] {out}, o);
        return tw.inputs(in).outputs(out).build();
    }

    /** CONV_2D: input [n, h, w, ci], filter [co, kh, kw, ci]; perChannel gives distinct per-channel scales. */
    static byte[] conv(boolean hybrid, int n, int h, int w, int ci, int co, int kh, int kw, int s, int d, String pad, String act, WeightMode mode,
                       long seed) {
        Random r = new Random(seed);
        ModelWriter tw = ModelWriter.project();
        int[] fshape = {co, kh, kw, ci};
        float[] wf = gaussian(r, co * kh * kw * ci, 0.3f);
        for (int c = 0; c < co; c++) { // channels of different magnitudes, as in trained models
            float m = 0.2f + 2f * r.nextFloat();
            for (int i = 0; i < kh * kw * ci; i++) wf[c * kh * kw * ci + i] *= m;
        }
        Weights wq = weights(wf, fshape, 0, mode);
        int oh = SingleOpCases.outSize(h, kh, s, d, pad), ow = SingleOpCases.outSize(w, kw, s, d, pad);
        int in = tw.addTensor("in", DataType.FLOAT32, new int[] {n, h, w, ci}, null, null);
        int filt = filter(tw, wq, fshape, hybrid);
        int bias = tw.addTensor("bias", DataType.FLOAT32, new int[] {co}, null, floatBytes(gaussian(r, co, 1f)));
        int out = tw.addTensor("out", DataType.FLOAT32, new int[] {n, oh, ow, co}, null, null);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("padding", pad);
        o.put("stride_w", s);
        o.put("stride_h", s);
        o.put("dilation_w_factor", d);
        o.put("dilation_h_factor", d);
        o.put("fused_activation_function", act);
        tw.addOp("CONV_2D", new int[] {in, filt, bias}, new int[] {out}, o);
        return tw.inputs(in).outputs(out).build();
    }

    /** DEPTHWISE_CONV_2D: input [n, h, w, ci], filter [1, kh, kw, ci * mult]. */
    static byte[] depthwise(boolean hybrid, int n, int h, int w, int ci, int mult, int kh, int kw, int s, int d, String pad, String act,
                            WeightMode mode, long seed) {
        Random r = new Random(seed);
        ModelWriter tw = ModelWriter.project();
        int co = ci * mult;
        int[] fshape = {1, kh, kw, co};
        float[] wf = gaussian(r, kh * kw * co, 0.5f);
        Weights wq = weights(wf, fshape, 3, mode);
        int oh = SingleOpCases.outSize(h, kh, s, d, pad), ow = SingleOpCases.outSize(w, kw, s, d, pad);
        int in = tw.addTensor("in", DataType.FLOAT32, new int[] {n, h, w, ci}, null, null);
        int filt = filter(tw, wq, fshape, hybrid);
        int bias = tw.addTensor("bias", DataType.FLOAT32, new int[] {co}, null, floatBytes(gaussian(r, co, 1f)));
        int out = tw.addTensor("out", DataType.FLOAT32, new int[] {n, oh, ow, co}, null, null);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("padding", pad);
        o.put("stride_w", s);
        o.put("stride_h", s);
        o.put("depth_multiplier", mult);
        o.put("fused_activation_function", act);
        o.put("dilation_w_factor", d);
        o.put("dilation_h_factor", d);
        tw.addOp("DEPTHWISE_CONV_2D", new int[] {in, filt, bias}, new int[] {out}, o);
        return tw.inputs(in).outputs(out).build();
    }

    /**
     * BATCH_MATMUL lhs {@code ls} x rhs {@code rs} (shapes as stored, i.e. already swapped when adj_x / adj_y). Kind:
     * "hybrid" (float lhs, constant int8 rhs per-tensor), "twin" (the same with the dequantized float rhs), "float"
     * (both float inputs), "int8" (both int8 inputs, int8 output).
     */
    static byte[] bmm(String kind, int[] ls, int[] rs, int[] os, boolean adjX, boolean adjY, boolean asymmetric, long seed) {
        Random r = new Random(seed);
        ModelWriter tw = ModelWriter.project();
        int rhsSize = 1;
        for (int d : rs) rhsSize *= d;
        int lhs, rhs, out;
        switch (kind) {
            case "hybrid", "twin" -> {
                Weights wq = quantizeWeights(gaussian(r, rhsSize, 0.5f), rs, 0, false);
                lhs = tw.addTensor("lhs", DataType.FLOAT32, ls, null, null);
                rhs = kind.equals("hybrid") ? tw.addTensor("rhs", DataType.INT8, rs, wq.quant(), wq.q())
                        : tw.addTensor("rhs", DataType.FLOAT32, rs, null, floatBytes(wq.dequantized()));
                out = tw.addTensor("out", DataType.FLOAT32, os, null, null);
            }
            case "float" -> {
                lhs = tw.addTensor("lhs", DataType.FLOAT32, ls, null, null);
                rhs = tw.addTensor("rhs", DataType.FLOAT32, rs, null, null);
                out = tw.addTensor("out", DataType.FLOAT32, os, null, null);
            }
            default -> {
                int k = adjX ? ls[ls.length - 2] : ls[ls.length - 1];
                lhs = tw.addTensor("lhs", DataType.INT8, ls, QuantParams.perTensor(0.05f, -3), null);
                rhs = tw.addTensor("rhs", DataType.INT8, rs, QuantParams.perTensor(0.04f, 5), null);
                out = tw.addTensor("out", DataType.INT8, os, QuantParams.perTensor((float) (0.05 * 0.04 * Math.sqrt(k) * 30), 2), null);
            }
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("adj_x", adjX);
        o.put("adj_y", adjY);
        if (asymmetric) o.put("asymmetric_quantize_inputs", true);
        tw.addOp("BATCH_MATMUL", new int[] {lhs, rhs}, new int[] {out}, o);
        boolean twoInputs = kind.equals("float") || kind.equals("int8");
        return (twoInputs ? tw.inputs(lhs, rhs) : tw.inputs(lhs)).outputs(out).build();
    }

    /**
     * The dynamic-range variant of a float TFLite graph, as the TFLite converter makes it: the constant float
     * weights of CONV_2D and DEPTHWISE_CONV_2D become int8 symmetric per output channel, those of FULLY_CONNECTED
     * int8 per tensor (what TFLite 2.6 runs); biases and every other tensor stay float. A float16 weight dequantized
     * by a DEQUANTIZE node is quantized from its float16 values and the op reads the new int8 constant directly
     * (the DEQUANTIZE node stays, unread). Weights with fewer than {@code minElements} values stay float, like the
     * converter's {@code weights_min_num_elements}. Returns the model bytes and how many weights were quantized.
     */
    record DynamicRange(byte[] model, int quantized) {}

    static DynamicRange dynamicRange(dev.octet.core.Graph g, int minElements) {
        java.util.Map<Integer, dev.octet.core.Node> producer = new java.util.HashMap<>();
        for (dev.octet.core.Node n : g.nodes()) for (int o : n.outputs()) producer.put(o, n);
        dev.octet.core.Graph.Builder b = dev.octet.core.Graph.builder(g.semantics(), g.format());
        for (dev.octet.core.TensorInfo t : g.tensors()) {
            b.addTensor(t.name(), t.type(), t.shape(), t.quant(), t.isConstant() ? t.data() : null, t.isVariable());
        }
        int count = 0;
        for (dev.octet.core.Node n : g.nodes()) {
            int[] in = n.inputs();
            int axis = switch (n.opType()) {
                case "CONV_2D" -> 0;
                case "DEPTHWISE_CONV_2D" -> 3;
                case "FULLY_CONNECTED" -> -1; // per tensor
                default -> -2;
            };
            if (axis != -2 && in.length > 1 && in[1] >= 0) {
                float[] w = constantFloats(g, producer, in[1]);
                dev.octet.core.TensorInfo f = g.tensor(in[1]);
                if (w != null && w.length >= minElements) {
                    Weights q = quantizeWeights(w, f.shape(), Math.max(axis, 0), axis >= 0);
                    in[1] = b.addTensor(f.name() + "_int8", DataType.INT8, f.shape(), q.quant(), ByteBuffer.wrap(q.q()), false);
                    count++;
                }
            }
            b.addNode(n.opType(), n.name(), in, n.outputs(), n.attrs(), n.origin());
        }
        for (int i : g.inputs()) b.input(i);
        for (int o : g.outputs()) b.output(o);
        return new DynamicRange(dev.octet.loaders.tflite.TfliteWriter.fromGraph(b.build()), count);
    }

    /** The values of a constant float32 tensor, or of a float16 constant behind a DEQUANTIZE node; else null. */
    private static float[] constantFloats(dev.octet.core.Graph g, java.util.Map<Integer, dev.octet.core.Node> producer, int id) {
        dev.octet.core.TensorInfo t = g.tensor(id);
        if (t.isConstant() && t.type() == DataType.FLOAT32) {
            ByteBuffer d = t.data().order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[t.size()];
            for (int i = 0; i < v.length; i++) v[i] = d.getFloat(d.position() + 4 * i);
            return v;
        }
        dev.octet.core.Node p = producer.get(id);
        if (p != null && p.opType().equals("DEQUANTIZE") && p.inputs().length == 1) {
            dev.octet.core.TensorInfo h = g.tensor(p.inputs()[0]);
            if (h.isConstant() && h.type() == DataType.FLOAT16) {
                ByteBuffer d = h.data().order(ByteOrder.LITTLE_ENDIAN);
                float[] v = new float[h.size()];
                for (int i = 0; i < v.length; i++) v[i] = Float.float16ToFloat(d.getShort(d.position() + 2 * i));
                return v;
            }
        }
        return null;
    }
}
