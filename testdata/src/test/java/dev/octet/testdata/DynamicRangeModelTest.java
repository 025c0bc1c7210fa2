package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Tensor;
import dev.octet.loaders.Octet;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A whole dynamic-range model: the shared float BlazeFace detector with its conv weights quantized to int8 per
 * channel as the TFLite converter does ({@link HybridModels#dynamicRange}), run by TFLite 2.6.2 and by Octet
 * (SIMD and REFERENCE) on random images. Every CONV_2D / DEPTHWISE_CONV_2D is hybrid and bit-exact; the float ops
 * between them are the ones the float model already matches, so the outputs must have the same bits. Also reports
 * how far the dynamic-range model is from the float original.
 */
class DynamicRangeModelTest {
    @Test
    void blazeFaceDynamicRangeMatchesTflite() throws Exception {
        TfliteOracle.assumeAvailable();
        byte[] floatModel = Files.readAllBytes(SharedModels.require("face_detection_short_range.tflite"));
        Graph g = Octet.readGraph(ByteBuffer.wrap(floatModel), ModelOptions.DEFAULT);
        HybridModels.DynamicRange dr = HybridModels.dynamicRange(g, 0);
        assertTrue(dr.quantized() > 30, "quantized " + dr.quantized() + " weights");
        Model simd = Octet.load(dr.model(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD));
        Model ref = Octet.load(dr.model(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        long compared = 0, differing = 0;
        double maxDiff = 0, maxFromFloat = 0, peak = 0;
        try (TfliteOracle oh = TfliteOracle.load(dr.model()); TfliteOracle of = TfliteOracle.load(floatModel)) {
            int[] shape = oh.input(0).shape();
            Random r = new Random(5);
            for (int n = 0; n < 6; n++) {
                float[] x = new float[oh.input(0).size()];
                for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
                Tensor in = Tensor.ofFloats(shape, x);
                var expected = oh.run(in);
                var original = of.run(in);
                for (Model m : new Model[] {simd, ref}) {
                    try (Interpreter it = m.newInterpreter()) {
                        it.setInput(0, in);
                        it.run();
                        for (int o = 0; o < expected.size(); o++) {
                            float[] e = expected.get(o).floats(), a = it.output(o).floats(), f = original.get(o).floats();
                            assertEquals(e.length, a.length);
                            for (int i = 0; i < e.length; i++) {
                                compared++;
                                if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) differing++;
                                maxDiff = Math.max(maxDiff, Math.abs(e[i] - a[i]));
                                maxFromFloat = Math.max(maxFromFloat, Math.abs(e[i] - f[i]));
                                peak = Math.max(peak, Math.abs(f[i]));
                            }
                        }
                    }
                }
            }
        }
        // informational timing (shared, noisy machine; not asserted): median of 15 runs after 5 warm-ups
        Tensor timed = Tensor.ofFloats(simd.input(0).shape(), new float[simd.input(0).size()]);
        Random tr = new Random(9);
        float[] tx = timed.floats();
        for (int i = 0; i < tx.length; i++) tx[i] = tr.nextFloat() * 2 - 1;
        System.out.printf("BlazeFace dynamic-range, ms per run: Octet SIMD %.2f, Octet REFERENCE %.2f, TFLite 2.6.2 %.2f%n",
                millis(simd, timed), millis(ref, timed), tfliteMillis(dr.model(), timed));
        System.out.printf("BlazeFace dynamic-range (%d int8 weights): %d outputs compared, %d differ from TFLite (max %.3g); "
                + "max |dynamic-range - float model| %.4g (largest |float output| %.4g)%n", dr.quantized(), compared, differing, maxDiff, maxFromFloat, peak);
        assertEquals(0, differing, "outputs differing from TFLite 2.6.2 (max abs " + maxDiff + ")");
    }

    private static double millis(Model m, Tensor in) {
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, in);
            return median(() -> it.run());
        }
    }

    private static double tfliteMillis(byte[] model, Tensor in) {
        try (TfliteOracle o = TfliteOracle.load(model)) {
            return median(() -> o.run(in));
        }
    }

    private static double median(Runnable r) {
        for (int i = 0; i < 5; i++) r.run();
        double[] t = new double[15];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
