package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelFormatException;
import dev.octet.core.ModelOptions;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.ops.BuiltinOps;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the direct float-row kernel on TFLite CONV_2D ({@link SimdDirectConvOps} with TFLite's
 * double-rounding requantization) against the reference: 1,000 random nodes per width, uint8 per-tensor and int8
 * per-channel (sometimes per-tensor), 1..2 vectors of output channels, 1..40 input channels and 3-channel stems,
 * windows 1x1..5x5, strides 1..3, SAME/VALID/explicit padding, fused activations, zero points at the extremes,
 * scales tiny (multiplier flushed to zero) to large (left shifts), biases up to 2^28, batch 1..2, 1..4 threads. Outputs
 * must be bit-identical; the direct kernel must be used whenever its float accumulator is provably exact.
 */
class TfliteDirectConvTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void tfliteConv(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits"), oldWinograd = System.getProperty(WinogradKernel.PROPERTY);
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        System.setProperty(WinogradKernel.PROPERTY, "false"); // 3x3 stride-1 layers with two vectors would go to Winograd
        try {
            Random r = new Random(71_000 + bits);
            int done = 0, direct = 0, attempts = 0;
            int cases = cases();
            while (done < cases) {
                assertTrue(++attempts < cases * 20, "too many invalid random cases");
                Boolean d = check(r, bits);
                if (d == null) continue;
                done++;
                if (d) direct++;
            }
            System.out.printf("TfliteDirectConvTester bits=%d: %d cases identical, %d on the direct kernel%n", bits, done, direct);
            assertTrue(direct >= done * 8 / 10, "direct kernel used on only " + direct + " of " + done);
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
            if (oldWinograd == null) System.clearProperty(WinogradKernel.PROPERTY);
            else System.setProperty(WinogradKernel.PROPERTY, oldWinograd);
        }
    }

    /** Null when the random node is invalid (window does not fit), else whether the direct kernel ran. */
    static Boolean check(Random r, int bits) {
        int lanes = bits / 32;
        boolean u8 = r.nextBoolean();
        DataType t = u8 ? DataType.UINT8 : DataType.INT8;
        int co = r.nextInt(4) == 0 ? (r.nextBoolean() ? lanes : 2 * lanes) : 1 + r.nextInt(2 * lanes);
        int ci = r.nextInt(4) == 0 ? 3 : r.nextInt(3) == 0 ? 1 + r.nextInt(40) : 1 + r.nextInt(8);
        int kh = 1 + r.nextInt(r.nextInt(5) == 0 ? 5 : 3), kw = r.nextInt(6) == 0 ? 5 : 1 + r.nextInt(3);
        int n = 1 + (r.nextInt(5) == 0 ? 1 : 0), h = 1 + r.nextInt(16), w = 1 + r.nextInt(18);
        int sh = 1 + r.nextInt(3), sw = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sh;
        int threads = 1 + r.nextInt(4);
        Attributes.Builder a = Attributes.builder().put(Ops.ATTR_STRIDE_H, sh).put(Ops.ATTR_STRIDE_W, sw);
        int pad = r.nextInt(3);
        if (pad == 0) a.put(Ops.ATTR_PADS, new int[] {r.nextInt(kh), r.nextInt(kw), r.nextInt(kh), r.nextInt(kw)});
        else a.put(Ops.ATTR_PADDING, pad == 1 ? "SAME" : "VALID");
        String[] acts = {"NONE", "RELU", "RELU6", "RELU_N1_TO_1"};
        a.put(Ops.ATTR_ACTIVATION, acts[r.nextInt(4)]);
        int xzp = DwKernelTester.Case.zp(r, t), yzp = DwKernelTester.Case.zp(r, t);
        float xs = DwKernelTester.Case.scale(r), ys = DwKernelTester.Case.scale(r);
        QuantParams wq;
        int wzp = 0;
        if (u8) {
            wzp = DwKernelTester.Case.zp(r, t);
            wq = QuantParams.perTensor(DwKernelTester.Case.scale(r), wzp);
        } else {
            float[] sc = new float[co];
            for (int c = 0; c < co; c++) sc[c] = DwKernelTester.Case.scale(r);
            wq = r.nextInt(5) == 0 ? QuantParams.perTensor(sc[0], 0) : QuantParams.perAxis(sc, new int[co], 0);
        }
        int k = kh * kw * ci;
        byte[] filt = new byte[co * k];
        r.nextBytes(filt);
        if (!u8) for (int i = 0; i < filt.length; i++) if (filt[i] == -128) filt[i] = -127;
        ByteBuffer bb = DwKernelTester.le(4 * co);
        boolean big = r.nextInt(4) == 0;
        for (int c = 0; c < co; c++) bb.putInt(big ? r.nextInt(1 << 29) - (1 << 28) : r.nextInt(1 << 17) - (1 << 16));
        bb.flip();
        int[] inShape = {n, h, w, ci};
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
        int x = g.addTensor("in", t, inShape, QuantParams.perTensor(xs, xzp), null, false);
        int f = g.addTensor("w", t, new int[] {co, kh, kw, ci}, wq, ByteBuffer.wrap(filt), false);
        boolean hasBias = r.nextInt(5) != 0;
        int b = hasBias ? g.addTensor("b", DataType.INT32, new int[] {co}, QuantParams.perTensor(xs * wq.scale(0), 0), bb, false) : -1;
        int y = g.addTensor("out", t, new int[0], QuantParams.perTensor(ys, yzp), null, false);
        g.addNode(Ops.CONV_2D, "conv", new int[] {x, f, b}, new int[] {y}, a.build(), null);
        g.input(x).output(y);
        Graph graph = g.build();
        Model ref;
        try {
            ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        } catch (ModelFormatException e) {
            return null;
        }
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        String desc = "CONV_2D " + t + Arrays.toString(inShape) + " filter [" + co + "," + kh + "," + kw + "," + ci + "] " + wq + " " + a.build() + " threads " + threads;
        int maxAbsX = Math.max(Math.abs(t.minValue() - xzp), Math.abs(t.maxValue() - xzp));
        boolean exact = true;
        for (int c = 0; c < co; c++) {
            long bound = 0;
            for (int q = 0; q < k; q++) bound += (long) Math.abs((u8 ? filt[c * k + q] & 0xFF : filt[c * k + q]) - wzp) * maxAbsX;
            exact &= bound < (1L << 24);
        }
        String v = simd.kernel(0).variant();
        boolean direct = v.startsWith("simd" + bits + "-directconv") && v.endsWith("-tflite");
        // the direct kernel declines only for inexact accumulators or an empty activation range (absurd output scale)
        if (exact && !direct) assertTrue(v.startsWith("simd-gemm"), desc + ": " + v);
        if (!exact) assertTrue(!direct, desc + ": inexact accumulator on the direct kernel");
        byte[] in = new byte[n * h * w * ci];
        r.nextBytes(in);
        assertArrayEquals(SmallConvKernelTester.run(ref, t, inShape, in), SmallConvKernelTester.run(simd, t, inShape, in), desc + " (" + v + ")");
        return direct;
    }
}
