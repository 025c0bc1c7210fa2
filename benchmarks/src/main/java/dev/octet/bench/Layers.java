package dev.octet.bench;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.loaders.Octet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Random;

/**
 * One-operator models with the shapes of real layers, for the kernel benchmarks. A layer is written
 * {@code "FAMILY MODEL HxWxCi>Co [kK] [sS]"}, e.g. {@code "conv1x1 mbv2 56x56x24>144"} or
 * {@code "dw ssd 150x150x64 k3 s2"}; FAMILY is conv1x1, convkxk, dw (depthwise), fc (HxW ignored: [1,Ci]),
 * requant (QUANTIZE int8 to int8 with another scale, TFLite's requantize), add (ADD of two tensors of the shape), or
 * the ONNX families qconv (ONNX_QLINEAR_CONV, pads k/2 on every side, int8 per-channel weights, activations of the
 * benchmark's type: uint8 gives the u8s8 QDQ models' layers) and qdw (its depthwise form, groups = Ci).
 * Weights and inputs are pseudo-random (seed 7); int8 layers have per-channel weights as TF2 PTQ writes them,
 * uint8 layers per-tensor weights as the TF1 QAT models.
 */
final class Layers {
    private Layers() {}

    record Spec(String family, String model, int h, int w, int ci, int co, int k, int stride) {}

    static Spec parse(String s) {
        String[] p = s.trim().split("\\s+");
        if (p.length < 3) throw new IllegalArgumentException("layer spec '" + s + "': FAMILY MODEL HxWxCi[>Co] [kK] [sS]");
        String[] io = p[2].split(">");
        String[] d = io[0].split("x");
        int h = Integer.parseInt(d[0]), w = Integer.parseInt(d[1]), ci = Integer.parseInt(d[2]);
        int co = io.length > 1 ? Integer.parseInt(io[1]) : ci;
        int k = p[0].equals("conv1x1") ? 1 : 3, stride = 1;
        for (int i = 3; i < p.length; i++) {
            if (p[i].startsWith("k")) k = Integer.parseInt(p[i].substring(1));
            else if (p[i].startsWith("s")) stride = Integer.parseInt(p[i].substring(1));
            else throw new IllegalArgumentException("layer spec '" + s + "': unknown part " + p[i]);
        }
        return new Spec(p[0].toLowerCase(Locale.ROOT), p[1], h, w, ci, co, k, stride);
    }

    /** The compiled one-op model of a layer. */
    static Model model(Spec s, DataType type, ModelOptions options) {
        Random r = new Random(7);
        Graph.Builder b = Graph.builder(Semantics.TFLITE, "bench");
        boolean int8 = type == DataType.INT8;
        int zp = int8 ? -3 : 128;
        QuantParams act = QuantParams.perTensor(0.05f, int8 ? -3 : 120);
        switch (s.family()) {
            case "conv1x1", "convkxk", "dw" -> {
                boolean dw = s.family().equals("dw");
                int co = dw ? s.ci() : s.co();
                int in = b.addTensor("in", type, new int[] {1, s.h(), s.w(), s.ci()}, QuantParams.perTensor(0.02f, zp), null, false);
                int[] fshape = dw ? new int[] {1, s.k(), s.k(), co} : new int[] {co, s.k(), s.k(), s.ci()};
                int fsize = fshape[0] * fshape[1] * fshape[2] * fshape[3];
                QuantParams wq = weightQuant(r, co, int8, dw ? 3 : 0);
                int f = b.addTensor("filter", type, fshape, wq, randomBytes(r, fsize, int8), false);
                int bias = b.addTensor("bias", DataType.INT32, new int[] {co}, biasQuant(wq, 0.02f, co), randomInts(r, co, 2000), false);
                int oh = (s.h() + s.stride() - 1) / s.stride(), ow = (s.w() + s.stride() - 1) / s.stride();
                int out = b.addTensor("out", type, new int[] {1, oh, ow, co}, act, null, false);
                Attributes.Builder a = Attributes.builder().put(Ops.ATTR_PADDING, "SAME").put(Ops.ATTR_STRIDE_H, s.stride()).put(Ops.ATTR_STRIDE_W, s.stride())
                        .put(Ops.ATTR_ACTIVATION, "RELU6");
                if (dw) a.put(Ops.ATTR_DEPTH_MULTIPLIER, 1);
                b.addNode(dw ? Ops.DEPTHWISE_CONV_2D : Ops.CONV_2D, s.family(), new int[] {in, f, bias}, new int[] {out}, a.build(), null);
                b.input(in).output(out);
            }
            case "fc" -> {
                int in = b.addTensor("in", type, new int[] {1, s.ci()}, QuantParams.perTensor(0.02f, zp), null, false);
                QuantParams wq = int8 ? QuantParams.perTensor(0.004f, 0) : QuantParams.perTensor(0.004f, 127);
                int f = b.addTensor("filter", type, new int[] {s.co(), s.ci()}, wq, randomBytes(r, s.co() * s.ci(), int8), false);
                int bias = b.addTensor("bias", DataType.INT32, new int[] {s.co()}, biasQuant(wq, 0.02f, s.co()), randomInts(r, s.co(), 2000), false);
                int out = b.addTensor("out", type, new int[] {1, s.co()}, act, null, false);
                b.addNode(Ops.FULLY_CONNECTED, "fc", new int[] {in, f, bias}, new int[] {out}, Attributes.builder().put(Ops.ATTR_ACTIVATION, "NONE").build(), null);
                b.input(in).output(out);
            }
            case "requant" -> {
                int[] shape = {1, s.h(), s.w(), s.ci()};
                int in = b.addTensor("in", type, shape, QuantParams.perTensor(0.02f, zp), null, false);
                int out = b.addTensor("out", type, shape, act, null, false);
                b.addNode(Ops.QUANTIZE, "requant", new int[] {in}, new int[] {out}, Attributes.EMPTY, null);
                b.input(in).output(out);
            }
            case "add" -> {
                int[] shape = {1, s.h(), s.w(), s.ci()};
                int x = b.addTensor("x", type, shape, QuantParams.perTensor(0.02f, zp), null, false);
                int y = b.addTensor("y", type, shape, QuantParams.perTensor(0.03f, int8 ? 5 : 130), null, false);
                int out = b.addTensor("out", type, shape, act, null, false);
                b.addNode(Ops.ADD, "add", new int[] {x, y}, new int[] {out}, Attributes.builder().put(Ops.ATTR_ACTIVATION, "NONE").build(), null);
                b.input(x).input(y).output(out);
            }
            case "qconv", "qdw" -> {
                Graph.Builder ob = Graph.builder(Semantics.ONNX, "bench");
                boolean dw = s.family().equals("qdw");
                int co = dw ? s.ci() : s.co(), cig = dw ? 1 : s.ci(), k = s.k(), p = k / 2;
                int[] wzp = new int[co];
                float[] os = new float[co];
                for (int c = 0; c < co; c++) os[c] = 0.0005f + 0.001f * r.nextFloat();
                int x = ob.addTensor("in", type, new int[] {1, s.h(), s.w(), s.ci()}, null, null, false);
                int f = ob.addTensor("filter", DataType.INT8, new int[] {co, k, k, cig}, null, randomBytes(r, co * k * k * cig, true), false);
                int bias = ob.addTensor("bias", DataType.INT32, new int[] {co}, null, randomInts(r, co, 2000), false);
                int y = ob.addTensor("out", type, new int[0], null, null, false);
                Attributes a = Attributes.builder().put(Ops.ATTR_PADS, new int[] {p, p, p, p}).put(Ops.ATTR_STRIDE_H, s.stride()).put(Ops.ATTR_STRIDE_W, s.stride())
                        .put("x_zero_point", int8 ? -3 : 120).put("y_zero_point", int8 ? 5 : 130).put("w_zero_points", wzp).put("output_scales", os).build();
                ob.addNode("ONNX_QLINEAR_CONV", s.family(), new int[] {x, f, bias}, new int[] {y}, a, null);
                ob.input(x).output(y);
                return Octet.compile(ob.build(), options);
            }
            case "softmax", "logistic" -> { // float32 whatever the type parameter: softmax over the last axis
                int[] shape = {1, s.h(), s.w(), s.ci()};
                int x = b.addTensor("x", DataType.FLOAT32, shape, null, null, false);
                int out = b.addTensor("out", DataType.FLOAT32, shape, null, null, false);
                boolean sm = s.family().equals("softmax");
                b.addNode(sm ? Ops.SOFTMAX : Ops.LOGISTIC, s.family(), new int[] {x}, new int[] {out},
                        sm ? Attributes.builder().put(Ops.ATTR_BETA, 1f).build() : Attributes.EMPTY, null);
                b.input(x).output(out);
            }
            default -> throw new IllegalArgumentException("unknown layer family '" + s.family() + "' (conv1x1, convkxk, dw, fc, requant, add, qconv, qdw, softmax, logistic)");
        }
        return Octet.compile(b.build(), options);
    }

    /** MACs of one run of the layer (0 for requant and add). */
    static long macs(Spec s) {
        int oh = (s.h() + s.stride() - 1) / s.stride(), ow = (s.w() + s.stride() - 1) / s.stride();
        return switch (s.family()) {
            case "conv1x1", "convkxk", "qconv" -> (long) oh * ow * s.co() * s.k() * s.k() * s.ci();
            case "dw", "qdw" -> (long) oh * ow * s.ci() * s.k() * s.k();
            case "fc" -> (long) s.ci() * s.co();
            default -> 0;
        };
    }

    private static QuantParams weightQuant(Random r, int channels, boolean int8, int axis) {
        if (!int8) return QuantParams.perTensor(0.004f, 127);
        float[] sc = new float[channels];
        int[] z = new int[channels];
        for (int i = 0; i < channels; i++) sc[i] = 0.001f + 0.01f * r.nextFloat();
        return QuantParams.perAxis(sc, z, axis);
    }

    private static QuantParams biasQuant(QuantParams wq, float inScale, int channels) {
        if (!wq.isPerAxis()) return QuantParams.perTensor(wq.scale() * inScale, 0);
        float[] sc = new float[channels];
        for (int i = 0; i < channels; i++) sc[i] = wq.scale(i) * inScale;
        return QuantParams.perAxis(sc, new int[channels], 0);
    }

    private static ByteBuffer randomBytes(Random r, int n, boolean int8) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        if (int8) for (int i = 0; i < n; i++) if (b[i] == -128) b[i] = -127; // TFLite int8 weights are symmetric
        return ByteBuffer.wrap(b);
    }

    private static ByteBuffer randomInts(Random r, int n, int range) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putInt(r.nextInt(2 * range + 1) - range);
        return b.rewind();
    }
}
