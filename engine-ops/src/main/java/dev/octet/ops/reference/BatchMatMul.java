package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.TensorInfo;
import java.util.Arrays;

/**
 * BATCH_MATMUL (TFLite), the scalar reference: {@code out[b, m, n] = sum over k of lhs[b, m, k] * rhs[b, k, n]}, with
 * {@code adj_x} / {@code adj_y} meaning the operand is stored with its last two dimensions swapped, ranks 2 to 5 and
 * the batch dimensions broadcast (each pair equal, or one of them 1), as TFLite 2.6. Three forms:
 * <ul>
 *   <li>float32: sums in k order (TFLite's optimized kernel sums in another order: equal within float rounding);
 *   <li>int8 x int8 -> int8: {@code acc = sum (x - xZp) * (w - wZp)}, rescaled by the multiplier of
 *       {@code (double) (lhsScale * rhsScale) / outScale} with ruy's single rounding, plus the output zero point,
 *       clamped to int8 (no fused activation);
 *   <li>hybrid, float32 lhs x constant int8 rhs (per-tensor, zero point 0): each lhs row of K values quantized with
 *       {@link HybridMath} (asymmetric with {@code asymmetric_quantize_inputs}), factor {@code f = rowFactor *
 *       weightScale}, {@code total = (int) ((float) dot - (float) rowSum * (float) offset)} (TFLite subtracts the
 *       offset term in float and truncates), {@code out = 0 + f * (float) total}.
 * </ul>
 */
final class BatchMatMul {
    private BatchMatMul() {}

    static final String ADJ_X = "adj_x", ADJ_Y = "adj_y";

    /** Sizes and the batch broadcast of one node. */
    record Geometry(int m, int k, int n, boolean adjX, boolean adjY, int[] lhsBatch, int[] rhsBatch, int lhsBatches, int rhsBatches) {
        int outBatches() { return lhsBatch.length; }

        int lhsIndex(int lb, int row, int col) { return lb * m * k + (adjX ? col * m + row : row * k + col); }

        int rhsIndex(int rb, int kk, int col) { return rb * k * n + (adjY ? col * k + kk : kk * n + col); }

        long macs() { return (long) outBatches() * m * k * n; }
    }

    static Kernel create(PrepareContext ctx) {
        if (ctx.inputCount() != 2 || !ctx.hasInput(0) || !ctx.hasInput(1)) throw ctx.invalid("needs two inputs (lhs, rhs)");
        if (ctx.outputCount() != 1) throw ctx.invalid("must have exactly one output, has " + ctx.outputCount());
        TensorInfo lhs = ctx.input(0), rhs = ctx.input(1), out = ctx.output(0);
        boolean adjX = ctx.node().attrs().getBool(ADJ_X, false), adjY = ctx.node().attrs().getBool(ADJ_Y, false);
        int[] ls = lhs.shape(), rs = rhs.shape();
        for (int[] s : new int[][] {ls, rs}) {
            if (s.length < 2 || s.length > 5) throw ctx.invalid("operands must have rank 2 to 5, shapes " + Arrays.toString(ls) + " and " + Arrays.toString(rs));
            for (int d : s) if (d < 0) throw ctx.invalid("operand has an unknown dimension: " + Arrays.toString(s));
        }
        int rank = Math.max(ls.length, rs.length);
        int[] le = extend(ls, rank), re = extend(rs, rank);
        int m = adjX ? le[rank - 1] : le[rank - 2], kl = adjX ? le[rank - 2] : le[rank - 1];
        int kr = adjY ? re[rank - 1] : re[rank - 2], n = adjY ? re[rank - 2] : re[rank - 1];
        if (kl != kr) throw ctx.invalid("lhs " + Arrays.toString(ls) + (adjX ? " (adj_x)" : "") + " and rhs " + Arrays.toString(rs) + (adjY ? " (adj_y)" : "")
                + " do not agree on the accumulation depth (" + kl + " vs " + kr + ")");
        int[] outShape = new int[rank];
        for (int i = 0; i < rank - 2; i++) {
            if (le[i] != re[i] && le[i] != 1 && re[i] != 1) {
                throw ctx.invalid("batch dimension " + i + " cannot be broadcast: " + Arrays.toString(ls) + " vs " + Arrays.toString(rs));
            }
            outShape[i] = le[i] == 1 ? re[i] : le[i];
        }
        outShape[rank - 2] = m;
        outShape[rank - 1] = n;
        ctx.setOutputShape(0, outShape);
        int outBatches = 1, lhsBatches = 1, rhsBatches = 1;
        for (int i = 0; i < rank - 2; i++) {
            outBatches *= outShape[i];
            lhsBatches *= le[i];
            rhsBatches *= re[i];
        }
        int[] lb = new int[outBatches], rb = new int[outBatches];
        for (int ob = 0; ob < outBatches; ob++) {
            int rem = ob, li = 0, ri = 0, lStride = 1, rStride = 1;
            for (int i = rank - 3; i >= 0; i--) {
                int c = rem % outShape[i];
                rem /= outShape[i];
                li += (le[i] == 1 ? 0 : c) * lStride;
                ri += (re[i] == 1 ? 0 : c) * rStride;
                lStride *= le[i];
                rStride *= re[i];
            }
            lb[ob] = li;
            rb[ob] = ri;
        }
        Geometry g = new Geometry(m, kl, n, adjX, adjY, lb, rb, lhsBatches, rhsBatches);
        int[] ids = {ctx.inputId(0), ctx.inputId(1), ctx.outputId(0)};
        DataType lt = lhs.type(), rt = rhs.type(), ot = out.type();
        String combo = "lhs " + lt.lowerName() + ", rhs " + rt.lowerName() + ", output " + ot.lowerName();
        if (ctx.semantics() != Semantics.TFLITE && lt != DataType.FLOAT32) {
            throw ConvOps.unsupported(ctx, "quantized BATCH_MATMUL is only implemented with TFLite arithmetic");
        }
        if (lt == DataType.FLOAT32 && rt == DataType.FLOAT32 && ot == DataType.FLOAT32) {
            return new FloatBmm(g, ids);
        }
        if (lt == DataType.FLOAT32 && rt == DataType.INT8 && ot == DataType.FLOAT32) return hybrid(ctx, g, ids);
        if (lt == DataType.INT8 && rt == DataType.INT8 && ot == DataType.INT8) return int8(ctx, g, ids);
        throw ConvOps.unsupported(ctx, "type combination not supported (" + combo + "; supported: float32 x float32, int8 x int8 -> int8, "
                + "float32 x constant int8 (hybrid))");
    }

    private static int[] extend(int[] s, int rank) {
        int[] e = new int[rank];
        Arrays.fill(e, 1);
        System.arraycopy(s, 0, e, rank - s.length, s.length);
        return e;
    }

    private static QuantParams perTensor(PrepareContext ctx, TensorInfo t, String what) {
        QuantParams q = t.quant();
        if (q.isNone()) throw ctx.invalid(what + " '" + t.name() + "' is " + t.type().lowerName() + " but has no quantization parameters");
        if (q.isPerAxis() && q.count() > 1) {
            throw ConvOps.unsupported(ctx, what + " '" + t.name() + "' is quantized per axis; TFLite 2.6.2's BATCH_MATMUL reads one per-tensor scale");
        }
        if (!(q.scale() > 0) || !Float.isFinite(q.scale())) throw ctx.invalid(what + " '" + t.name() + "' has an invalid scale " + q.scale());
        return q;
    }

    // ------------------------------------------------------------------------------------------ float

    static final class FloatBmm implements Kernel {
        private final Geometry g;
        private final int lhsId, rhsId, outId;

        FloatBmm(Geometry g, int[] ids) {
            this.g = g;
            this.lhsId = ids[0];
            this.rhsId = ids[1];
            this.outId = ids[2];
        }

        @Override
        public void run(ExecContext ec) { Conv2D.forEachRow(ec, g.outBatches() * g.m(), r -> row(ec, r)); }

        private void row(ExecContext ec, int r) {
            int ob = r / g.m(), row = r % g.m();
            float[] x = ec.floats(lhsId), w = ec.floats(rhsId), y = ec.floats(outId);
            int xOff = ec.offset(lhsId), wOff = ec.offset(rhsId), yOff = ec.offset(outId) + r * g.n();
            int lb = g.lhsBatch()[ob], rb = g.rhsBatch()[ob];
            for (int col = 0; col < g.n(); col++) {
                float total = 0f;
                for (int kk = 0; kk < g.k(); kk++) total += x[xOff + g.lhsIndex(lb, row, kk)] * w[wOff + g.rhsIndex(rb, kk, col)];
                y[yOff + col] = total;
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }

    // ------------------------------------------------------------------------------------------ int8

    private static Kernel int8(PrepareContext ctx, Geometry g, int[] ids) {
        QuantParams ql = perTensor(ctx, ctx.input(0), "lhs"), qr = perTensor(ctx, ctx.input(1), "rhs"), qo = perTensor(ctx, ctx.output(0), "output");
        double real = (double) (ql.scale() * qr.scale()) / (double) qo.scale();
        int[] ms = QuantMath.quantizeMultiplier(real);
        return new Int8Bmm(g, ids, ql.zeroPoint(), qr.zeroPoint(), ms[0], ms[1], qo.zeroPoint());
    }

    static final class Int8Bmm implements Kernel {
        private final Geometry g;
        private final int lhsId, rhsId, outId, lhsZp, rhsZp, multiplier, shift, outZp;

        Int8Bmm(Geometry g, int[] ids, int lhsZp, int rhsZp, int multiplier, int shift, int outZp) {
            this.g = g;
            this.lhsId = ids[0];
            this.rhsId = ids[1];
            this.outId = ids[2];
            this.lhsZp = lhsZp;
            this.rhsZp = rhsZp;
            this.multiplier = multiplier;
            this.shift = shift;
            this.outZp = outZp;
        }

        @Override
        public void run(ExecContext ec) { Conv2D.forEachRow(ec, g.outBatches() * g.m(), r -> row(ec, r)); }

        private void row(ExecContext ec, int r) {
            int ob = r / g.m(), row = r % g.m();
            byte[] x = ec.bytes(lhsId), w = ec.bytes(rhsId), y = ec.bytes(outId);
            int xOff = ec.offset(lhsId), wOff = ec.offset(rhsId), yOff = ec.offset(outId) + r * g.n();
            int lb = g.lhsBatch()[ob], rb = g.rhsBatch()[ob];
            for (int col = 0; col < g.n(); col++) {
                int acc = 0;
                for (int kk = 0; kk < g.k(); kk++) acc += (x[xOff + g.lhsIndex(lb, row, kk)] - lhsZp) * (w[wOff + g.rhsIndex(rb, kk, col)] - rhsZp);
                int v = QuantMath.multiplyByQuantizedMultiplierSingleRounding(acc, multiplier, shift) + outZp;
                y[yOff + col] = (byte) QuantMath.clamp(v, -128, 127);
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }

    // ------------------------------------------------------------------------------------------ hybrid

    private static Kernel hybrid(PrepareContext ctx, Geometry g, int[] ids) {
        TensorInfo rhs = ctx.input(1);
        if (!ctx.isConstant(1)) throw ConvOps.unsupported(ctx, "hybrid (dynamic-range) BATCH_MATMUL needs a constant int8 rhs, '" + rhs.name() + "' is computed");
        QuantParams qr = rhs.quant();
        if (qr.isNone()) throw ctx.invalid("rhs '" + rhs.name() + "' is int8 but has no quantization parameters");
        if (qr.isPerAxis() && qr.count() > 1) {
            throw ConvOps.unsupported(ctx, "hybrid BATCH_MATMUL with per-axis weight scales: TFLite 2.6.2 reads only a per-tensor weight scale "
                    + "here (0 for a per-axis tensor); only per-tensor weights are supported");
        }
        if (!(qr.scale() > 0) || !Float.isFinite(qr.scale())) throw ctx.invalid("rhs '" + rhs.name() + "' has an invalid scale " + qr.scale());
        if (qr.zeroPoint() != 0) throw ConvOps.unsupported(ctx, "hybrid int8 rhs '" + rhs.name() + "' has zero point " + qr.zeroPoint() + " (must be symmetric)");
        byte[] stored = ctx.constBytes(1);
        ctx.markPacked(1);
        // packed [rhsBatch, n, k], and the row sums per (rhsBatch, n)
        int k = g.k(), n = g.n();
        byte[] w = new byte[g.rhsBatches() * n * k];
        int[] rowSums = new int[g.rhsBatches() * n];
        for (int b = 0; b < g.rhsBatches(); b++) {
            for (int col = 0; col < n; col++) {
                for (int kk = 0; kk < k; kk++) w[(b * n + col) * k + kk] = stored[g.rhsIndex(b, kk, col)];
                rowSums[b * n + col] = HybridMath.rowSum(w, (b * n + col) * k, k);
            }
        }
        int rows = g.lhsBatches() * g.m();
        ctx.requestScratch(DataType.Storage.BYTE, rows * k);
        ctx.requestScratch(DataType.Storage.FLOAT, rows + (g.adjX() ? rows * k : 0));
        ctx.requestScratch(DataType.Storage.INT, rows);
        boolean asymmetric = ctx.node().attrs().getBool(FullyConnected.ASYMMETRIC_QUANTIZE_INPUTS, false);
        return new HybridBmm(g, ids, w, rowSums, qr.scale(), asymmetric, HybridMath::dot, "scalar");
    }

    static final class HybridBmm implements Kernel {
        private final Geometry g;
        private final int lhsId, outId;
        private final byte[] w; // [rhsBatch, n, k]
        private final int[] rowSums;
        private final float weightScale;
        private final boolean asymmetric;
        private final HybridBridge.Dot dot;
        private final String dotName;

        HybridBmm(Geometry g, int[] ids, byte[] w, int[] rowSums, float weightScale, boolean asymmetric, HybridBridge.Dot dot, String dotName) {
            this.g = g;
            this.lhsId = ids[0];
            this.outId = ids[2];
            this.w = w;
            this.rowSums = rowSums;
            this.weightScale = weightScale;
            this.asymmetric = asymmetric;
            this.dot = dot;
            this.dotName = dotName;
        }

        /** The same kernel with another (exact) dot product. */
        HybridBmm withDot(HybridBridge.Dot d, String name) {
            return new HybridBmm(g, new int[] {lhsId, -1, outId}, w, rowSums, weightScale, asymmetric, d, name);
        }

        @Override
        public String toString() { return "hybrid BATCH_MATMUL (" + (asymmetric ? "asymmetric" : "symmetric") + " inputs, dot " + dotName + ")"; }

        @Override
        public void run(ExecContext ec) {
            int m = g.m(), k = g.k(), rows = g.lhsBatches() * m;
            float[] x = ec.floats(lhsId);
            int xOff = ec.offset(lhsId);
            byte[] q = ec.scratchBytes();
            float[] f = ec.scratchFloats();
            int[] o = ec.scratchInts();
            if (g.adjX()) { // rows of K values are strided: gather them (TFLite transposes the lhs first)
                Conv2D.forEachRow(ec, rows, r -> {
                    int lb = r / m, row = r % m;
                    for (int kk = 0; kk < k; kk++) f[rows + r * k + kk] = x[xOff + g.lhsIndex(lb, row, kk)];
                    HybridMath.quantizeRow(asymmetric, f, rows + r * k, k, q, r * k, f, o, r);
                    f[r] *= weightScale;
                });
            } else {
                Conv2D.forEachRow(ec, rows, r -> {
                    HybridMath.quantizeRow(asymmetric, x, xOff + r * k, k, q, r * k, f, o, r);
                    f[r] *= weightScale;
                });
            }
            Conv2D.forEachRow(ec, g.outBatches() * m, r -> row(ec, r));
        }

        private void row(ExecContext ec, int r) {
            int m = g.m(), k = g.k(), n = g.n();
            int ob = r / m, row = r % m;
            int qr = g.lhsBatch()[ob] * m + row, rb = g.rhsBatch()[ob];
            byte[] q = ec.scratchBytes();
            float factor = ec.scratchFloats()[qr];
            float offset = ec.scratchInts()[qr];
            float[] y = ec.floats(outId);
            int yOff = ec.offset(outId) + r * n;
            for (int col = 0; col < n; col++) {
                int d = dot.dot(w, (rb * n + col) * k, q, qr * k, k);
                int total = (int) ((float) d - (float) rowSums[rb * n + col] * offset);
                y[yOff + col] = 0f + factor * (float) total;
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }
}
