package dev.octet.loaders.onnx;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Limits;
import dev.octet.core.ModelFormatException;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Shapes;
import dev.octet.core.UnsupportedOpException;
import dev.octet.ops.onnx.OnnxOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model (ModelProto) into the graph IR ({@link Semantics#ONNX}, format "onnx").
 *
 * <p>Layout: the engine computes images in NHWC. Every rank-4 activation may exist in the IR in ONNX order
 * (NCHW, "plain") and/or in NHWC; convolutions, pools and resizes produce and consume NHWC, elementwise ops,
 * Concat, Split, Slice, Softmax and Q/DQ keep whichever layout their input has (remapping axes and permuting
 * constant operands), and everything that depends on element order (Reshape, Transpose, MatMul, graph
 * outputs...) gets NCHW, with an explicit TRANSPOSE inserted where a tensor only exists in the other layout.
 * Graph inputs and outputs are therefore exactly the ONNX tensors. Conv weights are transposed once at load.
 *
 * <p>Constants: initializers (also when listed as graph inputs), Constant nodes, and any node whose inputs
 * are all constant among Shape/Gather/Unsqueeze/Squeeze/Concat/Cast/Reshape/Flatten/Slice/Transpose/
 * arithmetic/ConstantOfShape/Range/QuantizeLinear/DequantizeLinear are folded at load. In particular
 * DequantizeLinear of constant weights and int32 biases becomes a float constant (the same values ONNX
 * Runtime computes); activations keep their QuantizeLinear/DequantizeLinear nodes
 * ({@link OnnxOps#ONNX_QUANTIZE_LINEAR}, {@link OnnxOps#ONNX_DEQUANTIZE_LINEAR}).
 *
 * <p>Shapes are static: a symbolic first (batch) dim of a graph input is fixed to 1 (recorded in the graph
 * metadata "onnx.notes"); any other symbolic dim is an error.
 */
public final class OnnxReader {
    private OnnxReader() {}

    /** The newest default-domain opset whose operator semantics the reader knows (ONNX Runtime 1.23 implements up to 23). */
    public static final long MAX_OPSET = 23;

    private static final int[] TO_NHWC = {0, 2, 3, 1};
    private static final int[] TO_NCHW = {0, 3, 1, 2};
    /** ONNX (NCHW) axis to NHWC axis. */
    private static final int[] AXIS_NHWC = {0, 3, 1, 2};

    /**
     * Graph metadata key (models with QuantizeLinear/DequantizeLinear only): the QDQ groups fused into integer
     * kernels, by ONNX operator, e.g. "Conv 64, Softmax 1" (ONNX Runtime's QDQ transformer rules).
     */
    public static final String QDQ_FUSED = "onnx.qdq_fused";
    /**
     * Graph metadata key: the operators of a QDQ model that run in float as the graph says (DequantizeLinear ->
     * float op -> QuantizeLinear, or float only), by ONNX operator, e.g. "Mul 58, Sigmoid 58".
     */
    public static final String QDQ_FLOAT = "onnx.qdq_float";

    /** True when the bytes look like an ONNX ModelProto (cheap structural check). */
    public static boolean looksLikeOnnx(ByteBuffer b) { return OnnxProto.looksLikeModel(b); }

    /**
     * Reads a model. {@code baseDir} is the directory of the model file, where external tensor data is looked
     * up (null when the model came from memory: external data is then an error).
     */
    public static Graph read(ByteBuffer bytes, Path baseDir, Limits limits) {
        OnnxProto.Model m = OnnxProto.parseModel(bytes, limits);
        // element-wise chains from one 8-bit tensor to another (e.g. the SiLU left in float) become one table lookup
        return dev.octet.loaders.LutFusion.applyIfEnabled(new Translator(m, baseDir, limits).run(), limits);
    }

    /** One ONNX value: its ONNX shape and type, its constant value if known, and its IR tensor(s). */
    static final class Val {
        final String name;
        final DataType type;
        final int[] shape; // ONNX order
        ConstTensor c;
        int plain = -1, nhwc = -1;
        QuantParams quant = QuantParams.NONE;
        /** For the float output of a DequantizeLinear: its quantized input and parameters (ONNX axis). */
        Val dqOf;
        QuantParams dqParams;

        Val(String name, DataType type, int[] shape) {
            this.name = name;
            this.type = type;
            this.shape = shape;
        }

        int rank() { return shape.length; }
    }

    static final class Translator {
        private final OnnxProto.Model model;
        private final Path baseDir;
        private final Limits limits;
        private final Graph.Builder b;
        private final Map<String, Val> vals = new HashMap<>();
        private final List<String> notes = new ArrayList<>();
        private long opset;
        private OnnxProto.Node node; // the node being translated
        private int nodeIndex;
        /** Fuse DequantizeLinear -> Conv -> QuantizeLinear into ONNX_QLINEAR_CONV (-Doctet.onnx.fuseQdq=false runs QDQ as written). */
        private final boolean fuseQdq = !"false".equals(System.getProperty("octet.onnx.fuseQdq"));
        private final Map<String, List<Integer>> consumers = new HashMap<>();
        private final java.util.Set<String> graphOutputs = new java.util.HashSet<>();
        private final java.util.Set<Integer> fusedAway = new java.util.HashSet<>();
        /** QDQ report: ONNX op -> count of groups fused into an integer kernel / computed in float between DQ and Q. */
        private final Map<String, Integer> fusedOps = new java.util.TreeMap<>(), floatOps = new java.util.TreeMap<>();
        private boolean fusedThisNode, hasQdq;

        Translator(OnnxProto.Model model, Path baseDir, Limits limits) {
            this.model = model;
            this.baseDir = baseDir;
            this.limits = limits;
            this.b = Graph.builder(Semantics.ONNX, "onnx").limits(limits);
        }

        Graph run() {
            Long v = model.opsets().get("");
            if (v == null) v = model.opsets().get("ai.onnx");
            if (v == null) {
                if (!model.opsets().isEmpty()) throw new ModelFormatException("ONNX model imports no default-domain opset (has " + model.opsets() + ")");
                v = 1L;
            }
            opset = v;
            if (opset < 1 || opset > MAX_OPSET) {
                throw new UnsupportedOpException("opset", -1, "default-domain opset " + opset + " (Octet knows opsets 1 to " + MAX_OPSET + ")");
            }
            for (Map.Entry<String, Long> e : model.opsets().entrySet()) {
                if (e.getKey().equals("com.microsoft") && (e.getValue() < 1 || e.getValue() > 1)) {
                    throw new UnsupportedOpException("opset", -1, "com.microsoft opset " + e.getValue() + " (Octet knows version 1)");
                }
            }
            OnnxProto.Graph g = model.graph();
            if (g.sparseInitializers() > 0) throw new UnsupportedOpException("SparseTensor", -1, "sparse initializers are not supported");
            for (OnnxProto.Tensor t : g.initializers()) {
                if (t.name().isEmpty()) throw new ModelFormatException("ONNX initializer without a name");
                ConstTensor c = decodeTensor(t, "initializer '" + t.name() + "'");
                Val val = new Val(t.name(), c.type, c.shape);
                val.c = c;
                vals.put(t.name(), val);
            }
            for (OnnxProto.ValueInfo vi : g.inputs()) {
                if (vals.containsKey(vi.name())) continue; // an initializer: a constant (default value)
                if (vi.elemType() == 0) throw new UnsupportedOpException("graph input", -1, "graph input '" + vi.name() + "' is not a typed tensor (sequence, map and optional values are not supported)");
                DataType t = dataType(vi.elemType(), "graph input '" + vi.name() + "'");
                if (!vi.hasShape()) throw new ModelFormatException("ONNX graph input '" + vi.name() + "' has no shape; Octet needs static shapes");
                long[] dims = vi.dims();
                int[] shape = new int[dims.length];
                for (int i = 0; i < dims.length; i++) {
                    if (dims[i] > 0 && dims[i] <= Integer.MAX_VALUE) { shape[i] = (int) dims[i]; continue; }
                    if (dims[i] == 0) throw new UnsupportedOpException("graph input", -1, "graph input '" + vi.name() + "' has an empty dim " + i + " (zero-size tensors are not supported)");
                    String p = vi.dimParams()[i];
                    if (i == 0 && dims[i] < 0) {
                        shape[i] = 1;
                        notes.add("input '" + vi.name() + "' dim 0" + (p != null ? " ('" + p + "')" : "") + " is dynamic; fixed to 1");
                        continue;
                    }
                    throw new ModelFormatException("ONNX graph input '" + vi.name() + "' has dynamic or invalid dim " + i
                            + (p != null ? " ('" + p + "')" : " (" + dims[i] + ")") + "; Octet needs static shapes (only a dynamic batch dim is fixed to 1)");
                }
                Val val = new Val(vi.name(), t, shape);
                val.plain = b.addTensor(vi.name(), t, shape, null, null, false);
                b.input(val.plain);
                vals.put(vi.name(), val);
            }
            List<OnnxProto.Node> nodes = g.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                for (String s : nodes.get(i).inputs()) if (!s.isEmpty()) consumers.computeIfAbsent(s, k -> new ArrayList<>()).add(i);
            }
            for (OnnxProto.ValueInfo vi : g.outputs()) graphOutputs.add(vi.name());
            for (nodeIndex = 0; nodeIndex < nodes.size(); nodeIndex++) {
                if (fusedAway.contains(nodeIndex)) continue;
                node = nodes.get(nodeIndex);
                try {
                    fusedThisNode = false;
                    translate();
                    recordQdqStats();
                } catch (UnsupportedOpException | ModelFormatException | dev.octet.core.ResourceLimitException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw bad("cannot translate: " + e);
                }
            }
            node = null;
            if (g.outputs().isEmpty()) throw new ModelFormatException("ONNX graph has no outputs");
            for (OnnxProto.ValueInfo vi : g.outputs()) {
                Val val = vals.get(vi.name());
                if (val == null) throw new ModelFormatException("ONNX graph output '" + vi.name() + "' is never produced");
                int id = plain(val);
                if (!b.tensor(id).name().equals(vi.name())) {
                    // an Identity alias (or a constant) as output: copy it so the output carries its ONNX name
                    int t = b.addTensor(vi.name(), val.type, val.shape, val.quant, null, false);
                    emit(OnnxOps.IDENTITY, new int[] {id}, new int[] {t}, Attributes.EMPTY);
                    id = t;
                }
                b.output(id);
            }
            b.metadata("onnx.ir_version", Long.toString(model.irVersion()));
            b.metadata("onnx.opset", Long.toString(opset));
            if (!model.producer().isEmpty()) b.metadata("onnx.producer", model.producer());
            if (!notes.isEmpty()) b.metadata("onnx.notes", String.join("; ", notes));
            if (hasQdq) {
                b.metadata(QDQ_FUSED, fusedOps.isEmpty() ? "none" : histogram(fusedOps));
                b.metadata(QDQ_FLOAT, floatOps.isEmpty() ? "none" : histogram(floatOps));
            }
            return pruneDead(b.build(), limits);
        }

        /**
         * Drops nodes whose outputs nothing reads (typically the DequantizeLinear of a QDQ group fused into an integer
         * kernel, and layout transposes only that DequantizeLinear needed). Every IR op is free of side effects.
         */
        static Graph pruneDead(Graph g, Limits limits) { return dev.octet.loaders.LutFusion.pruneDead(g, limits); }

        // ------------------------------------------------------------ errors and attributes

        private String where() {
            return "ONNX node " + nodeIndex + " (" + node.opType() + (node.name().isEmpty() ? "" : " '" + node.name() + "'") + ")";
        }

        private ModelFormatException bad(String msg) { return new ModelFormatException(where() + ": " + msg); }

        private UnsupportedOpException unsupported(String msg) { return new UnsupportedOpException(node.opType(), nodeIndex, msg); }

        private OnnxProto.Attr attr(String k) { return node.attrs().get(k); }

        private long attrInt(String k, long d) {
            OnnxProto.Attr a = attr(k);
            if (a == null) return d;
            if (a.type() != OnnxProto.AT_INT) throw bad("attribute '" + k + "' must be an int");
            return a.i();
        }

        private float attrFloat(String k, float d) {
            OnnxProto.Attr a = attr(k);
            if (a == null) return d;
            if (a.type() != OnnxProto.AT_FLOAT) throw bad("attribute '" + k + "' must be a float");
            return a.f();
        }

        private long[] attrInts(String k) {
            OnnxProto.Attr a = attr(k);
            if (a == null) return null;
            if (a.type() != OnnxProto.AT_INTS) throw bad("attribute '" + k + "' must be a list of ints");
            return a.ints();
        }

        private String attrStr(String k, String d) {
            OnnxProto.Attr a = attr(k);
            if (a == null) return d;
            if (a.type() != OnnxProto.AT_STRING) throw bad("attribute '" + k + "' must be a string");
            return new String(a.s(), java.nio.charset.StandardCharsets.UTF_8);
        }

        private int toInt(long v, String what) {
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) throw bad(what + " " + v + " is out of range");
            return (int) v;
        }

        private int[] toInts(long[] v, String what) {
            if (v == null) return null;
            int[] r = new int[v.length];
            for (int i = 0; i < v.length; i++) r[i] = toInt(v[i], what);
            return r;
        }

        /** Clamps to int range (for slice bounds such as INT64_MAX meaning "to the end"). */
        private static int clampInt(long v) { return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : v < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) v; }

        // ------------------------------------------------------------ inputs and outputs of the node

        private int nIn() {
            int n = node.inputs().size();
            while (n > 0 && node.inputs().get(n - 1).isEmpty()) n--;
            return n;
        }

        private boolean has(int i) { return i < node.inputs().size() && !node.inputs().get(i).isEmpty(); }

        private Val in(int i) {
            if (!has(i)) throw bad("input " + i + " is missing");
            String n = node.inputs().get(i);
            Val v = vals.get(n);
            if (v == null) {
                List<OnnxProto.Node> all = model.graph().nodes();
                for (int j = nodeIndex; j < all.size(); j++) {
                    if (all.get(j).outputs().contains(n)) {
                        throw bad("input '" + n + "' is produced by node " + j + (j == nodeIndex ? " itself" : ", which comes later")
                                + ": the graph is not in topological order or has a cycle");
                    }
                }
                throw bad("input '" + n + "' is not produced by any earlier node, initializer or graph input");
            }
            return v;
        }

        private ConstTensor constIn(int i, String what) {
            Val v = in(i);
            if (v.c == null) throw unsupported(what + " (input " + i + ", '" + v.name + "') must be a constant");
            return v.c;
        }

        private String outName(int i) {
            if (i >= node.outputs().size() || node.outputs().get(i).isEmpty()) throw bad("output " + i + " is missing");
            return node.outputs().get(i);
        }

        private void define(Val v) {
            if (vals.containsKey(v.name)) throw bad("value '" + v.name + "' is defined twice");
            vals.put(v.name, v);
        }

        private void defineConst(int out, ConstTensor c) {
            if (c.rank() > limits.maxRank()) throw bad("folded constant of rank " + c.rank());
            Val v = new Val(outName(out), c.type, c.shape);
            v.c = c;
            define(v);
        }

        /** A new activation output in the given layout (nhwc requires rank 4). */
        private Val newOut(int out, DataType t, int[] onnxShape, boolean nhwc, QuantParams q) {
            Val v = new Val(outName(out), t, onnxShape);
            v.quant = q == null ? QuantParams.NONE : q;
            if (nhwc) v.nhwc = b.addTensor(v.name + "@nhwc", t, permShape(onnxShape, TO_NHWC), permQuant(v.quant), null, false);
            else v.plain = b.addTensor(v.name, t, onnxShape, v.quant, null, false);
            define(v);
            return v;
        }

        private static int[] permShape(int[] s, int[] perm) {
            int[] r = new int[s.length];
            for (int i = 0; i < s.length; i++) r[i] = s[perm[i]];
            return r;
        }

        private int idOf(Val v, boolean nhwc) { return nhwc ? nhwc(v) : plain(v); }

        private int emit(String op, int[] ins, int[] outs, Attributes a) {
            String nm = node == null ? op : (node.name().isEmpty() ? node.outputs().get(0) : node.name());
            b.addNode(op, nm, ins, outs, a, node == null ? op : "onnx:" + node.opType());
            return outs.length > 0 ? outs[0] : -1;
        }

        /** The value in ONNX order, inserting a TRANSPOSE (or materializing a constant) if needed. */
        private int plain(Val v) {
            if (v.plain >= 0) return v.plain;
            if (v.c != null) return v.plain = constTensor(v.name, v.c, v.quant);
            int t = b.addTensor(v.name, v.type, v.shape, v.quant, null, false);
            emit(OnnxOps.TRANSPOSE, new int[] {v.nhwc}, new int[] {t}, Attributes.builder().put(OnnxOps.ATTR_PERM, TO_NCHW).build());
            return v.plain = t;
        }

        /** The rank-4 value in NHWC, inserting a TRANSPOSE (or permuting a constant) if needed. */
        private int nhwc(Val v) {
            if (v.rank() != 4) throw new IllegalStateException("NHWC of rank " + v.rank());
            if (v.nhwc >= 0) return v.nhwc;
            if (v.c != null) return v.nhwc = constTensor(v.name + "@nhwc", v.c.permute(TO_NHWC), permQuant(v.quant));
            int t = b.addTensor(v.name + "@nhwc", v.type, permShape(v.shape, TO_NHWC), permQuant(v.quant), null, false);
            emit(OnnxOps.TRANSPOSE, new int[] {plain(v)}, new int[] {t}, Attributes.builder().put(OnnxOps.ATTR_PERM, TO_NHWC).build());
            return v.nhwc = t;
        }

        private static QuantParams permQuant(QuantParams q) {
            if (!q.isPerAxis()) return q;
            return QuantParams.perAxis(q.scales(), q.zeroPoints(), AXIS_NHWC[q.axis()]);
        }

        private int constTensor(String name, ConstTensor c, QuantParams q) {
            return b.addTensor(name, c.type, c.shape, q, c.data(), false);
        }

        private int intConst(String name, int[] values) {
            ConstTensor c = ConstTensor.ofLongs(DataType.INT32, new int[] {values.length}, Arrays.stream(values).asLongStream().toArray());
            return constTensor(name, c, null);
        }

        /** True when v is an activation that currently exists in NHWC only (so NHWC is the cheap choice). */
        private static boolean nhwcOnly(Val v) { return v.c == null && v.nhwc >= 0 && v.plain < 0; }

        // ------------------------------------------------------------ tensors

        private DataType dataType(int onnxType, String what) {
            return switch (onnxType) {
                case OnnxProto.DT_FLOAT -> DataType.FLOAT32;
                case OnnxProto.DT_UINT8 -> DataType.UINT8;
                case OnnxProto.DT_INT8 -> DataType.INT8;
                case OnnxProto.DT_INT16 -> DataType.INT16;
                case OnnxProto.DT_INT32 -> DataType.INT32;
                case OnnxProto.DT_INT64 -> DataType.INT64;
                case OnnxProto.DT_BOOL -> DataType.BOOL;
                case OnnxProto.DT_FLOAT16 -> DataType.FLOAT16;
                case 0 -> throw new ModelFormatException("ONNX " + what + " has no element type");
                default -> throw new UnsupportedOpException("ONNX tensor type " + onnxType, -1, what + " has ONNX element type " + onnxType
                        + " (supported: float, float16, uint8, int8, int16, int32, int64, bool; double constants)");
            };
        }

        ConstTensor decodeTensor(OnnxProto.Tensor t, String what) {
            if (t.segmented()) throw new UnsupportedOpException("TensorProto.segment", -1, what + " is segmented");
            long[] dims = t.dims();
            if (dims.length > limits.maxRank()) throw new dev.octet.core.ResourceLimitException(what + " has rank " + dims.length + ", over the limit of " + limits.maxRank());
            int[] shape = new int[dims.length];
            long n = 1;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) throw new ModelFormatException("ONNX " + what + " has invalid dim " + dims[i]);
                shape[i] = (int) dims[i];
                n *= dims[i];
                if (n > Integer.MAX_VALUE) throw new dev.octet.core.ResourceLimitException("ONNX " + what + " has more than 2^31-1 elements");
            }
            boolean isDouble = t.dataType() == OnnxProto.DT_DOUBLE;
            DataType type = isDouble ? DataType.FLOAT32 : dataType(t.dataType(), what);
            int es = isDouble ? 8 : type.byteSize();
            long bytes = n * es;
            limits.checkTensorBytes("ONNX " + what, bytes);
            ByteBuffer raw = t.raw();
            boolean external = t.dataLocation() == 1 || !t.external().isEmpty();
            if (external) raw = external(t, what, bytes);
            if (raw != null) {
                if (raw.remaining() != bytes) {
                    throw new ModelFormatException("ONNX " + what + " of shape " + Shapes.str(shape) + " needs " + bytes + " bytes of data but has " + raw.remaining());
                }
                if (!isDouble) return new ConstTensor(type, shape, raw);
                double[] d = new double[(int) n];
                raw.order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
                return ConstTensor.ofDoubles(DataType.FLOAT32, shape, d);
            }
            if (t.stringCount() > 0) throw new UnsupportedOpException("string tensor", -1, what + " holds strings");
            if (isDouble) {
                double[] d = t.doubleData() == null ? new double[0] : t.doubleData();
                checkCount(d.length, n, what);
                return ConstTensor.ofDoubles(DataType.FLOAT32, shape, d);
            }
            if (type == DataType.FLOAT32) {
                float[] f = t.floatData() == null ? new float[0] : t.floatData();
                checkCount(f.length, n, what);
                return ConstTensor.ofFloats(shape, f);
            }
            long[] l = t.intData() == null ? new long[0] : t.intData();
            checkCount(l.length, n, what);
            if (type == DataType.FLOAT16) {
                ByteBuffer bb = ConstTensor.alloc(n * 2);
                for (int i = 0; i < l.length; i++) bb.putShort(i * 2, (short) l[i]);
                return new ConstTensor(type, shape, bb);
            }
            return ConstTensor.ofLongs(type, shape, l);
        }

        private static void checkCount(int have, long need, String what) {
            if (have != need) throw new ModelFormatException("ONNX " + what + " needs " + need + " values but has " + have);
        }

        private ByteBuffer external(OnnxProto.Tensor t, String what, long bytes) {
            Map<String, String> e = t.external();
            String loc = e.get("location");
            if (loc == null || loc.isEmpty()) throw new ModelFormatException("ONNX " + what + " stores external data without a location");
            if (baseDir == null) throw new ModelFormatException("ONNX " + what + " stores its data in external file '" + loc + "': load the model from a file path");
            long off, len;
            try {
                off = e.containsKey("offset") ? Long.parseLong(e.get("offset").trim()) : 0;
                len = e.containsKey("length") ? Long.parseLong(e.get("length").trim()) : bytes;
            } catch (NumberFormatException ex) {
                throw new ModelFormatException("ONNX " + what + " has a non-numeric external data offset or length");
            }
            if (off < 0 || len != bytes) throw new ModelFormatException("ONNX " + what + " external data length " + len + " / offset " + off + " does not fit its " + bytes + " bytes");
            Path rel;
            try {
                rel = Path.of(loc);
            } catch (RuntimeException ex) {
                throw new ModelFormatException("ONNX " + what + " external data location '" + loc + "' is not a valid path");
            }
            Path dir = baseDir.toAbsolutePath().normalize();
            Path file = dir.resolve(rel).normalize();
            if (rel.isAbsolute() || !file.startsWith(dir)) {
                throw new ModelFormatException("ONNX " + what + " external data location '" + loc + "' points outside the model's directory");
            }
            try {
                Path real = file.toRealPath();
                if (!real.startsWith(dir.toRealPath())) throw new ModelFormatException("ONNX " + what + " external data file '" + loc + "' resolves outside the model's directory");
                try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
                    if (off + len > ch.size()) throw new ModelFormatException("ONNX " + what + " external data [" + off + ", " + (off + len) + ") is past the end of '" + loc + "' (" + ch.size() + " bytes)");
                    return ch.map(FileChannel.MapMode.READ_ONLY, off, len).order(ByteOrder.LITTLE_ENDIAN);
                }
            } catch (java.nio.file.NoSuchFileException ex) {
                throw new ModelFormatException("ONNX " + what + " external data file '" + loc + "' does not exist");
            } catch (IOException ex) {
                throw new ModelFormatException("ONNX " + what + " external data file '" + loc + "' cannot be read: " + ex.getMessage());
            }
        }

        // ------------------------------------------------------------ translation

        private static final Set<String> FOLDABLE = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Reshape",
                "Flatten", "Slice", "Transpose", "Add", "Sub", "Mul", "Div", "ConstantOfShape", "Range", "DequantizeLinear",
                "QuantizeLinear", "Identity", "Size", "Neg", "Sqrt", "Relu", "Sigmoid", "Clip", "Floor", "Ceil", "Equal", "Where", "Max", "Min");

        private void translate() {
            String dom = node.domain();
            if (dom.equals("com.microsoft") && OnnxOperators.MICROSOFT.contains(node.opType())) {
                for (int i = 0; i < node.inputs().size(); i++) if (has(i)) in(i);
                microsoftQOp();
                return;
            }
            if (!dom.isEmpty() && !dom.equals("ai.onnx")) throw unsupported("operator domain '" + dom + "' (the default ONNX domain and com.microsoft " + OnnxOperators.MICROSOFT + ")");
            String op = node.opType();
            for (int i = 0; i < node.inputs().size(); i++) if (has(i)) in(i); // every input must exist
            if (op.equals("Constant")) { defineConst(0, constantValue()); return; }
            if (op.equals("Shape") || op.equals("Size") || FOLDABLE.contains(op) && allConst()) {
                ConstTensor[] r = Folder.fold(this, op);
                if (r != null) {
                    for (int i = 0; i < r.length; i++) defineConst(i, r[i]);
                    if (op.equals("DequantizeLinear")) recordDq(vals.get(outName(0)));
                    return;
                }
            }
            if (fuseQdq && DROP_QDQ.contains(op) && dropQdq(op)) return;
            if (fuseQdq && op.equals("Concat") && fuseQdqConcat()) return;
            switch (op) {
                case "Conv" -> conv();
                case "MaxPool", "AveragePool" -> pool(op);
                case "GlobalAveragePool" -> globalAvgPool();
                case "GlobalMaxPool" -> globalMaxPool();
                case "ReduceMean" -> reduceMean();
                case "Pad" -> pad();
                case "LeakyRelu" -> unary("LEAKY_RELU", Attributes.builder().put("alpha", attrFloat("alpha", 0.01f)).build());
                case "Add" -> binary(Ops.ADD);
                case "Sub" -> binary(Ops.SUB);
                case "Mul" -> binary(Ops.MUL);
                case "Div" -> binary(Ops.DIV);
                case "Sigmoid" -> unary(Ops.LOGISTIC, Attributes.EMPTY);
                case "Tanh" -> unary(Ops.TANH, Attributes.EMPTY);
                case "Relu" -> unary(Ops.RELU, Attributes.EMPTY);
                case "HardSwish" -> unary(Ops.HARD_SWISH, Attributes.EMPTY);
                case "HardSigmoid" -> unary(OnnxOps.HARD_SIGMOID, Attributes.builder().put(OnnxOps.ATTR_ALPHA, attrFloat("alpha", 0.2f))
                        .put(OnnxOps.ATTR_BETA, attrFloat("beta", 0.5f)).build());
                case "Clip" -> clip();
                case "Identity" -> alias();
                case "Cast" -> cast();
                case "Concat" -> concat();
                case "Split" -> split();
                case "Slice" -> slice();
                case "Softmax" -> softmax();
                case "Resize", "Upsample" -> resize();
                case "Reshape" -> reshapeLike(Folder.reshapeShape(this, in(0).shape, constIn(1, "Reshape shape").longs(), attrInt("allowzero", 0) != 0));
                case "Flatten" -> reshapeLike(Folder.flattenShape(this, in(0).shape));
                case "Squeeze" -> reshapeLike(Folder.squeezeShape(this, in(0).shape));
                case "Unsqueeze" -> reshapeLike(Folder.unsqueezeShape(this, in(0).shape));
                case "Transpose" -> transpose();
                case "MatMul" -> matmul();
                case "Gemm" -> gemm();
                case "QuantizeLinear" -> quantizeLinear();
                case "DequantizeLinear" -> dequantizeLinear();
                case "QLinearConv" -> qlinearConvOp();
                case "ConvInteger" -> convIntegerOp();
                case "QLinearMatMul" -> matmulIntegerOp(true);
                case "MatMulInteger" -> matmulIntegerOp(false);
                default -> throw unsupported("ONNX operator " + op + " is not supported");
            }
        }

        boolean allConst() {
            for (int i = 0; i < node.inputs().size(); i++) if (has(i) && in(i).c == null) return false;
            return true;
        }

        // accessors for the Folder
        OnnxProto.Node node() { return node; }

        long opset() { return opset; }

        Val inVal(int i) { return in(i); }

        boolean hasIn(int i) { return has(i); }

        int nInputs() { return nIn(); }

        ConstTensor constInput(int i, String what) { return constIn(i, what); }

        long aInt(String k, long d) { return attrInt(k, d); }

        float aFloat(String k, float d) { return attrFloat(k, d); }

        long[] aInts(String k) { return attrInts(k); }

        String aStr(String k, String d) { return attrStr(k, d); }

        ModelFormatException error(String msg) { return bad(msg); }

        UnsupportedOpException unsupportedError(String msg) { return unsupported(msg); }

        DataType type(int onnxType) { return dataType(onnxType, "attribute of " + where()); }

        OnnxProto.Attr rawAttr(String k) { return attr(k); }

        void checkBytes(long bytes) { limits.checkTensorBytes("folded constant of " + where(), bytes); }

        /**
         * Checks, before folding allocates, the working memory of a folded result of {@code elements} elements: up to
         * {@link Folder#BYTES_PER_ELEMENT} bytes each (the values widened to long/double, the broadcast index tables,
         * the result).
         */
        void checkFold(long elements) {
            limits.checkTensorBytes("constant folding of " + where() + " (" + elements + " elements, with its index tables and widened values)",
                    elements * Folder.BYTES_PER_ELEMENT);
        }

        private ConstTensor constantValue() {
            for (String k : node.attrs().keySet()) {
                OnnxProto.Attr a = attr(k);
                switch (k) {
                    case "value": return decodeTensor(a.t(), "Constant value of " + where());
                    case "value_float": return ConstTensor.ofFloats(new int[0], new float[] {a.f()});
                    case "value_floats": return ConstTensor.ofFloats(new int[] {a.floats().length}, a.floats());
                    case "value_int": return ConstTensor.ofLongs(DataType.INT64, new int[0], new long[] {a.i()});
                    case "value_ints": return ConstTensor.ofLongs(DataType.INT64, new int[] {a.ints().length}, a.ints());
                    default: break;
                }
            }
            throw unsupported("Constant without a value/value_float(s)/value_int(s) attribute");
        }

        private void alias() {
            Val src = in(0);
            Val v = new Val(outName(0), src.type, src.shape);
            v.c = src.c;
            v.plain = src.plain;
            v.nhwc = src.nhwc;
            v.quant = src.quant;
            define(v);
        }

        private void requireFloat(Val v, String what) {
            if (v.type != DataType.FLOAT32) throw unsupported(what + " of " + v.type.lowerName() + " tensors (float32 only; quantized tensors flow through DequantizeLinear)");
        }

        private void unary(String irOp, Attributes a) {
            Val x = in(0);
            if (fuseQdq && node.opType().equals("Sigmoid") && fuseQdqLookup(x, "sigmoid", 0f)) return;
            if (fuseQdq && node.opType().equals("LeakyRelu") && fuseQdqLookup(x, "leaky_relu", a.getFloat("alpha", 0.01f))) return;
            requireFloat(x, node.opType());
            boolean nh = x.rank() == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            Val y = newOut(0, x.type, x.shape, nh, null);
            emit(irOp, new int[] {id}, new int[] {nh ? y.nhwc : y.plain}, a);
        }

        private void clip() {
            float lo = Float.NEGATIVE_INFINITY, hi = Float.POSITIVE_INFINITY;
            if (opset < 11) {
                lo = attrFloat("min", lo);
                hi = attrFloat("max", hi);
            } else {
                if (has(1)) lo = scalar(constIn(1, "Clip min"));
                if (has(2)) hi = scalar(constIn(2, "Clip max"));
            }
            if (lo == 0f && hi == 6f) unary(Ops.RELU6, Attributes.EMPTY);
            else if (lo == 0f && hi == Float.POSITIVE_INFINITY) unary(Ops.RELU, Attributes.EMPTY);
            else unary(OnnxOps.CLIP, Attributes.builder().put(OnnxOps.ATTR_MIN, lo).put(OnnxOps.ATTR_MAX, hi).build());
        }

        private float scalar(ConstTensor c) {
            if (c.size() != 1) throw bad("expected a scalar, got shape " + Shapes.str(c.shape));
            return (float) c.doubles()[0];
        }

        private void cast() {
            Val x = in(0);
            DataType to = dataType((int) attrInt("to", 0), "Cast target");
            if (to == x.type) { alias(); return; }
            boolean nh = x.rank() == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            Val y = newOut(0, to, x.shape, nh, null);
            emit(OnnxOps.CAST, new int[] {id}, new int[] {nh ? y.nhwc : y.plain}, Attributes.EMPTY);
        }

        private void binary(String irOp) {
            if (fuseQdq && (irOp.equals(Ops.ADD) || irOp.equals(Ops.MUL)) && fuseQdqBinary(irOp.equals(Ops.ADD) ? "add" : "mul")) return;
            Val a = in(0), c = in(1);
            requireFloat(a, node.opType());
            requireFloat(c, node.opType());
            int[] out = Shapes.broadcast(a.shape, c.shape);
            if (out == null) throw bad("shapes " + Shapes.str(a.shape) + " and " + Shapes.str(c.shape) + " do not broadcast");
            boolean nh = out.length == 4 && (nhwcOnly(a) || nhwcOnly(c)) && nhwcOk(a) && nhwcOk(c);
            int ia = binaryOperand(a, nh), ic = binaryOperand(c, nh);
            Val y = newOut(0, DataType.FLOAT32, out, nh, null);
            emit(irOp, new int[] {ia, ic}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder().put(Ops.ATTR_ACTIVATION, "NONE").build());
        }

        /** Can this operand take part in an NHWC-layout broadcast op? */
        private static boolean nhwcOk(Val v) { return v.rank() == 4 || v.c != null || Shapes.size(v.shape) == 1; }

        private int binaryOperand(Val v, boolean nh) {
            if (!nh) return plain(v);
            if (v.rank() == 4) return nhwc(v);
            if (Shapes.size(v.shape) == 1) return plain(v);
            // a lower-rank constant: right-align to rank 4, then permute to NHWC
            int[] s4 = new int[4];
            Arrays.fill(s4, 1);
            System.arraycopy(v.shape, 0, s4, 4 - v.rank(), v.rank());
            return constTensor(v.name + "@nhwc", v.c.reshape(s4).permute(TO_NHWC), null);
        }

        private void concat() {
            int n = nIn();
            if (n == 0) throw bad("Concat without inputs");
            Val first = in(0);
            int r = first.rank();
            int axis = toInt(attrInt("axis", Long.MIN_VALUE), "axis");
            if (axis == Integer.MIN_VALUE) throw bad("Concat needs an axis attribute");
            if (axis < 0) axis += r;
            if (axis < 0 || axis >= r) throw bad("axis out of range for rank " + r);
            int[] out = first.shape.clone();
            out[axis] = 0;
            boolean anyNhwc = false;
            for (int i = 0; i < n; i++) {
                Val v = in(i);
                if (v.rank() != r || v.type != first.type) throw bad("inputs differ in rank or type");
                for (int d = 0; d < r; d++) if (d != axis && v.shape[d] != first.shape[d]) throw bad("input " + i + " shape " + Shapes.str(v.shape) + " does not match " + Shapes.str(first.shape));
                out[axis] += v.shape[axis];
                anyNhwc |= nhwcOnly(v);
            }
            boolean nh = r == 4 && anyNhwc;
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = idOf(in(i), nh);
            Val y = newOut(0, first.type, out, nh, null);
            emit(Ops.CONCATENATION, ids, new int[] {nh ? y.nhwc : y.plain},
                    Attributes.builder().put(Ops.ATTR_AXIS, nh ? AXIS_NHWC[axis] : axis).put(Ops.ATTR_ACTIVATION, "NONE").build());
        }

        private void split() {
            Val x = in(0);
            int r = x.rank();
            int axis = toInt(attrInt("axis", 0), "axis");
            if (axis < 0) axis += r;
            if (axis < 0 || axis >= r) throw bad("axis out of range for rank " + r);
            int n = node.outputs().size();
            long[] sizes = has(1) ? constIn(1, "Split sizes").longs() : attrInts("split");
            int[] sz;
            if (sizes != null) {
                sz = toInts(sizes, "split size");
            } else {
                long numOut = attrInt("num_outputs", n);
                if (numOut != n) throw bad("num_outputs " + numOut + " but " + n + " outputs");
                sz = new int[n];
                int each = (x.shape[axis] + n - 1) / n; // opset 18: last chunk may be smaller
                for (int i = 0; i < n; i++) sz[i] = Math.max(0, Math.min(each, x.shape[axis] - i * each));
            }
            if (sz.length != n) throw bad(sz.length + " split sizes for " + n + " outputs");
            long sum = 0;
            for (int s : sz) { if (s < 0) throw bad("negative split size"); sum += s; }
            if (sum != x.shape[axis]) throw bad("split sizes " + Arrays.toString(sz) + " do not add up to " + x.shape[axis]);
            boolean nh = r == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            int[] outs = new int[n];
            for (int i = 0; i < n; i++) {
                int[] s = x.shape.clone();
                s[axis] = sz[i];
                Val y = newOut(i, x.type, s, nh, x.quant.isPerAxis() ? null : x.quant);
                outs[i] = nh ? y.nhwc : y.plain;
            }
            emit(OnnxOps.SPLIT, new int[] {id}, outs, Attributes.builder().put(Ops.ATTR_AXIS, nh ? AXIS_NHWC[axis] : axis).put(OnnxOps.ATTR_SPLIT, sz).build());
        }

        /** Normalized slice parameters in ONNX order: {starts, ends, steps} per dim. */
        int[][] sliceParams(int[] shape) {
            int r = shape.length;
            long[] starts, ends, axes, steps;
            if (opset < 10) {
                starts = attrInts("starts");
                ends = attrInts("ends");
                axes = attrInts("axes");
                steps = null;
                if (starts == null || ends == null) throw bad("Slice needs starts and ends");
            } else {
                starts = constIn(1, "Slice starts").longs();
                ends = constIn(2, "Slice ends").longs();
                axes = has(3) ? constIn(3, "Slice axes").longs() : null;
                steps = has(4) ? constIn(4, "Slice steps").longs() : null;
            }
            if (ends.length != starts.length || (axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
                throw bad("Slice starts/ends/axes/steps differ in length");
            }
            int[] s = new int[r], e = new int[r], st = new int[r];
            for (int d = 0; d < r; d++) { s[d] = 0; e[d] = Integer.MAX_VALUE; st[d] = 1; }
            boolean[] seen = new boolean[r];
            for (int i = 0; i < starts.length; i++) {
                long a = axes == null ? i : axes[i];
                if (a < 0) a += r;
                if (a < 0 || a >= r) throw bad("Slice axis " + (axes == null ? i : axes[i]) + " out of range for rank " + r);
                if (seen[(int) a]) throw bad("Slice axis " + a + " repeated");
                seen[(int) a] = true;
                long step = steps == null ? 1 : steps[i];
                if (step == 0) throw bad("Slice step 0");
                s[(int) a] = clampInt(starts[i]);
                e[(int) a] = clampInt(ends[i]);
                st[(int) a] = clampInt(step);
            }
            return new int[][] {s, e, st};
        }

        private void slice() {
            Val x = in(0);
            int r = x.rank();
            int[][] p = sliceParams(x.shape);
            int[] out = new int[r];
            for (int d = 0; d < r; d++) out[d] = OnnxOps.sliceRange(x.shape[d], p[0][d], p[1][d], p[2][d])[1];
            boolean nh = r == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            int[][] q = p;
            if (nh) q = new int[][] {permShape(p[0], TO_NHWC), permShape(p[1], TO_NHWC), permShape(p[2], TO_NHWC)};
            Val y = newOut(0, x.type, out, nh, x.quant.isPerAxis() ? null : x.quant);
            emit(OnnxOps.SLICE, new int[] {id}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder().put(OnnxOps.ATTR_STARTS, q[0])
                    .put(OnnxOps.ATTR_ENDS, q[1]).put(OnnxOps.ATTR_STEPS, q[2]).build());
        }

        private void softmax() {
            Val x = in(0);
            requireFloat(x, "Softmax");
            int r = x.rank();
            int axis = toInt(attrInt("axis", opset < 13 ? 1 : -1), "axis");
            if (axis < 0) axis += r;
            if (axis < 0 || axis >= r) throw bad("axis out of range for rank " + r);
            if (fuseQdq && fuseQdqSoftmax(x, axis, r)) return;
            if (opset < 13 && axis != r - 1) {
                // before opset 13: softmax over the flattened dims [axis, r) -> reshape to 2-D, SOFTMAX, reshape back
                int outer = 1, inner = 1;
                for (int d = 0; d < r; d++) { if (d < axis) outer *= x.shape[d]; else inner *= x.shape[d]; }
                int id = plain(x);
                int flat = b.addTensor(outName(0) + "@2d", x.type, new int[] {outer, inner}, null, null, false);
                emit(Ops.RESHAPE, new int[] {id}, new int[] {flat}, Attributes.EMPTY);
                int soft = b.addTensor(outName(0) + "@2d_softmax", x.type, new int[] {outer, inner}, null, null, false);
                emit(Ops.SOFTMAX, new int[] {flat}, new int[] {soft}, Attributes.builder().put(Ops.ATTR_BETA, 1.0f).build());
                Val y = newOut(0, x.type, x.shape, false, null);
                emit(Ops.RESHAPE, new int[] {soft}, new int[] {y.plain}, Attributes.EMPTY);
                return;
            }
            boolean nh = r == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            int irAxis = nh ? AXIS_NHWC[axis] : axis;
            Val y = newOut(0, x.type, x.shape, nh, null);
            int yid = nh ? y.nhwc : y.plain;
            if (irAxis == r - 1) emit(Ops.SOFTMAX, new int[] {id}, new int[] {yid}, Attributes.builder().put(Ops.ATTR_BETA, 1.0f).build());
            else emit(OnnxOps.SOFTMAX_AXIS, new int[] {id}, new int[] {yid}, Attributes.builder().put(Ops.ATTR_AXIS, irAxis).build());
        }

        private void reshapeLike(int[] out) {
            Val x = in(0);
            if (Shapes.size(out) != Shapes.size(x.shape)) throw bad("cannot reshape " + Shapes.str(x.shape) + " to " + Shapes.str(out));
            int id = plain(x);
            Val y = newOut(0, x.type, out, false, x.quant.isPerAxis() ? null : x.quant);
            emit(Ops.RESHAPE, new int[] {id}, new int[] {y.plain}, Attributes.EMPTY);
        }

        private void transpose() {
            Val x = in(0);
            int r = x.rank();
            long[] pl = attrInts("perm");
            int[] perm = new int[r];
            if (pl == null) for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
            else {
                if (pl.length != r) throw bad("perm " + Arrays.toString(pl) + " does not match rank " + r);
                boolean[] seen = new boolean[r];
                for (int i = 0; i < r; i++) {
                    if (pl[i] < 0 || pl[i] >= r || seen[(int) pl[i]]) throw bad("perm " + Arrays.toString(pl) + " is not a permutation");
                    seen[(int) pl[i]] = true;
                    perm[i] = (int) pl[i];
                }
            }
            int[] out = permShape(x.shape, perm);
            int id;
            int[] irPerm;
            if (nhwcOnly(x)) {
                // read the NHWC tensor directly: plain dim j is NHWC dim AXIS_NHWC[j]
                id = x.nhwc;
                irPerm = new int[r];
                for (int i = 0; i < r; i++) irPerm[i] = AXIS_NHWC[perm[i]];
            } else {
                id = plain(x);
                irPerm = perm;
            }
            Val y = newOut(0, x.type, out, false, x.quant.isPerAxis() ? null : x.quant);
            emit(OnnxOps.TRANSPOSE, new int[] {id}, new int[] {y.plain}, Attributes.builder().put(OnnxOps.ATTR_PERM, irPerm).build());
        }

        private void matmul() {
            if (fuseQdq && fuseQdqMatmul()) return;
            Val a = in(0), c = in(1);
            requireFloat(a, "MatMul");
            requireFloat(c, "MatMul");
            if (a.rank() < 2 || c.rank() < 2) throw unsupported("MatMul with a rank-1 operand");
            int[] ab = Arrays.copyOf(a.shape, a.rank() - 2), cb = Arrays.copyOf(c.shape, c.rank() - 2);
            int[] batch = Shapes.broadcast(ab, cb);
            if (batch == null || a.shape[a.rank() - 1] != c.shape[c.rank() - 2]) throw bad("MatMul shapes " + Shapes.str(a.shape) + " x " + Shapes.str(c.shape) + " do not match");
            int[] out = Arrays.copyOf(batch, batch.length + 2);
            out[batch.length] = a.shape[a.rank() - 2];
            out[batch.length + 1] = c.shape[c.rank() - 1];
            int ia = plain(a), ic = plain(c);
            Val y = newOut(0, DataType.FLOAT32, out, false, null);
            emit(OnnxOps.MATMUL, new int[] {ia, ic}, new int[] {y.plain}, Attributes.EMPTY);
        }

        private void gemm() {
            Val a = in(0);
            requireFloat(a, "Gemm");
            if (a.rank() != 2) throw bad("Gemm input A must be 2-D, is " + Shapes.str(a.shape));
            boolean transA = attrInt("transA", 0) != 0;
            ConstTensor w = constIn(1, "Gemm B");
            if (w.rank() != 2) throw bad("Gemm B must be 2-D");
            float alpha = attrFloat("alpha", 1f), beta = attrFloat("beta", 1f);
            ConstTensor filter = attrInt("transB", 0) != 0 ? w : w.permute(new int[] {1, 0}); // [N, K]
            int nOut = filter.shape[0], k = filter.shape[1];
            int rows = transA ? a.shape[1] : a.shape[0];
            if ((transA ? a.shape[0] : a.shape[1]) != k) throw bad("Gemm A " + Shapes.str(a.shape) + (transA ? " (transposed)" : "") + " does not match B " + Shapes.str(w.shape));
            float[] fw = filter.floats();
            if (alpha != 1f) for (int i = 0; i < fw.length; i++) fw[i] *= alpha;
            int fid = constTensor(in(1).name + "@fc", ConstTensor.ofFloats(filter.shape, fw), null);
            int bid = -1, matrixBias = -1;
            ConstTensor c0 = has(2) ? constIn(2, "Gemm C") : null;
            if (c0 != null && (c0.size() != nOut && c0.size() != 1 || c0.rank() == 2 && c0.shape[0] != 1)) {
                // a bias that varies along M: FULLY_CONNECTED, then ADD beta * C (broadcast to [M, N])
                ConstTensor c = c0;
                int[] bs = Shapes.broadcast(c.shape, new int[] {rows, nOut});
                if (bs == null || bs.length != 2 || bs[0] != rows || bs[1] != nOut) throw bad("Gemm C of shape " + Shapes.str(c.shape) + " does not broadcast to [" + rows + ", " + nOut + "]");
                float[] cv = c.floats();
                for (int i = 0; i < cv.length; i++) cv[i] *= beta;
                matrixBias = constTensor(in(2).name + "@gemm", ConstTensor.ofFloats(c.shape, cv), null);
            } else if (has(2)) {
                ConstTensor c = constIn(2, "Gemm C");
                float[] bias = new float[nOut];
                float[] cv = c.floats();
                for (int i = 0; i < nOut; i++) bias[i] = beta * cv[cv.length == 1 ? 0 : i];
                bid = constTensor(in(2).name + "@fc", ConstTensor.ofFloats(new int[] {nOut}, bias), null);
            }
            int ia = plain(a);
            if (transA) {
                int t = b.addTensor(a.name + "@T", a.type, new int[] {rows, k}, null, null, false);
                emit(OnnxOps.TRANSPOSE, new int[] {ia}, new int[] {t}, Attributes.builder().put(OnnxOps.ATTR_PERM, new int[] {1, 0}).build());
                ia = t;
            }
            Val y = newOut(0, DataType.FLOAT32, new int[] {rows, nOut}, false, null);
            int fcOut = matrixBias < 0 ? y.plain : b.addTensor(y.name + "@fc", DataType.FLOAT32, new int[] {rows, nOut}, null, null, false);
            emit(Ops.FULLY_CONNECTED, new int[] {ia, fid, bid}, new int[] {fcOut},
                    Attributes.builder().put(Ops.ATTR_ACTIVATION, "NONE").put(Ops.ATTR_KEEP_NUM_DIMS, false).build());
            if (matrixBias >= 0) emit(Ops.ADD, new int[] {fcOut, matrixBias}, new int[] {y.plain}, Attributes.builder().put(Ops.ATTR_ACTIVATION, "NONE").build());
        }

        // ------------------------------------------------------------ convolution and pooling

        /** Explicit pads {top, left, bottom, right} from pads/auto_pad. */
        private int[] pads2d(int inH, int inW, int kH, int kW, int sH, int sW, int dH, int dW) {
            String auto = attrStr("auto_pad", "NOTSET");
            switch (auto) {
                case "NOTSET" -> {
                    long[] p = attrInts("pads");
                    if (p == null) return new int[4];
                    if (p.length != 4) throw bad("pads must have 4 values for a 2-D window, has " + p.length);
                    for (long v : p) if (v < 0) throw unsupported("negative pads");
                    return new int[] {toInt(p[0], "pad"), toInt(p[1], "pad"), toInt(p[2], "pad"), toInt(p[3], "pad")};
                }
                case "VALID" -> { return new int[4]; }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    int[] r = new int[4];
                    int[] in = {inH, inW}, k = {kH, kW}, s = {sH, sW}, d = {dH, dW};
                    for (int i = 0; i < 2; i++) {
                        int out = (in[i] + s[i] - 1) / s[i];
                        int total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i]);
                        int small = total / 2, big = total - small;
                        r[i] = auto.equals("SAME_UPPER") ? small : big;
                        r[i + 2] = auto.equals("SAME_UPPER") ? big : small;
                    }
                    return r;
                }
                default -> throw bad("unknown auto_pad '" + auto + "'");
            }
        }

        private int[] pair(String k, int d) {
            long[] v = attrInts(k);
            if (v == null) return new int[] {d, d};
            if (v.length != 2) throw unsupported(k + " " + Arrays.toString(v) + " (2-D windows only)");
            int[] r = toInts(v, k);
            for (int x : r) if (x < 1) throw bad(k + " must be >= 1, got " + Arrays.toString(v));
            return r;
        }

        private static int outDim(int in, int padSum, int k, int s, int d) { return Math.floorDiv(in + padSum - ((k - 1) * d + 1), s) + 1; }

        private void conv() {
            Val x = in(0);
            requireFloat(x, "Conv");
            if (x.rank() != 4) throw unsupported("Conv of a rank-" + x.rank() + " input (2-D convolution only)");
            ConstTensor w = constIn(1, "Conv weight");
            if (w.rank() != 4) throw bad("Conv weight must be 4-D, is " + Shapes.str(w.shape));
            if (!w.isFloat()) throw unsupported("Conv weight of type " + w.type.lowerName());
            int n = x.shape[0], ci = x.shape[1], h = x.shape[2], wd = x.shape[3];
            int co = w.shape[0], cig = w.shape[1], kh = w.shape[2], kw = w.shape[3];
            long[] ks = attrInts("kernel_shape");
            if (ks != null && (ks.length != 2 || ks[0] != kh || ks[1] != kw)) throw bad("kernel_shape " + Arrays.toString(ks) + " does not match the weight " + Shapes.str(w.shape));
            int group = toInt(attrInt("group", 1), "group");
            if (group < 1 || ci % group != 0 || co % group != 0 || cig != ci / group) {
                throw bad("group " + group + " does not fit input channels " + ci + " and weight " + Shapes.str(w.shape));
            }
            int[] st = pair("strides", 1), dl = pair("dilations", 1);
            int[] pads = pads2d(h, wd, kh, kw, st[0], st[1], dl[0], dl[1]);
            int oh = outDim(h, pads[0] + pads[2], kh, st[0], dl[0]), ow = outDim(wd, pads[1] + pads[3], kw, st[1], dl[1]);
            if (oh <= 0 || ow <= 0) throw bad("the " + kh + "x" + kw + " window does not fit the " + h + "x" + wd + " input");
            if (fuseQdq && fuseQdqConv(x, in(1), co, group, pads, st, dl, n, oh, ow)) { fusedThisNode = true; return; }
            ConstTensor wf = w.type == DataType.FLOAT32 ? w : ConstTensor.ofFloats(w.shape, w.floats());
            int bid = -1;
            if (has(2)) {
                ConstTensor bias = constIn(2, "Conv bias");
                if (bias.size() != co) throw bad("bias has " + bias.size() + " values for " + co + " output channels");
                ConstTensor bf = bias.type == DataType.FLOAT32 ? bias.reshape(new int[] {co}) : ConstTensor.ofFloats(new int[] {co}, bias.floats());
                bid = constTensor(in(2).name + "@conv", bf, null);
            }
            Attributes.Builder a = Attributes.builder().put(Ops.ATTR_PADS, pads).put(Ops.ATTR_STRIDE_H, st[0]).put(Ops.ATTR_STRIDE_W, st[1])
                    .put(Ops.ATTR_DILATION_H, dl[0]).put(Ops.ATTR_DILATION_W, dl[1]).put(Ops.ATTR_ACTIVATION, "NONE");
            String irOp;
            int fid;
            if (group == 1) {
                irOp = Ops.CONV_2D;
                fid = constTensor(in(1).name + "@ohwi", wf.permute(new int[] {0, 2, 3, 1}), null);
            } else if (group == ci && cig == 1) {
                irOp = Ops.DEPTHWISE_CONV_2D;
                fid = constTensor(in(1).name + "@1hwo", wf.permute(new int[] {1, 2, 3, 0}), null);
                a.put(Ops.ATTR_DEPTH_MULTIPLIER, co / ci);
            } else {
                irOp = Ops.CONV_2D;
                fid = constTensor(in(1).name + "@ohwi", wf.permute(new int[] {0, 2, 3, 1}), null);
                a.put(OnnxOps.ATTR_GROUPS, group);
            }
            int xid = nhwc(x);
            Val y = newOut(0, DataType.FLOAT32, new int[] {n, co, oh, ow}, true, null);
            emit(irOp, new int[] {xid, fid, bid}, new int[] {y.nhwc}, a.build());
        }

        /**
         * DequantizeLinear(xq) -> Conv(DQ(const w), DQ(const int32 bias)?) -> QuantizeLinear as one ONNX_QLINEAR_CONV,
         * under the conditions ONNX Runtime fuses it (per-tensor activations, weights per-tensor or per output channel,
         * output type equal to the input type, the Conv output read only by that QuantizeLinear). Returns false (and
         * emits nothing) when the pattern does not apply.
         */
        private boolean fuseQdqConv(Val x, Val wv, int co, int group, int[] pads, int[] st, int[] dl, int n, int oh, int ow) {
            if (x.dqOf == null || x.dqParams.isPerAxis() || wv.dqOf == null || wv.dqOf.c == null) return false;
            Val xq = x.dqOf;
            ConstTensor wq = wv.dqOf.c;
            QuantParams wp = wv.dqParams;
            if (!xq.type.isQuantized8() || !wq.type.isQuantized8() || wq.rank() != 4) return false;
            if (xq.type == DataType.INT8 && wq.type != DataType.INT8) return false;
            if (wp.isPerAxis() && (wp.axis() != 0 || wp.count() != co)) return false;
            String convOut = outName(0);
            List<Integer> cons = consumers.getOrDefault(convOut, List.of());
            if (cons.size() != 1 || graphOutputs.contains(convOut)) return false;
            OnnxProto.Node qn = model.graph().nodes().get(cons.get(0));
            if (!qn.opType().equals("QuantizeLinear") || !(qn.domain().isEmpty() || qn.domain().equals("ai.onnx"))) return false;
            if (qn.inputs().size() < 3 || qn.inputs().get(2).isEmpty() || qn.outputs().isEmpty()) return false;
            Val ys = vals.get(qn.inputs().get(1)), yz = vals.get(qn.inputs().get(2));
            if (ys == null || yz == null || ys.c == null || yz.c == null || ys.c.size() != 1 || yz.c.size() != 1 || yz.c.type != xq.type) return false;
            if (qn.attrs().containsKey("block_size") && qn.attrs().get("block_size").i() != 0) return false;
            if (qn.attrs().containsKey("output_dtype") && qn.attrs().get("output_dtype").i() != 0) return false;
            float xs = x.dqParams.scale(), yScale = (float) ys.c.doubles()[0];
            int xzp = x.dqParams.zeroPoint(), yzp = (int) yz.c.longs()[0];
            if (!(yScale > 0) || Float.isInfinite(yScale)) return false;
            int bid = -1;
            if (has(2)) {
                Val bv = in(2);
                if (bv.dqOf == null || bv.dqOf.c == null || bv.dqOf.c.type != DataType.INT32 || bv.dqOf.c.size() != co) return false;
                QuantParams bp = bv.dqParams;
                for (int c = 0; c < co; c++) {
                    if (bp.zeroPoint(c) != 0) return false;
                    float expect = xs * wp.scale(c);
                    if (Math.abs(bp.scale(c) - expect) > 1e-6f * expect) return false; // bias must be in the accumulator's scale
                }
                bid = constTensor(bv.name + "@qconv", bv.dqOf.c.reshape(new int[] {co}), null);
            }
            int[] wzp = new int[co];
            float[] os = new float[co];
            for (int c = 0; c < co; c++) {
                wzp[c] = wp.zeroPoint(c);
                os[c] = xs * wp.scale(c) / yScale; // ONNX Runtime's output scale, in float
            }
            int fid = constTensor(wv.name + "@qohwi", wq.permute(new int[] {0, 2, 3, 1}), null);
            int xid = nhwc(xq);
            OnnxProto.Node convNode = node;
            node = qn; // name the output after the QuantizeLinear node's output
            QuantParams yq = QuantParams.perTensor(yScale, yzp);
            Val y = newOut(0, xq.type, new int[] {n, co, oh, ow}, true, yq);
            node = convNode;
            emit(OnnxOps.ONNX_QLINEAR_CONV, new int[] {xid, fid, bid}, new int[] {y.nhwc}, Attributes.builder().put(Ops.ATTR_PADS, pads)
                    .put(Ops.ATTR_STRIDE_H, st[0]).put(Ops.ATTR_STRIDE_W, st[1]).put(Ops.ATTR_DILATION_H, dl[0]).put(Ops.ATTR_DILATION_W, dl[1])
                    .put(OnnxOps.ATTR_X_ZERO_POINT, xzp).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp).put(OnnxOps.ATTR_OUTPUT_SCALES, os)
                    .put(OnnxOps.ATTR_Y_ZERO_POINT, yzp).put("x_scale", xs).put("y_scale", yScale).build());
            fusedAway.add(cons.get(0));
            return true;
        }

        private void pool(String op) {
            Val x = in(0);
            boolean q8 = op.equals("MaxPool") && x.type.isQuantized8() && !x.quant.isNone() && !x.quant.isPerAxis(); // QDQ dropped (dropQdq)
            if (!q8) requireFloat(x, op);
            if (x.rank() != 4) throw unsupported(op + " of a rank-" + x.rank() + " input (2-D pooling only)");
            if (node.outputs().size() > 1 && !node.outputs().get(1).isEmpty()) throw unsupported(op + " with an Indices output");
            long[] ks = attrInts("kernel_shape");
            if (ks == null || ks.length != 2) throw bad("kernel_shape must have 2 values");
            int kh = toInt(ks[0], "kernel"), kw = toInt(ks[1], "kernel");
            int[] st = pair("strides", 1), dl = pair("dilations", 1);
            if (dl[0] != 1 || dl[1] != 1) throw unsupported(op + " with dilations " + Arrays.toString(dl));
            int h = x.shape[2], wd = x.shape[3];
            int[] pads = pads2d(h, wd, kh, kw, st[0], st[1], 1, 1);
            int oh = outDim(h, pads[0] + pads[2], kh, st[0], 1), ow = outDim(wd, pads[1] + pads[3], kw, st[1], 1);
            if (attrInt("ceil_mode", 0) != 0) {
                int ch = ceilOut(h, pads[0] + pads[2], kh, st[0], pads[0]), cw = ceilOut(wd, pads[1] + pads[3], kw, st[1], pads[1]);
                pads[2] += (ch - oh) * st[0];
                pads[3] += (cw - ow) * st[1];
                oh = ch;
                ow = cw;
            }
            if (oh <= 0 || ow <= 0) throw bad("the " + kh + "x" + kw + " window does not fit the " + h + "x" + wd + " input");
            String irOp = op.equals("MaxPool") ? Ops.MAX_POOL_2D : Ops.AVERAGE_POOL_2D;
            int xid = nhwc(x);
            if (irOp.equals(Ops.AVERAGE_POOL_2D) && attrInt("count_include_pad", 0) != 0 && (pads[0] | pads[1] | pads[2] | pads[3]) != 0) {
                // the padding counts as zeros: pad explicitly, then pool without padding
                if (attrInt("ceil_mode", 0) != 0) throw unsupported("AveragePool with count_include_pad=1, padding and ceil_mode=1");
                int[] pin = permShape(x.shape, TO_NHWC);
                int[] pout = {pin[0], pin[1] + pads[0] + pads[2], pin[2] + pads[1] + pads[3], pin[3]};
                int pid = constTensor(outName(0) + "@paddings", ConstTensor.ofLongs(DataType.INT32, new int[] {4, 2},
                        new long[] {0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0}), null);
                int padded = b.addTensor(outName(0) + "@padded", x.type, pout, null, null, false);
                emit(Ops.PAD, new int[] {xid, pid}, new int[] {padded}, Attributes.EMPTY);
                xid = padded;
                pads = new int[4];
            }
            Val y = newOut(0, x.type, new int[] {x.shape[0], x.shape[1], oh, ow}, true, q8 ? x.quant : null);
            emit(irOp, new int[] {xid}, new int[] {y.nhwc}, Attributes.builder().put(Ops.ATTR_PADS, pads).put(Ops.ATTR_STRIDE_H, st[0])
                    .put(Ops.ATTR_STRIDE_W, st[1]).put(Ops.ATTR_FILTER_H, kh).put(Ops.ATTR_FILTER_W, kw).put(Ops.ATTR_ACTIVATION, "NONE").build());
        }

        /** ceil_mode output size: ceil division, dropping a last window that would start in the end padding. */
        private static int ceilOut(int in, int padSum, int k, int s, int padBegin) {
            int o = (int) Math.ceil((in + padSum - k) / (double) s) + 1;
            if ((o - 1) * s >= in + padBegin) o--;
            return o;
        }

        private void globalAvgPool() {
            Val x = in(0);
            if (fuseQdq && fuseQdqGlobalAvgPool(x)) return;
            requireFloat(x, "GlobalAveragePool");
            if (x.rank() != 4) throw unsupported("GlobalAveragePool of a rank-" + x.rank() + " input");
            int xid = nhwc(x);
            int axes = intConst(outName(0) + "@axes", new int[] {1, 2});
            Val y = newOut(0, x.type, new int[] {x.shape[0], x.shape[1], 1, 1}, true, null);
            emit(Ops.MEAN, new int[] {xid, axes}, new int[] {y.nhwc}, Attributes.builder().put(Ops.ATTR_KEEP_DIMS, true).build());
        }

        private void globalMaxPool() {
            Val x = in(0);
            requireFloat(x, "GlobalMaxPool");
            if (x.rank() != 4) throw unsupported("GlobalMaxPool of a rank-" + x.rank() + " input");
            int xid = nhwc(x);
            Val y = newOut(0, x.type, new int[] {x.shape[0], x.shape[1], 1, 1}, true, null);
            emit(Ops.MAX_POOL_2D, new int[] {xid}, new int[] {y.nhwc}, Attributes.builder().put(Ops.ATTR_PADS, new int[4]).put(Ops.ATTR_STRIDE_H, 1)
                    .put(Ops.ATTR_STRIDE_W, 1).put(Ops.ATTR_FILTER_H, x.shape[2]).put(Ops.ATTR_FILTER_W, x.shape[3]).put(Ops.ATTR_ACTIVATION, "NONE").build());
        }

        private void reduceMean() {
            Val x = in(0);
            requireFloat(x, "ReduceMean");
            int r = x.rank();
            long[] axes = opset >= 18 ? (has(1) ? constIn(1, "ReduceMean axes").longs() : null) : attrInts("axes");
            boolean keep = attrInt("keepdims", 1) != 0;
            if (axes == null || axes.length == 0) {
                if (attrInt("noop_with_empty_axes", 0) != 0) { alias(); return; }
                axes = new long[r];
                for (int i = 0; i < r; i++) axes[i] = i;
            }
            boolean[] red = new boolean[r];
            for (long a : axes) {
                long v = a < 0 ? a + r : a;
                if (v < 0 || v >= r) throw bad("ReduceMean axis " + a + " out of range for rank " + r);
                red[(int) v] = true;
            }
            int[] out = java.util.stream.IntStream.range(0, r).filter(i -> keep || !red[i]).map(i -> red[i] ? 1 : x.shape[i]).toArray();
            boolean nh = r == 4 && keep && x.nhwc >= 0;
            int xid = idOf(x, nh);
            int[] irAxes = java.util.stream.IntStream.range(0, r).filter(i -> red[i]).map(i -> nh ? AXIS_NHWC[i] : i).sorted().toArray();
            int aid = intConst(outName(0) + "@axes", irAxes);
            Val y = newOut(0, x.type, out, nh, null);
            emit(Ops.MEAN, new int[] {xid, aid}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder().put(Ops.ATTR_KEEP_DIMS, keep).build());
        }

        private void pad() {
            Val x = in(0);
            int r = x.rank();
            String mode = attrStr("mode", "constant");
            if (!mode.equals("constant")) throw unsupported("Pad mode '" + mode + "' (constant only)");
            long[] pads;
            double value = 0;
            if (opset < 11) {
                pads = attrInts("pads");
                value = attrFloat("value", 0f);
            } else {
                pads = constIn(1, "Pad pads").longs();
                if (has(2)) {
                    ConstTensor cv = constIn(2, "Pad constant_value");
                    if (cv.size() != 1) throw bad("Pad constant_value must have one element");
                    value = cv.doubles()[0];
                }
                if (has(3)) throw unsupported("Pad with the axes input");
            }
            if (pads == null || pads.length != 2 * r) throw bad("Pad needs " + 2 * r + " pads, has " + (pads == null ? "none" : pads.length));
            for (long p : pads) if (p < 0) throw unsupported("negative pads (cropping)");
            int[] out = new int[r];
            for (int d = 0; d < r; d++) out[d] = toInt(x.shape[d] + pads[d] + pads[d + r], "padded dim");
            boolean nh = r == 4 && x.nhwc >= 0;
            int xid = idOf(x, nh);
            int[] pr = new int[2 * r];
            for (int d = 0; d < r; d++) {
                int src = nh ? TO_NHWC[d] : d;
                pr[2 * d] = toInt(pads[src], "pad");
                pr[2 * d + 1] = toInt(pads[src + r], "pad");
            }
            int pid = constTensor(outName(0) + "@paddings", ConstTensor.ofLongs(DataType.INT32, new int[] {r, 2}, Arrays.stream(pr).asLongStream().toArray()), null);
            Val y = newOut(0, x.type, out, nh, x.quant.isPerAxis() ? null : x.quant);
            int yid = nh ? y.nhwc : y.plain;
            if (value == 0) {
                emit(Ops.PAD, new int[] {xid, pid}, new int[] {yid}, Attributes.EMPTY);
            } else {
                int vid = constTensor(outName(0) + "@value", ConstTensor.ofDoubles(x.type, new int[] {1}, new double[] {value}), null);
                emit(Ops.PADV2, new int[] {xid, pid, vid}, new int[] {yid}, Attributes.EMPTY);
            }
        }

        private void resize() {
            Val x = in(0);
            int r = x.rank();
            String mode = attrStr("mode", "nearest");
            String coord = attrStr("coordinate_transformation_mode", opset < 11 ? "asymmetric" : "half_pixel");
            String nmode = attrStr("nearest_mode", opset < 11 ? "floor" : "round_prefer_floor");
            if (attrInt("antialias", 0) != 0) throw unsupported("Resize with antialias");
            if (attrInts("axes") != null) throw unsupported("Resize with the axes attribute");
            if (!attrStr("keep_aspect_ratio_policy", "stretch").equals("stretch")) throw unsupported("Resize keep_aspect_ratio_policy");
            if (coord.equals("tf_crop_and_resize")) throw unsupported("Resize with tf_crop_and_resize");
            if (!mode.equals("nearest") && !mode.equals("linear")) throw unsupported("Resize mode '" + mode + "'");
            float[] scales = null;
            int[] sizes = null;
            int scaleIn = opset < 11 || node.opType().equals("Upsample") ? 1 : 2;
            if (node.opType().equals("Upsample") && opset < 9) {
                float[] sa = attr("scales") == null ? null : attr("scales").floats();
                if (sa == null) throw bad("Upsample needs scales");
                scales = sa;
            } else if (has(scaleIn) && constIn(scaleIn, "Resize scales").size() > 0) {
                scales = constIn(scaleIn, "Resize scales").floats();
            }
            if (scaleIn == 2 && has(3) && constIn(3, "Resize sizes").size() > 0) sizes = toInts(constIn(3, "Resize sizes").longs(), "size");
            if (sizes == null && scales == null) throw bad("Resize needs scales or sizes");
            if (sizes != null && sizes.length != r || scales != null && scales.length != r) throw bad("Resize scales/sizes do not have one value per dim");
            if (sizes == null) {
                sizes = new int[r];
                for (int d = 0; d < r; d++) sizes[d] = (int) Math.floor(x.shape[d] * (double) scales[d]);
            } else {
                scales = new float[r];
                for (int d = 0; d < r; d++) scales[d] = (float) sizes[d] / x.shape[d];
            }
            for (int d = 0; d < r; d++) if (sizes[d] <= 0) throw bad("Resize output dim " + d + " is " + sizes[d]);
            boolean nh = r == 4;
            int xid = idOf(x, nh);
            Val y = newOut(0, x.type, sizes, nh, x.quant.isPerAxis() ? null : x.quant);
            emit(OnnxOps.RESIZE, new int[] {xid}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder().put(OnnxOps.ATTR_MODE, mode)
                    .put(OnnxOps.ATTR_COORD_MODE, coord).put(OnnxOps.ATTR_NEAREST_MODE, nmode)
                    .put(OnnxOps.ATTR_SIZES, nh ? permShape(sizes, TO_NHWC) : sizes)
                    .put(OnnxOps.ATTR_SCALES, nh ? new float[] {scales[0], scales[2], scales[3], scales[1]} : scales).build());
        }

        // ------------------------------------------------------------ QDQ

        private static String histogram(Map<String, Integer> m) {
            List<Map.Entry<String, Integer>> e = new ArrayList<>(m.entrySet());
            e.sort((x, y) -> !x.getValue().equals(y.getValue()) ? y.getValue() - x.getValue() : x.getKey().compareTo(y.getKey()));
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Integer> x : e) sb.append(sb.length() == 0 ? "" : ", ").append(x.getKey()).append(' ').append(x.getValue());
            return sb.toString();
        }

        private void recordQdqStats() {
            String op = node.opType();
            if (op.equals("QuantizeLinear") || op.equals("DequantizeLinear")) {
                hasQdq = true;
                return;
            }
            if (fusedThisNode) { fusedOps.merge(op, 1, Integer::sum); return; }
            if (op.equals("Constant") || op.equals("Identity")) return;
            for (String o : node.outputs()) {
                Val v = o.isEmpty() ? null : vals.get(o);
                if (v != null && v.c == null && v.type == DataType.FLOAT32) { floatOps.merge(op, 1, Integer::sum); return; }
            }
        }

        /** The QuantizeLinear that alone reads output 0 of the current node (per-tensor, 8-bit, default domain), or null. */
        private record SingleQ(int index, OnnxProto.Node node, float scale, int zp, DataType type) {}

        private SingleQ singleQuantizeConsumer() { return singleQuantizeConsumer(0); }

        private SingleQ singleQuantizeConsumer(int outIndex) {
            if (outIndex >= node.outputs().size() || node.outputs().get(outIndex).isEmpty()) return null;
            String out = node.outputs().get(outIndex);
            List<Integer> cons = consumers.getOrDefault(out, List.of());
            if (cons.size() != 1 || graphOutputs.contains(out)) return null;
            OnnxProto.Node qn = model.graph().nodes().get(cons.get(0));
            if (!qn.opType().equals("QuantizeLinear") || !(qn.domain().isEmpty() || qn.domain().equals("ai.onnx"))) return null;
            if (qn.inputs().size() < 3 || qn.inputs().get(2).isEmpty() || qn.outputs().isEmpty()) return null;
            Val ys = vals.get(qn.inputs().get(1)), yz = vals.get(qn.inputs().get(2));
            if (ys == null || yz == null || ys.c == null || yz.c == null || ys.c.size() != 1 || yz.c.size() != 1 || !yz.c.type.isQuantized8()) return null;
            if (qn.attrs().containsKey("block_size") && qn.attrs().get("block_size").i() != 0) return null;
            if (qn.attrs().containsKey("output_dtype") && qn.attrs().get("output_dtype").i() != 0) return null;
            float sc = (float) ys.c.doubles()[0];
            if (!(sc > 0) || Float.isInfinite(sc)) return null;
            return new SingleQ(cons.get(0), qn, sc, (int) yz.c.longs()[0], yz.c.type);
        }

        /** A new quantized output named after the QuantizeLinear's output (the fused group's result). */
        private Val newFusedOut(SingleQ q, int[] onnxShape, boolean nhwc) {
            OnnxProto.Node cur = node;
            node = q.node();
            Val y = newOut(0, q.type(), onnxShape, nhwc, QuantParams.perTensor(q.scale(), q.zp()));
            node = cur;
            fusedAway.add(q.index());
            fusedThisNode = true;
            return y;
        }


        /**
         * DQ(a), DQ(b) -> Add/Mul -> Q as ORT's QLinearAdd / QLinearMul (BinarySelector: both inputs dequantized
         * per-tensor from one 8-bit type, the output quantized to it), NumPy broadcasting included (ONNX_QLINEAR_BINARY
         * reproduces the rounding of ORT's broadcast Add path).
         */
        private boolean fuseQdqBinary(String kind) {
            Val a = in(0), c = in(1);
            if (a.dqOf == null || c.dqOf == null || a.dqParams.isPerAxis() || c.dqParams.isPerAxis()) return false;
            if (!a.dqOf.type.isQuantized8() || a.dqOf.type != c.dqOf.type) return false;
            int[] out = Shapes.broadcast(a.shape, c.shape);
            if (out == null) return false;
            SingleQ q = singleQuantizeConsumer();
            if (q == null || q.type() != a.dqOf.type) return false;
            Val aq = a.dqOf, cq = c.dqOf;
            boolean nh = out.length == 4 && (nhwcOnly(aq) || nhwcOnly(cq)) && nhwcOk(aq) && nhwcOk(cq);
            int ia = binaryOperand(aq, nh), ic = binaryOperand(cq, nh);
            Val y = newFusedOut(q, out, nh);
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_BINARY, new int[] {ia, ic}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder()
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_KIND, kind)
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_A_SCALE, a.dqParams.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_A_ZERO_POINT, a.dqParams.zeroPoint())
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_B_SCALE, c.dqParams.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_B_ZERO_POINT, c.dqParams.zeroPoint())
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_SCALE, q.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_ZERO_POINT, q.zp()).build());
            return true;
        }

        /**
         * DQ(a), DQ(b) -> MatMul -> Q as ORT's QLinearMatMul (MatMulSelector; per-tensor quantization of both inputs, the
         * output of a's type). int8 activations are fused as well: ORT does so with int8 allowed (VNNI/ARM or
         * "session.qdqisint8allowed").
         */
        private boolean fuseQdqMatmul() {
            Val a = in(0), c = in(1);
            if (a.dqOf == null || c.dqOf == null || a.dqParams.isPerAxis() || c.dqParams.isPerAxis()) return false;
            if (!a.dqOf.type.isQuantized8() || !c.dqOf.type.isQuantized8() || a.rank() < 2 || c.rank() < 2) return false;
            int[] ab = Arrays.copyOf(a.shape, a.rank() - 2), cb = Arrays.copyOf(c.shape, c.rank() - 2);
            int[] batch = Shapes.broadcast(ab, cb);
            if (batch == null || a.shape[a.rank() - 1] != c.shape[c.rank() - 2]) return false;
            SingleQ q = singleQuantizeConsumer();
            if (q == null || q.type() != a.dqOf.type) return false;
            int[] out = Arrays.copyOf(batch, batch.length + 2);
            out[batch.length] = a.shape[a.rank() - 2];
            out[batch.length + 1] = c.shape[c.rank() - 1];
            int ia = plain(a.dqOf), ic = plain(c.dqOf);
            Val y = newFusedOut(q, out, false);
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QDQ_MATMUL, new int[] {ia, ic}, new int[] {y.plain}, Attributes.builder()
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_A_SCALE, a.dqParams.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_A_ZERO_POINT, a.dqParams.zeroPoint())
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_B_SCALE, c.dqParams.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_B_ZERO_POINT, c.dqParams.zeroPoint())
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_SCALE, q.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_ZERO_POINT, q.zp()).build());
            return true;
        }

        /** DQ -> GlobalAveragePool -> Q as ORT's QLinearGlobalAveragePool (UnarySelector: one 8-bit type, 4-D input). */
        private boolean fuseQdqGlobalAvgPool(Val x) {
            if (x.dqOf == null || x.dqParams.isPerAxis() || !x.dqOf.type.isQuantized8() || x.dqOf.c != null || x.rank() != 4) return false;
            SingleQ q = singleQuantizeConsumer();
            if (q == null || q.type() != x.dqOf.type) return false;
            float scale = x.dqParams.scale() / (q.scale() * (float) (x.shape[2] * x.shape[3]));
            if (!(scale >= 0x1.0p-32f && scale < 256f)) return false; // ORT refuses these
            int xid = nhwc(x.dqOf);
            Val y = newFusedOut(q, new int[] {x.shape[0], x.shape[1], 1, 1}, true);
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_GLOBAL_AVERAGE_POOL, new int[] {xid}, new int[] {y.nhwc}, Attributes.builder()
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_X_SCALE, x.dqParams.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_X_ZERO_POINT, x.dqParams.zeroPoint())
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_SCALE, q.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_ZERO_POINT, q.zp()).build());
            return true;
        }

        /** DequantizeLinear -> Sigmoid/LeakyRelu -> QuantizeLinear as an ONNX_QLINEAR_LOOKUP table (ORT's QLinearSigmoid/QLinearLeakyRelu). */
        private boolean fuseQdqLookup(Val x, String fn, float alpha) {
            if (x.dqOf == null || x.dqParams.isPerAxis() || !x.dqOf.type.isQuantized8() || x.dqOf.c != null) return false;
            SingleQ q = singleQuantizeConsumer();
            if (q == null || q.type() != x.dqOf.type) return false;
            Val xq = x.dqOf;
            boolean nh = x.rank() == 4 && xq.nhwc >= 0;
            int id = idOf(xq, nh);
            Val y = newFusedOut(q, x.shape, nh);
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_LOOKUP, new int[] {id}, new int[] {nh ? y.nhwc : y.plain}, lookupAttrs(fn, alpha, x.dqParams, q));
            return true;
        }

        private static Attributes lookupAttrs(String fn, float alpha, QuantParams in, SingleQ q) {
            return Attributes.builder().put(dev.octet.ops.onnx.QdqFusedOps.ATTR_FN, fn).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_ALPHA, alpha)
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_X_SCALE, in.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_X_ZERO_POINT, in.zeroPoint())
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_SCALE, q.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_ZERO_POINT, q.zp()).build();
        }

        /** Ops ORT runs directly on 8-bit data when the DequantizeLinear before and QuantizeLinear after share scale and zero point. */
        private static final Set<String> DROP_QDQ = Set.of("MaxPool", "Resize", "Reshape", "Transpose", "Slice", "Squeeze", "Unsqueeze", "Flatten", "Split");

        /**
         * ORT's DropQDQNodes / SplitSelector rules: DQ -> op -> Q (every output) with equal per-tensor scale and zero point
         * runs the op on the 8-bit tensor (translated as if the ONNX node read the DQ's input and wrote the Qs' outputs).
         * MaxPool: opset 12+ and no Indices output; Resize: nearest mode only (linear 8-bit Resize has its own rounding).
         */
        private boolean dropQdq(String op) {
            Val x = in(0);
            if (x.dqOf == null || x.dqParams.isPerAxis() || !x.dqOf.type.isQuantized8() || x.dqOf.c != null) return false;
            if (op.equals("MaxPool") && (opset < 12 || node.outputs().size() > 1 && !node.outputs().get(1).isEmpty())) return false;
            if (op.equals("Resize") && !attrStr("mode", "nearest").equals("nearest")) return false;
            if (op.equals("Squeeze") || op.equals("Unsqueeze") || op.equals("Reshape")) {
                for (int i = 1; i < node.inputs().size(); i++) if (has(i) && in(i).c == null) return false;
            }
            int n = node.outputs().size();
            SingleQ[] qs = new SingleQ[n];
            for (int i = 0; i < n; i++) {
                qs[i] = singleQuantizeConsumer(i);
                if (qs[i] == null || qs[i].type() != x.dqOf.type || qs[i].scale() != x.dqParams.scale() || qs[i].zp() != x.dqParams.zeroPoint()) return false;
            }
            List<String> ins = new ArrayList<>(node.inputs());
            ins.set(0, x.dqOf.name);
            List<String> outs = new ArrayList<>();
            for (SingleQ q : qs) outs.add(q.node().outputs().get(0));
            OnnxProto.Node orig = node;
            node = new OnnxProto.Node(orig.name(), orig.opType(), orig.domain(), ins, outs, orig.attrs());
            try {
                switch (op) {
                    case "MaxPool" -> pool(op);
                    case "Resize" -> resize();
                    case "Reshape" -> reshapeLike(Folder.reshapeShape(this, in(0).shape, constIn(1, "Reshape shape").longs(), attrInt("allowzero", 0) != 0));
                    case "Flatten" -> reshapeLike(Folder.flattenShape(this, in(0).shape));
                    case "Squeeze" -> reshapeLike(Folder.squeezeShape(this, in(0).shape));
                    case "Unsqueeze" -> reshapeLike(Folder.unsqueezeShape(this, in(0).shape));
                    case "Transpose" -> transpose();
                    case "Slice" -> slice();
                    case "Split" -> split();
                    default -> throw new IllegalStateException(op);
                }
            } finally {
                node = orig;
            }
            for (SingleQ q : qs) fusedAway.add(q.index());
            fusedThisNode = true;
            return true;
        }

        /**
         * DQ* -> Concat -> Q as ORT's QLinearConcat: inputs whose scale and zero point differ from the output's are
         * requantized through a table (dequantize, quantize: ONNX_QLINEAR_LOOKUP "identity"), then the 8-bit tensors
         * are concatenated.
         */
        private boolean fuseQdqConcat() {
            int n = nIn();
            if (n == 0) return false;
            SingleQ q = singleQuantizeConsumer();
            if (q == null) return false;
            for (int i = 0; i < n; i++) {
                Val v = in(i);
                if (v.dqOf == null || v.dqParams.isPerAxis() || v.dqOf.type != q.type()) return false;
            }
            Val first = in(0);
            int r = first.rank();
            int axis = toInt(attrInt("axis", Long.MIN_VALUE), "axis");
            if (axis == Integer.MIN_VALUE) return false;
            if (axis < 0) axis += r;
            if (axis < 0 || axis >= r) return false;
            int[] out = first.shape.clone();
            out[axis] = 0;
            boolean anyNhwc = false;
            for (int i = 0; i < n; i++) {
                Val v = in(i);
                if (v.rank() != r) return false;
                for (int d = 0; d < r; d++) if (d != axis && v.shape[d] != first.shape[d]) return false;
                out[axis] += v.shape[axis];
                anyNhwc |= v.dqOf.c == null && nhwcOnly(v.dqOf);
            }
            boolean nh = r == 4 && anyNhwc;
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                Val v = in(i);
                int id = idOf(v.dqOf, nh);
                if (v.dqParams.scale() != q.scale() || v.dqParams.zeroPoint() != q.zp()) {
                    QuantParams oq = QuantParams.perTensor(q.scale(), q.zp());
                    int t = b.addTensor(v.name + "@requant" + (nh ? "@nhwc" : ""), q.type(), nh ? permShape(v.shape, TO_NHWC) : v.shape, oq, null, false);
                    emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_LOOKUP, new int[] {id}, new int[] {t}, lookupAttrs("identity", 0f, v.dqParams, q));
                    id = t;
                }
                ids[i] = id;
            }
            Val y = newFusedOut(q, out, nh);
            emit(Ops.CONCATENATION, ids, new int[] {nh ? y.nhwc : y.plain},
                    Attributes.builder().put(Ops.ATTR_AXIS, nh ? AXIS_NHWC[axis] : axis).put(Ops.ATTR_ACTIVATION, "NONE").build());
            return true;
        }

        /**
         * DequantizeLinear -> Softmax -> QuantizeLinear as ONNX_QLINEAR_SOFTMAX (ONNX Runtime's UnarySelector: per-tensor
         * 8-bit input and output of the same type; opset 13+ semantics, or the last axis).
         */
        private boolean fuseQdqSoftmax(Val x, int axis, int r) {
            if (x.dqOf == null || x.dqParams.isPerAxis() || !x.dqOf.type.isQuantized8() || x.dqOf.c != null) return false;
            if (opset < 13 && axis != r - 1) return false;
            SingleQ q = singleQuantizeConsumer();
            if (q == null || q.type() != x.dqOf.type) return false;
            Val xq = x.dqOf;
            boolean nh = r == 4 && xq.nhwc >= 0;
            int id = idOf(xq, nh);
            Val y = newFusedOut(q, x.shape, nh);
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_SOFTMAX, new int[] {id}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder()
                    .put(Ops.ATTR_AXIS, nh ? AXIS_NHWC[axis] : axis).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_X_SCALE, x.dqParams.scale())
                    .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_SCALE, q.scale()).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_ZERO_POINT, q.zp()).build());
            return true;
        }

        /** Scale, zero point and axis of a Q/DQ node: {scale[], zp[] (or null), zpType}. */
        private QuantParams qparams(Val x, ConstTensor scale, ConstTensor zp, int axis) {
            float[] s = scale.floats();
            int[] z = new int[s.length];
            if (zp != null) {
                if (zp.size() != s.length) throw bad(s.length + " scales but " + zp.size() + " zero points");
                long[] l = zp.longs();
                for (int i = 0; i < l.length; i++) z[i] = (int) l[i];
            }
            if (scale.rank() > 1) throw unsupported("blocked quantization (scale of rank " + scale.rank() + ")");
            if (s.length == 1) return QuantParams.perTensor(s[0], z[0]);
            if (axis < 0) axis += x.rank();
            if (axis < 0 || axis >= x.rank() || x.shape[axis] != s.length) throw bad(s.length + " scales do not match axis " + axis + " of " + Shapes.str(x.shape));
            return QuantParams.perAxis(s, z, axis);
        }

        private void quantizeLinear() {
            Val x = in(0);
            requireFloat(x, "QuantizeLinear");
            if (attrInt("block_size", 0) != 0) throw unsupported("blocked QuantizeLinear");
            ConstTensor scale = constIn(1, "QuantizeLinear scale");
            ConstTensor zp = has(2) ? constIn(2, "QuantizeLinear zero point") : null;
            DataType ot = zp != null ? zp.type : DataType.UINT8;
            if (attr("output_dtype") != null && attrInt("output_dtype", 0) != 0) ot = dataType((int) attrInt("output_dtype", 0), "output_dtype");
            if (!ot.isQuantized8()) throw unsupported("QuantizeLinear to " + ot.lowerName() + " (int8/uint8 only)");
            QuantParams q = qparams(x, scale, zp, (int) attrInt("axis", 1));
            boolean nh = x.rank() == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            QuantParams irq = nh ? permQuant(q) : q;
            Val y = newOut(0, ot, x.shape, nh, q);
            int sid = constTensor(outName(0) + "@scale", ConstTensor.ofFloats(new int[] {q.count()}, q.scales()), null);
            int zid = constTensor(outName(0) + "@zp", ConstTensor.ofLongs(ot, new int[] {q.count()}, Arrays.stream(q.zeroPoints()).asLongStream().toArray()), null);
            Attributes.Builder a = Attributes.builder();
            if (irq.isPerAxis()) a.put(Ops.ATTR_AXIS, irq.axis());
            emit(OnnxOps.ONNX_QUANTIZE_LINEAR, new int[] {id, sid, zid}, new int[] {nh ? y.nhwc : y.plain}, a.build());
        }

        /** Remembers that v = DequantizeLinear(input 0) with the node's parameters (for QDQ fusion). */
        private void recordDq(Val v) {
            try {
                Val x = in(0);
                v.dqParams = qparams(x, constIn(1, "scale"), has(2) ? constIn(2, "zero point") : null, (int) attrInt("axis", 1));
                v.dqOf = x;
            } catch (dev.octet.core.OctetException e) {
                // not fusable; it still runs as written
            }
        }

        private void dequantizeLinear() {
            Val x = in(0);
            if (!x.type.isQuantized8() && x.type != DataType.INT32) throw unsupported("DequantizeLinear of " + x.type.lowerName());
            if (attrInt("block_size", 0) != 0) throw unsupported("blocked DequantizeLinear");
            ConstTensor scale = constIn(1, "DequantizeLinear scale");
            ConstTensor zp = has(2) ? constIn(2, "DequantizeLinear zero point") : null;
            QuantParams q = qparams(x, scale, zp, (int) attrInt("axis", 1));
            boolean nh = x.rank() == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            QuantParams irq = nh ? permQuant(q) : q;
            Val y = newOut(0, DataType.FLOAT32, x.shape, nh, null);
            int sid = constTensor(outName(0) + "@scale", ConstTensor.ofFloats(new int[] {q.count()}, q.scales()), null);
            int zid = constTensor(outName(0) + "@zp", ConstTensor.ofLongs(x.type, new int[] {q.count()}, Arrays.stream(q.zeroPoints()).asLongStream().toArray()), null);
            Attributes.Builder a = Attributes.builder();
            if (irq.isPerAxis()) a.put(Ops.ATTR_AXIS, irq.axis());
            emit(OnnxOps.ONNX_DEQUANTIZE_LINEAR, new int[] {id, sid, zid}, new int[] {nh ? y.nhwc : y.plain}, a.build());
            y.dqOf = x;
            y.dqParams = q;
        }
            // ------------------------------------------------------------ QOperator format (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger)

        /** A constant quantization parameter with one value, or per channel (count values) when perChannel. */
        private ConstTensor qparam(int i, String what, int count) {
            ConstTensor c = constIn(i, what);
            if (c.size() != 1 && (count <= 0 || c.size() != count)) {
                throw unsupported(what + " with " + c.size() + " values (" + (count > 0 ? "one or " + count : "one") + " supported)");
            }
            return c;
        }

        private float qscale(int i, String what) {
            float s = (float) qparam(i, what, 0).doubles()[0];
            if (!(s > 0) || Float.isInfinite(s)) throw bad(what + " " + s + " must be positive and finite");
            return s;
        }

        /** Zero point i (0 when absent); its type must be {@code type}. */
        private int[] qzp(int i, String what, int count, DataType type) {
            if (!has(i)) return new int[] {0};
            ConstTensor c = qparam(i, what, count);
            if (c.type != type) throw bad(what + " is " + c.type.lowerName() + " but the data is " + type.lowerName());
            return Arrays.stream(c.longs()).mapToInt(v -> (int) v).toArray();
        }

        private static int[] expand(int[] v, int n) {
            if (v.length == n) return v;
            int[] r = new int[n];
            Arrays.fill(r, v[0]);
            return r;
        }

        /** Conv geometry for QLinearConv/ConvInteger: {co, pads[4], strides[2], dilations[2], oh, ow} from x (NCHW) and weight. */
        private int[][] qconvGeometry(Val x, ConstTensor w) {
            if (x.rank() != 4) throw unsupported(node.opType() + " of a rank-" + x.rank() + " input (2-D convolution only)");
            if (w.rank() != 4) throw bad("weight must be 4-D, is " + Shapes.str(w.shape));
            int ci = x.shape[1], h = x.shape[2], wd = x.shape[3];
            int co = w.shape[0], cig = w.shape[1], kh = w.shape[2], kw = w.shape[3];
            long[] ks = attrInts("kernel_shape");
            if (ks != null && (ks.length != 2 || ks[0] != kh || ks[1] != kw)) throw bad("kernel_shape " + Arrays.toString(ks) + " does not match the weight " + Shapes.str(w.shape));
            int group = toInt(attrInt("group", 1), "group");
            if (group < 1 || ci % group != 0 || co % group != 0 || cig != ci / group) throw bad("group " + group + " does not fit input channels " + ci + " and weight " + Shapes.str(w.shape));
            int[] st = pair("strides", 1), dl = pair("dilations", 1);
            int[] pads = pads2d(h, wd, kh, kw, st[0], st[1], dl[0], dl[1]);
            int oh = outDim(h, pads[0] + pads[2], kh, st[0], dl[0]), ow = outDim(wd, pads[1] + pads[3], kw, st[1], dl[1]);
            if (oh <= 0 || ow <= 0) throw bad("the " + kh + "x" + kw + " window does not fit the " + h + "x" + wd + " input");
            return new int[][] {{co}, pads, st, dl, {oh, ow}};
        }

        private Attributes.Builder qconvAttrs(int[][] g) {
            return Attributes.builder().put(Ops.ATTR_PADS, g[1]).put(Ops.ATTR_STRIDE_H, g[2][0]).put(Ops.ATTR_STRIDE_W, g[2][1])
                    .put(Ops.ATTR_DILATION_H, g[3][0]).put(Ops.ATTR_DILATION_W, g[3][1]);
        }

        /** QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?) as ONNX_QLINEAR_CONV. */
        private void qlinearConvOp() {
            Val x = in(0);
            if (!x.type.isQuantized8()) throw unsupported("QLinearConv of " + x.type.lowerName() + " (uint8/int8 only)");
            ConstTensor w = constIn(3, "QLinearConv weight");
            if (!w.type.isQuantized8()) throw unsupported("QLinearConv weight of type " + w.type.lowerName());
            if (x.type == DataType.INT8 && w.type != DataType.INT8) throw unsupported("QLinearConv of int8 input with uint8 weights");
            int[][] g = qconvGeometry(x, w);
            int co = g[0][0];
            float xs = qscale(1, "x_scale"), ys = qscale(6, "y_scale");
            int xzp = qzp(2, "x_zero_point", 0, x.type)[0];
            float[] ws = qparam(4, "w_scale", co).floats();
            int[] wzp = expand(qzp(5, "w_zero_point", co, w.type), co);
            if (!has(7)) throw unsupported("QLinearConv without y_zero_point (its type gives the output type)");
            ConstTensor yzc = qparam(7, "y_zero_point", 0);
            if (yzc.type != x.type) throw unsupported("QLinearConv with " + x.type.lowerName() + " input and " + yzc.type.lowerName() + " output");
            int yzp = (int) yzc.longs()[0];
            float[] os = new float[co];
            for (int c = 0; c < co; c++) {
                float wsc = ws[ws.length == 1 ? 0 : c];
                if (!(wsc > 0) || Float.isInfinite(wsc)) throw bad("w_scale " + wsc + " must be positive and finite");
                os[c] = xs * wsc / ys; // ONNX Runtime's output scale, in float
            }
            int bid = -1;
            if (has(8)) {
                ConstTensor bias = constIn(8, "QLinearConv bias");
                if (bias.type != DataType.INT32 || bias.size() != co) throw bad("bias must be int32 with " + co + " values");
                bid = constTensor(in(8).name + "@qconv", bias.reshape(new int[] {co}), null);
            }
            int fid = constTensor(in(3).name + "@qohwi", w.permute(new int[] {0, 2, 3, 1}), null);
            int xid = nhwc(x);
            Val y = newOut(0, x.type, new int[] {x.shape[0], co, g[4][0], g[4][1]}, true, QuantParams.perTensor(ys, yzp));
            emit(OnnxOps.ONNX_QLINEAR_CONV, new int[] {xid, fid, bid}, new int[] {y.nhwc}, qconvAttrs(g)
                    .put(OnnxOps.ATTR_X_ZERO_POINT, xzp).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp).put(OnnxOps.ATTR_OUTPUT_SCALES, os)
                    .put(OnnxOps.ATTR_Y_ZERO_POINT, yzp).build());
        }

        /** ConvInteger(x, w, x_zp?, w_zp?) -> int32, as ONNX_CONV_INTEGER. */
        private void convIntegerOp() {
            Val x = in(0);
            if (!x.type.isQuantized8()) throw unsupported("ConvInteger of " + x.type.lowerName() + " (uint8/int8 only)");
            ConstTensor w = constIn(1, "ConvInteger weight");
            if (!w.type.isQuantized8()) throw unsupported("ConvInteger weight of type " + w.type.lowerName());
            int[][] g = qconvGeometry(x, w);
            int co = g[0][0];
            int xzp = qzp(2, "x_zero_point", 0, x.type)[0];
            int[] wzp = expand(qzp(3, "w_zero_point", co, w.type), co);
            int fid = constTensor(in(1).name + "@qohwi", w.permute(new int[] {0, 2, 3, 1}), null);
            int xid = nhwc(x);
            Val y = newOut(0, DataType.INT32, new int[] {x.shape[0], co, g[4][0], g[4][1]}, true, null);
            emit(OnnxOps.ONNX_CONV_INTEGER, new int[] {xid, fid}, new int[] {y.nhwc}, qconvAttrs(g)
                    .put(OnnxOps.ATTR_X_ZERO_POINT, xzp).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp).build());
        }

        /**
         * QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp) as ONNX_QLINEAR_MATMUL, or
         * MatMulInteger(a, b, a_zp?, b_zp?) as ONNX_MATMUL_INTEGER (int32 output).
         */
        private void matmulIntegerOp(boolean qlinear) {
            String op = node.opType();
            int ib = qlinear ? 3 : 1;
            Val a = in(0), c = in(ib);
            if (!a.type.isQuantized8() || !c.type.isQuantized8()) throw unsupported(op + " of " + a.type.lowerName() + " x " + c.type.lowerName() + " (uint8/int8 only)");
            if (a.rank() < 2 || c.rank() < 2) throw unsupported(op + " with a rank-1 operand");
            int[] ab = Arrays.copyOf(a.shape, a.rank() - 2), cb = Arrays.copyOf(c.shape, c.rank() - 2);
            int[] batch = Shapes.broadcast(ab, cb);
            if (batch == null || a.shape[a.rank() - 1] != c.shape[c.rank() - 2]) throw bad(op + " shapes " + Shapes.str(a.shape) + " x " + Shapes.str(c.shape) + " do not match");
            int n = c.shape[c.rank() - 1];
            int[] out = Arrays.copyOf(batch, batch.length + 2);
            out[batch.length] = a.shape[a.rank() - 2];
            out[batch.length + 1] = n;
            int azp = qzp(qlinear ? 2 : 2, "a_zero_point", 0, a.type)[0];
            int[] bzp = qzp(qlinear ? 5 : 3, "b_zero_point", n, c.type);
            Attributes.Builder at = Attributes.builder().put(OnnxOps.ATTR_A_ZERO_POINT, azp).put(OnnxOps.ATTR_B_ZERO_POINTS, bzp);
            DataType ot = DataType.INT32;
            QuantParams yq = null;
            if (qlinear) {
                float as = qscale(1, "a_scale"), ys = qscale(6, "y_scale");
                float[] bs = qparam(4, "b_scale", n).floats();
                if (!has(7)) throw unsupported("QLinearMatMul without y_zero_point (its type gives the output type)");
                ConstTensor yzc = qparam(7, "y_zero_point", 0);
                if (!yzc.type.isQuantized8()) throw bad("y_zero_point must be uint8/int8");
                ot = yzc.type;
                int yzp = (int) yzc.longs()[0];
                float[] os = new float[bs.length];
                for (int i = 0; i < bs.length; i++) {
                    if (!(bs[i] > 0) || Float.isInfinite(bs[i])) throw bad("b_scale " + bs[i] + " must be positive and finite");
                    os[i] = as * bs[i] / ys; // ONNX Runtime's multiplier, in float
                }
                at.put(OnnxOps.ATTR_OUTPUT_SCALES, os).put(OnnxOps.ATTR_Y_ZERO_POINT, yzp);
                yq = QuantParams.perTensor(ys, yzp);
            }
            int ia = plain(a), ic = plain(c);
            Val y = newOut(0, ot, out, false, yq);
            emit(qlinear ? OnnxOps.ONNX_QLINEAR_MATMUL : OnnxOps.ONNX_MATMUL_INTEGER, new int[] {ia, ic}, new int[] {y.plain}, at.build());
        }
            // ------------------------------------------------------------ com.microsoft QOperator ops

        private void microsoftQOp() {
            switch (node.opType()) {
                case "QLinearAdd" -> qlinearBinary("add");
                case "QLinearMul" -> qlinearBinary("mul");
                case "QLinearSigmoid" -> qlinearUnary("sigmoid");
                case "QLinearLeakyRelu" -> qlinearUnary("leaky_relu");
                case "QLinearConcat" -> qlinearConcat();
                case "QLinearGlobalAveragePool" -> qlinearGlobalAvgPool();
                default -> throw unsupported("com.microsoft operator " + node.opType() + " is not supported");
            }
        }

        private Val q8In(int i) {
            Val v = in(i);
            if (!v.type.isQuantized8()) throw unsupported(node.opType() + " input " + i + " of type " + v.type.lowerName() + " (uint8/int8 only)");
            return v;
        }

        /** QLinearAdd/QLinearMul(A, A_scale, A_zp?, B, B_scale, B_zp?, C_scale, C_zp?) as ONNX_QLINEAR_BINARY. */
        private void qlinearBinary(String kind) {
            Val a = q8In(0), c = q8In(3);
            if (a.type != c.type) throw bad("A is " + a.type.lowerName() + " but B is " + c.type.lowerName());
            int[] out = Shapes.broadcast(a.shape, c.shape);
            if (out == null) throw bad("shapes " + Shapes.str(a.shape) + " and " + Shapes.str(c.shape) + " do not broadcast");
            float as = qscale(1, "A_scale"), bs = qscale(4, "B_scale"), ys = qscale(6, "C_scale");
            int az = qzp(2, "A_zero_point", 0, a.type)[0], bz = qzp(5, "B_zero_point", 0, a.type)[0], yz = qzp(7, "C_zero_point", 0, a.type)[0];
            boolean nh = out.length == 4 && (nhwcOnly(a) || nhwcOnly(c)) && nhwcOk(a) && nhwcOk(c);
            int ia = binaryOperand(a, nh), ic = binaryOperand(c, nh);
            Val y = newOut(0, a.type, out, nh, QuantParams.perTensor(ys, yz));
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_BINARY, new int[] {ia, ic}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder().put(dev.octet.ops.onnx.QdqFusedOps.ATTR_KIND, kind).put(OnnxOps.ATTR_A_SCALE, as)
                    .put(OnnxOps.ATTR_A_ZERO_POINT, az).put(OnnxOps.ATTR_B_SCALE, bs).put(OnnxOps.ATTR_B_ZERO_POINT, bz)
                    .put(OnnxOps.ATTR_Y_SCALE, ys).put(OnnxOps.ATTR_Y_ZERO_POINT, yz).build());
        }

        /** QLinearSigmoid/QLinearLeakyRelu(X, X_scale, X_zp?, Y_scale, Y_zp?) as an ONNX_QLINEAR_LOOKUP table. */
        private void qlinearUnary(String fn) {
            Val x = q8In(0);
            float xs = qscale(1, "X_scale"), ys = qscale(3, "Y_scale");
            int xz = qzp(2, "X_zero_point", 0, x.type)[0], yz = qzp(4, "Y_zero_point", 0, x.type)[0];
            boolean nh = x.rank() == 4 && x.nhwc >= 0;
            int id = idOf(x, nh);
            Val y = newOut(0, x.type, x.shape, nh, QuantParams.perTensor(ys, yz));
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_LOOKUP, new int[] {id}, new int[] {nh ? y.nhwc : y.plain}, Attributes.builder().put(dev.octet.ops.onnx.QdqFusedOps.ATTR_FN, fn).put(OnnxOps.ATTR_X_SCALE, xs)
                    .put(OnnxOps.ATTR_X_ZERO_POINT, xz).put(OnnxOps.ATTR_Y_SCALE, ys).put(OnnxOps.ATTR_Y_ZERO_POINT, yz)
                    .put(OnnxOps.ATTR_ALPHA, attrFloat("alpha", 0.01f)).build());
        }

        /**
         * QLinearConcat(Y_scale, Y_zp, (X, X_scale, X_zp)...), attr axis: as the QDQ fusion pass does it, inputs whose
         * scale or zero point differ from the output's are requantized through an "identity" ONNX_QLINEAR_LOOKUP table,
         * then the 8-bit tensors are concatenated (CONCATENATION).
         */
        private void qlinearConcat() {
            int total = node.inputs().size();
            if (total < 5 || (total - 2) % 3 != 0) throw bad("QLinearConcat needs Y_scale, Y_zero_point and (X, X_scale, X_zero_point) triples, has " + total + " inputs");
            int n = (total - 2) / 3;
            Val first = q8In(2);
            int r = first.rank();
            int axis = toInt(attrInt("axis", Long.MIN_VALUE), "axis");
            if (axis == Integer.MIN_VALUE) throw bad("QLinearConcat needs an axis attribute");
            if (axis < 0) axis += r;
            if (axis < 0 || axis >= r) throw bad("axis out of range for rank " + r);
            float ys = qscale(0, "Y_scale");
            int yz = qzp(1, "Y_zero_point", 0, first.type)[0];
            int[] out = first.shape.clone();
            out[axis] = 0;
            float[] scales = new float[n];
            int[] zps = new int[n];
            boolean anyNhwc = false;
            for (int i = 0; i < n; i++) {
                Val v = q8In(2 + 3 * i);
                if (v.rank() != r || v.type != first.type) throw bad("inputs differ in rank or type");
                for (int d = 0; d < r; d++) if (d != axis && v.shape[d] != first.shape[d]) throw bad("input " + i + " shape " + Shapes.str(v.shape) + " does not match " + Shapes.str(first.shape));
                out[axis] += v.shape[axis];
                scales[i] = qscale(3 + 3 * i, "X_scale");
                zps[i] = qzp(4 + 3 * i, "X_zero_point", 0, first.type)[0];
                anyNhwc |= nhwcOnly(v);
            }
            boolean nh = r == 4 && anyNhwc;
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                Val v = in(2 + 3 * i);
                int id = idOf(v, nh);
                if (scales[i] != ys || zps[i] != yz) {
                    int t = b.addTensor(v.name + "@requant" + (nh ? "@nhwc" : ""), first.type, nh ? permShape(v.shape, TO_NHWC) : v.shape,
                            QuantParams.perTensor(ys, yz), null, false);
                    emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_LOOKUP, new int[] {id}, new int[] {t}, Attributes.builder().put(dev.octet.ops.onnx.QdqFusedOps.ATTR_FN, "identity")
                            .put(dev.octet.ops.onnx.QdqFusedOps.ATTR_X_SCALE, scales[i]).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_X_ZERO_POINT, zps[i]).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_SCALE, ys).put(dev.octet.ops.onnx.QdqFusedOps.ATTR_Y_ZERO_POINT, yz).build());
                    id = t;
                }
                ids[i] = id;
            }
            Val y = newOut(0, first.type, out, nh, QuantParams.perTensor(ys, yz));
            emit(Ops.CONCATENATION, ids, new int[] {nh ? y.nhwc : y.plain},
                    Attributes.builder().put(Ops.ATTR_AXIS, nh ? AXIS_NHWC[axis] : axis).put(Ops.ATTR_ACTIVATION, "NONE").build());
        }

        /** QLinearGlobalAveragePool(X, x_scale, x_zp, y_scale, y_zp), attr channels_last. */
        private void qlinearGlobalAvgPool() {
            Val x = q8In(0);
            if (x.rank() != 4) throw unsupported("QLinearGlobalAveragePool of a rank-" + x.rank() + " input (2-D images only)");
            if (attrInt("channels_last", 0) != 0) throw unsupported("QLinearGlobalAveragePool with channels_last=1");
            float xs = qscale(1, "x_scale"), ys = qscale(3, "y_scale");
            int xz = qzp(2, "x_zero_point", 0, x.type)[0], yz = qzp(4, "y_zero_point", 0, x.type)[0];
            int xid = nhwc(x);
            Val y = newOut(0, x.type, new int[] {x.shape[0], x.shape[1], 1, 1}, true, QuantParams.perTensor(ys, yz));
            emit(dev.octet.ops.onnx.QdqFusedOps.ONNX_QLINEAR_GLOBAL_AVERAGE_POOL, new int[] {xid}, new int[] {y.nhwc}, Attributes.builder().put(OnnxOps.ATTR_X_SCALE, xs)
                    .put(OnnxOps.ATTR_X_ZERO_POINT, xz).put(OnnxOps.ATTR_Y_SCALE, ys).put(OnnxOps.ATTR_Y_ZERO_POINT, yz).build());
        }
    }
}
