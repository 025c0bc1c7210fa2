package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.DataType;
import dev.octet.core.QuantParams;
import dev.octet.core.Tensor;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixtures themselves: resize arithmetic, input mappings, diffs, golden format, shared-folder lookup. */
class FixturesTest {
    @Test
    void bilinearUpscaleUsesHalfPixelCentersAndRoundsHalfUp() {
        // One channel row 0, 100 (width 2) to width 4: samples at x = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
        Images.Rgb src = new Images.Rgb(2, 1, new int[] {0, 0, 0, 100, 100, 100});
        Images.Rgb out = Images.resizeBilinear(src, 4, 1);
        int[] red = new int[4];
        for (int i = 0; i < 4; i++) red[i] = out.rgb()[i * 3];
        assertArrayEquals(new int[] {0, 25, 75, 100}, red);
    }

    @Test
    void bilinearDownscaleAveragesNeighbours() {
        // 4x1 -> 2x1: samples at 0.5 and 2.5, i.e. the means of pixels (0,1) and (2,3); 10 and 11 -> 10.5 -> 11.
        Images.Rgb src = new Images.Rgb(4, 1, new int[] {10, 0, 0, 11, 0, 0, 200, 0, 0, 255, 0, 0});
        Images.Rgb out = Images.resizeBilinear(src, 2, 1);
        assertEquals(11, out.rgb()[0]);
        assertEquals(228, out.rgb()[3]); // 227.5 rounds up
    }

    @Test
    void sameSizeResizeIsTheIdentity() {
        int[] px = new int[5 * 3 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (i * 37) % 256;
        Images.Rgb out = Images.resizeBilinear(new Images.Rgb(5, 3, px), 5, 3);
        assertArrayEquals(px, out.rgb());
    }

    @Test
    void imageInputMappings() {
        var f = SharedModels.image("grace_hopper.bmp");
        Tensor u = Images.input(f, DataType.UINT8, new int[] {1, 8, 8, 3});
        Tensor s = Images.input(f, DataType.INT8, new int[] {1, 8, 8, 3});
        Tensor fl = Images.input(f, DataType.FLOAT32, new int[] {1, 8, 8, 3});
        for (int i = 0; i < u.size(); i++) {
            int p = u.bytes()[i] & 0xFF;
            assertEquals(p - 128, s.bytes()[i]);
            assertEquals(p / 127.5 - 1, fl.floats()[i], 1e-6);
        }
        Images.Rgb full = Images.read(f);
        assertEquals(512, full.width()); // the file is 512x600 (MANIFEST.md says 517x606)
        assertEquals(600, full.height());
    }

    @Test
    void randomInputsAreReproducibleAndSpanTheRange() {
        Tensor a = RandomInputs.of(DataType.UINT8, new int[] {1, 32, 32, 3}, 7);
        Tensor b = RandomInputs.of(DataType.UINT8, new int[] {1, 32, 32, 3}, 7);
        Tensor c = RandomInputs.of(DataType.UINT8, new int[] {1, 32, 32, 3}, 8);
        assertTrue(a.contentEquals(b));
        assertFalse(a.contentEquals(c));
        int min = 255, max = 0;
        for (byte x : a.bytes()) { min = Math.min(min, x & 0xFF); max = Math.max(max, x & 0xFF); }
        assertEquals(0, min);
        assertEquals(255, max);
        // java.util.Random is specified, so the first bytes are fixed forever.
        assertEquals(Golden.sha256(a), Golden.sha256(RandomInputs.of(DataType.UINT8, new int[] {3072}, 7)));
        Tensor f = RandomInputs.of(DataType.FLOAT32, new int[] {1000}, 1);
        for (float v : f.floats()) assertTrue(v >= -1 && v < 1);
    }

    @Test
    void tensorDiffCountsLsbsOfUint8() {
        Tensor e = Tensor.of(DataType.UINT8, new int[] {4}, QuantParams.perTensor(0.5f, 3), new byte[] {0, (byte) 200, 5, (byte) 255});
        Tensor a = Tensor.of(DataType.UINT8, new int[] {4}, new byte[] {0, (byte) 203, 5, (byte) 254});
        TensorDiff d = TensorDiff.exact(e, a);
        assertEquals(4, d.elements());
        assertEquals(2, d.exact());
        assertEquals(2, d.bad());
        assertEquals(3.0, d.maxAbs());
        assertEquals(1, d.firstBad());
        assertEquals(200, d.expectedAtFirstBad());
        assertEquals(203, d.actualAtFirstBad());
        assertFalse(d.ok());
        assertTrue(TensorDiff.exact(e, e).identical());
    }

    @Test
    void tensorDiffFloatTolerance() {
        Tensor e = Tensor.ofFloats(new int[] {3}, new float[] {1000f, 0f, 1f});
        Tensor a = Tensor.ofFloats(new int[] {3}, new float[] {1000.05f, 5e-6f, 1.001f});
        TensorDiff d = TensorDiff.of(e, a, 1e-5, 1e-4);
        assertEquals(0, d.exact());
        assertEquals(1, d.bad()); // 1000.05 is within 1e-4 relative, 5e-6 within 1e-5 absolute, 1.001 neither
        assertEquals(2, d.firstBad());
        assertTrue(TensorDiff.exact(e, Tensor.ofFloats(new int[] {2}, new float[2])).problem().contains("shape"));
    }

    @Test
    void goldenLinesRoundTrip() {
        Tensor in = Tensor.ofUint8(new int[] {2}, new byte[] {1, 2});
        Tensor out = Tensor.ofUint8(new int[] {1, 7}, new byte[] {5, 9, 9, 0, (byte) 250, 1, 9});
        String line = Golden.line("random:3", in, List.of(out), 0);
        Golden g = Golden.parse("m.tflite", "# comment\n" + line + "\n");
        Golden.Entry e = g.get("random:3");
        assertEquals(Golden.sha256(in), e.inputSha());
        assertEquals(Golden.sha256(out), e.outputSha().get(0));
        assertArrayEquals(new int[] {4, 1, 2, 6, 0}, e.top5()); // 250, then the 9s by index, then 5
        assertNull(e.top5Values());
        // SHA-256 of the empty string, as a known answer.
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Golden.sha256(Tensor.ofUint8(new int[] {0}, new byte[0])));
    }

    @Test
    void floatGoldenCarriesScoresAndTheBestRow() {
        Tensor in = Tensor.ofFloats(new int[] {1}, new float[] {0});
        Tensor reg = Tensor.ofFloats(new int[] {1, 3, 2}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor sc = Tensor.ofFloats(new int[] {1, 3, 1}, new float[] {0.5f, 2.5f, -1f});
        Golden.Entry e = Golden.parse("f", Golden.line("k", in, List.of(reg, sc), 1)).get("k");
        assertArrayEquals(new int[] {1, 0, 2}, e.top5());
        assertArrayEquals(new float[] {2.5f, 0.5f, -1f}, e.top5Values());
        assertArrayEquals(new float[] {3, 4}, e.row());
    }

    @Test
    void everyConformanceModelHasAGoldenFileWithEveryInput() {
        for (String m : ConformanceModels.QUANTIZED_CLASSIFIERS) {
            Golden g = Golden.load(m);
            assertEquals(3 + ConformanceModels.RANDOM_SEEDS, g.entries().size(), m);
            for (String k : ConformanceModels.inputKeys(ConformanceModels.RANDOM_SEEDS)) assertEquals(1, g.get(k).outputSha().size(), m + " " + k);
        }
        assertEquals(6, Golden.load(ConformanceModels.FACE).entries().size());
    }

    @Test
    void sharedFolderIsFound() {
        SharedModels.require("mobilenet_v2_1.0_224_quant.tflite"); // skips outside CI when ../shared is absent, fails under CI
        assertTrue(Files.isDirectory(SharedModels.modelsDir()), "shared models at " + SharedModels.modelsDir());
        assertTrue(SharedModels.has("mobilenet_v2_1.0_224_quant.tflite"));
        assertFalse(SharedModels.has("no_such_model.tflite"));
        assertEquals("background", SharedModels.imagenetLabels().get(0));
    }

    @Test
    void layerDiffShortensFusedTfliteNames() {
        assertEquals("MobilenetV2/Conv/Relu6", LayerDiff.shortName("MobilenetV2/Conv/Relu6;MobilenetV2/Conv/BatchNorm_Fold/bias", 44));
        assertEquals("...efghij", LayerDiff.shortName("abcdefghij", 9));
    }

    @Test
    void oracleCanBeDisabled() {
        // With the property set (a fresh JVM would be needed to flip it), only its reason changes; here check the contract.
        if (Boolean.getBoolean(TfliteOracle.DISABLE_PROPERTY)) assertTrue(TfliteOracle.unavailableReason().contains(TfliteOracle.DISABLE_PROPERTY));
        else assertEquals(TfliteOracle.platformSupported(), TfliteOracle.available());
    }
}
