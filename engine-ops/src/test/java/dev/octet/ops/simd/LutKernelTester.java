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
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the SIMD LOOKUP_TABLE against the reference kernel: random 256-entry tables (and the identity and
 * constant ones), uint8/int8 input and output in any combination, sizes from 1 (tail only) to ~300k (split over 1..4
 * threads), shapes of rank 1..4. Outputs must be bit-identical, and equal to the table applied by hand.
 */
class LutKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void lookupTable(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits");
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        try {
            Random r = new Random(91_000 + bits);
            for (int i = 0; i < cases(); i++) check(r, bits);
            System.out.printf("LutKernelTester bits=%d: %d cases identical%n", bits, cases());
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
        }
    }

    void check(Random r, int bits) {
        DataType tx = r.nextBoolean() ? DataType.UINT8 : DataType.INT8, ty = r.nextBoolean() ? DataType.UINT8 : DataType.INT8;
        int rank = 1 + r.nextInt(4);
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        int n = switch (r.nextInt(4)) {
            case 0 -> 1 + r.nextInt(70);
            case 1 -> 1 + r.nextInt(300_000);
            default -> 1 + r.nextInt(5000);
        };
        shape[rank - 1] = n;
        if (rank > 1 && n % 2 == 0) { shape[rank - 1] = n / 2; shape[0] = 2; }
        byte[] table = new byte[256];
        switch (r.nextInt(5)) {
            case 0 -> { for (int i = 0; i < 256; i++) table[i] = (byte) i; }
            case 1 -> Arrays.fill(table, (byte) r.nextInt(256));
            default -> r.nextBytes(table);
        }
        int threads = 1 + r.nextInt(4);
        Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
        int x = g.addTensor("x", tx, shape, null, null, false);
        int t = g.addTensor("t", ty, new int[] {256}, null, ByteBuffer.wrap(table), false);
        int y = g.addTensor("y", ty, new int[0], null, null, false);
        g.addNode(OnnxOps.LOOKUP_TABLE, "lut", new int[] {x, t}, new int[] {y}, Attributes.EMPTY, null);
        g.input(x).output(y);
        Graph graph = g.build();
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        assertEquals("simd" + bits + "-lut", simd.kernel(0).variant());
        byte[] in = new byte[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        r.nextBytes(in);
        byte[] p = run(ref, tx, shape, in), q = run(simd, tx, shape, in);
        byte[] expect = new byte[in.length];
        for (int i = 0; i < in.length; i++) expect[i] = table[in[i] & 0xFF];
        String desc = "LOOKUP_TABLE " + tx + "->" + ty + " " + Arrays.toString(shape) + " threads " + threads;
        assertArrayEquals(expect, p, desc + " (reference)");
        assertArrayEquals(expect, q, desc + " (simd" + bits + ")");
    }

    static byte[] run(Model m, DataType t, int[] shape, byte[] in) {
        try (dev.octet.core.Interpreter it = m.newInterpreter()) {
            it.setInput(0, Tensor.of(t, shape, in));
            it.run();
            return it.output(0).bytes();
        }
    }
}
