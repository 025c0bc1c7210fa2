package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
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
 * Random tester of the SIMD per-tensor ONNX_QUANTIZE_LINEAR against the reference kernel: uint8/int8 outputs, zero
 * points at the extremes, scales from 1e-6 to 100, inputs with NaN, infinities, -0, values exactly half-way between
 * two codes (round half to even), huge values, sizes from 1 to ~200k on 1..4 threads. At 128 bits the SIMD factory
 * declines (reference kernel); at 256 and 512 the SIMD kernel must run. Outputs must be bit-identical.
 */
class QuantizeKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void quantizeLinear(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits");
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        try {
            Random r = new Random(53_000 + bits);
            for (int i = 0; i < cases(); i++) check(r, bits);
            System.out.printf("QuantizeKernelTester bits=%d: %d cases identical%n", bits, cases());
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
        }
    }

    void check(Random r, int bits) {
        DataType ty = r.nextBoolean() ? DataType.UINT8 : DataType.INT8;
        int n = switch (r.nextInt(4)) {
            case 0 -> 1 + r.nextInt(40);
            case 1 -> 1 + r.nextInt(200_000);
            default -> 1 + r.nextInt(3000);
        };
        int[] shape = r.nextBoolean() ? new int[] {n} : new int[] {1, 1, n};
        float scale = EwKernelTester.scale(r);
        int zp = EwKernelTester.zp(r, ty);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (r.nextInt(30)) {
                case 0 -> Float.NaN;
                case 1 -> Float.POSITIVE_INFINITY;
                case 2 -> Float.NEGATIVE_INFINITY;
                case 3 -> -0f;
                case 4 -> (r.nextInt(600) - 300 + 0.5f) * scale; // about half-way between codes
                case 5 -> (float) (r.nextGaussian() * 1e9);
                default -> (float) (r.nextGaussian() * 150 * scale);
            };
        }
        int threads = 1 + r.nextInt(4);
        Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
        int xi = g.addTensor("x", DataType.FLOAT32, shape, null, null, false);
        ByteBuffer sb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, scale);
        int si = g.addTensor("s", DataType.FLOAT32, new int[] {1}, null, sb, false);
        int zi = g.addTensor("z", ty, new int[] {1}, null, ByteBuffer.wrap(new byte[] {(byte) zp}), false);
        int y = g.addTensor("y", ty, new int[0], null, null, false);
        g.addNode(OnnxOps.ONNX_QUANTIZE_LINEAR, "q", new int[] {xi, si, zi}, new int[] {y}, Attributes.EMPTY, null);
        g.input(xi).output(y);
        Graph graph = g.build();
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        assertEquals(bits == 128 ? "reference" : "simd" + bits + "-quantize", simd.kernel(0).variant());
        byte[] p = run(ref, shape, x), q = run(simd, shape, x);
        assertArrayEquals(p, q, "QUANTIZE_LINEAR " + ty + " " + Arrays.toString(shape) + " scale " + scale + " zp " + zp + " threads " + threads);
    }

    static byte[] run(Model m, int[] shape, float[] in) {
        try (dev.octet.core.Interpreter it = m.newInterpreter()) {
            it.setInput(0, Tensor.ofFloats(shape, in));
            it.run();
            return it.output(0).bytes();
        }
    }
}
