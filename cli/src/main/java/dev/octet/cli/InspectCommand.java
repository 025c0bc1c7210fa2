package dev.octet.cli;

import dev.octet.core.Graph;
import dev.octet.core.Kernel;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Node;
import dev.octet.core.OctetException;
import dev.octet.core.TensorInfo;
import dev.octet.loaders.Octet;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code octet inspect}: what a model is made of and what it costs. */
final class InspectCommand {
    private final PrintStream out;

    InspectCommand(PrintStream out, PrintStream err) { this.out = out; }

    static Args args() {
        Args a = new Args("inspect", "inspect --model MODEL [--verbose] [options]", """
                Shows a model's inputs and outputs (type, shape, quantization), how many of each operator it has
                with their multiply-accumulates (MACs), the total MACs of one inference, the bytes of parameters
                (constant tensors) and the activation arena and scratch memory each interpreter allocates.
                It names the model's quantization (full-integer int8, uint8 QAT, float16 weights, dynamic-range
                (hybrid), float32) and counts the tensors per quantization mode. --verbose adds one line per node
                and one per tensor with its mode. If the model cannot be compiled (e.g. an unsupported operator),
                the graph is still listed and the reason is reported.""")
                .required("model", "file", "the .tflite model")
                .flag("verbose", "also list every node: operator, kernel variant, input and output shapes, MACs");
        return Main.withModelOptions(a);
    }

    int run(String[] argv) {
        Args a = args();
        if (!a.parse(argv)) { out.print(a.help()); return 0; }
        a.noPositional();
        Path path = Path.of(a.get("model"));
        ModelOptions options = Main.modelOptions(a);
        Graph graph = Octet.readGraph(path, options);
        Model model = null;
        OctetException failure = null;
        try {
            model = Octet.compile(graph, options);
        } catch (OctetException e) {
            failure = e;
        }
        print(path, graph, model, a.has("verbose"));
        if (failure != null) throw failure;
        return 0;
    }

    private void print(Path path, Graph graph, Model model, boolean verbose) {
        long fileBytes = -1;
        try { fileBytes = Files.size(path); } catch (java.io.IOException ignored) { /* size is informational */ }
        out.println("model: " + path + " (" + graph.format() + ", " + graph.tensors().size() + " tensors, " + graph.nodes().size() + " nodes"
                + (fileBytes >= 0 ? ", " + Format.bytes(fileBytes) : "") + ")");
        List<TensorInfo> tensors = model != null ? model.tensors() : graph.tensors();
        boolean[] expanded = QuantModes.expandedAtLoad(graph, model);
        out.println("inputs:");
        for (int i = 0; i < graph.inputs().length; i++) out.println(io(i, tensors.get(graph.inputs()[i]), expanded));
        out.println("outputs:");
        for (int i = 0; i < graph.outputs().length; i++) out.println(io(i, tensors.get(graph.outputs()[i]), expanded));
        out.println("quantization: " + QuantModes.summary(graph));
        out.println("tensors by quantization mode:");
        QuantModes.histogram(graph, expanded).forEach((mode, count) -> out.println("  " + Format.padLeft(Integer.toString(count), 5) + "  " + mode));

        Map<String, long[]> hist = new LinkedHashMap<>(); // op -> {count, macs}
        for (Node n : graph.nodes()) {
            long[] h = hist.computeIfAbsent(n.opType(), k -> new long[2]);
            h[0]++;
            if (model != null) h[1] += model.kernel(n.index()).macs();
        }
        List<Map.Entry<String, long[]>> ops = new ArrayList<>(hist.entrySet());
        ops.sort((x, y) -> x.getValue()[0] != y.getValue()[0] ? Long.compare(y.getValue()[0], x.getValue()[0]) : x.getKey().compareTo(y.getKey()));
        int w = 8;
        for (var e : ops) w = Math.max(w, e.getKey().length());
        out.println("operators:" + (model == null ? " (MACs unknown: the model did not compile)" : ""));
        out.println("  " + Format.pad("op", w) + "  " + Format.padLeft("count", 5) + (model != null ? "  " + Format.padLeft("MACs", 10) : ""));
        for (var e : ops) {
            out.println("  " + Format.pad(e.getKey(), w) + "  " + Format.padLeft(Long.toString(e.getValue()[0]), 5)
                    + (model != null ? "  " + Format.padLeft(e.getValue()[1] == 0 ? "-" : Format.count(e.getValue()[1]), 10) : ""));
        }
        long paramBytes = 0;
        for (TensorInfo t : tensors) if (t.isConstant()) paramBytes += (long) Math.max(0, t.size()) * t.type().byteSize();
        if (model != null) {
            out.println("total MACs: " + Format.count(model.totalMacs()) + " (" + model.totalMacs() + ")");
            out.println("parameters: " + Format.bytes(model.parameterBytes()));
            out.println("arena: " + Format.bytes(model.arenaBytes()) + " per interpreter");
            out.println("scratch: " + Format.bytes(model.scratchBytes()) + " per interpreter");
        } else {
            out.println("parameters: " + Format.bytes(paramBytes));
        }
        String fused = graph.metadata().get("onnx.qdq_fused"), inFloat = graph.metadata().get("onnx.qdq_float");
        if (fused != null) out.println("QDQ fused: " + fused);
        if (inFloat != null) out.println("QDQ in float (DequantizeLinear -> op -> QuantizeLinear as written): " + inFloat);
        if (!graph.metadata().isEmpty()) {
            out.println("metadata:");
            graph.metadata().forEach((k, v) -> out.println("  " + k + ": " + (v.length() > 100 ? v.substring(0, 97) + "..." : v)));
        }
        if (verbose) {
            out.println("nodes:");
            int vw = 7;
            if (model != null) for (Node n : graph.nodes()) vw = Math.max(vw, model.kernel(n.index()).variant().length());
            for (Node n : graph.nodes()) {
                StringBuilder sb = new StringBuilder("  ");
                sb.append(Format.padLeft(Integer.toString(n.index()), 4)).append("  ").append(Format.pad(n.opType(), w));
                if (model != null) {
                    Kernel k = model.kernel(n.index());
                    sb.append("  ").append(Format.pad(k.variant(), vw)).append("  ").append(Format.padLeft(k.macs() == 0 ? "-" : Format.count(k.macs()), 8));
                }
                sb.append("  ");
                int[] ins = n.inputs();
                for (int i = 0; i < ins.length; i++) {
                    if (i > 0) sb.append(" ");
                    if (ins[i] < 0) { sb.append("-"); continue; }
                    TensorInfo t = tensors.get(ins[i]);
                    sb.append(t.type().lowerName()).append(Format.shape(t.shape())).append(t.isConstant() ? "c" : "");
                }
                sb.append(" -> ");
                int[] outs = n.outputs();
                for (int i = 0; i < outs.length; i++) {
                    if (i > 0) sb.append(" ");
                    TensorInfo t = tensors.get(outs[i]);
                    sb.append(t.type().lowerName()).append(Format.shape(t.shape()));
                }
                String name = n.name();
                if (name.length() > 60) name = name.substring(0, 57) + "...";
                if (!name.isEmpty()) sb.append("  '").append(name).append("'");
                out.println(sb);
            }
            out.println("  (c = constant)");
            out.println("tensors:");
            boolean[] used = QuantModes.used(graph);
            for (TensorInfo t : graph.tensors()) {
                if (!used[t.id()]) continue;
                String name = t.name().length() > 60 ? t.name().substring(0, 57) + "..." : t.name();
                out.println("  " + Format.padLeft(Integer.toString(t.id()), 4) + "  " + QuantModes.mode(t, expanded[t.id()]) + "  "
                        + t.type().lowerName() + Format.shape(tensors.get(t.id()).shape()) + (t.isConstant() ? "c" : "") + "  '" + name + "'");
            }
        }
    }

    private static String io(int i, TensorInfo t, boolean[] expanded) {
        return "  " + i + "  '" + t.name() + "'  " + Format.tensor(t) + "  [" + QuantModes.mode(t, expanded[t.id()]) + "]";
    }
}
