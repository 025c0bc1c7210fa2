package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.DataType;
import dev.octet.core.QuantParams;
import dev.octet.loaders.tflite.TfliteWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code octet inspect} names each tensor's quantization mode and the model's kind. */
class InspectQuantModesTest {
    @TempDir Path dir;

    private static Map<String, Object> fcOptions() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fused_activation_function", "NONE");
        return o;
    }

    private MainTest.Result inspect(String name, byte[] model) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, model);
        return MainTest.run("inspect", "--model", p.toString(), "--verbose");
    }

    private static byte[] halfs(int n) {
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putShort(Float.floatToFloat16(0.25f * (i % 7) - 0.5f));
        return b.array();
    }

    private static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putFloat(0.1f * (i % 5));
        return b.array();
    }

    @Test
    void float32Model() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {2, 8}, null, null);
        int f = w.addTensor("w", DataType.FLOAT32, new int[] {4, 8}, null, floats(32));
        int y = w.addTensor("y", DataType.FLOAT32, new int[] {2, 4}, null, null);
        w.addOp("FULLY_CONNECTED", new int[] {x, f, -1}, new int[] {y}, fcOptions());
        MainTest.Result r = inspect("f32.tflite", w.inputs(x).outputs(y).build());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("quantization: float32; I/O float32 -> float32"), r.out());
        assertTrue(r.out().contains("  0  'x'  float32[2,8]  [float32]"), r.out());
        assertTrue(r.out().contains("      3  float32"), r.out());
    }

    @Test
    void float16WeightsAreExpandedAtLoad() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {2, 8}, null, null);
        int h = w.addTensor("w16", DataType.FLOAT16, new int[] {4, 8}, null, halfs(32));
        int f = w.addTensor("w", DataType.FLOAT32, new int[] {4, 8}, null, null);
        int y = w.addTensor("y", DataType.FLOAT32, new int[] {2, 4}, null, null);
        w.addOp("DEQUANTIZE", new int[] {h}, new int[] {f}, Map.of());
        w.addOp("FULLY_CONNECTED", new int[] {x, f, -1}, new int[] {y}, fcOptions());
        MainTest.Result r = inspect("f16.tflite", w.inputs(x).outputs(y).build());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("quantization: float16 weights (1 float16 constants, expanded to float32 at load)"), r.out());
        assertTrue(r.out().contains("float16 (weights expanded at load)  float16[4,8]c  'w16'"), r.out());
        assertTrue(r.out().contains("float32 (float16 expanded at load)  float32[4,8]  'w'"), r.out());
        assertTrue(r.out().contains("folded-at-load"), "the DEQUANTIZE node does nothing at run time: " + r.out());
    }

    @Test
    void int8PerChannelFullInteger() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.INT8, new int[] {1, 4, 4, 3}, QuantParams.perTensor(0.05f, -3), null);
        int f = w.addTensor("w", DataType.INT8, new int[] {2, 1, 1, 3}, QuantParams.perAxis(new float[] {0.01f, 0.02f}, new int[2], 0), new byte[6]);
        int b = w.addTensor("b", DataType.INT32, new int[] {2}, QuantParams.perAxis(new float[] {0.0005f, 0.001f}, new int[2], 0), new byte[8]);
        int y = w.addTensor("y", DataType.INT8, new int[] {1, 4, 4, 2}, QuantParams.perTensor(0.1f, 5), null);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("padding", "SAME");
        o.put("stride_w", 1);
        o.put("stride_h", 1);
        o.put("fused_activation_function", "NONE");
        w.addOp("CONV_2D", new int[] {x, f, b}, new int[] {y}, o);
        MainTest.Result r = inspect("i8.tflite", w.inputs(x).outputs(y).build());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("quantization: full-integer int8 (weights int8 per-channel); I/O int8 -> int8"), r.out());
        assertTrue(r.out().contains("int8 per-channel (axis 0)  int8[2,1,1,3]c  'w'"), r.out());
        assertTrue(r.out().contains("int32 bias per-channel (axis 0)  int32[2]c  'b'"), r.out());
        assertTrue(r.out().contains("int8 per-tensor  int8[1,4,4,3]  'x'"), r.out());
    }

    @Test
    void uint8QatAndInt16() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.UINT8, new int[] {1, 6}, QuantParams.perTensor(0.05f, 128), null);
        int y = w.addTensor("y", DataType.UINT8, new int[] {1, 6}, QuantParams.perTensor(0.05f, 128), null);
        int z = w.addTensor("z", DataType.FLOAT32, new int[] {1, 6}, null, null);
        int s = w.addTensor("s", DataType.INT16, new int[] {1, 6}, QuantParams.perTensor(0.001f, 0), null);
        w.addOp("RELU", new int[] {x}, new int[] {y}, Map.of());
        w.addOp("DEQUANTIZE", new int[] {y}, new int[] {z}, Map.of());
        w.addOp("QUANTIZE", new int[] {z}, new int[] {s}, Map.of());
        MainTest.Result r = inspect("u8.tflite", w.inputs(x).outputs(s).build());
        assertTrue(r.out().contains("uint8 asymmetric  uint8[1,6]  'x'"), r.out());
        assertTrue(r.out().contains("int16 symmetric  int16[1,6]  's'"), r.out());
        assertTrue(r.out().contains("quantization: uint8 QAT (weights uint8 per-tensor); I/O uint8 -> int16"), r.out());
    }

    @Test
    void dynamicRangeHybridIsNamedEvenWhenItDoesNotCompile() throws IOException {
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {2, 8}, null, null);
        int f = w.addTensor("w", DataType.INT8, new int[] {4, 8}, QuantParams.perTensor(0.02f, 0), new byte[32]);
        int y = w.addTensor("y", DataType.FLOAT32, new int[] {2, 4}, null, null);
        w.addOp("FULLY_CONNECTED", new int[] {x, f, -1}, new int[] {y}, fcOptions());
        MainTest.Result r = inspect("hybrid.tflite", w.inputs(x).outputs(y).build());
        assertTrue(r.out().contains("quantization: dynamic-range (hybrid): 1 op(s) with float32 activations and 8-bit weights"), r.out());
        assertTrue(r.out().contains("int8 per-tensor  int8[4,8]c  'w'"), r.out());
    }

    @Test
    void sharedModelsAreNamed() {
        Path shared = DemoCommand.findShared();
        org.junit.jupiter.api.Assumptions.assumeTrue(shared != null && Files.isDirectory(shared.resolve("models")), "shared models not found");
        String[][] expect = {
                {"face_detection_short_range.tflite", "quantization: float16 weights (74 float16 constants, expanded to float32 at load); I/O float32 -> float32"},
                {"tf2_mobilenet_v2_1.0_224_ptq.tflite", "quantization: full-integer int8 (weights int8 per-channel); I/O uint8 -> uint8"},
                {"mobilenet_v2_1.0_224_quant.tflite", "quantization: uint8 QAT (weights uint8 per-tensor); I/O uint8 -> uint8"},
                {"yolov8n_320_float.onnx", "quantization: float32; I/O float32 -> float32"},
        };
        for (String[] e : expect) {
            Path m = shared.resolve("models").resolve(e[0]);
            if (!Files.isRegularFile(m)) continue;
            MainTest.Result r = MainTest.run("inspect", "--model", m.toString());
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains(e[1]), e[0] + ": " + r.out());
        }
    }
}
