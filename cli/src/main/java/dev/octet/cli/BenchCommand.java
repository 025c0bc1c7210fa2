package dev.octet.cli;

import dev.octet.core.DataType;
import dev.octet.core.Interpreter;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Tensor;
import dev.octet.core.TensorInfo;
import dev.octet.loaders.Octet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** {@code octet bench}: latency statistics, a per-operator profile, memory, and optionally a peer runtime side by side. */
final class BenchCommand {
    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static Args args() {
        Args a = new Args("bench", "bench --model MODEL [--threads N] [--warmup W] [--runs R] [--kernels simd|reference] [--peer tflite|onnxruntime] [--out report.html|report.png] [--verbose]", """
                Times a model on fixed pseudo-random input (seed 42): W warm-up runs (by default as many as take 3
                seconds, at least 5: the JIT compiles the kernels' paths for every thread in that time, and a second
                thread gains nothing while it is still compiling), then R timed runs; prints the
                latency (min, median, p90), the time per operator type (--verbose: per node) with its share and
                GMAC/s, and the memory each interpreter needs. --peer runs the same model with the same input in
                TFLite 2.6.2 (builtin kernels, XNNPACK off) or ONNX Runtime 1.23.2 in this process (their jars are
                loaded at run time; `./octet build-peers` fetches them) and ends with `ratio octet/PEER median: R`.""")
                .required("model", "file", "the .tflite or .onnx model")
                .option("warmup", "n", "warm-up runs, not timed (default: at least 5 and at least 3 s of them)")
                .option("runs", "n", "timed runs (default 20)")
                .option("peer", "name", "also time the model in tflite or onnxruntime")
                .option("out", "file", "write the per-op profile as a chart: .html (inline SVG) or .png")
                .flag("verbose", "per-node profile table");
        return Main.withModelOptions(a);
    }

    /** {@code --warmup} not given: warm up for {@value #AUTO_WARMUP_SECONDS} s and at least {@value #AUTO_WARMUP_MIN_RUNS} runs. */
    static final int AUTO_WARMUP = -1;
    static final int AUTO_WARMUP_MIN_RUNS = 5, AUTO_WARMUP_MAX_RUNS = 10_000;
    static final double AUTO_WARMUP_SECONDS = 3.0;

    /** The parsed options; {@code warmup} is {@link #AUTO_WARMUP} when not given. */
    record Options(Path model, ModelOptions modelOptions, int threads, int warmup, int runs, String peer, Path report, boolean verbose) {}

    static Options parse(Args a) {
        a.noPositional();
        String peer = a.has("peer") ? a.get("peer").toLowerCase(Locale.ROOT) : null;
        if (peer != null) {
            peer = switch (peer) {
                case "tflite", "tensorflow-lite", "tfl" -> "tflite";
                case "onnxruntime", "ort", "onnx-runtime" -> "onnxruntime";
                default -> throw new UsageException("bench", "option --peer must be tflite or onnxruntime, got '" + a.get("peer") + "'");
            };
        }
        Path report = a.has("out") ? Path.of(a.get("out")) : null;
        if (report != null) {
            String n = report.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!n.endsWith(".html") && !n.endsWith(".htm") && !n.endsWith(".png")) {
                throw new UsageException("bench", "option --out must name a .html or .png file, got '" + a.get("out") + "'");
            }
        }
        return new Options(Path.of(a.get("model")), Main.modelOptions(a), a.getInt("threads", 1, 1, 1024), a.getInt("warmup", AUTO_WARMUP, 0, 1_000_000),
                a.getInt("runs", 20, 1, 1_000_000), peer, report, a.has("verbose"));
    }

    int run(String[] argv) throws IOException {
        Args a = args();
        if (!a.parse(argv)) { out.print(a.help()); return 0; }
        Options o = parse(a);
        if (o.peer() != null) {
            String n = o.model().getFileName().toString().toLowerCase(Locale.ROOT);
            boolean onnx = n.endsWith(".onnx");
            if (o.peer().equals("tflite") && onnx) throw new UsageException("bench", "--peer tflite needs a .tflite model; use --peer onnxruntime for " + o.model());
            if (o.peer().equals("onnxruntime") && !onnx) throw new UsageException("bench", "--peer onnxruntime needs an .onnx model; use --peer tflite for " + o.model());
        }
        Model model = Octet.load(o.model(), o.modelOptions());
        Tensor[] inputs = randomInputs(model, 42);
        out.println("model: " + o.model() + " (" + model.graph().format() + ", " + model.graph().nodes().size() + " nodes, "
                + Format.count(model.totalMacs()) + " MACs)");
        out.println("octet: kernels " + o.modelOptions().kernels().name().toLowerCase(Locale.ROOT) + ", threads " + o.threads() + ", warm-up " + warmupText(o)
                + ", runs " + o.runs() + "; Java " + Runtime.version() + " on " + System.getProperty("os.arch") + " (" + Runtime.getRuntime().availableProcessors() + " cpus)");
        long[] times;
        long[] nodeNanos;
        try (Interpreter it = model.newInterpreter()) {
            warmUp(o, "warm-up", () -> {
                setInputs(it, inputs);
                it.run();
            });
            it.setProfiling(true);
            it.resetProfile();
            times = new long[o.runs()];
            for (int i = 0; i < o.runs(); i++) {
                setInputs(it, inputs);
                long t0 = System.nanoTime();
                it.run();
                times[i] = System.nanoTime() - t0;
                progress("run", i + 1, o.runs());
            }
            nodeNanos = it.nodeNanos();
        }
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        BenchStats.Latency lat = BenchStats.latency(times);
        out.println(lat.line("octet"));
        List<String> ops = BenchStats.ops(model);
        long[] macs = BenchStats.macs(model);
        List<BenchStats.Row> byOp = BenchStats.byOp(ops, nodeNanos, macs, o.runs());
        out.println();
        out.print(BenchStats.table(byOp, "op"));
        List<BenchStats.Row> byNode = BenchStats.byNode(ops, BenchStats.names(model), nodeNanos, macs, o.runs());
        if (o.verbose()) {
            out.println();
            out.print(BenchStats.table(byNode, "node"));
        }
        double gmacs = model.totalMacs() / (double) lat.median();
        out.println();
        out.printf(Locale.ROOT, "throughput: %.2f GMAC/s at the median (%s MACs per run)%n", gmacs, Format.count(model.totalMacs()));
        out.println("memory: arena " + Format.bytes(model.arenaBytes()) + " + scratch " + Format.bytes(model.scratchBytes()) + " per interpreter; parameters "
                + Format.bytes(model.parameterBytes()) + "; Java heap used " + Format.bytes(heap));
        if (o.report() != null) {
            String title = o.model().getFileName() + ": median " + String.format(Locale.ROOT, "%.2f ms", lat.median() / 1e6) + ", " + o.threads() + " thread(s), "
                    + o.modelOptions().kernels().name().toLowerCase(Locale.ROOT) + " kernels";
            ProfileChart.write(o.report(), title, byOp, o.verbose() ? byNode : null);
            out.println("wrote " + o.report());
        }
        if (o.peer() != null) {
            long[] peerTimes = runPeer(o, model, inputs);
            BenchStats.Latency pl = BenchStats.latency(peerTimes);
            out.println(pl.line(o.peer()));
            out.println(BenchStats.ratioLine(o.peer(), lat.median(), pl.median()));
        }
        return 0;
    }

    private long[] runPeer(Options o, Model model, Tensor[] inputs) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < model.inputCount(); i++) names.add(model.input(i).name());
        try (Peers.Session s = o.peer().equals("tflite") ? Peers.tflite(o.model(), inputs, o.threads()) : Peers.onnxruntime(o.model(), inputs, names, o.threads())) {
            String what = o.peer().equals("tflite") ? "tflite 2.6.2 (builtin kernels, XNNPACK off)" : "onnxruntime 1.23.2 (default optimizations)";
            out.println(what + ": threads " + o.threads() + ", warm-up " + warmupText(o) + ", runs " + o.runs());
            warmUp(o, o.peer() + " warm-up", s::run);
            long[] t = new long[o.runs()];
            for (int i = 0; i < o.runs(); i++) {
                long t0 = System.nanoTime();
                s.run();
                t[i] = System.nanoTime() - t0;
                progress(o.peer() + " run", i + 1, o.runs());
            }
            return t;
        } catch (dev.octet.core.OctetException e) {
            throw e;
        } catch (LinkageError e) {
            throw new Peers.PeerUnavailableException("cannot load the " + o.peer() + " peer: " + e + "; " + Peers.BUILD_HINT);
        } catch (Exception e) {
            throw new dev.octet.core.OctetException("the " + o.peer() + " peer failed: " + e, e);
        }
    }

    private static String warmupText(Options o) {
        return o.warmup() == AUTO_WARMUP ? "auto (" + (int) AUTO_WARMUP_SECONDS + " s, at least " + AUTO_WARMUP_MIN_RUNS + " runs)" : Integer.toString(o.warmup());
    }

    /** The warm-up runs: {@code --warmup N}, or by default runs until 3 s have passed and 5 runs are done; prints how many. */
    interface Step<E extends Exception> {
        void run() throws E;
    }

    private <E extends Exception> void warmUp(Options o, String what, Step<E> run) throws E {
        if (o.warmup() != AUTO_WARMUP) {
            for (int i = 0; i < o.warmup(); i++) {
                run.run();
                progress(what, i + 1, o.warmup());
            }
            return;
        }
        long t0 = System.nanoTime(), budget = (long) (AUTO_WARMUP_SECONDS * 1e9);
        int n = 0;
        while (n < AUTO_WARMUP_MAX_RUNS && (n < AUTO_WARMUP_MIN_RUNS || System.nanoTime() - t0 < budget)) {
            run.run();
            n++;
            err.print("\r" + what + " " + n);
            err.flush();
        }
        err.print("\r" + " ".repeat(what.length() + 8) + "\r");
        out.println(what + ": " + n + " runs in " + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9) + " s");
    }

    /** A one-line counter on stderr, rewritten in place ("\r"), ended with a newline after the last step. */
    private void progress(String what, int i, int n) {
        if (n < 2) return;
        err.print("\r" + what + " " + i + "/" + n);
        if (i == n) err.print("\r" + " ".repeat(what.length() + 2 * Integer.toString(n).length() + 2) + "\r");
        err.flush();
    }

    private static void setInputs(Interpreter it, Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) it.setInput(i, inputs[i]);
    }

    /** Pseudo-random inputs: floats uniform in [0,1) (images scaled to 0..1 for the YOLO models), 8-bit all values, ints 0..9. */
    static Tensor[] randomInputs(Model m, long seed) {
        Random r = new Random(seed);
        Tensor[] t = new Tensor[m.inputCount()];
        for (int i = 0; i < t.length; i++) {
            TensorInfo info = m.input(i);
            Tensor x = Tensor.zeros(info.type(), info.shape());
            switch (info.type().storage()) {
                case FLOAT -> { float[] f = x.floats(); for (int k = 0; k < f.length; k++) f[k] = r.nextFloat(); }
                case BYTE -> {
                    if (info.type() == DataType.BOOL) { byte[] b = x.bytes(); for (int k = 0; k < b.length; k++) b[k] = (byte) r.nextInt(2); }
                    else r.nextBytes(x.bytes());
                }
                case INT -> { int[] v = x.ints(); for (int k = 0; k < v.length; k++) v[k] = r.nextInt(10); }
                case LONG -> { long[] v = x.longs(); for (int k = 0; k < v.length; k++) v[k] = r.nextInt(10); }
                case SHORT -> { short[] v = x.shorts(); for (int k = 0; k < v.length; k++) v[k] = (short) r.nextInt(10); }
            }
            t[i] = Tensor.of(info.type(), info.shape(), info.quant(), x.data());
        }
        return t;
    }
}
