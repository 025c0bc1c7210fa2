package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelFormatException;
import dev.octet.core.ModelOptions;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import dev.octet.ops.BuiltinOps;
import dev.octet.ops.onnx.OnnxOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random-shape tester of the SIMD depthwise kernels against the reference kernels: for each vector width (forced
 * through {@code octet.simd.bits}) and each arithmetic (TFLite uint8 per-tensor, TFLite int8 per-channel, float32,
 * ONNX QLinearConv depthwise u8/s8), 1,000 random nodes: odd channel counts, channel tails shorter than a vector,
 * depth multipliers, kernel sizes 1..5 (3x3 half the time), strides 1..3, dilations, SAME/VALID/explicit padding,
 * zero points at the extremes, per-channel scales from tiny (multiplier flushed to 0) to large (left shifts), biases
 * up to 2^28, fused activations, 1..4 threads; some tall narrow inputs (row splits of several parts per thread) and
 * some deep ones (40..169 channels: channel-block splits at every width). The output must be byte-identical and the SIMD kernel must be used.
 */
class DwKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    /** Random cases per op and width (the acceptance run uses 1,000; the regular suite runs a smaller sample). */
    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void tfliteUint8(int bits) { runMany(bits, 0, 11); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void tfliteInt8PerChannel(int bits) { runMany(bits, 1, 12); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void float32(int bits) { runMany(bits, 2, 13); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void onnxQLinearDepthwise(int bits) { runMany(bits, 3, 14); }

    private void runMany(int bits, int kind, long seed) {
        if (bits > SimdWidth.preferred()) return; // this machine cannot run wider vectors
        String old = System.getProperty("octet.simd.bits");
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        try {
            Random r = new Random(seed * 1000 + bits);
            int done = 0, simd = 0, attempts = 0;
            int cases = cases();
            while (done < cases) {
                attempts++;
                assertTrue(attempts < cases * 20, "too many invalid random cases");
                Case c = Case.random(r, kind);
                Boolean used = c.check(bits);
                if (used == null) continue; // window does not fit: draw again
                done++;
                if (used) simd++;
            }
            System.out.printf("DwKernelTester kind=%d bits=%d: %d cases identical, %d on the SIMD kernel%n", kind, bits, done, simd);
            assertTrue(simd >= done * 9 / 10, "SIMD kernel used on only " + simd + " of " + done + " cases");
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
        }
    }

    static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    record Case(int kind, Graph graph, Object input, int threads, String desc) {
        static int zp(Random r, DataType t) {
            return switch (r.nextInt(4)) {
                case 0 -> t.minValue();
                case 1 -> t.maxValue();
                default -> t.minValue() + r.nextInt(256);
            };
        }

        static float scale(Random r) {
            return switch (r.nextInt(6)) {
                case 0 -> (float) Math.pow(10, -9 + r.nextDouble() * 3); // tiny: multiplier may flush to zero
                case 1 -> (float) Math.pow(10, 0.5 + r.nextDouble() * 2); // large: left shifts
                default -> (float) Math.pow(10, -3 + r.nextDouble() * 2.5);
            };
        }

        static Case random(Random r, int kind) {
            int n = 1 + (r.nextInt(5) == 0 ? 1 : 0);
            int h = 1 + r.nextInt(11), w = 1 + r.nextInt(13);
            if (r.nextInt(6) == 0) { // tall and narrow: row splits of several parts per thread
                h = 20 + r.nextInt(80);
                w = 1 + r.nextInt(6);
            }
            int ci = r.nextInt(3) == 0 ? 1 + r.nextInt(7) : 1 + r.nextInt(45);
            if (r.nextInt(5) == 0) ci = 40 + r.nextInt(130); // deep: channel-block splits at 512 bits too
            int m = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
            int co = ci * m;
            boolean three = r.nextBoolean();
            int kh = three ? 3 : 1 + r.nextInt(5), kw = three ? 3 : 1 + r.nextInt(5);
            int sh = 1 + r.nextInt(r.nextBoolean() ? 2 : 3), sw = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sh;
            int dh = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1, dw = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
            int threads = 1 + r.nextInt(4);
            Attributes.Builder a = Attributes.builder().put(Ops.ATTR_STRIDE_H, sh).put(Ops.ATTR_STRIDE_W, sw)
                    .put(Ops.ATTR_DILATION_H, dh).put(Ops.ATTR_DILATION_W, dw);
            int pad = r.nextInt(3);
            if (pad == 0 || kind == 3) a.put(Ops.ATTR_PADS, new int[] {r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)});
            else a.put(Ops.ATTR_PADDING, pad == 1 ? "SAME" : "VALID");
            String[] acts = {"NONE", "RELU", "RELU6", "RELU_N1_TO_1"};
            String act = kind == 3 ? "NONE" : acts[r.nextInt(4)];
            a.put(Ops.ATTR_ACTIVATION, act);
            if (kind != 3) a.put(Ops.ATTR_DEPTH_MULTIPLIER, m);
            int[] inShape = {n, h, w, ci};
            int size = n * h * w * ci;
            String desc = String.format("kind %d in %s k %dx%d s %dx%d d %dx%d m %d threads %d act %s", kind, java.util.Arrays.toString(inShape),
                    kh, kw, sh, sw, dh, dw, m, threads, act);
            Graph.Builder g = Graph.builder(kind == 3 ? Semantics.ONNX : Semantics.TFLITE, "test");
            int in, f, b, out;
            Object input;
            if (kind == 2) {
                float[] x = gauss(r, size);
                float[] wf = gauss(r, kh * kw * co);
                float[] bf = gauss(r, co);
                input = x;
                in = g.addTensor("in", DataType.FLOAT32, inShape, null, null, false);
                ByteBuffer wb = le(wf.length * 4);
                for (float v : wf) wb.putFloat(v);
                f = g.addTensor("w", DataType.FLOAT32, new int[] {1, kh, kw, co}, null, wb.flip(), false);
                ByteBuffer bb = le(co * 4);
                for (float v : bf) bb.putFloat(v);
                b = r.nextInt(5) == 0 ? -1 : g.addTensor("b", DataType.FLOAT32, new int[] {co}, null, bb.flip(), false);
                out = g.addTensor("out", DataType.FLOAT32, new int[0], null, null, false);
                g.addNode(Ops.DEPTHWISE_CONV_2D, "dw", new int[] {in, f, b}, new int[] {out}, a.build(), null);
            } else {
                DataType t = kind == 0 ? DataType.UINT8 : kind == 1 ? DataType.INT8 : (r.nextBoolean() ? DataType.UINT8 : DataType.INT8);
                byte[] x = bytes(r, size);
                input = x;
                int xzp = zp(r, t), yzp = zp(r, t);
                float xs = scale(r), ys = scale(r);
                byte[] wbytes = bytes(r, kh * kw * co);
                int[] bias = new int[co];
                int big = r.nextInt(4);
                for (int c = 0; c < co; c++) bias[c] = big == 0 ? r.nextInt(1 << 29) - (1 << 28) : r.nextInt(1 << 17) - (1 << 16);
                ByteBuffer bb = le(co * 4);
                for (int v : bias) bb.putInt(v);
                bb.flip();
                in = g.addTensor("in", t, inShape, QuantParams.perTensor(xs, xzp), null, false);
                if (kind == 3) {
                    DataType wt = t == DataType.INT8 ? DataType.INT8 : (r.nextBoolean() ? DataType.UINT8 : DataType.INT8);
                    int[] wzp = new int[co];
                    float[] os = new float[co];
                    for (int c = 0; c < co; c++) {
                        wzp[c] = zp(r, wt);
                        os[c] = xs * scale(r) / ys;
                        if (!(os[c] > 0) || Float.isInfinite(os[c])) os[c] = 1e-3f;
                    }
                    f = g.addTensor("w", wt, new int[] {co, kh, kw, 1}, null, ByteBuffer.wrap(wbytes), false);
                    b = r.nextInt(5) == 0 ? -1 : g.addTensor("b", DataType.INT32, new int[] {co}, null, bb, false);
                    out = g.addTensor("out", t, new int[0], QuantParams.perTensor(ys, yzp), null, false);
                    a.put(OnnxOps.ATTR_X_ZERO_POINT, xzp).put(OnnxOps.ATTR_Y_ZERO_POINT, yzp).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp)
                            .put(OnnxOps.ATTR_OUTPUT_SCALES, os);
                    g.addNode(OnnxOps.ONNX_QLINEAR_CONV, "qconv", new int[] {in, f, b}, new int[] {out}, a.build(), null);
                } else {
                    QuantParams wq;
                    if (kind == 0) {
                        wq = QuantParams.perTensor(scale(r), zp(r, t));
                    } else {
                        float[] s = new float[co];
                        for (int c = 0; c < co; c++) s[c] = scale(r);
                        wq = r.nextInt(5) == 0 ? QuantParams.perTensor(s[0], 0) : QuantParams.perAxis(s, new int[co], 3);
                    }
                    f = g.addTensor("w", t, new int[] {1, kh, kw, co}, wq, ByteBuffer.wrap(wbytes), false);
                    b = r.nextInt(5) == 0 ? -1 : g.addTensor("b", DataType.INT32, new int[] {co}, QuantParams.perTensor(xs * wq.scale(0), 0), bb, false);
                    out = g.addTensor("out", t, new int[0], QuantParams.perTensor(ys, yzp), null, false);
                    g.addNode(Ops.DEPTHWISE_CONV_2D, "dw", new int[] {in, f, b}, new int[] {out}, a.build(), null);
                }
            }
            g.input(in).output(out);
            return new Case(kind, g.build(), input, threads, desc);
        }

        /** Null when the node is invalid (window does not fit), else whether the SIMD kernel ran. */
        Boolean check(int bits) {
            Model ref, simd;
            try {
                ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
            } catch (ModelFormatException e) {
                return null;
            }
            simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
            String variant = simd.kernel(0).variant();
            boolean used = variant.startsWith("simd" + bits);
            Tensor a = run(ref, input), b = run(simd, input);
            assertArrayEquals(a.shape(), b.shape(), desc);
            if (kind == 2) {
                float[] x = a.floats(), y = b.floats();
                for (int i = 0; i < x.length; i++) {
                    if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                        assertEquals(x[i], y[i], "element " + i + " of " + desc + " (" + variant + ")");
                        throw new AssertionError("element " + i + " differs in bits: " + x[i] + " vs " + y[i] + " " + desc);
                    }
                }
            } else {
                byte[] x = a.bytes(), y = b.bytes();
                for (int i = 0; i < x.length; i++) {
                    if (x[i] != y[i]) {
                        StringBuilder sb = new StringBuilder();
                        for (int j = 0; j < Math.min(x.length, 40); j++) sb.append(x[j]).append('/').append(y[j]).append(' ');
                        throw new AssertionError("element " + i + " differs: " + x[i] + " vs " + y[i] + " in " + desc + " (" + variant + ") " + graph.tensor(3).quant() + " first: " + sb);
                    }
                }
            }
            return used;
        }

        static Tensor run(Model m, Object input) {
            try (Interpreter it = m.newInterpreter()) {
                it.setInput(0, Tensor.of(m.input(0).type(), m.input(0).shape(), input));
                it.run();
                return it.output(0);
            }
        }

        static float[] gauss(Random r, int n) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
            return a;
        }

        static byte[] bytes(Random r, int n) {
            byte[] a = new byte[n];
            r.nextBytes(a);
            return a;
        }
    }
}
