package dev.octet.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.KernelMode;
import dev.octet.core.ModelOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** BlazeFace short range: anchors, score and NMS rules, and the face on grace_hopper.bmp. */
class BlazeFaceTest {
    @Test
    void shortRangeAnchorsAreTheMediaPipeGrid() {
        BlazeFaceDecoder d = BlazeFaceDecoder.shortRange(128, 128);
        assertEquals(896, d.anchorCount());
        // stride 8: 16x16 cells, 2 anchors each, row-major
        assertArrayEquals(new float[] {0.5f / 16, 0.5f / 16}, d.anchor(0));
        assertArrayEquals(new float[] {0.5f / 16, 0.5f / 16}, d.anchor(1));
        assertArrayEquals(new float[] {1.5f / 16, 0.5f / 16}, d.anchor(2));
        assertArrayEquals(new float[] {0.5f / 16, 1.5f / 16}, d.anchor(32));
        assertArrayEquals(new float[] {15.5f / 16, 15.5f / 16}, d.anchor(511));
        // stride 16 (three layers merged): 8x8 cells, 6 anchors each
        for (int a = 512; a < 518; a++) assertArrayEquals(new float[] {0.5f / 8, 0.5f / 8}, d.anchor(a));
        assertArrayEquals(new float[] {1.5f / 8, 0.5f / 8}, d.anchor(518));
        assertArrayEquals(new float[] {7.5f / 8, 7.5f / 8}, d.anchor(895));
    }

    @Test
    void scoresAreClippedSigmoids() {
        assertEquals(0.5f, BlazeFaceDecoder.score(0f));
        assertEquals(BlazeFaceDecoder.score(100f), BlazeFaceDecoder.score(1e9f));
        assertEquals(BlazeFaceDecoder.score(-100f), BlazeFaceDecoder.score(-1e9f));
        assertEquals((float) (1 / (1 + Math.exp(-2.0))), BlazeFaceDecoder.score(2f));
    }

    @Test
    void decodeScalesByInputSizeAndWeightedNmsAveragesTheGroup() {
        BlazeFaceDecoder d = BlazeFaceDecoder.shortRange(128, 128);
        float[] reg = new float[896 * 16], raw = new float[896];
        java.util.Arrays.fill(raw, -50f);
        // anchor 0 at (1/32, 1/32): centre moved by (+12.8, +6.4) px = (+0.1, +0.05), size 25.6x12.8 px = 0.2x0.1
        reg[0] = 12.8f; reg[1] = 6.4f; reg[2] = 25.6f; reg[3] = 12.8f;
        reg[4] = 6.4f; reg[5] = -6.4f; // first keypoint (+0.05, -0.05)
        raw[0] = 3f;
        // anchor 1 (same cell): the same box shifted right by 0.02: IoU ~0.8 > 0.3, merged with weight score(1)
        reg[16] = 12.8f + 2.56f; reg[17] = 6.4f; reg[18] = 25.6f; reg[19] = 12.8f;
        raw[1] = 1f;
        // anchor 895, far away: kept separately
        reg[895 * 16 + 2] = 12.8f; reg[895 * 16 + 3] = 12.8f;
        raw[895] = 0.5f;
        List<BlazeFaceDecoder.Face> all = d.candidates(reg, raw, 0.5f);
        assertEquals(3, all.size());
        BlazeFaceDecoder.Face f0 = all.get(0);
        float cx = 1 / 32f + 0.1f, cy = 1 / 32f + 0.05f;
        assertEquals(cx - 0.1f, f0.xmin(), 1e-6f);
        assertEquals(cy - 0.05f, f0.ymin(), 1e-6f);
        assertEquals(cx + 0.1f, f0.xmax(), 1e-6f);
        assertEquals(cy + 0.05f, f0.ymax(), 1e-6f);
        assertEquals(1 / 32f + 0.05f, f0.keypoints()[0], 1e-6f);
        assertEquals(1 / 32f - 0.05f, f0.keypoints()[1], 1e-6f);
        List<BlazeFaceDecoder.Face> faces = d.decode(reg, raw, 0.5f, 0.3f);
        assertEquals(2, faces.size());
        float s0 = BlazeFaceDecoder.score(3f), s1 = BlazeFaceDecoder.score(1f);
        BlazeFaceDecoder.Face m = faces.get(0);
        assertEquals(s0, m.score(), "the group keeps its best score");
        assertEquals((s0 * f0.xmin() + s1 * (f0.xmin() + 0.02f)) / (s0 + s1), m.xmin(), 1e-6f, "score-weighted mean");
        assertEquals(f0.ymin(), m.ymin(), 1e-6f);
        assertEquals(BlazeFaceDecoder.score(0.5f), faces.get(1).score());
        // below the threshold nothing survives
        assertTrue(d.decode(reg, raw, 0.99f, 0.3f).isEmpty());
    }

    /** Two copies of grace_hopper.bmp side by side: two faces, each where the single-image face is (shifted by 512). */
    @Test
    void twoFacesSideBySideMapBackThroughTheLetterbox() {
        RgbImage im = RgbImage.read(Shared.file("images/grace_hopper.bmp"));
        int w = im.width(), h = im.height();
        byte[] two = new byte[2 * w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(im.rgb(), y * w * 3, two, y * 2 * w * 3, w * 3);
            System.arraycopy(im.rgb(), y * w * 3, two, (y * 2 * w + w) * 3, w * 3);
        }
        RgbImage pair = new RgbImage(2 * w, h, two);
        try (Detector det = Detector.load(Shared.file("models/face_detection_short_range.tflite"), DetectorOptions.DEFAULT)) {
            Detection single = det.detect(im).get(0);
            List<Detection> d = new java.util.ArrayList<>(det.detect(pair));
            System.out.println("BlazeFace on two side-by-side copies: " + d);
            assertEquals(2, d.size(), d.toString());
            d.sort((a, b) -> Float.compare(a.x0(), b.x0()));
            Detection right = new Detection(0, "face", 1, single.x0() + w, single.y0(), single.x1() + w, single.y1());
            assertTrue(d.get(0).iou(single) > 0.7f, d.get(0) + " vs " + single);
            assertTrue(d.get(1).iou(right) > 0.7f, d.get(1) + " vs " + right);
        }
    }

    /** BlazeFace on grace_hopper.bmp: one face where the YOLO11 face model (tested in DetectorTest) puts it. */
    @ParameterizedTest
    @EnumSource(KernelMode.class)
    void findsTheFaceOnGraceHopper(KernelMode mode) {
        RgbImage im = RgbImage.read(Shared.file("images/grace_hopper.bmp"));
        // the file is 512x600 (its BMP header and ImageIO agree; MANIFEST.md says 517x606)
        assertEquals(512, im.width());
        assertEquals(600, im.height());
        DetectorOptions opts = DetectorOptions.DEFAULT.withModelOptions(ModelOptions.DEFAULT.withKernels(mode));
        Detection yolo;
        try (Detector det = Detector.load(Shared.file("models/face_yolo11n_640_qdq_u8s8_perchannel.onnx"), opts)) {
            List<Detection> d = det.detect(im);
            assertEquals(1, d.size(), d.toString());
            yolo = d.get(0);
        }
        try (Detector det = Detector.load(Shared.file("models/face_detection_short_range.tflite"), opts)) {
            assertEquals(Detector.Kind.BLAZEFACE, det.kind());
            assertEquals(0.5f, det.threshold());
            assertEquals(128, det.inputWidth());
            List<Detection> d = det.detect(im);
            System.out.println("BlazeFace [" + mode + "] on grace_hopper.bmp: " + d + "; YOLO11 face: " + yolo + "; IoU " + (d.isEmpty() ? 0 : d.get(0).iou(yolo)));
            assertEquals(1, d.size(), d.toString());
            Detection f = d.get(0);
            assertEquals("face", f.label());
            assertTrue(f.score() > 0.7f && f.score() <= 1f, f.toString());
            assertTrue(f.iou(yolo) > 0.6f, "IoU with the YOLO11 face " + f.iou(yolo) + ": " + f + " vs " + yolo);
            List<BlazeFaceDecoder.Face> faces = det.lastFaces();
            assertEquals(1, faces.size());
            float[] kp = faces.get(0).keypoints();
            // right eye (image left) left of the left eye, both above the nose tip, the nose above the mouth
            assertTrue(kp[0] < kp[2] && kp[1] < kp[5] && kp[3] < kp[5] && kp[5] < kp[7], java.util.Arrays.toString(kp));
            assertEquals(d, det.detect(im), "a second run is identical");
        }
    }
}
