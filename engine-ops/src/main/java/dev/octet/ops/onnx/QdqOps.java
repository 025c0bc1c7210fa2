package dev.octet.ops.onnx;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Parallel;
import dev.octet.core.Kernel;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;

/**
 * ONNX QuantizeLinear / DequantizeLinear with ONNX Runtime's arithmetic: quantize divides by the float
 * scale, rounds half to even, adds the zero point and saturates; dequantize computes (q - zp) * scale in
 * float. Per-tensor or per-axis (one scale and zero point per index along {@code axis}).
 */
final class QdqOps {
    private QdqOps() {}

    /** Scales and zero points expanded to one per channel along axis (or one when per-tensor), plus geometry. */
    private record Params(float[] scale, int[] zp, int outer, int channels, int inner) {}

    private static Params params(PrepareContext ctx, TensorInfo x) {
        if (!ctx.isConstant(1)) throw ctx.unsupported("scale must be a constant");
        float[] scale = ctx.constFloats(1);
        ctx.markPacked(1);
        int[] zp;
        if (ctx.hasInput(2)) {
            if (!ctx.isConstant(2)) throw ctx.unsupported("zero point must be a constant");
            zp = ctx.constInts(2);
            ctx.markPacked(2);
            if (zp.length != scale.length) throw ctx.invalid(scale.length + " scales but " + zp.length + " zero points");
        } else {
            zp = new int[scale.length];
        }
        for (float s : scale) if (!(s > 0) || Float.isInfinite(s)) throw ctx.invalid("scale " + s + " must be positive and finite");
        int r = x.rank();
        int[] sh = x.shape();
        if (scale.length == 1) {
            return new Params(scale, zp, 1, 1, x.size());
        }
        int axis = ctx.node().attrs().getInt(Ops.ATTR_AXIS, 1);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) throw ctx.invalid("axis out of range for rank " + r);
        if (sh[axis] != scale.length) throw ctx.invalid(scale.length + " scales for dim " + axis + " of size " + sh[axis]);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= sh[d];
        for (int d = axis + 1; d < r; d++) inner *= sh[d];
        return new Params(scale, zp, outer, sh[axis], inner);
    }

    static Kernel quantize(PrepareContext ctx) {
        if (!ctx.hasInput(0)) throw ctx.invalid("input is missing");
        TensorInfo x = ctx.input(0);
        if (!Shapes.isKnown(x.shape())) throw ctx.invalid("input shape is not known");
        if (x.type() != DataType.FLOAT32) throw ctx.unsupported("QuantizeLinear of " + x.type().lowerName() + " (float32 only)");
        DataType ot = ctx.output(0).type();
        if (!ot.isQuantized8()) throw ctx.unsupported("QuantizeLinear to " + ot.lowerName() + " (int8/uint8 only)");
        Params p = params(ctx, x);
        ctx.setOutputShape(0, x.shape());
        return new QuantizeKernel(ctx.options().threads(), ctx.inputId(0), ctx.outputId(0), p, ot.minValue(), ot.maxValue());
    }

    /** Elements below which a (de)quantization runs on the calling thread; above, parts of at least this many. */
    static final int MIN_PART = 32768;

    /**
     * Parts of a (de)quantization: part p converts elements [n*p/parts, n*(p+1)/parts) of the flat tensor, each
     * with its own channel's scale and zero point, so the result does not depend on the split.
     */
    abstract static class QdqKernel implements Kernel {
        final int in, out, n, parts;
        final Params p;
        private final Parallel.Task task = this::part;

        QdqKernel(int threads, int in, int out, Params p) {
            this.in = in; this.out = out; this.p = p;
            this.n = p.outer * p.channels * p.inner;
            this.parts = ExecContext.partsFor(threads, n, MIN_PART);
        }

        @Override
        public void run(ExecContext ec) {
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int part) {
            int e0 = (int) ((long) n * part / parts), e1 = (int) ((long) n * (part + 1) / parts);
            int k = e0;
            while (k < e1) {
                int row = k / p.inner, c = row % p.channels;
                int end = (int) Math.min(e1, (long) (row + 1) * p.inner);
                range(ec, k, end, p.scale[c], p.zp[c]);
                k = end;
            }
        }

        /** Converts elements [s, e), all of one channel. */
        abstract void range(ExecContext ec, int s, int e, float scale, int z);
    }

    static final class QuantizeKernel extends QdqKernel {
        final int lo, hi;

        QuantizeKernel(int threads, int in, int out, Params p, int lo, int hi) {
            super(threads, in, out, p);
            this.lo = lo; this.hi = hi;
        }

        @Override
        void range(ExecContext ec, int st, int e, float s, int z) {
            float[] xs = ec.floats(in);
            byte[] ys = ec.bytes(out);
            int xo = ec.offset(in), yo = ec.offset(out);
            for (int k = st; k < e; k++) {
                float q = xs[xo + k] / s;
                double rq = Math.rint(q) + z;
                int v = rq < lo ? lo : (rq > hi ? hi : (int) rq);
                if (Double.isNaN(rq)) v = z < lo ? lo : Math.min(z, hi);
                ys[yo + k] = (byte) v;
            }
        }
    }

    static final class DequantizeKernel extends QdqKernel {
        final boolean u8, i32;

        DequantizeKernel(int threads, int in, int out, Params p, boolean u8, boolean i32) {
            super(threads, in, out, p);
            this.u8 = u8; this.i32 = i32;
        }

        @Override
        void range(ExecContext ec, int st, int e, float s, int z) {
            float[] ys = ec.floats(out);
            int xo = ec.offset(in), yo = ec.offset(out);
            if (i32) {
                int[] xi = ec.ints(in);
                for (int k = st; k < e; k++) ys[yo + k] = (float) (xi[xo + k] - z) * s;
            } else if (u8) {
                byte[] xb = ec.bytes(in);
                for (int k = st; k < e; k++) ys[yo + k] = (float) ((xb[xo + k] & 0xFF) - z) * s;
            } else {
                byte[] xb = ec.bytes(in);
                for (int k = st; k < e; k++) ys[yo + k] = (float) (xb[xo + k] - z) * s;
            }
        }
    }

    static Kernel dequantize(PrepareContext ctx) {
        if (!ctx.hasInput(0)) throw ctx.invalid("input is missing");
        TensorInfo x = ctx.input(0);
        if (!Shapes.isKnown(x.shape())) throw ctx.invalid("input shape is not known");
        DataType it = x.type();
        if (!it.isQuantized8() && it != DataType.INT32) throw ctx.unsupported("DequantizeLinear of " + it.lowerName() + " (int8/uint8/int32 only)");
        if (ctx.output(0).type() != DataType.FLOAT32) throw ctx.invalid("output must be float32");
        Params p = params(ctx, x);
        ctx.setOutputShape(0, x.shape());
        return new DequantizeKernel(ctx.options().threads(), ctx.inputId(0), ctx.outputId(0), p, it == DataType.UINT8, it == DataType.INT32);
    }
}
