package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Interpreter;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Node;
import dev.octet.core.Tensor;
import dev.octet.core.TensorInfo;
import dev.octet.loaders.Octet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared model (TFLite and ONNX, quantized and float) with the default SIMD kernels at 2, 3 and 4 intra-op
 * threads gives byte-identical tensors to one thread: not just the outputs but every node's output, right after the
 * node runs, so a split that changed the arithmetic of a single element of an intermediate tensor (conv split over
 * pixels or over output channels, depthwise rows, element-wise ranges, pools, concatenation) fails here even when
 * later layers happen to hide it. Two seeded random inputs per model.
 */
class ThreadCountIdentityTest {
    static Stream<String> models() {
        return Stream.of("mobilenet_v1_0.25_128_quant.tflite", "mobilenet_v1_0.5_160_quant.tflite", "mobilenet_v1_0.75_192_quant.tflite",
                "mobilenet_v2_1.0_224_quant.tflite", "mobilenet_v3_small_224_1.0_uint8.tflite", "tf2_mobilenet_v2_1.0_224_ptq.tflite",
                "ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite", "ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite",
                "face_detection_short_range.tflite", "yolov8n_320_qdq_s8s8_pertensor.onnx", "yolov8n_320_float.onnx",
                "face_yolo11n_640_qdq_u8s8_perchannel.onnx");
    }

    /** Every node output after each node, for two inputs. */
    private static List<Tensor> trace(Model m) {
        List<Tensor> got = new ArrayList<>();
        try (Interpreter it = m.newInterpreter()) {
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < m.inputCount(); i++) {
                    TensorInfo t = m.input(i);
                    it.setInput(i, RandomInputs.of(t.type(), t.shape(), 7919L * k + i));
                }
                it.run((Node node, Interpreter in) -> {
                    for (int o : node.outputs()) got.add(in.tensor(o));
                });
                for (int o = 0; o < m.outputCount(); o++) got.add(it.output(o));
            }
        }
        return got;
    }

    private static byte[] bytes(Tensor t) {
        Object d = t.data();
        java.nio.ByteBuffer b;
        if (d instanceof byte[] a) return a;
        if (d instanceof float[] a) {
            b = java.nio.ByteBuffer.allocate(4 * a.length);
            for (float v : a) b.putInt(Float.floatToRawIntBits(v));
        } else if (d instanceof int[] a) {
            b = java.nio.ByteBuffer.allocate(4 * a.length);
            for (int v : a) b.putInt(v);
        } else if (d instanceof long[] a) {
            b = java.nio.ByteBuffer.allocate(8 * a.length);
            for (long v : a) b.putLong(v);
        } else if (d instanceof short[] a) {
            b = java.nio.ByteBuffer.allocate(2 * a.length);
            for (short v : a) b.putShort(v);
        } else {
            throw new AssertionError("unexpected tensor data " + d.getClass());
        }
        return b.array();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyNodeOutputIsIdenticalForEveryThreadCount(String file) {
        if (!SharedModels.has(file)) {
            // the shared models are a fixed set (MANIFEST.md): a missing one is a broken setup, not a skip
            SharedModels.require(file);
        }
        List<Tensor> one = trace(Octet.load(SharedModels.require(file), ModelOptions.DEFAULT.withThreads(1)));
        assertTrue(one.size() > 10, "too few tensors traced: " + one.size());
        for (int threads : new int[] {2, 3, 4}) {
            List<Tensor> many = trace(Octet.load(SharedModels.require(file), ModelOptions.DEFAULT.withThreads(threads)));
            assertEquals(one.size(), many.size());
            for (int i = 0; i < one.size(); i++) {
                assertArrayEquals(one.get(i).shape(), many.get(i).shape());
                assertArrayEquals(bytes(one.get(i)), bytes(many.get(i)), file + ": traced tensor " + i + " differs with " + threads + " threads");
            }
        }
        System.out.println(file + ": " + one.size() + " traced tensors byte-identical at 1, 2, 3 and 4 threads");
    }
}
