package dev.octet.ops.reference;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.InvalidInputException;
import dev.octet.core.Kernel;
import dev.octet.core.ModelFormatException;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantParams;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import java.util.Map;

/**
 * TFLite's custom operator {@code TFLite_Detection_PostProcess} (SSD box decoding and non-max
 * suppression), matching TensorFlow Lite 2.6.2's {@code kernels/detection_postprocess.cc}.
 *
 * <p>Inputs: box encodings [1, A, L>=4] (ty, tx, th, tw first), class predictions [1, A, C] (C =
 * num_classes, or num_classes + 1 with a leading background column), anchors [A, 4] (ycenter, xcenter, h,
 * w); each float32, uint8 or int8 (8-bit ones are dequantized with their own parameters). Outputs, all
 * float32: boxes [1, N, 4] (ymin, xmin, ymax, xmax), classes [1, N], scores [1, N], count [1], where N =
 * max_detections * max_classes_per_detection.
 *
 * <p>Semantics kept from TFLite (the oracle):
 * <ul>
 *   <li>dequantization {@code (float(q) - float(zp)) * scale} for boxes and anchors, {@code float(double(scale)
 *       * (q - zp))} for class scores (both round the exact product once);
 *   <li>center-size decoding in double precision, rounded to float once per value: {@code ycenter = y / y_scale
 *       * anchor.h + anchor.y}, {@code half_h = 0.5 * exp(h / h_scale) * anchor.h}, then float
 *       {@code ycenter -/+ half_h};
 *   <li>decoded boxes with ymin > ymax or xmin > xmax make the run fail (TFLite's ValidateBoxes);
 *   <li>single-class NMS: scores {@code >=} threshold kept, sorted by decreasing score with a stable sort (equal
 *       scores keep increasing anchor order), greedy selection, a candidate is suppressed when its IoU with a
 *       selected box is {@code >} the IoU threshold; IoU is 0 when either box has area {@code <= 0};
 *   <li>fast (class-agnostic) NMS: per anchor the top min(max_classes_per_detection, num_classes) classes by a
 *       partial sort (an arg-max, first maximum wins, when only one is needed), NMS on each anchor's best score,
 *       then for each kept anchor k its classes fill slots k*max_classes_per_detection + c;
 *   <li>regular NMS: per class NMS with detections_per_class, the running top max_detections merged by a partial
 *       sort after each class; slots past the count are zero;
 *   <li>partial sorts reproduce libstdc++'s {@code std::partial_sort} (heap select + sort heap) so that the
 *       order of equal scores is the same as the oracle's.
 * </ul>
 * Where TFLite leaves output slots unwritten (fast NMS: slots of unselected anchors, or classes past
 * num_classes) this kernel writes zeros. num_detections is the number of selected anchors (fast) or
 * detections (regular).
 */
final class DetectionPostProcess {
    static final String OP = "TFLite_Detection_PostProcess";

    private DetectionPostProcess() {}

    /** The decoded operator options. */
    record Options(int maxDetections, int maxClassesPerDetection, int detectionsPerClass, boolean useRegularNms,
                   float scoreThreshold, float iouThreshold, int numClasses, float yScale, float xScale, float hScale,
                   float wScale) {}

    static final String MAX_DETECTIONS = "max_detections";
    static final String MAX_CLASSES_PER_DETECTION = "max_classes_per_detection";
    static final String DETECTIONS_PER_CLASS = "detections_per_class";
    static final String USE_REGULAR_NMS = "use_regular_nms";
    static final String NMS_SCORE_THRESHOLD = "nms_score_threshold";
    static final String NMS_IOU_THRESHOLD = "nms_iou_threshold";
    static final String NUM_CLASSES = "num_classes";
    static final String Y_SCALE = "y_scale";
    static final String X_SCALE = "x_scale";
    static final String H_SCALE = "h_scale";
    static final String W_SCALE = "w_scale";

    static Kernel create(PrepareContext ctx) {
        if (ctx.inputCount() != 3) throw ctx.invalid("expects 3 inputs (box encodings, class predictions, anchors), has " + ctx.inputCount());
        if (ctx.outputCount() != 4) throw ctx.invalid("expects 4 outputs (boxes, classes, scores, num_detections), has " + ctx.outputCount());
        if (!ctx.hasInput(0)) throw ctx.invalid("missing box encodings (input 0)");
        if (!ctx.hasInput(1)) throw ctx.invalid("missing class predictions (input 1)");
        if (!ctx.hasInput(2)) throw ctx.invalid("missing anchors (input 2)");
        Options o = parseOptions(ctx);

        TensorInfo boxes = ctx.input(0), classes = ctx.input(1), anchors = ctx.input(2);
        int[] bs = boxes.shape(), cs = classes.shape(), as = anchors.shape();
        if (!Shapes.isKnown(bs) || bs.length != 3 || bs[0] != 1 || bs[2] < 4) {
            throw ctx.invalid("box encodings must have shape [1, anchors, >=4], have " + Shapes.str(bs));
        }
        int numBoxes = bs[1];
        int boxLen = bs[2];
        if (!Shapes.isKnown(cs) || cs.length != 3 || cs[0] != 1) {
            throw ctx.invalid("class predictions must have shape [1, anchors, classes], have " + Shapes.str(cs));
        }
        if (cs[1] != numBoxes) {
            throw ctx.invalid("class predictions " + Shapes.str(cs) + " cover " + cs[1] + " anchors but the box encodings " + Shapes.str(bs) + " have " + numBoxes);
        }
        if (!Shapes.isKnown(as) || as.length != 2 || as[1] != 4) {
            throw ctx.invalid("wrong anchor shape " + Shapes.str(as) + ": anchors must be [" + numBoxes + ", 4] (ycenter, xcenter, h, w)");
        }
        if (as[0] != numBoxes) {
            throw ctx.invalid("anchor count " + as[0] + " does not match the " + numBoxes + " box encodings " + Shapes.str(bs));
        }
        int withBackground = cs[2];
        int labelOffset = withBackground - o.numClasses();
        if (labelOffset < 0 || labelOffset > 1) {
            throw ctx.invalid("num_classes=" + o.numClasses() + " does not fit class predictions with " + withBackground
                    + " columns (expected num_classes or num_classes + 1 with a background column)");
        }
        checkType(ctx, 0, "box encodings");
        checkType(ctx, 1, "class predictions");
        checkType(ctx, 2, "anchors");
        for (int i = 0; i < 4; i++) {
            if (ctx.output(i).type() != DataType.FLOAT32) {
                throw ctx.invalid("output " + i + " ('" + ctx.output(i).name() + "') must be float32, is " + ctx.output(i).type().lowerName());
            }
        }

        long n = (long) o.maxDetections() * o.maxClassesPerDetection();
        if (n > Integer.MAX_VALUE / 4) throw ctx.invalid("max_detections * max_classes_per_detection = " + n + " is too large");
        int outN = (int) n;
        ctx.setOutputShape(0, new int[] {1, outN, 4});
        ctx.setOutputShape(1, new int[] {1, outN});
        ctx.setOutputShape(2, new int[] {1, outN});
        ctx.setOutputShape(3, new int[] {1});

        float[] packedAnchors = null;
        if (ctx.isConstant(2)) {
            packedAnchors = switch (anchors.type()) {
                case FLOAT32 -> ctx.constFloats(2);
                default -> {
                    byte[] q = ctx.constBytes(2);
                    boolean u = anchors.type() == DataType.UINT8;
                    float scale = anchors.quant().scale();
                    int zp = anchors.quant().zeroPoint();
                    float[] f = new float[q.length];
                    for (int i = 0; i < q.length; i++) f[i] = dequantBox(q[i], u, zp, scale);
                    yield f;
                }
            };
            ctx.markPacked(2);
        }

        Layout l = new Layout(numBoxes, withBackground, o);
        if (l.floats > Integer.MAX_VALUE || l.ints > Integer.MAX_VALUE) throw ctx.invalid("needs too much scratch memory (" + l.floats + " floats, " + l.ints + " ints)");
        ctx.requestScratch(DataType.Storage.FLOAT, (int) l.floats);
        ctx.requestScratch(DataType.Storage.INT, (int) l.ints);
        ctx.requestScratch(DataType.Storage.LONG, numBoxes);

        int[] ids = {ctx.inputId(0), ctx.inputId(1), ctx.inputId(2), ctx.outputId(0), ctx.outputId(1), ctx.outputId(2), ctx.outputId(3)};
        return new PostProcessKernel(o, numBoxes, boxLen, withBackground, labelOffset, outN, ids,
                boxes.type(), quantOf(boxes), classes.type(), quantOf(classes), anchors.type(), quantOf(anchors), packedAnchors, l,
                ctx.options().threads());
    }

    private static void checkType(PrepareContext ctx, int i, String what) {
        TensorInfo t = ctx.input(i);
        DataType ty = t.type();
        if (ty != DataType.FLOAT32 && ty != DataType.UINT8 && ty != DataType.INT8) {
            throw ctx.unsupported(what + " (input " + i + ") of type " + ty.lowerName() + "; supported: float32, uint8, int8");
        }
        if (ty.isQuantized8()) {
            QuantParams q = t.quant();
            if (q.isNone()) throw ctx.invalid(what + " (input " + i + ") are " + ty.lowerName() + " without quantization parameters");
            if (q.isPerAxis()) throw ctx.unsupported(what + " (input " + i + ") with per-axis quantization");
        }
    }

    private static QuantParams quantOf(TensorInfo t) { return t.type() == DataType.FLOAT32 ? QuantParams.NONE : t.quant(); }

    // ------------------------------------------------------------------------------------------ options

    /**
     * Reads the options from the node's attributes, each from its named attribute when the loader decoded it,
     * otherwise from the FlexBuffers map in {@code custom_options}.
     */
    static Options parseOptions(PrepareContext ctx) {
        Attributes a = ctx.node().attrs();
        Map<String, Object> flex = null;
        Object raw = a.get(Ops.ATTR_CUSTOM_OPTIONS);
        if (raw != null) {
            if (!(raw instanceof byte[] bytes)) throw ctx.invalid("attribute custom_options must be a byte[] FlexBuffer, is " + raw.getClass().getSimpleName());
            try {
                if (bytes.length > 0) flex = FlexBuffersMap.read(bytes); // empty: the op has no custom options
            } catch (ModelFormatException e) {
                throw ctx.invalid(e.getMessage());
            }
        }
        OptionSource src = new OptionSource(ctx, a, flex);
        int maxDetections = src.requireInt(MAX_DETECTIONS);
        int maxClasses = src.optInt(MAX_CLASSES_PER_DETECTION, 1);
        int perClass = src.optInt(DETECTIONS_PER_CLASS, 100);
        boolean regular = src.optBool(USE_REGULAR_NMS, false);
        float scoreThr = src.requireFloat(NMS_SCORE_THRESHOLD);
        float iouThr = src.requireFloat(NMS_IOU_THRESHOLD);
        int numClasses = src.requireInt(NUM_CLASSES);
        float ys = src.requireFloat(Y_SCALE), xs = src.requireFloat(X_SCALE), hs = src.requireFloat(H_SCALE), ws = src.requireFloat(W_SCALE);
        if (maxDetections < 0) throw ctx.invalid("option max_detections must be >= 0, is " + maxDetections);
        if (maxClasses <= 0) throw ctx.invalid("option max_classes_per_detection must be > 0, is " + maxClasses);
        if (regular && perClass <= 0) throw ctx.invalid("option detections_per_class must be > 0 with regular NMS, is " + perClass);
        if (numClasses <= 0) throw ctx.invalid("option num_classes must be > 0, is " + numClasses);
        if (!(iouThr > 0f && iouThr <= 1f)) throw ctx.invalid("option nms_iou_threshold must be in (0, 1], is " + iouThr);
        return new Options(maxDetections, maxClasses, perClass, regular, scoreThr, iouThr, numClasses, ys, xs, hs, ws);
    }

    private record OptionSource(PrepareContext ctx, Attributes attrs, Map<String, Object> flex) {
        private Object value(String name) {
            Object v = attrs.get(name);
            if (v == null && flex != null) v = flex.get(name);
            return v == FlexBuffersMap.NULL ? null : v;
        }

        private ModelFormatException wrongType(String name, Object v, String want) {
            return ctx.invalid("option " + name + " must be " + want + ", is " + (v instanceof String s ? "the string \"" + s + "\"" : v instanceof FlexBuffersMap.Unsupported u ? "a " + u.typeName() : v.getClass().getSimpleName() + " " + v));
        }

        private ModelFormatException missing(String name) {
            return ctx.invalid("missing option " + name + (flex == null ? " (no attribute and no custom_options)" : " (not in the attributes nor in custom_options)"));
        }

        /** FlexBuffers AsInt32: integers truncate to 32 bits, floats convert toward zero, bools are 0/1. */
        private Integer asInt(String name, Object v) {
            if (v == null) return null;
            if (v instanceof Double || v instanceof Float) return (int) (long) ((Number) v).doubleValue();
            if (v instanceof Number num) return (int) num.longValue();
            if (v instanceof Boolean b) return b ? 1 : 0;
            throw wrongType(name, v, "an integer");
        }

        private Float asFloat(String name, Object v) {
            if (v == null) return null;
            if (v instanceof Double d) return (float) d.doubleValue();
            if (v instanceof Number num) return num instanceof Long || num instanceof Integer ? (float) num.longValue() : num.floatValue();
            if (v instanceof Boolean b) return b ? 1f : 0f;
            throw wrongType(name, v, "a number");
        }

        int requireInt(String name) {
            Integer i = asInt(name, value(name));
            if (i == null) throw missing(name);
            return i;
        }

        int optInt(String name, int dflt) {
            Integer i = asInt(name, value(name));
            return i == null ? dflt : i;
        }

        float requireFloat(String name) {
            Float f = asFloat(name, value(name));
            if (f == null) throw missing(name);
            return f;
        }

        boolean optBool(String name, boolean dflt) {
            Object v = value(name);
            if (v == null) return dflt;
            if (v instanceof Boolean b) return b;
            if (v instanceof Double d) return d != 0.0;
            if (v instanceof Number num) return num.longValue() != 0;
            throw wrongType(name, v, "a bool");
        }
    }

    // ------------------------------------------------------------------------------------------ arithmetic

    /** Box and anchor dequantization as TFLite's box decoder does it: (float(q) - float(zp)) * scale in float. */
    static float dequantBox(byte q, boolean unsigned, int zp, float scale) {
        float x = unsigned ? (float) (q & 0xFF) : (float) q;
        return (x - (float) zp) * scale;
    }

    /** Class score dequantization as TFLite's Dequantize does it: float(double(scale) * (q - zp)). */
    static float dequantScore(byte q, boolean unsigned, int zp, float scale) {
        int v = unsigned ? q & 0xFF : q;
        return (float) ((double) scale * (v - zp));
    }

    /** ycenter (or xcenter): float(double(t) / double(scale) * double(size) + double(center)). */
    static float decodeCenter(float t, float scale, float size, float center) {
        return (float) ((double) t / (double) scale * (double) size + (double) center);
    }

    /** half height (or width): float(0.5 * exp(double(t) / double(scale)) * double(size)). */
    static float decodeHalf(float t, float scale, float size) {
        return (float) (0.5 * StrictMath.exp((double) t / (double) scale) * (double) size);
    }

    /** IoU of boxes i and j of a (ymin, xmin, ymax, xmax) array, in TFLite's float order of operations. */
    static float iou(float[] b, int base, int i, int j) {
        int pi = base + 4 * i, pj = base + 4 * j;
        float iymin = b[pi], ixmin = b[pi + 1], iymax = b[pi + 2], ixmax = b[pi + 3];
        float jymin = b[pj], jxmin = b[pj + 1], jymax = b[pj + 2], jxmax = b[pj + 3];
        float areaI = (iymax - iymin) * (ixmax - ixmin);
        float areaJ = (jymax - jymin) * (jxmax - jxmin);
        if (areaI <= 0 || areaJ <= 0) return 0f;
        float yMin = Math.max(iymin, jymin), xMin = Math.max(ixmin, jxmin);
        float yMax = Math.min(iymax, jymax), xMax = Math.min(ixmax, jxmax);
        float inter = maxF(yMax - yMin, 0f) * maxF(xMax - xMin, 0f);
        return inter / (areaI + areaJ - inter);
    }

    /** std::max(a, b): returns a unless a < b (so NaN in a is kept, NaN in b is not). */
    private static float maxF(float a, float b) { return a < b ? b : a; }

    // ------------------------------------------------------------------------------------------ sorting

    /** Sort key: ascending order of keys = decreasing score, then increasing index (a stable decreasing sort). */
    static long descendingKey(float score, int index) {
        float s = score == 0f ? 0f : score; // -0 and +0 compare equal
        int bits = Float.floatToRawIntBits(s);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order == float order
        return ((long) ~ordered << 32) | (index & 0xffffffffL);
    }

    /** In-place heap sort of keys[0, n) ascending (keys are distinct, so any correct sort gives one result). */
    static void sortLongs(long[] a, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(a, i, n);
        for (int end = n - 1; end > 0; end--) {
            long t = a[0];
            a[0] = a[end];
            a[end] = t;
            siftDown(a, 0, end);
        }
    }

    private static void siftDown(long[] a, int i, int n) {
        long v = a[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && a[c + 1] > a[c]) c++;
            if (a[c] <= v) break;
            a[i] = a[c];
            i = c;
        }
        a[i] = v;
    }

    /**
     * TFLite's DecreasingPartialArgSort: writes into idx[off, off+count) the positions 0..count-1 of
     * values[vOff, vOff+count) so that the first {@code top} are the largest in decreasing order, with ties
     * ordered exactly as libstdc++'s std::partial_sort orders them (arg-max, first maximum, when top == 1).
     */
    static void decreasingPartialArgSort(float[] values, int vOff, int count, int top, int[] idx, int off) {
        if (top == 1) {
            int best = 0;
            float bv = values[vOff];
            for (int i = 1; i < count; i++) {
                if (values[vOff + i] > bv) {
                    bv = values[vOff + i];
                    best = i;
                }
            }
            idx[off] = best;
            return;
        }
        for (int i = 0; i < count; i++) idx[off + i] = i;
        LibstdcxxPartialSort.partialSort(idx, off, off + top, off + count, values, vOff);
    }

    /** libstdc++'s std::partial_sort (heap select, then sort heap) on int indices with comp(a, b) = v[a] > v[b]. */
    static final class LibstdcxxPartialSort {
        private LibstdcxxPartialSort() {}

        private static boolean comp(float[] v, int vo, int a, int b) { return v[vo + a] > v[vo + b]; }

        static void partialSort(int[] a, int first, int middle, int last, float[] v, int vo) {
            int len = middle - first;
            makeHeap(a, first, len, v, vo);
            for (int i = middle; i < last; i++) {
                if (comp(v, vo, a[i], a[first])) popHeap(a, first, len, i, v, vo);
            }
            for (int n = len; n > 1; n--) popHeap(a, first, n - 1, first + n - 1, v, vo);
        }

        private static void makeHeap(int[] a, int first, int len, float[] v, int vo) {
            if (len < 2) return;
            for (int parent = (len - 2) / 2; ; parent--) {
                adjustHeap(a, first, parent, len, a[first + parent], v, vo);
                if (parent == 0) return;
            }
        }

        /** Moves the heap top to position result and re-heaps [first, first+len) with the value that was there. */
        private static void popHeap(int[] a, int first, int len, int result, float[] v, int vo) {
            int value = a[result];
            a[result] = a[first];
            adjustHeap(a, first, 0, len, value, v, vo);
        }

        private static void adjustHeap(int[] a, int first, int hole, int len, int value, float[] v, int vo) {
            int top = hole;
            int child = hole;
            while (child < (len - 1) / 2) {
                child = 2 * (child + 1);
                if (comp(v, vo, a[first + child], a[first + child - 1])) child--;
                a[first + hole] = a[first + child];
                hole = child;
            }
            if ((len & 1) == 0 && child == (len - 2) / 2) {
                child = 2 * (child + 1);
                a[first + hole] = a[first + child - 1];
                hole = child - 1;
            }
            int parent = (hole - 1) / 2;
            while (hole > top && comp(v, vo, a[first + parent], value)) {
                a[first + hole] = a[first + parent];
                hole = parent;
                parent = (hole - 1) / 2;
            }
            a[first + hole] = value;
        }
    }

    // ------------------------------------------------------------------------------------------ kernel

    /** Scratch layout (element offsets into the shared float and int scratch arrays). */
    static final class Layout {
        final int fDecoded, fScores, fClassScores, fScoresAfter, fSortedValues;
        final int iSorted, iSelected, iActive, iClassIdx, iBoxIdxAfter, iSortedIdx;
        final long floats, ints;

        Layout(int numBoxes, int withBackground, Options o) {
            long a = numBoxes;
            long md = o.maxDetections();
            long f = 0;
            fDecoded = 0;
            f += 4 * a;
            fScores = (int) Math.min(f, Integer.MAX_VALUE);
            f += a * withBackground;
            fClassScores = (int) Math.min(f, Integer.MAX_VALUE);
            f += a;
            fScoresAfter = (int) Math.min(f, Integer.MAX_VALUE);
            if (o.useRegularNms()) f += a + md;
            fSortedValues = (int) Math.min(f, Integer.MAX_VALUE);
            if (o.useRegularNms()) f += md;
            floats = f;
            long i = 0;
            iSorted = 0;
            i += a;
            iSelected = (int) Math.min(i, Integer.MAX_VALUE);
            i += a;
            iActive = (int) Math.min(i, Integer.MAX_VALUE);
            i += a;
            iClassIdx = (int) Math.min(i, Integer.MAX_VALUE);
            if (!o.useRegularNms()) i += a * o.numClasses();
            iBoxIdxAfter = (int) Math.min(i, Integer.MAX_VALUE);
            if (o.useRegularNms()) i += a + md;
            iSortedIdx = (int) Math.min(i, Integer.MAX_VALUE);
            if (o.useRegularNms()) i += a + md;
            ints = i;
        }
    }

    static final class PostProcessKernel implements Kernel {
        private final Options o;
        private final int numBoxes, boxLen, withBackground, labelOffset, outN;
        private final int inBoxes, inClasses, inAnchors, outBoxes, outClasses, outScores, outCount;
        private final DataType boxType, classType, anchorType;
        private final QuantParams boxQ, classQ, anchorQ;
        private final float[] packedAnchors;
        private final Layout l;
        /** 8-bit class scores: the dequantized value of each of the 256 bytes (dequantScore, computed at load). */
        private final float[] scoreLut;
        /**
         * Anchor ranges decoded, dequantized and (fast NMS) reduced to their best classes in parallel; each part writes
         * only its anchors' scratch rows, and the NMS that follows runs on the calling thread.
         */
        private final int parts;
        private final dev.octet.core.Parallel.Task task = this::perAnchors;

        PostProcessKernel(Options o, int numBoxes, int boxLen, int withBackground, int labelOffset, int outN, int[] ids,
                          DataType boxType, QuantParams boxQ, DataType classType, QuantParams classQ,
                          DataType anchorType, QuantParams anchorQ, float[] packedAnchors, Layout l, int threads) {
            this.o = o;
            this.numBoxes = numBoxes;
            this.boxLen = boxLen;
            this.withBackground = withBackground;
            this.labelOffset = labelOffset;
            this.outN = outN;
            this.inBoxes = ids[0];
            this.inClasses = ids[1];
            this.inAnchors = ids[2];
            this.outBoxes = ids[3];
            this.outClasses = ids[4];
            this.outScores = ids[5];
            this.outCount = ids[6];
            this.boxType = boxType;
            this.boxQ = boxQ;
            this.classType = classType;
            this.classQ = classQ;
            this.anchorType = anchorType;
            this.anchorQ = anchorQ;
            this.packedAnchors = packedAnchors;
            this.l = l;
            if (classType == DataType.FLOAT32) {
                this.scoreLut = null;
            } else {
                this.scoreLut = new float[256];
                for (int b = 0; b < 256; b++) scoreLut[b] = dequantScore((byte) b, classType == DataType.UINT8, classQ.zeroPoint(), classQ.scale());
            }
            this.parts = ExecContext.partsFor(threads, (long) numBoxes * Math.max(1, withBackground), 32768);
        }

        @Override
        public String variant() { return o.useRegularNms() ? "reference-regular-nms" : "reference-fast-nms"; }

        @Override
        public void run(ExecContext ec) {
            float[] fs = ec.scratchFloats();
            int[] is = ec.scratchInts();
            if (parts <= 1) perAnchors(ec, 0);
            else ec.parallelFor(parts, task);
            float[] ob = ec.floats(outBoxes), oc = ec.floats(outClasses), os = ec.floats(outScores), on = ec.floats(outCount);
            int bOff = ec.offset(outBoxes), cOff = ec.offset(outClasses), sOff = ec.offset(outScores);
            java.util.Arrays.fill(ob, bOff, bOff + 4 * outN, 0f);
            java.util.Arrays.fill(oc, cOff, cOff + outN, 0f);
            java.util.Arrays.fill(os, sOff, sOff + outN, 0f);
            int count = o.useRegularNms()
                    ? regularNms(fs, is, ec.scratchLongs(), ob, bOff, oc, cOff, os, sOff)
                    : fastNms(fs, is, ec.scratchLongs(), ob, bOff, oc, cOff, os, sOff);
            on[ec.offset(outCount)] = count;
        }

        /** Part p of {@link #parts}: anchors [numBoxes*p/parts, numBoxes*(p+1)/parts). */
        private void perAnchors(ExecContext ec, int p) {
            int a0 = (int) ((long) numBoxes * p / parts), a1 = (int) ((long) numBoxes * (p + 1) / parts);
            float[] fs = ec.scratchFloats();
            decodeBoxes(ec, fs, a0, a1);
            loadScores(ec, fs, a0, a1);
            if (!o.useRegularNms()) bestClasses(fs, ec.scratchInts(), a0, a1);
        }

        private float anchor(ExecContext ec, int i) {
            if (packedAnchors != null) return packedAnchors[i];
            int off = ec.offset(inAnchors);
            if (anchorType == DataType.FLOAT32) return ec.floats(inAnchors)[off + i];
            return dequantBox(ec.bytes(inAnchors)[off + i], anchorType == DataType.UINT8, anchorQ.zeroPoint(), anchorQ.scale());
        }

        private void decodeBoxes(ExecContext ec, float[] fs, int a0, int a1) {
            int off = ec.offset(inBoxes);
            float[] bf = boxType == DataType.FLOAT32 ? ec.floats(inBoxes) : null;
            byte[] bb = bf == null ? ec.bytes(inBoxes) : null;
            boolean u = boxType == DataType.UINT8;
            int zp = bf == null ? boxQ.zeroPoint() : 0;
            float sc = bf == null ? boxQ.scale() : 0f;
            for (int i = a0; i < a1; i++) {
                int p = off + i * boxLen;
                float ty, tx, th, tw;
                if (bf != null) {
                    ty = bf[p];
                    tx = bf[p + 1];
                    th = bf[p + 2];
                    tw = bf[p + 3];
                } else {
                    ty = dequantBox(bb[p], u, zp, sc);
                    tx = dequantBox(bb[p + 1], u, zp, sc);
                    th = dequantBox(bb[p + 2], u, zp, sc);
                    tw = dequantBox(bb[p + 3], u, zp, sc);
                }
                float ay = anchor(ec, 4 * i), ax = anchor(ec, 4 * i + 1), ah = anchor(ec, 4 * i + 2), aw = anchor(ec, 4 * i + 3);
                float yc = decodeCenter(ty, o.yScale(), ah, ay);
                float xc = decodeCenter(tx, o.xScale(), aw, ax);
                float hh = decodeHalf(th, o.hScale(), ah);
                float hw = decodeHalf(tw, o.wScale(), aw);
                int d = l.fDecoded + 4 * i;
                fs[d] = yc - hh;
                fs[d + 1] = xc - hw;
                fs[d + 2] = yc + hh;
                fs[d + 3] = xc + hw;
            }
        }

        /** TFLite's ValidateBoxes: fails the run when a decoded box is inverted. */
        private void validateBoxes(float[] fs) {
            for (int i = 0; i < numBoxes; i++) {
                int d = l.fDecoded + 4 * i;
                if (fs[d] > fs[d + 2] || fs[d + 1] > fs[d + 3]) {
                    throw new InvalidInputException(OP + ": decoded box " + i + " is inverted (ymin=" + fs[d] + ", xmin=" + fs[d + 1] + ", ymax="
                            + fs[d + 2] + ", xmax=" + fs[d + 3] + "); anchors must have non-negative height and width");
                }
            }
        }

        private void loadScores(ExecContext ec, float[] fs, int a0, int a1) {
            int from = a0 * withBackground, n = (a1 - a0) * withBackground;
            int off = ec.offset(inClasses) + from, to = l.fScores + from;
            if (classType == DataType.FLOAT32) {
                System.arraycopy(ec.floats(inClasses), off, fs, to, n);
            } else {
                byte[] b = ec.bytes(inClasses);
                float[] lut = scoreLut;
                for (int i = 0; i < n; i++) fs[to + i] = lut[b[off + i] & 0xFF];
            }
        }

        /**
         * Single-class NMS over scores fs[scoreOff + anchor]; writes the selected anchors to is[iSelected...] and
         * returns how many.
         */
        private int nmsSingleClass(float[] fs, int scoreOff, int[] is, long[] keys, int maxDetections) {
            validateBoxes(fs);
            float thr = o.scoreThreshold();
            int kept = 0;
            for (int i = 0; i < numBoxes; i++) {
                float s = fs[scoreOff + i];
                if (s >= thr) keys[kept++] = descendingKey(s, i);
            }
            sortLongs(keys, kept);
            for (int k = 0; k < kept; k++) {
                is[l.iSorted + k] = (int) keys[k];
                is[l.iActive + k] = 1;
            }
            int outputSize = Math.min(kept, maxDetections);
            int active = kept;
            int selected = 0;
            float iouThr = o.iouThreshold();
            for (int i = 0; i < kept; i++) {
                if (active == 0 || selected >= outputSize) break;
                if (is[l.iActive + i] != 1) continue;
                int bi = is[l.iSorted + i];
                is[l.iSelected + selected++] = bi;
                is[l.iActive + i] = 0;
                active--;
                for (int j = i + 1; j < kept; j++) {
                    if (is[l.iActive + j] == 1 && iou(fs, l.fDecoded, bi, is[l.iSorted + j]) > iouThr) {
                        is[l.iActive + j] = 0;
                        active--;
                    }
                }
            }
            return selected;
        }

        /** Fast NMS, per anchor in [a0, a1): its best classes (partial arg sort) and its best score. */
        private void bestClasses(float[] fs, int[] is, int a0, int a1) {
            int numClasses = o.numClasses();
            int perAnchor = Math.min(o.maxClassesPerDetection(), numClasses);
            for (int row = a0; row < a1; row++) {
                int rowScores = l.fScores + row * withBackground + labelOffset;
                int ci = l.iClassIdx + row * numClasses;
                decreasingPartialArgSort(fs, rowScores, numClasses, perAnchor, is, ci);
                fs[l.fClassScores + row] = fs[rowScores + is[ci]];
            }
        }

        private int fastNms(float[] fs, int[] is, long[] keys, float[] ob, int bOff, float[] oc, int cOff, float[] os, int sOff) {
            int numClasses = o.numClasses();
            int perAnchor = Math.min(o.maxClassesPerDetection(), numClasses);
            int selected = nmsSingleClass(fs, l.fClassScores, is, keys, o.maxDetections());
            for (int k = 0; k < selected; k++) {
                int anchor = is[l.iSelected + k];
                int rowScores = l.fScores + anchor * withBackground + labelOffset;
                int ci = l.iClassIdx + anchor * numClasses;
                for (int c = 0; c < perAnchor; c++) {
                    int slot = o.maxClassesPerDetection() * k + c;
                    System.arraycopy(fs, l.fDecoded + 4 * anchor, ob, bOff + 4 * slot, 4);
                    oc[cOff + slot] = is[ci + c];
                    os[sOff + slot] = fs[rowScores + is[ci + c]];
                }
            }
            return selected;
        }

        private int regularNms(float[] fs, int[] is, long[] keys, float[] ob, int bOff, float[] oc, int cOff, float[] os, int sOff) {
            int numClasses = o.numClasses();
            int maxDet = o.maxDetections();
            int sorted = 0; // entries [0, sorted) of the merged lists are the running top detections
            for (int col = 0; col < numClasses; col++) {
                for (int row = 0; row < numBoxes; row++) {
                    fs[l.fClassScores + row] = fs[l.fScores + row * withBackground + col + labelOffset];
                }
                int selected = nmsSingleClass(fs, l.fClassScores, is, keys, o.detectionsPerClass());
                int outIndex = sorted;
                for (int k = 0; k < selected; k++) {
                    int anchor = is[l.iSelected + k];
                    is[l.iBoxIdxAfter + outIndex] = anchor * withBackground + col + labelOffset;
                    fs[l.fScoresAfter + outIndex] = fs[l.fClassScores + anchor];
                    outIndex++;
                }
                int toSort = Math.min(outIndex, maxDet);
                decreasingPartialArgSort(fs, l.fScoresAfter, outIndex, toSort, is, l.iSortedIdx);
                for (int r = 0; r < toSort; r++) {
                    int t = is[l.iSortedIdx + r];
                    is[l.iSortedIdx + r] = is[l.iBoxIdxAfter + t];
                    fs[l.fSortedValues + r] = fs[l.fScoresAfter + t];
                }
                for (int r = 0; r < toSort; r++) {
                    is[l.iBoxIdxAfter + r] = is[l.iSortedIdx + r];
                    fs[l.fScoresAfter + r] = fs[l.fSortedValues + r];
                }
                sorted = toSort;
            }
            for (int k = 0; k < sorted; k++) {
                int flat = is[l.iBoxIdxAfter + k];
                int anchor = flat / withBackground;
                int cls = flat - anchor * withBackground - labelOffset;
                System.arraycopy(fs, l.fDecoded + 4 * anchor, ob, bOff + 4 * k, 4);
                oc[cOff + k] = cls;
                os[sOff + k] = fs[l.fScoresAfter + k];
            }
            return sorted;
        }
    }
}
