package dev.octet.loaders.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Limits;
import dev.octet.core.ModelFormatException;
import dev.octet.core.OctetException;
import dev.octet.core.QuantParams;
import dev.octet.core.ResourceLimitException;
import dev.octet.core.UnsupportedOpException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Truncated, corrupted and inconsistent files only ever raise OctetException subclasses with clear messages. */
class TfliteHostileTest {

    /** A small but complete model exercising tensors, quantization, constants, options and a custom op. */
    static byte[] smallModel() {
        TfliteWriter w = new TfliteWriter();
        QuantParams q = QuantParams.perTensor(0.5f, 128);
        int x = w.addTensor("x", DataType.UINT8, new int[] {1, 4, 4, 2}, q, null);
        int f = w.addTensor("f", DataType.INT8, new int[] {2, 3, 3, 2}, QuantParams.perAxis(new float[] {0.1f, 0.2f}, new int[] {0, 0}, 0), new byte[36]);
        int b = w.addTensor("b", DataType.INT32, new int[] {2}, null, new byte[8]);
        int c = w.addTensor("c", DataType.UINT8, new int[] {1, 2, 2, 2}, q, null);
        w.addOp("CONV_2D", new int[] {x, f, b}, new int[] {c}, Map.of("padding", "SAME", "stride_w", 2, "stride_h", 2, "fused_activation_function", "RELU6"));
        int shape = w.addTensor("shape", DataType.INT32, new int[] {2}, null, new byte[] {1, 0, 0, 0, 8, 0, 0, 0});
        int r = w.addTensor("r", DataType.UINT8, new int[] {1, 8}, q, null);
        w.addOp("RESHAPE", new int[] {c, shape}, new int[] {r}, Map.of("new_shape", new int[] {1, 8}));
        int o = w.addTensor("o", DataType.UINT8, new int[] {1, 8}, q, null);
        w.addCustomOp("Custom", new int[] {r, -1}, new int[] {o}, new byte[] {1, 2, 3});
        w.inputs(x).outputs(o);
        return w.build();
    }

    static void onlyOctetExceptions(byte[] bytes, String what) {
        try {
            TfliteReader.read(ByteBuffer.wrap(bytes), Limits.DEFAULT);
        } catch (OctetException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        } catch (Throwable t) {
            fail(what + ": TfliteReader threw " + t, t);
        }
        try {
            TfliteWriter.exposedTensors(ByteBuffer.wrap(bytes));
            TfliteWriter.withAllTensorsAsOutputs(ByteBuffer.wrap(bytes));
        } catch (OctetException e) {
            assertTrue(e.getMessage() != null);
        } catch (Throwable t) {
            fail(what + ": TfliteWriter rewrite threw " + t, t);
        }
    }

    @Test
    void truncationAtEveryOffsetOfASmallModel() {
        byte[] m = smallModel();
        TfliteReader.read(ByteBuffer.wrap(m), Limits.DEFAULT); // the intact model reads
        for (int len = 0; len < m.length; len++) onlyOctetExceptions(Arrays.copyOf(m, len), "truncated to " + len);
    }

    @Test
    void randomByteFlipsOfASmallModel() {
        byte[] m = smallModel();
        Random r = new Random(1234);
        for (int iter = 0; iter < 2000; iter++) {
            byte[] c = m.clone();
            int flips = 1 + r.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int p = r.nextInt(c.length);
                c[p] = switch (r.nextInt(4)) {
                    case 0 -> (byte) r.nextInt(256);
                    case 1 -> (byte) 0xFF;
                    case 2 -> 0;
                    default -> (byte) (c[p] ^ (1 << r.nextInt(8)));
                };
            }
            onlyOctetExceptions(c, "iteration " + iter);
        }
    }

    @Test
    void truncationAndFlipsOfRealModels() throws Exception {
        for (String file : new String[] {"ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite", "mobilenet_v1_0.25_128_quant.tflite"}) {
            byte[] m = Files.readAllBytes(SharedModels.path(file));
            int step = Math.max(1, m.length / 400);
            for (int len = 0; len < m.length; len += step) onlyOctetExceptions(Arrays.copyOf(m, len), file + " truncated to " + len);
            for (int len = m.length - 64; len < m.length; len++) onlyOctetExceptions(Arrays.copyOf(m, len), file + " truncated to " + len);
            Random r = new Random(99);
            int iters = m.length < 100_000 ? 600 : 60;
            for (int iter = 0; iter < iters; iter++) {
                byte[] c = m.clone();
                for (int k = 0; k < 1 + r.nextInt(8); k++) c[r.nextInt(c.length)] = (byte) r.nextInt(256);
                onlyOctetExceptions(c, file + " flip iteration " + iter);
            }
        }
    }

    // ---- specific inconsistencies, each with a clear error ----

    static TfliteWriter.ModelRec rec() { return TfliteWriter.ModelRec.read(ByteBuffer.wrap(smallModel())); }

    static <E extends OctetException> E expect(Class<E> type, Consumer<TfliteWriter.ModelRec> edit, String messagePart) {
        TfliteWriter.ModelRec m = rec();
        edit.accept(m);
        byte[] b = m.serialize();
        E e = assertThrows(type, () -> TfliteReader.read(ByteBuffer.wrap(b), Limits.DEFAULT));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        return e;
    }

    static TfliteWriter.SubgraphRec sg(TfliteWriter.ModelRec m) { return m.subgraphs.get(0); }

    @Test
    void identifierAndVersion() {
        byte[] m = smallModel();
        m[4] = 'X';
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TfliteReader.read(ByteBuffer.wrap(m), Limits.DEFAULT));
        assertTrue(e.getMessage().contains("TFL3"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> TfliteReader.read(ByteBuffer.wrap(new byte[5]), Limits.DEFAULT));
        expect(ModelFormatException.class, x -> x.version = 2, "schema version 2");
        expect(ModelFormatException.class, x -> x.subgraphs.clear(), "no subgraph");
    }

    @Test
    void indexRanges() {
        expect(ModelFormatException.class, x -> sg(x).tensors.get(1).buffer = 99, "buffer 99");
        expect(ModelFormatException.class, x -> sg(x).ops.get(0).inputs[0] = 50, "reads tensor 50");
        expect(ModelFormatException.class, x -> sg(x).ops.get(0).inputs[0] = -2, "reads tensor -2");
        expect(ModelFormatException.class, x -> sg(x).ops.get(0).outputs[0] = -1, "writes tensor -1");
        expect(ModelFormatException.class, x -> sg(x).ops.get(0).opcode = 9, "opcode 9");
        expect(ModelFormatException.class, x -> sg(x).inputs = new int[] {40}, "input refers to tensor 40");
        expect(ModelFormatException.class, x -> sg(x).outputs = new int[] {-1}, "output refers to tensor -1");
        // -1 as an optional input is fine (the custom op has one)
        Graph g = TfliteReader.read(ByteBuffer.wrap(smallModel()), Limits.DEFAULT);
        assertEquals(-1, g.nodes().get(2).input(1));
    }

    @Test
    void shapesAndData() {
        expect(ModelFormatException.class, x -> sg(x).tensors.get(3).shape = new int[] {1, -2, 2, 2}, "invalid shape");
        expect(ModelFormatException.class, x -> sg(x).tensors.get(3).shape = new int[] {1, -1, 2, 2}, "invalid shape");
        UnsupportedOpException dyn = expect(UnsupportedOpException.class, x -> {
            sg(x).tensors.get(0).shape = new int[] {-1, 4, 4, 2};
            sg(x).tensors.get(0).shapeSignature = new int[] {-1, 4, 4, 2};
        }, "dynamic shapes are not supported");
        assertEquals("CONV_2D", dyn.opType());
        expect(ModelFormatException.class, x -> sg(x).tensors.get(1).shape = new int[] {2, 3, 3, 3}, "needs 54 bytes but its buffer");
        expect(ModelFormatException.class, x -> x.buffers.set(2, ByteBuffer.wrap(new byte[7])), "needs 8 bytes but its buffer 2 has 7");
        expect(ModelFormatException.class, x -> {
            x.buffers.set(2, null);
            x.externalBuffers.put(2, new long[] {1L << 31, 8});
        }, "outside the flatbuffer");
        ResourceLimitException big = assertThrows(ResourceLimitException.class, () -> {
            TfliteWriter.ModelRec m = rec();
            sg(m).tensors.get(3).shape = new int[] {1 << 16, 1 << 16, 1, 1};
            TfliteReader.read(ByteBuffer.wrap(m.serialize()), Limits.DEFAULT);
        });
        assertTrue(big.getMessage().contains("'c'"), big.getMessage());
        expect(ResourceLimitException.class, x -> sg(x).tensors.get(3).shape = new int[9], "rank");
        byte[] ok = smallModel();
        assertThrows(ResourceLimitException.class, () -> TfliteReader.read(ByteBuffer.wrap(ok), new Limits(1L << 31, 4L << 30, 100, 5, 8)));
        assertThrows(ResourceLimitException.class, () -> TfliteReader.read(ByteBuffer.wrap(ok), new Limits(1L << 31, 4L << 30, 2, 100, 8)));
        assertThrows(ResourceLimitException.class, () -> TfliteReader.read(ByteBuffer.wrap(ok), new Limits(16, 4L << 30, 100, 100, 8)));
    }

    @Test
    void typesAndQuantization() {
        UnsupportedOpException str = expect(UnsupportedOpException.class, x -> sg(x).tensors.get(4).type = TflSchema.TT_STRING, "type STRING");
        assertEquals(1, str.nodeIndex());
        assertEquals("RESHAPE", str.opType());
        assertTrue(str.getMessage().contains("'shape'"), str.getMessage());
        // an unsupported type on a tensor nobody uses is tolerated
        TfliteWriter.ModelRec m = rec();
        TfliteWriter.TensorRec extra = new TfliteWriter.TensorRec();
        extra.name = "unused";
        extra.type = TflSchema.TT_COMPLEX64;
        extra.shape = new int[] {2};
        sg(m).tensors.add(extra);
        assertEquals(8, TfliteReader.read(ByteBuffer.wrap(m.serialize()), Limits.DEFAULT).tensors().size());

        expect(ModelFormatException.class, x -> sg(x).tensors.get(1).quantDim = 1, "per-channel scales for quantized_dimension 1");
        expect(ModelFormatException.class, x -> sg(x).tensors.get(1).zeroPoint = new long[] {0, 0, 0}, "2 quantization scales but 3 zero points");
        expect(ModelFormatException.class, x -> sg(x).tensors.get(0).zeroPoint = new long[] {1L << 40}, "zero point");
        expect(ModelFormatException.class, x -> sg(x).tensors.get(0).scale = new float[] {Float.NaN}, "scale");
        // zero points outside the tensor type's range (the fuzzer found an int8 output with zero point 158, whose
        // fused-RELU clamp range came out inverted): uint8 x, int8 per-channel filter
        expect(ModelFormatException.class, x -> sg(x).tensors.get(0).zeroPoint = new long[] {256}, "zero point 256, outside the type's range [0, 255]");
        expect(ModelFormatException.class, x -> sg(x).tensors.get(0).zeroPoint = new long[] {-1}, "zero point -1");
        expect(ModelFormatException.class, x -> sg(x).tensors.get(1).zeroPoint = new long[] {0, 158}, "zero point 158, outside the type's range [-128, 127]");
    }

    @Test
    void operators() {
        UnsupportedOpException fc = assertThrows(UnsupportedOpException.class, () -> {
            TfliteWriter w = new TfliteWriter();
            int a = w.addTensor("a", DataType.INT8, new int[] {1, 4}, QuantParams.perTensor(1, 0), null);
            int wt = w.addTensor("w", DataType.INT8, new int[] {2, 4}, QuantParams.perTensor(1, 0), new byte[8]);
            int o = w.addTensor("o", DataType.INT8, new int[] {1, 2}, QuantParams.perTensor(1, 0), null);
            w.addOp("FULLY_CONNECTED", new int[] {a, wt, -1}, new int[] {o}, Map.of("weights_format", "SHUFFLED4x16INT8"));
            w.inputs(a).outputs(o);
            TfliteReader.read(ByteBuffer.wrap(w.build()), Limits.DEFAULT);
        });
        assertTrue(fc.getMessage().contains("SHUFFLED4x16INT8"), fc.getMessage());
        expect(ModelFormatException.class, x -> {
            sg(x).ops.get(0).optionsType = 22; // PadOptions on a CONV_2D
            sg(x).ops.get(0).options = Map.of();
        }, "carries PadOptions but CONV_2D takes Conv2DOptions");
        expect(ModelFormatException.class, x -> sg(x).ops.get(0).options = Map.of("fused_activation_function", 9), "unknown value 9");
        expect(ModelFormatException.class, x -> {
            x.opcodes.set(1, new TfliteWriter.OpcodeRec(32, 32, null, 1));
        }, "CUSTOM but has no custom_code");
        // an operator writing a tensor twice, or reading one nobody produces, is caught by the graph checks
        expect(ModelFormatException.class, x -> sg(x).ops.get(1).outputs = new int[] {3}, "already written");
        expect(ModelFormatException.class, x -> sg(x).ops.get(0).inputs[0] = 5, "before any node produces it");
    }

    @Test
    void sharedOffsetsCannotBlowUpMemory() {
        // many tensors whose names point at one shared 64 KB string: decoding them all would take far more memory
        // than the file holds, so the reader stops (a real model never shares, as the honest variant shows)
        TfliteWriter.ModelRec m = rec();
        String huge = "n".repeat(1 << 16);
        for (int i = 0; i < 40; i++) {
            TfliteWriter.TensorRec t = new TfliteWriter.TensorRec();
            t.type = TflSchema.TT_FLOAT32;
            t.shape = new int[] {1};
            sg(m).tensors.add(t);
        }
        for (TfliteWriter.TensorRec t : sg(m).tensors) t.name = huge;
        m.shareStrings = true;
        byte[] shared = m.serialize();
        assertTrue(shared.length < 80_000);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TfliteReader.read(ByteBuffer.wrap(shared), Limits.DEFAULT));
        assertTrue(e.getMessage().contains("far more data"), e.getMessage());
        m.shareStrings = false;
        assertEquals(47, TfliteReader.read(ByteBuffer.wrap(m.serialize()), Limits.DEFAULT).tensors().size());
    }
}
