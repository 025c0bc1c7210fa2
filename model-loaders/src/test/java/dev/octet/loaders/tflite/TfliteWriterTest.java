package dev.octet.loaders.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlexBuffersBuilder;
import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Limits;
import dev.octet.core.ModelOptions;
import dev.octet.core.Node;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.TensorInfo;
import dev.octet.core.UnsupportedOpException;
import dev.octet.loaders.Octet;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writer to reader round trips, options encoding, opcode rules. */
class TfliteWriterTest {

    static Graph read(byte[] b) { return TfliteReader.read(ByteBuffer.wrap(b), Limits.DEFAULT); }

    static void assertSameGraph(Graph a, Graph b) {
        assertEquals(a.tensors().size(), b.tensors().size());
        for (int i = 0; i < a.tensors().size(); i++) {
            TensorInfo x = a.tensor(i), y = b.tensor(i);
            assertEquals(x.name(), y.name());
            assertEquals(x.type(), y.type(), x.name());
            assertArrayEquals(x.shape(), y.shape(), x.name());
            assertEquals(x.quant(), y.quant(), x.name());
            assertEquals(x.isConstant(), y.isConstant(), x.name());
            assertEquals(x.isVariable(), y.isVariable(), x.name());
            if (x.isConstant()) assertEquals(x.data(), y.data(), x.name());
        }
        assertEquals(a.nodes().size(), b.nodes().size());
        for (int i = 0; i < a.nodes().size(); i++) {
            Node x = a.nodes().get(i), y = b.nodes().get(i);
            assertEquals(x.opType(), y.opType());
            assertEquals(x.name(), y.name());
            assertEquals(x.origin(), y.origin());
            assertArrayEquals(x.inputs(), y.inputs(), x.describe());
            assertArrayEquals(x.outputs(), y.outputs(), x.describe());
            assertSameAttrs(x.attrs(), y.attrs(), x.describe());
        }
        assertArrayEquals(a.inputs(), b.inputs());
        assertArrayEquals(a.outputs(), b.outputs());
        assertEquals(a.semantics(), b.semantics());
    }

    static void assertSameAttrs(Attributes a, Attributes b, String what) {
        assertEquals(a.asMap().keySet(), b.asMap().keySet(), what);
        for (String k : a.asMap().keySet()) {
            Object x = a.get(k), y = b.get(k);
            assertTrue(Objects.deepEquals(x, y), what + " attr " + k + ": " + x + " vs " + y);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v1_0.25_128_quant.tflite", "mobilenet_v2_1.0_224_quant.tflite", "tf2_mobilenet_v2_1.0_224_ptq.tflite",
            "mobilenet_v3_small_224_1.0_uint8.tflite", "ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite",
            "ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite", "face_detection_short_range.tflite"})
    void realModelsRoundTrip(String file) throws Exception {
        byte[] orig = Files.readAllBytes(SharedModels.path(file));
        Graph g = read(orig);
        byte[] written = TfliteWriter.fromGraph(g);
        Graph g2 = read(written);
        assertSameGraph(g, g2);
        // and the rewrite of a model keeps its graph (with more outputs)
        Graph g3 = read(TfliteWriter.withAllTensorsAsOutputs(ByteBuffer.wrap(orig)));
        assertEquals(g.nodes().size(), g3.nodes().size());
        for (int i = 0; i < g.nodes().size(); i++) assertSameAttrs(g.nodes().get(i).attrs(), g3.nodes().get(i).attrs(), file);
    }

    @Test
    void smallModelRoundTripWithEveryWriterOp() {
        TfliteWriter w = new TfliteWriter();
        QuantParams q = QuantParams.perTensor(0.25f, 3);
        int x = w.addTensor("x", DataType.UINT8, new int[] {1, 4, 4, 2}, q, null);
        int f = w.addTensor("f", DataType.UINT8, new int[] {2, 3, 3, 2}, q, new byte[36]);
        int bias = w.addTensor("bias", DataType.INT32, new int[] {2}, QuantParams.perTensor(0.0625f, 0), new byte[8]);
        int c = w.addTensor("c", DataType.UINT8, new int[] {1, 2, 2, 2}, q, null);
        w.addOp("CONV_2D", new int[] {x, f, bias}, new int[] {c}, Map.of("padding", "SAME", "stride_w", 2, "stride_h", 2,
                "fused_activation_function", "RELU6", "dilation_w_factor", 1, "dilation_h_factor", 1));
        int dwf = w.addTensor("dwf", DataType.UINT8, new int[] {1, 3, 3, 4}, q, new byte[36]);
        int d = w.addTensor("d", DataType.UINT8, new int[] {1, 2, 2, 4}, q, null);
        w.addOp("DEPTHWISE_CONV_2D", new int[] {c, dwf, -1}, new int[] {d}, Map.of("padding", "SAME", "stride_w", 1, "stride_h", 1,
                "depth_multiplier", 2, "activation", "RELU", "dilation_w", 2, "dilation_h", 3, "version", 2));
        int ap = w.addTensor("ap", DataType.UINT8, new int[] {1, 1, 1, 4}, q, null);
        w.addOp("AVERAGE_POOL_2D", new int[] {d}, new int[] {ap}, Map.of("padding", "VALID", "stride_w", 2, "stride_h", 2, "filter_width", 2,
                "filter_height", 2));
        int mp = w.addTensor("mp", DataType.UINT8, new int[] {1, 1, 1, 4}, q, null);
        w.addOp("MAX_POOL_2D", new int[] {d}, new int[] {mp}, Map.of("padding", "VALID", "stride_w", 2, "stride_h", 2, "filter_w", 2, "filter_h", 2));
        int add = w.addTensor("add", DataType.UINT8, new int[] {1, 1, 1, 4}, q, null);
        w.addOp("ADD", new int[] {ap, mp}, new int[] {add}, Map.of("fused_activation_function", "RELU_N1_TO_1"));
        int sub = w.addTensor("sub", DataType.UINT8, new int[] {1, 1, 1, 4}, q, null);
        w.addOp("SUB", new int[] {ap, mp}, new int[] {sub}, Map.of());
        int mul = w.addTensor("mul", DataType.UINT8, new int[] {1, 1, 1, 4}, q, null);
        w.addOp("MUL", new int[] {add, sub}, new int[] {mul}, Map.of("fused_activation_function", "TANH"));
        int shape = w.addTensor("shape", DataType.INT32, new int[] {2}, null, new byte[] {1, 0, 0, 0, 4, 0, 0, 0});
        int r = w.addTensor("r", DataType.UINT8, new int[] {1, 4}, q, null);
        w.addOp("RESHAPE", new int[] {mul, shape}, new int[] {r}, Map.of("new_shape", new int[] {1, 4}));
        int fcw = w.addTensor("fcw", DataType.UINT8, new int[] {3, 4}, q, new byte[12]);
        int fc = w.addTensor("fc", DataType.UINT8, new int[] {1, 3}, q, null);
        w.addOp("FULLY_CONNECTED", new int[] {r, fcw, -1}, new int[] {fc}, Map.of("keep_num_dims", true, "asymmetric_quantize_inputs", true));
        int cat = w.addTensor("cat", DataType.UINT8, new int[] {1, 7}, q, null);
        w.addOp("CONCATENATION", new int[] {fc, r}, new int[] {cat}, Map.of("axis", -1, "fused_activation_function", "NONE"));
        int sm = w.addTensor("sm", DataType.UINT8, new int[] {1, 7}, QuantParams.perTensor(1f / 256, 0), null);
        w.addOp("SOFTMAX", new int[] {cat}, new int[] {sm}, Map.of("beta", 0.75f));
        int sq = w.addTensor("sq", DataType.UINT8, new int[] {7}, q, null);
        w.addOp("SQUEEZE", new int[] {sm}, new int[] {sq}, Map.of("squeeze_dims", new int[] {0}));
        int pads = w.addTensor("pads", DataType.INT32, new int[] {1, 2}, null, new byte[] {1, 0, 0, 0, 1, 0, 0, 0});
        int pd = w.addTensor("pd", DataType.UINT8, new int[] {9}, q, null);
        w.addOp("PAD", new int[] {sq, pads}, new int[] {pd}, null);
        int cv = w.addTensor("cv", DataType.UINT8, new int[] {}, q, new byte[] {5});
        int pd2 = w.addTensor("pd2", DataType.UINT8, new int[] {11}, q, null);
        w.addOp("PADV2", new int[] {pd, pads, cv}, new int[] {pd2}, null);
        int axes = w.addTensor("axes", DataType.INT32, new int[] {1}, null, new byte[4]);
        int mean = w.addTensor("mean", DataType.UINT8, new int[] {1}, q, null);
        w.addOp("MEAN", new int[] {pd2, axes}, new int[] {mean}, Map.of("keep_dims", true));
        int dq = w.addTensor("dq", DataType.FLOAT32, new int[] {1}, null, null);
        w.addOp("DEQUANTIZE", new int[] {mean}, new int[] {dq}, null);
        String[] unary = {"LOGISTIC", "TANH", "HARD_SWISH", "RELU", "RELU6"};
        int prev = dq;
        for (String u : unary) {
            int o = w.addTensor(u.toLowerCase(), DataType.FLOAT32, new int[] {1}, null, null);
            w.addOp(u, new int[] {prev}, new int[] {o}, null);
            prev = o;
        }
        int qz = w.addTensor("qz", DataType.INT8, new int[] {1}, QuantParams.perTensor(0.5f, -3), null);
        w.addOp("QUANTIZE", new int[] {prev}, new int[] {qz}, null);
        w.inputs(x).outputs(qz, fc);
        byte[] bytes = w.build();

        Graph g = read(bytes);
        assertEquals(22, g.nodes().size());
        Node conv = g.nodes().get(0);
        assertEquals(Map.of("padding", "SAME", "stride_w", 2, "stride_h", 2, "activation", "RELU6", "dilation_w", 1, "dilation_h", 1), conv.attrs().asMap());
        Node dw = g.nodes().get(1);
        assertEquals("DEPTHWISE_CONV_2D v2", dw.origin());
        assertEquals(-1, dw.input(2));
        assertEquals(2, dw.attrs().getInt(Ops.ATTR_DEPTH_MULTIPLIER, 0));
        assertEquals(2, dw.attrs().getInt(Ops.ATTR_DILATION_W, 0));
        assertEquals(3, dw.attrs().getInt(Ops.ATTR_DILATION_H, 0));
        assertEquals("RELU", dw.attrs().getString(Ops.ATTR_ACTIVATION, null));
        assertEquals(2, g.nodes().get(2).attrs().getInt(Ops.ATTR_FILTER_W, 0));
        assertEquals(2, g.nodes().get(3).attrs().getInt(Ops.ATTR_FILTER_H, 0));
        assertEquals(Map.of("activation", "RELU_N1_TO_1"), g.nodes().get(4).attrs().asMap());
        assertEquals(Map.of("activation", "NONE"), g.nodes().get(5).attrs().asMap());
        assertEquals("TANH", g.nodes().get(6).attrs().getString(Ops.ATTR_ACTIVATION, null));
        assertArrayEquals(new int[] {1, 4}, g.nodes().get(7).attrs().getInts("new_shape", null));
        Node fcn = g.nodes().get(8);
        assertTrue(fcn.attrs().getBool(Ops.ATTR_KEEP_NUM_DIMS, false));
        assertTrue(fcn.attrs().getBool("asymmetric_quantize_inputs", false));
        assertEquals("DEFAULT", fcn.attrs().getString("weights_format", null));
        assertEquals(1, g.nodes().get(9).attrs().getInt(Ops.ATTR_AXIS, -1));
        assertEquals(0.75f, g.nodes().get(10).attrs().getFloat(Ops.ATTR_BETA, 0));
        assertArrayEquals(new int[] {0}, g.nodes().get(11).attrs().getInts(Ops.ATTR_SQUEEZE_DIMS, null));
        assertEquals(Attributes.EMPTY, g.nodes().get(12).attrs());
        assertTrue(g.nodes().get(14).attrs().getBool(Ops.ATTR_KEEP_DIMS, false));
        assertEquals("QUANTIZE", g.nodes().get(21).opType());
        assertEquals(QuantParams.perTensor(0.5f, -3), g.tensor(qz).quant());
        assertEquals(DataType.INT8, g.tensor(qz).type());
        assertArrayEquals(new int[] {x}, g.inputs());
        assertArrayEquals(new int[] {qz, fc}, g.outputs());
        assertArrayEquals(new int[0], g.tensor(cv).shape());

        // IR graph -> writer -> reader is the identity
        assertSameGraph(g, read(TfliteWriter.fromGraph(g)));

        // exposing intermediates: every op output except the two graph outputs, in op order
        int[] exposed = TfliteWriter.exposedTensors(ByteBuffer.wrap(bytes));
        assertEquals(22 - 2, exposed.length);
        assertEquals(c, exposed[0]);
        assertEquals(d, exposed[1]);
        Graph all = read(TfliteWriter.withAllTensorsAsOutputs(ByteBuffer.wrap(bytes)));
        assertEquals(22, all.outputs().length);
        assertEquals(qz, all.outputs()[0]);
        assertEquals(c, all.outputs()[2]);
    }

    @Test
    void customOpWithFlexBufferOptions() {
        FlexBuffersBuilder fb = new FlexBuffersBuilder();
        int start = fb.startMap();
        fb.putInt("max_detections", 7);
        fb.putFloat("y_scale", 10.0);
        fb.putBoolean("use_regular_nms", true);
        fb.putString("mode", "fast");
        fb.putInt("big", 1L << 40);
        fb.endMap(null, start);
        ByteBuffer opts = fb.finish();
        byte[] raw = new byte[opts.remaining()];
        opts.get(raw);

        TfliteWriter w = new TfliteWriter();
        int a = w.addTensor("a", DataType.FLOAT32, new int[] {1, 2}, null, null);
        int o = w.addTensor("o", DataType.FLOAT32, new int[] {1, 2}, null, null);
        w.addCustomOp("MyOp", new int[] {a}, new int[] {o}, raw);
        w.inputs(a).outputs(o);
        Graph g = read(w.build());
        Node n = g.nodes().get(0);
        assertEquals("MyOp", n.opType());
        assertEquals("CUSTOM MyOp v1", n.origin());
        assertArrayEquals(raw, (byte[]) n.attrs().get(Ops.ATTR_CUSTOM_OPTIONS));
        assertEquals(7, n.attrs().getInt("max_detections", 0));
        assertEquals(10f, n.attrs().getFloat("y_scale", 0));
        assertTrue(n.attrs().getBool("use_regular_nms", false));
        assertEquals("fast", n.attrs().getString("mode", null));
        assertEquals(1L << 40, n.attrs().getLong("big", 0));

        // undecodable options keep only the raw bytes
        TfliteWriter w2 = new TfliteWriter();
        a = w2.addTensor("a", DataType.FLOAT32, new int[] {1}, null, null);
        o = w2.addTensor("o", DataType.FLOAT32, new int[] {1}, null, null);
        w2.addCustomOp("Raw", new int[] {a}, new int[] {o}, new byte[] {1, 2, 3, 4, 5});
        w2.inputs(a).outputs(o);
        Node n2 = read(w2.build()).nodes().get(0);
        assertEquals(Map.of(Ops.ATTR_CUSTOM_OPTIONS, n2.attrs().get(Ops.ATTR_CUSTOM_OPTIONS)), n2.attrs().asMap());
    }

    @Test
    void opcodeRules() {
        // codes above 127 go to builtin_code with the placeholder in deprecated_builtin_code
        TfliteWriter w = new TfliteWriter();
        int a = w.addTensor("a", DataType.FLOAT32, new int[] {3}, null, null);
        int axis = w.addTensor("axis", DataType.INT32, new int[] {}, null, new byte[4]);
        int o = w.addTensor("o", DataType.FLOAT32, new int[] {3}, null, null);
        w.addOp("CUMSUM", new int[] {a, axis}, new int[] {o}, Map.of("exclusive", true));
        w.inputs(a).outputs(o);
        Graph g = read(w.build());
        assertEquals("CUMSUM", g.nodes().get(0).opType());
        assertTrue(g.nodes().get(0).attrs().getBool("exclusive", false));

        // files written before the split only have deprecated_builtin_code
        TfliteWriter old = new TfliteWriter();
        a = old.addTensor("a", DataType.FLOAT32, new int[] {1, 2}, null, null);
        o = old.addTensor("o", DataType.FLOAT32, new int[] {1, 2}, null, null);
        old.addOp("RELU", new int[] {a}, new int[] {o}, null);
        old.inputs(a).outputs(o);
        TfliteWriter.ModelRec m = TfliteWriter.ModelRec.read(ByteBuffer.wrap(old.build()));
        m.opcodes.set(0, new TfliteWriter.OpcodeRec(21, 0, null, 1)); // RELU6 the old way
        assertEquals("RELU6", read(m.serialize()).nodes().get(0).opType());
        m.opcodes.set(0, new TfliteWriter.OpcodeRec(126, 126, null, 1)); // both fields (current converters)
        assertEquals("BATCH_MATMUL", read(m.serialize()).nodes().get(0).opType());
        m.opcodes.set(0, new TfliteWriter.OpcodeRec(127, 130, null, 1)); // placeholder + BROADCAST_TO
        assertEquals("BROADCAST_TO", read(m.serialize()).nodes().get(0).opType());
        m.opcodes.set(0, new TfliteWriter.OpcodeRec(127, 250, null, 4)); // newer than our table
        Node future = read(m.serialize()).nodes().get(0);
        assertEquals("BUILTIN_250", future.opType());
        assertEquals("BUILTIN_250 v4", future.origin());
    }

    @Test
    void unsupportedBuiltinFailsAtCompileNamingOpAndNode() {
        TfliteWriter w = new TfliteWriter();
        int a = w.addTensor("a", DataType.FLOAT32, new int[] {1, 2, 3}, null, null);
        int b = w.addTensor("b", DataType.FLOAT32, new int[] {1, 3, 2}, null, null);
        int o = w.addTensor("o", DataType.FLOAT32, new int[] {1, 2, 2}, null, null);
        w.addOp("CUMSUM", new int[] {a, b}, new int[] {o}, Map.of("exclusive", false));
        w.inputs(a, b).outputs(o);
        Graph g = read(w.build());
        assertEquals("CUMSUM", g.nodes().get(0).opType());
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> Octet.compile(g, ModelOptions.DEFAULT));
        assertEquals("CUMSUM", e.opType());
        assertEquals(0, e.nodeIndex());
        assertTrue(e.getMessage().contains("CUMSUM") && e.getMessage().contains("node 0"), e.getMessage());
    }

    @Test
    void writerRejectsMistakes() {
        TfliteWriter w = new TfliteWriter();
        int a = w.addTensor("a", DataType.FLOAT32, new int[] {1, 2, 2, 1}, null, null);
        assertThrows(IllegalArgumentException.class, () -> w.addOp("CONV_2D", new int[] {a}, new int[] {a}, Map.of("strid_w", 1)));
        assertThrows(IllegalArgumentException.class, () -> w.addOp("CONV_2D", new int[] {a}, new int[] {a}, Map.of("padding", "FULL")));
        assertThrows(IllegalArgumentException.class, () -> w.addOp("NOT_AN_OP", new int[] {a}, new int[] {a}, null));
        assertThrows(IllegalArgumentException.class, () -> w.addOp("RELU", new int[] {a}, new int[] {a}, Map.of("alpha", 1f)));
        w.addOp("RELU", new int[] {a}, new int[] {7}, null);
        assertThrows(IllegalArgumentException.class, w::build);
    }

    @Test
    void variablesAndQuantAxisSurvive() {
        TfliteWriter w = new TfliteWriter();
        int a = w.addTensor("a", DataType.INT8, new int[] {3, 2}, QuantParams.perAxis(new float[] {0.5f, 0.25f}, new int[] {1, -2}, 1), new byte[6]);
        int o = w.addTensor("o", DataType.INT8, new int[] {3, 2}, QuantParams.perTensor(1, 0), null);
        w.addOp("RELU", new int[] {a}, new int[] {o}, null);
        w.inputs().outputs(o);
        Graph g = read(w.build());
        QuantParams q = g.tensor(a).quant();
        assertEquals(1, q.axis());
        assertArrayEquals(new int[] {1, -2}, q.zeroPoints());
        assertFalse(g.tensor(o).isConstant());
        assertTrue(Arrays.equals(new float[] {0.5f, 0.25f}, q.scales()));
    }

    @Test
    void multipleSubgraphsReadSubgraphZeroAndRewriteKeepsAll() {
        TfliteWriter.ModelRec m = TfliteWriter.ModelRec.read(ByteBuffer.wrap(TfliteHostileTest.smallModel()));
        TfliteWriter.SubgraphRec second = new TfliteWriter.SubgraphRec();
        TfliteWriter.TensorRec t = new TfliteWriter.TensorRec();
        t.name = "only";
        t.type = TflSchema.TT_FLOAT32;
        t.shape = new int[] {1};
        second.tensors.add(t);
        second.inputs = new int[] {0};
        second.outputs = new int[] {0};
        second.name = "second";
        m.subgraphs.add(second);
        byte[] two = m.serialize();
        Graph g = read(two);
        assertEquals("2", g.metadata().get("tflite.subgraphs"));
        assertEquals(7, g.tensors().size());
        TfliteWriter.ModelRec back = TfliteWriter.ModelRec.read(ByteBuffer.wrap(TfliteWriter.withAllTensorsAsOutputs(ByteBuffer.wrap(two))));
        assertEquals(2, back.subgraphs.size());
        assertEquals("second", back.subgraphs.get(1).name);
        assertArrayEquals(new int[] {0}, back.subgraphs.get(1).outputs);
    }

    @Test
    void octetEntryPointRejectsOtherFormats() {
        dev.octet.core.ModelFormatException e = assertThrows(dev.octet.core.ModelFormatException.class,
                () -> Octet.readGraph(ByteBuffer.wrap("PK\u0003\u0004 not a model".getBytes()), ModelOptions.DEFAULT));
        assertTrue(e.getMessage().contains("TFL3"), e.getMessage());
        Graph g = Octet.readGraph(ByteBuffer.wrap(TfliteHostileTest.smallModel()), ModelOptions.DEFAULT);
        assertEquals(3, g.nodes().size());
    }

    /** markVariable and intermediates reach the file: the reader sees is_variable and the intermediates' quantization. */
    @Test
    void variablesAndIntermediatesRoundTrip() {
        TfliteWriter w = new TfliteWriter();
        int a = w.addTensor("a", DataType.FLOAT32, new int[] {1, 2}, null, null);
        int state = w.addTensor("state", DataType.INT8, new int[] {1, 2}, QuantParams.perTensor(0.5f, 3), null);
        int i0 = w.addTensor("i0", DataType.INT16, new int[] {}, QuantParams.perTensor(0.25f, 0), null);
        int i1 = w.addTensor("i1", DataType.INT8, new int[] {}, QuantParams.perTensor(0.125f, -2), null);
        int o = w.addTensor("o", DataType.FLOAT32, new int[] {1, 2}, null, null);
        w.markVariable(state);
        int op = w.addOp("ADD", new int[] {a, a}, new int[] {o}, Map.of());
        w.intermediates(op, i0, i1);
        w.inputs(a).outputs(o);
        Graph g = TfliteReader.read(ByteBuffer.wrap(w.build()), Limits.DEFAULT);
        assertTrue(g.tensor(state).isVariable());
        assertFalse(g.tensor(a).isVariable());
        assertArrayEquals(new float[] {0.25f, 0.125f}, g.nodes().get(0).attrs().getFloats("intermediate_scales", null));
        assertArrayEquals(new int[] {0, -2}, g.nodes().get(0).attrs().getInts("intermediate_zero_points", null));
        // and the rewrite keeps both
        Graph g2 = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.withAllTensorsAsOutputs(ByteBuffer.wrap(w.build()))), Limits.DEFAULT);
        assertTrue(g2.tensor(state).isVariable());
        assertArrayEquals(new float[] {0.25f, 0.125f}, g2.nodes().get(0).attrs().getFloats("intermediate_scales", null));
    }
}
