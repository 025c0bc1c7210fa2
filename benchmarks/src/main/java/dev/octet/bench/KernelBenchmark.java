package dev.octet.bench;

import dev.octet.core.DataType;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Tensor;
import dev.octet.core.TensorInfo;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One kernel per invocation, on the shapes of real layers of MobileNetV2 (mbv2), SSD-MobileNetV1 (ssd) and
 * YOLOv8n-320 (yolo), one benchmark family per kernel test family: 1x1 conv, KxK conv, depthwise, fully connected,
 * requantization and elementwise ADD, plus ONNX QLinearConv layers of the YOLO11n face model (face: qconv, qdw; run
 * them with {@code -p type=UINT8} for the model's u8s8 arithmetic) (see {@link Layers} for the spec strings). Parameters: {@code kernels}
 * (REFERENCE or SIMD), {@code threads}, {@code type} (int8 per-channel or uint8 per-tensor) and {@code vectorBits}:
 * when not "default" the benchmark JVM sets {@code octet.simd.bits=N} before it compiles the layer (the SIMD kernels'
 * species-width override: 128, 256 or 512; each parameter combination runs in its own fork, so the property is set before
 * the kernel classes initialize) and {@code winograd} ("false" turns the Winograd 3x3 kernel off, for A/B).
 *
 * <p>Default run is short (1 fork, 2 x 1 s warm-up, 3 x 1 s measurement). The score is microseconds per run; the
 * summary script (scripts/jmh-summary.py) adds GMAC/s from the layer spec.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    @Param({
            "conv1x1 mbv2 112x112x32>16", "conv1x1 mbv2 56x56x24>144", "conv1x1 mbv2 7x7x320>1280", "conv1x1 ssd 19x19x512>512", "conv1x1 yolo 40x40x64>64",
            "convkxk mbv2 224x224x3>32 k3 s2", "convkxk ssd 300x300x3>32 k3 s2", "convkxk yolo 80x80x32>64 k3 s2", "convkxk yolo 40x40x32>32 k3",
            "convkxk face 80x80x64>64 k3", "convkxk face 40x40x64>64 k3", "convkxk face 20x20x128>128 k3",
            "dw mbv2 112x112x96 k3 s2", "dw mbv2 14x14x576 k3", "dw ssd 150x150x32 k3", "dw ssd 19x19x512 k3",
            "fc mbv2 1x1x1280>1001", "fc ssd 1x1x1024>1001",
            "requant mbv2 112x112x96", "requant yolo 80x80x32",
            "add mbv2 56x56x24", "add mbv2 28x28x32", "add yolo 40x40x64",
            "qdw face 80x80x64 k3", "qdw face 40x40x128 k3", "qconv face 4x8400x16>1 k1", "qconv face 80x80x64>1 k1",
            "qconv face 640x640x3>16 k3 s2", "qconv face 160x160x16>8 k3", "qconv face 160x160x8>16 k3", "qconv face 160x160x32>32 k1",
            "qconv face 320x320x16>32 k3 s2", "qconv face 80x80x64>64 k1", "qconv face 160x160x48>64 k1",
            "softmax yolo11 1x800x400", "logistic yolo11 40x40x128"})
    public String layer;

    @Param({"REFERENCE", "SIMD"})
    public String kernels;

    @Param({"1"})
    public int threads;

    @Param({"INT8"})
    public String type;

    @Param({"default"})
    public String vectorBits;

    /**
     * "default", or "false" to set {@code octet.winograd=false} (3x3 stride-1 layers then use the GEMM instead of the
     * Winograd kernel), for A/B runs: {@code -p winograd=default,false}.
     */
    @Param({"default"})
    public String winograd;

    private Interpreter interpreter;
    private Tensor[] inputs;

    @Setup(Level.Trial)
    public void setUp() {
        if (!vectorBits.equals("default")) System.setProperty("octet.simd.bits", vectorBits);
        if (!winograd.equals("default")) System.setProperty("octet.winograd", winograd);
        Layers.Spec spec = Layers.parse(layer);
        Model m = Layers.model(spec, DataType.valueOf(type), ModelOptions.DEFAULT.withKernels(KernelMode.valueOf(kernels)).withThreads(threads));
        interpreter = m.newInterpreter();
        inputs = new Tensor[m.inputCount()];
        Random r = new Random(42);
        for (int i = 0; i < inputs.length; i++) {
            TensorInfo t = m.input(i);
            Tensor x = Tensor.zeros(t.type(), t.shape());
            if (t.type() == DataType.FLOAT32) {
                float[] f = x.floats();
                for (int k = 0; k < f.length; k++) f[k] = (float) r.nextGaussian() * 3;
            } else {
                r.nextBytes(x.bytes());
            }
            inputs[i] = x;
            interpreter.setInput(i, x);
        }
    }

    @Benchmark
    public Object kernel() {
        interpreter.run();
        return interpreter;
    }

    @TearDown(Level.Trial)
    public void tearDown() { interpreter.close(); }
}
