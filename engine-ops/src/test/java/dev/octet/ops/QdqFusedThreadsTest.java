package dev.octet.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Interpreter;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Semantics;
import dev.octet.core.Shapes;
import dev.octet.core.Tensor;
import dev.octet.ops.onnx.QdqFusedOps;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ORT's fused QLinearAdd/QLinearMul ({@code ONNX_QLINEAR_BINARY}) and QLinearSoftmax split across the intra-op
 * threads. Binary: every thread count against an element-by-element model written here (MLAS's formulas, as
 * MicrosoftQOpsVsOrtTest checks them against ONNX Runtime on every code pair). Softmax: 2, 3 and 4 threads against
 * the one-thread result (whose bytes MicrosoftQOpsVsOrtTest checks against ONNX Runtime). Shapes reach a few
 * hundred thousand elements so the split paths run, with broadcasts that make each part start mid-row.
 */
class QdqFusedThreadsTest {

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void binaryEveryThreadCountMatchesTheElementModel() {
        Random r = new Random(11);
        int cases = 0;
        for (int c = 0; c < 60; c++) {
            DataType t = r.nextBoolean() ? DataType.UINT8 : DataType.INT8;
            boolean add = r.nextBoolean();
            int[] out = {1 + r.nextInt(3), 1 + r.nextInt(40), 1 + r.nextInt(60), 1 + r.nextInt(200)};
            int[] as = out.clone(), bs = out.clone();
            for (int d = 0; d < 4; d++) { // broadcast some dims of one operand, or make it a scalar
                if (r.nextInt(3) == 0) as[d] = 1;
                else if (r.nextInt(3) == 0) bs[d] = 1;
            }
            if (r.nextInt(8) == 0) bs = new int[] {1};
            if (c % 5 == 0) { // equal shapes: the kernel's no-broadcast loop
                as = out.clone();
                bs = out.clone();
            }
            int[] full = Shapes.broadcast(as, bs);
            float sa = 0.001f + r.nextFloat() * 0.05f, sb = 0.001f + r.nextFloat() * 0.05f, sy = 0.001f + r.nextFloat() * 0.05f;
            int lo = t == DataType.INT8 ? -128 : 0;
            int za = lo + r.nextInt(256), zb = lo + r.nextInt(256), zy = lo + r.nextInt(256);
            byte[] a = randomBytes(r, Shapes.size(as)), b = randomBytes(r, Shapes.size(bs));
            byte[] expected = binaryModel(t, add, a, as, b, bs, full, sa, za, sb, zb, sy, zy);
            Attributes at = Attributes.builder().put(QdqFusedOps.ATTR_KIND, add ? "add" : "mul")
                    .put(QdqFusedOps.ATTR_A_SCALE, sa).put(QdqFusedOps.ATTR_B_SCALE, sb).put(QdqFusedOps.ATTR_Y_SCALE, sy)
                    .put(QdqFusedOps.ATTR_A_ZERO_POINT, za).put(QdqFusedOps.ATTR_B_ZERO_POINT, zb).put(QdqFusedOps.ATTR_Y_ZERO_POINT, zy).build();
            cases += LayoutKernelsRandomTest.check(Semantics.ONNX, QdqFusedOps.ONNX_QLINEAR_BINARY, t, List.of(as, bs),
                    java.util.Arrays.asList(null, null), List.<Object>of(a, b), new int[][] {full}, null, at, new Object[] {expected},
                    (add ? "add " : "mul ") + t + " " + Shapes.str(as) + " " + Shapes.str(bs));
        }
        assertTrue(cases == 60 * LayoutKernelsRandomTest.THREADS.length);
    }

    /** The QLinearAdd/QLinearMul arithmetic per output element (broadcast by index arithmetic). */
    static byte[] binaryModel(DataType t, boolean add, byte[] a, int[] as, byte[] b, int[] bs, int[] out,
                              float sa, int za, float sb, int zb, float sy, int zy) {
        int n = Shapes.size(out), r = out.length;
        int[] ap = pad(as, r), bp = pad(bs, r);
        boolean signed = t == DataType.INT8;
        int lo = signed ? -128 : 0, hi = signed ? 127 : 255;
        int na = Shapes.size(as), nb = Shapes.size(bs);
        // which operand MLAS sees as the scalar (see QdqFusedOps.qlinearBinary)
        int mode = 0;
        if (add) {
            if (na == 1) mode = 1;
            else if (nb == 1) mode = 2;
            else if (!java.util.Arrays.equals(as, bs)) {
                for (int d = r - 1; d >= 0; d--) {
                    if (ap[d] == 1 && bp[d] == 1) continue;
                    if (ap[d] == 1) mode = 1;
                    else if (bp[d] == 1) mode = 2;
                    break;
                }
            }
        }
        float rA = sa / sy, rB = sb / sy, ratio = sa * sb / sy;
        float fixed = (float) zy - (mode == 1 ? Math.fma(rB, (float) zb, rA * (float) za) : Math.fma(rA, (float) za, rB * (float) zb));
        byte[] y = new byte[n];
        int[] idx = new int[r];
        for (int k = 0; k < n; k++) {
            int rem = k;
            for (int d = r - 1; d >= 0; d--) { idx[d] = rem % out[d]; rem /= out[d]; }
            int ia = 0, ib = 0;
            for (int d = 0; d < r; d++) {
                ia = ia * ap[d] + (ap[d] == 1 ? 0 : idx[d]);
                ib = ib * bp[d] + (bp[d] == 1 ? 0 : idx[d]);
            }
            int va = signed ? a[ia] : a[ia] & 0xFF, vb = signed ? b[ib] : b[ib] & 0xFF;
            float f;
            if (!add) f = (float) ((va - za) * (vb - zb)) * ratio + (float) zy;
            else if (mode == 1) f = Math.fma((float) vb, rB, Math.fma((float) va, rA, fixed));
            else f = Math.fma((float) va, rA, Math.fma((float) vb, rB, fixed));
            float rr = (float) Math.rint(f);
            y[k] = (byte) (rr < lo ? lo : rr > hi ? hi : (int) rr);
        }
        return y;
    }

    static int[] pad(int[] s, int r) {
        int[] p = new int[r];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, r - s.length, s.length);
        return p;
    }

    @Test
    void softmaxEveryThreadCountMatchesOneThread() {
        Random r = new Random(12);
        int cases = 0;
        for (int c = 0; c < 40; c++) {
            DataType t = r.nextBoolean() ? DataType.UINT8 : DataType.INT8;
            int[] shape = {1 + r.nextInt(4), 1 + r.nextInt(40), 1 + r.nextInt(70), 1 + r.nextInt(120)};
            int axis = r.nextInt(4);
            float xs = 0.01f + r.nextFloat() * 0.2f, ys = 1f / 256;
            int yz = t == DataType.INT8 ? -128 : 0;
            byte[] x = randomBytes(r, Shapes.size(shape));
            Attributes at = Attributes.builder().put(dev.octet.core.Ops.ATTR_AXIS, axis).put(QdqFusedOps.ATTR_X_SCALE, xs)
                    .put(QdqFusedOps.ATTR_Y_SCALE, ys).put(QdqFusedOps.ATTR_Y_ZERO_POINT, yz).build();
            byte[] one = runOnce(t, shape, x, at, 1);
            cases += LayoutKernelsRandomTest.check(Semantics.ONNX, QdqFusedOps.ONNX_QLINEAR_SOFTMAX, t, List.of(shape),
                    java.util.Arrays.asList((dev.octet.core.QuantParams) null), List.<Object>of(x), new int[][] {shape}, null, at, new Object[] {one},
                    "softmax " + t + " " + Shapes.str(shape) + " axis " + axis);
        }
        assertTrue(cases == 40 * LayoutKernelsRandomTest.THREADS.length);
    }

    static byte[] runOnce(DataType t, int[] shape, byte[] x, Attributes at, int threads) {
        Graph.Builder b = Graph.builder(Semantics.ONNX, "test");
        int in = b.addTensor("in0", t, shape, null, null, false);
        int out = b.addTensor("out0", t, shape, null, null, false);
        b.input(in);
        b.addNode(QdqFusedOps.ONNX_QLINEAR_SOFTMAX, "n", new int[] {in}, new int[] {out}, at, null);
        b.output(out);
        Model m = Model.compile(b.build(), BuiltinOps.get(), ModelOptions.DEFAULT.withThreads(threads));
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, Tensor.of(t, shape, null, x));
            it.run();
            return it.output(0).bytes().clone();
        }
    }
}
