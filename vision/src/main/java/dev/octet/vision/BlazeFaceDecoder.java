package dev.octet.vision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes the raw outputs of MediaPipe's BlazeFace short-range face detector ({@code face_detection_short_range.tflite}:
 * input [1,128,128,3] float32 in [-1, 1]; outputs regressors [1,896,16] and classificators [1,896,1]) into faces,
 * following the documented configuration of MediaPipe's face detection graph:
 * <ul>
 *   <li><b>Anchors</b> (MediaPipe's SSD anchor calculator with 4 layers, strides 8, 16, 16, 16, offset 0.5, aspect
 *       ratio 1 plus one interpolated anchor per layer, fixed anchor size): consecutive layers with the same stride share
 *       one feature map, so a stride-8 cell (16x16 grid) has 2 anchors and a stride-16 cell (8x8 grid) has 6; 896 in
 *       all. Each anchor is a cell centre {@code ((x + 0.5) / gridW, (y + 0.5) / gridH)} with width = height = 1;
 *       order: feature map, then row, column, anchor.
 *   <li><b>Boxes</b> (16 values per anchor, x before y): centre {@code cx = r0 / 128 * aw + ax}, {@code cy = r1 / 128
 *       * ah + ay}, size {@code w = r2 / 128 * aw}, {@code h = r3 / 128 * ah}, then 6 keypoints (right eye, left eye,
 *       nose tip, mouth, right and left ear tragion) decoded like the centre. Coordinates are normalized to the input.
 *   <li><b>Scores</b>: sigmoid of the raw score clipped to [-100, 100]; a face needs {@code score >= threshold}
 *       (MediaPipe: 0.5).
 *   <li><b>Weighted non-maximum suppression</b> (IoU threshold 0.3): take the best remaining face, gather every
 *       remaining face whose IoU with it exceeds the threshold (itself included), replace its box and keypoints by
 *       the score-weighted mean of the group, keep its score, drop the group, repeat.
 * </ul>
 */
public final class BlazeFaceDecoder {
    /** Values per anchor in the regressor output: box (4) + 6 keypoints (x, y). */
    public static final int COORDS = 16;
    public static final int KEYPOINTS = 6;
    /** MediaPipe's score clipping, minimum score and NMS threshold for this model. */
    public static final float SCORE_CLIP = 100f, DEFAULT_THRESHOLD = 0.5f, DEFAULT_NMS_IOU = 0.3f;

    private static final int[] STRIDES = {8, 16, 16, 16};

    /**
     * A decoded face, coordinates normalized to the model input (0..1, may slightly exceed it).
     *
     * @param keypoints 6 (x, y) pairs: right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion
     */
    public record Face(float score, float xmin, float ymin, float xmax, float ymax, float[] keypoints) {
        public Face {
            keypoints = keypoints.clone();
        }

        @Override
        public float[] keypoints() { return keypoints.clone(); }

        float area() { return Math.max(0, xmax - xmin) * Math.max(0, ymax - ymin); }

        /** Intersection over union of the two boxes (0 if the union is empty). */
        public float iou(Face o) {
            float w = Math.min(xmax, o.xmax) - Math.max(xmin, o.xmin), h = Math.min(ymax, o.ymax) - Math.max(ymin, o.ymin);
            if (w <= 0 || h <= 0) return 0;
            float inter = w * h, union = area() + o.area() - inter;
            return union <= 0 ? 0 : inter / union;
        }
    }

    private final int inputW, inputH;
    /** Per anchor: x centre, y centre (width = height = 1). */
    private final float[] anchorX, anchorY;

    private BlazeFaceDecoder(int inputW, int inputH, float[] ax, float[] ay) {
        this.inputW = inputW;
        this.inputH = inputH;
        this.anchorX = ax;
        this.anchorY = ay;
    }

    /** The short-range decoder for a {@code width x height} input (128x128 for the published model). */
    public static BlazeFaceDecoder shortRange(int width, int height) {
        List<float[]> anchors = new ArrayList<>();
        int layer = 0;
        while (layer < STRIDES.length) {
            int stride = STRIDES[layer];
            int perCell = 0;
            // layers with the same stride share one feature map: each contributes 2 anchors per cell
            // (aspect ratio 1, plus the interpolated-scale anchor); with a fixed anchor size all are 1x1
            while (layer < STRIDES.length && STRIDES[layer] == stride) {
                perCell += 2;
                layer++;
            }
            int gh = (int) Math.ceil((double) height / stride), gw = (int) Math.ceil((double) width / stride);
            for (int y = 0; y < gh; y++) {
                for (int x = 0; x < gw; x++) {
                    float cx = (x + 0.5f) / gw, cy = (y + 0.5f) / gh;
                    for (int a = 0; a < perCell; a++) anchors.add(new float[] {cx, cy});
                }
            }
        }
        float[] ax = new float[anchors.size()], ay = new float[anchors.size()];
        for (int i = 0; i < ax.length; i++) {
            ax[i] = anchors.get(i)[0];
            ay[i] = anchors.get(i)[1];
        }
        return new BlazeFaceDecoder(width, height, ax, ay);
    }

    /** Number of anchors (896 for 128x128). */
    public int anchorCount() { return anchorX.length; }

    /** Anchor i as {x centre, y centre} (normalized). */
    public float[] anchor(int i) { return new float[] {anchorX[i], anchorY[i]}; }

    /** Sigmoid of the raw score clipped to +-100, as MediaPipe computes it. */
    public static float score(float raw) {
        float x = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, raw));
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** Every anchor's face before suppression (score >= threshold), in anchor order. */
    public List<Face> candidates(float[] regressors, float[] rawScores, float threshold) {
        int n = anchorX.length;
        if (regressors.length != n * COORDS || rawScores.length != n) {
            throw new IllegalArgumentException("expected " + n * COORDS + " regressors and " + n + " scores for " + n + " anchors, got "
                    + regressors.length + " and " + rawScores.length);
        }
        List<Face> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float s = score(rawScores[i]);
            if (!(s >= threshold)) continue;
            int o = i * COORDS;
            float cx = regressors[o] / inputW + anchorX[i], cy = regressors[o + 1] / inputH + anchorY[i];
            float w = regressors[o + 2] / inputW, h = regressors[o + 3] / inputH;
            float[] kp = new float[2 * KEYPOINTS];
            for (int k = 0; k < KEYPOINTS; k++) {
                kp[2 * k] = regressors[o + 4 + 2 * k] / inputW + anchorX[i];
                kp[2 * k + 1] = regressors[o + 5 + 2 * k] / inputH + anchorY[i];
            }
            r.add(new Face(s, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, kp));
        }
        return r;
    }

    /** Decodes and suppresses: faces best first, normalized to the input. */
    public List<Face> decode(float[] regressors, float[] rawScores, float threshold, float nmsIou) {
        return weightedNms(candidates(regressors, rawScores, threshold), nmsIou);
    }

    /** MediaPipe's weighted non-maximum suppression (see the class comment). */
    public static List<Face> weightedNms(List<Face> faces, float iouThreshold) {
        List<Face> remaining = new ArrayList<>(faces);
        remaining.sort((a, b) -> Float.compare(b.score(), a.score())); // stable: equal scores keep anchor order
        List<Face> out = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Face top = remaining.get(0);
            List<Face> group = new ArrayList<>(), rest = new ArrayList<>();
            for (Face f : remaining) (top.iou(f) > iouThreshold || f == top ? group : rest).add(f);
            double total = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            double[] kp = new double[2 * KEYPOINTS];
            for (Face f : group) {
                double s = f.score();
                total += s;
                x0 += s * f.xmin();
                y0 += s * f.ymin();
                x1 += s * f.xmax();
                y1 += s * f.ymax();
                for (int k = 0; k < kp.length; k++) kp[k] += s * f.keypoints[k];
            }
            float[] k = new float[kp.length];
            for (int j = 0; j < k.length; j++) k[j] = (float) (kp[j] / total);
            out.add(new Face(top.score(), (float) (x0 / total), (float) (y0 / total), (float) (x1 / total), (float) (y1 / total), k));
            remaining = rest;
        }
        return out;
    }

    @Override
    public String toString() { return "BlazeFace short-range decoder " + inputW + "x" + inputH + ", " + anchorCount() + " anchors " + Arrays.toString(STRIDES); }
}
