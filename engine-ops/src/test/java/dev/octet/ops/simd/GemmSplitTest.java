package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.KernelMode;
import dev.octet.ops.BuiltinOps;
import org.junit.jupiter.api.Test;

/**
 * How a GEMM layer is split across threads (over output pixels or over output-channel panels, chosen at load from the
 * shape), and that every split of real layer shapes gives the reference's bytes at every width with 2, 3 and 4
 * threads (the random-shape tests in {@link SimdGemmKernelsTest} are mostly too small to be split at all).
 */
class GemmSplitTest {
    @Test
    void splitFollowsTheShape() {
        // {parts, 1 = panel ranges}; NR = 64 columns per panel (512-bit)
        assertArrayEquals(new int[] {1, 0}, GemmKernel.split(1, 1L << 30, 3136, 144, 64, false), "one thread");
        assertArrayEquals(new int[] {1, 0}, GemmKernel.split(2, 10_000, 49, 16, 64, false), "too small to split");
        assertArrayEquals(new int[] {8, 0}, GemmKernel.split(2, 3136L * 24 * 144, 3136, 144, 64, false), "56x56: pixels, 4 parts per thread");
        assertArrayEquals(new int[] {4, 1}, GemmKernel.split(2, 49L * 160 * 960, 49, 960, 64, false), "7x7, 960 channels: panels, 2+ per part, balanced");
        assertArrayEquals(new int[] {2, 0}, GemmKernel.split(2, 100L * 768 * 768, 100, 768, 64, false), "10x10: 25 tiles in 2 parts, not 3");
        assertArrayEquals(new int[] {6, 0}, GemmKernel.split(2, 196L * 64 * 384, 196, 384, 64, false), "14x14: 49 tiles");
        assertArrayEquals(new int[] {2, 0}, GemmKernel.split(2, 49L * 960 * 160, 49, 160, 64, false), "7x7, 160 channels: pixels");
        assertArrayEquals(new int[] {8, 1}, GemmKernel.split(2, 1280L * 1001, 1, 1001, 64, false), "one pixel: panels");
        assertArrayEquals(new int[] {8, 1}, GemmKernel.split(4, 1280L * 1001, 1, 1001, 64, false));
        assertArrayEquals(new int[] {2, 1}, GemmKernel.split(2, 49L * 64 * 9 * 960, 49, 960, 64, true), "im2col panels: one part per thread");
        assertArrayEquals(new int[] {1, 0}, GemmKernel.split(2, 1L << 20, 1, 64, 64, false), "one tile, one panel: nothing to split");
        assertArrayEquals(new int[] {8, 0}, GemmKernel.split(2, 3136L * 64 * 16, 3136, 16, 64, true), "a single panel: pixels");
    }

    private static ByteBuffer le(Object data) {
        ByteBuffer bb;
        if (data instanceof float[] f) { bb = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN); bb.asFloatBuffer().put(f); }
        else if (data instanceof int[] i) { bb = ByteBuffer.allocate(i.length * 4).order(ByteOrder.LITTLE_ENDIAN); bb.asIntBuffer().put(i); }
        else bb = ByteBuffer.wrap((byte[]) data).order(ByteOrder.LITTLE_ENDIAN);
        return bb;
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static int[] bias(Random r, int n) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) b[i] = r.nextInt(1 << 14) - (1 << 13);
        return b;
    }

    private static float[] floats(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) r.nextGaussian();
        return f;
    }

    /** A CONV_2D (kernel k x k, stride s, SAME) or, with h = 0, a FULLY_CONNECTED of batch 1. */
    private static void check(DataType t, int h, int ci, int co, int k, int s, long seed, KernelTester.Stats stats) {
        Random r = new Random(seed);
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "split");
        boolean fc = h == 0, u8 = t == DataType.UINT8, fl = t == DataType.FLOAT32;
        int[] in = fc ? new int[] {1, ci} : new int[] {1, h, h, ci};
        int[] fs = fc ? new int[] {co, ci} : new int[] {co, k, k, ci};
        int fsize = fc ? co * ci : co * k * k * ci;
        int x, f, b, y;
        Tensor input;
        if (fl) {
            x = g.addTensor("x", t, in, null, null, false);
            f = g.addTensor("w", t, fs, null, le(floats(r, fsize)), false);
            b = g.addTensor("b", t, new int[] {co}, null, le(floats(r, co)), false);
            y = g.addTensor("y", t, new int[0], null, null, false);
            input = Tensor.of(t, in, floats(r, fc ? ci : h * h * ci));
        } else {
            x = g.addTensor("x", t, in, QuantParams.perTensor(0.05f, u8 ? 120 : -3), null, false);
            QuantParams wq;
            if (u8) {
                wq = QuantParams.perTensor(0.01f, 131);
            } else {
                float[] sc = new float[co];
                for (int c = 0; c < co; c++) sc[c] = 0.002f + 0.01f * r.nextFloat();
                wq = fc ? QuantParams.perTensor(0.01f, 0) : QuantParams.perAxis(sc, new int[co], 0);
            }
            f = g.addTensor("w", t, fs, wq, le(bytes(r, fsize)), false);
            b = g.addTensor("b", DataType.INT32, new int[] {co}, null, le(bias(r, co)), false);
            y = g.addTensor("y", t, new int[0], QuantParams.perTensor(0.2f, u8 ? 128 : 5), null, false);
            input = Tensor.of(t, in, bytes(r, fc ? ci : h * h * ci));
        }
        g.input(x);
        Attributes.Builder a = Attributes.builder().put(Ops.ATTR_ACTIVATION, "RELU6");
        if (!fc) a.put(Ops.ATTR_PADDING, "SAME").put(Ops.ATTR_STRIDE_H, s).put(Ops.ATTR_STRIDE_W, s);
        g.addNode(fc ? Ops.FULLY_CONNECTED : Ops.CONV_2D, "op", new int[] {x, f, b}, new int[] {y}, a.build(), null);
        g.output(y);
        Graph graph = g.build();
        for (int threads = 2; threads <= 4; threads++) {
            for (int bits : KernelTester.WIDTHS) { // the shape reaches the GEMM at every width (splitFollowsTheShape checks the splits)
                String saved = System.getProperty(KernelTester.BITS_PROPERTY);
                System.setProperty(KernelTester.BITS_PROPERTY, Integer.toString(bits));
                try {
                    String v = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads))
                            .kernel(0).variant();
                    if (!v.startsWith("simd-gemm-" + bits)) {
                        throw new AssertionError(t + " " + h + "x" + h + " k" + k + " @" + bits + ", " + threads + " threads: not the GEMM (" + v + ")");
                    }
                } finally {
                    restore(KernelTester.BITS_PROPERTY, saved);
                }
            }
            KernelTester.check(graph, new Tensor[] {input}, threads, 0,
                    t + (fc ? " fc" : " conv " + h + "x" + h + " k" + k + " s" + s) + " " + ci + "->" + co + ", " + threads + " threads", stats);
        }
    }

    @Test
    void realLayerShapesSplitAnyWayMatchTheReference() {
        KernelTester.Stats stats = new KernelTester.Stats();
        int cases = 0;
        // the GEMM's splits are under test: keep Winograd (the 3x3 stride-1 case) and the direct kernel (the stem) out
        String wino = System.getProperty("octet.winograd"), direct = System.getProperty("octet.simd.directConv");
        System.setProperty("octet.winograd", "false");
        System.setProperty("octet.simd.directConv", "false");
        try {
        for (DataType t : new DataType[] {DataType.UINT8, DataType.INT8, DataType.FLOAT32}) {
            check(t, 7, 160, 960, 1, 1, 1, stats);   // few pixels, many channels: panels
            check(t, 14, 64, 384, 1, 1, 2, stats);   // panels
            check(t, 28, 32, 144, 1, 1, 3, stats);   // pixels
            check(t, 7, 64, 200, 3, 1, 4, stats);    // im2col, panels, a partial last panel
            check(t, 30, 3, 32, 3, 2, 5, stats);     // im2col, stride 2, pixels (the stem)
            check(t, 0, 1280, 1001, 1, 1, 6, stats); // fully connected, one row: panels
            check(t, 5, 40, 37, 1, 1, 7, stats);     // fewer panels than threads
            cases += 7;
        }
        } finally {
            restore("octet.winograd", wino);
            restore("octet.simd.directConv", direct);
        }
        System.out.println("GEMM split shapes, 2-4 threads, SIMD vs reference: " + stats);
        assertEquals(cases * 3 * KernelTester.WIDTHS.length, stats.comparisons);
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
