package dev.octet.ops.reference;

import static dev.octet.ops.reference.ConvTestSupport.buf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.Model;
import dev.octet.core.ModelFormatException;
import dev.octet.core.ModelOptions;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import dev.octet.core.UnsupportedOpException;
import dev.octet.ops.BuiltinOps;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** BATCH_MATMUL: shapes, hand-computed values (float and hybrid) and load-time errors. The oracle tests are in testdata. */
class BatchMatMulTest {
    /** lhs is the graph input; rhs a constant when {@code rhsData} is given, else a second graph input. */
    private static Graph graph(DataType lt, int[] ls, QuantParams lq, DataType rt, int[] rs, QuantParams rq, ByteBuffer rhsData, DataType ot,
                               QuantParams oq, boolean adjX, boolean adjY, boolean asym) {
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
        int l = g.addTensor("lhs", lt, ls, lq, null, false);
        int r = g.addTensor("rhs", rt, rs, rq, rhsData, false);
        int o = g.addTensor("out", ot, new int[0], oq, null, false);
        Attributes a = Attributes.builder().put("adj_x", adjX).put("adj_y", adjY).put("asymmetric_quantize_inputs", asym).build();
        g.addNode(Ops.BATCH_MATMUL, "the_bmm", new int[] {l, r}, new int[] {o}, a, null);
        g.input(l);
        if (rhsData == null) g.input(r);
        g.output(o);
        return g.build();
    }

    private static Model compile(Graph g) { return Model.compile(g, BuiltinOps.get(), ModelOptions.DEFAULT); }

    private static float[] run(Model m, float[] lhs) {
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, Tensor.ofFloats(m.input(0).shape(), lhs));
            it.run();
            return it.output(0).floats();
        }
    }

    @Test
    void floatWithAdjointsAndBroadcast() {
        // lhs [1,3,2] stored transposed (adj_x): logical [1,2,3]; rhs [2,3,2] logical (K=3, N=2) -> out [2,2,2]
        float[] rhs = {1, 0, 0, 1, 1, 1, /* batch 1 */ 2, 0, 0, 2, 0, 0};
        Model m = compile(graph(DataType.FLOAT32, new int[] {1, 3, 2}, null, DataType.FLOAT32, new int[] {2, 3, 2}, null, buf(rhs), DataType.FLOAT32,
                null, true, false, false));
        assertArrayEquals(new int[] {2, 2, 2}, m.output(0).shape());
        // stored lhs [k][m]: logical row 0 = {1, 2, 3}, row 1 = {4, 5, 6}
        float[] y = run(m, new float[] {1, 4, 2, 5, 3, 6});
        assertArrayEquals(new float[] {1 + 3, 2 + 3, 4 + 6, 5 + 6, 2, 4, 8, 10}, y);
    }

    @Test
    void hybridRoundsTiesAwayFromZero() {
        // lhs {1, -0.5}: symmetric factor 1/127, q = {127, round(-63.5) = -64}; rhs int8 {2, 4} (K=2, N=1), scale 0.5
        Model m = compile(graph(DataType.FLOAT32, new int[] {1, 2}, null, DataType.INT8, new int[] {2, 1}, QuantParams.perTensor(0.5f, 0),
                buf(new byte[] {2, 4}), DataType.FLOAT32, null, false, false, false));
        float f = (1f / 127f) * 0.5f;
        assertEquals(0f + f * (float) (127 * 2 - 64 * 4), run(m, new float[] {1f, -0.5f})[0]);
        assertTrue(m.kernel(0).toString().startsWith("hybrid BATCH_MATMUL"), m.kernel(0).toString());
    }

    @Test
    void badShapesAndUnsupportedCombinationsFailAtLoad() {
        ByteBuffer w = buf(new byte[6]);
        QuantParams q = QuantParams.perTensor(0.1f, 0);
        ModelFormatException depth = assertThrows(ModelFormatException.class, () -> compile(graph(DataType.FLOAT32, new int[] {2, 4}, null,
                DataType.FLOAT32, new int[] {3, 2}, null, buf(new float[6]), DataType.FLOAT32, null, false, false, false)));
        assertTrue(depth.getMessage().contains("accumulation depth"), depth.getMessage());
        ModelFormatException bcast = assertThrows(ModelFormatException.class, () -> compile(graph(DataType.FLOAT32, new int[] {2, 1, 3}, null,
                DataType.FLOAT32, new int[] {3, 3, 2}, null, buf(new float[18]), DataType.FLOAT32, null, false, false, false)));
        assertTrue(bcast.getMessage().contains("broadcast"), bcast.getMessage());
        assertThrows(ModelFormatException.class, () -> compile(graph(DataType.FLOAT32, new int[] {1, 1, 1, 1, 1, 2, 3}, null,
                DataType.FLOAT32, new int[] {3, 2}, null, buf(new float[6]), DataType.FLOAT32, null, false, false, false)));
        UnsupportedOpException computed = assertThrows(UnsupportedOpException.class, () -> compile(graph(DataType.FLOAT32, new int[] {2, 3}, null,
                DataType.INT8, new int[] {3, 2}, q, null, DataType.FLOAT32, null, false, false, false)));
        assertTrue(computed.getMessage().contains("the_bmm") && computed.getMessage().contains("constant"), computed.getMessage());
        UnsupportedOpException perAxis = assertThrows(UnsupportedOpException.class, () -> compile(graph(DataType.FLOAT32, new int[] {2, 3}, null,
                DataType.INT8, new int[] {3, 2}, QuantParams.perAxis(new float[] {0.1f, 0.2f}, new int[2], 1), w, DataType.FLOAT32, null, false, false,
                false)));
        assertTrue(perAxis.getMessage().contains("per-axis"), perAxis.getMessage());
        UnsupportedOpException zp = assertThrows(UnsupportedOpException.class, () -> compile(graph(DataType.FLOAT32, new int[] {2, 3}, null,
                DataType.INT8, new int[] {3, 2}, QuantParams.perTensor(0.1f, 3), w, DataType.FLOAT32, null, false, false, false)));
        assertTrue(zp.getMessage().contains("zero point"), zp.getMessage());
        UnsupportedOpException u8 = assertThrows(UnsupportedOpException.class, () -> compile(graph(DataType.UINT8, new int[] {2, 3}, q,
                DataType.UINT8, new int[] {3, 2}, q, w, DataType.UINT8, q, false, false, false)));
        assertTrue(u8.getMessage().contains("type combination") && u8.getMessage().contains("node 0"), u8.getMessage());
    }
}
