package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.octet.core.DataType;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.QuantParams;
import dev.octet.core.Shapes;
import dev.octet.core.Tensor;
import dev.octet.loaders.Octet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The float sweep: every TFLite operator Octet supports, in float32 and in "FP16-weight" form (its constant operands
 * stored as float16 behind DEQUANTIZE, as TFLite's float16 quantization writes them; ops without constant operands get
 * a float16 constant added to their input first), with random shapes and parameters, run by TFLite 2.6.2 and by
 * Octet (SIMD and reference kernels) on random inputs: float outputs within 1e-5 absolute + 1e-4 relative (NumPy's
 * isclose, {@link TensorDiff}), integer outputs identical. Plus whole small float and FP16 networks (conv, depthwise,
 * pools, add, concatenation, reshape, fully connected, softmax). Each FP16 model must have its DEQUANTIZE nodes folded
 * at load. Needs the oracle (x86-64 Linux).
 */
class FloatOpSweepTest {
    /** A case: builds its model given the FP16-weight flag and a seeded random source. */
    record Case(String name, BiFunction<Boolean, Random, byte[]> build) {}

    static final String[] ACTS = {"NONE", "RELU", "RELU6", "RELU_N1_TO_1"};
    static final int VARIANTS = 6;
    private static final Map<String, double[]> MAX = new LinkedHashMap<>(); // op -> {max abs, max rel (where |e| > 1e-3)}

    // ---------------------------------------------------------------- constants

    static byte[] f32(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] f16(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putShort(Float.floatToFloat16(x));
        return b.array();
    }

    static float[] gauss(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    /** A float constant: float32 as is, or float16 followed by DEQUANTIZE; returns the float32 tensor. */
    static int constant(ModelWriter w, String name, int[] shape, float[] v, boolean fp16) {
        if (!fp16) return w.addTensor(name, DataType.FLOAT32, shape, null, f32(v));
        int h = w.addTensor(name + "_fp16", DataType.FLOAT16, shape, null, f16(v));
        int d = w.addTensor(name, DataType.FLOAT32, shape, null, null);
        w.addOp("DEQUANTIZE", new int[] {h}, new int[] {d}, Map.of());
        return d;
    }

    static int ints(ModelWriter w, String name, int[] v) {
        return w.addTensor(name, DataType.INT32, new int[] {v.length}, null, SingleOpCases.intBytes(v));
    }

    /** The graph input, and in FP16 form the input plus a float16 constant (so every op sees float16-derived data). */
    static int[] input(ModelWriter w, int[] shape, boolean fp16, Random r) {
        int x = w.addTensor("x", DataType.FLOAT32, shape, null, null);
        if (!fp16) return new int[] {x, x};
        int c = constant(w, "bias16", shape, gauss(r, Shapes.size(shape), 0.5), true);
        int y = w.addTensor("x_plus", DataType.FLOAT32, shape, null, null);
        w.addOp("ADD", new int[] {x, c}, new int[] {y}, Map.of("fused_activation_function", "NONE"));
        return new int[] {x, y};
    }

    static int[] shape4(Random r, int maxHw, int maxC) { return new int[] {1, 1 + r.nextInt(maxHw), 1 + r.nextInt(maxHw), 1 + r.nextInt(maxC)}; }

    static Map<String, Object> opts(Object... kv) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) o.put((String) kv[i], kv[i + 1]);
        return o;
    }

    // ---------------------------------------------------------------- cases

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        l.add(new Case("CONV_2D", FloatOpSweepTest::conv));
        l.add(new Case("DEPTHWISE_CONV_2D", FloatOpSweepTest::depthwise));
        l.add(new Case("FULLY_CONNECTED", FloatOpSweepTest::fc));
        for (String op : new String[] {"ADD", "SUB", "MUL", "DIV"}) l.add(new Case(op, (f, r) -> binary(op, f, r)));
        for (String op : new String[] {"AVERAGE_POOL_2D", "MAX_POOL_2D"}) l.add(new Case(op, (f, r) -> pool(op, f, r)));
        l.add(new Case("MEAN", FloatOpSweepTest::mean));
        l.add(new Case("RESHAPE", FloatOpSweepTest::reshape));
        l.add(new Case("SQUEEZE", FloatOpSweepTest::squeeze));
        l.add(new Case("CONCATENATION", FloatOpSweepTest::concat));
        l.add(new Case("PAD", (f, r) -> pad(false, f, r)));
        l.add(new Case("PADV2", (f, r) -> pad(true, f, r)));
        l.add(new Case("PACK", FloatOpSweepTest::pack));
        l.add(new Case("TRANSPOSE", FloatOpSweepTest::transpose));
        l.add(new Case("SLICE", FloatOpSweepTest::slice));
        for (String op : new String[] {"RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"}) l.add(new Case(op, (f, r) -> resize(op, f, r)));
        for (String op : new String[] {"SOFTMAX", "LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "RELU", "RELU6", "RELU_N1_TO_1"}) {
            l.add(new Case(op, (f, r) -> unary(op, f, r)));
        }
        l.add(new Case("QUANTIZE", FloatOpSweepTest::quantize));
        l.add(new Case("DEQUANTIZE", FloatOpSweepTest::dequantize));
        return l;
    }

    static byte[] conv(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int k = 1 + r.nextInt(3) * 2 - (r.nextInt(4) == 0 ? 1 : 0); // 1, 3, 5 and sometimes even sizes
        k = Math.max(1, k);
        int kw = r.nextBoolean() ? k : Math.max(1, k - 1);
        int s = 1 + r.nextInt(2), d = r.nextInt(4) == 0 ? 2 : 1;
        String pad = r.nextBoolean() ? "SAME" : "VALID";
        int h = (k - 1) * d + 1 + r.nextInt(9), wd = (kw - 1) * d + 1 + r.nextInt(9), ci = 1 + r.nextInt(12), co = 1 + r.nextInt(20);
        int n = r.nextInt(4) == 0 ? 2 : 1;
        int[] in = {n, h, wd, ci};
        int[] x = input(w, in, fp16, r);
        int f = constant(w, "filter", new int[] {co, k, kw, ci}, gauss(r, co * k * kw * ci, 0.5), fp16);
        int b = constant(w, "bias", new int[] {co}, gauss(r, co, 1), fp16); // TFLite 2.6.2's CONV_2D requires a bias
        int oh = SingleOpCases.outSize(h, k, s, d, pad), ow = SingleOpCases.outSize(wd, kw, s, d, pad);
        int y = w.addTensor("out", DataType.FLOAT32, new int[] {n, oh, ow, co}, null, null);
        w.addOp("CONV_2D", new int[] {x[1], f, b}, new int[] {y}, opts("padding", pad, "stride_w", s, "stride_h", s, "dilation_w_factor", d,
                "dilation_h_factor", d, "fused_activation_function", ACTS[r.nextInt(4)]));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] depthwise(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int k = new int[] {1, 3, 3, 5}[r.nextInt(4)];
        int s = 1 + r.nextInt(2), d = r.nextInt(4) == 0 ? 2 : 1, mult = r.nextInt(3) == 0 ? 2 : 1;
        String pad = r.nextBoolean() ? "SAME" : "VALID";
        int h = (k - 1) * d + 1 + r.nextInt(10), wd = (k - 1) * d + 1 + r.nextInt(10), ci = 1 + r.nextInt(40), co = ci * mult;
        int[] x = input(w, new int[] {1, h, wd, ci}, fp16, r);
        int f = constant(w, "filter", new int[] {1, k, k, co}, gauss(r, k * k * co, 0.5), fp16);
        int b = constant(w, "bias", new int[] {co}, gauss(r, co, 1), fp16);
        int oh = SingleOpCases.outSize(h, k, s, d, pad), ow = SingleOpCases.outSize(wd, k, s, d, pad);
        int y = w.addTensor("out", DataType.FLOAT32, new int[] {1, oh, ow, co}, null, null);
        w.addOp("DEPTHWISE_CONV_2D", new int[] {x[1], f, b}, new int[] {y}, opts("padding", pad, "stride_w", s, "stride_h", s, "depth_multiplier", mult,
                "fused_activation_function", ACTS[r.nextInt(4)], "dilation_w_factor", d, "dilation_h_factor", d));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] fc(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int batch = 1 + r.nextInt(5), k = 1 + r.nextInt(70), co = 1 + r.nextInt(40);
        int[] x = input(w, new int[] {batch, k}, fp16, r);
        int f = constant(w, "filter", new int[] {co, k}, gauss(r, co * k, 0.3), fp16);
        int b = r.nextInt(4) == 0 ? -1 : constant(w, "bias", new int[] {co}, gauss(r, co, 1), fp16);
        int y = w.addTensor("out", DataType.FLOAT32, new int[] {batch, co}, null, null);
        w.addOp("FULLY_CONNECTED", new int[] {x[1], f, b}, new int[] {y}, opts("fused_activation_function", ACTS[r.nextInt(4)]));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] binary(String op, boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] a = shape4(r, 6, 8);
        int[] b = a.clone();
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> b = new int[] {a[3]};
            case 2 -> b = new int[] {1, 1, a[2], 1};
            default -> b = new int[] {};
        }
        if (r.nextBoolean()) { int[] t = a; a = b; b = t; } // broadcast either way
        int[] out = SingleOpCases.broadcast(a, b);
        int x = w.addTensor("a", DataType.FLOAT32, a, null, null);
        float[] cv = gauss(r, Math.max(1, Shapes.size(b)), 2);
        if (op.equals("DIV")) for (int i = 0; i < cv.length; i++) cv[i] += cv[i] < 0 ? -0.5f : 0.5f;
        int c = constant(w, "b", b, cv, fp16);
        int y = w.addTensor("out", DataType.FLOAT32, out, null, null);
        boolean constFirst = r.nextBoolean();
        w.addOp(op, constFirst ? new int[] {c, x} : new int[] {x, c}, new int[] {y}, opts("fused_activation_function", ACTS[r.nextInt(4)]));
        return w.inputs(x).outputs(y).build();
    }

    static byte[] pool(String op, boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int fh = 1 + r.nextInt(4), fw = 1 + r.nextInt(4), s = 1 + r.nextInt(3);
        String pad = r.nextBoolean() ? "SAME" : "VALID";
        int h = fh + r.nextInt(9), wd = fw + r.nextInt(9), c = 1 + r.nextInt(24);
        int[] x = input(w, new int[] {1, h, wd, c}, fp16, r);
        int y = w.addTensor("out", DataType.FLOAT32, new int[] {1, SingleOpCases.outSize(h, fh, s, 1, pad), SingleOpCases.outSize(wd, fw, s, 1, pad), c}, null, null);
        w.addOp(op, new int[] {x[1]}, new int[] {y}, opts("padding", pad, "stride_w", s, "stride_h", s, "filter_width", fw, "filter_height", fh,
                "fused_activation_function", ACTS[r.nextInt(4)]));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] mean(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = shape4(r, 8, 12);
        int[][] axesChoices = {{1, 2}, {1}, {2}, {3}, {1, 2, 3}, {0, 1, 2}};
        int[] axes = axesChoices[r.nextInt(axesChoices.length)];
        boolean keep = r.nextBoolean();
        List<Integer> os = new ArrayList<>();
        for (int dd = 0; dd < 4; dd++) {
            boolean reduced = false;
            for (int a : axes) reduced |= a == dd;
            if (!reduced) os.add(in[dd]);
            else if (keep) os.add(1);
        }
        int[] x = input(w, in, fp16, r);
        int ax = ints(w, "axes", axes);
        int y = w.addTensor("out", DataType.FLOAT32, os.stream().mapToInt(Integer::intValue).toArray(), null, null);
        w.addOp("MEAN", new int[] {x[1], ax}, new int[] {y}, opts("keep_dims", keep));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] reshape(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = shape4(r, 6, 6);
        int n = Shapes.size(in);
        int[] out = r.nextBoolean() ? new int[] {1, n} : new int[] {in[0] * in[1], in[2] * in[3]};
        int[] x = input(w, in, fp16, r);
        int sh = ints(w, "shape", out);
        int y = w.addTensor("out", DataType.FLOAT32, out, null, null);
        w.addOp("RESHAPE", new int[] {x[1], sh}, new int[] {y}, opts("new_shape", out));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] squeeze(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = {1, 1 + r.nextInt(5), 1, 1 + r.nextInt(7)};
        int[] x = input(w, in, fp16, r);
        boolean all = r.nextBoolean();
        List<Integer> os = new ArrayList<>();
        for (int dd = 0; dd < 4; dd++) if (all ? in[dd] != 1 : dd != 2) os.add(in[dd]);
        int[] out = os.stream().mapToInt(Integer::intValue).toArray();
        int y = w.addTensor("out", DataType.FLOAT32, out, null, null);
        w.addOp("SQUEEZE", new int[] {x[1]}, new int[] {y}, all ? opts() : opts("squeeze_dims", new int[] {2}));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] concat(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] a = shape4(r, 5, 6);
        int axis = r.nextInt(4);
        int[] b = a.clone();
        b[axis] = 1 + r.nextInt(4);
        int[] o = a.clone();
        o[axis] = a[axis] + b[axis];
        int x = w.addTensor("a", DataType.FLOAT32, a, null, null);
        int c = constant(w, "b", b, gauss(r, Shapes.size(b), 3), fp16);
        int y = w.addTensor("out", DataType.FLOAT32, o, null, null);
        w.addOp("CONCATENATION", r.nextBoolean() ? new int[] {x, c} : new int[] {c, x}, new int[] {y},
                opts("axis", r.nextBoolean() ? axis : axis - 4, "fused_activation_function", "NONE")); // TFLite 2.6.2 rejects a fused activation here
        return w.inputs(x).outputs(y).build();
    }

    static byte[] pad(boolean v2, boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = shape4(r, 6, 6);
        int[] p = new int[8];
        int[] out = in.clone();
        for (int dd = 1; dd < 4; dd++) {
            p[2 * dd] = r.nextInt(3);
            p[2 * dd + 1] = r.nextInt(3);
            out[dd] += p[2 * dd] + p[2 * dd + 1];
        }
        int[] x = input(w, in, fp16, r);
        int pads = w.addTensor("paddings", DataType.INT32, new int[] {4, 2}, null, SingleOpCases.intBytes(p));
        int y = w.addTensor("out", DataType.FLOAT32, out, null, null);
        if (v2) {
            int cv = constant(w, "value", new int[] {}, new float[] {(float) r.nextGaussian() * 3}, fp16);
            w.addOp("PADV2", new int[] {x[1], pads, cv}, new int[] {y}, Map.of());
        } else {
            w.addOp("PAD", new int[] {x[1], pads}, new int[] {y}, Map.of());
        }
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] pack(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = {1 + r.nextInt(4), 1 + r.nextInt(5), 1 + r.nextInt(6)};
        int count = 2 + r.nextInt(3), axis = r.nextInt(4);
        int x = w.addTensor("a", DataType.FLOAT32, in, null, null);
        int[] ins = new int[count];
        ins[0] = x;
        for (int i = 1; i < count; i++) ins[i] = constant(w, "c" + i, in, gauss(r, Shapes.size(in), 2), fp16);
        int[] out = new int[4];
        for (int dd = 0, s = 0; dd < 4; dd++) out[dd] = dd == axis ? count : in[s++];
        int y = w.addTensor("out", DataType.FLOAT32, out, null, null);
        w.addOp("PACK", ins, new int[] {y}, opts("values_count", count, "axis", axis));
        return w.inputs(x).outputs(y).build();
    }

    static byte[] transpose(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int rank = 2 + r.nextInt(3);
        int[] in = new int[rank];
        for (int i = 0; i < rank; i++) in[i] = 1 + r.nextInt(5);
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < rank; i++) perm.add(i);
        java.util.Collections.shuffle(perm, r);
        int[] p = perm.stream().mapToInt(Integer::intValue).toArray();
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) out[i] = in[p[i]];
        int[] x = input(w, in, fp16, r);
        int pt = ints(w, "perm", p);
        int y = w.addTensor("out", DataType.FLOAT32, out, null, null);
        w.addOp("TRANSPOSE", new int[] {x[1], pt}, new int[] {y}, Map.of());
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] slice(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = shape4(r, 7, 7);
        int[] begin = new int[4], size = new int[4], out = new int[4];
        for (int dd = 0; dd < 4; dd++) {
            begin[dd] = r.nextInt(in[dd]);
            boolean toEnd = r.nextInt(3) == 0;
            size[dd] = toEnd ? -1 : 1 + r.nextInt(in[dd] - begin[dd]);
            out[dd] = toEnd ? in[dd] - begin[dd] : size[dd];
        }
        int[] x = input(w, in, fp16, r);
        int bt = ints(w, "begin", begin), st = ints(w, "size", size);
        int y = w.addTensor("out", DataType.FLOAT32, out, null, null);
        w.addOp("SLICE", new int[] {x[1], bt, st}, new int[] {y}, Map.of());
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] resize(String op, boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = shape4(r, 7, 5);
        int oh = 1 + r.nextInt(14), ow = 1 + r.nextInt(14);
        int mode = r.nextInt(3); // 0 plain, 1 align_corners, 2 half_pixel_centers
        int[] x = input(w, in, fp16, r);
        int size = ints(w, "size", new int[] {oh, ow});
        int y = w.addTensor("out", DataType.FLOAT32, new int[] {in[0], oh, ow, in[3]}, null, null);
        w.addOp(op, new int[] {x[1], size}, new int[] {y}, opts("align_corners", mode == 1, "half_pixel_centers", mode == 2));
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] unary(String op, boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = op.equals("SOFTMAX") ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(1200)} : shape4(r, 9, 16);
        int[] x = input(w, in, fp16, r);
        int y = w.addTensor("out", DataType.FLOAT32, in, null, null);
        Map<String, Object> o = switch (op) {
            case "SOFTMAX" -> opts("beta", new float[] {1f, 0.5f, 2f, 0.1f}[r.nextInt(4)]);
            case "LEAKY_RELU" -> opts("alpha", (float) (r.nextDouble() * 0.5));
            default -> Map.of();
        };
        w.addOp(op, new int[] {x[1]}, new int[] {y}, o);
        return w.inputs(x[0]).outputs(y).build();
    }

    static byte[] quantize(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = shape4(r, 6, 8);
        int kind = r.nextInt(3); // uint8, int8, int16 (symmetric)
        int[] x = input(w, in, fp16, r);
        DataType t = kind == 0 ? DataType.UINT8 : kind == 1 ? DataType.INT8 : DataType.INT16;
        float scale = (float) (kind == 2 ? 1e-4 + r.nextDouble() * 3e-4 : 0.01 + r.nextDouble() * 0.05);
        int y = w.addTensor("out", t, in, QuantParams.perTensor(scale, kind == 0 ? 100 + r.nextInt(50) : kind == 1 ? -20 + r.nextInt(40) : 0), null);
        w.addOp("QUANTIZE", new int[] {x[1]}, new int[] {y}, Map.of());
        return w.inputs(x[0]).outputs(y).build();
    }

    /**
     * DEQUANTIZE of an int8/uint8 input (float32 form), or of a float16 constant added to a float input (FP16 form).
     * (A float16 graph input cannot be fed to the oracle: TFLite's Java API has no float16 type. That path, widened
     * each run, is checked against Float.float16ToFloat in model-loaders' LoadTimeUnsupportedTest.)
     */
    static byte[] dequantize(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int[] in = shape4(r, 6, 8);
        if (fp16) {
            int[] x = input(w, in, true, r);
            return w.inputs(x[0]).outputs(x[1]).build();
        }
        int kind = r.nextInt(3); // uint8, int8, int16
        DataType t = kind == 0 ? DataType.UINT8 : kind == 1 ? DataType.INT8 : DataType.INT16;
        int x = w.addTensor("x", t, in, QuantParams.perTensor((float) (0.01 + r.nextDouble() * 0.05), kind == 0 ? 128 : kind == 1 ? -3 : 0), null);
        int y = w.addTensor("out", DataType.FLOAT32, in, null, null);
        w.addOp("DEQUANTIZE", new int[] {x}, new int[] {y}, Map.of());
        return w.inputs(x).outputs(y).build();
    }

    // ---------------------------------------------------------------- small networks

    /**
     * conv 3x3 s2 RELU6 -> depthwise 3x3 RELU -> conv 1x1, residual ADD, CONCATENATION with a max-pooled branch,
     * global average pool, RESHAPE, FULLY_CONNECTED, SOFTMAX.
     */
    static byte[] network(boolean fp16, Random r) {
        ModelWriter w = ModelWriter.project();
        int h = 16 + 2 * r.nextInt(8), c = 8 + r.nextInt(9), classes = 5 + r.nextInt(20);
        int x = w.addTensor("image", DataType.FLOAT32, new int[] {1, h, h, 3}, null, null);
        int hh = h / 2;
        int c1 = w.addTensor("conv1", DataType.FLOAT32, new int[] {1, hh, hh, c}, null, null);
        w.addOp("CONV_2D", new int[] {x, constant(w, "w1", new int[] {c, 3, 3, 3}, gauss(r, c * 27, 0.4), fp16), constant(w, "b1", new int[] {c}, gauss(r, c, 0.3), fp16)},
                new int[] {c1}, opts("padding", "SAME", "stride_w", 2, "stride_h", 2, "fused_activation_function", "RELU6"));
        int d1 = w.addTensor("dw1", DataType.FLOAT32, new int[] {1, hh, hh, c}, null, null);
        w.addOp("DEPTHWISE_CONV_2D", new int[] {c1, constant(w, "w2", new int[] {1, 3, 3, c}, gauss(r, 9 * c, 0.4), fp16), constant(w, "b2", new int[] {c}, gauss(r, c, 0.3), fp16)},
                new int[] {d1}, opts("padding", "SAME", "stride_w", 1, "stride_h", 1, "depth_multiplier", 1, "fused_activation_function", "RELU"));
        int p1 = w.addTensor("pw1", DataType.FLOAT32, new int[] {1, hh, hh, c}, null, null);
        w.addOp("CONV_2D", new int[] {d1, constant(w, "w3", new int[] {c, 1, 1, c}, gauss(r, c * c, 0.3), fp16), constant(w, "b3", new int[] {c}, gauss(r, c, 0.3), fp16)},
                new int[] {p1}, opts("padding", "VALID", "stride_w", 1, "stride_h", 1, "fused_activation_function", "NONE"));
        int res = w.addTensor("residual", DataType.FLOAT32, new int[] {1, hh, hh, c}, null, null);
        w.addOp("ADD", new int[] {p1, c1}, new int[] {res}, opts("fused_activation_function", "RELU"));
        int mp = w.addTensor("maxpool", DataType.FLOAT32, new int[] {1, hh, hh, c}, null, null);
        w.addOp("MAX_POOL_2D", new int[] {c1}, new int[] {mp}, opts("padding", "SAME", "stride_w", 1, "stride_h", 1, "filter_width", 3, "filter_height", 3,
                "fused_activation_function", "NONE"));
        int cat = w.addTensor("concat", DataType.FLOAT32, new int[] {1, hh, hh, 2 * c}, null, null);
        w.addOp("CONCATENATION", new int[] {res, mp}, new int[] {cat}, opts("axis", 3, "fused_activation_function", "NONE"));
        int gap = w.addTensor("gap", DataType.FLOAT32, new int[] {1, 1, 1, 2 * c}, null, null);
        w.addOp("AVERAGE_POOL_2D", new int[] {cat}, new int[] {gap}, opts("padding", "VALID", "stride_w", 1, "stride_h", 1, "filter_width", hh,
                "filter_height", hh, "fused_activation_function", "NONE"));
        int flat = w.addTensor("flat", DataType.FLOAT32, new int[] {1, 2 * c}, null, null);
        w.addOp("RESHAPE", new int[] {gap, ints(w, "flat_shape", new int[] {1, 2 * c})}, new int[] {flat}, opts("new_shape", new int[] {1, 2 * c}));
        int logits = w.addTensor("logits", DataType.FLOAT32, new int[] {1, classes}, null, null);
        w.addOp("FULLY_CONNECTED", new int[] {flat, constant(w, "w4", new int[] {classes, 2 * c}, gauss(r, classes * 2 * c, 0.5), fp16),
                constant(w, "b4", new int[] {classes}, gauss(r, classes, 0.2), fp16)}, new int[] {logits}, opts("fused_activation_function", "NONE"));
        int prob = w.addTensor("prob", DataType.FLOAT32, new int[] {1, classes}, null, null);
        w.addOp("SOFTMAX", new int[] {logits}, new int[] {prob}, opts("beta", 1f));
        return w.inputs(x).outputs(prob, logits).build();
    }

    // ---------------------------------------------------------------- running

    @TestFactory
    Stream<DynamicTest> everyOpInFloat32AndFp16MatchesTflite() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            for (boolean fp16 : new boolean[] {false, true}) {
                for (int v = 0; v < VARIANTS; v++) {
                    long seed = c.name().hashCode() * 31L + v + (fp16 ? 1000 : 0);
                    String name = c.name() + (fp16 ? " fp16" : " float32") + " #" + v;
                    tests.add(DynamicTest.dynamicTest(name, () -> check(c.name() + (fp16 ? " fp16" : " float32"), name, c.build().apply(fp16, new Random(seed)), fp16)));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> smallNetworksMatchTflite() {
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean fp16 : new boolean[] {false, true}) {
            for (int v = 0; v < 3; v++) {
                long seed = 9000 + v + (fp16 ? 100 : 0);
                String name = "network " + (fp16 ? "fp16" : "float32") + " #" + v;
                tests.add(DynamicTest.dynamicTest(name, () -> check("network " + (fp16 ? "fp16" : "float32"), name, network(fp16, new Random(seed)), fp16)));
            }
        }
        return tests.stream();
    }

    /** The TFLite forms of TRANSPOSE and SLICE (fixed with this sweep) on uint8/int8 data too: bytes must be identical. */
    @TestFactory
    Stream<DynamicTest> quantizedTransposeAndSliceMatchTflite() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DataType t : new DataType[] {DataType.UINT8, DataType.INT8}) {
            for (int v = 0; v < 4; v++) {
                long seed = 7000 + v + t.ordinal() * 10;
                tests.add(DynamicTest.dynamicTest("TRANSPOSE " + t.lowerName() + " #" + v, () -> check("TRANSPOSE q", "TRANSPOSE q" + seed,
                        quantized(transpose(false, new Random(seed)), t), false)));
                tests.add(DynamicTest.dynamicTest("SLICE " + t.lowerName() + " #" + v, () -> check("SLICE q", "SLICE q" + seed,
                        quantized(slice(false, new Random(seed)), t), false)));
            }
        }
        return tests.stream();
    }

    /** The same single-op model with its float32 input and output retyped as 8-bit with one scale and zero point. */
    static byte[] quantized(byte[] floatModel, DataType t) {
        dev.octet.core.Graph g = Octet.readGraph(java.nio.ByteBuffer.wrap(floatModel), ModelOptions.DEFAULT);
        dev.octet.loaders.tflite.TfliteWriter w = new dev.octet.loaders.tflite.TfliteWriter();
        QuantParams q = QuantParams.perTensor(0.05f, t == DataType.UINT8 ? 128 : -3);
        for (var ti : g.tensors()) {
            boolean act = ti.type() == DataType.FLOAT32;
            byte[] data = null;
            if (ti.isConstant()) { ByteBuffer b = ti.data(); data = new byte[b.remaining()]; b.get(data); }
            w.addTensor(ti.name(), act ? t : ti.type(), ti.shape(), act ? q : null, data);
        }
        for (var n : g.nodes()) w.addOp(n.opType(), n.inputs(), n.outputs(), Map.of());
        return w.inputs(g.inputs()).outputs(g.outputs()).build();
    }

    static void check(String group, String name, byte[] model, boolean fp16) {
        TfliteOracle.assumeAvailable();
        List<Tensor> inputs;
        List<Tensor> expected;
        try (TfliteOracle o = TfliteOracle.load(model)) {
            inputs = SingleOpOracleTest.inputs(o, name);
            expected = o.run(inputs.toArray(Tensor[]::new));
        }
        List<String> problems = new ArrayList<>();
        for (KernelMode mode : KernelMode.values()) {
            Model m = Octet.load(model, ModelOptions.DEFAULT.withKernels(mode));
            assertEquals(expected.size(), m.outputCount());
            if (fp16) {
                for (int i = 0; i < m.graph().nodes().size(); i++) {
                    var n = m.graph().nodes().get(i);
                    if (n.opType().equals("DEQUANTIZE") && m.tensor(n.input(0)).isConstant()) {
                        assertEquals("folded-at-load", m.kernel(i).variant(), "float16 constant DEQUANTIZE folded at load");
                    }
                }
            }
            try (Interpreter it = m.newInterpreter()) {
                for (int i = 0; i < inputs.size(); i++) it.setInput(i, inputs.get(i));
                it.run();
                for (int i = 0; i < expected.size(); i++) {
                    Tensor e = expected.get(i), a = it.output(i);
                    boolean isFloat = e.type() == DataType.FLOAT32;
                    TensorDiff d = isFloat ? TensorDiff.of(e, a, 1e-5, 1e-4) : TensorDiff.exact(e, a);
                    if (!d.ok()) problems.add(mode + " output " + i + ": " + d);
                    if (isFloat && d.problem() == null) record(group, e, a);
                }
            }
        }
        if (!problems.isEmpty()) fail(name + " differs from TFLite: " + String.join("; ", problems));
    }

    static synchronized void record(String group, Tensor e, Tensor a) {
        double[] m = MAX.computeIfAbsent(group, k -> new double[2]);
        float[] x = e.floats(), y = a.floats();
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs((double) x[i] - y[i]);
            if (Double.isNaN(d)) continue;
            m[0] = Math.max(m[0], d);
            if (Math.abs(x[i]) > 1e-3) m[1] = Math.max(m[1], d / Math.abs(x[i]));
        }
    }

    @AfterAll
    static void report() {
        if (MAX.isEmpty()) return;
        StringBuilder sb = new StringBuilder("float sweep, largest differences from TFLite 2.6.2 (abs, rel where |expected| > 1e-3):\n");
        MAX.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "  %-36s %.3g  %.3g%n", k, v[0], v[1])));
        System.out.print(sb);
    }
}
