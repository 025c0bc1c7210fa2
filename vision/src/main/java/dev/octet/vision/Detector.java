package dev.octet.vision;

import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.InvalidInputException;
import dev.octet.core.Model;
import dev.octet.core.Node;
import dev.octet.core.Tensor;
import dev.octet.core.TensorInfo;
import dev.octet.loaders.Octet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Object detection with a model whose kind is recognized from its inputs and outputs:
 * <ul>
 *   <li>{@link Kind#SSD}: a TFLite SSD with the {@code TFLite_Detection_PostProcess} op (e.g. SSD MobileNet
 *       COCO): image input [1,H,W,3], four float32 outputs boxes [1,N,4] (ymin, xmin, ymax, xmax, normalized
 *       to 0..1), classes [1,N], scores [1,N] and count [1]. The image is resized (stretched) to HxW; uint8
 *       inputs get raw pixels, int8 pixel-128, float (pixel-127.5)/127.5. Default threshold 0.5.
 *   <li>{@link Kind#YOLO}: an Ultralytics YOLOv8/YOLO11 detection export (ONNX): image input [1,3,H,W] (or
 *       [1,H,W,3]), one float32 output [1,4+C,N] (box cx, cy, w, h in input pixels, then C class scores). The
 *       image is letterboxed ({@link Letterbox}), float inputs get pixel/255; the output is decoded by
 *       {@link YoloDecoder} (confidence threshold, default 0.25, class-wise NMS at IoU 0.45) and the boxes
 *       mapped back through the letterbox.
 *   <li>{@link Kind#BLAZEFACE}: MediaPipe's BlazeFace short-range face detector: float32 input [1,H,W,3], outputs
 *       regressors [1,N,16] and scores [1,N,1] for the N short-range anchors of that input size. The image is
 *       letterboxed with black padding and fed as pixel/127.5 - 1; {@link BlazeFaceDecoder} decodes the faces
 *       (threshold 0.5, weighted NMS at IoU 0.3), mapped back through the letterbox; label "face".
 * </ul>
 * Boxes are returned in pixels of the image passed to {@link #detect}. A Detector keeps one interpreter;
 * {@code detect} is synchronized (for parallel detection, create one Detector per thread from one shared
 * {@link Model} with {@link #of}).
 */
public final class Detector implements AutoCloseable {
    /** The detection model families Octet knows. */
    public enum Kind { SSD, YOLO, BLAZEFACE }

    static final String POSTPROCESS = "TFLite_Detection_PostProcess";

    private final Model model;
    private final Kind kind;
    private final DetectorOptions options;
    private final Labels labels;
    private final float threshold;
    private final int inputH, inputW;
    /** SSD: graph output indices of boxes, classes, scores, count. */
    private final int[] ssdOutputs;
    /** BlazeFace: the decoder and the output indices {regressors, classificators}. */
    private final BlazeFaceDecoder faceDecoder;
    private final int[] faceOutputs;
    private final Interpreter interpreter;

    private Detector(Model model, Kind kind, DetectorOptions options, Labels labels, int[] ssdOutputs) {
        this(model, kind, options, labels, ssdOutputs, null, null);
    }

    private Detector(Model model, Kind kind, DetectorOptions options, Labels labels, int[] ssdOutputs, BlazeFaceDecoder faceDecoder, int[] faceOutputs) {
        this.model = model;
        this.kind = kind;
        this.options = options;
        this.labels = labels;
        this.threshold = Float.isNaN(options.threshold()) ? (kind == Kind.YOLO ? 0.25f : 0.5f) : options.threshold();
        int[] hw = ImageTensors.Layout.of(model.input(0).shape()).heightWidth(model.input(0).shape());
        this.inputH = hw[0];
        this.inputW = hw[1];
        this.ssdOutputs = ssdOutputs;
        this.faceDecoder = faceDecoder;
        this.faceOutputs = faceOutputs;
        this.interpreter = model.newInterpreter();
    }

    /** Loads a detection model file (.tflite SSD or .onnx YOLO) and recognizes its kind. */
    public static Detector load(Path file, DetectorOptions options) {
        Model m = Octet.load(file, options.model());
        return of(m, options, file.getFileName() == null ? "" : file.getFileName().toString());
    }

    /** A detector on an already compiled model (default labels as for an unnamed file). */
    public static Detector of(Model model, DetectorOptions options) { return of(model, options, ""); }

    /** A detector on an already compiled model; {@code name} (e.g. the file name) only picks default labels. */
    public static Detector of(Model model, DetectorOptions options, String name) {
        if (model.inputCount() != 1 || ImageTensors.Layout.of(model.input(0).shape()) == null) {
            throw notDetector(model, "it needs one RGB image input [1,H,W,3] or [1,3,H,W]");
        }
        DataType it = model.input(0).type();
        if (it != DataType.UINT8 && it != DataType.INT8 && it != DataType.FLOAT32) {
            throw notDetector(model, "its image input must be uint8, int8 or float32");
        }
        int[] ssd = ssdOutputs(model);
        if (ssd != null) {
            Labels l = options.labels() != null ? options.labels() : Labels.cocoSsd();
            return new Detector(model, Kind.SSD, options, l, ssd);
        }
        int[] face = blazeFaceOutputs(model);
        if (face != null) {
            Labels l = options.labels() != null ? options.labels() : Labels.of(List.of("face"));
            int[] hw = ImageTensors.Layout.NHWC.heightWidth(model.input(0).shape());
            return new Detector(model, Kind.BLAZEFACE, options, l, null, BlazeFaceDecoder.shortRange(hw[1], hw[0]), face);
        }
        if (model.outputCount() == 1) {
            TensorInfo o = model.output(0);
            int[] s = o.shape();
            if (o.type() == DataType.FLOAT32 && s.length == 3 && s[0] == 1 && Math.min(s[1], s[2]) >= 5) {
                int classes = Math.min(s[1], s[2]) - 4;
                Labels l = options.labels();
                if (l == null) {
                    if (classes == 80) l = Labels.coco80();
                    else if (classes == 1) l = Labels.of(List.of(name != null && name.toLowerCase(Locale.ROOT).contains("face") ? "face" : "object"));
                    else l = Labels.of(List.of());
                }
                return new Detector(model, Kind.YOLO, options, l, null);
            }
        }
        throw notDetector(model, null);
    }

    private static InvalidInputException notDetector(Model model, String why) {
        StringBuilder sb = new StringBuilder("not a detection model Octet knows");
        if (why != null) sb.append(" (").append(why).append(")");
        sb.append(": expected either a TFLite SSD ending in ").append(POSTPROCESS)
                .append(" (4 float32 outputs: boxes [1,N,4], classes [1,N], scores [1,N], count [1]) or a YOLOv8/YOLO11 export")
                .append(" (one float32 output [1,4+C,N]: cx,cy,w,h + C class scores) or a BlazeFace short-range face detector")
                .append(" (float32 input [1,H,W,3], outputs regressors [1,N,16] and scores [1,N,1] for its N anchors); this model has inputs ");
        sb.append(describe(model, true)).append(" and outputs ").append(describe(model, false));
        return new InvalidInputException(sb.toString());
    }

    private static String describe(Model m, boolean inputs) {
        List<String> r = new ArrayList<>();
        int n = inputs ? m.inputCount() : m.outputCount();
        for (int i = 0; i < n; i++) r.add(ImageTensors.describe(inputs ? m.input(i) : m.output(i)));
        return r.toString();
    }

    /** SSD output positions {boxes, classes, scores, count}, or null if the model is not such an SSD. */
    static int[] ssdOutputs(Model model) {
        if (model.outputCount() != 4) return null;
        Graph g = model.graph();
        int[] outs = g.outputs();
        int[] r = null;
        for (Node n : g.nodes()) {
            if (!n.opType().equals(POSTPROCESS) || n.outputs().length != 4) continue;
            int[] no = n.outputs();
            r = new int[4];
            for (int k = 0; k < 4; k++) {
                r[k] = -1;
                for (int j = 0; j < 4; j++) if (outs[j] == no[k]) r[k] = j;
                if (r[k] < 0) { r = null; break; }
            }
            if (r != null) break;
        }
        if (r == null) r = new int[] {0, 1, 2, 3}; // no post-process node feeding the outputs: accept the conventional order
        for (int k = 0; k < 4; k++) if (model.output(r[k]).type() != DataType.FLOAT32) return null;
        int[] b = model.output(r[0]).shape(), c = model.output(r[1]).shape(), s = model.output(r[2]).shape(), n = model.output(r[3]).shape();
        if (b.length != 3 || b[2] != 4 || c.length != 2 || s.length != 2 || c[1] != b[1] || s[1] != b[1] || n.length != 1 || n[0] != 1) return null;
        return r;
    }

    /**
     * BlazeFace output positions {regressors, classificators}: a float32 NHWC image input and two float32 outputs
     * [1,N,16] and [1,N,1] where N is the short-range anchor count for the input size; else null.
     */
    static int[] blazeFaceOutputs(Model model) {
        if (model.outputCount() != 2 || model.input(0).type() != DataType.FLOAT32) return null;
        int[] in = model.input(0).shape();
        if (ImageTensors.Layout.of(in) != ImageTensors.Layout.NHWC) return null;
        int anchors = BlazeFaceDecoder.shortRange(in[2], in[1]).anchorCount();
        int reg = -1, cls = -1;
        for (int i = 0; i < 2; i++) {
            TensorInfo o = model.output(i);
            int[] s = o.shape();
            if (o.type() != DataType.FLOAT32 || s.length != 3 || s[0] != 1 || s[1] != anchors) return null;
            if (s[2] == BlazeFaceDecoder.COORDS) reg = i;
            else if (s[2] == 1) cls = i;
        }
        return reg >= 0 && cls >= 0 ? new int[] {reg, cls} : null;
    }

    public Kind kind() { return kind; }

    public Model model() { return model; }

    public Labels labels() { return labels; }

    /** The score threshold in use (the option, or the kind's default). */
    public float threshold() { return threshold; }

    public DetectorOptions options() { return options; }

    public int inputWidth() { return inputW; }

    public int inputHeight() { return inputH; }

    public List<Detection> detect(BufferedImage image) { return detect(RgbImage.fromBufferedImage(image)); }

    /** Detects objects; boxes in pixels of {@code image}, best score first. */
    public synchronized List<Detection> detect(RgbImage image) {
        return switch (kind) {
            case SSD -> detectSsd(image);
            case YOLO -> detectYolo(image);
            case BLAZEFACE -> detectFaces(image);
        };
    }

    /** The letterbox (black padding) and input tensor (pixel / 127.5 - 1) MediaPipe's face detection feeds BlazeFace. */
    public static Letterbox blazeFaceLetterbox(RgbImage image, int w, int h) { return Letterbox.of(image, w, h, 0); }

    /** pixel / 127.5 - 1 as float32 NHWC. */
    public static Tensor blazeFaceInput(RgbImage sized) {
        float[] lut = new float[256];
        for (int v = 0; v < 256; v++) lut[v] = v / 127.5f - 1f;
        byte[] b = sized.rgb();
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) out[i] = lut[b[i] & 0xFF];
        return Tensor.ofFloats(new int[] {1, sized.height(), sized.width(), 3}, out);
    }

    /**
     * Decodes raw BlazeFace outputs into detections in pixels of the letterboxed source image (used by
     * {@link #detect} and by tests that decode another runtime's outputs).
     */
    public static List<Detection> decodeFaces(BlazeFaceDecoder decoder, float[] regressors, float[] rawScores, Letterbox lb, float threshold,
            float nmsIou, int maxDetections, String label) {
        List<Detection> r = new ArrayList<>();
        int w = lb.image().width(), h = lb.image().height();
        for (BlazeFaceDecoder.Face f : decoder.decode(regressors, rawScores, threshold, nmsIou)) {
            if (r.size() >= maxDetections) break;
            r.add(new Detection(0, label, f.score(), (float) lb.toSourceX(f.xmin() * w), (float) lb.toSourceY(f.ymin() * h),
                    (float) lb.toSourceX(f.xmax() * w), (float) lb.toSourceY(f.ymax() * h)));
        }
        return r;
    }

    private List<Detection> detectFaces(RgbImage image) {
        Letterbox lb = blazeFaceLetterbox(image, inputW, inputH);
        interpreter.setInput(0, blazeFaceInput(lb.image()));
        interpreter.run();
        float[] reg = interpreter.output(faceOutputs[0]).floats(), cls = interpreter.output(faceOutputs[1]).floats();
        return decodeFaces(faceDecoder, reg, cls, lb, threshold, BlazeFaceDecoder.DEFAULT_NMS_IOU, options.maxDetections(), labels.get(0));
    }

    /** The last run's faces with keypoints, normalized to the model input (BlazeFace only; for callers that want the landmarks). */
    public synchronized List<BlazeFaceDecoder.Face> lastFaces() {
        if (kind != Kind.BLAZEFACE) throw new IllegalStateException("not a BlazeFace detector");
        return faceDecoder.decode(interpreter.output(faceOutputs[0]).floats(), interpreter.output(faceOutputs[1]).floats(), threshold,
                BlazeFaceDecoder.DEFAULT_NMS_IOU);
    }

    private List<Detection> detectSsd(RgbImage image) {
        TensorInfo in = model.input(0);
        interpreter.setInput(0, ImageTensors.forInput(in, image.resize(inputW, inputH), false));
        interpreter.run();
        float[] boxes = interpreter.output(ssdOutputs[0]).floats();
        float[] classes = interpreter.output(ssdOutputs[1]).floats();
        float[] scores = interpreter.output(ssdOutputs[2]).floats();
        float count = interpreter.output(ssdOutputs[3]).floats()[0];
        int n = (int) Math.max(0, Math.min(scores.length, count));
        int w = image.width(), h = image.height();
        List<Detection> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float sc = scores[i];
            if (!(sc >= threshold)) continue;
            int cls = Math.round(classes[i]);
            float y0 = clip(boxes[4 * i], 1) * h, x0 = clip(boxes[4 * i + 1], 1) * w;
            float y1 = clip(boxes[4 * i + 2], 1) * h, x1 = clip(boxes[4 * i + 3], 1) * w;
            r.add(new Detection(cls, labels.get(cls), sc, x0, y0, x1, y1));
        }
        r.sort((a, b) -> Float.compare(b.score(), a.score()));
        return r;
    }

    private List<Detection> detectYolo(RgbImage image) {
        TensorInfo in = model.input(0);
        Letterbox lb = Letterbox.of(image, inputW, inputH, Letterbox.PAD);
        interpreter.setInput(0, ImageTensors.forInput(in, lb.image(), true));
        interpreter.run();
        Tensor out = interpreter.output(0);
        List<Detection> raw = YoloDecoder.decode(out.floats(), out.shape(), threshold, options.iou(), options.maxDetections());
        List<Detection> r = new ArrayList<>(raw.size());
        for (Detection d : raw) {
            r.add(new Detection(d.classId(), labels.get(d.classId()), d.score(), (float) lb.toSourceX(d.x0()), (float) lb.toSourceY(d.y0()),
                    (float) lb.toSourceX(d.x1()), (float) lb.toSourceY(d.y1())));
        }
        return r;
    }

    private static float clip(float v, float max) { return Math.max(0, Math.min(max, v)); }

    @Override
    public String toString() {
        return kind + " detector, input " + inputW + "x" + inputH + ", " + labels.size() + " labels, threshold " + threshold
                + (kind == Kind.YOLO ? ", NMS IoU " + options.iou() : kind == Kind.BLAZEFACE ? ", weighted NMS IoU " + BlazeFaceDecoder.DEFAULT_NMS_IOU : "");
    }

    @Override
    public void close() { interpreter.close(); }
}
