package dev.octet.testdata.fuzz;

import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Limits;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.OctetException;
import dev.octet.core.Tensor;
import dev.octet.core.TensorInfo;
import dev.octet.loaders.Octet;
import java.util.Arrays;
import java.util.Random;

/**
 * What every fuzz target checks: a hostile model or input may only ever be rejected with an
 * {@link OctetException} subclass carrying a message. Anything else escaping (ArrayIndexOutOfBounds,
 * NullPointerException, ClassCast, Arithmetic, NegativeArraySize, IllegalArgument, OutOfMemoryError,
 * StackOverflowError ...) is a finding. So is an OctetException that merely wraps such an exception:
 * {@code Model.compile} and {@code Interpreter.run} turn a kernel's stray RuntimeException into an
 * OctetException as a last line of defence, and the fuzzer treats reaching that line as a missing check.
 */
final class FuzzSupport {
    private FuzzSupport() {}

    /**
     * Caps small enough that nothing a fuzzed model may declare can exhaust the test heap (the defaults,
     * sized for real models, allow a 2 GiB tensor): this is what the caps are for.
     */
    static final Limits LIMITS = new Limits(1L << 20, 4L << 20, 2_000, 8_000, 8);

    static final ModelOptions OPTIONS = new ModelOptions(KernelMode.SIMD, 1, LIMITS);

    /** Models over this many multiply-accumulates (or arena bytes) are compiled but not run, to keep an input well under 1 s even with the fuzzer's instrumentation (about 10x slower). */
    static final long MAX_RUN_MACS = 300_000;
    static final long MAX_RUN_BYTES = 1L << 20;

    /** Checks a rejection: a message, and no non-Octet exception inside it. */
    static void rejected(OctetException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("OctetException without a message", e);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof OctetException) continue;
            if (c instanceof java.io.IOException) continue; // an I/O error reported as such is fine
            throw new AssertionError("an OctetException wraps " + c.getClass().getSimpleName() + " (a missing check): " + e.getMessage(), e);
        }
    }

    /** Reads bytes as any supported format, compiles and, when small, runs the model twice. */
    static void loadCompileRun(byte[] bytes) {
        Graph g;
        try {
            g = Octet.readGraph(java.nio.ByteBuffer.wrap(bytes), OPTIONS);
        } catch (OctetException e) {
            rejected(e);
            return;
        }
        compileRun(g, OPTIONS, Arrays.hashCode(bytes));
    }

    /** Compiles the graph and, when small, runs it with seeded inputs; returns the outputs of the first run or null. */
    static Tensor[] compileRun(Graph g, ModelOptions options, long seed) {
        Model m;
        try {
            m = Octet.compile(g, options);
        } catch (OctetException e) {
            rejected(e);
            return null;
        }
        if (m.totalMacs() > MAX_RUN_MACS || m.arenaBytes() + m.scratchBytes() > MAX_RUN_BYTES) return null;
        try (Interpreter it = m.newInterpreter()) {
            Random r = new Random(seed);
            for (int i = 0; i < m.inputCount(); i++) it.setInput(i, randomTensor(m.input(i), r));
            it.run();
            Tensor[] out = new Tensor[m.outputCount()];
            for (int i = 0; i < out.length; i++) out[i] = it.output(i);
            it.run(); // a second run over the same inputs gives the same outputs
            for (int i = 0; i < out.length; i++) {
                if (!sameBits(out[i], it.output(i))) throw new AssertionError("output " + i + " differs between two runs of the same input");
            }
            return out;
        } catch (OctetException e) {
            rejected(e);
            return null;
        }
    }

    /** Where two tensors of the same shape first differ, for a failure message. */
    static String firstDifference(Tensor a, Tensor b) {
        if (a.type() != b.type() || a.size() != b.size()) return a + " vs " + b;
        for (int i = 0; i < a.size(); i++) {
            Object x = a.type() == DataType.FLOAT32 ? (Object) a.floats()[i] : a.getLong(i), y = b.type() == DataType.FLOAT32 ? (Object) b.floats()[i] : b.getLong(i);
            if (!x.equals(y)) return "element " + i + " of " + a.size() + ": " + x + " vs " + y;
        }
        return "no element differs";
    }

    static boolean sameBits(Tensor a, Tensor b) {
        if (a.type() == DataType.FLOAT32) {
            float[] x = a.floats(), y = b.floats();
            if (x.length != y.length) return false;
            for (int i = 0; i < x.length; i++) if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i]) && !(Float.isNaN(x[i]) && Float.isNaN(y[i]))) return false;
            return true;
        }
        return a.contentEquals(b);
    }

    /** Seeded values over the whole range of the type (floats include NaN, infinities and huge values now and then). */
    static Tensor randomTensor(TensorInfo t, Random r) {
        Tensor v = Tensor.zeros(t.type(), t.shape());
        Object a = v.data();
        switch (t.type().storage()) {
            case BYTE -> r.nextBytes((byte[]) a);
            case SHORT -> { short[] s = (short[]) a; for (int i = 0; i < s.length; i++) s[i] = (short) r.nextInt(); }
            case INT -> { int[] s = (int[]) a; for (int i = 0; i < s.length; i++) s[i] = r.nextInt(256) - 128; }
            case LONG -> { long[] s = (long[]) a; for (int i = 0; i < s.length; i++) s[i] = r.nextInt(256) - 128; }
            case FLOAT -> {
                float[] s = (float[]) a;
                for (int i = 0; i < s.length; i++) {
                    int k = r.nextInt(64);
                    s[i] = k == 0 ? Float.NaN : k == 1 ? Float.POSITIVE_INFINITY : k == 2 ? Float.NEGATIVE_INFINITY : k == 3 ? 3e38f : r.nextFloat() * 4 - 2;
                }
            }
        }
        return v;
    }
}
