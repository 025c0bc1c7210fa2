package dev.octet.testdata.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.OctetException;
import dev.octet.core.QuantParams;
import dev.octet.core.Tensor;
import dev.octet.loaders.Octet;
import dev.octet.loaders.tflite.TfliteWriter;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Load and run of a small, well-formed TFLite model whose contents come from the fuzzer: one operator
 * (conv, depthwise, fully connected, elementwise, pooling, mean, reshape, concat, pad, softmax,
 * activations, (de)quantize, transpose, slice, gather, strided slice, batch matmul; float inputs with int8
 * weights give the dynamic-range kernels), with fuzzed element types, shapes (including 0 and 1 dimensions), quantization
 * scales and zero points (including 0, negative, NaN and huge scales), options, and constant bytes
 * (weights, biases, shapes, paddings, axes). The file is always structurally valid, so the fuzzer spends its
 * time in shape inference, kernel validation and the kernels. Besides "only OctetException escapes", the
 * SIMD and reference kernels must agree bit for bit on every model that both accept.
 */
class TinyModelFuzzTest {
    static final String[] OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SUB", "MUL", "AVERAGE_POOL_2D", "MAX_POOL_2D",
            "MEAN", "RESHAPE", "SQUEEZE", "CONCATENATION", "PAD", "PADV2", "SOFTMAX", "LOGISTIC", "TANH", "HARD_SWISH", "RELU", "RELU6",
            "QUANTIZE", "DEQUANTIZE", "DIV", "LEAKY_RELU", "TRANSPOSE", "SLICE", "GATHER", "STRIDED_SLICE", "BATCH_MATMUL"};
    static final DataType[] ACT_TYPES = {DataType.UINT8, DataType.INT8, DataType.FLOAT32, DataType.INT16, DataType.INT32};
    static final DataType[] CONST_TYPES = {DataType.INT8, DataType.UINT8, DataType.INT32, DataType.FLOAT32, DataType.INT64, DataType.INT16};
    static final String[] ACT = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"};

    @FuzzTest(maxDuration = "10m")
    void tinyModel(FuzzedDataProvider d) {
        byte[] model;
        try {
            model = build(d);
        } catch (IllegalArgumentException e) {
            return; // the writer (a test fixture) refused the combination: not a model
        }
        Graph g;
        try {
            g = Octet.readGraph(ByteBuffer.wrap(model), FuzzSupport.OPTIONS);
        } catch (OctetException e) {
            FuzzSupport.rejected(e);
            return;
        }
        long seed = d.consumeLong();
        Tensor[] simd = FuzzSupport.compileRun(g, FuzzSupport.OPTIONS, seed);
        Tensor[] ref = FuzzSupport.compileRun(g, FuzzSupport.OPTIONS.withKernels(KernelMode.REFERENCE), seed);
        if (simd != null && ref != null) {
            for (int i = 0; i < simd.length; i++) {
                if (!FuzzSupport.sameBits(simd[i], ref[i])) {
                    throw new AssertionError("SIMD and reference kernels differ on output " + i + " of " + g.nodes() + " with tensors " + g.tensors()
                            + ": " + FuzzSupport.firstDifference(simd[i], ref[i]));
                }
            }
        }
    }

    static int[] shape(FuzzedDataProvider d, int maxRank, int maxDim) {
        int rank = d.consumeInt(0, maxRank);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = d.consumeInt(0, maxDim);
        return s;
    }

    static QuantParams quant(FuzzedDataProvider d, DataType t, int channels) {
        int k = d.consumeInt(0, 7);
        if (k == 0 || (t == DataType.FLOAT32 && k < 6)) return null;
        if (k == 7 && channels > 0) {
            float[] s = new float[channels];
            int[] z = new int[channels];
            for (int i = 0; i < channels; i++) s[i] = scale(d);
            return QuantParams.perAxis(s, z, 0);
        }
        return QuantParams.perTensor(scale(d), d.consumeInt(-300, 300));
    }

    static float scale(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> d.consumeFloat(); // anything, NaN and infinities included
            case 1 -> d.consumeRegularFloat(1e-9f, 10f);
            default -> (float) Math.scalb(1.0, d.consumeInt(-12, 2)) * (1 + d.consumeInt(0, 255) / 256f);
        };
    }

    static byte[] constBytes(FuzzedDataProvider d, DataType t, int[] shape) {
        long n = 1;
        for (int s : shape) n *= Math.max(0, s);
        int want = (int) Math.min(1 << 16, n * t.byteSize());
        byte[] b = d.consumeBytes(want);
        return b.length == want ? b : java.util.Arrays.copyOf(b, d.consumeBoolean() ? want : b.length); // short buffers now and then
    }

    static byte[] build(FuzzedDataProvider d) {
        TfliteWriter w = new TfliteWriter();
        String op = d.pickValue(OPS);
        DataType t = d.pickValue(ACT_TYPES);
        int[] xs = shape(d, 5, 9);
        int x = w.addTensor("x", t, xs, quant(d, t, 0), null);
        int[] ins;
        Map<String, Object> opts = new HashMap<>();
        int nConst = switch (op) {
            case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED" -> 2;
            case "MEAN", "RESHAPE", "PAD", "TRANSPOSE", "GATHER", "BATCH_MATMUL" -> 1;
            case "PADV2", "SLICE" -> 2;
            case "STRIDED_SLICE" -> 3;
            default -> 0;
        };
        boolean twoActs = switch (op) {
            case "ADD", "SUB", "MUL", "DIV", "CONCATENATION" -> true;
            default -> false;
        };
        int[] acts = twoActs ? new int[] {x, w.addTensor("y", t, shape(d, 5, 9), quant(d, t, 0), null)} : new int[] {x};
        ins = new int[acts.length + nConst];
        System.arraycopy(acts, 0, ins, 0, acts.length);
        for (int c = 0; c < nConst; c++) {
            DataType ct = c == 0 && (op.endsWith("CONV_2D") || op.equals("FULLY_CONNECTED")) && d.consumeBoolean() ? t
                    : c == 1 && (op.endsWith("CONV_2D") || op.equals("FULLY_CONNECTED")) && d.consumeBoolean() ? DataType.INT32 : d.pickValue(CONST_TYPES);
            int[] cs = shape(d, 4, 12);
            int channels = cs.length > 0 ? cs[0] : 0;
            ins[acts.length + c] = d.consumeInt(0, 15) == 0 ? -1 : w.addTensor("c" + c, ct, cs, quant(d, ct, channels), constBytes(d, ct, cs));
        }
        switch (op) {
            case "CONV_2D", "DEPTHWISE_CONV_2D" -> {
                opts.put("padding", d.consumeBoolean() ? "SAME" : "VALID");
                opts.put("stride_w", d.consumeInt(-1, 4));
                opts.put("stride_h", d.consumeInt(-1, 4));
                opts.put("dilation_w_factor", d.consumeInt(-1, 3));
                opts.put("dilation_h_factor", d.consumeInt(-1, 3));
                opts.put("fused_activation_function", d.pickValue(ACT));
                if (op.startsWith("DEPTH")) opts.put("depth_multiplier", d.consumeInt(-1, 4));
            }
            case "FULLY_CONNECTED" -> {
                opts.put("fused_activation_function", d.pickValue(ACT));
                opts.put("keep_num_dims", d.consumeBoolean());
                opts.put("asymmetric_quantize_inputs", d.consumeBoolean());
            }
            case "BATCH_MATMUL" -> {
                opts.put("adj_x", d.consumeBoolean());
                opts.put("adj_y", d.consumeBoolean());
                opts.put("asymmetric_quantize_inputs", d.consumeBoolean());
            }
            case "GATHER" -> {
                opts.put("axis", d.consumeInt(-6, 6));
                opts.put("batch_dims", d.consumeInt(-2, 2));
            }
            case "STRIDED_SLICE" -> {
                opts.put("begin_mask", d.consumeInt(0, 63));
                opts.put("end_mask", d.consumeInt(0, 63));
                opts.put("ellipsis_mask", d.consumeInt(0, 7) == 0 ? d.consumeInt(0, 63) : 0);
                opts.put("new_axis_mask", d.consumeInt(0, 7) == 0 ? d.consumeInt(0, 63) : 0);
                opts.put("shrink_axis_mask", d.consumeInt(0, 63));
            }
            case "LEAKY_RELU" -> opts.put("alpha", d.consumeBoolean() ? 0.2f : d.consumeFloat());
            case "ADD", "SUB", "MUL", "DIV" -> opts.put("fused_activation_function", d.pickValue(ACT));
            case "AVERAGE_POOL_2D", "MAX_POOL_2D" -> {
                opts.put("padding", d.consumeBoolean() ? "SAME" : "VALID");
                opts.put("stride_w", d.consumeInt(-1, 4));
                opts.put("stride_h", d.consumeInt(-1, 4));
                opts.put("filter_width", d.consumeInt(-1, 10));
                opts.put("filter_height", d.consumeInt(-1, 10));
                opts.put("fused_activation_function", d.pickValue(ACT));
            }
            case "MEAN" -> opts.put("keep_dims", d.consumeBoolean());
            case "RESHAPE" -> { if (d.consumeBoolean()) opts.put("new_shape", shape(d, 5, 9)); }
            case "SQUEEZE" -> opts.put("squeeze_dims", new int[] {d.consumeInt(-6, 6)});
            case "CONCATENATION" -> {
                opts.put("axis", d.consumeInt(-6, 6));
                opts.put("fused_activation_function", d.pickValue(ACT));
            }
            case "SOFTMAX" -> opts.put("beta", d.consumeBoolean() ? 1f : d.consumeFloat());
            default -> { }
        }
        DataType ot = switch (op) {
            case "QUANTIZE" -> d.pickValue(new DataType[] {DataType.UINT8, DataType.INT8, DataType.INT16});
            case "DEQUANTIZE" -> d.consumeBoolean() ? DataType.FLOAT32 : d.pickValue(ACT_TYPES);
            default -> d.consumeInt(0, 7) == 0 ? d.pickValue(ACT_TYPES) : t;
        };
        int[] os = d.consumeBoolean() ? new int[0] : shape(d, 5, 12);
        int o = w.addTensor("out", ot, os, quant(d, ot, 0), null);
        w.addOp(op, ins, new int[] {o}, opts);
        w.inputs(acts).outputs(o);
        return w.build();
    }
}
