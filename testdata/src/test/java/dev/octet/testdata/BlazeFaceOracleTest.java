package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Tensor;
import dev.octet.loaders.Octet;
import dev.octet.vision.BlazeFaceDecoder;
import dev.octet.vision.Detection;
import dev.octet.vision.Detector;
import dev.octet.vision.Letterbox;
import dev.octet.vision.RgbImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * BlazeFace end to end against TFLite 2.6.2: the same letterboxed grace_hopper.bmp input run by TFLite and by Octet
 * (SIMD and reference kernels), both raw outputs decoded by the same {@link BlazeFaceDecoder}: the same faces, boxes
 * within 1e-3 pixel, scores within 1e-5. Also checks that the face model's float16 DEQUANTIZE nodes are folded at load.
 */
class BlazeFaceOracleTest {
    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void tfliteAndOctetOutputsDecodeToTheSameFace(KernelMode mode) {
        TfliteOracle.assumeAvailable();
        Path path = SharedModels.require(ConformanceModels.FACE);
        Model model = Octet.load(path, ModelOptions.DEFAULT.withKernels(mode));
        long folded = java.util.stream.IntStream.range(0, model.graph().nodes().size())
                .filter(i -> model.kernel(i).variant().equals("folded-at-load")).count();
        long dequantize = model.graph().nodes().stream().filter(n -> n.opType().equals("DEQUANTIZE")).count();
        assertTrue(dequantize > 0 && folded == dequantize, "every float16 DEQUANTIZE folded at load: " + folded + " of " + dequantize);
        RgbImage im = RgbImage.read(SharedModels.image("grace_hopper.bmp"));
        Letterbox lb = Detector.blazeFaceLetterbox(im, 128, 128);
        Tensor x = Detector.blazeFaceInput(lb.image());
        List<Tensor> expected;
        try (TfliteOracle o = TfliteOracle.load(path)) {
            expected = o.run(x);
        }
        float[] reg, cls;
        try (Interpreter it = model.newInterpreter()) {
            it.setInput(0, x);
            it.run();
            reg = it.output(0).floats();
            cls = it.output(1).floats();
        }
        TensorDiff dr = TensorDiff.of(expected.get(0), Tensor.ofFloats(new int[] {1, 896, 16}, reg), 1e-5, 1e-4);
        TensorDiff ds = TensorDiff.of(expected.get(1), Tensor.ofFloats(new int[] {1, 896, 1}, cls), 1e-5, 1e-4);
        System.out.println("BlazeFace [" + mode + "] raw outputs vs TFLite: regressors " + dr + "; classificators " + ds);
        assertTrue(dr.ok() && ds.ok(), dr + " / " + ds);
        BlazeFaceDecoder dec = BlazeFaceDecoder.shortRange(128, 128);
        List<Detection> a = Detector.decodeFaces(dec, reg, cls, lb, 0.5f, 0.3f, 100, "face");
        List<Detection> e = Detector.decodeFaces(dec, expected.get(0).floats(), expected.get(1).floats(), lb, 0.5f, 0.3f, 100, "face");
        System.out.println("BlazeFace [" + mode + "] Octet " + a + " TFLite " + e);
        assertEquals(1, e.size(), "TFLite's outputs give one face: " + e);
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            Detection p = e.get(i), q = a.get(i);
            assertEquals(p.score(), q.score(), 1e-5f);
            assertEquals(p.x0(), q.x0(), 1e-3f);
            assertEquals(p.y0(), q.y0(), 1e-3f);
            assertEquals(p.x1(), q.x1(), 1e-3f);
            assertEquals(p.y1(), q.y1(), 1e-3f);
        }
    }
}
