package dev.octet.ops.onnx;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;

/** Float reference kernels for ONNX-only math: CAST, SOFTMAX_AXIS, MATMUL, CLIP, HARD_SIGMOID. */
final class MathOps {
    private MathOps() {}

    private static TensorInfo in(PrepareContext ctx, int i) {
        if (!ctx.hasInput(i)) throw ctx.invalid("input " + i + " is missing");
        TensorInfo t = ctx.input(i);
        if (!Shapes.isKnown(t.shape())) throw ctx.invalid("input " + i + " shape " + Shapes.str(t.shape()) + " is not known");
        return t;
    }

    private static TensorInfo floatIn(PrepareContext ctx, int i) {
        TensorInfo t = in(ctx, i);
        if (t.type() != DataType.FLOAT32) throw ctx.unsupported("input " + i + " is " + t.type().lowerName() + " (float32 only)");
        if (ctx.output(0).type() != DataType.FLOAT32) throw ctx.invalid("output must be float32");
        return t;
    }

    // ---------------------------------------------------------------- CAST

    static Kernel cast(PrepareContext ctx) {
        TensorInfo t = in(ctx, 0);
        DataType to = ctx.output(0).type();
        ctx.setOutputShape(0, t.shape());
        DataType from = t.type();
        if (from == DataType.FLOAT16 || to == DataType.FLOAT16) throw ctx.unsupported("Cast from/to float16");
        int i = ctx.inputId(0), o = ctx.outputId(0), n = t.size();
        return ec -> {
            int io = ec.offset(i), oo = ec.offset(o);
            for (int k = 0; k < n; k++) {
                if (from == DataType.FLOAT32) put(ec, to, o, oo + k, ec.floats(i)[io + k]);
                else put(ec, to, o, oo + k, getLong(ec, from, i, io + k));
            }
        };
    }

    private static long getLong(ExecContext ec, DataType t, int id, int p) {
        return switch (t) {
            case INT8, BOOL -> ec.bytes(id)[p];
            case UINT8 -> ec.bytes(id)[p] & 0xFF;
            case INT16 -> ec.shorts(id)[p];
            case INT32 -> ec.ints(id)[p];
            case INT64 -> ec.longs(id)[p];
            default -> throw new IllegalStateException(t.toString());
        };
    }

    private static void put(ExecContext ec, DataType t, int id, int p, long v) {
        switch (t) {
            case FLOAT32 -> ec.floats(id)[p] = (float) v;
            case BOOL -> ec.bytes(id)[p] = (byte) (v != 0 ? 1 : 0);
            case INT8, UINT8 -> ec.bytes(id)[p] = (byte) v;
            case INT16 -> ec.shorts(id)[p] = (short) v;
            case INT32 -> ec.ints(id)[p] = (int) v;
            case INT64 -> ec.longs(id)[p] = v;
            default -> throw new IllegalStateException(t.toString());
        }
    }

    private static void put(ExecContext ec, DataType t, int id, int p, float v) {
        switch (t) {
            case FLOAT32 -> ec.floats(id)[p] = v;
            case BOOL -> ec.bytes(id)[p] = (byte) (v != 0 ? 1 : 0);
            default -> put(ec, t, id, p, (long) v);
        }
    }

    // ---------------------------------------------------------------- SOFTMAX_AXIS

    /**
     * Softmax along any axis (float32): per column, max, exp(x - max) with the engine's exp (FloatActivations.exp,
     * the same as SOFTMAX's), a left-to-right sum, then a division. SIMD twin: SimdFloatOps (across the columns).
     */
    static Kernel softmaxAxis(PrepareContext ctx) {
        TensorInfo t = floatIn(ctx, 0);
        int r = t.rank();
        int axis = ctx.node().attrs().getInt(Ops.ATTR_AXIS, -1);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) throw ctx.invalid("axis out of range for rank " + r);
        ctx.setOutputShape(0, t.shape());
        int[] sh = t.shape();
        int outer = 1, inner = 1, len = sh[axis];
        for (int d = 0; d < axis; d++) outer *= sh[d];
        for (int d = axis + 1; d < r; d++) inner *= sh[d];
        int i = ctx.inputId(0), o = ctx.outputId(0);
        final int fo = outer, fi = inner;
        return ec -> {
            float[] x = ec.floats(i), y = ec.floats(o);
            int xo = ec.offset(i), yo = ec.offset(o);
            for (int a = 0; a < fo; a++) dev.octet.ops.reference.FloatActivations.softmaxAxis(x, xo, y, yo, len, fi, a * len * fi, 0, fi);
        };
    }

    // ---------------------------------------------------------------- MATMUL

    static Kernel matmul(PrepareContext ctx) {
        TensorInfo a = floatIn(ctx, 0), b = floatIn(ctx, 1);
        if (a.rank() < 2 || b.rank() < 2) throw ctx.unsupported("MatMul of a rank-1 tensor (the loader reshapes those)");
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], k2 = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != k2) throw ctx.invalid("MatMul inner dims differ: " + Shapes.str(as) + " x " + Shapes.str(bs));
        int[] ab = java.util.Arrays.copyOf(as, as.length - 2), bb = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(ab, bb);
        if (batch == null) throw ctx.invalid("MatMul batch dims do not broadcast: " + Shapes.str(as) + " x " + Shapes.str(bs));
        int[] os = java.util.Arrays.copyOf(batch, batch.length + 2);
        os[batch.length] = m;
        os[batch.length + 1] = n;
        ctx.setOutputShape(0, os);
        int nb = Shapes.size(batch);
        int[] aOff = batchOffsets(batch, ab, m * k), bOff = batchOffsets(batch, bb, k * n);
        int ia = ctx.inputId(0), ib = ctx.inputId(1), io = ctx.outputId(0);
        long macs = (long) nb * m * n * k;
        return new Kernel() {
            @Override
            public void run(ExecContext ec) {
                float[] x = ec.floats(ia), w = ec.floats(ib), y = ec.floats(io);
                int xo = ec.offset(ia), wo = ec.offset(ib), yo = ec.offset(io);
                for (int bi = 0; bi < nb; bi++) {
                    int xa = xo + aOff[bi], wb = wo + bOff[bi], yb = yo + bi * m * n;
                    for (int r = 0; r < m; r++) {
                        int yr = yb + r * n;
                        for (int c = 0; c < n; c++) y[yr + c] = 0f;
                        for (int q = 0; q < k; q++) {
                            float av = x[xa + r * k + q];
                            int wr = wb + q * n;
                            for (int c = 0; c < n; c++) y[yr + c] += av * w[wr + c];
                        }
                    }
                }
            }

            @Override
            public long macs() { return macs; }
        };
    }

    /** Element offset of each broadcast batch index into an operand with batch dims {@code own}. */
    private static int[] batchOffsets(int[] batch, int[] own, int matSize) {
        int nb = Shapes.size(batch), r = batch.length;
        int[] offs = new int[nb];
        int[] ownStrides = new int[r];
        int acc = matSize;
        for (int d = r - 1; d >= 0; d--) {
            int od = d - (r - own.length);
            int dim = od >= 0 ? own[od] : 1;
            ownStrides[d] = dim == 1 ? 0 : acc;
            acc *= dim;
        }
        int[] idx = new int[r];
        for (int i = 0; i < nb; i++) {
            int o = 0;
            for (int d = 0; d < r; d++) o += idx[d] * ownStrides[d];
            offs[i] = o;
            for (int d = r - 1; d >= 0; d--) { if (++idx[d] < batch[d]) break; idx[d] = 0; }
        }
        return offs;
    }

    // ---------------------------------------------------------------- CLIP, HARD_SIGMOID

    static Kernel clip(PrepareContext ctx) {
        TensorInfo t = floatIn(ctx, 0);
        ctx.setOutputShape(0, t.shape());
        float lo = ctx.node().attrs().getFloat(OnnxOps.ATTR_MIN, Float.NEGATIVE_INFINITY);
        float hi = ctx.node().attrs().getFloat(OnnxOps.ATTR_MAX, Float.POSITIVE_INFINITY);
        int i = ctx.inputId(0), o = ctx.outputId(0), n = t.size();
        return ec -> {
            float[] x = ec.floats(i), y = ec.floats(o);
            int xo = ec.offset(i), yo = ec.offset(o);
            for (int k = 0; k < n; k++) {
                float v = x[xo + k];
                y[yo + k] = v < lo ? lo : (v > hi ? hi : v);
            }
        };
    }

    static Kernel hardSigmoid(PrepareContext ctx) {
        TensorInfo t = floatIn(ctx, 0);
        ctx.setOutputShape(0, t.shape());
        float alpha = ctx.node().attrs().getFloat(OnnxOps.ATTR_ALPHA, 0.2f);
        float beta = ctx.node().attrs().getFloat(OnnxOps.ATTR_BETA, 0.5f);
        int i = ctx.inputId(0), o = ctx.outputId(0), n = t.size();
        return ec -> {
            float[] x = ec.floats(i), y = ec.floats(o);
            int xo = ec.offset(i), yo = ec.offset(o);
            for (int k = 0; k < n; k++) y[yo + k] = Math.max(0f, Math.min(1f, alpha * x[xo + k] + beta));
        };
    }
}
