package dev.octet.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.InvalidInputException;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.loaders.Octet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Detection end to end on the shared real models and images. */
class DetectorTest {
    static boolean hits(List<Detection> ds, String label, float x0, float y0, float x1, float y1, float minIou) {
        Detection ref = new Detection(-1, label, 1, x0, y0, x1, y1);
        return ds.stream().anyMatch(d -> d.label().equals(label) && d.iou(ref) >= minIou);
    }

    private static Model ssd;

    /** The SSD model, compiled once for the tests that use it. */
    static synchronized Model ssd() {
        if (ssd == null) ssd = Octet.load(Shared.file("models/ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite"), ModelOptions.DEFAULT);
        return ssd;
    }

    @Test
    void ssdFindsPeopleAndKitesOnTheBeach() {
        RgbImage im = RgbImage.read(Shared.file("images/kite_and_cold.jpg"));
        try (Detector det = Detector.of(ssd(), DetectorOptions.DEFAULT, "detect.tflite")) {
            assertEquals(Detector.Kind.SSD, det.kind());
            assertEquals(0.5f, det.threshold());
            assertEquals(300, det.inputWidth());
            List<Detection> d = det.detect(im);
            assertTrue(d.size() >= 6 && d.size() <= 10, d.toString());
            for (Detection x : d) {
                assertTrue(x.label().equals("person") || x.label().equals("kite"), "only people and kites: " + d);
                assertTrue(x.score() >= 0.5f && x.score() <= 1f);
                assertTrue(x.x0() >= 0 && x.x1() <= im.width() && x.y0() >= 0 && x.y1() <= im.height() && x.x0() < x.x1() && x.y0() < x.y1(), x.toString());
            }
            for (int i = 1; i < d.size(); i++) assertTrue(d.get(i - 1).score() >= d.get(i).score(), "sorted by score");
            // what a look at the annotated image confirmed: the big green kite at the top, the walker in the surf
            assertTrue(hits(d, "kite", 598, 75, 670, 139, 0.6f), d.toString());
            assertTrue(hits(d, "person", 224, 700, 276, 842, 0.6f), d.toString());
            List<Detection> again = det.detect(im);
            assertEquals(d, again, "a second run on the same interpreter is identical");
        }
    }

    @Test
    void yoloFloatFindsKitesAndPeople() {
        RgbImage im = RgbImage.read(Shared.file("images/kite_and_cold.jpg"));
        try (Detector det = Detector.load(Shared.file("models/yolov8n_320_float.onnx"), DetectorOptions.DEFAULT)) {
            assertEquals(Detector.Kind.YOLO, det.kind());
            assertEquals(0.25f, det.threshold());
            assertEquals(80, det.labels().size());
            List<Detection> d = det.detect(im);
            assertTrue(d.size() >= 4 && d.size() <= 12, d.toString());
            for (Detection x : d) assertTrue(x.label().equals("person") || x.label().equals("kite"), d.toString());
            assertEquals("kite", d.get(0).label());
            assertTrue(d.get(0).score() > 0.8f, d.toString());
            assertTrue(hits(d, "kite", 596, 81, 673, 152, 0.7f), d.toString());
            assertTrue(hits(d, "person", 216, 694, 272, 858, 0.7f), d.toString());
            assertTrue(hits(d, "person", 113, 606, 165, 756, 0.7f), d.toString());
            // boxes are in image pixels: below the letterbox padding (53 canvas rows = 224 image rows at the top) nothing clips
            for (Detection x : d) assertTrue(x.y1() <= im.height() && x.x1() <= im.width());
        }
    }

    @Test
    void faceModelFindsOneFaceOnGraceHopper() {
        RgbImage im = RgbImage.read(Shared.file("images/grace_hopper.bmp"));
        try (Detector det = Detector.load(Shared.file("models/face_yolo11n_640_qdq_u8s8_perchannel.onnx"), DetectorOptions.DEFAULT)) {
            assertEquals(Detector.Kind.YOLO, det.kind());
            List<Detection> d = det.detect(im);
            assertEquals(1, d.size(), d.toString());
            Detection f = d.get(0);
            assertEquals("face", f.label());
            assertTrue(f.score() > 0.75f && f.score() < 0.95f, f.toString());
            // the face: between the cap brim and the chin, centered horizontally
            assertTrue(hits(d, "face", 180, 118, 350, 329, 0.8f), f.toString());
        }
    }

    @Test
    void classifierIsRejectedWithTheExpectedOutputsNamed() {
        var classifier = Shared.file("models/mobilenet_v1_0.25_128_quant.tflite"); // outside assertThrows: a missing file skips
        var e = assertThrows(InvalidInputException.class, () -> Detector.load(classifier, DetectorOptions.DEFAULT));
        String m = e.getMessage();
        assertTrue(m.contains("not a detection model"), m);
        assertTrue(m.contains("TFLite_Detection_PostProcess") && m.contains("boxes [1,N,4]") && m.contains("[1,4+C,N]"), m);
        assertTrue(m.contains("uint8[1,1001]"), "names the model's actual outputs: " + m);
    }

    @Test
    void thresholdOptionApplies() {
        RgbImage im = RgbImage.read(Shared.file("images/kite_and_cold.jpg"));
        try (Detector det = Detector.of(ssd(), DetectorOptions.DEFAULT.withThreshold(0.65f).withLabels(Labels.read(Shared.file("models/ssd_coco_labelmap.txt"))), "")) {
            List<Detection> d = det.detect(im);
            assertTrue(!d.isEmpty() && d.size() < 6, d.toString());
            for (Detection x : d) assertTrue(x.score() >= 0.65f && (x.label().equals("person") || x.label().equals("kite")), d.toString());
        }
    }
}
