package dev.octet.testdata;

import dev.octet.core.DataType;
import dev.octet.core.QuantParams;
import dev.octet.core.Shapes;
import dev.octet.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.TensorFlowLite;

/**
 * The TFLite 2.6.2 oracle: {@code org.tensorflow.lite.Interpreter} from DJL's {@code tflite-engine} jar,
 * running the native library {@code libtensorflowlite_jni.so} shipped in
 * {@code ai.djl.tflite:tflite-native-cpu:2.6.2:linux-x86_64} (extracted from the classpath to a temp
 * folder and {@code System.load}ed once, before the first interpreter; DJL's own engine loader is not used).
 *
 * <p>Facts checked on this build: {@code TensorFlowLite.init()} needs nothing but the library loaded; the
 * Java wrapper applies the XNNPACK delegate only when {@code Options.setUseXNNPACK(true)} is called, so by
 * default every operator runs on TFLite's builtin kernels (the execution plan keeps one entry per
 * operator: 164 for face_detection_short_range, 3 with XNNPACK on). We set XNNPACK off explicitly and
 * run one thread. The oracle exists only for x86-64 Linux: elsewhere {@link #available()} is false and
 * {@link #unavailableReason()} says why (the golden files then carry the checks).
 */
public final class TfliteOracle implements AutoCloseable {
    private static final String LIB = "native/lib/libtensorflowlite_jni.so";
    /** -Doctet.oracle.disable=true makes the oracle unavailable, to exercise the golden-only path of the tests. */
    public static final String DISABLE_PROPERTY = "octet.oracle.disable";
    private static final Object LOCK = new Object();
    private static volatile Boolean loaded;
    private static volatile String reason;

    private final Interpreter interpreter;
    private final ByteBuffer modelBuffer; // kept alive: TFLite reads the model from it
    private final List<Spec> inputs = new ArrayList<>();
    private final List<Spec> outputs = new ArrayList<>();

    /** Type, shape, quantization, TFLite tensor index and name of an input or output. */
    public record Spec(int index, String name, DataType type, int[] shape, QuantParams quant) {
        public int size() { return Shapes.size(shape); }
    }

    private TfliteOracle(ByteBuffer model) {
        this.modelBuffer = model;
        Interpreter.Options o = new Interpreter.Options();
        o.setNumThreads(1);
        o.setUseXNNPACK(false);
        this.interpreter = new Interpreter(model, o);
        for (int i = 0; i < interpreter.getInputTensorCount(); i++) inputs.add(spec(interpreter.getInputTensor(i)));
        for (int i = 0; i < interpreter.getOutputTensorCount(); i++) outputs.add(spec(interpreter.getOutputTensor(i)));
    }

    /** True on x86-64 Linux when the native library loaded. */
    public static boolean available() { return ensureLoaded(); }

    /** Why the oracle is unavailable (null when it is available). */
    public static String unavailableReason() {
        ensureLoaded();
        return reason;
    }

    /** True where the oracle is expected to work (x86-64 Linux). */
    public static boolean platformSupported() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /**
     * Skips the calling test when the oracle is unavailable. On x86-64 Linux under CI a load failure fails the
     * test instead: there the oracle must work.
     */
    public static void assumeAvailable() {
        if (available()) return;
        if (platformSupported() && SharedModels.isCi() && !Boolean.getBoolean(DISABLE_PROPERTY)) Assertions.fail("the TFLite oracle should load on x86-64 Linux but did not: " + reason);
        Assumptions.abort("TFLite oracle unavailable: " + reason);
    }

    /** The native runtime's version string (e.g. "2.6.2"). */
    public static String runtimeVersion() {
        if (!available()) throw new IllegalStateException("TFLite oracle unavailable: " + reason);
        return TensorFlowLite.runtimeVersion();
    }

    private static boolean ensureLoaded() {
        Boolean l = loaded;
        if (l != null) return l;
        synchronized (LOCK) {
            if (loaded != null) return loaded;
            if (Boolean.getBoolean(DISABLE_PROPERTY)) {
                reason = "disabled with -D" + DISABLE_PROPERTY + "=true (the golden files carry the checks)";
                loaded = false;
                return false;
            }
            if (!platformSupported()) {
                reason = "the TFLite 2.6.2 oracle library is built for x86-64 Linux only; this is " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch");
                loaded = false;
                return false;
            }
            try {
                URL url = TfliteOracle.class.getClassLoader().getResource(LIB);
                if (url == null) {
                    throw new IllegalStateException(LIB + " is not on the classpath (needs ai.djl.tflite:tflite-native-cpu:2.6.2:linux-x86_64)");
                }
                Path dir = Files.createTempDirectory("octet-tflite-oracle");
                Path so = dir.resolve("libtensorflowlite_jni.so");
                try (InputStream in = url.openStream()) {
                    Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
                }
                so.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                System.load(so.toString());
                TensorFlowLite.init();
                String v = TensorFlowLite.runtimeVersion();
                if (!v.startsWith("2.6.2")) throw new IllegalStateException("expected TFLite 2.6.2, the native library says " + v);
                loaded = true;
            } catch (IOException | RuntimeException | LinkageError e) {
                reason = "cannot load the TFLite native library: " + e;
                loaded = false;
            }
            return loaded;
        }
    }

    /** Loads a model file. */
    public static TfliteOracle load(Path file) {
        try {
            return load(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }

    /** Loads a model from its bytes (copied into a direct buffer that lives as long as the oracle). */
    public static TfliteOracle load(byte[] model) {
        if (!available()) throw new IllegalStateException("TFLite oracle unavailable: " + reason);
        ByteBuffer b = ByteBuffer.allocateDirect(model.length).order(ByteOrder.nativeOrder());
        b.put(model).rewind();
        return new TfliteOracle(b);
    }

    public int inputCount() { return inputs.size(); }

    public int outputCount() { return outputs.size(); }

    public Spec input(int i) { return inputs.get(i); }

    public Spec output(int i) { return outputs.get(i); }

    /** Number of nodes in TFLite's execution plan (equals the operator count when no delegate took any). */
    public int executionPlanLength() {
        try {
            Method m = Interpreter.class.getDeclaredMethod("getExecutionPlanLength");
            m.setAccessible(true);
            return (Integer) m.invoke(interpreter);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the execution plan length: " + e, e);
        }
    }

    /** Runs once; inputs must match the model's input types and shapes. Returns every output, in order. */
    public List<Tensor> run(Tensor... in) {
        if (in.length != inputs.size()) throw new IllegalArgumentException("model has " + inputs.size() + " inputs, got " + in.length);
        Object[] ins = new Object[in.length];
        for (int i = 0; i < in.length; i++) {
            Spec s = inputs.get(i);
            if (in[i].type() != s.type()) throw new IllegalArgumentException("input " + i + " is " + s.type() + ", got " + in[i].type());
            if (in[i].size() != s.size()) {
                throw new IllegalArgumentException("input " + i + " has shape " + Shapes.str(s.shape()) + ", got " + Shapes.str(in[i].shape()));
            }
            ins[i] = toBuffer(in[i]);
        }
        Map<Integer, Object> outs = new HashMap<>();
        ByteBuffer[] bufs = new ByteBuffer[outputs.size()];
        for (int i = 0; i < outputs.size(); i++) {
            Spec s = outputs.get(i);
            bufs[i] = ByteBuffer.allocateDirect(Math.max(1, s.size() * s.type().byteSize())).order(ByteOrder.nativeOrder());
            outs.put(i, bufs[i]);
        }
        interpreter.runForMultipleInputsOutputs(ins, outs);
        List<Tensor> r = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            bufs[i].rewind();
            r.add(fromBuffer(outputs.get(i), bufs[i]));
        }
        return r;
    }

    /**
     * Zeroes TFLite's variable tensors (Interpreter.resetVariableTensors). TFLite keeps variable tensors (an LSTM's
     * state) across {@link #run} calls; only the first run's tensor allocation and this call reset them.
     */
    public void resetVariables() { interpreter.resetVariableTensors(); }

    @Override
    public void close() { interpreter.close(); }

    private static Spec spec(org.tensorflow.lite.Tensor t) {
        DataType type = switch (t.dataType()) {
            case FLOAT32 -> DataType.FLOAT32;
            case INT32 -> DataType.INT32;
            case UINT8 -> DataType.UINT8;
            case INT64 -> DataType.INT64;
            case BOOL -> DataType.BOOL;
            case INT16 -> DataType.INT16;
            case INT8 -> DataType.INT8;
            default -> throw new IllegalStateException("tensor " + t.index() + " ('" + t.name() + "') has type " + t.dataType() + ", not handled by the oracle");
        };
        float scale = t.quantizationParams().getScale();
        QuantParams q = scale == 0f ? QuantParams.NONE : QuantParams.perTensor(scale, t.quantizationParams().getZeroPoint());
        return new Spec(t.index(), t.name(), type, t.shape(), q);
    }

    private static ByteBuffer toBuffer(Tensor t) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, t.size() * t.type().byteSize())).order(ByteOrder.nativeOrder());
        switch (t.type().storage()) {
            case BYTE -> b.put(t.bytes());
            case SHORT -> b.asShortBuffer().put(t.shorts());
            case INT -> b.asIntBuffer().put(t.ints());
            case LONG -> b.asLongBuffer().put(t.longs());
            case FLOAT -> b.asFloatBuffer().put(t.floats());
        }
        b.rewind();
        return b;
    }

    private static Tensor fromBuffer(Spec s, ByteBuffer b) {
        int n = s.size();
        Object a = switch (s.type().storage()) {
            case BYTE -> { byte[] x = new byte[n]; b.get(x); yield x; }
            case SHORT -> { short[] x = new short[n]; b.asShortBuffer().get(x); yield x; }
            case INT -> { int[] x = new int[n]; b.asIntBuffer().get(x); yield x; }
            case LONG -> { long[] x = new long[n]; b.asLongBuffer().get(x); yield x; }
            case FLOAT -> { float[] x = new float[n]; b.asFloatBuffer().get(x); yield x; }
        };
        return Tensor.of(s.type(), s.shape(), s.quant(), a);
    }
}
