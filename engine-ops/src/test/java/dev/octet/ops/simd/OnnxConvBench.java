package dev.octet.ops.simd;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Ops;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import dev.octet.ops.BuiltinOps;
import dev.octet.ops.onnx.OnnxOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Rough single-op timing of ONNX_QLINEAR_CONV on the YOLO11n face model's slow layer shapes (not JMH; run by hand):
 * {@code java --add-modules jdk.incubator.vector -cp ... dev.octet.ops.simd.OnnxConvBench [threads] [filter]}. Prints the
 * kernel variant, median ms and GMAC/s of the SIMD kernel (and the reference with -Dbench.ref=true).
 */
public final class OnnxConvBench {
    /** h, w, ci, co, k, stride, depthwise (1) or not (0). */
    static final int[][] SHAPES = {
            {80, 80, 64, 64, 3, 1, 1}, {40, 40, 128, 128, 3, 1, 1}, {20, 20, 256, 256, 3, 1, 1},
            {4, 8400, 16, 1, 1, 1, 0}, {80, 80, 64, 1, 1, 1, 0}, {640, 640, 3, 16, 3, 2, 0}, {224, 224, 3, 32, 3, 2, 0},
            {160, 160, 16, 8, 3, 1, 0}, {160, 160, 8, 16, 3, 1, 0}, {160, 160, 32, 32, 1, 1, 0}, {320, 320, 16, 32, 3, 2, 0}, {40, 40, 64, 32, 1, 1, 0}, {40, 40, 32, 32, 3, 1, 0}, {40, 40, 64, 32, 3, 1, 0}, {80, 80, 32, 16, 3, 1, 0}, {160, 160, 64, 64, 3, 2, 0}, {80, 80, 64, 64, 1, 1, 0}, {80, 80, 64, 64, 3, 1, 0}, {40, 40, 128, 64, 3, 1, 0}, {40, 40, 64, 48, 3, 1, 0}, {80, 80, 256, 64, 1, 1, 0}, {160, 160, 48, 64, 1, 1, 0}, {20, 20, 256, 64, 1, 1, 0},
    };

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        String filter = args.length > 1 ? args[1] : "";
        for (int round = 0; round < 2; round++) for (int[] s : SHAPES) {
            String name = String.format("%s %dx%dx%d>%d k%d s%d", s[6] == 1 ? "dw" : "conv", s[0], s[1], s[2], s[3], s[4], s[5]);
            if (!name.contains(filter)) continue;
            Graph g = graph(s);
            StringBuilder sb = new StringBuilder(String.format("%-28s", name));
            if (Boolean.getBoolean("bench.ref")) sb.append(time(g, ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE).withThreads(threads)));
            sb.append(time(g, ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads)));
            if (round == 1) System.out.println(sb);
        }
    }

    static String time(Graph g, ModelOptions o) {
        Model m = Model.compile(g, BuiltinOps.get(), o);
        Random r = new Random(1);
        var info = m.input(0);
        byte[] b = new byte[info.size()];
        r.nextBytes(b);
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, Tensor.of(info.type(), info.shape(), b));
            long macs = m.kernel(0).macs();
            long end = System.nanoTime() + Long.getLong("bench.ms", 2000L) * 1_000_000L;
            java.util.ArrayList<Long> ts = new java.util.ArrayList<>();
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                it.run();
                ts.add(System.nanoTime() - t0);
            }
            java.util.Collections.sort(ts);
            long med = ts.get(ts.size() / 2);
            return String.format(" | %-26s %8.3f ms %6.2f GMAC/s", m.kernel(0).variant(), med / 1e6, macs / (double) med);
        }
    }

    static Graph graph(int[] s) {
        int h = s[0], w = s[1], ci = s[2], co = s[3], k = s[4], st = s[5];
        boolean dw = s[6] == 1;
        Random r = new Random(5);
        int cig = dw ? 1 : ci;
        byte[] filt = new byte[co * k * k * cig];
        for (int i = 0; i < filt.length; i++) filt[i] = (byte) (r.nextInt(255) - 127);
        int[] wzp = new int[co];
        float[] os = new float[co];
        for (int c = 0; c < co; c++) os[c] = 0.0005f + r.nextFloat() * 0.001f;
        ByteBuffer bias = ByteBuffer.allocate(4 * co).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < co; c++) bias.putInt(r.nextInt(20001) - 10000);
        bias.flip();
        int p = k / 2;
        Attributes.Builder a = Attributes.builder().put(Ops.ATTR_PADS, new int[] {p, p, p, p}).put(Ops.ATTR_STRIDE_H, st).put(Ops.ATTR_STRIDE_W, st)
                .put(OnnxOps.ATTR_X_ZERO_POINT, 7).put(OnnxOps.ATTR_W_ZERO_POINTS, wzp).put(OnnxOps.ATTR_OUTPUT_SCALES, os)
                .put(OnnxOps.ATTR_Y_ZERO_POINT, 3);
        Graph.Builder g = Graph.builder(Semantics.ONNX, "bench");
        int x = g.addTensor("x", DataType.UINT8, new int[] {1, h, w, ci}, null, null, false);
        int f = g.addTensor("f", DataType.INT8, new int[] {co, k, k, cig}, null, ByteBuffer.wrap(filt), false);
        int b = g.addTensor("b", DataType.INT32, new int[] {co}, null, bias, false);
        int y = g.addTensor("y", DataType.UINT8, new int[0], null, null, false);
        g.addNode(OnnxOps.ONNX_QLINEAR_CONV, "conv", new int[] {x, f, b}, new int[] {y}, a.build(), null);
        g.input(x).output(y);
        return g.build();
    }
}
