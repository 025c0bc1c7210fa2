package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.KernelMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    private static BenchCommand.Options parse(String... argv) {
        Args a = BenchCommand.args();
        assertTrue(a.parse(argv));
        return BenchCommand.parse(a);
    }

    @Test
    void parsesEveryOption() {
        BenchCommand.Options o = parse("--model", "m.tflite", "--threads", "2", "--warmup", "3", "--runs", "7", "--kernels", "reference", "--peer", "ORT",
                "--out", "r.html", "--verbose");
        assertEquals(Path.of("m.tflite"), o.model());
        assertEquals(2, o.threads());
        assertEquals(2, o.modelOptions().threads());
        assertEquals(KernelMode.REFERENCE, o.modelOptions().kernels());
        assertEquals(3, o.warmup());
        assertEquals(7, o.runs());
        assertEquals("onnxruntime", o.peer());
        assertEquals(Path.of("r.html"), o.report());
        assertTrue(o.verbose());
    }

    @Test
    void defaults() {
        BenchCommand.Options o = parse("--model", "m.tflite");
        assertEquals(1, o.threads());
        assertEquals(BenchCommand.AUTO_WARMUP, o.warmup()); // auto: 3 s and at least 5 runs
        assertEquals(20, o.runs());
        assertEquals(KernelMode.SIMD, o.modelOptions().kernels());
        assertNull(o.peer());
        assertNull(o.report());
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(UsageException.class, () -> parse("--model", "m", "--peer", "pytorch"));
        assertThrows(UsageException.class, () -> parse("--model", "m", "--out", "r.pdf"));
        assertThrows(UsageException.class, () -> parse("--model", "m", "--runs", "0"));
        assertThrows(UsageException.class, () -> parse("--model", "m", "--kernels", "fast"));
    }

    @Test
    void ratioLineFormat() {
        assertEquals("ratio octet/tflite median: 1.83", BenchStats.ratioLine("tflite", 183_000_000L, 100_000_000L));
        assertEquals("ratio octet/onnxruntime median: 0.50", BenchStats.ratioLine("onnxruntime", 5_000_000L, 10_000_000L));
        assertTrue(BenchStats.ratioLine("tflite", 1, 3).matches("ratio octet/tflite median: \\d+\\.\\d\\d"));
    }

    @Test
    void latencyStatistics() {
        BenchStats.Latency odd = BenchStats.latency(new long[] {50, 10, 40, 20, 30});
        assertEquals(10, odd.min());
        assertEquals(30, odd.median());
        assertEquals(50, odd.p90()); // ceil(4.5) = 5th smallest
        long[] ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        BenchStats.Latency even = BenchStats.latency(ten);
        assertEquals(1, even.min());
        assertEquals(5, even.median()); // (5 + 6) / 2 in integer nanoseconds
        assertEquals(9, even.p90());    // 9th smallest of 10
        assertEquals(7, BenchStats.latency(new long[] {7}).p90());
    }

    @Test
    void profileTableMath() {
        // 4 nodes, totals over 2 runs: conv 600+200 ns, add 100, conv 100 -> per run conv 450, add 50 (of 500 total)
        List<String> ops = List.of("CONV_2D", "ADD", "CONV_2D", "RESHAPE");
        long[] nanos = {600, 100, 300, 0};
        long[] macs = {1000, 0, 800, 0};
        List<BenchStats.Row> byOp = BenchStats.byOp(ops, nanos, macs, 2);
        assertEquals(3, byOp.size());
        BenchStats.Row conv = byOp.get(0);
        assertEquals("CONV_2D", conv.op());
        assertEquals(2, conv.nodes());
        assertEquals(450.0, conv.nanosPerRun(), 1e-9);
        assertEquals(90.0, conv.share(), 1e-9);
        assertEquals(1800, conv.macs());
        assertEquals(1800 / 450.0, conv.gmacPerSecond(), 1e-12); // MACs per ns = GMAC/s
        BenchStats.Row add = byOp.get(1);
        assertEquals(50.0, add.nanosPerRun(), 1e-9);
        assertEquals(10.0, add.share(), 1e-9);
        assertEquals(0.0, add.gmacPerSecond());
        assertEquals(0.0, byOp.get(2).share());

        List<BenchStats.Row> byNode = BenchStats.byNode(ops, List.of("a", "", "c", "d"), nanos, macs, 2);
        assertEquals("0 CONV_2D 'a'", byNode.get(0).label());
        assertEquals("1 ADD", byNode.get(1).label());
        assertEquals(60.0, byNode.get(0).share(), 1e-9);
        assertEquals(150.0, byNode.get(2).nanosPerRun(), 1e-9);
        assertEquals(800 / 150.0, byNode.get(2).gmacPerSecond(), 1e-12);
        String table = BenchStats.table(byOp, "op");
        assertTrue(table.contains("CONV_2D") && table.contains("90.0%") && table.contains("4.00"), table);
    }

    @Test
    void benchesAModelAndWritesAnHtmlAndPngReport(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny.tflite");
        Files.write(model, SyntheticModel.build());
        Path html = dir.resolve("r.html");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"bench", "--model", model.toString(), "--warmup", "1", "--runs", "3", "--verbose", "--out", html.toString()});
        String s = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, s + err);
        assertTrue(s.contains("octet latency over 3 runs: min "), s);
        assertTrue(s.contains("CONV_2D") && s.contains("FULLY_CONNECTED") && s.contains("memory: arena "), s);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("run 3/3"), "progress counter on stderr");
        String h = Files.readString(html);
        assertTrue(h.contains("<svg") && h.contains("DEPTHWISE_CONV_2D") && !h.contains("<script") && !h.contains("src=") && !h.contains("<link"), h);
        Path png = dir.resolve("r.png");
        assertEquals(0, new Main(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()))
                .run(new String[] {"bench", "--model", model.toString(), "--warmup", "0", "--runs", "1", "--out", png.toString()}));
        byte[] p = Files.readAllBytes(png);
        assertEquals((byte) 0x89, p[0]);
        assertEquals('P', p[1]);
    }

    @Test
    void peerMustMatchTheModelFormat(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny.tflite");
        Files.write(model, SyntheticModel.build());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new Main(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"bench", "--model", model.toString(), "--peer", "onnxruntime"});
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--peer onnxruntime needs an .onnx model"));
    }
}
