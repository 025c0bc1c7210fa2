package dev.octet.cli;

import dev.octet.vision.Annotator;
import dev.octet.vision.Detection;
import dev.octet.vision.Detector;
import dev.octet.vision.DetectorOptions;
import dev.octet.vision.Labels;
import dev.octet.vision.RgbImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code octet detect}: objects in one image, as text or JSON, optionally drawn into a PNG. */
final class DetectCommand {
    private final PrintStream out;
    private final PrintStream err;

    DetectCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static Args args() {
        Args a = new Args("detect", "detect --model MODEL --image IMAGE [options]", """
                Detects objects in an image (BMP, PNG or JPEG) with a TFLite SSD model (ending in
                TFLite_Detection_PostProcess, e.g. ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite), an
                Ultralytics YOLOv8/YOLO11 ONNX export (output [1,4+C,N]) or MediaPipe's BlazeFace short-range face
                detector (face_detection_short_range.tflite). SSD: the image is resized to the input size; YOLO:
                letterboxed (aspect kept, gray 114 padding), class-wise NMS at IoU 0.45; BlazeFace: letterboxed
                (black padding), pixel/127.5-1, MediaPipe anchors, weighted NMS at IoU 0.3. Prints one
                line per detection (label, score, box x0,y0,x1,y1 in image pixels) and the latency of the whole
                detection (preprocessing, inference, decoding). Labels default to COCO (SSD: 90-id scheme;
                80-class YOLO: the Ultralytics order; 1-class face models: "face").""")
                .required("model", "file", "the .tflite SSD, .onnx YOLO or BlazeFace .tflite model")
                .required("image", "file", "the image")
                .option("labels", "file", "class names: a plain list (line k = class k; a leading '???' line shifts by one) or 'id name' lines")
                .option("threshold", "t", "minimum score (default 0.5 for SSD and BlazeFace, 0.25 for YOLO)")
                .option("iou", "t", "YOLO NMS IoU threshold (default 0.45)")
                .option("out", "file.png", "write the image with the boxes drawn on it as PNG")
                .flag("json", "print the result as JSON instead of text")
                .option("runs", "n", "detect n times and report the median latency (default 1)");
        return Main.withModelOptions(a);
    }

    int run(String[] argv) {
        Args a = args();
        if (!a.parse(argv)) { out.print(a.help()); return 0; }
        a.noPositional();
        int runs = a.getInt("runs", 1, 1, 100_000);
        DetectorOptions opts = DetectorOptions.DEFAULT.withModelOptions(Main.modelOptions(a));
        if (a.has("threshold")) {
            float t = a.getFloat("threshold", 0.5f);
            if (!(t >= 0 && t <= 1)) throw new UsageException("detect", "option --threshold must be between 0 and 1, got " + a.get("threshold"));
            opts = opts.withThreshold(t);
        }
        if (a.has("iou")) {
            float t = a.getFloat("iou", 0.45f);
            if (!(t >= 0 && t <= 1)) throw new UsageException("detect", "option --iou must be between 0 and 1, got " + a.get("iou"));
            opts = opts.withIou(t);
        }
        if (a.has("labels")) opts = opts.withLabels(Labels.read(Path.of(a.get("labels"))));
        if (a.has("out") && java.nio.file.Files.isDirectory(Path.of(a.get("out")))) {
            throw new UsageException("detect", "--out " + a.get("out") + " is a directory; give the PNG file to write, e.g. --out annotated.png");
        }
        Path imagePath = Path.of(a.get("image"));
        RgbImage image = RgbImage.read(imagePath);
        Path modelPath = Path.of(a.get("model"));
        try (Detector det = Detector.load(modelPath, opts)) {
            Result r = detect(det, image, runs);
            Path png = a.has("out") ? Path.of(a.get("out")) : null;
            if (png != null) Annotator.writePng(Annotator.draw(image, r.detections()), png);
            if (a.has("json")) out.println(json(modelPath, imagePath, image, det, r, png));
            else print(modelPath, imagePath, image, det, r, png);
        }
        return 0;
    }

    record Result(List<Detection> detections, long[] nanos) {}

    static Result detect(Detector det, RgbImage image, int runs) {
        long[] t = new long[runs];
        List<Detection> d = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            d = det.detect(image);
            t[i] = System.nanoTime() - t0;
        }
        return new Result(d, t);
    }

    private void print(Path model, Path imagePath, RgbImage image, Detector det, Result r, Path png) {
        out.println(model.getFileName() + ": " + det.kind().name() + " detector, input " + det.inputWidth() + "x" + det.inputHeight() + " "
                + det.model().input(0).type().lowerName() + ", threshold " + Format.num(det.threshold()));
        out.println(imagePath.getFileName() + " (" + image.width() + "x" + image.height() + "): " + r.detections().size() + " detection"
                + (r.detections().size() == 1 ? "" : "s"));
        for (String line : lines(r.detections())) out.println(line);
        out.println(Report.latency(r.nanos()));
        if (png != null) out.println("wrote " + png.toAbsolutePath());
    }

    /** "  person  0.8711  [x0, y0, x1, y1]" lines, labels padded. */
    static List<String> lines(List<Detection> ds) {
        int w = 1;
        for (Detection d : ds) w = Math.max(w, d.label().length());
        List<String> r = new ArrayList<>();
        for (Detection d : ds) {
            r.add(String.format(Locale.ROOT, "  %s  %.4f  box [%.1f, %.1f, %.1f, %.1f]", Format.pad(d.label(), w), d.score(), d.x0(), d.y0(), d.x1(), d.y1()));
        }
        return r;
    }

    static String json(Path model, Path imagePath, RgbImage image, Detector det, Result r, Path png) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"model\":").append(str(model.toString())).append(",\"kind\":").append(str(det.kind().name().toLowerCase(Locale.ROOT)));
        sb.append(",\"image\":").append(str(imagePath.toString())).append(",\"width\":").append(image.width()).append(",\"height\":").append(image.height());
        sb.append(",\"threshold\":").append(Format.num(det.threshold()));
        sb.append(",\"latency_ms\":{\"median\":").append(ms(Report.median(r.nanos()))).append(",\"runs\":[");
        for (int i = 0; i < r.nanos().length; i++) sb.append(i > 0 ? "," : "").append(ms(r.nanos()[i]));
        sb.append("]},\"detections\":[");
        for (int i = 0; i < r.detections().size(); i++) {
            Detection d = r.detections().get(i);
            sb.append(i > 0 ? "," : "").append("{\"class_id\":").append(d.classId()).append(",\"label\":").append(str(d.label()))
                    .append(",\"score\":").append(String.format(Locale.ROOT, "%.5f", d.score()))
                    .append(String.format(Locale.ROOT, ",\"box\":[%.2f,%.2f,%.2f,%.2f]}", d.x0(), d.y0(), d.x1(), d.y1()));
        }
        sb.append("]");
        if (png != null) sb.append(",\"out\":").append(str(png.toAbsolutePath().toString()));
        return sb.append("}").toString();
    }

    private static String ms(long nanos) { return String.format(Locale.ROOT, "%.3f", nanos / 1e6); }

    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
