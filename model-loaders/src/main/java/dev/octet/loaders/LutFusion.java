package dev.octet.loaders;

import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Limits;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Node;
import dev.octet.core.OctetException;
import dev.octet.core.Ops;
import dev.octet.core.TensorInfo;
import dev.octet.ops.BuiltinOps;
import dev.octet.ops.onnx.OnnxOps;
import dev.octet.ops.onnx.QdqFusedOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Graph pass: replaces every chain of element-wise nodes that computes an 8-bit tensor from ONE other 8-bit tensor by a
 * single {@link OnnxOps#LOOKUP_TABLE} node.
 *
 * <p>A tensor y (int8/uint8) is an element-wise function of a tensor x (int8/uint8, not constant) when every node on
 * the paths from x to y is element-wise ({@link #ELEMENTWISE}), has x's shape on all its inputs and its output, and
 * reads nothing else than tensors of the chain and one-element constants (scale, zero point, a scalar operand). Then
 * y[i] = f(x[i]) for one f of the 256 codes of x. The table of f is computed at load time by running the chain's own
 * nodes, with the reference kernels, on a tensor holding each code once: the fused node gives exactly the bytes the
 * chain gave, whatever arithmetic the chain does (float sigmoid, ONNX Runtime's QLinearMul rounding, saturation, NaN
 * handling...). Typical catch: the SiLU of a QDQ model, DequantizeLinear -> Sigmoid -> Mul(x, sigmoid) ->
 * QuantizeLinear (four passes over memory, two of them in float, become one byte lookup).
 *
 * <p>y keeps its tensor (id and name); the chain's intermediates disappear unless something outside the chain reads
 * them (then they are still computed for that reader). Chains of a single node are left alone. Disabled with
 * {@code -Doctet.lutFusion=false}. The graph metadata key {@link #METADATA} counts what was fused.
 */
public final class LutFusion {
    private LutFusion() {}

    /** Graph metadata key: e.g. "77 chains: ONNX_DEQUANTIZE_LINEAR+LOGISTIC+MUL+ONNX_QUANTIZE_LINEAR 77". */
    public static final String METADATA = "octet.lut_fused";
    /** Attribute of the LOOKUP_TABLE node: the ops it replaced, in order, joined by '+'. */
    public static final String ATTR_CHAIN = "chain";

    /** IR operators whose kernels compute each output element from the same-index input elements only. */
    public static final Set<String> ELEMENTWISE = Set.of(Ops.ADD, Ops.SUB, Ops.MUL, Ops.DIV, Ops.LOGISTIC, Ops.TANH, Ops.HARD_SWISH, Ops.RELU,
            Ops.RELU6, Ops.RELU_N1_TO_1, "LEAKY_RELU", OnnxOps.CLIP, OnnxOps.HARD_SIGMOID, OnnxOps.CAST, OnnxOps.IDENTITY,
            OnnxOps.ONNX_QUANTIZE_LINEAR, OnnxOps.ONNX_DEQUANTIZE_LINEAR, QdqFusedOps.ONNX_QLINEAR_LOOKUP, QdqFusedOps.ONNX_QLINEAR_BINARY,
            OnnxOps.LOOKUP_TABLE);

    /** False when {@code -Doctet.lutFusion=false}. */
    public static boolean enabled() { return !"false".equals(System.getProperty("octet.lutFusion")); }

    /** Applies the pass when {@link #enabled()}; returns {@code g} itself when nothing was fused. */
    public static Graph applyIfEnabled(Graph g, Limits limits) { return enabled() ? apply(g, limits) : g; }

    /** Applies the pass (see the class comment); returns {@code g} itself when nothing was fused. */
    public static Graph apply(Graph g, Limits limits) {
        List<TensorInfo> ts = g.tensors();
        List<Node> nodes = g.nodes();
        int nt = ts.size();
        int[] src = new int[nt], producer = new int[nt];
        Arrays.fill(src, -1);
        Arrays.fill(producer, -1);
        for (Node n : nodes) for (int o : n.outputs()) producer[o] = n.index();
        for (Node n : nodes) {
            if (!ELEMENTWISE.contains(n.opType()) || n.outputs().length != 1) continue;
            TensorInfo out = ts.get(n.output(0));
            if (out.isVariable()) continue;
            int s = -1;
            boolean ok = true;
            for (int in : n.inputs()) {
                if (in < 0) continue;
                TensorInfo t = ts.get(in);
                if (t.isConstant()) {
                    if (t.size() != 1) ok = false;
                    continue;
                }
                int r = src[in] >= 0 ? src[in] : isSource(t) ? in : -1;
                if (r < 0 || s >= 0 && s != r || !Arrays.equals(t.shape(), out.shape())) ok = false;
                s = r;
            }
            if (ok && s >= 0 && Arrays.equals(out.shape(), ts.get(s).shape())) src[n.output(0)] = s;
        }
        // replacement LOOKUP_TABLE node per chain end (indexed by the node that produced the end)
        Node[] replace = new Node[nodes.size()];
        List<TensorInfo> newConsts = new ArrayList<>();
        Map<String, Integer> chains = new TreeMap<>();
        int fused = 0;
        for (Node n : nodes) {
            if (n.outputs().length != 1) continue;
            int y = n.output(0), x = src[y];
            if (x < 0 || !ts.get(y).type().isQuantized8()) continue;
            List<Node> chain = chain(g, src, producer, x, y);
            if (chain.size() < 2 || !positionFree(chain, ts.get(x).size())) continue;
            byte[] table;
            try {
                table = tabulate(g, chain, x, y);
            } catch (OctetException e) {
                continue; // the chain does not compile on its own: leave it to the normal compile (and its error)
            }
            int tid = nt + newConsts.size();
            ByteBuffer data = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
            newConsts.add(new TensorInfo(tid, ts.get(y).name() + "@lut", ts.get(y).type(), new int[] {256}, ts.get(y).quant(), data, false));
            StringBuilder sb = new StringBuilder();
            for (Node c : chain) sb.append(sb.length() == 0 ? "" : "+").append(c.opType());
            String desc = sb.toString();
            replace[n.index()] = new Node(n.index(), OnnxOps.LOOKUP_TABLE, n.name(), new int[] {x, tid}, new int[] {y},
                    dev.octet.core.Attributes.builder().put(ATTR_CHAIN, desc).build(), n.origin());
            chains.merge(desc, 1, Integer::sum);
            fused++;
        }
        if (fused == 0) return g;
        Graph.Builder b = Graph.builder(g.semantics(), g.format()).limits(limits);
        for (TensorInfo t : ts) b.addTensor(t.name(), t.type(), t.shape(), t.quant(), t.data(), t.isVariable());
        for (TensorInfo t : newConsts) b.addTensor(t.name(), t.type(), t.shape(), t.quant(), t.data(), false);
        for (int id : g.inputs()) b.input(id);
        for (int id : g.outputs()) b.output(id);
        for (Node n : nodes) {
            Node r = replace[n.index()] != null ? replace[n.index()] : n;
            b.addNode(r.opType(), r.name(), r.inputs(), r.outputs(), r.attrs(), r.origin());
        }
        for (Map.Entry<String, String> e : g.metadata().entrySet()) b.metadata(e.getKey(), e.getValue());
        StringBuilder m = new StringBuilder(fused + (fused == 1 ? " chain:" : " chains:"));
        String sep = " ";
        for (Map.Entry<String, Integer> e : chains.entrySet()) {
            m.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        b.metadata(METADATA, m.toString());
        return pruneDead(b.build(), limits);
    }

    /**
     * Float kernels that follow Eigen's packet/scalar split (TFLite's float LOGISTIC, TANH, RELU, RELU_N1_TO_1, which
     * ONNX graphs use too) compute the last size % 4 elements with scalar code that differs in corner cases (below -9
     * for the logistic, subnormals): then an element's value depends on its position and no single table is exact.
     */
    private static final Set<String> PACKET_TAIL = Set.of(Ops.LOGISTIC, Ops.TANH, Ops.RELU, Ops.RELU_N1_TO_1);

    /** True when every element of the chain's tensors is computed the same way (see PACKET_TAIL). */
    private static boolean positionFree(List<Node> chain, int size) {
        if ((size & 3) == 0) return true;
        for (Node n : chain) if (PACKET_TAIL.contains(n.opType())) return false;
        return true;
    }

    /** An 8-bit activation a chain can start from. */
    private static boolean isSource(TensorInfo t) { return t.type().isQuantized8() && !t.isConstant() && !t.isVariable() && t.rank() >= 1; }

    /** The nodes on the paths from x to y (y's producer back to x), in graph order. */
    private static List<Node> chain(Graph g, int[] src, int[] producer, int x, int y) {
        boolean[] in = new boolean[g.nodes().size()];
        ArrayList<Integer> stack = new ArrayList<>();
        stack.add(y);
        while (!stack.isEmpty()) {
            int t = stack.remove(stack.size() - 1);
            if (t == x) continue;
            int p = producer[t];
            if (p < 0 || in[p]) continue;
            in[p] = true;
            for (int i : g.nodes().get(p).inputs()) if (i >= 0 && !g.tensor(i).isConstant()) stack.add(i);
        }
        List<Node> r = new ArrayList<>();
        for (Node n : g.nodes()) if (in[n.index()]) r.add(n);
        return r;
    }

    /**
     * Runs the chain's nodes (reference kernels) on the 256 codes of x and returns y's bytes, indexed by x's raw byte
     * read as unsigned. The chain's tensors get shape [1, ..., 1, 256] of x's rank; its constants keep theirs (one
     * element: they broadcast as in the model).
     */
    static byte[] tabulate(Graph g, List<Node> chain, int x, int y) {
        TensorInfo xi = g.tensor(x);
        int[] shape = new int[xi.rank()];
        Arrays.fill(shape, 1);
        shape[shape.length - 1] = 256;
        Graph.Builder b = Graph.builder(g.semantics(), g.format());
        Map<Integer, Integer> id = new java.util.HashMap<>();
        id.put(x, b.addTensor(xi.name(), xi.type(), shape, xi.quant(), null, false));
        b.input(id.get(x));
        List<Node> copies = new ArrayList<>();
        for (Node n : chain) {
            int[] ins = n.inputs(), outs = n.outputs();
            for (int k = 0; k < ins.length; k++) {
                if (ins[k] < 0) continue;
                int old = ins[k];
                TensorInfo t = g.tensor(old);
                if (!id.containsKey(old)) {
                    if (!t.isConstant()) throw new IllegalStateException("chain input " + t + " neither constant nor produced in the chain");
                    id.put(old, b.addTensor(t.name(), t.type(), t.shape(), t.quant(), t.data(), false));
                }
                ins[k] = id.get(old);
            }
            for (int k = 0; k < outs.length; k++) {
                TensorInfo t = g.tensor(outs[k]);
                int nid = b.addTensor(t.name(), t.type(), shape, t.quant(), null, false);
                id.put(outs[k], nid);
                outs[k] = nid;
            }
            b.addNode(n.opType(), n.name(), ins, outs, n.attrs(), n.origin());
        }
        b.output(id.get(y));
        Model m = Model.compile(b.build(), BuiltinOps.get(), new ModelOptions(KernelMode.REFERENCE, 1, Limits.DEFAULT));
        byte[] codes = new byte[256];
        for (int i = 0; i < 256; i++) codes[i] = (byte) i;
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, codes);
            it.run();
            byte[] out = it.output(0).bytes();
            if (out.length != 256 || it.output(0).type() != g.tensor(y).type() || g.tensor(y).type() == DataType.FLOAT32) {
                throw new IllegalStateException("chain output " + it.output(0));
            }
            return out;
        }
    }

    /**
     * Drops nodes whose outputs nothing reads (every IR op is free of side effects); returns {@code g} itself when
     * every node is live.
     */
    public static Graph pruneDead(Graph g, Limits limits) {
        int nt = g.tensors().size();
        boolean[] live = new boolean[nt];
        for (int id : g.outputs()) live[id] = true;
        List<Node> nodes = g.nodes();
        boolean[] keep = new boolean[nodes.size()];
        int dead = 0;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            for (int o : n.outputs()) if (live[o]) keep[i] = true;
            if (!keep[i]) { dead++; continue; }
            for (int in : n.inputs()) if (in >= 0) live[in] = true;
        }
        if (dead == 0) return g;
        Graph.Builder nb = Graph.builder(g.semantics(), g.format()).limits(limits);
        for (TensorInfo t : g.tensors()) nb.addTensor(t.name(), t.type(), t.shape(), t.quant(), t.data(), t.isVariable());
        for (int id : g.inputs()) nb.input(id);
        for (int id : g.outputs()) nb.output(id);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (keep[i]) nb.addNode(n.opType(), n.name(), n.inputs(), n.outputs(), n.attrs(), n.origin());
        }
        for (Map.Entry<String, String> e : g.metadata().entrySet()) nb.metadata(e.getKey(), e.getValue());
        return nb.build();
    }
}
