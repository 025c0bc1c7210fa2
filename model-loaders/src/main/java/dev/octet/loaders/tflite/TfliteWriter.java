package dev.octet.loaders.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.ModelFormatException;
import dev.octet.core.Node;
import dev.octet.core.OctetException;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.TensorInfo;
import dev.octet.core.UnsupportedOpException;
import dev.octet.loaders.tflite.TflSchema.BufferT;
import dev.octet.loaders.tflite.TflSchema.MetadataT;
import dev.octet.loaders.tflite.TflSchema.ModelT;
import dev.octet.loaders.tflite.TflSchema.OperatorCodeT;
import dev.octet.loaders.tflite.TflSchema.OperatorT;
import dev.octet.loaders.tflite.TflSchema.QuantT;
import dev.octet.loaders.tflite.TflSchema.SubGraphT;
import dev.octet.loaders.tflite.TflSchema.TensorT;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes TFLite flatbuffers: small op-level models for tests, the demo's self-made model, and rewrites of
 * real models (e.g. every tensor exposed as an output, so a peer runtime can be compared op by op).
 *
 * <p>Usage: add tensors (constants carry little-endian bytes), add builtin or custom operators with their
 * options named as in TFLite's option tables ("padding" = "SAME", "stride_w" = 2,
 * "fused_activation_function" = "RELU6", "depth_multiplier" = 1 ...), set inputs/outputs, {@link #build()}.
 * The IR's attribute names (activation, dilation_w, filter_h ...) are accepted as aliases, enums may be given
 * by name or code, and the extra key "version" sets the operator version (default 1). Unknown option names
 * are rejected with an IllegalArgumentException.
 */
public final class TfliteWriter {
    private final ModelRec model = new ModelRec();
    private final SubgraphRec sg = new SubgraphRec();

    public TfliteWriter() {
        model.buffers.add(null); // buffer 0: the empty sentinel every activation points at
        model.subgraphs.add(sg);
        sg.name = "main";
    }

    /** Adds a tensor; {@code constData} is null for activations. Returns its index. */
    public int addTensor(String name, DataType type, int[] shape, QuantParams quant, byte[] constData) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        TensorRec t = new TensorRec();
        t.name = name == null ? "t" + sg.tensors.size() : name;
        t.type = TflSchema.fromDataType(type);
        t.shape = shape.clone();
        if (quant != null && !quant.isNone()) {
            t.hasQuant = true;
            t.scale = quant.scales();
            int[] zp = quant.zeroPoints();
            t.zeroPoint = new long[zp.length];
            for (int i = 0; i < zp.length; i++) t.zeroPoint[i] = zp[i];
            t.quantDim = Math.max(0, quant.axis());
        }
        if (constData != null) {
            t.buffer = model.buffers.size();
            model.buffers.add(ByteBuffer.wrap(constData.clone()));
        }
        sg.tensors.add(t);
        return sg.tensors.size() - 1;
    }

    /** Marks tensor {@code id} as a variable (Tensor.is_variable): state kept across invocations, e.g. an LSTM's output and cell state. */
    public TfliteWriter markVariable(int id) {
        sg.tensors.get(id).variable = true;
        return this;
    }

    /** Sets operator {@code op}'s intermediates (Operator.intermediates, field 8: the integer LSTM's gate scales). */
    public TfliteWriter intermediates(int op, int... tensorIds) {
        sg.ops.get(op).intermediates = tensorIds.clone();
        return this;
    }

    /** Adds a builtin operator by its TFLite name (e.g. "CONV_2D") with options by TFLite field name. */
    public int addOp(String builtinName, int[] inputs, int[] outputs, Map<String, Object> options) {
        int code = TflSchema.builtinCode(builtinName);
        if (code < 0 || code == TflSchema.BUILTIN_CUSTOM) {
            throw new IllegalArgumentException("unknown TFLite builtin operator '" + builtinName + "' (use addCustomOp for custom operators)");
        }
        Map<String, Object> opts = options == null ? new LinkedHashMap<>() : new LinkedHashMap<>(options);
        Object v = opts.remove("version");
        int version = v == null ? 1 : ((Number) v).intValue();
        OpRec op = new OpRec();
        op.opcode = model.opcode(code, null, version);
        op.inputs = inputs.clone();
        op.outputs = outputs.clone();
        int type = TflOptions.typeForOp(builtinName);
        if (type != 0) {
            op.optionsType = type;
            op.options = opts;
            TflOptions.encode(new FlatBufferBuilder(64), TflOptions.byType(type), opts); // validate names now, not at build()
        } else if (!opts.isEmpty()) {
            throw new IllegalArgumentException(builtinName + " takes no options, got " + opts.keySet());
        }
        sg.ops.add(op);
        return sg.ops.size() - 1;
    }

    /** Adds a custom operator with raw (FlexBuffer) options. */
    public int addCustomOp(String customCode, int[] inputs, int[] outputs, byte[] customOptions) {
        return addCustomOp(customCode, inputs, outputs, customOptions, 1);
    }

    private int addCustomOp(String customCode, int[] inputs, int[] outputs, byte[] customOptions, int version) {
        if (customCode == null || customCode.isEmpty()) throw new IllegalArgumentException("custom operators need a custom code");
        OpRec op = new OpRec();
        op.opcode = model.opcode(TflSchema.BUILTIN_CUSTOM, customCode, version);
        op.inputs = inputs.clone();
        op.outputs = outputs.clone();
        op.customOptions = customOptions == null ? null : ByteBuffer.wrap(customOptions.clone());
        sg.ops.add(op);
        return sg.ops.size() - 1;
    }

    public TfliteWriter inputs(int... tensorIds) {
        sg.inputs = tensorIds.clone();
        return this;
    }

    public TfliteWriter outputs(int... tensorIds) {
        sg.outputs = tensorIds.clone();
        return this;
    }

    /** Serializes the model ("TFL3" identifier, schema version 3). */
    public byte[] build() {
        for (OpRec op : sg.ops) {
            for (int id : op.inputs) if (id < -1 || id >= sg.tensors.size()) throw new IllegalArgumentException("operator input " + id + " is not a tensor");
            for (int id : op.outputs) if (id < 0 || id >= sg.tensors.size()) throw new IllegalArgumentException("operator output " + id + " is not a tensor");
        }
        for (int id : sg.inputs) if (id < 0 || id >= sg.tensors.size()) throw new IllegalArgumentException("graph input " + id + " is not a tensor");
        for (int id : sg.outputs) if (id < 0 || id >= sg.tensors.size()) throw new IllegalArgumentException("graph output " + id + " is not a tensor");
        return model.serialize();
    }

    /**
     * Writes an IR graph of TFLite semantics back as a TFLite model: same tensor and operator order, attributes
     * mapped back to option fields, operator versions taken from {@link Node#origin()} ("CONV_2D v3"). The reader's
     * lowered SPLIT goes back as SPLIT_V (constant size and axis tensors appended), and "intermediate_scales" /
     * "intermediate_zero_points" as appended scalar intermediate tensors.
     */
    public static byte[] fromGraph(Graph g) {
        TfliteWriter w = new TfliteWriter();
        for (TensorInfo t : g.tensors()) {
            byte[] data = null;
            if (t.isConstant()) {
                ByteBuffer d = t.data();
                data = new byte[d.remaining()];
                d.get(data);
            }
            int id = w.addTensor(t.name(), t.type(), t.shape(), t.quant(), data);
            if (t.isVariable()) w.sg.tensors.get(id).variable = true;
        }
        for (Node n : g.nodes()) {
            int version = versionOf(n.origin());
            boolean custom = n.origin().startsWith("CUSTOM ") || TflSchema.builtinCode(n.opType()) < 0;
            if (custom) {
                Object co = n.attrs().get(Ops.ATTR_CUSTOM_OPTIONS);
                w.addCustomOp(n.opType(), n.inputs(), n.outputs(), co instanceof byte[] b ? b : null, version);
            } else if (n.opType().equals(dev.octet.ops.onnx.OnnxOps.SPLIT)) {
                // the reader's lowering of SPLIT / SPLIT_V (one input, axis and sizes as attributes) goes back as SPLIT_V
                int[] sizes = n.attrs().getInts(dev.octet.ops.onnx.OnnxOps.ATTR_SPLIT, null);
                if (sizes == null) throw new IllegalArgumentException(n.describe() + " has no split sizes");
                ByteBuffer sb = ByteBuffer.allocate(4 * sizes.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int v : sizes) sb.putInt(v);
                int sizeT = w.addTensor(n.name() + "/size_splits", DataType.INT32, new int[] {sizes.length}, null, sb.array());
                ByteBuffer ab = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(n.attrs().getInt(Ops.ATTR_AXIS, 0));
                int axisT = w.addTensor(n.name() + "/axis", DataType.INT32, new int[] {}, null, ab.array());
                Map<String, Object> opts = new LinkedHashMap<>();
                opts.put("num_splits", sizes.length);
                opts.put("version", version);
                w.addOp("SPLIT_V", new int[] {n.input(0), sizeT, axisT}, n.outputs(), opts);
            } else {
                Map<String, Object> opts = new LinkedHashMap<>(n.attrs().asMap());
                opts.put("version", version);
                float[] iScales = (float[]) opts.remove("intermediate_scales");
                int[] iZps = (int[]) opts.remove("intermediate_zero_points");
                int op = w.addOp(n.opType(), n.inputs(), n.outputs(), opts);
                if (iScales != null && iZps != null && iScales.length == iZps.length) {
                    // the reader keeps only the intermediates' quantization: write one scalar tensor per intermediate
                    int[] ids = new int[iScales.length];
                    for (int k = 0; k < ids.length; k++) {
                        QuantParams q = iScales[k] > 0 ? QuantParams.perTensor(iScales[k], iZps[k]) : null;
                        ids[k] = w.addTensor(n.name() + "/intermediate_" + k, DataType.INT16, new int[] {}, q, null);
                    }
                    w.intermediates(op, ids);
                }
            }
        }
        w.inputs(g.inputs()).outputs(g.outputs());
        return w.build();
    }

    private static int versionOf(String origin) {
        int p = origin.lastIndexOf(" v");
        if (p < 0) return 1;
        try {
            return Integer.parseInt(origin.substring(p + 2));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * Re-serializes a TFLite model with every tensor that some operator writes added to subgraph 0's
     * outputs (after the original outputs, in operator order), so a runtime must keep and expose them.
     * Returns the new model bytes; {@link #exposedTensors} tells which tensor each extra output is.
     * All subgraphs, buffers, operator codes, options and metadata are kept; signature defs are dropped.
     */
    public static byte[] withAllTensorsAsOutputs(ByteBuffer model) {
        ModelRec m = guarded(() -> ModelRec.read(slice(model)));
        SubgraphRec s = m.subgraphs.get(0);
        int[] extra = extraOutputs(s.outputs, s.ops);
        int[] outs = Arrays.copyOf(s.outputs, s.outputs.length + extra.length);
        System.arraycopy(extra, 0, outs, s.outputs.length, extra.length);
        s.outputs = outs;
        return m.serialize();
    }

    /** Tensor indices that {@link #withAllTensorsAsOutputs} appends as outputs, in order. */
    public static int[] exposedTensors(ByteBuffer model) {
        return guarded(() -> {
            ByteBuffer bb = slice(model);
            ModelT mt = ModelT.root(bb);
            if (mt.subgraphCount() < 1) throw new ModelFormatException("TFLite model has no subgraph");
            SubGraphT sgt = mt.subgraph(0);
            int nt = sgt.tensorCount();
            int max = Integer.MAX_VALUE;
            List<OpRec> ops = new ArrayList<>();
            for (int i = 0; i < sgt.operatorCount(); i++) {
                OpRec r = new OpRec();
                r.outputs = sgt.operator(i).outputs(max);
                for (int id : r.outputs) if (id < 0 || id >= nt) throw new ModelFormatException("operator " + i + " writes tensor " + id + " of " + nt);
                ops.add(r);
            }
            return extraOutputs(sgt.outputs(max), ops);
        });
    }

    private static int[] extraOutputs(int[] outputs, List<OpRec> ops) {
        Set<Integer> seen = new LinkedHashSet<>();
        for (int o : outputs) seen.add(o);
        List<Integer> extra = new ArrayList<>();
        for (OpRec op : ops) for (int id : op.outputs) if (id >= 0 && seen.add(id)) extra.add(id);
        return extra.stream().mapToInt(Integer::intValue).toArray();
    }

    private static ByteBuffer slice(ByteBuffer model) {
        ByteBuffer bb = model.slice().order(ByteOrder.LITTLE_ENDIAN);
        TfliteReader.checkIdentifier(bb);
        return bb;
    }

    private static <T> T guarded(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (OctetException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException("TFLite model is truncated or corrupted (" + e + ")", e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // In-memory model records and their serialization (shared by the builder API and the rewrite).

    static final class TensorRec {
        String name;
        int type;
        int[] shape;
        int[] shapeSignature;
        long buffer;
        boolean variable;
        boolean hasQuant;
        float[] min, max, scale;
        long[] zeroPoint;
        int quantDim;
    }

    static final class OpRec {
        int opcode;
        int[] inputs = new int[0], outputs = new int[0], intermediates;
        int optionsType;
        Map<String, Object> options;
        ByteBuffer customOptions;
        int customOptionsFormat;
    }

    static final class SubgraphRec {
        final List<TensorRec> tensors = new ArrayList<>();
        final List<OpRec> ops = new ArrayList<>();
        int[] inputs = new int[0], outputs = new int[0];
        String name;
    }

    record OpcodeRec(int deprecatedCode, int builtinCode, String custom, int version) {}

    record MetadataRec(String name, long buffer) {}

    static final class ModelRec {
        long version = TflSchema.SCHEMA_VERSION;
        final List<OpcodeRec> opcodes = new ArrayList<>();
        final Map<OpcodeRec, Integer> opcodeIndex = new HashMap<>();
        final List<SubgraphRec> subgraphs = new ArrayList<>();
        final List<ByteBuffer> buffers = new ArrayList<>();
        final List<MetadataRec> metadata = new ArrayList<>();
        String description = "Octet TfliteWriter";
        /** Test hook: share equal strings (FlatBuffers allows it; TFLite's converters do not do it). */
        boolean shareStrings;
        /** Test hook: buffer index to {offset, size} as models over 2 GB store them (data outside the flatbuffer). */
        final Map<Integer, long[]> externalBuffers = new HashMap<>();

        int opcode(int code, String custom, int version) {
            int dep = Math.min(code, TflSchema.PLACEHOLDER_FOR_GREATER_OP_CODES);
            OpcodeRec r = new OpcodeRec(dep, code, custom, version);
            return opcodeIndex.computeIfAbsent(r, k -> {
                opcodes.add(k);
                return opcodes.size() - 1;
            });
        }

        /** Reads every subgraph, buffer, operator code and metadata entry of a model (bounds-checked). */
        static ModelRec read(ByteBuffer model) {
            ByteBuffer bb = model.slice().order(ByteOrder.LITTLE_ENDIAN);
            ModelT mt = ModelT.root(bb);
            ModelRec m = new ModelRec();
            m.version = mt.version();
            m.description = mt.description();
            int max = Integer.MAX_VALUE;
            for (int i = 0; i < mt.operatorCodeCount(); i++) {
                OperatorCodeT oc = mt.operatorCode(i);
                m.opcodes.add(new OpcodeRec(oc.deprecatedBuiltinCode(), oc.rawBuiltinCode(), oc.customCode(), oc.version()));
            }
            for (int i = 0; i < mt.bufferCount(); i++) {
                BufferT b = mt.buffer(i);
                if (b.offset() > 1 || b.size() > 0) throw new ModelFormatException("buffer " + i + " lies outside the flatbuffer (models over 2 GB are not supported)");
                ByteBuffer d = b.data();
                m.buffers.add(d == null ? null : d);
            }
            for (int i = 0; i < mt.metadataCount(); i++) {
                MetadataT md = mt.metadata(i);
                m.metadata.add(new MetadataRec(md.name(), md.buffer()));
            }
            if (mt.subgraphCount() < 1) throw new ModelFormatException("TFLite model has no subgraph");
            for (int s = 0; s < mt.subgraphCount(); s++) {
                SubGraphT st = mt.subgraph(s);
                SubgraphRec r = new SubgraphRec();
                r.name = st.name();
                r.inputs = st.inputs(max);
                r.outputs = st.outputs(max);
                for (int t = 0; t < st.tensorCount(); t++) {
                    TensorT tt = st.tensor(t);
                    TensorRec tr = new TensorRec();
                    tr.name = tt.name();
                    tr.type = tt.type();
                    tr.shape = tt.shape(max);
                    tr.shapeSignature = tt.hasShapeSignature() ? tt.shapeSignature(max) : null;
                    tr.buffer = tt.buffer();
                    tr.variable = tt.isVariable();
                    if (tt.hasSparsity()) throw new UnsupportedOpException("(rewrite)", -1, "tensor " + t + " is sparse; sparse tensors cannot be re-serialized");
                    QuantT q = tt.quantization();
                    if (q != null) {
                        if (q.detailsType() != 0) throw new UnsupportedOpException("(rewrite)", -1, "tensor " + t + " has custom quantization details");
                        tr.hasQuant = true;
                        tr.min = q.min(max);
                        tr.max = q.max(max);
                        tr.scale = q.scale(max);
                        tr.zeroPoint = q.zeroPoint(max);
                        tr.quantDim = q.quantizedDimension();
                    }
                    r.tensors.add(tr);
                }
                for (int o = 0; o < st.operatorCount(); o++) {
                    OperatorT ot = st.operator(o);
                    OpRec op = new OpRec();
                    long oci = ot.opcodeIndex();
                    if (oci >= m.opcodes.size()) throw new ModelFormatException("operator " + o + " uses opcode " + oci + " of " + m.opcodes.size());
                    op.opcode = (int) oci;
                    op.inputs = ot.inputs(max);
                    op.outputs = ot.outputs(max);
                    op.intermediates = ot.hasVector(OperatorT.INTERMEDIATES) ? ot.intermediates(max) : null;
                    op.customOptions = ot.customOptions();
                    op.customOptionsFormat = ot.customOptionsFormat();
                    if (ot.largeCustomOptionsSize() > 0) throw new ModelFormatException("operator " + o + " keeps its custom options outside the flatbuffer");
                    op.optionsType = ot.builtinOptionsType();
                    if (op.optionsType != 0) {
                        TflOptions.Spec spec = TflOptions.byType(op.optionsType);
                        OpcodeRec oc = m.opcodes.get(op.opcode);
                        String opName = TflSchema.builtinName(Math.max(oc.builtinCode, oc.deprecatedCode));
                        if (spec == null) throw new UnsupportedOpException(opName, o, "builtin options of type " + op.optionsType + " cannot be re-serialized");
                        op.options = TflOptions.decode(spec, ot.builtinOptions(), max);
                    }
                    r.ops.add(op);
                }
                m.subgraphs.add(r);
            }
            return m;
        }

        byte[] serialize() {
            long dataBytes = 0;
            for (ByteBuffer b : buffers) if (b != null) dataBytes += b.remaining() + 32L;
            if (dataBytes > Integer.MAX_VALUE - (64L << 20)) throw new ModelFormatException("model data of " + dataBytes + " bytes is too large for a flatbuffer");
            FlatBufferBuilder b = new FlatBufferBuilder((int) Math.min(Integer.MAX_VALUE - (64 << 20), dataBytes + (1 << 16)));

            int[] bufOffs = new int[buffers.size()];
            for (int i = 0; i < buffers.size(); i++) {
                ByteBuffer d = buffers.get(i);
                int dataOff = 0;
                if (d != null && d.remaining() > 0) {
                    ByteBuffer dst = b.createUnintializedVector(1, d.remaining(), 16);
                    dst.put(d.duplicate());
                    dataOff = b.endVector();
                }
                b.startTable(3);
                if (dataOff != 0) b.addOffset(BufferT.DATA, dataOff, 0);
                long[] ext = externalBuffers.get(i);
                if (ext != null) {
                    b.addLong(BufferT.OFFSET, ext[0], 0);
                    b.addLong(BufferT.SIZE, ext[1], 0);
                }
                bufOffs[i] = b.endTable();
            }
            int buffersVec = tableVector(b, bufOffs);

            int[] ocOffs = new int[opcodes.size()];
            for (int i = 0; i < opcodes.size(); i++) {
                OpcodeRec oc = opcodes.get(i);
                int custom = oc.custom == null ? 0 : b.createString(oc.custom);
                b.startTable(4);
                b.addByte(OperatorCodeT.DEPRECATED_BUILTIN_CODE, (byte) oc.deprecatedCode, 0);
                if (custom != 0) b.addOffset(OperatorCodeT.CUSTOM_CODE, custom, 0);
                b.addInt(OperatorCodeT.VERSION, oc.version, 1);
                b.addInt(OperatorCodeT.BUILTIN_CODE, oc.builtinCode, 0);
                ocOffs[i] = b.endTable();
            }
            int opcodesVec = tableVector(b, ocOffs);

            int[] sgOffs = new int[subgraphs.size()];
            for (int s = 0; s < subgraphs.size(); s++) sgOffs[s] = writeSubgraph(b, subgraphs.get(s));
            int subgraphsVec = tableVector(b, sgOffs);

            int desc = description == null ? 0 : b.createString(description);
            int mdVec = 0;
            if (!metadata.isEmpty()) {
                int[] mdOffs = new int[metadata.size()];
                for (int i = 0; i < metadata.size(); i++) {
                    MetadataRec md = metadata.get(i);
                    int name = md.name == null ? 0 : b.createString(md.name);
                    b.startTable(2);
                    if (name != 0) b.addOffset(MetadataT.NAME, name, 0);
                    b.addInt(MetadataT.BUFFER, (int) md.buffer, 0);
                    mdOffs[i] = b.endTable();
                }
                mdVec = tableVector(b, mdOffs);
            }
            b.startTable(8);
            b.addInt(ModelT.VERSION, (int) version, 0);
            b.addOffset(ModelT.OPERATOR_CODES, opcodesVec, 0);
            b.addOffset(ModelT.SUBGRAPHS, subgraphsVec, 0);
            if (desc != 0) b.addOffset(ModelT.DESCRIPTION, desc, 0);
            b.addOffset(ModelT.BUFFERS, buffersVec, 0);
            if (mdVec != 0) b.addOffset(ModelT.METADATA, mdVec, 0);
            int root = b.endTable();
            b.finish(root, TflSchema.IDENTIFIER);
            return b.sizedByteArray();
        }

        private int writeSubgraph(FlatBufferBuilder b, SubgraphRec s) {
            int[] tOffs = new int[s.tensors.size()];
            for (int i = 0; i < tOffs.length; i++) {
                TensorRec t = s.tensors.get(i);
                String tn = t.name == null ? "" : t.name;
                int name = shareStrings ? b.createSharedString(tn) : b.createString(tn);
                int shape = intVector(b, t.shape);
                int sig = t.shapeSignature == null ? 0 : intVector(b, t.shapeSignature);
                int quant = 0;
                if (t.hasQuant) {
                    int min = t.min == null || t.min.length == 0 ? 0 : floatVector(b, t.min);
                    int max = t.max == null || t.max.length == 0 ? 0 : floatVector(b, t.max);
                    int scale = t.scale == null ? 0 : floatVector(b, t.scale);
                    int zp = 0;
                    if (t.zeroPoint != null) {
                        b.startVector(8, t.zeroPoint.length, 8);
                        for (int k = t.zeroPoint.length - 1; k >= 0; k--) b.addLong(t.zeroPoint[k]);
                        zp = b.endVector();
                    }
                    b.startTable(7);
                    if (min != 0) b.addOffset(QuantT.MIN, min, 0);
                    if (max != 0) b.addOffset(QuantT.MAX, max, 0);
                    if (scale != 0) b.addOffset(QuantT.SCALE, scale, 0);
                    if (zp != 0) b.addOffset(QuantT.ZERO_POINT, zp, 0);
                    b.addInt(QuantT.QUANTIZED_DIMENSION, t.quantDim, 0);
                    quant = b.endTable();
                }
                b.startTable(8);
                b.addOffset(TensorT.SHAPE, shape, 0);
                b.addByte(TensorT.TYPE, (byte) t.type, 0);
                b.addInt(TensorT.BUFFER, (int) t.buffer, 0);
                b.addOffset(TensorT.NAME, name, 0);
                if (quant != 0) b.addOffset(TensorT.QUANTIZATION, quant, 0);
                b.addBoolean(TensorT.IS_VARIABLE, t.variable, false);
                if (sig != 0) b.addOffset(TensorT.SHAPE_SIGNATURE, sig, 0);
                tOffs[i] = b.endTable();
            }
            int tensorsVec = tableVector(b, tOffs);

            int[] oOffs = new int[s.ops.size()];
            for (int i = 0; i < oOffs.length; i++) {
                OpRec op = s.ops.get(i);
                int ins = intVector(b, op.inputs);
                int outs = intVector(b, op.outputs);
                int inter = op.intermediates == null ? 0 : intVector(b, op.intermediates);
                int opts = 0;
                if (op.optionsType != 0) opts = TflOptions.encode(b, TflOptions.byType(op.optionsType), op.options);
                int custom = 0;
                if (op.customOptions != null) {
                    ByteBuffer dst = b.createUnintializedVector(1, op.customOptions.remaining(), 1);
                    dst.put(op.customOptions.duplicate());
                    custom = b.endVector();
                }
                b.startTable(9);
                b.addInt(OperatorT.OPCODE_INDEX, op.opcode, 0);
                b.addOffset(OperatorT.INPUTS, ins, 0);
                b.addOffset(OperatorT.OUTPUTS, outs, 0);
                if (opts != 0) {
                    b.addByte(OperatorT.BUILTIN_OPTIONS_TYPE, (byte) op.optionsType, 0);
                    b.addOffset(OperatorT.BUILTIN_OPTIONS, opts, 0);
                }
                if (custom != 0) b.addOffset(OperatorT.CUSTOM_OPTIONS, custom, 0);
                b.addByte(OperatorT.CUSTOM_OPTIONS_FORMAT, (byte) op.customOptionsFormat, 0);
                if (inter != 0) b.addOffset(OperatorT.INTERMEDIATES, inter, 0);
                oOffs[i] = b.endTable();
            }
            int opsVec = tableVector(b, oOffs);
            int in = intVector(b, s.inputs);
            int out = intVector(b, s.outputs);
            int name = s.name == null ? 0 : b.createString(s.name);
            b.startTable(5);
            b.addOffset(SubGraphT.TENSORS, tensorsVec, 0);
            b.addOffset(SubGraphT.INPUTS, in, 0);
            b.addOffset(SubGraphT.OUTPUTS, out, 0);
            b.addOffset(SubGraphT.OPERATORS, opsVec, 0);
            if (name != 0) b.addOffset(SubGraphT.NAME, name, 0);
            return b.endTable();
        }

        private static int tableVector(FlatBufferBuilder b, int[] offs) { return b.createVectorOfTables(offs); }

        private static int intVector(FlatBufferBuilder b, int[] a) {
            b.startVector(4, a.length, 4);
            for (int k = a.length - 1; k >= 0; k--) b.addInt(a[k]);
            return b.endVector();
        }

        private static int floatVector(FlatBufferBuilder b, float[] a) {
            b.startVector(4, a.length, 4);
            for (int k = a.length - 1; k >= 0; k--) b.addFloat(a[k]);
            return b.endVector();
        }
    }
}
