package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Ops;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import dev.octet.ops.BuiltinOps;
import dev.octet.ops.onnx.OnnxOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the narrow-layer ONNX_QLINEAR_CONV kernel ({@link SimdSmallConvOps}) against the reference:
 * 1..2 vectors of output channels (1 to 32 at 512 bits), 1..40 input channels, 1x1 to 3x3 windows (and 1x5), strides
 * and dilations 1..2, explicit asymmetric pads, uint8/int8 input with int8/uint8 filters, per-channel filter zero
 * points, per-channel scales from tiny to large (saturation), random int32 bias, batch 1..2, pixel counts that leave a
 * partial last tile, 1..4 threads. Outputs must be bit-identical and the narrow kernel must be the one used.
 */
class SmallConvKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void smallConv(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits"), oldWinograd = System.getProperty(WinogradKernel.PROPERTY);
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        System.setProperty(WinogradKernel.PROPERTY, "false"); // 3x3 stride-1 draws would otherwise get the Winograd kernel
        try {
            Random r = new Random(31_000 + bits);
            for (int i = 0; i < cases(); i++) check(r, bits);
            System.out.printf("SmallConvKernelTester bits=%d: %d cases identical%n", bits, cases());
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
            if (oldWinograd == null) System.clearProperty(WinogradKernel.PROPERTY);
            else System.setProperty(WinogradKernel.PROPERTY, oldWinograd);
        }
    }

    void check(Random r, int bits) {
        int lanes = bits / 32;
        DataType tx = r.nextBoolean() ? DataType.UINT8 : DataType.INT8, tw = r.nextInt(4) == 0 ? DataType.UINT8 : DataType.INT8;
        int co = 1 + r.nextInt(2 * lanes), ci = r.nextInt(3) == 0 ? 1 + r.nextInt(40) : 1 + r.nextInt(8);
        int kh = 1 + r.nextInt(3), kw = r.nextInt(8) == 0 ? 5 : 1 + r.nextInt(3);
        int batch = 1 + r.nextInt(2), h = 1 + r.nextInt(20), w = 1 + r.nextInt(20);
        int sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(2), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
        int[] pads = {r.nextInt(kh), r.nextInt(kw), r.nextInt(kh), r.nextInt(kw)};
        if ((h + pads[0] + pads[2] - ((kh - 1) * dh + 1)) < 0 || (w + pads[1] + pads[3] - ((kw - 1) * dw + 1)) < 0) { check(r, bits); return; }
        int[] wzp = new int[co];
        float[] os = new float[co];
        for (int c = 0; c < co; c++) {
            wzp[c] = tw == DataType.UINT8 ? r.nextInt(256) : (r.nextBoolean() ? 0 : r.nextInt(256) - 128);
            os[c] = EwKernelTester.scale(r) * (r.nextBoolean() ? 1f : 1e-3f);
        }
        byte[] filt = new byte[co * kh * kw * ci];
        r.nextBytes(filt);
        ByteBuffer bias = ByteBuffer.allocate(4 * co).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < co; c++) bias.putInt(r.nextInt(20001) - 10000);
        bias.flip();
        Attributes at = Attributes.builder().put(Ops.ATTR_PADS, pads).put(Ops.ATTR_STRIDE_H, sh).put(Ops.ATTR_STRIDE_W, sw).put(Ops.ATTR_DILATION_H, dh)
                .put(Ops.ATTR_DILATION_W, dw).put(OnnxOps.ATTR_X_ZERO_POINT, EwKernelTester.zp(r, tx)).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp)
                .put(OnnxOps.ATTR_OUTPUT_SCALES, os).put(OnnxOps.ATTR_Y_ZERO_POINT, EwKernelTester.zp(r, tx)).build();
        int threads = 1 + r.nextInt(4);
        int[] xs = {batch, h, w, ci};
        Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
        int x = g.addTensor("x", tx, xs, null, null, false);
        int f = g.addTensor("f", tw, new int[] {co, kh, kw, ci}, null, ByteBuffer.wrap(filt), false);
        int hasBias = r.nextInt(4) == 0 ? 0 : 1;
        int b = hasBias == 1 ? g.addTensor("b", DataType.INT32, new int[] {co}, null, bias, false) : -1;
        int y = g.addTensor("y", tx, new int[0], null, null, false);
        g.addNode(OnnxOps.ONNX_QLINEAR_CONV, "conv", hasBias == 1 ? new int[] {x, f, b} : new int[] {x, f}, new int[] {y}, at, null);
        g.input(x).output(y);
        Graph graph = g.build();
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        String desc = "QLINEAR_CONV " + tx + Arrays.toString(xs) + " filter " + tw + " [" + co + "," + kh + "," + kw + "," + ci + "] " + at + " bias " + hasBias + " threads " + threads;
        assertTrue(simd.kernel(0).variant().startsWith("simd" + bits + "-smallconv"), desc + ": " + simd.kernel(0).variant());
        byte[] in = new byte[batch * h * w * ci];
        r.nextBytes(in);
        assertArrayEquals(run(ref, tx, xs, in), run(simd, tx, xs, in), desc + " (" + simd.kernel(0).variant() + ")");
    }

    static byte[] run(Model m, DataType t, int[] shape, byte[] in) {
        try (dev.octet.core.Interpreter it = m.newInterpreter()) {
            it.setInput(0, Tensor.of(t, shape, in));
            it.run();
            return it.output(0).bytes();
        }
    }
}
