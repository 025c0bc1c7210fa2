package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import dev.octet.ops.BuiltinOps;
import dev.octet.ops.onnx.OnnxOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the integer Winograd F(2x2,3x3) kernel ({@link WinogradKernel}) against the scalar reference
 * kernels, at each vector width, with the kernel forced on every layer it can compute ({@code octet.winograd=force}).
 * Each case draws ONNX QLinearConv (float scale, round half even) or TFLite CONV_2D (fixed-point requantization, per
 * tensor or per channel, with a fused activation); uint8 or int8 activations, uint8 or int8 filters (ONNX), per-channel
 * filter zero points; zero points at the extremes (0/255, -128/127); 3x3 stride 1 with explicit pads 0..2 (sometimes
 * up to 4) on each side (asymmetric) or SAME/VALID; odd heights and widths including 1-row and 1-column outputs (partial tiles); input and
 * output channel counts below, at and above a vector with tails; batch 1..2; 1..4 threads; multipliers from tiny to
 * large (saturation); batch up to 3 (ONNX). Outputs must be byte-identical and the Winograd kernel must be the one used.
 */
class WinogradKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void winogradMatchesReference(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String oldBits = System.getProperty("octet.simd.bits"), oldW = System.getProperty(WinogradKernel.PROPERTY);
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        System.setProperty(WinogradKernel.PROPERTY, "force");
        try {
            Random r = new Random(0x3A3 + bits);
            int onnx = 0, tflite = 0;
            int n = cases();
            for (int i = 0; i < n; i++) {
                if (r.nextBoolean()) {
                    checkOnnx(r, bits, i);
                    onnx++;
                } else {
                    checkTflite(r, bits, i);
                    tflite++;
                }
            }
            System.out.printf("WinogradKernelTester bits=%d: %d cases identical (%d ONNX QLinearConv, %d TFLite CONV_2D)%n", bits, n, onnx, tflite);
            assertEquals(n, onnx + tflite);
        } finally {
            restore("octet.simd.bits", oldBits);
            restore(WinogradKernel.PROPERTY, oldW);
        }
    }

    static void restore(String key, String old) {
        if (old == null) System.clearProperty(key);
        else System.setProperty(key, old);
    }

    static int channels(Random r, int lanes) {
        int p = r.nextInt(10);
        if (p < 3) return 1 + r.nextInt(lanes);            // shorter than a vector
        if (p < 7) return 1 + r.nextInt(4 * lanes + 8);    // up to a panel and a bit
        return 4 * lanes + r.nextInt(6 * lanes);          // several panels with a tail
    }

    static int size(Random r) {
        int p = r.nextInt(6);
        if (p == 0) return 1;
        if (p == 1) return 2 + r.nextInt(2);
        return 1 + r.nextInt(14);
    }

    static int zp(Random r, boolean u8) {
        int p = r.nextInt(8);
        if (u8) return p == 0 ? 0 : p == 1 ? 255 : r.nextInt(256);
        return p == 0 ? -128 : p == 1 ? 127 : p == 2 ? 0 : r.nextInt(256) - 128;
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        int p = r.nextInt(8);
        if (p == 0) for (int i = 0; i < n; i++) b[i] = (byte) (r.nextBoolean() ? 0x7F : 0x80); // signed extremes
        if (p == 1) for (int i = 0; i < n; i++) b[i] = (byte) (r.nextBoolean() ? 0xFF : 0x00); // unsigned extremes
        return b;
    }

    static ByteBuffer ints(int[] v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.asIntBuffer().put(v);
        return bb;
    }

    static int[] bias(Random r, int n) {
        int[] b = new int[n];
        int amp = r.nextInt(4) == 0 ? 1 << 24 : 1 << 12;
        for (int i = 0; i < n; i++) b[i] = r.nextInt(2 * amp) - amp;
        return b;
    }

    /** Explicit pads {top, left, bottom, right} (0..2, sometimes 0..4, often 1) keeping the output non-empty. */
    static int[] pads(Random r, int h, int w) {
        while (true) {
            int m = r.nextInt(10) == 0 ? 5 : 3; // sometimes pads beyond the window (up to 4): whole tiles of padding
            int[] p = r.nextInt(4) == 0 ? new int[] {1, 1, 1, 1} : new int[] {r.nextInt(m), r.nextInt(m), r.nextInt(m), r.nextInt(m)};
            if (h + p[0] + p[2] >= 3 && w + p[1] + p[3] >= 3) return p;
        }
    }

    void checkOnnx(Random r, int bits, int i) {
        int lanes = bits / 32;
        boolean xu8 = r.nextBoolean(), wu8 = r.nextInt(4) == 0;
        DataType tx = xu8 ? DataType.UINT8 : DataType.INT8, tw = wu8 ? DataType.UINT8 : DataType.INT8;
        int batch = 1 + (r.nextInt(5) == 0 ? 1 + r.nextInt(2) : 0), h = size(r), w = size(r), ci = channels(r, lanes), co = channels(r, lanes);
        int[] pads = pads(r, h, w);
        int[] wzp = new int[co];
        float[] os = new float[co];
        boolean perTensor = r.nextInt(3) == 0;
        for (int c = 0; c < co; c++) {
            wzp[c] = perTensor && c > 0 ? wzp[0] : wu8 ? zp(r, true) : (r.nextInt(4) == 0 ? zp(r, false) : 0);
            os[c] = perTensor && c > 0 ? os[0] : EwKernelTester.scale(r) * (r.nextInt(4) == 0 ? 100f : r.nextBoolean() ? 1f : 1e-3f);
        }
        Attributes at = Attributes.builder().put(Ops.ATTR_PADS, pads).put(OnnxOps.ATTR_X_ZERO_POINT, zp(r, xu8)).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp)
                .put(OnnxOps.ATTR_OUTPUT_SCALES, os).put(OnnxOps.ATTR_Y_ZERO_POINT, zp(r, xu8)).build();
        int[] xs = {batch, h, w, ci}, fs = {co, 3, 3, ci};
        Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
        int x = g.addTensor("x", tx, xs, null, null, false);
        int f = g.addTensor("f", tw, fs, null, ByteBuffer.wrap(bytes(r, co * 9 * ci)), false);
        boolean hasBias = r.nextInt(4) != 0;
        int b = hasBias ? g.addTensor("b", DataType.INT32, new int[] {co}, null, ints(bias(r, co)), false) : -1;
        int y = g.addTensor("y", tx, new int[0], null, null, false);
        g.addNode(OnnxOps.ONNX_QLINEAR_CONV, "conv", hasBias ? new int[] {x, f, b} : new int[] {x, f}, new int[] {y}, at, null);
        g.input(x).output(y);
        compare(g.build(), tx, xs, bytes(r, batch * h * w * ci), 1 + r.nextInt(4), bits,
                "#" + i + " QLINEAR_CONV " + tx + Arrays.toString(xs) + " filter " + tw + Arrays.toString(fs) + " " + at + " bias " + hasBias, true);
    }

    void checkTflite(Random r, int bits, int i) {
        int lanes = bits / 32;
        boolean u8 = r.nextBoolean();
        DataType t = u8 ? DataType.UINT8 : DataType.INT8;
        int batch = 1 + (r.nextInt(5) == 0 ? 1 : 0), h = size(r), w = size(r), ci = channels(r, lanes), co = channels(r, lanes);
        Attributes.Builder a = Attributes.builder().put(Ops.ATTR_ACTIVATION, new String[] {"NONE", "RELU", "RELU6", "NONE"}[r.nextInt(4)]);
        int p = r.nextInt(3);
        if (p == 0) a.put(Ops.ATTR_PADDING, "SAME");
        else if (p == 1 && h >= 3 && w >= 3) a.put(Ops.ATTR_PADDING, "VALID");
        else a.put(Ops.ATTR_PADS, pads(r, h, w));
        QuantParams qw;
        if (u8 || r.nextInt(4) == 0) {
            qw = QuantParams.perTensor(EwKernelTester.scale(r), u8 ? zp(r, true) : 0);
        } else {
            float[] s = new float[co];
            for (int c = 0; c < co; c++) s[c] = EwKernelTester.scale(r) * (r.nextInt(6) == 0 ? 1000f : 1f);
            qw = QuantParams.perAxis(s, new int[co], 0);
        }
        int[] xs = {batch, h, w, ci}, fs = {co, 3, 3, ci};
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
        int x = g.addTensor("x", t, xs, QuantParams.perTensor(EwKernelTester.scale(r), zp(r, u8)), null, false);
        int f = g.addTensor("w", t, fs, qw, ByteBuffer.wrap(bytes(r, co * 9 * ci)), false);
        int b = r.nextInt(8) == 0 ? -1 : g.addTensor("b", DataType.INT32, new int[] {co}, null, ints(bias(r, co)), false);
        int y = g.addTensor("y", t, new int[0], QuantParams.perTensor(EwKernelTester.scale(r), zp(r, u8)), null, false);
        g.input(x);
        g.addNode(Ops.CONV_2D, "conv", b < 0 ? new int[] {x, f} : new int[] {x, f, b}, new int[] {y}, a.build(), null);
        g.output(y);
        compare(g.build(), t, xs, bytes(r, batch * h * w * ci), 1 + r.nextInt(4), bits,
                "#" + i + " CONV_2D " + t + Arrays.toString(xs) + " filter " + Arrays.toString(fs) + " " + a.build() + " " + qw, true);
    }

    static void compare(Graph graph, DataType t, int[] xs, byte[] in, int threads, int bits, String desc, boolean expectWinograd) {
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        String v = simd.kernel(0).variant();
        if (expectWinograd) assertTrue(v.startsWith("simd-winograd-" + bits), desc + ": " + v);
        else assertFalse(v.startsWith("simd-winograd"), desc + ": " + v);
        assertArrayEquals(SmallConvKernelTester.run(ref, t, xs, in), SmallConvKernelTester.run(simd, t, xs, in), desc + " threads " + threads + " (" + v + ")");
    }

    /**
     * The load-time bound: uint8 input with 255-valued uint8 filters (zero point 0) over 1000 input channels can reach
     * 4 x 255 x 255 x 9000 > 2^31, so the GEMM must be kept (and still match); 900 channels fit and get Winograd.
     */
    @Test
    void boundFallsBackToGemm() {
        String oldW = System.getProperty(WinogradKernel.PROPERTY);
        System.setProperty(WinogradKernel.PROPERTY, "force");
        try {
            for (int ci : new int[] {1000, 900}) {
                int co = 3, h = 4, w = 5;
                byte[] filt = new byte[co * 9 * ci];
                Arrays.fill(filt, (byte) 0xFF);
                Attributes at = Attributes.builder().put(Ops.ATTR_PADS, new int[] {1, 1, 1, 1}).put(OnnxOps.ATTR_X_ZERO_POINT, 0)
                        .put(OnnxOps.ATTR_W_ZERO_POINTS, new int[co]).put(OnnxOps.ATTR_OUTPUT_SCALES, new float[] {1e-7f, 1e-8f, 3e-9f})
                        .put(OnnxOps.ATTR_Y_ZERO_POINT, 0).build();
                int[] xs = {1, h, w, ci};
                Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
                int x = g.addTensor("x", DataType.UINT8, xs, null, null, false);
                int f = g.addTensor("f", DataType.UINT8, new int[] {co, 3, 3, ci}, null, ByteBuffer.wrap(filt), false);
                int y = g.addTensor("y", DataType.UINT8, new int[0], null, null, false);
                g.addNode(OnnxOps.ONNX_QLINEAR_CONV, "conv", new int[] {x, f}, new int[] {y}, at, null);
                g.input(x).output(y);
                byte[] in = new byte[h * w * ci];
                Arrays.fill(in, (byte) 0xFF);
                in[7] = 3;
                compare(g.build(), DataType.UINT8, xs, in, 1, SimdConvOps.chooseBits(), "bound ci " + ci, ci == 900);
            }
        } finally {
            restore(WinogradKernel.PROPERTY, oldW);
        }
    }

    /** {@code -Doctet.winograd=false} keeps the GEMM on a layer that would otherwise get Winograd. */
    @Test
    void propertyTurnsItOff() {
        String oldW = System.getProperty(WinogradKernel.PROPERTY);
        try {
            Random r = new Random(5);
            for (String v : new String[] {"false", "force"}) {
                System.setProperty(WinogradKernel.PROPERTY, v);
                int ci = 40, co = 40, h = 9, w = 8;
                Attributes at = Attributes.builder().put(Ops.ATTR_PADS, new int[] {1, 1, 1, 1}).put(OnnxOps.ATTR_X_ZERO_POINT, 3)
                        .put(OnnxOps.ATTR_W_ZERO_POINTS, new int[co]).put(OnnxOps.ATTR_OUTPUT_SCALES, filled(co, 1e-3f))
                        .put(OnnxOps.ATTR_Y_ZERO_POINT, 1).build();
                int[] xs = {1, h, w, ci};
                Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
                int x = g.addTensor("x", DataType.UINT8, xs, null, null, false);
                int f = g.addTensor("f", DataType.INT8, new int[] {co, 3, 3, ci}, null, ByteBuffer.wrap(bytes(r, co * 9 * ci)), false);
                int y = g.addTensor("y", DataType.UINT8, new int[0], null, null, false);
                g.addNode(OnnxOps.ONNX_QLINEAR_CONV, "conv", new int[] {x, f}, new int[] {y}, at, null);
                g.input(x).output(y);
                compare(g.build(), DataType.UINT8, xs, bytes(r, h * w * ci), 2, SimdConvOps.chooseBits(), "property " + v, v.equals("force"));
            }
        } finally {
            restore(WinogradKernel.PROPERTY, oldW);
        }
    }

    static float[] filled(int n, float v) {
        float[] f = new float[n];
        Arrays.fill(f, v);
        return f;
    }
}
