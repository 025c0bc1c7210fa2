package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.octet.ops.onnx.OnnxOps;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random tester of the tiled TRANSPOSE ({@link SimdTransposeOps}) against the reference gather: 1,000 random shapes of
 * rank 1..5 (dimensions 1..9, sometimes up to 90 so that several 32x32 tiles and partial tiles occur, size-1
 * dimensions anywhere), random permutations (NCHW<->NHWC half the time), uint8/int8/float32, 1..4 threads. Outputs
 * must be identical; the tiled kernel must be used exactly when the permutation reduces to a batched matrix transpose
 * (checked against an independent brute-force classification).
 */
class TransposeKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    @Test
    void transpose() {
        Random r = new Random(61_001);
        int tiled = 0;
        for (int i = 0; i < CASES; i++) if (check(r)) tiled++;
        System.out.printf("TransposeKernelTester: %d cases identical, %d on the tiled kernel%n", CASES, tiled);
        assertTrue(tiled >= CASES / 5, "tiled kernel used on only " + tiled);
    }

    static boolean check(Random r) {
        int rank = 1 + r.nextInt(5);
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) shape[d] = r.nextInt(4) == 0 ? 1 : r.nextInt(5) == 0 ? 10 + r.nextInt(81) : 1 + r.nextInt(9);
        long n = 1;
        for (int d : shape) n *= d;
        if (n > 200_000) shape[0] = 1;
        int[] perm = new int[rank];
        for (int d = 0; d < rank; d++) perm[d] = d;
        if (rank == 4 && r.nextBoolean()) perm = r.nextBoolean() ? new int[] {0, 2, 3, 1} : new int[] {0, 3, 1, 2};
        else for (int d = rank - 1; d > 0; d--) { int j = r.nextInt(d + 1), t = perm[d]; perm[d] = perm[j]; perm[j] = t; }
        DataType t = switch (r.nextInt(3)) { case 0 -> DataType.UINT8; case 1 -> DataType.INT8; default -> DataType.FLOAT32; };
        int threads = 1 + r.nextInt(4);
        Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
        int x = g.addTensor("x", t, shape, null, null, false);
        int y = g.addTensor("y", t, new int[0], null, null, false);
        g.addNode(OnnxOps.TRANSPOSE, "tr", new int[] {x}, new int[] {y}, Attributes.builder().put(OnnxOps.ATTR_PERM, perm).build(), null);
        g.input(x).output(y);
        Graph graph = g.build();
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        String desc = t + Arrays.toString(shape) + " perm " + Arrays.toString(perm) + " threads " + threads;
        int size = 1;
        for (int d : shape) size *= d;
        Tensor in;
        if (t == DataType.FLOAT32) {
            float[] f = new float[size];
            for (int i = 0; i < size; i++) f[i] = (float) r.nextGaussian();
            in = Tensor.of(t, shape, f);
        } else {
            byte[] b = new byte[size];
            r.nextBytes(b);
            in = Tensor.of(t, shape, b);
        }
        Tensor a = KernelTester.run(ref, new Tensor[] {in})[0], b = KernelTester.run(simd, new Tensor[] {in})[0];
        assertTrue(a.contentEquals(b), desc + ": differs from the reference");
        boolean used = simd.kernel(0).variant().equals("simd-transpose-tiled");
        assertEquals(isMatrixTranspose(shape, perm), used, desc + ": " + simd.kernel(0).variant());
        return used;
    }

    /**
     * Brute force: the permutation is a batched matrix transpose when some split of the non-trivial output dims into
     * [batch | X | Y] (X, Y non-empty) reads as input [batch | Y | X] with each block's dims in order.
     */
    static boolean isMatrixTranspose(int[] shape, int[] perm) {
        int[] p = Arrays.stream(perm).filter(d -> shape[d] != 1).toArray();
        int k = p.length;
        for (int nb = 0; nb < k; nb++) {
            for (int nx = 1; nb + nx < k; nx++) {
                int[] expect = new int[k];
                int j = 0;
                for (int i = 0; i < nb; i++) expect[j++] = p[i];
                for (int i = nb + nx; i < k; i++) expect[j++] = p[i];
                for (int i = nb; i < nb + nx; i++) expect[j++] = p[i];
                // input order of the non-trivial dims must be ascending in that arrangement
                boolean ok = true;
                for (int i = 1; i < k; i++) ok &= expect[i] > expect[i - 1];
                if (ok) return true;
            }
        }
        return false;
    }
}
