package dev.octet.loaders.onnx;

import static dev.octet.loaders.onnx.OnnxBuilder.FLOAT;
import static dev.octet.loaders.onnx.OnnxBuilder.INT8;
import static dev.octet.loaders.onnx.OnnxBuilder.UINT8;
import static dev.octet.loaders.onnx.OnnxBuilder.aInts;
import static dev.octet.loaders.onnx.OnnxBuilder.in;
import static dev.octet.loaders.onnx.OnnxBuilder.msg;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Limits;
import dev.octet.core.ModelFormatException;
import dev.octet.core.ModelOptions;
import dev.octet.core.OctetException;
import dev.octet.core.ResourceLimitException;
import dev.octet.core.UnsupportedOpException;
import dev.octet.loaders.Octet;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Hostile or inconsistent ONNX models: each ends in a typed OctetException with a message naming the problem. */
class OnnxBadInputTest {
    private static void load(byte[] m) { Octet.load(m, ModelOptions.DEFAULT); }

    private static <T extends OctetException> T fails(Class<T> type, byte[] m, String... mustContain) {
        T e = assertThrows(type, () -> load(m));
        for (String s : mustContain) assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
        return e;
    }

    @Test
    void unknownOperatorAndDomainAreNamed() {
        fails(UnsupportedOpException.class, new OnnxBuilder(13).input("x", FLOAT, 2, 3).node("FancyNewOp", "y", in("x")).output("y", FLOAT).build(), "FancyNewOp");
        byte[] g = msg(o -> {
            o.writeByteArray(OnnxProto.GRAPH_NODE, msg(n -> { n.writeString(1, "x"); n.writeString(2, "y"); n.writeString(4, "Relu"); n.writeString(OnnxProto.NODE_DOMAIN, "org.example"); }));
            o.writeByteArray(OnnxProto.GRAPH_INPUT, OnnxBuilder.valueInfo("x", FLOAT, 2));
            o.writeByteArray(OnnxProto.GRAPH_OUTPUT, msg(v -> v.writeString(1, "y")));
        });
        fails(UnsupportedOpException.class, model(g, 13), "org.example", "Relu");
    }

    @Test
    void unknownOpsetIsNamed() {
        fails(UnsupportedOpException.class, new OnnxBuilder(99).input("x", FLOAT, 2).node("Relu", "y", in("x")).output("y", FLOAT).build(), "opset 99");
        fails(UnsupportedOpException.class, new OnnxBuilder(0).input("x", FLOAT, 2).node("Relu", "y", in("x")).output("y", FLOAT).build(), "opset 0");
    }

    @Test
    void cycleAndWrongOrderAreFormatErrors() {
        byte[] cycle = new OnnxBuilder(13).input("x", FLOAT, 2).node("Add", "a", in("x", "b")).node("Relu", "b", in("a")).output("b", FLOAT).build();
        fails(ModelFormatException.class, cycle, "'b'", "cycle");
        byte[] self = new OnnxBuilder(13).input("x", FLOAT, 2).node("Add", "a", in("x", "a")).output("a", FLOAT).build();
        fails(ModelFormatException.class, self, "'a'", "itself");
    }

    @Test
    void missingInitializerIsNamed() {
        byte[] m = new OnnxBuilder(13).input("x", FLOAT, 1, 2, 4, 4).node("Conv", "y", in("x", "w_missing")).output("y", FLOAT).build();
        fails(ModelFormatException.class, m, "'w_missing'");
    }

    @Test
    void inconsistentShapesAreFormatErrors() {
        fails(ModelFormatException.class, new OnnxBuilder(13).input("a", FLOAT, 2, 3).input("b", FLOAT, 4, 5)
                .node("Add", "y", in("a", "b")).output("y", FLOAT).build(), "broadcast");
        fails(ModelFormatException.class, new OnnxBuilder(13).input("a", FLOAT, 2, 3).input("b", FLOAT, 4, 5)
                .node("MatMul", "y", in("a", "b")).output("y", FLOAT).build(), "MatMul");
        // Conv weight expects 3 input channels, the input has 2
        fails(ModelFormatException.class, new OnnxBuilder(13).input("x", FLOAT, 1, 2, 5, 5).init("w", new float[4 * 3 * 9], 4, 3, 3, 3)
                .node("Conv", "y", in("x", "w")).output("y", FLOAT).build(), "group");
        fails(ModelFormatException.class, new OnnxBuilder(13).input("a", FLOAT, 2, 3).input("b", FLOAT, 2, 4)
                .node("Concat", "y", in("a", "b"), OnnxBuilder.aInt("axis", 0)).output("y", FLOAT).build(), "does not match");
        fails(ModelFormatException.class, new OnnxBuilder(13).input("x", FLOAT, 2, 3).initLongs("s", new long[] {7}, 1)
                .node("Reshape", "y", in("x", "s")).output("y", FLOAT).build(), "reshape");
        // QLinearMatMul: inner dims differ
        byte[] q = new OnnxBuilder(13).input("a", FLOAT, 2, 3).init("s", new float[] {0.1f}).initBytes("z", UINT8, new byte[] {0})
                .node("QuantizeLinear", "aq", in("a", "s", "z")).initBytes("b", UINT8, new byte[8], 4, 2)
                .node("QLinearMatMul", "y", in("aq", "s", "z", "b", "s", "z", "s", "z")).output("y", UINT8).build();
        fails(ModelFormatException.class, q, "do not match");
        // QLinearConv with a zero point whose type differs from its data
        byte[] qc = new OnnxBuilder(13).input("x", FLOAT, 1, 1, 3, 3).init("s", new float[] {0.1f}).initBytes("z", UINT8, new byte[] {0})
                .initBytes("zi", INT8, new byte[] {0}).node("QuantizeLinear", "xq", in("x", "s", "z")).initBytes("w", INT8, new byte[1], 1, 1, 1, 1)
                .node("QLinearConv", "y", in("xq", "s", "zi", "w", "s", "zi", "s", "z")).output("y", UINT8).build();
        fails(ModelFormatException.class, qc, "x_zero_point");
    }

    @Test
    void hugeDeclaredSizesAreLimitsNotOutOfMemory() {
        // an initializer declaring 10^12 floats with no data
        byte[] t = msg(o -> {
            for (long d : new long[] {1_000_000, 1_000_000}) o.writeInt64(OnnxProto.TENSOR_DIMS, d);
            o.writeInt32(OnnxProto.TENSOR_DATA_TYPE, FLOAT);
            o.writeString(OnnxProto.TENSOR_NAME, "w");
        });
        byte[] m = new OnnxBuilder(13).input("x", FLOAT, 1, 1_000_000).rawInit(t).node("MatMul", "y", in("x", "w")).output("y", FLOAT).build();
        assertThrows(ResourceLimitException.class, () -> load(m));
        // a graph input of 2^40 elements
        byte[] big = new OnnxBuilder(13).input("x", FLOAT, 1 << 20, 1 << 20).node("Relu", "y", in("x")).output("y", FLOAT).build();
        OctetException e = assertThrows(OctetException.class, () -> load(big));
        assertTrue(e instanceof ResourceLimitException || e instanceof ModelFormatException, e.toString());
        // a packed dims field claiming far more bytes than the file has
        byte[] lie = msg(o -> {
            o.writeTag(OnnxProto.TENSOR_DIMS, 2);
            o.writeUInt32NoTag(0x7FFFFFF0);
            o.writeInt64NoTag(1);
        });
        byte[] m2 = new OnnxBuilder(13).input("x", FLOAT, 2).rawInit(lie).node("Relu", "y", in("x")).output("y", FLOAT).build();
        fails(ModelFormatException.class, m2, "claims");
    }

    @Test
    void indexTablesAndFoldingWorkingMemoryCountAgainstLimits() {
        // A uint8 Transpose: the output (256 KiB) fits maxTensorBytes, its int index table (1 MiB) does not. The
        // permutation (2, 1, 0) is not a batched 2-D transpose (those run in tiles without a table), so it gathers.
        ModelOptions small = ModelOptions.DEFAULT.withLimits(new Limits(512 << 10, 64L << 20, 1000, 1000, 8));
        byte[] t = new OnnxBuilder(13).input("x", UINT8, 64, 64, 64).node("Transpose", "y", in("x"), aInts("perm", 2, 1, 0)).output("y", UINT8).build();
        ResourceLimitException e = assertThrows(ResourceLimitException.class, () -> Octet.load(t, small));
        assertTrue(e.getMessage().contains("index table"), e.getMessage());
        Octet.load(t, ModelOptions.DEFAULT); // and the same graph loads under the default limits
        byte[] tiled = new OnnxBuilder(13).input("x", UINT8, 64, 64, 64).node("Transpose", "y", in("x"), aInts("perm", 2, 0, 1)).output("y", UINT8).build();
        Octet.load(tiled, small); // a batched 2-D transpose needs no table

        // Four such tables of 512 KiB each: each fits, together they pass maxArenaBytes (1.5 MiB).
        ModelOptions total = ModelOptions.DEFAULT.withLimits(new Limits(1 << 20, 3L << 19, 1000, 1000, 8));
        OnnxBuilder b = new OnnxBuilder(13).input("x", UINT8, 64, 64, 32);
        for (int i = 0; i < 4; i++) b.node("Transpose", "y" + i, in("x"), aInts("perm", 2, 1, 0)).output("y" + i, UINT8);
        byte[] four = b.build();
        ResourceLimitException e2 = assertThrows(ResourceLimitException.class, () -> Octet.load(four, total));
        assertTrue(e2.getMessage().contains("load-time tables"), e2.getMessage());

        // Constant folding of ConstantOfShape: a 300 KB uint8 result, but folding widens values and builds index
        // tables (up to 32 bytes per element): checked before allocating.
        byte[] value = OnnxBuilder.tensor("v", UINT8, new long[] {1}, new byte[] {7});
        byte[] cos = new OnnxBuilder(13).input("x", FLOAT, 1).initLongs("shape", new long[] {300_000}, 1)
                .node("ConstantOfShape", "c", in("shape"), OnnxBuilder.aTensor("value", value)).output("c", UINT8).build();
        ModelOptions mib = ModelOptions.DEFAULT.withLimits(new Limits(1 << 20, 64L << 20, 1000, 1000, 8));
        ResourceLimitException e3 = assertThrows(ResourceLimitException.class, () -> Octet.load(cos, mib));
        assertTrue(e3.getMessage().contains("constant folding"), e3.getMessage());
    }

    @Test
    void deepNestingThroughSubgraphAttributesIsRejected() {
        // a node attribute holding a graph holding a node holding a graph ... 200 levels deep
        byte[] inner = msg(o -> o.writeString(OnnxProto.GRAPH_NAME, "leaf"));
        for (int i = 0; i < 200; i++) {
            byte[] g = inner;
            byte[] attr = msg(a -> { a.writeString(1, "body"); a.writeInt32(OnnxProto.ATTR_TYPE, OnnxProto.AT_GRAPH); a.writeByteArray(OnnxProto.ATTR_G, g); });
            byte[] node = msg(n -> { n.writeString(4, "If"); n.writeByteArray(OnnxProto.NODE_ATTRIBUTE, attr); });
            inner = msg(o -> o.writeByteArray(OnnxProto.GRAPH_NODE, node));
        }
        byte[] m = model(inner, 13);
        fails(ModelFormatException.class, m, "nested");
    }

    private static byte[] model(byte[] graph, long opset) {
        return msg(o -> {
            o.writeInt64(OnnxProto.MODEL_IR_VERSION, 8);
            o.writeByteArray(OnnxProto.MODEL_GRAPH, graph);
            o.writeByteArray(OnnxProto.MODEL_OPSET_IMPORT, msg(s -> { s.writeString(1, ""); s.writeInt64(2, opset); }));
        });
    }

    @Test
    void readerNeverLeaksRuntimeExceptionsOnTruncatedQOperatorModels() {
        byte[] q = new OnnxBuilder(13).input("a", FLOAT, 2, 3).init("s", new float[] {0.1f}).initBytes("z", UINT8, new byte[] {3})
                .node("QuantizeLinear", "aq", in("a", "s", "z")).initBytes("b", UINT8, new byte[12], 3, 4)
                .node("QLinearMatMul", "y", in("aq", "s", "z", "b", "s", "z", "s", "z"), aInts("unused", 1)).output("y", UINT8).build();
        for (int cut = 1; cut < q.length; cut += 3) {
            byte[] t = java.util.Arrays.copyOf(q, cut);
            try {
                Octet.load(ByteBuffer.wrap(t), ModelOptions.DEFAULT);
            } catch (OctetException e) {
                // expected: typed
            }
        }
    }
}
