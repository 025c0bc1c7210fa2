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
import dev.octet.ops.BuiltinOps;
import dev.octet.ops.onnx.OnnxOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the very-narrow 1x1 ONNX_QLINEAR_CONV kernel ({@link SimdNarrowConvOps}) against the reference:
 * 1..4 output channels, 1..100 input channels (tails shorter than a vector, exact multiples, fewer than one vector),
 * batch 1..2, 1..~1,200 pixels, uint8/int8 input with int8/uint8 filters, filter zero points per channel, input and
 * output zero points at the extremes, per-channel scales from tiny to large (saturation), biases up to 2^28 (and
 * none), 1..4 threads. Outputs must be bit-identical and the narrow kernel must be the one used.
 */
class NarrowConvKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void narrow1x1(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits");
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        try {
            Random r = new Random(47_000 + bits);
            for (int i = 0; i < cases(); i++) check(r, bits);
            System.out.printf("NarrowConvKernelTester bits=%d: %d cases identical%n", bits, cases());
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
        }
    }

    void check(Random r, int bits) {
        DataType tx = r.nextBoolean() ? DataType.UINT8 : DataType.INT8, tw = r.nextInt(4) == 0 ? DataType.UINT8 : DataType.INT8;
        int co = 1 + r.nextInt(SimdNarrowConvOps.MAX_CO);
        int ci = switch (r.nextInt(4)) {
            case 0 -> 1 + r.nextInt(7);
            case 1 -> 16 * (1 + r.nextInt(4));
            default -> 1 + r.nextInt(100);
        };
        int batch = 1 + r.nextInt(2), h = 1 + r.nextInt(r.nextBoolean() ? 4 : 30), w = 1 + r.nextInt(40);
        int[] wzp = new int[co];
        float[] os = new float[co];
        for (int c = 0; c < co; c++) {
            wzp[c] = r.nextInt(3) == 0 ? 0 : EwKernelTester.zp(r, tw);
            os[c] = EwKernelTester.scale(r) * (r.nextBoolean() ? 1f : 1e-3f);
        }
        byte[] filt = new byte[co * ci];
        r.nextBytes(filt);
        ByteBuffer bias = ByteBuffer.allocate(4 * co).order(ByteOrder.LITTLE_ENDIAN);
        boolean big = r.nextInt(4) == 0;
        for (int c = 0; c < co; c++) bias.putInt(big ? r.nextInt(1 << 29) - (1 << 28) : r.nextInt(20001) - 10000);
        bias.flip();
        Attributes.Builder ab = Attributes.builder().put(Ops.ATTR_STRIDE_H, 1).put(Ops.ATTR_STRIDE_W, 1)
                .put(OnnxOps.ATTR_X_ZERO_POINT, EwKernelTester.zp(r, tx)).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp)
                .put(OnnxOps.ATTR_OUTPUT_SCALES, os).put(OnnxOps.ATTR_Y_ZERO_POINT, EwKernelTester.zp(r, tx));
        if (r.nextBoolean()) ab.put(Ops.ATTR_PADS, new int[] {0, 0, 0, 0});
        Attributes at = ab.build();
        int threads = 1 + r.nextInt(4);
        int[] xs = {batch, h, w, ci};
        Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
        int x = g.addTensor("x", tx, xs, null, null, false);
        int f = g.addTensor("f", tw, new int[] {co, 1, 1, ci}, null, ByteBuffer.wrap(filt), false);
        int hasBias = r.nextInt(4) == 0 ? 0 : 1;
        int b = hasBias == 1 ? g.addTensor("b", DataType.INT32, new int[] {co}, null, bias, false) : -1;
        int y = g.addTensor("y", tx, new int[0], null, null, false);
        g.addNode(OnnxOps.ONNX_QLINEAR_CONV, "conv", hasBias == 1 ? new int[] {x, f, b} : new int[] {x, f}, new int[] {y}, at, null);
        g.input(x).output(y);
        Graph graph = g.build();
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        String desc = "QLINEAR_CONV " + tx + Arrays.toString(xs) + " filter " + tw + " [" + co + ",1,1," + ci + "] " + at + " bias " + hasBias + " threads " + threads;
        assertTrue(simd.kernel(0).variant().equals("simd" + bits + "-narrow1x1"), desc + ": " + simd.kernel(0).variant());
        byte[] in = new byte[batch * h * w * ci];
        r.nextBytes(in);
        assertArrayEquals(SmallConvKernelTester.run(ref, tx, xs, in), SmallConvKernelTester.run(simd, tx, xs, in), desc + " (" + simd.kernel(0).variant() + ")");
    }
}
