package dev.octet.loaders.onnx;

import dev.octet.core.DataType;
import dev.octet.core.Shapes;
import dev.octet.ops.onnx.OnnxOps;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Constant folding at load: evaluates a node whose inputs are all known (or, for Shape and Size, whose input
 * shape is known) with ONNX semantics. Also holds the shape rules of the reshape-like operators, shared with
 * the translation of their runtime form.
 */
final class Folder {
    private Folder() {}

    /**
     * Upper bound of the bytes folding needs per element of a result: the result (up to 8), its values widened to
     * long or double (8), and up to three int index tables for broadcasting (12), rounded up.
     */
    static final int BYTES_PER_ELEMENT = 32;

    /** Number of elements of a shape, as a long (no overflow, no exception). */
    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) n *= Math.max(0, d);
        return n;
    }

    /** The folded outputs, or null when this node cannot be folded (it is then translated to a runtime node). */
    static ConstTensor[] fold(OnnxReader.Translator t, String op) {
        OnnxReader.Val x = t.hasIn(0) ? t.inVal(0) : null;
        boolean sameBytes = switch (op) { // ops whose folded result shares its input's bytes
            case "Shape", "Size", "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze" -> true;
            default -> false;
        };
        if (!sameBytes && x != null && x.c != null) t.checkFold(count(x.shape));
        switch (op) {
            case "Shape": {
                int r = x.rank();
                int start = (int) norm(t.aInt("start", 0), r, true), end = (int) norm(t.aInt("end", r), r, true);
                long[] v = new long[Math.max(0, end - start)];
                for (int i = 0; i < v.length; i++) v[i] = x.shape[start + i];
                return one(ConstTensor.ofLongs(DataType.INT64, new int[] {v.length}, v));
            }
            case "Size":
                return one(ConstTensor.ofLongs(DataType.INT64, new int[0], new long[] {Shapes.size(x.shape)}));
            case "Identity":
                return one(x.c);
            case "Reshape":
                return one(x.c.reshape(reshapeShape(t, x.shape, t.constInput(1, "Reshape shape").longs(), t.aInt("allowzero", 0) != 0)));
            case "Flatten":
                return one(x.c.reshape(flattenShape(t, x.shape)));
            case "Squeeze":
                return one(x.c.reshape(squeezeShape(t, x.shape)));
            case "Unsqueeze":
                return one(x.c.reshape(unsqueezeShape(t, x.shape)));
            case "Transpose": {
                int r = x.rank();
                long[] pl = t.aInts("perm");
                int[] perm = new int[r];
                for (int i = 0; i < r; i++) perm[i] = pl == null ? r - 1 - i : (int) pl[i];
                checkPerm(t, perm);
                return one(x.c.permute(perm));
            }
            case "Cast": {
                DataType to = t.type((int) t.aInt("to", 0));
                if (to == DataType.FLOAT32 || to == DataType.FLOAT16) return one(ConstTensor.ofDoubles(to, x.shape, x.c.doubles()));
                return one(ConstTensor.ofLongs(to, x.shape, x.c.longs()));
            }
            case "Gather":
                return one(gather(t, x.c, t.constInput(1, "Gather indices")));
            case "Concat":
                return one(concat(t));
            case "Slice": {
                int[][] p = t.sliceParams(x.shape);
                int r = x.rank();
                int[] st = Shapes.strides(x.shape), osh = new int[r], src = new int[r];
                int base = 0;
                for (int d = 0; d < r; d++) {
                    int[] sc = OnnxOps.sliceRange(x.shape[d], p[0][d], p[1][d], p[2][d]);
                    osh[d] = sc[1];
                    src[d] = st[d] * p[2][d];
                    if (sc[1] > 0) base += sc[0] * st[d];
                }
                t.checkFold(count(osh));
                return one(x.c.gather(osh, Shapes.size(osh) == 0 ? new int[0] : ConstTensor.stridedMap(osh, src, base)));
            }
            case "Add", "Sub", "Mul", "Div", "Max", "Min", "Equal":
                return one(binary(t, op));
            case "Where": {
                ConstTensor c = t.inVal(0).c, a = t.inVal(1).c, b = t.inVal(2).c;
                int[] out = Shapes.broadcast(Shapes.broadcast(c.shape, a.shape), b.shape);
                if (out == null) throw t.error("Where inputs do not broadcast");
                t.checkFold(count(out));
                int[] mc = ConstTensor.broadcastMap(out, c.shape), ma = ConstTensor.broadcastMap(out, a.shape), mb = ConstTensor.broadcastMap(out, b.shape);
                long[] cv = c.longs();
                double[] av = a.doubles(), bv = b.doubles();
                long[] al = a.longs(), bl = b.longs();
                int n = Shapes.size(out);
                if (a.isFloat()) {
                    double[] r = new double[n];
                    for (int i = 0; i < n; i++) r[i] = cv[mc[i]] != 0 ? av[ma[i]] : bv[mb[i]];
                    return one(ConstTensor.ofDoubles(a.type, out, r));
                }
                long[] r = new long[n];
                for (int i = 0; i < n; i++) r[i] = cv[mc[i]] != 0 ? al[ma[i]] : bl[mb[i]];
                return one(ConstTensor.ofLongs(a.type, out, r));
            }
            case "Neg", "Sqrt", "Relu", "Sigmoid", "Floor", "Ceil": {
                if (!x.c.isFloat()) {
                    if (!op.equals("Neg") && !op.equals("Relu")) return null;
                    long[] l = x.c.longs();
                    for (int i = 0; i < l.length; i++) l[i] = op.equals("Neg") ? -l[i] : Math.max(0, l[i]);
                    return one(ConstTensor.ofLongs(x.c.type, x.shape, l));
                }
                float[] f = x.c.floats();
                for (int i = 0; i < f.length; i++) {
                    f[i] = switch (op) {
                        case "Neg" -> -f[i];
                        case "Sqrt" -> (float) Math.sqrt(f[i]);
                        case "Relu" -> Math.max(0f, f[i]);
                        case "Sigmoid" -> (float) (1.0 / (1.0 + Math.exp(-f[i])));
                        case "Floor" -> (float) Math.floor(f[i]);
                        default -> (float) Math.ceil(f[i]);
                    };
                }
                return one(ConstTensor.ofFloats(x.shape, f));
            }
            case "Clip": {
                if (!x.c.isFloat() || t.opset() < 11) return null;
                float lo = t.hasIn(1) ? t.constInput(1, "min").floats()[0] : Float.NEGATIVE_INFINITY;
                float hi = t.hasIn(2) ? t.constInput(2, "max").floats()[0] : Float.POSITIVE_INFINITY;
                float[] f = x.c.floats();
                for (int i = 0; i < f.length; i++) f[i] = Math.min(hi, Math.max(lo, f[i]));
                return one(ConstTensor.ofFloats(x.shape, f));
            }
            case "ConstantOfShape": {
                int[] shape = toShape(t, x.c.longs());
                OnnxProto.Attr a = t.rawAttr("value");
                ConstTensor v = a == null ? ConstTensor.ofFloats(new int[] {1}, new float[] {0f}) : t.decodeTensor(a.t(), "ConstantOfShape value");
                if (v.size() != 1) throw t.error("ConstantOfShape value must have one element");
                t.checkFold(count(shape));
                int n = Shapes.size(shape);
                return one(v.gather(shape, new int[n]));
            }
            case "Range": {
                ConstTensor s = t.constInput(0, "start"), l = t.constInput(1, "limit"), d = t.constInput(2, "delta");
                double sv = s.doubles()[0], lv = l.doubles()[0], dv = d.doubles()[0];
                if (dv == 0) throw t.error("Range delta 0");
                long n = Math.max(0, (long) Math.ceil((lv - sv) / dv));
                t.checkFold(n);
                double[] r = new double[(int) n];
                for (int i = 0; i < n; i++) r[i] = sv + i * dv;
                if (s.isFloat()) return one(ConstTensor.ofDoubles(s.type, new int[] {(int) n}, r));
                long[] lr = new long[(int) n];
                long ls = s.longs()[0], ld = d.longs()[0];
                for (int i = 0; i < n; i++) lr[i] = ls + i * ld;
                return one(ConstTensor.ofLongs(s.type, new int[] {(int) n}, lr));
            }
            case "DequantizeLinear": {
                QdqConst q = qdq(t, x);
                long[] v = x.c.longs();
                float[] r = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    int ch = (i / q.inner) % q.channels;
                    r[i] = (float) (v[i] - q.zp[ch]) * q.scale[ch];
                }
                return one(ConstTensor.ofFloats(x.shape, r));
            }
            case "QuantizeLinear": {
                QdqConst q = qdq(t, x);
                DataType ot = t.hasIn(2) ? t.constInput(2, "zero point").type : DataType.UINT8;
                if (!ot.isQuantized8()) return null;
                float[] v = x.c.floats();
                long[] r = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    int ch = (i / q.inner) % q.channels;
                    double rq = Math.rint(v[i] / q.scale[ch]) + q.zp[ch];
                    r[i] = (long) Math.max(ot.minValue(), Math.min(ot.maxValue(), rq));
                }
                return one(ConstTensor.ofLongs(ot, x.shape, r));
            }
            default:
                return null;
        }
    }

    private record QdqConst(float[] scale, long[] zp, int channels, int inner) {}

    private static QdqConst qdq(OnnxReader.Translator t, OnnxReader.Val x) {
        float[] s = t.constInput(1, "scale").floats();
        long[] z = t.hasIn(2) ? t.constInput(2, "zero point").longs() : new long[s.length];
        if (z.length != s.length) throw t.error(s.length + " scales but " + z.length + " zero points");
        if (t.aInt("block_size", 0) != 0) throw t.unsupportedError("blocked quantization");
        if (s.length == 1) return new QdqConst(s, z, 1, Math.max(1, Shapes.size(x.shape)));
        int axis = (int) t.aInt("axis", 1);
        if (axis < 0) axis += x.rank();
        if (axis < 0 || axis >= x.rank() || x.shape[axis] != s.length) throw t.error(s.length + " scales do not match axis " + axis + " of " + Shapes.str(x.shape));
        int inner = 1;
        for (int d = axis + 1; d < x.rank(); d++) inner *= x.shape[d];
        return new QdqConst(s, z, s.length, inner);
    }

    private static ConstTensor[] one(ConstTensor c) { return new ConstTensor[] {c}; }

    private static long norm(long v, int r, boolean clamp) {
        if (v < 0) v += r;
        return clamp ? Math.max(0, Math.min(r, v)) : v;
    }

    private static void checkPerm(OnnxReader.Translator t, int[] perm) {
        boolean[] seen = new boolean[perm.length];
        for (int p : perm) {
            if (p < 0 || p >= perm.length || seen[p]) throw t.error("perm " + Arrays.toString(perm) + " is not a permutation");
            seen[p] = true;
        }
    }

    private static int[] toShape(OnnxReader.Translator t, long[] v) {
        int[] s = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] > Integer.MAX_VALUE) throw t.error("invalid dim " + v[i] + " in " + Arrays.toString(v));
            s[i] = (int) v[i];
        }
        Shapes.size(s);
        return s;
    }

    static int[] reshapeShape(OnnxReader.Translator t, int[] in, long[] spec, boolean allowZero) {
        int[] out = new int[spec.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < spec.length; i++) {
            long v = spec[i];
            if (v == -1) {
                if (infer >= 0) throw t.error("Reshape shape " + Arrays.toString(spec) + " has more than one -1");
                infer = i;
                continue;
            }
            if (v == 0 && !allowZero) {
                if (i >= in.length) throw t.error("Reshape shape " + Arrays.toString(spec) + " copies dim " + i + " of a rank-" + in.length + " input");
                v = in[i];
            }
            if (v < 0 || v > Integer.MAX_VALUE) throw t.error("Reshape shape " + Arrays.toString(spec) + " has invalid dim " + v);
            out[i] = (int) v;
            known *= v;
        }
        long total = Shapes.size(in);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) throw t.error("cannot reshape " + Shapes.str(in) + " to " + Arrays.toString(spec));
            out[infer] = (int) (total / known);
        } else if (known != total) {
            throw t.error("cannot reshape " + Shapes.str(in) + " (" + total + " elements) to " + Arrays.toString(spec));
        }
        return out;
    }

    static int[] flattenShape(OnnxReader.Translator t, int[] in) {
        long axis = t.aInt("axis", 1);
        if (axis < 0) axis += in.length;
        if (axis < 0 || axis > in.length) throw t.error("Flatten axis out of range for rank " + in.length);
        long a = 1, b = 1;
        for (int i = 0; i < in.length; i++) { if (i < axis) a *= in[i]; else b *= in[i]; }
        return new int[] {(int) a, (int) b};
    }

    private static long[] axesOf(OnnxReader.Translator t) {
        if (t.opset() >= 13 && t.hasIn(1)) return t.constInput(1, "axes").longs();
        return t.aInts("axes");
    }

    static int[] squeezeShape(OnnxReader.Translator t, int[] in) {
        long[] axes = axesOf(t);
        boolean[] drop = new boolean[in.length];
        if (axes == null) {
            for (int i = 0; i < in.length; i++) drop[i] = in[i] == 1;
        } else {
            for (long a : axes) {
                long x = a < 0 ? a + in.length : a;
                if (x < 0 || x >= in.length) throw t.error("Squeeze axis " + a + " out of range");
                if (in[(int) x] != 1) throw t.error("Squeeze axis " + a + " has size " + in[(int) x]);
                drop[(int) x] = true;
            }
        }
        return java.util.stream.IntStream.range(0, in.length).filter(i -> !drop[i]).map(i -> in[i]).toArray();
    }

    static int[] unsqueezeShape(OnnxReader.Translator t, int[] in) {
        long[] axes = axesOf(t);
        if (axes == null) throw t.error("Unsqueeze needs axes");
        int r = in.length + axes.length;
        boolean[] ins = new boolean[r];
        for (long a : axes) {
            long x = a < 0 ? a + r : a;
            if (x < 0 || x >= r || ins[(int) x]) throw t.error("Unsqueeze axis " + a + " invalid for output rank " + r);
            ins[(int) x] = true;
        }
        int[] out = new int[r];
        for (int i = 0, j = 0; i < r; i++) out[i] = ins[i] ? 1 : in[j++];
        return out;
    }

    private static ConstTensor gather(OnnxReader.Translator t, ConstTensor data, ConstTensor idx) {
        int r = data.rank();
        long axis = t.aInt("axis", 0);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) throw t.error("Gather axis out of range");
        int ax = (int) axis;
        long[] iv = idx.longs();
        int dim = data.shape[ax];
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= data.shape[d];
        for (int d = ax + 1; d < r; d++) inner *= data.shape[d];
        int[] out = new int[r - 1 + idx.rank()];
        System.arraycopy(data.shape, 0, out, 0, ax);
        System.arraycopy(idx.shape, 0, out, ax, idx.rank());
        System.arraycopy(data.shape, ax + 1, out, ax + idx.rank(), r - ax - 1);
        t.checkFold(count(out));
        int[] map = new int[Shapes.size(out)];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (long i : iv) {
                long ii = i < 0 ? i + dim : i;
                if (ii < 0 || ii >= dim) throw t.error("Gather index " + i + " out of range for dim " + dim);
                for (int in = 0; in < inner; in++) map[k++] = (int) ((o * (long) dim + ii) * inner + in);
            }
        }
        return data.gather(out, map);
    }

    private static ConstTensor concat(OnnxReader.Translator t) {
        int n = t.nInputs();
        OnnxReader.Val first = t.inVal(0);
        int r = first.rank();
        long axis = t.aInt("axis", 0);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) throw t.error("Concat axis out of range");
        int ax = (int) axis;
        int[] out = first.shape.clone();
        out[ax] = 0;
        for (int i = 0; i < n; i++) {
            OnnxReader.Val v = t.inVal(i);
            if (v.rank() != r || v.type != first.type) throw t.error("Concat inputs differ in rank or type");
            for (int d = 0; d < r; d++) if (d != ax && v.shape[d] != first.shape[d]) throw t.error("Concat input shapes differ");
            out[ax] += v.shape[ax];
        }
        t.checkFold(count(out));
        int es = first.type.byteSize();
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= out[d];
        for (int d = ax + 1; d < r; d++) inner *= out[d];
        ByteBuffer b = ConstTensor.alloc((long) Shapes.size(out) * es);
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                OnnxReader.Val v = t.inVal(i);
                int chunk = v.shape[ax] * inner * es;
                ByteBuffer src = v.c.data();
                for (int k = 0; k < chunk; k++) b.put(pos++, src.get(o * chunk + k));
            }
        }
        return new ConstTensor(first.type, out, b);
    }

    private static ConstTensor binary(OnnxReader.Translator t, String op) {
        ConstTensor a = t.inVal(0).c, b = t.inVal(1).c;
        int[] out = Shapes.broadcast(a.shape, b.shape);
        if (out == null) throw t.error("shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + " do not broadcast");
        t.checkFold(count(out));
        int n = Shapes.size(out);
        int[] ma = ConstTensor.broadcastMap(out, a.shape), mb = ConstTensor.broadcastMap(out, b.shape);
        if (a.isFloat() || b.isFloat()) {
            float[] x = a.floats(), y = b.floats();
            float[] r = new float[n];
            for (int i = 0; i < n; i++) {
                float p = x[ma[i]], q = y[mb[i]];
                r[i] = switch (op) {
                    case "Add" -> p + q;
                    case "Sub" -> p - q;
                    case "Mul" -> p * q;
                    case "Div" -> p / q;
                    case "Max" -> Math.max(p, q);
                    case "Min" -> Math.min(p, q);
                    default -> p == q ? 1 : 0;
                };
            }
            if (op.equals("Equal")) {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) l[i] = (long) r[i];
                return ConstTensor.ofLongs(DataType.BOOL, out, l);
            }
            return ConstTensor.ofFloats(out, r);
        }
        long[] x = a.longs(), y = b.longs();
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            long p = x[ma[i]], q = y[mb[i]];
            if (op.equals("Div") && q == 0) throw t.error("integer division by zero while folding constants");
            r[i] = switch (op) {
                case "Add" -> p + q;
                case "Sub" -> p - q;
                case "Mul" -> p * q;
                case "Div" -> p / q;
                case "Max" -> Math.max(p, q);
                case "Min" -> Math.min(p, q);
                default -> p == q ? 1 : 0;
            };
        }
        return ConstTensor.ofLongs(op.equals("Equal") ? DataType.BOOL : a.type, out, r);
    }
}
