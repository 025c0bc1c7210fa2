package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.OctetException;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.Tensor;
import dev.octet.ops.BuiltinOps;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the SIMD element-wise kernels against the reference: ADD, SUB, MUL (uint8, int8, float32), DIV (float32;
 * same shapes, a single-element operand on either side, a trailing-dims operand repeating along the leading dims,
 * and general broadcasts that must fall back)  and MAX_POOL_2D / AVERAGE_POOL_2D,
 * 1,000 random nodes per op and width: tails shorter than a vector, zero points at the extremes, scales from tiny to
 * large, fused activations, special floats (-0, NaN, infinities), 1..4 threads on sizes large enough to split.
 * Outputs must be bit-identical.
 */
class EwKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    /** Random cases per op and width (the acceptance run uses 1,000; the regular suite runs a smaller sample). */
    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void add(int bits) { runMany(bits, Ops.ADD, 21); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void sub(int bits) { runMany(bits, Ops.SUB, 22); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void mul(int bits) { runMany(bits, Ops.MUL, 23); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void div(int bits) { runMany(bits, Ops.DIV, 26); } // float32 only (quantized DIV fails at load: skipped cases)

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void maxPool(int bits) { runMany(bits, Ops.MAX_POOL_2D, 24); }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void averagePool(int bits) { runMany(bits, Ops.AVERAGE_POOL_2D, 25); }

    private void runMany(int bits, String op, long seed) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits");
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        try {
            Random r = new Random(seed * 1000 + bits);
            int done = 0, simd = 0, attempts = 0;
            int cases = cases();
            while (done < cases) {
                assertTrue(++attempts < cases * 20, "too many invalid random cases");
                Boolean used = check(r, op, bits);
                if (used == null) continue;
                done++;
                if (used) simd++;
            }
            System.out.printf("EwKernelTester %s bits=%d: %d cases identical, %d on the SIMD kernel%n", op, bits, done, simd);
            assertTrue(simd >= done / 2, "SIMD kernel used on only " + simd + " of " + done + " cases");
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
        }
    }

    static int zp(Random r, DataType t) {
        return switch (r.nextInt(4)) {
            case 0 -> t.minValue();
            case 1 -> t.maxValue();
            default -> t.minValue() + r.nextInt(256);
        };
    }

    static float scale(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> (float) Math.pow(10, -6 + r.nextDouble() * 3);
            case 1 -> (float) Math.pow(10, r.nextDouble() * 2);
            default -> (float) Math.pow(10, -3 + r.nextDouble() * 2.5);
        };
    }

    static QuantParams q(Random r, DataType t) { return t == DataType.FLOAT32 ? null : QuantParams.perTensor(scale(r), zp(r, t)); }

    static Object data(Random r, DataType t, int n) {
        if (t == DataType.FLOAT32) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = switch (r.nextInt(40)) {
                    case 0 -> -0f;
                    case 1 -> Float.NaN;
                    case 2 -> Float.POSITIVE_INFINITY;
                    case 3 -> Float.NEGATIVE_INFINITY;
                    case 4 -> 0f;
                    default -> (float) (r.nextGaussian() * 4);
                };
            }
            return f;
        }
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static int[] randomShape(Random r, int rank, boolean big) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(big && i == rank - 1 ? 4000 : 9);
        return s;
    }

    static int size(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }

    Boolean check(Random r, String op, int bits) {
        DataType[] types = {DataType.UINT8, DataType.INT8, DataType.FLOAT32};
        DataType t = types[r.nextInt(3)];
        String[] acts = {"NONE", "RELU", "RELU6", "RELU_N1_TO_1"};
        String act = acts[r.nextInt(4)];
        int threads = 1 + r.nextInt(4);
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
        Object[] feeds;
        int[][] shapes;
        String desc;
        if (op.endsWith("_POOL_2D")) {
            int[] s = {1 + r.nextInt(2), 1 + r.nextInt(12), 1 + r.nextInt(12), 1 + r.nextInt(r.nextBoolean() ? 9 : 150)};
            if (r.nextInt(10) == 0) s = new int[] {1, 64 + r.nextInt(20), 64, 16 + r.nextInt(40)};
            int fh = 1 + r.nextInt(4), fw = 1 + r.nextInt(4);
            Attributes.Builder a = Attributes.builder().put(Ops.ATTR_FILTER_H, fh).put(Ops.ATTR_FILTER_W, fw)
                    .put(Ops.ATTR_STRIDE_H, 1 + r.nextInt(3)).put(Ops.ATTR_STRIDE_W, 1 + r.nextInt(3)).put(Ops.ATTR_ACTIVATION, act);
            int pad = r.nextInt(3);
            if (pad == 0) a.put(Ops.ATTR_PADS, new int[] {r.nextInt(fh), r.nextInt(fw), r.nextInt(fh), r.nextInt(fw)});
            else a.put(Ops.ATTR_PADDING, pad == 1 ? "SAME" : "VALID");
            QuantParams qi = q(r, t);
            int in = g.addTensor("in", t, s, qi, null, false);
            int out = g.addTensor("out", t, new int[0], qi, null, false);
            g.addNode(op, "pool", new int[] {in}, new int[] {out}, a.build(), null);
            g.input(in).output(out);
            feeds = new Object[] {data(r, t, size(s))};
            shapes = new int[][] {s};
            desc = op + " " + t + " " + java.util.Arrays.toString(s) + " " + a.build() + " threads " + threads;
        } else {
            int rank = 1 + r.nextInt(4);
            int[] sa = randomShape(r, rank, r.nextInt(3) == 0), sb;
            int mode = r.nextInt(7);
            if (mode == 0) sb = new int[] {1};
            else if (mode == 1) { sb = sa; sa = new int[0]; }
            else if (mode == 2) { sb = sa.clone(); sb[r.nextInt(rank)] = 1; }
            else if (mode == 3) {
                // a suffix of the other shape with leading 1s (SE-block channel scaling), on either side
                sb = sa.clone();
                int keep = r.nextInt(rank + 1);
                for (int i = 0; i < rank - keep; i++) sb[i] = 1;
                if (r.nextBoolean()) { int[] tmp = sa; sa = sb; sb = tmp; }
            }
            else sb = sa.clone();
            QuantParams qa = q(r, t), qb = q(r, t), qo = q(r, t);
            int a = g.addTensor("a", t, sa, qa, null, false);
            int b = g.addTensor("b", t, sb, qb, null, false);
            int out = g.addTensor("out", t, new int[0], qo, null, false);
            g.addNode(op, "bin", new int[] {a, b}, new int[] {out}, Attributes.builder().put(Ops.ATTR_ACTIVATION, act).build(), null);
            g.input(a).input(b).output(out);
            feeds = new Object[] {data(r, t, size(sa)), data(r, t, size(sb))};
            shapes = new int[][] {sa, sb};
            desc = op + " " + t + " " + java.util.Arrays.toString(sa) + " " + java.util.Arrays.toString(sb) + " act " + act + " threads " + threads
                    + " q " + qa + " " + qb + " " + qo;
        }
        Graph graph = g.build();
        Model ref, simd;
        try {
            ref = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.REFERENCE));
        } catch (OctetException e) {
            return null;
        }
        simd = Model.compile(graph, BuiltinOps.get(), ModelOptions.DEFAULT.withKernels(KernelMode.SIMD).withThreads(threads));
        String variant = simd.kernel(0).variant();
        Tensor x = run(ref, feeds, shapes, t), y = run(simd, feeds, shapes, t);
        if (t == DataType.FLOAT32) {
            float[] p = x.floats(), q = y.floats();
            int[] pi = new int[p.length], qi = new int[q.length];
            // bit-identical, except that all NaNs count as one: Java leaves the sign/payload of a NaN produced by
            // arithmetic (inf - inf) to the instruction C2 picks, so scalar and vector code may differ there
            for (int i = 0; i < p.length; i++) pi[i] = Float.floatToIntBits(p[i]);
            for (int i = 0; i < q.length; i++) qi[i] = Float.floatToIntBits(q[i]);
            assertArrayEquals(pi, qi, desc + " (" + variant + ")");
        } else {
            assertArrayEquals(x.bytes(), y.bytes(), desc + " (" + variant + ")");
        }
        return variant.startsWith("simd" + bits);
    }

    static Tensor run(Model m, Object[] feeds, int[][] shapes, DataType t) {
        try (Interpreter it = m.newInterpreter()) {
            for (int i = 0; i < feeds.length; i++) it.setInput(i, Tensor.of(t, shapes[i], feeds[i]));
            it.run();
            return it.output(0);
        }
    }
}
