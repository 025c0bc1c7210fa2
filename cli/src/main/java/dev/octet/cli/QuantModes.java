package dev.octet.cli;

import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Model;
import dev.octet.core.Node;
import dev.octet.core.QuantParams;
import dev.octet.core.TensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names how each tensor of a model is quantized and what kind of model it is as a whole, for {@code octet inspect}.
 *
 * <p>Tensor modes: {@code float32}, {@code float32 (float16 expanded at load)} (the output of a float16 DEQUANTIZE
 * that Octet folds into a constant), {@code float16 (weights expanded at load)}, {@code float16 activation},
 * {@code int8 per-tensor}, {@code int8 per-channel (axis A)}, {@code uint8 asymmetric}, {@code int16 symmetric}
 * (zero point 0) or {@code int16 asymmetric}, {@code int32 bias} (a quantized int32 constant, per-channel with its
 * axis), and the plain type name for tensors without quantization (shape tensors, indices, raw uint8 images; in ONNX
 * models the 8-bit tensors whose scales are separate QDQ / QOperator tensors are "int8/uint8 (no quantization parameters)").
 *
 * <p>Model kinds (first match): {@code dynamic-range (hybrid)} (an op takes a float32 activation and constant 8-bit
 * weights), {@code full-integer int8} (int8 activations), {@code uint8 QAT} (uint8 activations, TFLite's legacy
 * quantized models; for ONNX {@code uint8 activations}), {@code float16 weights}, {@code float32}.
 */
final class QuantModes {
    private QuantModes() {}

    /** Tensors whose float32 content Octet computed at load from a float16 constant (ids), from the compiled model. */
    static boolean[] expandedAtLoad(Graph graph, Model model) {
        boolean[] r = new boolean[graph.tensors().size()];
        if (model == null) return r;
        for (Node n : graph.nodes()) {
            if (model.kernel(n.index()).variant().equals("folded-at-load")) for (int id : n.outputs()) r[id] = true;
        }
        return r;
    }

    /** The quantization mode of a tensor as read from the file ({@code graph.tensors()}). */
    static String mode(TensorInfo t, boolean expanded) {
        QuantParams q = t.quant();
        DataType type = t.type();
        return switch (type) {
            case FLOAT32 -> expanded ? "float32 (float16 expanded at load)" : "float32";
            case FLOAT16 -> t.isConstant() ? "float16 (weights expanded at load)" : "float16 activation";
            case INT8 -> q.isNone() ? "int8 (no quantization parameters)" : q.isPerAxis() ? "int8 per-channel (axis " + q.axis() + ")" : "int8 per-tensor";
            case UINT8 -> q.isNone() ? "uint8 (no quantization parameters)"
                    : q.isPerAxis() ? "uint8 per-channel (axis " + q.axis() + ")" : "uint8 asymmetric";
            case INT16 -> q.isNone() ? "int16 (no quantization)" : allZero(q) ? "int16 symmetric" : "int16 asymmetric";
            case INT32 -> q.isNone() ? "int32" : q.isPerAxis() ? "int32 bias per-channel (axis " + q.axis() + ")" : "int32 bias";
            default -> type.lowerName();
        };
    }

    private static boolean allZero(QuantParams q) {
        for (int i = 0; i < q.count(); i++) if (q.zeroPoint(i) != 0) return false;
        return true;
    }

    /** Mode -> number of tensors, in order of first appearance (unused placeholder tensors skipped). */
    static Map<String, Integer> histogram(Graph graph, boolean[] expanded) {
        boolean[] used = used(graph);
        Map<String, Integer> h = new LinkedHashMap<>();
        for (TensorInfo t : graph.tensors()) if (used[t.id()]) h.merge(mode(t, expanded[t.id()]), 1, Integer::sum);
        return h;
    }

    static boolean[] used(Graph graph) {
        boolean[] used = new boolean[graph.tensors().size()];
        for (Node n : graph.nodes()) {
            for (int id : n.inputs()) if (id >= 0) used[id] = true;
            for (int id : n.outputs()) used[id] = true;
        }
        for (int id : graph.inputs()) used[id] = true;
        for (int id : graph.outputs()) used[id] = true;
        return used;
    }

    /** Nodes that take a float32 activation and constant 8-bit weights (dynamic-range quantization). */
    static List<Node> hybridNodes(Graph graph) {
        List<Node> r = new ArrayList<>();
        for (Node n : graph.nodes()) {
            boolean floatActivation = false, byteWeights = false;
            for (int id : n.inputs()) {
                if (id < 0) continue;
                TensorInfo t = graph.tensor(id);
                if (!t.isConstant() && t.type() == DataType.FLOAT32) floatActivation = true;
                if (t.isConstant() && (t.type() == DataType.INT8 || t.type() == DataType.UINT8) && !t.quant().isNone()) byteWeights = true;
            }
            boolean floatOut = n.outputs().length > 0 && graph.tensor(n.output(0)).type() == DataType.FLOAT32;
            if (floatActivation && byteWeights && floatOut) r.add(n);
        }
        return r;
    }

    /** The model-level summary, e.g. "full-integer int8 (weights int8 per-channel; I/O uint8)". */
    static String summary(Graph graph) {
        int int8 = 0, uint8 = 0, int16 = 0, halfConst = 0;
        boolean perChannel = false;
        boolean[] used = used(graph);
        for (TensorInfo t : graph.tensors()) {
            if (!used[t.id()]) continue;
            boolean q = !t.quant().isNone();
            if (t.isConstant()) {
                if (t.type() == DataType.FLOAT16) halfConst++;
                if (q && t.quant().isPerAxis() && t.type() != DataType.INT32) perChannel = true;
                continue;
            }
            if (!q) continue;
            switch (t.type()) {
                case INT8 -> int8++;
                case UINT8 -> uint8++;
                case INT16 -> int16++;
                default -> { }
            }
        }
        List<Node> hybrid = hybridNodes(graph);
        String io = ioTypes(graph);
        if (!hybrid.isEmpty()) return "dynamic-range (hybrid): " + hybrid.size() + " op(s) with float32 activations and 8-bit weights; I/O " + io;
        if (int16 > 0 && int16 >= int8 && int16 >= uint8) return "full-integer int16 activations (int8 weights" + (perChannel ? " per-channel" : "") + "); I/O " + io;
        boolean tflite = graph.format().equals("tflite");
        // ONNX keeps scales in separate tensors (QDQ / QOperator), so the weights' granularity is not a tensor property there
        String weights = tflite ? (perChannel ? "per-channel" : "per-tensor") : "scales as separate tensors";
        if (int8 > 0 && int8 >= uint8) return "full-integer int8 (weights int8 " + weights + "); I/O " + io;
        if (uint8 > 0) {
            return (tflite ? "uint8 QAT (weights uint8 " : "uint8 activations (weights ") + weights + "); I/O " + io;
        }
        if (halfConst > 0) return "float16 weights (" + halfConst + " float16 constants, expanded to float32 at load); I/O " + io;
        return "float32; I/O " + io;
    }

    private static String ioTypes(Graph graph) {
        java.util.TreeSet<String> in = new java.util.TreeSet<>(), out = new java.util.TreeSet<>();
        for (int id : graph.inputs()) in.add(graph.tensor(id).type().lowerName());
        for (int id : graph.outputs()) out.add(graph.tensor(id).type().lowerName());
        return String.join("/", in) + " -> " + String.join("/", out);
    }
}
