package dev.octet.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled model: the graph with every shape inferred, one prepared {@link Kernel} per node (weights
 * packed once), constants materialized once, and the arena plan. Immutable and safe to share across
 * threads; each thread runs its own {@link Interpreter} from {@link #newInterpreter()}.
 */
public final class Model {
    private final Graph graph;
    private final List<TensorInfo> tensors; // with inferred shapes
    private final Kernel[] kernels;
    private final Object[] constArrays;     // per tensor id, null unless a runtime-read constant
    private final ArenaPlan plan;
    private final int[] scratch;            // elements per storage class
    private final ModelOptions options;

    private Model(Graph graph, List<TensorInfo> tensors, Kernel[] kernels, Object[] constArrays, ArenaPlan plan, int[] scratch, ModelOptions options) {
        this.graph = graph;
        this.tensors = tensors;
        this.kernels = kernels;
        this.constArrays = constArrays;
        this.plan = plan;
        this.scratch = scratch;
        this.options = options;
    }

    /** Prepares every node with the resolver's kernels, infers shapes and plans the arena. */
    public static Model compile(Graph graph, OpResolver resolver, ModelOptions options) {
        int nt = graph.tensors().size();
        List<TensorInfo> tensors = new ArrayList<>(graph.tensors());
        Kernel[] kernels = new Kernel[graph.nodes().size()];
        boolean[] runtimeConst = new boolean[nt];
        int[] scratch = new int[DataType.Storage.values().length];
        long[] tableBytes = new long[1];
        for (Node node : graph.nodes()) {
            if (foldHalfDequantize(node, tensors)) {
                kernels[node.index()] = FOLDED;
                continue;
            }
            KernelFactory f = resolver.find(node.opType());
            if (f == null) {
                throw new UnsupportedOpException(node.opType(), node.index(), UnsupportedOpException.where(node, signature(node, tensors),
                        node.origin().equals(node.opType()) ? "no kernel registered" : "no kernel registered (from " + node.origin() + ")"));
            }
            Prep ctx = new Prep(graph, tensors, node, options, scratch, tableBytes);
            Kernel k;
            try {
                k = f.create(ctx);
            } catch (OctetException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ModelFormatException(node.describe() + ": cannot prepare: " + e, e);
            }
            if (k == null) throw new IllegalStateException("kernel factory for " + node.opType() + " returned null");
            for (int i = 0; i < node.outputs().length; i++) {
                TensorInfo o = tensors.get(node.output(i));
                if (!Shapes.isKnown(o.shape())) throw new ModelFormatException(node.describe() + ": output " + i + " ('" + o.name() + "') has no known shape after preparation");
                options.limits().checkTensorBytes("tensor '" + o.name() + "'", (long) o.size() * o.type().byteSize());
            }
            for (int i = 0; i < node.inputs().length; i++) {
                int id = node.input(i);
                if (id >= 0 && tensors.get(id).isConstant() && !ctx.packed[i]) runtimeConst[id] = true;
            }
            kernels[node.index()] = allOutputsEmpty(node, tensors) ? new EmptyOutputs(k) : k;
        }
        for (int id : graph.outputs()) if (tensors.get(id).isConstant()) runtimeConst[id] = true;
        Object[] constArrays = new Object[nt];
        for (int id = 0; id < nt; id++) if (runtimeConst[id]) constArrays[id] = materialize(tensors.get(id));

        // lifetimes
        int nn = graph.nodes().size();
        int[] first = new int[nt];
        int[] last = new int[nt];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        for (int id : graph.inputs()) { first[id] = -1; last[id] = Math.max(last[id], -1); }
        for (Node node : graph.nodes()) {
            for (int id : node.outputs()) { first[id] = Math.min(first[id], node.index()); last[id] = Math.max(last[id], node.index()); }
            for (int id : node.inputs()) if (id >= 0) last[id] = Math.max(last[id], node.index());
        }
        for (int id : graph.outputs()) last[id] = nn;
        for (int id : graph.inputs()) last[id] = nn; // inputs stay intact: a second run() sees the same input
        int[] sizes = new int[nt];
        DataType.Storage[] storage = new DataType.Storage[nt];
        for (int id = 0; id < nt; id++) {
            TensorInfo t = tensors.get(id);
            storage[id] = t.type().storage();
            if (t.isConstant()) { first[id] = Integer.MAX_VALUE; continue; }
            if (t.isVariable()) { first[id] = -1; last[id] = nn; }
            if (first[id] == Integer.MAX_VALUE) continue; // unused tensor
            sizes[id] = Math.max(0, t.size());
        }
        ArenaPlan plan = ArenaPlan.plan(sizes, storage, first, last, options.limits());
        return new Model(graph, List.copyOf(tensors), kernels, constArrays, plan, scratch, options);
    }

    /** Whether every output of the node has zero elements (a dimension of 0): running it can write nothing. */
    private static boolean allOutputsEmpty(Node node, List<TensorInfo> tensors) {
        if (node.outputs().length == 0) return false;
        for (int id : node.outputs()) if (tensors.get(id).size() != 0) return false;
        return true;
    }

    /**
     * Stands in for the kernel of a node whose outputs are all empty: there is nothing to compute, and a kernel's
     * loops over the other (possibly huge) dimensions of an empty tensor would only burn time.
     */
    private record EmptyOutputs(Kernel prepared) implements Kernel {
        @Override public void run(ExecContext ctx) {}
        @Override public String variant() { return "empty-output"; }
    }

    /** "in0, in1 -> out0" types of a node's tensors ("-" for an absent optional input). */
    static String signature(Node node, List<TensorInfo> tensors) {
        StringBuilder sig = new StringBuilder();
        for (int i = 0; i < node.inputs().length; i++) sig.append(i == 0 ? "" : ", ").append(node.input(i) < 0 ? "-" : tensors.get(node.input(i)).type().lowerName());
        sig.append(" -> ");
        for (int i = 0; i < node.outputs().length; i++) sig.append(i == 0 ? "" : ", ").append(tensors.get(node.output(i)).type().lowerName());
        return sig.toString();
    }

    /** The kernel left in place of a node whose output was computed at load (it does nothing at run time). */
    private static final Kernel FOLDED = new Kernel() {
        @Override public void run(ExecContext ctx) {}
        @Override public String variant() { return "folded-at-load"; }
    };

    /**
     * A DEQUANTIZE of a constant float16 tensor (how TFLite stores float16 weights) is evaluated once here: its
     * output becomes a float32 constant (each value widened exactly), so the consumers pack it as float weights and
     * no DEQUANTIZE runs per inference. Returns whether the node was folded.
     */
    private static boolean foldHalfDequantize(Node node, List<TensorInfo> tensors) {
        if (!Ops.DEQUANTIZE.equals(node.opType()) || node.inputs().length != 1 || node.outputs().length != 1 || node.input(0) < 0) return false;
        TensorInfo src = tensors.get(node.input(0)), dst = tensors.get(node.output(0));
        if (!src.isConstant() || src.type() != DataType.FLOAT16 || dst.type() != DataType.FLOAT32 || dst.isVariable() || dst.isConstant()) return false;
        int[] declared = dst.shape();
        if (declared.length > 0 && Shapes.isKnown(declared) && !Arrays.equals(declared, src.shape())) return false; // let the kernel report it
        short[] half = (short[]) materialize(src);
        ByteBuffer b = ByteBuffer.allocate(half.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (short h : half) b.putFloat(Float.float16ToFloat(h));
        b.flip();
        tensors.set(dst.id(), new TensorInfo(dst.id(), dst.name(), DataType.FLOAT32, src.shape(), dst.quant(), b, false));
        return true;
    }

    static Object materialize(TensorInfo t) {
        ByteBuffer b = t.data().order(ByteOrder.LITTLE_ENDIAN);
        int n = t.size();
        return switch (t.type().storage()) {
            case BYTE -> { byte[] a = new byte[n]; b.get(a); yield a; }
            case SHORT -> { short[] a = new short[n]; b.asShortBuffer().get(a); yield a; }
            case INT -> { int[] a = new int[n]; b.asIntBuffer().get(a); yield a; }
            case LONG -> { long[] a = new long[n]; b.asLongBuffer().get(a); yield a; }
            case FLOAT -> { float[] a = new float[n]; b.asFloatBuffer().get(a); yield a; }
        };
    }

    /** A new interpreter with its own arena (allocated now, reused by every run). */
    public Interpreter newInterpreter() { return new Interpreter(this); }

    public Graph graph() { return graph; }

    /** Tensor descriptions with inferred shapes. */
    public List<TensorInfo> tensors() { return tensors; }

    public TensorInfo tensor(int id) { return tensors.get(id); }

    public ModelOptions options() { return options; }

    public int inputCount() { return graph.inputs().length; }

    public int outputCount() { return graph.outputs().length; }

    public TensorInfo input(int i) { return tensors.get(graph.inputs()[i]); }

    public TensorInfo output(int i) { return tensors.get(graph.outputs()[i]); }

    /** The prepared kernel of node i. */
    public Kernel kernel(int node) { return kernels[node]; }

    /** Bytes of activation memory each interpreter allocates (all arena pools). */
    public long arenaBytes() { return plan.bytes(); }

    /** Bytes of scratch memory each interpreter allocates. */
    public long scratchBytes() {
        long b = 0;
        for (DataType.Storage s : DataType.Storage.values()) b += (long) scratch[s.ordinal()] * ArenaPlan.elementBytes(s);
        return b;
    }

    /** Bytes of constant data in the model (weights, biases, tables). */
    public long parameterBytes() {
        long b = 0;
        for (TensorInfo t : tensors) if (t.isConstant()) b += (long) t.size() * t.type().byteSize();
        return b;
    }

    /** Total multiply-accumulates of one inference, as the kernels report them. */
    public long totalMacs() {
        long m = 0;
        for (Kernel k : kernels) m += k.macs();
        return m;
    }

    ArenaPlan plan() { return plan; }

    Object constArray(int id) { return constArrays[id]; }

    int scratchSize(DataType.Storage s) { return scratch[s.ordinal()]; }

    Kernel[] kernels() { return kernels; }

    /** The PrepareContext handed to kernel factories. */
    private static final class Prep implements PrepareContext {
        private final Graph graph;
        private final List<TensorInfo> tensors;
        private final Node node;
        private final ModelOptions options;
        private final int[] scratch;
        private final long[] tableBytes;
        final boolean[] packed;

        Prep(Graph graph, List<TensorInfo> tensors, Node node, ModelOptions options, int[] scratch, long[] tableBytes) {
            this.tableBytes = tableBytes;
            this.graph = graph;
            this.tensors = tensors;
            this.node = node;
            this.options = options;
            this.scratch = scratch;
            this.packed = new boolean[node.inputs().length];
        }

        @Override public Node node() { return node; }
        @Override public Graph graph() { return graph; }
        @Override public Semantics semantics() { return graph.semantics(); }
        @Override public ModelOptions options() { return options; }
        @Override public int inputCount() { return node.inputs().length; }
        @Override public int outputCount() { return node.outputs().length; }
        @Override public int inputId(int i) { return node.input(i); }
        @Override public int outputId(int i) { return node.output(i); }

        @Override
        public TensorInfo input(int i) {
            int id = node.input(i);
            return id < 0 ? null : tensors.get(id);
        }

        @Override public TensorInfo output(int i) { return tensors.get(node.output(i)); }
        @Override public boolean hasInput(int i) { return node.input(i) >= 0; }

        @Override
        public boolean isConstant(int i) {
            TensorInfo t = input(i);
            return t != null && t.isConstant();
        }

        @Override
        public void setOutputShape(int i, int[] shape) {
            for (int d : shape) if (d < 0) throw invalid("computed a negative output dimension " + Shapes.str(shape) + " (check strides, padding and input sizes)");
            TensorInfo o = output(i);
            int[] declared = o.shape();
            if (declared.length > 0 && Shapes.isKnown(declared) && !Arrays.equals(declared, shape)) {
                // TFLite files may declare a scalar-like or flattened shape with equal element count; accept only an exact match.
                throw invalid("output " + i + " ('" + o.name() + "') is declared " + Shapes.str(declared) + " but the inputs give " + Shapes.str(shape));
            }
            Shapes.size(shape);
            tensors.set(o.id(), o.withShape(shape));
        }

        @Override public void markPacked(int i) { packed[i] = true; }

        @Override
        public void reserveTable(String what, long bytes) {
            options.limits().checkTensorBytes(node.describe() + " " + what, bytes);
            long total = tableBytes[0] + bytes;
            if (total > options.limits().maxArenaBytes()) {
                throw new ResourceLimitException(node.describe() + " " + what + " brings the model's load-time tables to " + total
                        + " bytes, over the limit of " + options.limits().maxArenaBytes() + " bytes (Limits.maxArenaBytes)");
            }
            tableBytes[0] = total;
        }

        private TensorInfo needConst(int i) {
            TensorInfo t = input(i);
            if (t == null || !t.isConstant()) throw invalid("input " + i + " must be a constant tensor");
            return t;
        }

        @Override public ByteBuffer constData(int i) { return needConst(i).data(); }

        @Override
        public byte[] constBytes(int i) {
            TensorInfo t = needConst(i);
            if (t.type().storage() != DataType.Storage.BYTE) throw invalid("input " + i + " must be 8-bit, is " + t.type().lowerName());
            return (byte[]) materialize(t);
        }

        @Override
        public int[] constInts(int i) {
            TensorInfo t = needConst(i);
            Object a = materialize(t);
            int n = t.size();
            int[] r = new int[n];
            switch (t.type()) {
                case INT32 -> { return (int[]) a; }
                case INT64 -> {
                    long[] l = (long[]) a;
                    for (int k = 0; k < n; k++) {
                        long v = l[k];
                        r[k] = v > Integer.MAX_VALUE ? Integer.MAX_VALUE : v < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) v;
                    }
                }
                case INT16 -> { short[] s = (short[]) a; for (int k = 0; k < n; k++) r[k] = s[k]; }
                case INT8, BOOL -> { byte[] b = (byte[]) a; for (int k = 0; k < n; k++) r[k] = b[k]; }
                case UINT8 -> { byte[] b = (byte[]) a; for (int k = 0; k < n; k++) r[k] = b[k] & 0xFF; }
                default -> throw invalid("input " + i + " must be an integer tensor, is " + t.type().lowerName());
            }
            return r;
        }

        @Override
        public long[] constLongs(int i) {
            TensorInfo t = needConst(i);
            if (t.type() == DataType.INT64) return (long[]) materialize(t);
            int[] v = constInts(i);
            long[] r = new long[v.length];
            for (int k = 0; k < v.length; k++) r[k] = v[k];
            return r;
        }

        @Override
        public float[] constFloats(int i) {
            TensorInfo t = needConst(i);
            if (t.type() == DataType.FLOAT32) return (float[]) materialize(t);
            if (t.type() == DataType.FLOAT16) {
                short[] s = (short[]) materialize(t);
                float[] r = new float[s.length];
                for (int k = 0; k < s.length; k++) r[k] = Float.float16ToFloat(s[k]);
                return r;
            }
            throw invalid("input " + i + " must be float32 or float16, is " + t.type().lowerName());
        }

        @Override
        public void requestScratch(DataType.Storage storage, int elements) {
            if (elements < 0) throw invalid("negative scratch request");
            options.limits().checkTensorBytes(node.describe() + " scratch", (long) elements * ArenaPlan.elementBytes(storage));
            scratch[storage.ordinal()] = Math.max(scratch[storage.ordinal()], elements);
        }
    }
}
