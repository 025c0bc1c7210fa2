package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantParams;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import java.util.Map;

/**
 * TFLite's RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR and PACK (the TF2 Object Detection API / FPN-lite ops),
 * bit-exact with the builtin kernels TFLite 2.6.2 runs on x86-64 (these are the TFLite operators, not ONNX's
 * RESIZE, which has its own kernel).
 *
 * <p>RESIZE_BILINEAR (input [N,H,W,C], size int32 [2] constant; options align_corners, half_pixel_centers):
 * <ul>
 *   <li>scales in float: in/out, or (in-1)/(out-1) with align_corners and out &gt; 1. Source coordinate of output
 *       index v: (v+0.5)*scale-0.5 with half_pixel_centers, else v*scale; lower = max(floor, 0),
 *       upper = min(ceil, in-1); the fraction is taken against the clamped lower index (so it can be negative).
 *   <li>float32: with neither flag and an exact 2x upsample, TFLite takes its 2x2 path: top-left copies, the
 *       neighbours are (a+b)/2, the bottom right ((a+c)/2 + (b+d)/2)/2. Otherwise the four corners are
 *       accumulated from 0 in the order (y0,x0), (y0,x1), (y1,x0), (y1,x1) with weights
 *       (1-dy)(1-dx), (1-dy)dx, dy(1-dx), dy*dx computed in float.
 *   <li>uint8: the same float weights and order, then + 0.5f and truncation (TFLite's optimized uint8 path).
 *       TFLite has a separate 8.8 fixed-point path for exact 8x upsampling with half_pixel_centers and depth % 8 == 0;
 *       it is exact there (the fractions are k/16, so every weight is a multiple of 1/256) and so is this float
 *       path (the products and sums are dyadic with at most 16 significant bits), so both give the exact value
 *       rounded half up and no separate kernel is needed (checked against TFLite by ResizePackOracleTest).
 *   <li>int8: TFLite's integer path: scale in 10-bit fixed point, ((1 &lt;&lt; 10) * in + out / 2) / out (align:
 *       (1024*(in-1) + (out-1)/2) / (out-1)); source coordinate v*s (+ s/2 - 512 with half pixel centers);
 *       lower = max(c / 1024, 0), upper = min((c + 1023) / 1024, in-1); the four products with 10-bit weights
 *       summed in 64 bits, rounded half away from zero at 2^20 and divided with truncation.
 * </ul>
 * For 8-bit tensors the raw codes are resized; like TFLite, the quantization parameters are not read (the output's
 * may differ from the input's). RESIZE_NEAREST_NEIGHBOR: source index min(align ? round_half_away((v+off)*scale) : floor((v+off)*scale), in-1),
 * max 0 with half_pixel_centers (off = 0.5), scale as above in float. uint8 with neither flag uses TFLite's
 * optimized fixed-point index instead: (v * ((in &lt;&lt; 16) / out + 1)) &gt;&gt; 16, clamped to in-1.
 *
 * <p>PACK (values_count inputs of one shape and type, axis): stacks along a new axis; quantized inputs must
 * share the output's scale and zero point (TFLite rejects anything else).
 */
final class ResizePackOps {
    private ResizePackOps() {}

    static final String RESIZE_BILINEAR = "RESIZE_BILINEAR";
    static final String RESIZE_NEAREST_NEIGHBOR = "RESIZE_NEAREST_NEIGHBOR";
    static final String PACK = "PACK";
    static final String ATTR_ALIGN_CORNERS = "align_corners";
    static final String ATTR_HALF_PIXEL_CENTERS = "half_pixel_centers";
    static final String ATTR_VALUES_COUNT = "values_count";

    static void register(Map<String, KernelFactory> table) {
        table.put(RESIZE_BILINEAR, ctx -> resize(ctx, true));
        table.put(RESIZE_NEAREST_NEIGHBOR, ctx -> resize(ctx, false));
        table.put(PACK, ResizePackOps::pack);
    }

    // ---------------------------------------------------------------- RESIZE_*

    static Kernel resize(PrepareContext ctx, boolean bilinear) {
        Checks.arity(ctx, 2, 2);
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        int[] s = Checks.knownShape(ctx, 0);
        if (s.length != 4) throw ctx.invalid("input must be 4-D [N,H,W,C], is " + Shapes.str(s));
        TensorInfo size = ctx.input(1);
        if (size.type() != DataType.INT32) throw ctx.invalid("size input must be int32, is " + size.type().lowerName());
        if (size.rank() != 1 || size.dim(0) != 2) throw ctx.invalid("size input must have shape [2], is " + Shapes.str(size.shape()));
        if (!ctx.isConstant(1)) throw ctx.unsupported("a non-constant size input is not supported");
        int[] hw = ctx.constInts(1);
        ctx.markPacked(1);
        int oh = hw[0], ow = hw[1];
        if (oh <= 0 || ow <= 0) throw ctx.invalid("output size must be positive, is " + oh + "x" + ow);
        if ((long) s[0] * oh * ow * s[3] > Integer.MAX_VALUE) throw ctx.unsupported("output of " + oh + "x" + ow + " is too large");
        Checks.sameType(ctx, in, out, "input and output");
        boolean align = ctx.node().attrs().getBool(ATTR_ALIGN_CORNERS, false);
        boolean half = ctx.node().attrs().getBool(ATTR_HALF_PIXEL_CENTERS, false);
        if (align && half) throw ctx.invalid("align_corners and half_pixel_centers cannot both be true");
        DataType t = in.type();
        switch (t) {
            case FLOAT32 -> { }
            case UINT8, INT8 -> { } // raw codes are interpolated; TFLite neither reads nor checks the quantization
            default -> throw ctx.unsupported((bilinear ? RESIZE_BILINEAR : RESIZE_NEAREST_NEIGHBOR) + " on " + t.lowerName() + " is not supported");
        }
        ctx.setOutputShape(0, new int[] {s[0], oh, ow, s[3]});
        Geometry g = new Geometry(s[0], s[1], s[2], s[3], oh, ow);
        if (!bilinear) {
            boolean fixed = t == DataType.UINT8 && !align && !half;
            int[] ys = new int[oh], xs = new int[ow];
            for (int y = 0; y < oh; y++) ys[y] = fixed ? nearestFixed(y, s[1], oh) : nearest(y, s[1], oh, align, half);
            for (int x = 0; x < ow; x++) xs[x] = fixed ? nearestFixed(x, s[2], ow) : nearest(x, s[2], ow, align, half);
            return RowsKernel.of(ctx, new NearestKernel(ctx.inputId(0), ctx.outputId(0), g, ys, xs, t.storage() == DataType.Storage.FLOAT), s[0] * oh, (long) ow * s[3]);
        }
        return switch (t) {
            case FLOAT32 -> !align && !half && oh == 2 * s[1] && ow == 2 * s[2]
                    ? RowsKernel.of(ctx, new Bilinear2x2Kernel(ctx.inputId(0), ctx.outputId(0), g), s[0] * s[1], 4L * s[2] * s[3])
                    : RowsKernel.of(ctx, new BilinearFloatKernel(ctx.inputId(0), ctx.outputId(0), g, Axis.of(s[1], oh, align, half), Axis.of(s[2], ow, align, half), false), s[0] * oh, (long) ow * s[3]);
            case UINT8 -> RowsKernel.of(ctx, new BilinearFloatKernel(ctx.inputId(0), ctx.outputId(0), g, Axis.of(s[1], oh, align, half), Axis.of(s[2], ow, align, half), true), s[0] * oh, (long) ow * s[3]);
            default -> RowsKernel.of(ctx, new BilinearInt8Kernel(ctx.inputId(0), ctx.outputId(0), g, Axis.int10(s[1], oh, align, half), Axis.int10(s[2], ow, align, half)), s[0] * oh, (long) ow * s[3]);
        };
    }

    record Geometry(int n, int ih, int iw, int c, int oh, int ow) {}

    /** A resize whose output is computed in independent rows (each row's arithmetic fixed, whoever computes it). */
    interface RowBody {
        /** Computes rows [r0, r1) (batch-major). */
        void rows(ExecContext ec, int r0, int r1);

        String variant();
    }

    /** Splits a {@link RowBody}'s rows across the intra-op threads: part p does rows [rows*p/parts, rows*(p+1)/parts). */
    static final class RowsKernel implements Kernel {
        /** Output elements per part at least. */
        static final int MIN_PART = 16384;
        final RowBody body;
        final int rows, parts;
        private final dev.octet.core.Parallel.Task task = this::part;

        private RowsKernel(RowBody body, int rows, int parts) { this.body = body; this.rows = rows; this.parts = parts; }

        static Kernel of(PrepareContext ctx, RowBody body, int rows, long perRow) {
            int p = ExecContext.partsFor(ctx.options().threads(), rows * perRow, MIN_PART);
            return new RowsKernel(body, rows, Math.max(1, Math.min(p, rows)));
        }

        @Override
        public void run(ExecContext ec) {
            if (parts == 1) body.rows(ec, 0, rows);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            body.rows(ec, (int) ((long) rows * p / parts), (int) ((long) rows * (p + 1) / parts));
        }

        @Override
        public String variant() { return body.variant(); }
    }

    /** Per output index along one axis: lower and upper source index and the float fraction (or 10-bit coordinate). */
    record Axis(int[] lo, int[] hi, float[] frac, int[] c10) {
        static float scale(int in, int out, boolean align) {
            return align && out > 1 ? (float) (in - 1) / (out - 1) : (float) in / out;
        }

        static Axis of(int in, int out, boolean align, boolean half) {
            float sc = scale(in, out, align);
            int[] lo = new int[out], hi = new int[out];
            float[] f = new float[out];
            for (int v = 0; v < out; v++) {
                float p = half ? ((float) v + 0.5f) * sc - 0.5f : (float) v * sc;
                float fl = (float) Math.floor(p);
                lo[v] = Math.max((int) fl, 0);
                hi[v] = Math.min((int) Math.ceil(p), in - 1);
                f[v] = p - (float) lo[v];
            }
            return new Axis(lo, hi, f, null);
        }

        static Axis int10(int in, int out, boolean align, boolean half) {
            int sc = align && out > 1 ? ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1) : ((1 << 10) * in + out / 2) / out;
            int[] lo = new int[out], hi = new int[out], c = new int[out];
            for (int v = 0; v < out; v++) {
                int p = half ? v * sc + sc / 2 - (1 << 9) : v * sc;
                c[v] = p;
                lo[v] = Math.max(p / (1 << 10), 0);
                hi[v] = Math.min((p + (1 << 10) - 1) / (1 << 10), in - 1);
            }
            return new Axis(lo, hi, null, c);
        }
    }

    static int nearest(int v, int in, int out, boolean align, boolean half) {
        float sc = Axis.scale(in, out, align);
        float off = half ? 0.5f : 0f;
        float p = ((float) v + off) * sc;
        int r = Math.min(align ? (int) roundHalfAway(p) : (int) Math.floor(p), in - 1);
        if (half) r = Math.max(0, r);
        return r;
    }

    private static float roundHalfAway(float x) {
        return x >= 0 ? (float) Math.floor(x + 0.5) : -(float) Math.floor(-x + 0.5);
    }

    static int nearestFixed(int v, int in, int out) {
        int sc = (in << 16) / out + 1;
        return Math.min((v * sc) >> 16, in - 1);
    }

    private record NearestKernel(int in, int out, Geometry g, int[] ys, int[] xs, boolean isFloat) implements RowBody {
        @Override
        public void rows(ExecContext ec, int r0, int r1) {
            Object src = isFloat ? ec.floats(in) : ec.bytes(in), dst = isFloat ? ec.floats(out) : ec.bytes(out);
            int si = ec.offset(in), c = g.c;
            int di = ec.offset(out) + r0 * g.ow * c;
            for (int r = r0; r < r1; r++) {
                int b = r / g.oh, y = r % g.oh;
                int row = si + b * g.ih * g.iw * c + ys[y] * g.iw * c;
                for (int x = 0; x < g.ow; x++, di += c) Copies.any(src, row + xs[x] * c, dst, di, c);
            }
        }

        @Override
        public String variant() { return "nearest"; }
    }

    /** Float weights: float32 (accumulated from 0) and uint8 (+0.5f, truncated). */
    private record BilinearFloatKernel(int in, int out, Geometry g, Axis ay, Axis ax, boolean u8) implements RowBody {
        @Override
        public void rows(ExecContext ec, int rr0, int rr1) {
            float[] fi = u8 ? null : ec.floats(in), fo = u8 ? null : ec.floats(out);
            byte[] bi = u8 ? ec.bytes(in) : null, bo = u8 ? ec.bytes(out) : null;
            int si = ec.offset(in), c = g.c, rs = g.iw * c;
            int o = ec.offset(out) + rr0 * g.ow * c;
            for (int rr = rr0; rr < rr1; rr++) {
                int b = rr / g.oh;
                int base = si + b * g.ih * rs;
                {
                    int y = rr % g.oh;
                    float dy = ay.frac[y];
                    int r0 = base + ay.lo[y] * rs, r1 = base + ay.hi[y] * rs;
                    for (int x = 0; x < g.ow; x++) {
                        float dx = ax.frac[x];
                        float s0 = (1 - dy) * (1 - dx), s1 = (1 - dy) * dx, s2 = dy * (1 - dx), s3 = dy * dx;
                        int p00 = r0 + ax.lo[x] * c, p01 = r0 + ax.hi[x] * c, p10 = r1 + ax.lo[x] * c, p11 = r1 + ax.hi[x] * c;
                        if (u8) {
                            for (int k = 0; k < c; k++, o++) {
                                float v = (float) (bi[p00 + k] & 0xFF) * s0 + (float) (bi[p01 + k] & 0xFF) * s1 + (float) (bi[p10 + k] & 0xFF) * s2
                                        + (float) (bi[p11 + k] & 0xFF) * s3 + 0.5f;
                                bo[o] = (byte) (int) v;
                            }
                        } else {
                            for (int k = 0; k < c; k++, o++) {
                                float acc = 0f;
                                acc += fi[p00 + k] * s0;
                                acc += fi[p01 + k] * s1;
                                acc += fi[p10 + k] * s2;
                                acc += fi[p11 + k] * s3;
                                fo[o] = acc;
                            }
                        }
                    }
                }
            }
        }

        @Override
        public String variant() { return u8 ? "bilinear-u8-float-weights" : "bilinear-float"; }
    }

    /** TFLite's exact-2x float path (neither flag). */
    private record Bilinear2x2Kernel(int in, int out, Geometry g) implements RowBody {
        /** Rows here are input rows (each writes two output rows). */
        @Override
        public void rows(ExecContext ec, int rr0, int rr1) {
            float[] fi = ec.floats(in), fo = ec.floats(out);
            int si = ec.offset(in), so = ec.offset(out), c = g.c, irs = g.iw * c, ors = g.ow * c;
            for (int rr = rr0; rr < rr1; rr++) {
                int b = rr / g.ih;
                int ib = si + b * g.ih * irs, ob = so + b * g.oh * ors;
                {
                    int y0 = rr % g.ih;
                    int y1 = Math.min(y0 + 1, g.ih - 1);
                    for (int x0 = 0; x0 < g.iw; x0++) {
                        int x1 = Math.min(x0 + 1, g.iw - 1);
                        int o = ob + 2 * y0 * ors + 2 * x0 * c;
                        for (int k = 0; k < c; k++) {
                            float a = fi[ib + y0 * irs + x0 * c + k], bb = fi[ib + y0 * irs + x1 * c + k];
                            float cc = fi[ib + y1 * irs + x0 * c + k], d = fi[ib + y1 * irs + x1 * c + k];
                            fo[o + k] = a;
                            fo[o + c + k] = (a + bb) / 2;
                            float bl = (a + cc) / 2;
                            fo[o + ors + k] = bl;
                            fo[o + ors + c + k] = (bl + (bb + d) / 2) / 2;
                        }
                    }
                }
            }
        }

        @Override
        public String variant() { return "bilinear-float-2x2"; }
    }

    private record BilinearInt8Kernel(int in, int out, Geometry g, Axis ay, Axis ax) implements RowBody {
        @Override
        public void rows(ExecContext ec, int rr0, int rr1) {
            byte[] bi = ec.bytes(in), bo = ec.bytes(out);
            int si = ec.offset(in), c = g.c, rs = g.iw * c;
            int o = ec.offset(out) + rr0 * g.ow * c;
            for (int rr = rr0; rr < rr1; rr++) {
                int b = rr / g.oh;
                int base = si + b * g.ih * rs;
                {
                    int y = rr % g.oh;
                    long wy1 = ay.c10[y] - (1L << 10) * ay.lo[y], wy0 = (1L << 10) - wy1;
                    int r0 = base + ay.lo[y] * rs, r1 = base + ay.hi[y] * rs;
                    for (int x = 0; x < g.ow; x++) {
                        long wx1 = ax.c10[x] - (1L << 10) * ax.lo[x], wx0 = (1L << 10) - wx1;
                        int p00 = r0 + ax.lo[x] * c, p01 = r0 + ax.hi[x] * c, p10 = r1 + ax.lo[x] * c, p11 = r1 + ax.hi[x] * c;
                        for (int k = 0; k < c; k++, o++) {
                            long sum = bi[p00 + k] * wy0 * wx0 + bi[p10 + k] * wy1 * wx0 + bi[p01 + k] * wy0 * wx1 + bi[p11 + k] * wy1 * wx1;
                            long round = sum > 0 ? (1L << 19) : -(1L << 19);
                            bo[o] = (byte) ((sum + round) / (1L << 20));
                        }
                    }
                }
            }
        }

        @Override
        public String variant() { return "bilinear-int8-fixed10"; }
    }

    // ---------------------------------------------------------------- PACK

    static Kernel pack(PrepareContext ctx) {
        int n = ctx.inputCount();
        if (n < 1) throw ctx.invalid("needs at least one input");
        Checks.arity(ctx, n, n);
        int count = ctx.node().attrs().getInt(ATTR_VALUES_COUNT, n);
        if (count != n) throw ctx.invalid("values_count is " + count + " but the operator has " + n + " inputs");
        int[] s0 = Checks.knownShape(ctx, 0);
        int rank = s0.length + 1;
        int axis = ctx.node().attrs().getInt(dev.octet.core.Ops.ATTR_AXIS, 0);
        if (axis < -rank || axis >= rank) throw ctx.invalid("axis " + axis + " is out of range for the rank-" + rank + " output");
        if (axis < 0) axis += rank;
        TensorInfo first = ctx.input(0), out = ctx.output(0);
        DataType t = first.type();
        switch (t) {
            case FLOAT32, INT32, UINT8, INT8, INT16, INT64 -> { }
            default -> throw ctx.unsupported("PACK on " + t.lowerName() + " is not supported");
        }
        Checks.sameType(ctx, first, out, "inputs and output");
        for (int i = 0; i < n; i++) {
            TensorInfo ti = ctx.input(i);
            Checks.sameType(ctx, ti, first, "input " + i + " and input 0");
            if (!java.util.Arrays.equals(Checks.knownShape(ctx, i), s0)) {
                throw ctx.invalid("input " + i + " has shape " + Shapes.str(ti.shape()) + ", input 0 has " + Shapes.str(s0));
            }
            // TFLite compares the raw per-tensor parameters of every input with the output's (0 when absent).
            float si = scale(ti.quant()), so = scale(out.quant());
            int zi = zeroPoint(ti.quant()), zo = zeroPoint(out.quant());
            if (si != so || zi != zo) {
                throw ctx.invalid("input " + i + " quantization (" + si + ", " + zi + ") differs from the output's (" + so + ", " + zo + "); PACK does not requantize");
            }
        }
        int[] os = new int[rank];
        for (int d = 0, j = 0; d < rank; d++) os[d] = d == axis ? n : s0[j++];
        if ((long) Shapes.size(s0) * n > Integer.MAX_VALUE) throw ctx.unsupported("output too large");
        ctx.setOutputShape(0, os);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= s0[d];
        for (int d = axis; d < s0.length; d++) inner *= s0[d];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = ctx.inputId(i);
        return new PackKernel(ids, ctx.outputId(0), outer, inner, t.storage());
    }

    private static float scale(QuantParams q) { return q.isNone() ? 0f : q.scale(); }

    private static int zeroPoint(QuantParams q) { return q.isNone() ? 0 : q.zeroPoint(); }

    private record PackKernel(int[] ins, int out, int outer, int inner, DataType.Storage storage) implements Kernel {
        @Override
        public void run(ExecContext ec) {
            Object dst = array(ec, out, storage);
            int d = ec.offset(out), n = ins.length;
            for (int i = 0; i < n; i++) {
                Object src = array(ec, ins[i], storage);
                int s = ec.offset(ins[i]);
                for (int o = 0; o < outer; o++) System.arraycopy(src, s + o * inner, dst, d + (o * n + i) * inner, inner);
            }
        }

        private static Object array(ExecContext ec, int id, DataType.Storage st) {
            return switch (st) {
                case BYTE -> ec.bytes(id);
                case SHORT -> ec.shorts(id);
                case INT -> ec.ints(id);
                case LONG -> ec.longs(id);
                case FLOAT -> ec.floats(id);
            };
        }

        @Override
        public String variant() { return "copy"; }
    }
}
