package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Tensor;
import dev.octet.core.UnsupportedOpException;
import dev.octet.loaders.Octet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import dev.octet.testdata.HybridModels.WeightMode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Dynamic-range (hybrid) single-op models ({@link HybridModels}) run by TFLite 2.6.2 and by Octet (REFERENCE and
 * SIMD modes, SIMD with 3 threads, SIMD at 128 and 256 bits) on many random inputs of different shapes of distribution (wide and narrow ranges, all-positive,
 * all-negative, rows of zeros, the all-zero input, integer inputs that put the quantization on exact .5 ties).
 * TFLite's hybrid output is a pure function of int32 accumulators, the row quantization and float scales, so the
 * criterion is the strictest one: identical float bits. Each case also runs the float twin (dequantized weights)
 * in TFLite and reports how far the hybrid result is from it (the tolerance dynamic-range quantization has),
 * and checks Octet stays within TFLite's own distance.
 */
class HybridOracleTest {
    static final int INPUTS = 24;

    record Case(String name, Function<Boolean, byte[]> model) {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        long seed = 9100;
        for (boolean asym : new boolean[] {false, true}) {
            String a = asym ? " asym" : " sym";
            for (String act : new String[] {"NONE", "RELU", "RELU6", "RELU_N1_TO_1"}) {
                final long s = seed++;
                c.add(new Case("FC b3 k37 co19" + a + " " + act, h -> HybridModels.fc(h, 3, 37, 19, WeightMode.PER_TENSOR, asym, act, true, false, s)));
            }
            final long s1 = seed++, s2 = seed++, s3 = seed++, s4 = seed++;
            c.add(new Case("FC b1 k1 co1" + a, h -> HybridModels.fc(h, 1, 1, 1, WeightMode.PER_TENSOR, asym, "NONE", true, false, s1)));
            c.add(new Case("FC b8 k200 co64" + a + " no bias", h -> HybridModels.fc(h, 8, 200, 64, WeightMode.PER_TENSOR, asym, "NONE", false, false, s2)));
            c.add(new Case("FC b4 k13 co7" + a + " keep_num_dims", h -> HybridModels.fc(h, 4, 13, 7, WeightMode.PER_TENSOR, asym, "RELU", true, true, s3)));
            c.add(new Case("FC b5 k1024 co33" + a, h -> HybridModels.fc(h, 5, 1024, 33, WeightMode.PER_TENSOR, asym, "NONE", true, false, s4)));
        }
        for (boolean pc : new boolean[] {true, false}) {
            String p = pc ? " per-channel" : " per-tensor";
            long s = seed;
            seed += 10;
            c.add(new Case("CONV k3 SAME" + p, h -> HybridModels.conv(h, 1, 9, 7, 5, 6, 3, 3, 1, 1, "SAME", "NONE", pc ? WeightMode.PER_CHANNEL : WeightMode.PER_TENSOR, s)));
            c.add(new Case("CONV k3 s2 VALID RELU6 b2" + p, h -> HybridModels.conv(h, 2, 11, 10, 4, 9, 3, 3, 2, 1, "VALID", "RELU6", pc ? WeightMode.PER_CHANNEL : WeightMode.PER_TENSOR, s + 1)));
            c.add(new Case("CONV k1 b3 RELU" + p, h -> HybridModels.conv(h, 3, 5, 6, 16, 8, 1, 1, 1, 1, "SAME", "RELU", pc ? WeightMode.PER_CHANNEL : WeightMode.PER_TENSOR, s + 2)));
            c.add(new Case("CONV k3 dilation2 SAME" + p, h -> HybridModels.conv(h, 1, 10, 9, 3, 5, 3, 3, 1, 2, "SAME", "NONE", pc ? WeightMode.PER_CHANNEL : WeightMode.PER_TENSOR, s + 3)));
            c.add(new Case("CONV k5x5 s2 SAME RELU_N1_TO_1 b2" + p, h -> HybridModels.conv(h, 2, 13, 12, 7, 4, 5, 5, 2, 1, "SAME", "RELU_N1_TO_1", pc ? WeightMode.PER_CHANNEL : WeightMode.PER_TENSOR, s + 4)));
        }
        long s = seed;
        c.add(new Case("DW k3 SAME m1", h -> HybridModels.depthwise(h, 1, 9, 8, 6, 1, 3, 3, 1, 1, "SAME", "NONE", WeightMode.PER_CHANNEL, s)));
        c.add(new Case("DW k3 s2 VALID m2 b2 RELU6", h -> HybridModels.depthwise(h, 2, 12, 11, 5, 2, 3, 3, 2, 1, "VALID", "RELU6", WeightMode.PER_CHANNEL, s + 1)));
        c.add(new Case("DW k5 dilation2 SAME m3 RELU", h -> HybridModels.depthwise(h, 1, 13, 12, 4, 3, 5, 5, 1, 2, "SAME", "RELU", WeightMode.PER_CHANNEL, s + 2)));
        c.add(new Case("DW k3 b3 32ch", h -> HybridModels.depthwise(h, 3, 6, 7, 32, 1, 3, 3, 1, 1, "SAME", "NONE", WeightMode.PER_CHANNEL, s + 3)));
        for (Object[] b : BMM_SHAPES) {
            for (boolean asym : new boolean[] {false, true}) {
                final long sb = seed++;
                int[] ls = (int[]) b[1], rs = (int[]) b[2], os = (int[]) b[3];
                boolean ax = (Boolean) b[4], ay = (Boolean) b[5];
                c.add(new Case("BATCH_MATMUL " + b[0] + (asym ? " asym" : " sym"),
                        h -> HybridModels.bmm(h ? "hybrid" : "twin", ls, rs, os, ax, ay, asym, sb)));
            }
        }
        return c;
    }

    /**
     * Non-finite and extreme inputs (NaN, infinities, +-3e38, denormals) must not break a hybrid kernel: it runs and
     * writes every output (TFLite's behaviour there is undefined C++, so only robustness is checked).
     */
    @TestFactory
    Stream<DynamicTest> nonFiniteInputsDoNotBreakHybridKernels() {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e38f, -3e38f, Float.MIN_VALUE, -0f};
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Model m = Octet.load(c.model().apply(true), ModelOptions.DEFAULT);
            Random r = new Random(3);
            for (float sp : specials) {
                float[] x = input(m.input(0).size(), m.input(0).shape()[m.input(0).rank() - 1], 0, r);
                for (int i = 0; i < x.length; i += 1 + r.nextInt(4)) x[i] = sp;
                try (Interpreter it = m.newInterpreter()) {
                    it.setInput(0, Tensor.ofFloats(m.input(0).shape(), x));
                    it.run();
                    assertEquals(m.output(0).size(), it.output(0).floats().length);
                }
            }
        }));
    }

    /** BATCH_MATMUL cases: name, lhs shape, rhs shape (as stored), output shape, adj_x, adj_y. */
    static final Object[][] BMM_SHAPES = {
            {"[3,5]x[5,4]", new int[] {3, 5}, new int[] {5, 4}, new int[] {3, 4}, false, false},
            {"[2,3,7]x[2,7,6]", new int[] {2, 3, 7}, new int[] {2, 7, 6}, new int[] {2, 3, 6}, false, false},
            {"adj_x [2,7,3]x[7,6]", new int[] {2, 7, 3}, new int[] {7, 6}, new int[] {2, 3, 6}, true, false},
            {"adj_y broadcast [1,4,9]x[3,5,9]", new int[] {1, 4, 9}, new int[] {3, 5, 9}, new int[] {3, 4, 5}, false, true},
            {"rank4 broadcast [2,1,3,8]x[1,3,8,4]", new int[] {2, 1, 3, 8}, new int[] {1, 3, 8, 4}, new int[] {2, 3, 3, 4}, false, false},
            {"adj_x adj_y [2,6,4]x[2,5,6]", new int[] {2, 6, 4}, new int[] {2, 5, 6}, new int[] {2, 4, 5}, true, true},
            {"k300 [4,300]x[300,16]", new int[] {4, 300}, new int[] {300, 16}, new int[] {4, 16}, false, false},
    };

    /**
     * Weight descriptions TFLite 2.6.2 does not compute (its output ignores the weights, or reads past the scales):
     * Octet refuses them at load, naming the node. The library's behaviour is checked too, so the reason in the
     * message stays true: for the first three its output does not depend on the input (bias alone).
     */
    @TestFactory
    Stream<DynamicTest> combinationsTfliteGetsWrongAreRefusedAtLoad() {
        long s = 9300;
        List<Case> c = List.of(
                new Case("FC per-channel", h -> HybridModels.fc(h, 2, 20, 6, WeightMode.PER_CHANNEL, false, "NONE", true, false, s)),
                new Case("FC per-axis equal scales", h -> HybridModels.fc(h, 2, 20, 6, WeightMode.PER_AXIS_EQUAL, true, "NONE", true, false, s + 1)),
                new Case("CONV per-axis equal scales", h -> HybridModels.conv(h, 2, 6, 5, 3, 4, 3, 3, 1, 1, "SAME", "NONE", WeightMode.PER_AXIS_EQUAL, s + 2)),
                new Case("DW per-tensor", h -> HybridModels.depthwise(h, 1, 7, 6, 5, 1, 3, 3, 1, 1, "SAME", "NONE", WeightMode.PER_TENSOR, s + 3)));
        return c.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            byte[] model = k.model().apply(true);
            UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> Octet.load(model, ModelOptions.DEFAULT));
            assertTrue(e.getMessage().contains("at node 0") && e.getMessage().contains("hybrid") && e.getMessage().contains("TFLite 2.6.2"), e.getMessage());
            if (k.name().startsWith("DW") || !TfliteOracle.available()) return;
            try (TfliteOracle o = TfliteOracle.load(model)) {
                Random r = new Random(1);
                int[] shape = o.input(0).shape();
                float[] a = o.run(Tensor.ofFloats(shape, input(o.input(0).size(), shape[shape.length - 1], 0, r))).get(0).floats();
                float[] b = o.run(Tensor.ofFloats(shape, input(o.input(0).size(), shape[shape.length - 1], 1, r))).get(0).floats();
                assertArrayEquals(a, b, "TFLite 2.6.2's output now depends on the input: revisit the refusal");
            }
        }));
    }

    /** Random float inputs of several kinds, chosen by index; rows are the last dimension's vectors. */
    static float[] input(int size, int rowLen, int kind, Random r) {
        float[] x = new float[size];
        float scale = (float) Math.pow(10, -3 + 5 * r.nextDouble());
        for (int i = 0; i < size; i++) {
            switch (kind % 7) {
                case 0 -> x[i] = (float) (r.nextGaussian() * scale);
                case 1 -> x[i] = (r.nextFloat() * 2 - 1) * scale;
                case 2 -> x[i] = r.nextFloat() * scale;
                case 3 -> x[i] = -r.nextFloat() * scale + (r.nextInt(50) == 0 ? 0 : 0);
                case 4 -> x[i] = (i / rowLen) % 2 == 1 ? 0f : (r.nextInt(3) == 0 ? 0f : (float) r.nextGaussian() * scale); // zero rows
                case 5 -> x[i] = r.nextInt(509) - 254; // integers in [-254, 254]: with 254 present, x * 127/254 hits .5 ties
                default -> x[i] = kind == 6 ? 0f : (float) (r.nextGaussian() * scale + scale * 0.7);
            }
        }
        if (kind % 7 == 5 && size > 0) x[r.nextInt(size)] = r.nextBoolean() ? 254f : -254f;
        return x;
    }

    @TestFactory
    Stream<DynamicTest> hybridOpsMatchTfliteBitForBit() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) {
        TfliteOracle.assumeAvailable();
        byte[] hybrid = c.model().apply(true), twin = c.model().apply(false);
        List<Model> models = new ArrayList<>();
        for (KernelMode mode : KernelMode.values()) models.add(Octet.load(hybrid, ModelOptions.DEFAULT.withKernels(mode).withThreads(1)));
        models.add(Octet.load(hybrid, ModelOptions.DEFAULT.withThreads(3))); // rows split across threads
        String old = System.getProperty("octet.simd.bits");
        for (String bits : new String[] {"128", "256"}) { // the SIMD dot products at the narrower widths
            System.setProperty("octet.simd.bits", bits);
            try {
                Model m = Octet.load(hybrid, ModelOptions.DEFAULT.withThreads(1));
                String k = m.kernel(0).toString();
                assertTrue(k.contains("HybridDot" + bits), k); // every hybrid kernel uses the SIMD products of this width
                models.add(m);
            } finally {
                if (old == null) System.clearProperty("octet.simd.bits");
                else System.setProperty("octet.simd.bits", old);
            }
        }
        Random r = new Random(c.name().hashCode());
        long compared = 0, differing = 0;
        double maxAbs = 0, tflTwin = 0, octTwin = 0, tflTwinRel = 0;
        try (TfliteOracle oh = TfliteOracle.load(hybrid); TfliteOracle ot = TfliteOracle.load(twin)) {
            int[] shape = oh.input(0).shape();
            int size = oh.input(0).size();
            for (int n = 0; n < INPUTS; n++) {
                Tensor in = Tensor.ofFloats(shape, input(size, shape[shape.length - 1], n, r));
                float[] expected = oh.run(in).get(0).floats();
                float[] reference = ot.run(in).get(0).floats();
                double peak = 0, worst = 0;
                for (int i = 0; i < reference.length; i++) {
                    peak = Math.max(peak, Math.abs(reference[i]));
                    worst = Math.max(worst, Math.abs(expected[i] - reference[i]));
                }
                if (peak > 0) tflTwinRel = Math.max(tflTwinRel, worst / peak);
                for (Model m : models) {
                    float[] actual;
                    try (Interpreter it = m.newInterpreter()) {
                        it.setInput(0, in);
                        it.run();
                        actual = it.output(0).floats();
                    }
                    assertEquals(expected.length, actual.length);
                    for (int i = 0; i < expected.length; i++) {
                        compared++;
                        if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                            if (differing < 5) System.out.println(c.name() + " input " + n + " [" + i + "]: tflite " + expected[i] + " octet " + actual[i]);
                            differing++;
                        }
                        maxAbs = Math.max(maxAbs, Math.abs(expected[i] - actual[i]));
                        tflTwin = Math.max(tflTwin, Math.abs(expected[i] - reference[i]));
                        octTwin = Math.max(octTwin, Math.abs(actual[i] - reference[i]));
                    }
                }
            }
        }
        System.out.printf("HYBRID %-40s compared %7d differing bits %d max|octet-tflite| %.3g  max|tflite hybrid - float twin| %.4g"
                + " (%.2f%% of the input's largest twin output)  octet %.4g%n", c.name(), compared, differing, maxAbs, tflTwin, 100 * tflTwinRel, octTwin);
        if (differing > 0) fail(c.name() + ": " + differing + " of " + compared + " outputs differ from TFLite 2.6.2 (max abs " + maxAbs + ")");
        assertTrue(octTwin <= tflTwin, "Octet is further from the float twin than TFLite's hybrid kernel: " + octTwin + " > " + tflTwin);
    }
}
