package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.octet.core.ModelOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code octet detect} and the demo's detection part on the shared real models. */
class DetectCommandTest {
    static Path shared;

    @BeforeAll
    static void findModels() {
        shared = DemoCommand.findShared();
        boolean ok = shared != null && Files.isRegularFile(shared.resolve("models/ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite"));
        if (!ok && System.getenv("CI") != null) throw new AssertionError("shared models not found (set -Doctet.shared.dir or OCTET_SHARED_DIR)");
        assumeTrue(ok, "shared models not found");
    }

    static String file(String rel) { return shared.resolve(rel).toString(); }

    static final String SSD = "models/ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite";
    static final String KITE = "images/kite_and_cold.jpg";

    @Test
    void textOutputListsPeopleAndKitesWithBoxesAndLatency() {
        MainTest.Result r = MainTest.run("detect", "--model", file(SSD), "--image", file(KITE), "--threshold", "0.6", "--runs", "2");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite: SSD detector, input 300x300 uint8, threshold 0.6"), r.out());
        Matcher n = Pattern.compile("kite_and_cold.jpg \\(1352x900\\): (\\d+) detections").matcher(lines[1]);
        assertTrue(n.matches(), r.out());
        int count = Integer.parseInt(n.group(1));
        assertTrue(count >= 3, r.out());
        Pattern det = Pattern.compile("  (person|kite) +(0\\.\\d{4})  box \\[([\\d.]+), ([\\d.]+), ([\\d.]+), ([\\d.]+)\\]");
        for (int i = 0; i < count; i++) {
            Matcher m = det.matcher(lines[2 + i]);
            assertTrue(m.matches(), lines[2 + i]);
            assertTrue(Double.parseDouble(m.group(2)) >= 0.6);
            assertTrue(Double.parseDouble(m.group(3)) < Double.parseDouble(m.group(5)) && Double.parseDouble(m.group(5)) <= 1352);
        }
        assertTrue(r.out().contains("  kite ") && r.out().contains("  person "), r.out());
        assertTrue(lines[2 + count].startsWith("latency: median "), r.out());
    }

    @Test
    void jsonAndAnnotatedPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("sub/kite.png");
        MainTest.Result r = MainTest.run("detect", "--model", file(SSD), "--image", file(KITE), "--out", png.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        String j = r.out().strip();
        assertTrue(j.startsWith("{\"model\":") && j.endsWith("}") && j.lines().count() == 1, j);
        assertTrue(j.contains("\"kind\":\"ssd\"") && j.contains("\"width\":1352,\"height\":900") && j.contains("\"threshold\":0.5"), j);
        assertTrue(j.contains("\"out\":\"" + png.toAbsolutePath() + "\""), j);
        Matcher m = Pattern.compile("\\{\"class_id\":(\\d+),\"label\":\"(\\w+)\",\"score\":([\\d.]+),\"box\":\\[([\\d.]+),([\\d.]+),([\\d.]+),([\\d.]+)\\]\\}").matcher(j);
        int found = 0;
        float[] first = null;
        while (m.find()) {
            found++;
            String label = m.group(2);
            assertEquals(label.equals("person") ? "0" : "37", m.group(1), "COCO ids: person 0, kite 37");
            if (first == null) first = new float[] {Float.parseFloat(m.group(4)), Float.parseFloat(m.group(5)), Float.parseFloat(m.group(6)), Float.parseFloat(m.group(7))};
        }
        assertTrue(found >= 6, j);
        // the PNG: same size as the image, and the box outline of the best detection changed the pixels there
        BufferedImage out = ImageIO.read(png.toFile());
        BufferedImage src = ImageIO.read(Path.of(file(KITE)).toFile());
        assertEquals(1352, out.getWidth());
        assertEquals(900, out.getHeight());
        int changedOnEdge = 0, changedFarAway = 0;
        int x0 = Math.round(first[0]), y0 = Math.round(first[1]), x1 = Math.round(first[2]), y1 = Math.round(first[3]);
        for (int x = x0; x <= x1; x++) if (differs(src, out, x, y1)) changedOnEdge++;
        for (int x = 1000; x < 1300; x++) if (differs(src, out, x, 880)) changedFarAway++; // bottom-right water: no boxes there
        assertTrue(changedOnEdge > (x1 - x0) * 0.8, "bottom edge of the best box drawn: " + changedOnEdge + " of " + (x1 - x0 + 1));
        assertEquals(0, changedFarAway, "pixels away from the boxes are untouched");
    }

    private static boolean differs(BufferedImage a, BufferedImage b, int x, int y) {
        int p = a.getRGB(x, y), q = b.getRGB(x, y);
        for (int s = 0; s <= 16; s += 8) if (Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF)) > 40) return true;
        return false;
    }

    @Test
    void blazeFaceFindsTheFaceOnGraceHopper(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("face.png");
        MainTest.Result r = MainTest.run("detect", "--model", file("models/face_detection_short_range.tflite"), "--image", file("images/grace_hopper.bmp"),
                "--out", png.toString());
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("face_detection_short_range.tflite: BLAZEFACE detector, input 128x128 float32, threshold 0.5"), r.out());
        assertTrue(lines[1].startsWith("grace_hopper.bmp (512x600): 1 detection"), r.out());
        Matcher m = Pattern.compile("  face +(0\\.\\d{4})  box \\[([\\d.]+), ([\\d.]+), ([\\d.]+), ([\\d.]+)\\]").matcher(lines[2]);
        assertTrue(m.matches(), r.out());
        assertTrue(Float.parseFloat(m.group(1)) > 0.9f, r.out());
        // the face below the cap and above the collar (BlazeFaceTest compares it with the YOLO11 face model's box)
        assertEquals(166, Float.parseFloat(m.group(2)), 3);
        assertEquals(141, Float.parseFloat(m.group(3)), 3);
        assertEquals(366, Float.parseFloat(m.group(4)), 3);
        assertEquals(342, Float.parseFloat(m.group(5)), 3);
        assertEquals(512, javax.imageio.ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void classifierModelIsAClearError() {
        MainTest.Result r = MainTest.run("detect", "--model", file("models/mobilenet_v1_0.25_128_quant.tflite"), "--image", file(KITE));
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("octet: error: not a detection model Octet knows: expected either a TFLite SSD ending in TFLite_Detection_PostProcess"), r.err());
        assertTrue(r.err().contains("outputs ['MobilenetV1/Predictions/Reshape_1' uint8[1,1001]]"), r.err());
    }

    @Test
    void usageErrors() {
        MainTest.Result r = MainTest.run("detect", "--model", file(SSD), "--image", file(KITE), "--threshold", "1.5");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--threshold must be between 0 and 1"), r.err());
        r = MainTest.run("detect", "--model", file(SSD));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("missing required option --image"), r.err());
        r = MainTest.run("detect", "--model", file(SSD), "--image", file(KITE), "--out", shared.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("is a directory; give the PNG file to write"), r.err());
        r = MainTest.run("detect", "--model", file(SSD), "--image", file(KITE), "--labels", shared.resolve("nope.txt").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("labels file not found"), r.err());
    }

    @Test
    void demoDetectsWithSsdAndYoloAndWritesPngs(@TempDir Path dir) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int status = new DemoCommand(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8))
                .detection(shared, dir, ModelOptions.DEFAULT, 1);
        String out = o.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out + e);
        assertTrue(out.contains("Object detection on kite_and_cold.jpg (annotated PNGs go to " + dir.toAbsolutePath() + ")"), out);
        assertTrue(out.contains("ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite (SSD, threshold 0.5): "), out);
        assertTrue(Files.isRegularFile(dir.resolve("kite_and_cold_ssd_mobilenet_v1_1.0_coco_quant_300_detect.png")), out);
        if (Files.isRegularFile(shared.resolve("models/yolov8n_320_float.onnx"))) {
            assertTrue(out.contains("yolov8n_320_float.onnx (YOLO, threshold 0.25): "), out);
            assertTrue(Files.isRegularFile(dir.resolve("kite_and_cold_yolov8n_320_float.png")), out);
        }
        assertTrue(out.contains("  kite ") && out.contains("  person "), out);
    }
}
