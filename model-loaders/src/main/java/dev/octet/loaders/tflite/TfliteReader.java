package dev.octet.loaders.tflite;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Limits;
import dev.octet.core.ModelFormatException;
import dev.octet.core.OctetException;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Shapes;
import dev.octet.core.UnsupportedOpException;
import dev.octet.ops.onnx.OnnxOps;
import dev.octet.loaders.tflite.TflSchema.BufferT;
import dev.octet.loaders.tflite.TflSchema.ModelT;
import dev.octet.loaders.tflite.TflSchema.OperatorCodeT;
import dev.octet.loaders.tflite.TflSchema.OperatorT;
import dev.octet.loaders.tflite.TflSchema.QuantT;
import dev.octet.loaders.tflite.TflSchema.SubGraphT;
import dev.octet.loaders.tflite.TflSchema.TensorT;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads a TFLite flatbuffer into the graph IR (subgraph 0, {@link Semantics#TFLITE}, format "tflite").
 *
 * <p>Conventions the rest of the engine relies on:
 * <ul>
 *   <li>IR tensor id == TFLite tensor index of subgraph 0, IR node index == TFLite operator index.
 *   <li>Constants are zero-copy views of the input buffer (keep it unchanged while the graph is used).
 *   <li>Builtin operators keep their TFLite name as opType (so an unsupported one, e.g. CUMSUM, fails
 *       at {@code Model.compile} naming the op and node); custom operators use their custom_code.
 *   <li>Options become attributes named as in {@link Ops} (activation, padding, stride_h/w, dilation_h/w,
 *       filter_h/w, ...); other options keep their TFLite field names. Enums are strings ("RELU6", "SAME").
 *       CONCATENATION's axis is normalized to be non-negative. ADD/SUB's pot_scale_int16 is dropped.
 *   <li>Custom operators carry "custom_options" (byte[]) plus their decoded FlexBuffer map entries.
 *   <li>Node.origin = "CONV_2D v3" (TFLite op and version); Node.name = the name of its first output tensor.
 *   <li>Metadata: tflite.subgraphs (count), tflite.description, tflite.metadata (names), tflite.min_runtime_version.
 * </ul>
 * Every malformed input raises an {@link OctetException} subclass, never a raw runtime exception.
 */
public final class TfliteReader {
    private static final int MAX_METADATA_STRING = 256;

    private final ByteBuffer bb;
    private final Limits limits;
    private ModelT model;
    private int bufferCount;
    private OpInfo[] opcodes;
    private int tensorCount;
    private int[] tensorUser;
    private boolean[] graphIo;

    private TfliteReader(ByteBuffer bb, Limits limits) {
        this.bb = bb;
        this.limits = limits;
    }

    /** Reads subgraph 0 of a TFLite model (from the buffer's position to its limit). */
    public static Graph read(ByteBuffer bytes, Limits limits) {
        ByteBuffer bb = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        checkIdentifier(bb);
        try {
            return new TfliteReader(bb, limits == null ? Limits.DEFAULT : limits).readGraph();
        } catch (OctetException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelFormatException("TFLite model is truncated or corrupted (" + e + ")", e);
        }
    }

    static void checkIdentifier(ByteBuffer bb) {
        if (bb.remaining() < 8) throw new ModelFormatException("not a TFLite model: the file is only " + bb.remaining() + " bytes (truncated or corrupted)");
        byte[] id = new byte[4];
        bb.get(bb.position() + 4, id);
        if (!TflSchema.IDENTIFIER.equals(new String(id, StandardCharsets.ISO_8859_1))) {
            throw new ModelFormatException("not a TFLite model: expected the identifier 'TFL3' at byte 4, found '"
                    + new String(id, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?") + "'");
        }
    }

    record OpInfo(String name, int code, int version, boolean custom) {}

    private Graph readGraph() {
        model = ModelT.root(bb);
        long version = model.version();
        if (version != TflSchema.SCHEMA_VERSION) {
            throw new ModelFormatException("TFLite schema version " + version + " is not supported (expected " + TflSchema.SCHEMA_VERSION + ")");
        }
        int nsub = model.subgraphCount();
        if (nsub < 1) throw new ModelFormatException("TFLite model has no subgraph");
        bufferCount = model.bufferCount();
        readOpcodes();

        SubGraphT sg = model.subgraph(0);
        tensorCount = sg.tensorCount();
        if (tensorCount > limits.maxTensors()) {
            throw new dev.octet.core.ResourceLimitException("model has " + tensorCount + " tensors, over the limit of " + limits.maxTensors() + " (Limits.maxTensors)");
        }
        int nops = sg.operatorCount();
        if (nops > limits.maxNodes()) {
            throw new dev.octet.core.ResourceLimitException("model has " + nops + " operators, over the limit of " + limits.maxNodes() + " (Limits.maxNodes)");
        }
        int maxRefs = Math.max(1024, limits.maxTensors());

        // Operators first (indices only), so tensor problems can be reported against a node.
        OperatorT[] ops = new OperatorT[nops];
        int[][] ins = new int[nops][];
        int[][] outs = new int[nops][];
        tensorUser = new int[tensorCount];
        Arrays.fill(tensorUser, -1);
        for (int i = 0; i < nops; i++) {
            OperatorT op = sg.operator(i);
            ops[i] = op;
            long oc = op.opcodeIndex();
            if (oc >= opcodes.length) throw new ModelFormatException("operator " + i + " uses opcode " + oc + " but the model has " + opcodes.length + " operator codes");
            String what = "operator " + i + " (" + opcodes[(int) oc].name + ")";
            ins[i] = op.inputs(maxRefs);
            outs[i] = op.outputs(maxRefs);
            for (int id : ins[i]) {
                if (id < -1 || id >= tensorCount) throw new ModelFormatException(what + " reads tensor " + id + " but subgraph 0 has " + tensorCount + " tensors");
                if (id >= 0 && tensorUser[id] < 0) tensorUser[id] = i;
            }
            for (int id : outs[i]) {
                if (id < 0 || id >= tensorCount) throw new ModelFormatException(what + " writes tensor " + id + " but subgraph 0 has " + tensorCount + " tensors");
                if (tensorUser[id] < 0) tensorUser[id] = i;
            }
        }

        int[] gin = sg.inputs(maxRefs);
        int[] gout = sg.outputs(maxRefs);
        graphIo = new boolean[tensorCount];
        for (int id : gin) {
            if (id < 0 || id >= tensorCount) throw new ModelFormatException("subgraph 0 input refers to tensor " + id + " but it has " + tensorCount + " tensors");
            graphIo[id] = true;
        }
        for (int id : gout) {
            if (id < 0 || id >= tensorCount) throw new ModelFormatException("subgraph 0 output refers to tensor " + id + " but it has " + tensorCount + " tensors");
            graphIo[id] = true;
        }

        Graph.Builder g = Graph.builder(Semantics.TFLITE, "tflite").limits(limits);
        for (int t = 0; t < tensorCount; t++) readTensor(g, sg.tensor(t), t);

        for (int i = 0; i < nops; i++) {
            OpInfo info = opcodes[(int) ops[i].opcodeIndex()];
            if (!info.custom && CONTROL_FLOW.contains(info.name)) {
                String out0 = outs[i].length > 0 ? "(output '" + g.tensor(outs[i][0]).name() + "') " : "";
                throw new UnsupportedOpException(info.name, i, out0 + "runs other subgraphs (the model has " + nsub
                        + "); control flow (WHILE, IF, CALL_ONCE) is not supported: Octet runs subgraph 0 only");
            }
            Attributes attrs = attributes(g, ops[i], info, i, outs[i]);
            String name = outs[i].length > 0 ? g.tensor(outs[i][0]).name() : null;
            String origin = (info.custom ? "CUSTOM " + info.name : info.name) + " v" + info.version;
            int[] nodeIns = ins[i];
            if (!info.custom && (info.name.equals("SPLIT") || info.name.equals("SPLIT_V"))) {
                // TFLite's SPLIT / SPLIT_V (axis and sizes as constant tensors) become the IR's SPLIT (one input,
                // axis and sizes as attributes): the same element copies.
                int[] split = lowerSplit(g, info.name, i, ins[i], outs[i], attrs);
                nodeIns = new int[] {info.name.equals("SPLIT") ? ins[i][1] : ins[i][0]};
                attrs = Attributes.builder().put(Ops.ATTR_AXIS, split[0]).put(OnnxOps.ATTR_SPLIT, Arrays.copyOfRange(split, 1, split.length)).build();
            }
            if (!info.custom && ops[i].hasVector(OperatorT.INTERMEDIATES)) attrs = withIntermediates(g, attrs, ops[i].intermediates(maxRefs), info.name, i);
            g.addNode(info.name.equals("SPLIT_V") ? "SPLIT" : info.name, name, nodeIns, outs[i], attrs, origin);
        }
        for (int id : gin) g.input(id);
        for (int id : gout) g.output(id);

        g.metadata("tflite.subgraphs", Integer.toString(nsub));
        String sgName = sg.name();
        if (sgName != null && !sgName.isEmpty()) g.metadata("tflite.subgraph_name", sgName);
        String desc = model.description();
        if (desc != null && !desc.isEmpty()) g.metadata("tflite.description", desc);
        readMetadata(g);
        return g.build();
    }

    /** {axis, size...} of a TFLite SPLIT (inputs axis, input) or SPLIT_V (inputs input, size_splits, axis), as TFLite 2.6.2 validates them. */
    private static int[] lowerSplit(Graph.Builder g, String op, int node, int[] in, int[] out, Attributes attrs) {
        String what = "node " + node + " (" + op + ")";
        if (in.length != (op.equals("SPLIT") ? 2 : 3)) throw new ModelFormatException(what + " has " + in.length + " inputs");
        int axisId = op.equals("SPLIT") ? in[0] : in[2];
        int inputId = op.equals("SPLIT") ? in[1] : in[0];
        if (axisId < 0 || inputId < 0) throw new ModelFormatException(what + " has an absent input");
        dev.octet.core.TensorInfo input = g.tensor(inputId);
        int[] axisV = constInts(g, axisId, op, node, "axis");
        if (axisV.length != 1) throw new ModelFormatException(what + ": the axis tensor must hold one value, holds " + axisV.length);
        int rank = input.rank();
        int axis = axisV[0] < 0 ? axisV[0] + rank : axisV[0];
        if (axis < 0 || axis >= rank) throw new ModelFormatException(what + ": axis " + axisV[0] + " is out of range for an input of rank " + rank);
        int dim = input.dim(axis);
        int n = out.length;
        if (n != attrs.getInt("num_splits", n)) throw new ModelFormatException(what + ": num_splits " + attrs.getInt("num_splits", n) + " but " + n + " outputs");
        int[] r = new int[n + 1];
        r[0] = axis;
        if (op.equals("SPLIT")) {
            if (n == 0 || dim % n != 0) throw new ModelFormatException(what + ": dimension " + dim + " does not split evenly into " + n);
            for (int k = 0; k < n; k++) r[k + 1] = dim / n;
            return r;
        }
        int[] sizes = constInts(g, in[1], op, node, "size_splits");
        if (sizes.length != n) throw new ModelFormatException(what + ": " + sizes.length + " size_splits for " + n + " outputs");
        int minusOne = -1;
        long sum = 0;
        for (int k = 0; k < n; k++) {
            if (sizes[k] == -1) {
                if (minusOne >= 0) throw new ModelFormatException(what + ": size_splits has more than one -1");
                minusOne = k;
            } else if (sizes[k] < 0) {
                throw new ModelFormatException(what + ": negative size_splits " + sizes[k]);
            } else {
                sum += sizes[k];
            }
        }
        if (minusOne >= 0) {
            if (sum > dim) throw new ModelFormatException(what + ": size_splits add up to " + sum + ", over dimension " + dim);
            sizes[minusOne] = (int) (dim - sum);
        } else if (sum != dim) {
            throw new ModelFormatException(what + ": size_splits add up to " + sum + " but the dimension is " + dim);
        }
        System.arraycopy(sizes, 0, r, 1, n);
        return r;
    }

    private static int[] constInts(Graph.Builder g, int id, String op, int node, String role) {
        if (id < 0) throw new ModelFormatException("node " + node + " (" + op + "): " + role + " input is absent");
        dev.octet.core.TensorInfo t = g.tensor(id);
        if (!t.isConstant()) throw new UnsupportedOpException(op, node, role + " must be a constant tensor (a computed " + role + " is not supported)");
        ByteBuffer b = t.data();
        int n = t.size();
        int[] r = new int[n];
        switch (t.type()) {
            case INT32 -> { for (int k = 0; k < n; k++) r[k] = b.getInt(4 * k); }
            case INT64 -> {
                for (int k = 0; k < n; k++) {
                    long v = b.getLong(8 * k);
                    if (v != (int) v) throw new ModelFormatException("node " + node + " (" + op + "): " + role + " value " + v + " is out of range");
                    r[k] = (int) v;
                }
            }
            default -> throw new ModelFormatException("node " + node + " (" + op + "): " + role + " must be int32 or int64, is " + t.type().lowerName());
        }
        return r;
    }

    /**
     * Operator.intermediates (the integer LSTM's gate and hidden tensors) become the attributes
     * "intermediate_scales" (float[]) and "intermediate_zero_points" (int[]): only their quantization matters.
     */
    private Attributes withIntermediates(Graph.Builder g, Attributes attrs, int[] ids, String op, int node) {
        float[] scales = new float[ids.length];
        int[] zps = new int[ids.length];
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] < 0 || ids[k] >= tensorCount) throw new ModelFormatException("node " + node + " (" + op + ") has intermediate tensor " + ids[k] + " of " + tensorCount);
            QuantParams q = g.tensor(ids[k]).quant();
            scales[k] = q.isNone() ? 0f : q.scale();
            zps[k] = q.isNone() ? 0 : q.zeroPoint(0);
        }
        Attributes.Builder b = Attributes.builder();
        for (Map.Entry<String, Object> e : attrs.asMap().entrySet()) b.putObject(e.getKey(), e.getValue());
        return b.put("intermediate_scales", scales).put("intermediate_zero_points", zps).build();
    }

    private static final java.util.Set<String> CONTROL_FLOW = java.util.Set.of("WHILE", "IF", "CALL_ONCE");

    private void readOpcodes() {
        int n = model.operatorCodeCount();
        opcodes = new OpInfo[n];
        for (int i = 0; i < n; i++) {
            OperatorCodeT oc = model.operatorCode(i);
            int code = oc.builtinCode();
            if (code < 0) throw new ModelFormatException("operator code " + i + " has the invalid builtin code " + code);
            String custom = oc.customCode();
            if (code == TflSchema.BUILTIN_CUSTOM) {
                if (custom == null || custom.isEmpty()) throw new ModelFormatException("operator code " + i + " is CUSTOM but has no custom_code");
                opcodes[i] = new OpInfo(custom, code, oc.version(), true);
            } else {
                opcodes[i] = new OpInfo(TflSchema.builtinName(code), code, oc.version(), false);
            }
        }
    }

    private void readTensor(Graph.Builder g, TensorT t, int index) {
        String name = t.name();
        if (name == null) name = "t" + index;
        String what = "tensor " + index + " ('" + name + "')";
        int ttype = t.type();
        DataType type = TflSchema.toDataType(ttype);
        int rank = t.rank();
        if (rank > limits.maxRank()) {
            throw new dev.octet.core.ResourceLimitException(what + " has rank " + rank + ", over the limit of " + limits.maxRank() + " (Limits.maxRank)");
        }
        int[] shape = t.shape(limits.maxRank());
        boolean dynamic = false;
        for (int d : shape) if (d < 0) dynamic = true;
        if (dynamic) {
            boolean sigDynamic = false;
            if (t.hasShapeSignature()) for (int d : t.shapeSignature(limits.maxRank())) if (d < 0) sigDynamic = true;
            if (sigDynamic) unsupported(index, what + " has the dynamic shape " + Shapes.str(shape) + "; dynamic shapes are not supported");
            throw new ModelFormatException(what + " has the invalid shape " + Shapes.str(shape));
        }
        if (t.hasSparsity()) unsupported(index, what + " is sparse; sparse tensors are not supported");
        if (type == null) {
            if (tensorUser[index] < 0 && !isGraphIo(index)) {
                // Never read or written: keep the ids dense with an inert placeholder.
                g.addTensor(name, DataType.UINT8, shape, null, null, false);
                return;
            }
            unsupported(index, what + " has type " + TflSchema.tensorTypeName(ttype) + ", which Octet does not support");
        }
        long elems = 1;
        for (int d : shape) {
            elems *= d;
            if (elems > Integer.MAX_VALUE) {
                throw new dev.octet.core.ResourceLimitException(what + " of shape " + Shapes.str(shape) + " has more than 2^31-1 elements");
            }
        }
        long bytes = elems * type.byteSize();
        limits.checkTensorBytes(what, bytes);

        QuantParams q = quant(t, type, shape, what, index);
        boolean variable = t.isVariable();
        ByteBuffer data = null;
        long bidx = t.buffer();
        if (bidx >= bufferCount && !(bidx == 0 && bufferCount == 0)) {
            throw new ModelFormatException(what + " refers to buffer " + bidx + " but the model has " + bufferCount + " buffers");
        }
        if (bufferCount > 0) {
            BufferT buf = model.buffer((int) bidx);
            if (buf.offset() > 1 || buf.size() > 0) {
                throw new ModelFormatException(what + " keeps its data outside the flatbuffer (buffer offset/size, used by models over 2 GB), which is not supported");
            }
            ByteBuffer d = buf.data();
            if (d != null && d.remaining() > 0 && !variable) {
                if (d.remaining() != bytes) {
                    throw new ModelFormatException(what + " of type " + type.lowerName() + " and shape " + Shapes.str(shape) + " needs " + bytes
                            + " bytes but its buffer " + bidx + " has " + d.remaining());
                }
                data = d;
            }
        }
        g.addTensor(name, type, shape, q, data, variable);
    }

    private QuantParams quant(TensorT t, DataType type, int[] shape, String what, int index) {
        QuantT q = t.quantization();
        if (q == null) return QuantParams.NONE;
        int maxCh = 1 << 24;
        float[] scales = q.scale(maxCh);
        if (scales.length == 0) return QuantParams.NONE;
        if (q.detailsType() != 0) unsupported(index, what + " uses custom quantization details, which are not supported");
        long[] zpl = q.zeroPoint(maxCh);
        if (zpl.length != 0 && zpl.length != 1 && zpl.length != scales.length) {
            throw new ModelFormatException(what + " has " + scales.length + " quantization scales but " + zpl.length + " zero points");
        }
        for (float s : scales) {
            if (!Float.isFinite(s) || s < 0) throw new ModelFormatException(what + " has the invalid quantization scale " + s);
        }
        int[] zps = new int[Math.max(1, zpl.length)];
        for (int i = 0; i < zpl.length; i++) {
            if (zpl[i] < Integer.MIN_VALUE || zpl[i] > Integer.MAX_VALUE) throw new ModelFormatException(what + " has the out-of-range zero point " + zpl[i]);
            zps[i] = (int) zpl[i];
        }
        if (type == DataType.INT8 || type == DataType.UINT8 || type == DataType.INT16) {
            for (int z : zps) {
                if (z < type.minValue() || z > type.maxValue()) {
                    throw new ModelFormatException(what + " is " + type.lowerName() + " but has the zero point " + z + ", outside the type's range ["
                            + type.minValue() + ", " + type.maxValue() + "]");
                }
            }
        }
        if (scales.length == 1) return QuantParams.perTensor(scales[0], zps[0]);
        int axis = q.quantizedDimension();
        if (axis < 0 || axis >= shape.length || shape[axis] != scales.length) {
            throw new ModelFormatException(what + " of shape " + Shapes.str(shape) + " has " + scales.length
                    + " per-channel scales for quantized_dimension " + axis);
        }
        return QuantParams.perAxis(scales, zps, axis);
    }

    private Attributes attributes(Graph.Builder g, OperatorT op, OpInfo info, int index, int[] outs) {
        Attributes.Builder a = Attributes.builder();
        if (info.custom) {
            if (op.largeCustomOptionsSize() > 0) {
                throw new UnsupportedOpException(info.name, index, "custom options stored outside the flatbuffer are not supported");
            }
            ByteBuffer co = op.customOptions();
            if (co != null) op.charge(co.remaining(), "custom_options");
            byte[] raw = new byte[co == null ? 0 : co.remaining()];
            if (co != null) co.get(raw);
            a.putObject(Ops.ATTR_CUSTOM_OPTIONS, raw);
            if (op.customOptionsFormat() == OperatorT.FORMAT_FLEXBUFFERS) {
                Map<String, Object> m = FlexOptions.decode(raw);
                if (m != null) {
                    for (Map.Entry<String, Object> e : m.entrySet()) {
                        if (!e.getKey().equals(Ops.ATTR_CUSTOM_OPTIONS)) put(a, e.getKey(), e.getValue());
                    }
                }
            }
            return a.build();
        }
        int type = op.builtinOptionsType();
        int expected = TflOptions.typeForOp(info.name);
        TflOptions.Spec spec = null;
        FbTable table = null;
        if (type != 0) {
            spec = TflOptions.byType(type);
            if (expected != 0 && type != expected) {
                TflOptions.Spec exp = TflOptions.byType(expected);
                throw new ModelFormatException("node " + index + " (" + info.name + ") carries "
                        + (spec == null ? "builtin options of type " + type : spec.table()) + " but " + info.name + " takes " + exp.table());
            }
            if (spec != null) table = op.builtinOptions();
        } else if (expected != 0) {
            spec = TflOptions.byType(expected); // absent options: every field takes its schema default
        }
        if (spec == null) return Attributes.EMPTY;
        Map<String, Object> m = TflOptions.decode(spec, table, Math.max(64, limits.maxRank()));
        switch (info.name) {
            case "FULLY_CONNECTED" -> {
                Object wf = m.get("weights_format");
                if (wf != null && !"DEFAULT".equals(wf)) {
                    throw new UnsupportedOpException(info.name, index, "weights_format " + wf + " is not supported (only DEFAULT)");
                }
            }
            case "ADD", "SUB" -> m.remove("pot_scale_int16");
            case "CONCATENATION" -> {
                int axis = (Integer) m.get("axis");
                if (outs.length > 0 && g.tensor(outs[0]).rank() > 0) { // rank 0 = shape left to runtime: keep as written
                    int rank = g.tensor(outs[0]).rank();
                    if (axis < 0) axis += rank;
                    if (axis < 0 || axis >= rank) {
                        throw new ModelFormatException("node " + index + " (CONCATENATION) has axis " + m.get("axis") + " for an output of rank " + rank);
                    }
                    m.put("axis", axis);
                }
            }
            default -> { }
        }
        for (Map.Entry<String, Object> e : m.entrySet()) put(a, TfliteAttrNames.toIr(e.getKey()), e.getValue());
        return a.build();
    }

    private static void put(Attributes.Builder a, String k, Object v) {
        if (v instanceof Integer i) a.put(k, (int) i);
        else if (v instanceof Long l) a.put(k, (long) l);
        else if (v instanceof Float f) a.put(k, (float) f);
        else if (v instanceof Boolean b) a.put(k, (boolean) b);
        else if (v instanceof String s) a.put(k, s);
        else if (v instanceof int[] arr) a.put(k, arr);
        else if (v instanceof float[] arr) a.put(k, arr);
        else a.putObject(k, v);
    }

    private boolean isGraphIo(int index) { return graphIo[index]; }

    private void unsupported(int tensor, String detail) {
        int node = tensor >= 0 && tensor < tensorUser.length ? tensorUser[tensor] : -1;
        if (node < 0) throw new UnsupportedOpException("(graph input/output)", -1, detail);
        OperatorT op = model.subgraph(0).operator(node);
        throw new UnsupportedOpException(opcodes[(int) op.opcodeIndex()].name, node, detail);
    }

    private void readMetadata(Graph.Builder g) {
        int n = model.metadataCount();
        if (n == 0) return;
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < Math.min(n, 64); i++) {
            TflSchema.MetadataT md = model.metadata(i);
            String name = md.name();
            if (name == null) continue;
            names.append(names.isEmpty() ? "" : ",").append(name);
            if (name.equals("min_runtime_version")) {
                long b = md.buffer();
                if (b < bufferCount) {
                    ByteBuffer d = model.buffer((int) b).data();
                    if (d != null && d.remaining() <= MAX_METADATA_STRING) {
                        byte[] s = new byte[d.remaining()];
                        d.get(s);
                        int len = 0;
                        while (len < s.length && s[len] != 0) len++;
                        g.metadata("tflite.min_runtime_version", new String(s, 0, len, StandardCharsets.UTF_8));
                    }
                }
            }
        }
        g.metadata("tflite.metadata", names.toString());
    }
}
