package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import dev.octet.ops.BuiltinOps;
import dev.octet.ops.onnx.QdqFusedOps;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the SIMD ONNX_QDQ_MATMUL against the reference kernel: uint8/int8 operands in any combination
 * (output of the first operand's type), zero points at the extremes, scales from tiny to large (saturation both
 * ways), m/n/k from 1 (row and column tails shorter than a vector, fewer than 4 rows) to a few hundred, batch dims
 * with broadcasting on either side, 1..4 threads. Outputs must be bit-identical.
 */
class QdqMatmulKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void qdqMatmul(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits");
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        try {
            Random r = new Random(77_000 + bits);
            int simd = 0;
            for (int i = 0; i < cases(); i++) if (check(r, bits)) simd++;
            System.out.printf("QdqMatmulKernelTester bits=%d: %d cases identical, %d on the SIMD kernel%n", bits, cases(), simd);
            assertTrue(simd == cases(), "SIMD kernel used on only " + simd + " of " + cases() + " cases");
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
        }
    }

    static int dim(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> 1 + r.nextInt(4);
            case 1 -> 1 + r.nextInt(40);
            case 2 -> 60 + r.nextInt(400);
            default -> 1 + r.nextInt(100);
        };
    }

    boolean check(Random r, int bits) {
        DataType ta = r.nextBoolean() ? DataType.UINT8 : DataType.INT8, tb = r.nextBoolean() ? DataType.UINT8 : DataType.INT8;
        int m = dim(r), k = dim(r), n = dim(r);
        if ((long) m * k * n > 20_000_000L) k = Math.max(1, 20_000_000 / (m * n));
        int[] batchA, batchB;
        switch (r.nextInt(4)) {
            case 0 -> { batchA = new int[0]; batchB = new int[0]; }
            case 1 -> { int b = 1 + r.nextInt(3); batchA = new int[] {1, b}; batchB = new int[] {1, b}; }
            case 2 -> { batchA = new int[] {2, 1 + r.nextInt(2)}; batchB = new int[] {1}; }
            default -> { batchA = new int[] {1}; batchB = new int[] {1 + r.nextInt(3)}; }
        }
        int[] sa = concat(batchA, m, k), sb = concat(batchB, k, n);
        Attributes at = Attributes.builder().put(QdqFusedOps.ATTR_A_SCALE, EwKernelTester.scale(r)).put(QdqFusedOps.ATTR_B_SCALE, EwKernelTester.scale(r))
                .put(QdqFusedOps.ATTR_Y_SCALE, EwKernelTester.scale(r) * (r.nextBoolean() ? 1f : k * 50f))
                .put(QdqFusedOps.ATTR_A_ZERO_POINT, EwKernelTester.zp(r, ta)).put(QdqFusedOps.ATTR_B_ZERO_POINT, EwKernelTester.zp(r, tb))
                .put(QdqFusedOps.ATTR_Y_ZERO_POINT, EwKernelTester.zp(r, ta)).build();
        int threads = 1 + r.nextInt(4);
        Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
        int a = g.addTensor("a", ta, sa, null, null, false), b = g.addTensor("b", tb, sb, null, null, false);
        int y = g.addTensor("y", ta, new int[0], null, null, false);
        g.addNode(QdqFusedOps.ONNX_QDQ_MATMUL, "mm", new int[] {a, b}, new int[] {y}, at, null);
        g.input(a).input(b).output(y);
        Graph graph = g.build();
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        Object[] feeds = {EwKernelTester.data(r, ta, EwKernelTester.size(sa)), EwKernelTester.data(r, tb, EwKernelTester.size(sb))};
        String desc = "QDQ_MATMUL " + ta + Arrays.toString(sa) + " x " + tb + Arrays.toString(sb) + " " + at + " threads " + threads;
        Tensor p = run(ref, feeds, new int[][] {sa, sb}, new DataType[] {ta, tb}), q = run(simd, feeds, new int[][] {sa, sb}, new DataType[] {ta, tb});
        String variant = simd.kernel(0).variant();
        assertArrayEquals(p.bytes(), q.bytes(), desc + " (" + variant + ")");
        return variant.startsWith("simd" + bits);
    }

    static int[] concat(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    static Tensor run(Model m, Object[] feeds, int[][] shapes, DataType[] types) {
        try (dev.octet.core.Interpreter it = m.newInterpreter()) {
            for (int i = 0; i < feeds.length; i++) it.setInput(i, Tensor.of(types[i], shapes[i], feeds[i]));
            it.run();
            return it.output(0);
        }
    }
}
