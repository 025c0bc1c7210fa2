package dev.octet.loaders;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Limits;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Node;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
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
 * <p>Sources are first traced back through earlier chains to the tensors those start from; when that gives more than
 * two, the chain is cut at the nearest 8-bit tensors instead (e.g. YOLO11's bottleneck pair: p = QuantizeLinear(a + b),
 * then QuantizeLinear(DequantizeLinear(p) + SiLU(c)) is a function of p and c, and becomes a LOOKUP_TABLE2 of them).
 *
 * <p>y keeps its tensor (id and name); the chain's intermediates disappear unless something outside the chain reads
 * them (then they are still computed for that reader). A single node is replaced too when it has one source (e.g.
 * ONNX_QLINEAR_LOOKUP, or QLinearMul of x by x or by a constant: LOOKUP_TABLE has a SIMD kernel), not when it has two
 * (a lone QLinearAdd stays). Disabled with
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

    /** Applies the pass (see the class comment); returns {@code g} itself when nothing changed. */
    public static Graph apply(Graph g, Limits limits) {
        Graph r = g;
        for (int i = 0; i < 4; i++) { // a gather moved before a chain can let the next one move too
            Graph next = splitBeforeChain(r, limits);
            if (next == r) break;
            r = next;
        }
        r = quantizeBeforeConcat(r, limits);
        return fuse(r, limits);
    }

    /** A graph under rewrite: tensors (new ones appended) and nodes in execution order. */
    private static final class Edit {
        final Graph g;
        final List<TensorInfo> tensors;
        final List<Node> nodes = new ArrayList<>();
        boolean changed;

        Edit(Graph g) {
            this.g = g;
            this.tensors = new ArrayList<>(g.tensors());
        }

        int add(String name, DataType type, int[] shape, QuantParams q, ByteBuffer data) {
            int id = tensors.size();
            tensors.add(new TensorInfo(id, name, type, shape, q, data, false));
            return id;
        }

        void node(String op, String name, int[] in, int[] out, Attributes a, String origin) { nodes.add(new Node(nodes.size(), op, name, in, out, a, origin)); }

        void node(Node n) { node(n.opType(), n.name(), n.inputs(), n.outputs(), n.attrs(), n.origin()); }

        Graph build(Limits limits) {
            if (!changed) return g;
            Graph.Builder b = Graph.builder(g.semantics(), g.format()).limits(limits);
            for (TensorInfo t : tensors) b.addTensor(t.name(), t.type(), t.shape(), t.quant(), t.data(), t.isVariable());
            for (int id : g.inputs()) b.input(id);
            for (int id : g.outputs()) b.output(id);
            for (Node n : nodes) b.addNode(n.opType(), n.name(), n.inputs(), n.outputs(), n.attrs(), n.origin());
            for (Map.Entry<String, String> e : g.metadata().entrySet()) b.metadata(e.getKey(), e.getValue());
            return pruneDead(b.build(), limits);
        }
    }

    /** Longest chain (nodes from a source) tabulated: longer ones are cut, their 8-bit tensors start new chains. */
    static final int MAX_DEPTH = 32;
    /** Total work of all tabulations of one graph (table entries x chain nodes): bounds load time on hostile graphs. */
    static final long BUDGET = 1L << 28;

    /**
     * For every tensor, the (at most two) 8-bit tensors it is an element-wise function of, or null. sources[t] = {t}
     * for an 8-bit activation that no element-wise node makes from others.
     */
    private static int[][] sources(Graph g) {
        List<TensorInfo> ts = g.tensors();
        int[][] src = new int[ts.size()][];
        int[] depth = new int[ts.size()];
        // near[t]: the same with the paths cut at the nearest 8-bit tensors (a chain ending in QuantizeLinear is a
        // source of its own for the chains that read it), used when the full expansion has more than two sources
        int[][] near = new int[ts.size()][];
        int[] nearDepth = new int[ts.size()];
        for (Node n : g.nodes()) {
            if (!ELEMENTWISE.contains(n.opType()) || n.outputs().length != 1) continue;
            TensorInfo out = ts.get(n.output(0));
            if (out.isVariable()) continue;
            int[] s = new int[0], c = new int[0];
            int d = 0, dc = 0;
            boolean ok = true;
            for (int in : n.inputs()) {
                if (in < 0) continue;
                TensorInfo t = ts.get(in);
                if (t.isConstant()) {
                    if (t.size() != 1) ok = false;
                    continue;
                }
                int[] r = src[in] != null ? src[in] : isSource(t) ? new int[] {in} : null;
                if (r == null || !Arrays.equals(t.shape(), out.shape())) { ok = false; break; }
                if (src[in] != null) d = Math.max(d, depth[in]);
                s = union(s, r);
                int[] rc = isSource(t) ? new int[] {in} : near[in] != null ? near[in] : r;
                if (!isSource(t)) dc = Math.max(dc, near[in] != null ? nearDepth[in] : depth[in]);
                c = union(c, rc);
            }
            if (!ok) continue;
            if (s.length >= 1 && s.length <= 2 && d < MAX_DEPTH) {
                Arrays.sort(s);
                src[n.output(0)] = s;
                depth[n.output(0)] = d + 1;
            } else if (c.length >= 1 && c.length <= 2 && dc < MAX_DEPTH) {
                Arrays.sort(c);
                src[n.output(0)] = c;
                depth[n.output(0)] = dc + 1;
            }
            if (src[n.output(0)] != null && c.length >= 1 && c.length <= 2 && dc < MAX_DEPTH) {
                Arrays.sort(c);
                near[n.output(0)] = c;
                nearDepth[n.output(0)] = dc + 1;
            }
        }
        return src;
    }

    private static int[] union(int[] s, int[] r) {
        for (int v : r) if (Arrays.stream(s).noneMatch(e -> e == v)) { s = Arrays.copyOf(s, s.length + 1); s[s.length - 1] = v; }
        return s;
    }

    private static int[] producers(Graph g) {
        int[] p = new int[g.tensors().size()];
        Arrays.fill(p, -1);
        for (Node n : g.nodes()) for (int o : n.outputs()) p[o] = n.index();
        return p;
    }

    private static int[] readers(Graph g) {
        int[] c = new int[g.tensors().size()];
        for (Node n : g.nodes()) for (int i : n.inputs()) if (i >= 0) c[i]++;
        for (int o : g.outputs()) c[o]++;
        return c;
    }

    /**
     * SPLIT of a float tensor m = f(x), x 8-bit: split x instead and apply a copy of f to each part. Exact: f is
     * element-wise. The same for a nearest-neighbour RESIZE or a TRANSPOSE (gathers: resize(f(x)) = f(resize(x))) whose
     * output is quantized (after other gathers and concatenations), so that the copy of f does become a lookup. The parts' chains then end in QuantizeLinear (or feed a concatenation that does) and become lookups.
     */
    static Graph splitBeforeChain(Graph g, Limits limits) {
        int[][] src = sources(g);
        int[] producer = producers(g);
        Edit e = new Edit(g);
        List<List<Node>> readers = readerNodes(g);
        for (Node n : g.nodes()) {
            int m = n.input(0);
            int[] s = m >= 0 ? src[m] : null;
            boolean movable = n.opType().equals(OnnxOps.SPLIT) || gatherThenQuantized(g, n, readers);
            if (!movable || s == null || s.length != 1 || g.tensor(m).type() != DataType.FLOAT32) {
                e.node(n);
                continue;
            }
            int x = s[0];
            List<Node> chain = chain(g, producer, s, m);
            boolean free = positionFree(chain, g.tensor(m).size()) && g.tensor(x).quant().count() <= 1; // per-tensor: moves as is
            for (int o : n.outputs()) free &= positionFree(chain, g.tensor(o).size());
            if (!free) {
                e.node(n);
                continue;
            }
            TensorInfo xi = g.tensor(x);
            int[] outs = n.outputs(), parts = new int[outs.length];
            for (int i = 0; i < outs.length; i++) parts[i] = e.add(g.tensor(outs[i]).name() + "@q8", xi.type(), g.tensor(outs[i]).shape(), xi.quant(), null);
            e.node(n.opType(), n.name(), new int[] {x}, parts, n.attrs(), n.origin());
            for (int i = 0; i < outs.length; i++) {
                Map<Integer, Integer> map = new java.util.HashMap<>();
                map.put(x, parts[i]);
                int[] shape = g.tensor(outs[i]).shape();
                for (Node c : chain) {
                    int[] ins = c.inputs(), os = c.outputs();
                    for (int k = 0; k < ins.length; k++) if (ins[k] >= 0 && map.containsKey(ins[k])) ins[k] = map.get(ins[k]);
                    for (int k = 0; k < os.length; k++) {
                        TensorInfo t = g.tensor(os[k]);
                        int nid = os[k] == m ? outs[i] : e.add(t.name() + "@" + i, t.type(), shape, t.quant(), null);
                        map.put(os[k], nid);
                        os[k] = nid;
                    }
                    e.node(c.opType(), c.name() + "@" + i, ins, os, c.attrs(), c.origin());
                }
            }
            e.changed = true;
        }
        return e.build(limits);
    }

    private static List<List<Node>> readerNodes(Graph g) {
        List<List<Node>> r = new ArrayList<>();
        for (int i = 0; i < g.tensors().size(); i++) r.add(new ArrayList<>());
        for (Node n : g.nodes()) for (int i : n.inputs()) if (i >= 0) r.get(i).add(n);
        return r;
    }

    /**
     * A one-input gather (nearest RESIZE, TRANSPOSE) whose output reaches a QuantizeLinear through nothing but other
     * such gathers and concatenations, each the only reader of its input (and no graph output on the way).
     */
    private static boolean gatherThenQuantized(Graph g, Node n, List<List<Node>> readers) {
        if (!isGather(n)) return false;
        int t = n.output(0);
        for (int depth = 0; depth < 6; depth++) {
            final int ft = t;
            if (Arrays.stream(g.outputs()).anyMatch(o -> o == ft) || readers.get(t).size() != 1) return false;
            Node r = readers.get(t).get(0);
            if (r.opType().equals(OnnxOps.ONNX_QUANTIZE_LINEAR) && r.input(0) == t) return true;
            if (!(isGather(r) || r.opType().equals(Ops.CONCATENATION)) || r.outputs().length != 1) return false;
            t = r.output(0);
        }
        return false;
    }

    private static boolean isGather(Node n) {
        boolean gather = n.opType().equals(OnnxOps.TRANSPOSE)
                || n.opType().equals(OnnxOps.RESIZE) && "nearest".equals(n.attrs().getString(OnnxOps.ATTR_MODE, "nearest"));
        if (!gather || n.outputs().length != 1) return false;
        for (int k = 1; k < n.inputs().length; k++) if (n.input(k) >= 0) return false;
        return true;
    }

    /**
     * QuantizeLinear (per tensor) of a float CONCATENATION that nothing else reads: quantize each input and concatenate
     * the 8-bit results (same scale and zero point everywhere, so the concatenation only copies). Exact: quantizing is
     * element-wise. Each input's chain then ends in QuantizeLinear and can become a lookup.
     */
    static Graph quantizeBeforeConcat(Graph g, Limits limits) {
        int[] producer = producers(g), readers = readers(g);
        List<Node> nodes = g.nodes();
        boolean[] drop = new boolean[nodes.size()];
        Node[][] replace = new Node[nodes.size()][];
        Edit e = new Edit(g);
        for (Node q : nodes) {
            if (!q.opType().equals(OnnxOps.ONNX_QUANTIZE_LINEAR)) continue;
            int c = q.input(0);
            if (c < 0 || producer[c] < 0 || readers[c] != 1 || g.tensor(c).type() != DataType.FLOAT32) continue;
            Node cc = nodes.get(producer[c]);
            if (!cc.opType().equals(Ops.CONCATENATION) || !"NONE".equals(cc.attrs().getString(Ops.ATTR_ACTIVATION, "NONE"))) continue;
            int sc = q.input(1), zp = q.input(2);
            if (sc < 0 || !g.tensor(sc).isConstant() || g.tensor(sc).size() != 1 || g.tensor(sc).type() != DataType.FLOAT32) continue;
            if (zp >= 0 && (!g.tensor(zp).isConstant() || g.tensor(zp).size() != 1)) continue;
            TensorInfo y = g.tensor(q.output(0));
            if (!y.type().isQuantized8()) continue;
            float scale = g.tensor(sc).data().getFloat(0);
            int z = zp < 0 ? 0 : y.type() == DataType.UINT8 ? g.tensor(zp).data().get(0) & 0xFF : g.tensor(zp).data().get(0);
            if (zp >= 0 && g.tensor(zp).type() != y.type()) continue;
            QuantParams qp = QuantParams.perTensor(scale, z);
            if (!y.quant().isNone() && !(y.quant().count() == 1 && y.quant().scale() == scale && y.quant().zeroPoint() == z)) continue;
            e.tensors.set(y.id(), new TensorInfo(y.id(), y.name(), y.type(), y.shape(), qp, null, false));
            int[] ins = cc.inputs(), qs = new int[ins.length];
            Node[] r = new Node[ins.length + 1];
            for (int i = 0; i < ins.length; i++) {
                TensorInfo t = g.tensor(ins[i]);
                qs[i] = e.add(t.name() + "@q8", y.type(), t.shape(), qp, null);
                r[i] = new Node(0, q.opType(), q.name() + "@" + i, new int[] {ins[i], sc, zp}, new int[] {qs[i]}, q.attrs(), q.origin());
            }
            r[ins.length] = new Node(0, cc.opType(), cc.name(), qs, new int[] {y.id()}, cc.attrs(), cc.origin());
            drop[cc.index()] = true;
            replace[q.index()] = r;
            e.changed = true;
        }
        for (Node n : nodes) {
            if (drop[n.index()]) continue;
            if (replace[n.index()] != null) for (Node r : replace[n.index()]) e.node(r);
            else e.node(n);
        }
        return e.build(limits);
    }

    /** Replaces each chain end by a LOOKUP_TABLE (one source) or LOOKUP_TABLE2 (two sources) node. */
    static Graph fuse(Graph g, Limits limits) {
        List<TensorInfo> ts = g.tensors();
        List<Node> nodes = g.nodes();
        int[][] src = sources(g);
        int[] producer = producers(g);
        Edit e = new Edit(g);
        Map<String, Integer> chains = new TreeMap<>();
        int fused = 0;
        long work = 0;
        for (Node n : nodes) {
            int y = n.outputs().length == 1 ? n.output(0) : -1;
            int[] s = y >= 0 ? src[y] : null;
            List<Node> chain = s == null || !ts.get(y).type().isQuantized8() ? List.of() : chain(g, producer, s, y);
            byte[] table = null;
            // one 8-bit node of one source (QLinearSigmoid's table, QLinearMul of x by itself or a constant...): the SIMD
            // lookup is faster than its own kernel
            boolean worth = chain.size() >= 2 || chain.size() == 1 && s.length == 1 && !chain.get(0).opType().equals(OnnxOps.LOOKUP_TABLE);
            long cost = (s != null && s.length == 2 ? 65536L : 256L) * chain.size();
            if (worth && positionFree(chain, ts.get(y).size()) && work + cost <= BUDGET) {
                work += cost;
                try {
                    table = tabulate(g, chain, s, y);
                } catch (RuntimeException ex) {
                    table = null; // the chain does not compile on its own: leave it to the normal compile (and its error)
                }
            }
            if (table == null) {
                e.node(n);
                continue;
            }
            int tid = e.add(ts.get(y).name() + "@lut", ts.get(y).type(), new int[] {table.length}, ts.get(y).quant(),
                    ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN));
            StringBuilder sb = new StringBuilder();
            for (Node c : chain) sb.append(sb.length() == 0 ? "" : "+").append(c.opType());
            String desc = sb.toString();
            int[] ins = s.length == 1 ? new int[] {s[0], tid} : new int[] {s[0], s[1], tid};
            e.node(s.length == 1 ? OnnxOps.LOOKUP_TABLE : OnnxOps.LOOKUP_TABLE2, n.name(), ins, new int[] {y},
                    Attributes.builder().put(ATTR_CHAIN, desc).build(), n.origin());
            chains.merge((s.length == 2 ? "2 inputs " : "") + desc, 1, Integer::sum);
            fused++;
            e.changed = true;
        }
        if (fused == 0) return g;
        Graph r = e.build(limits);
        Graph.Builder b = Graph.builder(r.semantics(), r.format()).limits(limits);
        for (TensorInfo t : r.tensors()) b.addTensor(t.name(), t.type(), t.shape(), t.quant(), t.data(), t.isVariable());
        for (int id : r.inputs()) b.input(id);
        for (int id : r.outputs()) b.output(id);
        for (Node n : r.nodes()) b.addNode(n.opType(), n.name(), n.inputs(), n.outputs(), n.attrs(), n.origin());
        for (Map.Entry<String, String> en : r.metadata().entrySet()) b.metadata(en.getKey(), en.getValue());
        StringBuilder m = new StringBuilder(fused + (fused == 1 ? " chain:" : " chains:"));
        String sep = " ";
        for (Map.Entry<String, Integer> en : chains.entrySet()) {
            m.append(sep).append(en.getKey()).append(' ').append(en.getValue());
            sep = ", ";
        }
        b.metadata(METADATA, m.toString());
        return b.build();
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

    /** The nodes on the paths from the sources to y (y's producer back to the sources), in graph order. */
    private static List<Node> chain(Graph g, int[] producer, int[] sources, int y) {
        boolean[] in = new boolean[g.nodes().size()];
        ArrayList<Integer> stack = new ArrayList<>();
        stack.add(y);
        while (!stack.isEmpty()) {
            int t = stack.remove(stack.size() - 1);
            if (Arrays.stream(sources).anyMatch(v -> v == t)) continue;
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
     * Runs the chain's nodes (reference kernels) on every code of its source(s) and returns y's bytes: 256 entries
     * indexed by the source's raw byte read as unsigned, or 65536 indexed by (a << 8) | b for sources a, b (raw bytes).
     * The chain's tensors get shape [1, ..., 1, entries] of y's rank; its constants keep theirs (one element: they
     * broadcast as in the model).
     */
    static byte[] tabulate(Graph g, List<Node> chain, int[] sources, int y) {
        int entries = sources.length == 1 ? 256 : 65536;
        int[] shape = new int[g.tensor(y).rank()];
        Arrays.fill(shape, 1);
        shape[shape.length - 1] = entries;
        Graph.Builder b = Graph.builder(g.semantics(), g.format());
        Map<Integer, Integer> id = new java.util.HashMap<>();
        for (int x : sources) {
            TensorInfo xi = g.tensor(x);
            id.put(x, b.addTensor(xi.name(), xi.type(), shape, xi.quant(), null, false));
            b.input(id.get(x));
        }
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
        try (Interpreter it = m.newInterpreter()) {
            for (int k = 0; k < sources.length; k++) {
                byte[] codes = new byte[entries];
                int shift = 8 * (sources.length - 1 - k);
                for (int i = 0; i < entries; i++) codes[i] = (byte) (i >>> shift);
                it.setInput(k, codes);
            }
            it.run();
            byte[] out = it.output(0).bytes();
            if (out.length != entries || it.output(0).type() != g.tensor(y).type()) throw new IllegalStateException("chain output " + it.output(0));
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
