package dev.octet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.Ops;
import dev.octet.core.ModelOptions;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Shapes;
import dev.octet.core.Tensor;
import dev.octet.ops.onnx.OnnxOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The split, parallel layout kernels (CONCATENATION by rows or by slices, TRANSPOSE tiled or as run copies, SPLIT,
 * SLICE and nearest RESIZE as run copies or gathers) against a plain element-by-element model of each op written
 * here, over random shapes, types and parameters, at 1, 2, 3 and 4 intra-op threads: every thread count must give
 * exactly the expected bytes. Shapes range from a few elements to a few hundred thousand so both the one-part and
 * the split paths run.
 */
class LayoutKernelsRandomTest {
    static final int[] THREADS = {1, 2, 3, 4};
    static final DataType[] TYPES = {DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT32, DataType.INT64, DataType.INT16};

    /** A random shape of the given rank whose size is at most about maxSize. */
    static int[] shape(Random r, int rank, int maxSize) {
        int[] s = new int[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
            int budget = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.pow(maxSize / (double) size, 1.0 / (rank - d))));
            s[d] = 1 + r.nextInt(Math.max(1, Math.min(budget * 2, 700)));
            if (r.nextInt(6) == 0) s[d] = 1;
            size *= s[d];
            if (size > maxSize) { s[d] = Math.max(1, (int) (s[d] * maxSize / size)); size = Math.max(1, size / s[d]) * s[d]; }
        }
        return s;
    }

    static int maxSize(Random r) { return r.nextInt(4) == 0 ? 300_000 : (r.nextBoolean() ? 40_000 : 500); }

    /** Random data of a type as the array Tensor.of takes. */
    static Object data(Random r, DataType t, int n) {
        return switch (t.storage()) {
            case FLOAT -> { float[] f = new float[n]; for (int i = 0; i < n; i++) f[i] = (float) r.nextGaussian() * 4; yield f; }
            case BYTE -> { byte[] b = new byte[n]; r.nextBytes(b); yield b; }
            case SHORT -> { short[] s = new short[n]; for (int i = 0; i < n; i++) s[i] = (short) r.nextInt(); yield s; }
            case INT -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = r.nextInt(); yield a; }
            case LONG -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = r.nextLong(); yield a; }
        };
    }

    static Object alloc(DataType t, int n) {
        return switch (t.storage()) {
            case FLOAT -> new float[n];
            case BYTE -> new byte[n];
            case SHORT -> new short[n];
            case INT -> new int[n];
            case LONG -> new long[n];
        };
    }

    static void assertSame(Object expected, Tensor got, String desc) {
        switch (expected) {
            case float[] f -> assertArrayEquals(f, got.floats(), desc);
            case byte[] b -> assertArrayEquals(b, got.bytes(), desc);
            case short[] s -> assertArrayEquals(s, got.shorts(), desc);
            case int[] a -> assertArrayEquals(a, got.ints(), desc);
            case long[] a -> assertArrayEquals(a, got.longs(), desc);
            default -> throw new AssertionError();
        }
    }

    /** Builds the one-node graph at each thread count, runs it, and checks every output against expected. */
    static int check(Semantics sem, String op, DataType t, List<int[]> inShapes, List<QuantParams> inQ, List<Object> inData,
                     int[][] outShapes, QuantParams outQ, Attributes attrs, Object[] expected, String desc) {
        int kernelsSeen = 0;
        for (int threads : THREADS) {
            Graph.Builder b = Graph.builder(sem, "test");
            int[] ins = new int[inShapes.size()];
            for (int i = 0; i < ins.length; i++) {
                ins[i] = b.addTensor("in" + i, t, inShapes.get(i), inQ.get(i), null, false);
                b.input(ins[i]);
            }
            int[] outs = new int[outShapes.length];
            for (int j = 0; j < outs.length; j++) {
                outs[j] = b.addTensor("out" + j, t, outShapes[j], outQ, null, false);
            }
            b.addNode(op, "n", ins, outs, attrs, null);
            for (int o : outs) b.output(o);
            Model m = Model.compile(b.build(), BuiltinOps.get(), ModelOptions.DEFAULT.withThreads(threads));
            try (Interpreter it = m.newInterpreter()) {
                for (int i = 0; i < ins.length; i++) it.setInput(i, Tensor.of(t, inShapes.get(i), inQ.get(i), inData.get(i)));
                it.run();
                for (int j = 0; j < outs.length; j++) {
                    Tensor y = it.output(j);
                    assertArrayEquals(outShapes[j], y.shape(), desc);
                    assertSame(expected[j], y, desc + " threads " + threads + " output " + j + " (" + m.kernel(0).variant() + ")");
                }
            }
            kernelsSeen++;
        }
        return kernelsSeen;
    }

    @Test
    void concatenationMatchesElementModelAtEveryThreadCount() {
        Random r = new Random(0xC0CA7);
        int cases = 0;
        java.util.Set<String> variants = new java.util.HashSet<>();
        for (int c = 0; c < 400; c++) {
            int rank = 1 + r.nextInt(4);
            int[] base = shape(r, rank, maxSize(r));
            int axis = r.nextInt(rank);
            int n = 1 + r.nextInt(4);
            DataType t = TYPES[r.nextInt(4)];
            String act = "NONE";
            if (t == DataType.FLOAT32 || t == DataType.INT32 || t.isQuantized8()) {
                String[] acts = {"NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"};
                act = acts[r.nextInt(acts.length)];
            }
            QuantParams qo = t.isQuantized8() ? QuantParams.perTensor(0.02f + r.nextFloat() * 0.2f, t == DataType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128) : QuantParams.NONE;
            List<int[]> shapes = new ArrayList<>();
            List<QuantParams> qs = new ArrayList<>();
            List<Object> datas = new ArrayList<>();
            int[] os = base.clone();
            os[axis] = 0;
            for (int i = 0; i < n; i++) {
                int[] s = base.clone();
                s[axis] = 1 + r.nextInt(Math.max(1, Math.min(base[axis], 80)));
                os[axis] += s[axis];
                shapes.add(s);
                qs.add(!t.isQuantized8() ? QuantParams.NONE : r.nextBoolean() ? qo
                        : QuantParams.perTensor(0.02f + r.nextFloat() * 0.2f, t == DataType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128));
                datas.add(data(r, t, Shapes.size(s)));
            }
            Object expected = concatModel(t, shapes, qs, datas, axis, qo, act, os);
            Attributes a = Attributes.builder().put(Ops.ATTR_AXIS, axis).put(Ops.ATTR_ACTIVATION, act).build();
            cases += check(Semantics.TFLITE, Ops.CONCATENATION, t, shapes, qs, datas, new int[][] {os}, qo, a, new Object[] {expected},
                    "concat " + t + " axis " + axis + " " + act + " " + shapeList(shapes));
            variants.add(variantOf(Ops.CONCATENATION, t, shapes, qs, os, qo, a));
        }
        assertEquals(1600, cases);
        assertTrue(variants.containsAll(List.of("reference-rows", "reference-slices")), variants.toString());
    }

    private static String variantOf(String op, DataType t, List<int[]> shapes, List<QuantParams> qs, int[] os, QuantParams qo, Attributes a) {
        Graph.Builder b = Graph.builder(Semantics.TFLITE, "test");
        int[] ins = new int[shapes.size()];
        for (int i = 0; i < ins.length; i++) { ins[i] = b.addTensor("in" + i, t, shapes.get(i), qs.get(i), null, false); b.input(ins[i]); }
        int o = b.addTensor("out", t, os, qo, null, false);
        b.addNode(op, "n", ins, new int[] {o}, a, null);
        b.output(o);
        return Model.compile(b.build(), BuiltinOps.get(), ModelOptions.DEFAULT.withThreads(2)).kernel(0).variant();
    }

    static String shapeList(List<int[]> shapes) {
        StringBuilder sb = new StringBuilder();
        for (int[] s : shapes) sb.append(Arrays.toString(s));
        return sb.toString();
    }

    /** The concatenation, element by element, with TFLite's requantization and activation clamp. */
    static Object concatModel(DataType t, List<int[]> shapes, List<QuantParams> qs, List<Object> datas, int axis, QuantParams qo, String act, int[] os) {
        int total = Shapes.size(os);
        Object y = alloc(t, total);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= os[d];
        for (int d = axis + 1; d < os.length; d++) inner *= os[d];
        int outRow = os[axis] * inner;
        int col = 0;
        float flo = Float.NEGATIVE_INFINITY, fhi = Float.POSITIVE_INFINITY;
        int ilo = Integer.MIN_VALUE, ihi = Integer.MAX_VALUE;
        switch (act) {
            case "RELU" -> { flo = 0; ilo = 0; }
            case "RELU6" -> { flo = 0; fhi = 6; ilo = 0; ihi = 6; }
            case "RELU_N1_TO_1" -> { flo = -1; fhi = 1; ilo = -1; ihi = 1; }
            default -> { }
        }
        int[] qr = t.isQuantized8() ? QuantMath.activationRange(act, qo.scale(), qo.zeroPoint(), t.minValue(), t.maxValue()) : null;
        for (int i = 0; i < shapes.size(); i++) {
            int row = shapes.get(i)[axis] * inner;
            Object x = datas.get(i);
            for (int k = 0; k < outer; k++) {
                for (int e = 0; e < row; e++) {
                    int si = k * row + e, di = k * outRow + col + e;
                    switch (t) {
                        case FLOAT32 -> ((float[]) y)[di] = Math.min(Math.max(((float[]) x)[si], flo), fhi);
                        case INT32 -> ((int[]) y)[di] = Math.min(Math.max(((int[]) x)[si], ilo), ihi);
                        case INT64 -> ((long[]) y)[di] = ((long[]) x)[si];
                        case INT16 -> ((short[]) y)[di] = ((short[]) x)[si];
                        default -> {
                            int q = t == DataType.UINT8 ? ((byte[]) x)[si] & 0xFF : ((byte[]) x)[si];
                            QuantParams qi = qs.get(i);
                            int v = q;
                            if (qi.scale() != qo.scale() || qi.zeroPoint() != qo.zeroPoint()) {
                                float scale = qi.scale() * (1.0f / qo.scale());
                                float bias = -qi.zeroPoint() * scale;
                                v = (int) QuantMath.roundHalfAway(q * scale + bias) + qo.zeroPoint();
                                v = Math.min(Math.max(v, t.minValue()), t.maxValue());
                            }
                            ((byte[]) y)[di] = (byte) Math.min(Math.max(v, qr[0]), qr[1]);
                        }
                    }
                }
            }
            col += row;
        }
        return y;
    }

    @Test
    void transposeMatchesElementModelAtEveryThreadCount() {
        Random r = new Random(0x7A05);
        int cases = 0;
        java.util.Set<String> variants = new java.util.HashSet<>();
        for (int c = 0; c < 400; c++) {
            int rank = 1 + r.nextInt(5);
            int[] s = shape(r, rank, maxSize(r));
            int[] perm = new int[rank];
            for (int i = 0; i < rank; i++) perm[i] = i;
            if (r.nextInt(3) == 0 && rank == 4) perm = r.nextBoolean() ? new int[] {0, 2, 3, 1} : new int[] {0, 3, 1, 2};
            else for (int i = rank - 1; i > 0; i--) { int j = r.nextInt(i + 1); int tmp = perm[i]; perm[i] = perm[j]; perm[j] = tmp; }
            if (r.nextInt(4) == 0 && rank >= 2) s[perm[rank - 1]] = 1 + r.nextInt(3); // short inner runs
            else if (r.nextInt(4) == 0 && rank >= 2) s[perm[rank - 1]] = 8 * (1 + r.nextInt(3)); // few input rows, multiple of 8
            if (r.nextInt(8) == 0) s = shape(r, rank, 300_000); // no forced dims at all
            DataType t = TYPES[r.nextInt(TYPES.length)];
            Object x = data(r, t, Shapes.size(s));
            int[] os = new int[rank];
            for (int i = 0; i < rank; i++) os[i] = s[perm[i]];
            Object y = alloc(t, Shapes.size(os));
            int[] ist = Shapes.strides(s);
            int[] pos = new int[rank];
            for (int o = 0, n = Shapes.size(os); o < n; o++) {
                int src = 0;
                for (int d = 0; d < rank; d++) src += pos[d] * ist[perm[d]];
                System.arraycopy(x, src, y, o, 1);
                for (int d = rank - 1; d >= 0; d--) { if (++pos[d] < os[d]) break; pos[d] = 0; }
            }
            Attributes a = Attributes.builder().put(OnnxOps.ATTR_PERM, perm).build();
            cases += check(Semantics.ONNX, OnnxOps.TRANSPOSE, t, List.of(s), List.of(QuantParams.NONE), List.of(x), new int[][] {os}, QuantParams.NONE, a,
                    new Object[] {y}, "transpose " + t + " " + Arrays.toString(s) + " perm " + Arrays.toString(perm));
            variants.add(oneVariant(OnnxOps.TRANSPOSE, t, List.of(s), new int[][] {os}, a));
        }
        assertEquals(1600, cases);
        assertTrue(variants.containsAll(List.of("reference-tiled", "reference-runs", "reference-gather")), variants.toString());
    }

    static String oneVariant(String op, DataType t, List<int[]> inShapes, int[][] outShapes, Attributes a) {
        Graph.Builder b = Graph.builder(Semantics.ONNX, "test");
        int[] ins = new int[inShapes.size()];
        for (int i = 0; i < ins.length; i++) { ins[i] = b.addTensor("in" + i, t, inShapes.get(i), QuantParams.NONE, null, false); b.input(ins[i]); }
        int[] outs = new int[outShapes.length];
        for (int j = 0; j < outs.length; j++) { outs[j] = b.addTensor("out" + j, t, outShapes[j], QuantParams.NONE, null, false); b.output(outs[j]); }
        b.addNode(op, "n", ins, outs, a, null);
        return Model.compile(b.build(), BuiltinOps.get(), ModelOptions.DEFAULT.withThreads(2)).kernel(0).variant();
    }

    @Test
    void splitAndSliceMatchElementModelAtEveryThreadCount() {
        Random r = new Random(0x5B17);
        int cases = 0;
        for (int c = 0; c < 300; c++) {
            int rank = 1 + r.nextInt(4);
            int[] s = shape(r, rank, maxSize(r));
            int axis = r.nextInt(rank);
            DataType t = TYPES[r.nextInt(TYPES.length)];
            Object x = data(r, t, Shapes.size(s));
            int[] ist = Shapes.strides(s);
            if (c % 2 == 0) {
                // SPLIT into 1-4 pieces along axis
                int n = 1 + r.nextInt(Math.min(4, s[axis]));
                int[] sizes = new int[n];
                int left = s[axis];
                for (int j = 0; j < n - 1; j++) { sizes[j] = 1 + r.nextInt(left - (n - 1 - j)); left -= sizes[j]; }
                sizes[n - 1] = left;
                int[][] oss = new int[n][];
                Object[] exp = new Object[n];
                int start = 0;
                for (int j = 0; j < n; j++) {
                    oss[j] = s.clone();
                    oss[j][axis] = sizes[j];
                    exp[j] = gatherModel(t, x, oss[j], ist, start * ist[axis]);
                    start += sizes[j];
                }
                Attributes a = Attributes.builder().put(Ops.ATTR_AXIS, axis).put(OnnxOps.ATTR_SPLIT, sizes).build();
                cases += check(Semantics.ONNX, OnnxOps.SPLIT, t, List.of(s), List.of(QuantParams.NONE), List.of(x), oss, QuantParams.NONE, a, exp,
                        "split " + t + " " + Arrays.toString(s) + " axis " + axis + " sizes " + Arrays.toString(sizes));
            } else {
                // SLICE with random starts, ends and steps of 1 or 2
                int[] st = new int[rank], en = new int[rank], sp = new int[rank], os = new int[rank], srcStride = new int[rank];
                int base = 0;
                for (int d = 0; d < rank; d++) {
                    sp[d] = r.nextInt(4) == 0 ? 2 : 1;
                    st[d] = r.nextInt(s[d]);
                    en[d] = st[d] + 1 + r.nextInt(s[d] - st[d]);
                    os[d] = (en[d] - st[d] + sp[d] - 1) / sp[d];
                    srcStride[d] = ist[d] * sp[d];
                    base += st[d] * ist[d];
                }
                Object exp = gatherModelStrided(t, x, os, srcStride, base);
                Attributes a = Attributes.builder().put(OnnxOps.ATTR_STARTS, st).put(OnnxOps.ATTR_ENDS, en).put(OnnxOps.ATTR_STEPS, sp).build();
                cases += check(Semantics.ONNX, OnnxOps.SLICE, t, List.of(s), List.of(QuantParams.NONE), List.of(x), new int[][] {os}, QuantParams.NONE, a,
                        new Object[] {exp}, "slice " + t + " " + Arrays.toString(s) + " " + Arrays.toString(st) + ".." + Arrays.toString(en) + " step " + Arrays.toString(sp));
            }
        }
        assertEquals(1200, cases);
    }

    static Object gatherModel(DataType t, Object x, int[] os, int[] ist, int base) { return gatherModelStrided(t, x, os, ist, base); }

    static Object gatherModelStrided(DataType t, Object x, int[] os, int[] srcStride, int base) {
        int n = Shapes.size(os), rank = os.length;
        Object y = alloc(t, n);
        int[] pos = new int[rank];
        for (int o = 0; o < n; o++) {
            int src = base;
            for (int d = 0; d < rank; d++) src += pos[d] * srcStride[d];
            System.arraycopy(x, src, y, o, 1);
            for (int d = rank - 1; d >= 0; d--) { if (++pos[d] < os[d]) break; pos[d] = 0; }
        }
        return y;
    }

    @Test
    void nearestResizeMatchesElementModelAtEveryThreadCount() {
        Random r = new Random(0x2E51);
        int cases = 0;
        for (int c = 0; c < 100; c++) {
            int[] s = {1, 1 + r.nextInt(40), 1 + r.nextInt(40), 1 + r.nextInt(r.nextBoolean() ? 4 : 130)};
            int f = 1 + r.nextInt(3);
            int[] os = {1, s[1] * f, s[2] * f, s[3]};
            DataType t = TYPES[r.nextInt(3)];
            Object x = data(r, t, Shapes.size(s));
            Object y = alloc(t, Shapes.size(os));
            int o = 0;
            for (int yy = 0; yy < os[1]; yy++) {
                for (int xx = 0; xx < os[2]; xx++) {
                    System.arraycopy(x, ((yy / f) * s[2] + xx / f) * s[3], y, o, s[3]);
                    o += s[3];
                }
            }
            Attributes a = Attributes.builder().put(OnnxOps.ATTR_MODE, "nearest").put(OnnxOps.ATTR_COORD_MODE, "asymmetric")
                    .put(OnnxOps.ATTR_NEAREST_MODE, "floor").put(OnnxOps.ATTR_SIZES, os).put(OnnxOps.ATTR_SCALES, new float[] {1, f, f, 1}).build();
            cases += check(Semantics.ONNX, OnnxOps.RESIZE, t, List.of(s), List.of(QuantParams.NONE), List.of(x), new int[][] {os}, QuantParams.NONE, a,
                    new Object[] {y}, "resize x" + f + " " + t + " " + Arrays.toString(s));
        }
        assertEquals(400, cases);
    }

    @Test
    void quantizeAndDequantizeLinearMatchElementModelAtEveryThreadCount() {
        Random r = new Random(0x0DD);
        int cases = 0;
        for (int c = 0; c < 200; c++) {
            int rank = 1 + r.nextInt(4);
            int[] s = shape(r, rank, maxSize(r));
            int n = Shapes.size(s);
            boolean perAxis = r.nextBoolean();
            int axis = r.nextInt(rank);
            int channels = perAxis ? s[axis] : 1;
            int inner = 1;
            if (perAxis) for (int d = axis + 1; d < rank; d++) inner *= s[d];
            else inner = n;
            boolean quantize = r.nextBoolean();
            DataType q8 = r.nextBoolean() ? DataType.UINT8 : DataType.INT8;
            DataType qt = !quantize && r.nextInt(4) == 0 ? DataType.INT32 : q8;
            float[] scale = new float[channels];
            int[] zp = new int[channels];
            for (int k = 0; k < channels; k++) {
                scale[k] = 0.001f + r.nextFloat() * 0.1f;
                zp[k] = qt == DataType.UINT8 ? r.nextInt(256) : qt == DataType.INT8 ? r.nextInt(256) - 128 : r.nextInt(2000) - 1000;
            }
            Object x = quantize ? data(r, DataType.FLOAT32, n) : data(r, qt, n);
            if (quantize && r.nextInt(5) == 0) ((float[]) x)[r.nextInt(n)] = Float.NaN;
            Object y = quantize ? new byte[n] : new float[n];
            for (int k = 0; k < n; k++) {
                int ch = (k / inner) % channels;
                float sc = scale[ch];
                int z = zp[ch];
                if (quantize) {
                    float q = ((float[]) x)[k] / sc;
                    double rq = Math.rint(q) + z;
                    int v = (int) Math.max(q8.minValue(), Math.min(q8.maxValue(), rq));
                    if (Double.isNaN(rq)) v = Math.max(q8.minValue(), Math.min(z, q8.maxValue()));
                    ((byte[]) y)[k] = (byte) v;
                } else {
                    int q = qt == DataType.INT32 ? ((int[]) x)[k] : qt == DataType.UINT8 ? ((byte[]) x)[k] & 0xFF : ((byte[]) x)[k];
                    ((float[]) y)[k] = (float) (q - z) * sc;
                }
            }
            for (KernelMode mode : KernelMode.values()) {
                for (int threads : THREADS) {
                    Graph.Builder b = Graph.builder(Semantics.ONNX, "test");
                    DataType inT = quantize ? DataType.FLOAT32 : qt, outT = quantize ? q8 : DataType.FLOAT32;
                    int in = b.addTensor("x", inT, s, QuantParams.NONE, null, false);
                    b.input(in);
                    java.nio.ByteBuffer sb = java.nio.ByteBuffer.allocate(4 * channels).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (float f : scale) sb.putFloat(f);
                    int st = b.addTensor("scale", DataType.FLOAT32, perAxis ? new int[] {channels} : new int[0], QuantParams.NONE, sb.flip(), false);
                    java.nio.ByteBuffer zb = java.nio.ByteBuffer.allocate((qt == DataType.INT32 ? 4 : 1) * channels).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (int z : zp) { if (qt == DataType.INT32) zb.putInt(z); else zb.put((byte) z); }
                    int zt = b.addTensor("zp", qt, perAxis ? new int[] {channels} : new int[0], QuantParams.NONE, zb.flip(), false);
                    int out = b.addTensor("y", outT, s, QuantParams.NONE, null, false);
                    b.addNode(quantize ? OnnxOps.ONNX_QUANTIZE_LINEAR : OnnxOps.ONNX_DEQUANTIZE_LINEAR, "n", new int[] {in, st, zt}, new int[] {out},
                            Attributes.builder().put(Ops.ATTR_AXIS, axis).build(), null);
                    b.output(out);
                    Model m = Model.compile(b.build(), BuiltinOps.get(), new ModelOptions(mode, threads, dev.octet.core.Limits.DEFAULT));
                    try (Interpreter it = m.newInterpreter()) {
                        it.setInput(0, Tensor.of(inT, s, x));
                        it.run();
                        assertSame(y, it.output(0), (quantize ? "quantize " : "dequantize ") + qt + " " + Arrays.toString(s) + (perAxis ? " axis " + axis : "")
                                + " " + mode + " threads " + threads + " (" + m.kernel(0).variant() + ")");
                    }
                    cases++;
                }
            }
        }
        assertEquals(1600, cases);
    }

    /**
     * TFLite RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR (all kernels: float, uint8 float weights, int8 fixed point,
     * exact 2x float, nearest) split by output rows: threads 2-4 and SIMD mode give the one-thread reference bytes
     * (the one-thread reference is checked against TFLite in testdata's ResizePackOracleTest).
     */
    @Test
    void tfliteResizeGivesTheOneThreadBytesAtEveryThreadCount() {
        Random r = new Random(0x2E5);
        int cases = 0;
        for (int c = 0; c < 120; c++) {
            boolean bilinear = r.nextBoolean();
            DataType t = TYPES[r.nextInt(3)];
            int[] s = {1 + r.nextInt(2), 1 + r.nextInt(40), 1 + r.nextInt(40), 1 + r.nextInt(r.nextBoolean() ? 4 : 70)};
            int oh = r.nextInt(3) == 0 ? 2 * s[1] : 1 + r.nextInt(90), ow = r.nextInt(3) == 0 ? 2 * s[2] : 1 + r.nextInt(90);
            if (r.nextInt(3) == 0) { oh = 2 * s[1]; ow = 2 * s[2]; }
            int flags = r.nextInt(3); // none, align_corners, half_pixel_centers
            Object x = data(r, t, Shapes.size(s));
            QuantParams q = t.isQuantized8() ? QuantParams.perTensor(0.1f, t == DataType.UINT8 ? 128 : 0) : QuantParams.NONE;
            Object first = null;
            for (KernelMode mode : KernelMode.values()) {
                for (int threads : THREADS) {
                    Graph.Builder b = Graph.builder(Semantics.TFLITE, "test");
                    int in = b.addTensor("x", t, s, q, null, false);
                    b.input(in);
                    java.nio.ByteBuffer sb = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(oh).putInt(ow).flip();
                    int size = b.addTensor("size", DataType.INT32, new int[] {2}, QuantParams.NONE, sb, false);
                    int out = b.addTensor("y", t, new int[] {s[0], oh, ow, s[3]}, q, null, false);
                    b.addNode(bilinear ? "RESIZE_BILINEAR" : "RESIZE_NEAREST_NEIGHBOR", "n", new int[] {in, size}, new int[] {out},
                            Attributes.builder().put("align_corners", flags == 1).put("half_pixel_centers", flags == 2).build(), null);
                    b.output(out);
                    Model m = Model.compile(b.build(), BuiltinOps.get(), new ModelOptions(mode, threads, dev.octet.core.Limits.DEFAULT));
                    try (Interpreter it = m.newInterpreter()) {
                        it.setInput(0, Tensor.of(t, s, q, x));
                        it.run();
                        Tensor y = it.output(0);
                        if (first == null) first = y.data();
                        else assertSame(first, y, (bilinear ? "bilinear " : "nearest ") + t + " " + Arrays.toString(s) + " -> " + oh + "x" + ow
                                + " flags " + flags + " " + mode + " threads " + threads + " (" + m.kernel(0).variant() + ")");
                    }
                    cases++;
                }
            }
        }
        assertEquals(960, cases);
    }

    /** ONNX linear RESIZE (float NHWC) split by output rows: threads 2-4 give the one-thread bytes (checked against ORT in model-loaders). */
    @Test
    void onnxLinearResizeGivesTheOneThreadBytesAtEveryThreadCount() {
        Random r = new Random(0x11E);
        int cases = 0;
        String[] coords = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"};
        for (int c = 0; c < 60; c++) {
            int[] s = {1 + r.nextInt(2), 1 + r.nextInt(40), 1 + r.nextInt(40), 1 + r.nextInt(40)};
            float fh = 0.5f + r.nextInt(6) * 0.5f, fw = 0.5f + r.nextInt(6) * 0.5f;
            int[] os = {s[0], Math.max(1, (int) (s[1] * fh)), Math.max(1, (int) (s[2] * fw)), s[3]};
            Object x = data(r, DataType.FLOAT32, Shapes.size(s));
            Attributes a = Attributes.builder().put(OnnxOps.ATTR_MODE, "linear").put(OnnxOps.ATTR_COORD_MODE, coords[r.nextInt(coords.length)])
                    .put(OnnxOps.ATTR_SIZES, os).put(OnnxOps.ATTR_SCALES, new float[] {1, fh, fw, 1}).build();
            Object first = null;
            for (int threads : THREADS) {
                Graph.Builder b = Graph.builder(Semantics.ONNX, "test");
                int in = b.addTensor("x", DataType.FLOAT32, s, QuantParams.NONE, null, false);
                b.input(in);
                int out = b.addTensor("y", DataType.FLOAT32, os, QuantParams.NONE, null, false);
                b.addNode(OnnxOps.RESIZE, "n", new int[] {in}, new int[] {out}, a, null);
                b.output(out);
                Model m = Model.compile(b.build(), BuiltinOps.get(), ModelOptions.DEFAULT.withThreads(threads));
                try (Interpreter it = m.newInterpreter()) {
                    it.setInput(0, Tensor.of(DataType.FLOAT32, s, x));
                    it.run();
                    if (first == null) first = it.output(0).data();
                    else assertSame(first, it.output(0), "linear resize " + Arrays.toString(s) + " -> " + Arrays.toString(os) + " threads " + threads);
                }
                cases++;
            }
        }
        assertEquals(240, cases);
    }

    /**
     * MEAN (float and 8-bit, every requantization path: global pool uint8/int8, equal parameters, float rescale)
     * split over output columns or rows: threads 2-4 give the one-thread bytes (the one-thread kernel is checked
     * against TFLite in MeanOpTest and testdata's SingleOpOracleTest).
     */
    @Test
    void meanGivesTheOneThreadBytesAtEveryThreadCount() {
        Random r = new Random(0x3EA);
        int cases = 0, split = 0;
        for (int c = 0; c < 150; c++) {
            int rank = 2 + r.nextInt(3);
            int[] s = shape(r, rank, r.nextBoolean() ? 300_000 : 60_000);
            DataType t = TYPES[r.nextInt(3)];
            int[] axes;
            boolean keep = r.nextBoolean();
            if (rank == 4 && r.nextBoolean()) { axes = new int[] {1, 2}; keep = true; }
            else {
                int a0 = r.nextInt(rank), a1 = Math.min(rank - 1, a0 + r.nextInt(2));
                axes = a0 == a1 ? new int[] {a0} : new int[] {a0, a1};
            }
            QuantParams qi = t.isQuantized8() ? QuantParams.perTensor(0.05f + r.nextFloat() * 0.1f, t == DataType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128) : QuantParams.NONE;
            QuantParams qo = !t.isQuantized8() ? QuantParams.NONE : r.nextInt(3) == 0 ? qi
                    : QuantParams.perTensor(0.05f + r.nextFloat() * 0.1f, t == DataType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
            Object x = data(r, t, Shapes.size(s));
            Object first = null;
            for (int threads : THREADS) {
                Graph.Builder b = Graph.builder(Semantics.TFLITE, "test");
                int in = b.addTensor("x", t, s, qi, null, false);
                b.input(in);
                java.nio.ByteBuffer ab = java.nio.ByteBuffer.allocate(4 * axes.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int a : axes) ab.putInt(a);
                int at = b.addTensor("axes", DataType.INT32, new int[] {axes.length}, QuantParams.NONE, ab.flip(), false);
                int out = b.addTensor("y", t, new int[0], qo, null, false);
                b.addNode(Ops.MEAN, "n", new int[] {in, at}, new int[] {out}, Attributes.builder().put(Ops.ATTR_KEEP_DIMS, keep).build(), null);
                b.output(out);
                Model m = Model.compile(b.build(), BuiltinOps.get(), new ModelOptions(KernelMode.REFERENCE, threads, dev.octet.core.Limits.DEFAULT));
                try (Interpreter it = m.newInterpreter()) {
                    it.setInput(0, Tensor.of(t, s, qi, x));
                    it.run();
                    if (m.kernel(0).variant().startsWith("reference-split")) split++;
                    if (first == null) first = it.output(0).data();
                    else assertSame(first, it.output(0), "mean " + t + " " + Arrays.toString(s) + " axes " + Arrays.toString(axes) + " threads " + threads);
                }
                cases++;
            }
        }
        assertEquals(600, cases);
        assertTrue(split > 50, split + " split runs"); // the split path really ran
    }

    /** LOOKUP_TABLE (reference and SIMD) and LOOKUP_TABLE2 against the table lookup written here, at 1-4 threads. */
    @Test
    void lookupTablesMatchElementModelAtEveryThreadCount() {
        Random r = new Random(0x1B7);
        int cases = 0;
        for (int c = 0; c < 60; c++) {
            int[] s = shape(r, 1 + r.nextInt(4), maxSize(r));
            int n = Shapes.size(s);
            boolean two = r.nextBoolean();
            DataType t = r.nextBoolean() ? DataType.UINT8 : DataType.INT8;
            byte[] table = new byte[two ? 65536 : 256];
            r.nextBytes(table);
            byte[] a = (byte[]) data(r, t, n), b = (byte[]) data(r, t, n), y = new byte[n];
            for (int k = 0; k < n; k++) y[k] = two ? table[(a[k] & 0xFF) << 8 | b[k] & 0xFF] : table[a[k] & 0xFF];
            for (KernelMode mode : KernelMode.values()) {
                for (int threads : THREADS) {
                    Graph.Builder g = Graph.builder(Semantics.ONNX, "test");
                    int ia = g.addTensor("a", t, s, QuantParams.NONE, null, false);
                    g.input(ia);
                    int ib = -1;
                    if (two) { ib = g.addTensor("b", t, s, QuantParams.NONE, null, false); g.input(ib); }
                    int it = g.addTensor("table", t, new int[] {table.length}, QuantParams.NONE, java.nio.ByteBuffer.wrap(table), false);
                    int out = g.addTensor("y", t, s, QuantParams.NONE, null, false);
                    g.addNode(two ? OnnxOps.LOOKUP_TABLE2 : OnnxOps.LOOKUP_TABLE, "n", two ? new int[] {ia, ib, it} : new int[] {ia, it}, new int[] {out}, Attributes.builder().build(), null);
                    g.output(out);
                    Model m = Model.compile(g.build(), BuiltinOps.get(), new ModelOptions(mode, threads, dev.octet.core.Limits.DEFAULT));
                    try (Interpreter in = m.newInterpreter()) {
                        in.setInput(0, Tensor.of(t, s, a));
                        if (two) in.setInput(1, Tensor.of(t, s, b));
                        in.run();
                        assertSame(y, in.output(0), (two ? "lut2 " : "lut ") + t + " " + Arrays.toString(s) + " " + mode + " threads " + threads + " (" + m.kernel(0).variant() + ")");
                    }
                    cases++;
                }
            }
        }
        assertEquals(480, cases);
    }
}
