package dev.octet.cli;

import dev.octet.vision.Classifier;
import dev.octet.vision.Annotator;
import dev.octet.vision.Detector;
import dev.octet.vision.DetectorOptions;
import dev.octet.vision.RgbImage;
import dev.octet.core.Interpreter;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.OctetException;
import dev.octet.core.Tensor;
import dev.octet.core.TensorInfo;
import dev.octet.loaders.Octet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code octet demo}: classifies the shared sample images with the real MobileNets if they are present,
 * otherwise builds and runs a tiny self-made model; says which of the two it did. Needs no network.
 */
final class DemoCommand {
    /** The ImageNet classifiers the demo runs, in order, if present in the models directory. */
    static final String[] CLASSIFIERS = {
        "mobilenet_v1_0.25_128_quant.tflite",
        "mobilenet_v1_0.5_160_quant.tflite",
        "mobilenet_v1_0.75_192_quant.tflite",
        "mobilenet_v2_1.0_224_quant.tflite",
        "tf2_mobilenet_v2_1.0_224_ptq.tflite",
        "mobilenet_v3_small_224_1.0_uint8.tflite",
    };

    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static Args args() {
        Args a = new Args("demo", "demo [options]", """
                Classifies the sample images (shared/images/*.bmp, *.jpg, *.png) with each ImageNet MobileNet in
                shared/models and prints the top-3 classes and the latency (median of --runs). The shared
                directory is the 'shared' folder beside the repository (or beside one of its parent folders),
                or --shared DIR, or $OCTET_SHARED_DIR. Without it, the demo builds a small uint8 model in memory
                (conv, depthwise conv, average pool, fully connected, softmax with fixed-seed weights), runs it
                on a synthetic image and prints its output. With the real models it then detects objects in
                kite_and_cold.jpg with the SSD MobileNet (TFLite) and YOLOv8n (ONNX) detectors and faces in
                grace_hopper.bmp with BlazeFace (TFLite, float16 weights), prints the detections and writes the
                annotated images as PNG into --out DIR (default: octet-demo in the
                system temporary folder).""")
                .option("shared", "dir", "the folder holding models/ and images/ (default: found beside the repository)")
                .option("runs", "n", "runs per image; the median latency is printed (default 3)")
                .option("out", "dir", "where the detection demo writes its annotated PNGs (default: <tmp>/octet-demo)")
                .flag("synthetic", "run the small self-made model even if the real models are present");
        return Main.withModelOptions(a);
    }

    int run(String[] argv) throws IOException {
        Args a = args();
        if (!a.parse(argv)) { out.print(a.help()); return 0; }
        a.noPositional();
        int runs = a.getInt("runs", 3, 1, 10_000);
        ModelOptions options = Main.modelOptions(a);
        Path shared = a.has("shared") ? Path.of(a.get("shared")) : findShared();
        if (a.has("shared") && !Files.isDirectory(shared.resolve("models"))) {
            throw new dev.octet.core.InvalidInputException("--shared " + shared + " has no models/ folder");
        }
        if (!a.has("synthetic") && shared != null) {
            List<Path> models = new ArrayList<>();
            for (String m : CLASSIFIERS) if (Files.isRegularFile(shared.resolve("models").resolve(m))) models.add(shared.resolve("models").resolve(m));
            List<Path> images = images(shared.resolve("images"));
            if (!models.isEmpty() && !images.isEmpty()) {
                int status = real(shared, models, images, options, runs);
                Path outDir = a.has("out") ? Path.of(a.get("out")) : Path.of(System.getProperty("java.io.tmpdir"), "octet-demo");
                status = Math.max(status, detection(shared, outDir, options, runs));
                return Math.max(status, faces(shared, outDir, options, runs));
            }
            out.println("(found " + shared + " but it has " + models.size() + " of the demo models and " + images.size() + " images)");
        }
        return synthetic(shared, options, runs, a.has("synthetic"));
    }

    /** The 'shared' folder beside the repository root or one of its ancestors, that holds models/; or null. */
    static Path findShared() {
        String env = System.getenv("OCTET_SHARED_DIR");
        if (env != null && !env.isBlank() && Files.isDirectory(Path.of(env, "models"))) return Path.of(env);
        String prop = System.getProperty("octet.shared.dir");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "models"))) return Path.of(prop);
        for (Path p = Main.home(); p != null && p.getParent() != null; p = p.getParent()) {
            Path s = p.getParent().resolve("shared");
            if (Files.isDirectory(s.resolve("models"))) return s;
        }
        return null;
    }

    static List<Path> images(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (n.endsWith(".bmp") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
            }).sorted().toList();
        }
    }

    private int real(Path shared, List<Path> models, List<Path> images, ModelOptions options, int runs) {
        out.println("Octet demo: classifying " + images.size() + " image(s) from " + shared.resolve("images") + " with " + models.size()
                + " ImageNet model(s) from " + shared.resolve("models"));
        out.println("(" + options.kernels().name().toLowerCase(Locale.ROOT) + " kernels, " + options.threads() + " thread(s), latency = median of "
                + runs + " run(s); top-3 as 'index label score')");
        List<RgbImage> loaded = new ArrayList<>();
        for (Path p : images) loaded.add(RgbImage.read(p));
        int failed = 0;
        for (Path mp : models) {
            out.println();
            try {
                long t0 = System.nanoTime();
                Model model = Octet.load(mp, options);
                long loadNanos = System.nanoTime() - t0;
                TensorInfo in = model.input(0);
                out.println(mp.getFileName() + ": input " + Format.tensor(in) + ", " + Format.count(model.totalMacs()) + " MACs, loaded in "
                        + Format.millis(loadNanos));
                Path labelsPath = Classifier.labelsFor(mp, null);
                List<String> labels = labelsPath == null ? null : Classifier.readLabels(labelsPath);
                if (labels != null && labels.size() != model.output(0).size()) labels = null;
                try (Interpreter it = model.newInterpreter()) {
                    for (int i = 0; i < images.size(); i++) {
                        Tensor input = Classifier.inputTensor(model, loaded.get(i), Classifier.Normalization.DEFAULT);
                        long[] t = Classifier.time(it, input, runs);
                        Tensor scores = it.output(0);
                        out.println("  " + images.get(i).getFileName() + "  (" + Format.millis(Report.median(t)) + ")");
                        for (String line : Report.lines(Classifier.top(scores, labels, 3))) out.println("  " + line);
                    }
                }
            } catch (OctetException e) {
                failed++;
                out.println(mp.getFileName() + ": failed: " + e.getMessage());
            }
        }
        if (failed > 0) {
            err.println("octet: error: " + failed + " of " + models.size() + " models failed (see above)");
            return 1;
        }
        return 0;
    }

    /** The detectors the demo runs on {@link #DETECT_IMAGE}, if present. */
    static final String[] DETECTORS = {"ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite", "yolov8n_320_float.onnx"};
    static final String DETECT_IMAGE = "kite_and_cold.jpg";

    /** Object detection part of the demo; returns 1 if a present detector failed. */
    int detection(Path shared, Path outDir, ModelOptions options, int runs) {
        Path img = shared.resolve("images").resolve(DETECT_IMAGE);
        List<Path> models = new ArrayList<>();
        for (String m : DETECTORS) if (Files.isRegularFile(shared.resolve("models").resolve(m))) models.add(shared.resolve("models").resolve(m));
        out.println();
        if (!Files.isRegularFile(img) || models.isEmpty()) {
            out.println("Object detection: skipped (needs images/" + DETECT_IMAGE + " and one of " + String.join(", ", DETECTORS) + ")");
            return 0;
        }
        out.println("Object detection on " + DETECT_IMAGE + " (annotated PNGs go to " + outDir.toAbsolutePath() + "):");
        RgbImage image = RgbImage.read(img);
        int failed = 0;
        for (Path mp : models) {
            out.println();
            try (Detector det = Detector.load(mp, DetectorOptions.DEFAULT.withModelOptions(options))) {
                DetectCommand.Result r = DetectCommand.detect(det, image, runs);
                String name = mp.getFileName().toString();
                Path png = outDir.resolve(DETECT_IMAGE.replaceFirst("\\.[^.]+$", "") + "_" + name.substring(0, name.lastIndexOf('.')) + ".png");
                Annotator.writePng(Annotator.draw(image, r.detections()), png);
                out.println(name + " (" + det.kind() + ", threshold " + Format.num(det.threshold()) + "): " + r.detections().size() + " detections, "
                        + Format.millis(Report.median(r.nanos())) + " per image (median of " + runs + ")");
                for (String line : DetectCommand.lines(r.detections())) out.println("  " + line);
                out.println("  wrote " + png.toAbsolutePath());
            } catch (OctetException e) {
                failed++;
                out.println(mp.getFileName() + ": failed: " + e.getMessage());
            }
        }
        if (failed > 0) {
            err.println("octet: error: " + failed + " of " + models.size() + " detectors failed (see above)");
            return 1;
        }
        return 0;
    }

    static final String FACE_MODEL = "face_detection_short_range.tflite";
    static final String FACE_IMAGE = "grace_hopper.bmp";

    /** Face detection part of the demo (BlazeFace on {@link #FACE_IMAGE}); returns 1 if it failed. */
    int faces(Path shared, Path outDir, ModelOptions options, int runs) {
        Path img = shared.resolve("images").resolve(FACE_IMAGE), model = shared.resolve("models").resolve(FACE_MODEL);
        out.println();
        if (!Files.isRegularFile(img) || !Files.isRegularFile(model)) {
            out.println("Face detection: skipped (needs images/" + FACE_IMAGE + " and models/" + FACE_MODEL + ")");
            return 0;
        }
        RgbImage image = RgbImage.read(img);
        try (Detector det = Detector.load(model, DetectorOptions.DEFAULT.withModelOptions(options))) {
            DetectCommand.Result r = DetectCommand.detect(det, image, runs);
            Path png = outDir.resolve(FACE_IMAGE.replaceFirst("\\.[^.]+$", "") + "_faces.png");
            Annotator.writePng(Annotator.draw(image, r.detections()), png);
            out.println("Face detection on " + FACE_IMAGE + " with " + FACE_MODEL + " (" + det.kind() + ", threshold " + Format.num(det.threshold()) + "): "
                    + r.detections().size() + " face(s), " + Format.millis(Report.median(r.nanos())) + " per image (median of " + runs + ")");
            for (String line : DetectCommand.lines(r.detections())) out.println("  " + line);
            out.println("  wrote " + png.toAbsolutePath());
            return 0;
        } catch (OctetException e) {
            out.println(FACE_MODEL + ": failed: " + e.getMessage());
            err.println("octet: error: the face detector failed (see above)");
            return 1;
        }
    }

    private int synthetic(Path shared, ModelOptions options, int runs, boolean forced) {
        if (forced) out.println("Octet demo: running a small self-made model (--synthetic).");
        else out.println("Octet demo: the real models were not found (looked for a 'shared/models' folder beside the repository at "
                + Main.home() + "; point --shared or OCTET_SHARED_DIR at it), so this runs a small self-made model instead.");
        byte[] bytes = SyntheticModel.build();
        Model model = Octet.load(bytes, options);
        out.println("model: built in memory with TfliteWriter (" + bytes.length + " bytes): CONV_2D -> DEPTHWISE_CONV_2D -> AVERAGE_POOL_2D -> "
                + "FULLY_CONNECTED -> SOFTMAX, uint8, " + Format.count(model.totalMacs()) + " MACs");
        out.println("input: a synthetic " + SyntheticModel.SIZE + "x" + SyntheticModel.SIZE + " gradient image, " + Format.tensor(model.input(0)));
        try (Interpreter it = model.newInterpreter()) {
            long[] t = Classifier.time(it, Classifier.inputTensor(model, SyntheticModel.image(), Classifier.Normalization.DEFAULT), runs);
            Tensor o = it.output(0);
            out.println("output: " + Format.tensor(model.output(0)));
            for (int i = 0; i < o.size(); i++) {
                out.println("  " + SyntheticModel.LABELS[i] + "  raw " + Format.padLeft(Long.toString(o.getLong(i)), 3) + "  probability "
                        + String.format(Locale.ROOT, "%.4f", o.getDouble(i)));
            }
            out.println(Report.latency(t));
        }
        return 0;
    }
}
