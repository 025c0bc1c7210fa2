package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.octet.ops.reference.FloatActivations;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the SIMD float32 SOFTMAX, SOFTMAX_AXIS and LOGISTIC kernels ({@link FloatKernel512} and its
 * 256/128-bit twins) against the reference: 1,000 random nodes per op and width, compiled both ways through the
 * factories (1..4 threads on the SIMD side), plus the vector exp against the scalar exp on millions of values and
 * every special class. Values: gaussians at scales 1e-3..1e3, +-0, NaN, +-inf, +-MAX_VALUE, denormals, values near
 * the -9 logistic switch and the +-88.7 exp clamps; shapes with rows/columns shorter than a vector. Outputs must be
 * bit-identical (all NaNs count as one, as in {@link EwKernelTester}).
 */
class FloatKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void softmax(int bits) { runMany(bits, Ops.SOFTMAX, 31); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void logistic(int bits) { runMany(bits, Ops.LOGISTIC, 32); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void softmaxAxis(int bits) { runMany(bits, OnnxOps.SOFTMAX_AXIS, 33); }

    /**
     * The vector exp (as the SOFTMAX row kernel runs it, max 0 and beta 1, so on any input) and the LOGISTIC kernel
     * against the scalar code, value by value.
     */
    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void expAndLogisticLanes(int bits) {
        if (bits > SimdWidth.preferred()) return;
        Random r = new Random(bits);
        int n = cases() * 1024 + 3;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 3 == 0 ? Float.intBitsToFloat(r.nextInt()) : value(r);
        float[] e = new float[n], l = new float[n], want = new float[n];
        int done = switch (bits) {
            case 512 -> FloatKernel512.expRow(x, 0, e, 0, n, 0f, 1f);
            case 256 -> FloatKernel256.expRow(x, 0, e, 0, n, 0f, 1f);
            default -> FloatKernel128.expRow(x, 0, e, 0, n, 0f, 1f);
        };
        assertTrue(done > n - bits / 32, "whole vectors done");
        switch (bits) {
            case 512 -> FloatKernel512.logistic(x, 0, l, 0, 0, n, n);
            case 256 -> FloatKernel256.logistic(x, 0, l, 0, 0, n, n);
            default -> FloatKernel128.logistic(x, 0, l, 0, 0, n, n);
        }
        FloatActivations.logistic(x, 0, want, 0, 0, n, n);
        for (int i = 0; i < n; i++) {
            if (i < done) {
                float v = FloatActivations.ftz((FloatActivations.ftz(x[i]) - 0f) * 1f);
                assertEquals(Float.floatToIntBits(FloatActivations.exp(v)), Float.floatToIntBits(e[i]), "exp(" + x[i] + ")");
            }
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(l[i]), "logistic(" + x[i] + ") at " + i);
        }
        System.out.printf("FloatKernelTester lanes bits=%d: %d values identical (exp, logistic)%n", bits, n);
    }

    /** Accuracy of the engine's exp against the correctly rounded e^x (documented in docs/float-fp16.md). */
    @Test
    void expAccuracy() {
        Random r = new Random(7);
        long maxUlp = 0;
        float worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            float x = -87f + r.nextFloat() * 175f;
            float want = (float) StrictMath.exp(x), got = FloatActivations.exp(x);
            long ulp = Math.abs((long) Float.floatToIntBits(want) - Float.floatToIntBits(got));
            if (ulp > maxUlp) { maxUlp = ulp; worst = x; }
        }
        System.out.printf("FloatKernelTester exp: max %d ulp from the correctly rounded e^x (at x = %s)%n", maxUlp, worst);
        assertTrue(maxUlp <= 2, "exp is " + maxUlp + " ulp off at " + worst);
    }

    static float value(Random r) {
        return switch (r.nextInt(60)) {
            case 0 -> -0f;
            case 1 -> Float.NaN;
            case 2 -> Float.POSITIVE_INFINITY;
            case 3 -> Float.NEGATIVE_INFINITY;
            case 4 -> 0f;
            case 5 -> r.nextBoolean() ? Float.MAX_VALUE : -Float.MAX_VALUE;
            case 6 -> Float.intBitsToFloat(r.nextInt(0x800000)) * (r.nextBoolean() ? 1 : -1); // denormal
            case 7 -> (r.nextBoolean() ? 1 : -1) * Float.MIN_NORMAL * (1 + r.nextFloat());
            case 8 -> -9f + (r.nextFloat() - 0.5f) * 1e-5f;
            case 9 -> (r.nextBoolean() ? 88.723f : -88.723f) + (r.nextFloat() - 0.5f) * 2f;
            case 10 -> (r.nextBoolean() ? 1 : -1) * (float) Math.pow(10, r.nextDouble() * 38);
            case 11 -> (r.nextBoolean() ? 1 : -1) * (float) Math.pow(10, -r.nextDouble() * 45);
            case 12, 13, 14 -> -20f + r.nextFloat() * 130f;
            default -> (float) (r.nextGaussian() * Math.pow(10, -3 + r.nextInt(7)));
        };
    }

    private void runMany(int bits, String op, long seed) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits");
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        try {
            Random r = new Random(seed * 1000 + bits);
            int simd = 0;
            for (int c = 0; c < cases(); c++) if (check(r, op, bits)) simd++;
            System.out.printf("FloatKernelTester %s bits=%d: %d cases identical, %d on the SIMD kernel%n", op, bits, cases(), simd);
            assertTrue(simd >= cases() / 2, "SIMD kernel used on only " + simd + " of " + cases());
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
        }
    }

    static int[] shape(Random r, String op) {
        int rank = 1 + r.nextInt(4);
        int[] s = new int[rank];
        boolean big = r.nextInt(4) == 0;
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(big && i == rank - 1 ? 1200 : 9);
        if (op.equals(OnnxOps.SOFTMAX_AXIS) && rank == 1) s = new int[] {s[0], 4 + r.nextInt(40)};
        if (r.nextInt(10) == 0) s = new int[] {1, 4 + r.nextInt(20), 1 + r.nextInt(300)}; // big enough to split
        return s;
    }

    boolean check(Random r, String op, int bits) {
        int threads = 1 + r.nextInt(4);
        int[] s = shape(r, op);
        boolean onnx = op.equals(OnnxOps.SOFTMAX_AXIS) || r.nextBoolean();
        Graph.Builder g = Graph.builder(onnx ? Semantics.ONNX : Semantics.TFLITE, "test");
        Attributes.Builder a = Attributes.builder();
        if (op.equals(Ops.SOFTMAX)) a.put(Ops.ATTR_BETA, new float[] {1f, 0.5f, 2f, 0.1f, 1e-3f, 30f}[r.nextInt(6)]);
        if (op.equals(OnnxOps.SOFTMAX_AXIS)) {
            int axis = r.nextInt(s.length);
            if (axis == s.length - 1) axis = 0;
            a.put(Ops.ATTR_AXIS, r.nextBoolean() ? axis : axis - s.length);
        }
        int in = g.addTensor("in", DataType.FLOAT32, s, null, null, false);
        int out = g.addTensor("out", DataType.FLOAT32, new int[0], null, null, false);
        g.addNode(op, "n", new int[] {in}, new int[] {out}, a.build(), null);
        g.input(in).output(out);
        Graph graph = g.build();
        int n = EwKernelTester.size(s);
        float[] x = new float[n];
        int mode = r.nextInt(4); // 0: wild values everywhere; else mostly ordinary logits
        float scale = (float) Math.pow(10, -2 + r.nextInt(4));
        for (int i = 0; i < n; i++) x[i] = mode == 0 || r.nextInt(50) == 0 ? value(r) : (float) r.nextGaussian() * scale;
        Model ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        Model simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        String variant = simd.kernel(0).variant();
        Object[] feeds = {x};
        int[][] shapes = {s};
        Tensor p = EwKernelTester.run(ref, feeds, shapes, DataType.FLOAT32), q = EwKernelTester.run(simd, feeds, shapes, DataType.FLOAT32);
        String desc = op + " " + Arrays.toString(s) + " " + a.build() + " threads " + threads + " (" + variant + ")";
        assertArrayEquals(bits(p.floats()), bits(q.floats()), desc);
        return variant.startsWith("simd" + bits);
    }

    static int[] bits(float[] f) {
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) b[i] = Float.floatToIntBits(f[i]);
        return b;
    }
}
