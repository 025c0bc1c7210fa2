package dev.octet.loaders.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.DataType;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.QuantParams;
import dev.octet.core.Tensor;
import dev.octet.core.UnsupportedOpException;
import dev.octet.loaders.Octet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Operator/type combinations Octet does not implement fail in {@code Octet.load} (the kernel factories), never at
 * run time, with an {@link UnsupportedOpException} naming the operator, the node (index and name) and its types.
 */
class LoadTimeUnsupportedTest {
    record Case(String name, Supplier<byte[]> model, String op, int node, String nodeName, String[] mustMention) {}

    static Map<String, Object> act() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fused_activation_function", "NONE");
        return o;
    }

    static byte[] int16Conv() {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.INT16, new int[] {1, 4, 4, 3}, QuantParams.perTensor(0.001f, 0), null);
        int f = w.addTensor("w", DataType.INT8, new int[] {2, 1, 1, 3}, QuantParams.perAxis(new float[] {0.01f, 0.02f}, new int[2], 0), new byte[6]);
        int b = w.addTensor("b", DataType.INT64, new int[] {2}, QuantParams.perAxis(new float[] {1e-5f, 2e-5f}, new int[2], 0), new byte[16]);
        int y = w.addTensor("conv_out", DataType.INT16, new int[] {1, 4, 4, 2}, QuantParams.perTensor(0.002f, 0), null);
        Map<String, Object> o = act();
        o.put("padding", "SAME");
        o.put("stride_w", 1);
        o.put("stride_h", 1);
        w.addOp("CONV_2D", new int[] {x, f, b}, new int[] {y}, o);
        return w.inputs(x).outputs(y).build();
    }

    static byte[] halfActivationIntoAdd() {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x16", DataType.FLOAT16, new int[] {1, 8}, null, null);
        int c = w.addTensor("c16", DataType.FLOAT16, new int[] {1, 8}, null, new byte[16]);
        int y = w.addTensor("sum16", DataType.FLOAT16, new int[] {1, 8}, null, null);
        w.addOp("ADD", new int[] {x, c}, new int[] {y}, act());
        return w.inputs(x).outputs(y).build();
    }

    static byte[] unknownBuiltin() {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {1, 8}, null, null);
        int y = w.addTensor("relu_out", DataType.FLOAT32, new int[] {1, 8}, null, null);
        int z = w.addTensor("cumsum_out", DataType.FLOAT32, new int[] {1, 8}, null, null);
        int axis = w.addTensor("axis", DataType.INT32, new int[] {}, null, new byte[4]);
        w.addOp("RELU", new int[] {x}, new int[] {y}, Map.of());
        w.addOp("CUMSUM", new int[] {y, axis}, new int[] {z}, Map.of());
        return w.inputs(x).outputs(z).build();
    }

    static byte[] customOp() {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {1, 8}, null, null);
        int y = w.addTensor("custom_out", DataType.FLOAT32, new int[] {1, 8}, null, null);
        w.addCustomOp("MyVendorOp", new int[] {x}, new int[] {y}, null);
        return w.inputs(x).outputs(y).build();
    }

    static byte[] int8Div() {
        TfliteWriter w = new TfliteWriter();
        QuantParams q = QuantParams.perTensor(0.05f, 0);
        int a = w.addTensor("a", DataType.INT8, new int[] {1, 8}, q, null);
        int b = w.addTensor("b", DataType.INT8, new int[] {1, 8}, q, null);
        int y = w.addTensor("div_out", DataType.INT8, new int[] {1, 8}, q, null);
        w.addOp("DIV", new int[] {a, b}, new int[] {y}, act());
        return w.inputs(a, b).outputs(y).build();
    }

    static byte[] halfFilterNotConstant() {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {2, 8}, null, null);
        int f = w.addTensor("w16", DataType.FLOAT16, new int[] {4, 8}, null, null);
        int y = w.addTensor("fc_out", DataType.FLOAT32, new int[] {2, 4}, null, null);
        w.addOp("FULLY_CONNECTED", new int[] {x, f, -1}, new int[] {y}, act());
        return w.inputs(x, f).outputs(y).build();
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("int16 CONV_2D", LoadTimeUnsupportedTest::int16Conv, "CONV_2D", 0, "conv_out", new String[] {"int16", "int8", "int64"}),
                new Case("float16 activation into ADD", LoadTimeUnsupportedTest::halfActivationIntoAdd, "ADD", 0, "sum16", new String[] {"float16"}),
                new Case("unknown builtin CUMSUM", LoadTimeUnsupportedTest::unknownBuiltin, "CUMSUM", 1, "cumsum_out", new String[] {"float32, int32 -> float32"}),
                new Case("custom op other than the detection post-process", LoadTimeUnsupportedTest::customOp, "MyVendorOp", 0, "custom_out",
                        new String[] {"float32 -> float32"}),
                new Case("quantized DIV", LoadTimeUnsupportedTest::int8Div, "DIV", 0, "div_out", new String[] {"int8, int8 -> int8"}),
                new Case("non-constant float16 filter", LoadTimeUnsupportedTest::halfFilterNotConstant, "FULLY_CONNECTED", 0, "fc_out",
                        new String[] {"float32, float16, - -> float32", "constant"}));
    }

    @TestFactory
    Stream<DynamicTest> failsAtLoadNamingOpNodeAndTypes() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            byte[] model = c.model().get();
            Octet.readGraph(ByteBuffer.wrap(model), ModelOptions.DEFAULT); // the file itself is readable
            for (KernelMode mode : KernelMode.values()) {
                UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> Octet.load(model, ModelOptions.DEFAULT.withKernels(mode)));
                String m = e.getMessage();
                if (mode == KernelMode.SIMD) System.out.println(c.name() + ": " + m);
                assertEquals(c.op(), e.opType(), m);
                assertEquals(c.node(), e.nodeIndex(), m);
                assertTrue(m.contains(c.op()) && m.contains("node " + c.node()) && m.contains("'" + c.nodeName() + "'"), m);
                for (String s : c.mustMention()) assertTrue(m.contains(s), "mentions '" + s + "': " + m);
            }
        }));
    }

    /** A float16 activation into DEQUANTIZE is supported (widened per run) and exact. */
    @Test
    void float16ActivationIntoDequantizeRuns() {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x16", DataType.FLOAT16, new int[] {1, 5}, null, null);
        int y = w.addTensor("y", DataType.FLOAT32, new int[] {1, 5}, null, null);
        w.addOp("DEQUANTIZE", new int[] {x}, new int[] {y}, Map.of());
        Model m = Octet.load(w.inputs(x).outputs(y).build(), ModelOptions.DEFAULT);
        assertEquals("reference", m.kernel(0).variant(), "not folded: the input is not a constant");
        short[] h = {Float.floatToFloat16(1.5f), Float.floatToFloat16(-0.1f), Float.floatToFloat16(65504f), (short) 0x0001, (short) 0x8000};
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, Tensor.of(DataType.FLOAT16, new int[] {1, 5}, h));
            it.run();
            float[] out = it.output(0).floats();
            for (int i = 0; i < h.length; i++) assertEquals(Float.float16ToFloat(h[i]), out[i]);
        }
    }

    /** A float16 constant behind DEQUANTIZE is expanded once at load: the node is folded and its output is a float32 constant. */
    @Test
    void float16ConstantDequantizeIsFoldedAtLoad() {
        TfliteWriter w = new TfliteWriter();
        ByteBuffer hb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        float[] vals = {0.5f, -2f, 3.25f, 1e-3f};
        for (float v : vals) hb.putShort(Float.floatToFloat16(v));
        int c = w.addTensor("c16", DataType.FLOAT16, new int[] {1, 4}, null, hb.array());
        int d = w.addTensor("c", DataType.FLOAT32, new int[] {1, 4}, null, null);
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {1, 4}, null, null);
        int y = w.addTensor("y", DataType.FLOAT32, new int[] {1, 4}, null, null);
        w.addOp("DEQUANTIZE", new int[] {c}, new int[] {d}, Map.of());
        w.addOp("ADD", new int[] {x, d}, new int[] {y}, act());
        Model m = Octet.load(w.inputs(x).outputs(y).build(), ModelOptions.DEFAULT);
        assertEquals("folded-at-load", m.kernel(0).variant());
        assertTrue(m.tensor(d).isConstant());
        assertEquals(DataType.FLOAT32, m.tensor(d).type());
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, new float[] {1, 1, 1, 1});
            it.run();
            float[] e = new float[4];
            for (int i = 0; i < 4; i++) e[i] = 1 + Float.float16ToFloat(Float.floatToFloat16(vals[i]));
            assertArrayEquals(e, it.output(0).floats());
        }
    }
}
