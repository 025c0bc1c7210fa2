package dev.octet.loaders.onnx;

import static dev.octet.loaders.onnx.OnnxBuilder.FLOAT;
import static dev.octet.loaders.onnx.OnnxBuilder.INT8;
import static dev.octet.loaders.onnx.OnnxBuilder.UINT8;
import static dev.octet.loaders.onnx.OnnxBuilder.aFloat;
import static dev.octet.loaders.onnx.OnnxBuilder.aInt;
import static dev.octet.loaders.onnx.OnnxBuilder.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.ModelOptions;
import dev.octet.core.Node;
import dev.octet.core.Tensor;
import dev.octet.loaders.LutFusion;
import dev.octet.loaders.Octet;
import dev.octet.ops.onnx.OnnxOps;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The loader's LUT fusion ({@link LutFusion}) on synthetic QDQ graphs, uint8 and int8: element-wise float chains
 * between a DequantizeLinear and a QuantizeLinear (SiLU, x*x, Relu+Clip, HardSwish, LeakyRelu+Add of a scalar
 * constant, Sigmoid of x + constant), a two-input chain (65536-entry table), and a C3k2-like Split/Concat block. Each
 * model's input covers every code of its 8-bit tensor(s). Checks: the chain became one lookup node and no float node
 * is left; the fused model's bytes equal the unfused model's (-Doctet.lutFusion=false), with the reference kernels and
 * with the SIMD kernels on 1 and 3 threads; and both equal ONNX Runtime 1.23.2's output.
 */
class LutFusionTest {
    /** Input "x" [1, 2, 16, 16]: 512 values whose first 256 quantize to every code (t, s, z), then random ones. */
    static OrtOracle.In everyCode(String name, int t, float s, int z, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        java.util.Random r = new java.util.Random(n * 31L + z);
        for (int i = 0; i < n; i++) {
            int c = i < 256 ? (t == UINT8 ? i : i - 128) : (t == UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
            v[i] = (c - z) * s;
        }
        return new OrtOracle.In(name, shape, v);
    }

    static byte[] model(int t, float s, int z, float ys, int yz, Consumer<OnnxBuilder> chain) {
        OnnxBuilder b = new OnnxBuilder(14).input("x", FLOAT, 1, 2, 16, 16);
        QdqFusionVsOrtTest.qdqIn(b, "x", t, s, z);
        chain.accept(b); // reads "xd", writes "f"
        return QdqFusionVsOrtTest.qOut(b, "f", t, ys, yz).build();
    }

    static List<Tensor> octet(byte[] model, boolean fuse, ModelOptions o, OrtOracle.In... inputs) {
        String old = System.getProperty("octet.lutFusion");
        System.setProperty("octet.lutFusion", Boolean.toString(fuse));
        try {
            var m = Octet.load(model, o);
            try (var it = m.newInterpreter()) {
                for (OrtOracle.In in : inputs) {
                    int idx = -1;
                    for (int i = 0; i < m.inputCount(); i++) if (m.input(i).name().equals(in.name())) idx = i;
                    it.setInput(idx, Tensor.ofFloats(in.shape(), in.data()));
                }
                it.run();
                return List.of(it.output(0));
            }
        } finally {
            if (old == null) System.clearProperty("octet.lutFusion");
            else System.setProperty("octet.lutFusion", old);
        }
    }

    static Graph graph(byte[] model, boolean fuse) {
        String old = System.getProperty("octet.lutFusion");
        System.setProperty("octet.lutFusion", Boolean.toString(fuse));
        try {
            return Octet.readGraph(ByteBuffer.wrap(model), ModelOptions.DEFAULT);
        } finally {
            if (old == null) System.clearProperty("octet.lutFusion");
            else System.setProperty("octet.lutFusion", old);
        }
    }

    /** The checks of the class comment; {@code lookup} is the op the chain must become. */
    static void check(String what, byte[] model, String lookup, OrtOracle.In... inputs) {
        Graph fused = graph(model, true), plain = graph(model, false);
        String ops = fused.nodes().stream().map(Node::opType).collect(Collectors.joining(" "));
        assertTrue(fused.nodes().stream().anyMatch(n -> n.opType().equals(lookup)), what + ": no " + lookup + " in " + ops);
        // nothing computes in float any more: every node writes an 8-bit tensor (the first quantizes the float input)
        assertTrue(fused.nodes().stream().allMatch(n -> fused.tensor(n.output(0)).type().isQuantized8()), what + ": float ops left: " + ops);
        assertTrue(plain.nodes().stream().noneMatch(n -> n.opType().startsWith("LOOKUP_TABLE")), what + ": fused although disabled");
        assertTrue(fused.metadata().containsKey(LutFusion.METADATA), what);
        byte[] expect = octet(model, false, ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE), inputs).get(0).bytes();
        for (ModelOptions o : new ModelOptions[] {ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE), ModelOptions.DEFAULT, ModelOptions.DEFAULT.withThreads(3)}) {
            assertArrayEquals(expect, octet(model, true, o, inputs).get(0).bytes(), what + ": fused vs unfused, " + o);
            assertArrayEquals(expect, octet(model, false, o, inputs).get(0).bytes(), what + ": unfused " + o + " vs reference");
        }
        boolean int8 = fused.tensors().stream().anyMatch(x -> x.type() == dev.octet.core.DataType.INT8);
        Tensor ort = OrtOracle.runOrt(model, int8 ? IntermediatesVsOrtTest.INT8_ALLOWED : Map.of(), inputs).get(0);
        int diff = 0;
        byte[] o = ort.bytes();
        for (int i = 0; i < o.length; i++) if (o[i] != expect[i]) diff++;
        assertEquals(0, diff, what + ": " + diff + " of " + o.length + " bytes differ from ONNX Runtime");
    }

    static int zp(int t, int u8, int s8) { return t == UINT8 ? u8 : s8; }

    @Test
    void singleInputChains() {
        for (int t : new int[] {UINT8, INT8}) {
            String ty = t == UINT8 ? "u8 " : "s8 ";
            float s = 0.047f;
            int z = zp(t, 121, -7);
            OrtOracle.In x = everyCode("x", t, s, z, 1, 2, 16, 16);
            check(ty + "SiLU", model(t, s, z, 0.031f, zp(t, 9, -119), b -> b.node("Sigmoid", "sg", in("xd")).node("Mul", "f", in("xd", "sg"))), OnnxOps.LOOKUP_TABLE, x);
            check(ty + "x*x", model(t, s, z, 0.13f, zp(t, 3, -128), b -> b.node("Mul", "f", in("xd", "xd"))), OnnxOps.LOOKUP_TABLE, x);
            check(ty + "Relu+Clip", model(t, s, z, 0.011f, zp(t, 0, -128), b -> b.init("lo", new float[] {0.5f}).init("hi", new float[] {2.25f})
                    .node("Relu", "r", in("xd")).node("Clip", "f", in("r", "lo", "hi"))), OnnxOps.LOOKUP_TABLE, x);
            check(ty + "HardSwish", model(t, s, z, 0.029f, zp(t, 40, -90), b -> b.node("HardSwish", "f", in("xd"))), OnnxOps.LOOKUP_TABLE, x);
            check(ty + "LeakyRelu+Add", model(t, s, z, 0.037f, zp(t, 77, -50), b -> b.init("c", new float[] {0.25f})
                    .node("LeakyRelu", "l", in("xd"), aFloat("alpha", 0.1f)).node("Add", "f", in("l", "c"))), OnnxOps.LOOKUP_TABLE, x);
            check(ty + "Sigmoid(x+c)", model(t, s, z, 1 / 256f, zp(t, 0, -128), b -> b.init("c", new float[] {-0.7f})
                    .node("Add", "a", in("c", "xd")).node("Sigmoid", "f", in("a"))), OnnxOps.LOOKUP_TABLE, x);
        }
    }

    @Test
    void twoInputChain() {
        for (int t : new int[] {UINT8, INT8}) {
            float sa = 0.043f, sb = 0.061f;
            int za = zp(t, 100, -20), zb = zp(t, 140, 11);
            OnnxBuilder b = new OnnxBuilder(13).input("a", FLOAT, 1, 256, 256).input("b", FLOAT, 1, 256, 256);
            QdqFusionVsOrtTest.qdqIn(b, "a", t, sa, za);
            QdqFusionVsOrtTest.qdqIn(b, "b", t, sb, zb);
            // residual SiLU: a + b * sigmoid(b), in float (as the face model's C3k2 bottlenecks)
            b.node("Sigmoid", "sg", in("bd")).node("Mul", "m", in("bd", "sg")).node("Add", "f", in("ad", "m"));
            byte[] m = QdqFusionVsOrtTest.qOut(b, "f", t, 0.07f, zp(t, 60, -30)).build();
            check((t == UINT8 ? "u8" : "s8") + " a + SiLU(b)", m, OnnxOps.LOOKUP_TABLE2, QdqFusionVsOrtTest.allCodePairs(t, sa, za, sb, zb));
        }
    }

    /**
     * A two-input chain reading the 8-bit end of another two-input chain (the C3k2 bottleneck pair of YOLO11: p = a + b,
     * then p + SiLU(c)): expanded to its first sources the second chain has three (a, b, c), so it is cut at p.
     */
    @Test
    void twoInputChainAfterTwoInputChain() {
        for (int t : new int[] {UINT8, INT8}) {
            float sa = 0.043f, sb = 0.061f, sc = 0.052f;
            int za = zp(t, 100, -20), zb = zp(t, 140, 11), zc = zp(t, 90, -5);
            OnnxBuilder b = new OnnxBuilder(13).input("a", FLOAT, 1, 64, 64).input("b", FLOAT, 1, 64, 64).input("c", FLOAT, 1, 64, 64);
            QdqFusionVsOrtTest.qdqIn(b, "a", t, sa, za);
            QdqFusionVsOrtTest.qdqIn(b, "b", t, sb, zb);
            QdqFusionVsOrtTest.qdqIn(b, "c", t, sc, zc);
            b.node("Add", "p", in("ad", "bd"));
            QdqFusionVsOrtTest.qdqIn(b, "p", t, 0.08f, zp(t, 120, -8));
            b.node("Sigmoid", "sg", in("cd")).node("Mul", "m", in("cd", "sg")).node("Add", "f", in("pd", "m"));
            byte[] m = QdqFusionVsOrtTest.qOut(b, "f", t, 0.09f, zp(t, 60, -30)).build();
            Graph fused = graph(m, true);
            // p is one QLinearAdd (a lone two-source node stays); the chain after it must start from p and c
            assertEquals(1, fused.nodes().stream().filter(n -> n.opType().equals(OnnxOps.LOOKUP_TABLE2)).count(), fused.nodes().toString());
            check((t == UINT8 ? "u8" : "s8") + " (a + b) + SiLU(c)", m, OnnxOps.LOOKUP_TABLE2, QdqFusionVsOrtTest.rnd("a", 1, -6, 6, 1, 64, 64),
                    QdqFusionVsOrtTest.rnd("b", 2, -9, 8, 1, 64, 64), QdqFusionVsOrtTest.rnd("c", 3, -7, 7, 1, 64, 64));
        }
    }

    /**
     * SiLU, nearest 2x Resize and Concat with the 8-bit input in float, then QuantizeLinear (YOLO11's upsampling path):
     * the Resize moves before the chain (it is a gather), which then becomes a lookup after the resize.
     */
    @Test
    void nearestResizeOfAChain() {
        for (int t : new int[] {UINT8, INT8}) {
            float s = 0.049f;
            int z = zp(t, 111, -9);
            byte[] m = model(t, s, z, 0.033f, zp(t, 14, -98), b -> b.init("sc", new float[] {1, 1, 2, 2}, 4)
                    .node("Sigmoid", "sg", in("xd")).node("Mul", "m", in("xd", "sg"))
                    .node("Resize", "r", in("m", "", "sc"), OnnxBuilder.aStr("mode", "nearest"), OnnxBuilder.aStr("coordinate_transformation_mode", "asymmetric"), OnnxBuilder.aStr("nearest_mode", "floor"))
                    .node("Resize", "rx", in("xd", "", "sc"), OnnxBuilder.aStr("mode", "nearest"), OnnxBuilder.aStr("coordinate_transformation_mode", "asymmetric"), OnnxBuilder.aStr("nearest_mode", "floor"))
                    .node("Concat", "f", in("r", "rx"), aInt("axis", 1)));
            Graph fused = graph(m, true);
            assertTrue(fused.nodes().stream().noneMatch(n -> n.opType().equals(dev.octet.core.Ops.LOGISTIC)), fused.nodes().toString());
            check((t == UINT8 ? "u8" : "s8") + " SiLU+Resize+Concat", m, OnnxOps.LOOKUP_TABLE, everyCode("x", t, s, z, 1, 2, 16, 16));
        }
    }

    @Test
    void splitAndConcatBlock() {
        for (int t : new int[] {UINT8, INT8}) {
            float s = 0.052f;
            int z = zp(t, 117, -3);
            // SiLU, Split along channels, Concat (swapped) in float, QuantizeLinear: the C3k2 pattern of YOLO11
            byte[] m = model(t, s, z, 0.027f, zp(t, 12, -100), b -> b.node("Sigmoid", "sg", in("xd")).node("Mul", "m", in("xd", "sg"))
                    .node("Split", in("m"), new String[] {"s0", "s1"}, aInt("axis", 1)).node("Concat", "f", in("s1", "s0"), aInt("axis", 1)));
            check((t == UINT8 ? "u8" : "s8") + " SiLU+Split+Concat", m, OnnxOps.LOOKUP_TABLE, everyCode("x", t, s, z, 1, 2, 16, 16));
        }
    }
}
