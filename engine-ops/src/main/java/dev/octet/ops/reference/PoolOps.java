package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.TensorInfo;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D over NHWC, as TFLite 2.6.2's builtin (optimized) kernels compute them:
 * the window is clipped to the input (padding cells are not counted); the average of 8-bit inputs is the
 * integer sum divided by the count with rounding half away from zero ((s + c/2) / c for s > 0, (s - c/2) / c
 * otherwise; uint8 sums are never negative, so uint8's (s + c/2) / c is the same rule); float sums in window order
 * and divides by the count. Outputs are clamped to the fused activation range; quantized pools do not requantize
 * (TFLite requires equal input and output parameters and uses the input's raw values).
 */
final class PoolOps {
    private PoolOps() {}

    static Kernel create(PrepareContext ctx, boolean average) {
        Checks.arity(ctx, 1, 1);
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        Checks.sameType(ctx, in, out, "input and output");
        int[] s = Checks.knownShape(ctx, 0);
        if (s.length != 4) throw ctx.invalid("input must be 4-D NHWC, is " + dev.octet.core.Shapes.str(s));
        var attrs = ctx.node().attrs();
        int fh = attrs.getInt(Ops.ATTR_FILTER_H, -1), fw = attrs.getInt(Ops.ATTR_FILTER_W, -1);
        if (fh < 1 || fw < 1) throw ctx.invalid("filter_h and filter_w must be >= 1 (got " + fh + "x" + fw + ")");
        if (attrs.getInt(Ops.ATTR_DILATION_H, 1) != 1 || attrs.getInt(Ops.ATTR_DILATION_W, 1) != 1) throw ctx.unsupported("dilated pooling is not supported");
        Window w = Window.of(ctx.node(), s[1], s[2], fh, fw);
        ctx.setOutputShape(0, new int[] {s[0], w.outH(), w.outW(), s[3]});
        String act = Checks.activation(ctx);
        DataType t = in.type();
        int lo, hi;
        float flo = 0, fhi = 0;
        switch (t) {
            case FLOAT32 -> {
                float[] r = QuantMath.activationRangeFloat(act);
                flo = r[0];
                fhi = r[1];
                lo = hi = 0;
            }
            case UINT8, INT8 -> {
                Checks.perTensor(ctx, in, "input");
                QuantParams qo = Checks.perTensor(ctx, out, "output");
                int[] r = QuantMath.activationRange(act, qo.scale(), qo.zeroPoint(), t.minValue(), t.maxValue());
                lo = r[0];
                hi = r[1];
            }
            default -> throw ctx.unsupported(ctx.node().opType() + " on " + t.lowerName() + " tensors is not supported");
        }
        return new PoolKernel(average, t, s[0], s[3], w, ctx.inputId(0), ctx.outputId(0), lo, hi, flo, fhi);
    }

    private static final class PoolKernel implements Kernel {
        final boolean average;
        final DataType type;
        final int batches, depth, in, out, lo, hi;
        final float flo, fhi;
        final Window w;

        PoolKernel(boolean average, DataType type, int batches, int depth, Window w, int in, int out, int lo, int hi, float flo, float fhi) {
            this.average = average; this.type = type; this.batches = batches; this.depth = depth; this.w = w;
            this.in = in; this.out = out; this.lo = lo; this.hi = hi; this.flo = flo; this.fhi = fhi;
        }

        @Override
        public String variant() { return "reference-" + (average ? "avg" : "max"); }

        @Override
        public long macs() { return (long) batches * depth * w.clippedTaps(); }

        @Override
        public void run(ExecContext ec) {
            int ih = w.inH(), iw = w.inW();
            int inBase = ec.offset(in), outBase = ec.offset(out);
            boolean isFloat = type == DataType.FLOAT32;
            float[] fi = isFloat ? ec.floats(in) : null, fo = isFloat ? ec.floats(out) : null;
            byte[] bi = isFloat ? null : ec.bytes(in), bo = isFloat ? null : ec.bytes(out);
            int mask = type == DataType.UINT8 ? 0xFF : -1;
            int o = outBase;
            for (int b = 0; b < batches; b++) {
                for (int oy = 0; oy < w.outH(); oy++) {
                    int y0 = oy * w.strideH() - w.padTop();
                    int fy0 = Math.max(0, -y0), fy1 = Math.min(w.kH(), ih - y0);
                    for (int ox = 0; ox < w.outW(); ox++) {
                        int x0 = ox * w.strideW() - w.padLeft();
                        int fx0 = Math.max(0, -x0), fx1 = Math.min(w.kW(), iw - x0);
                        int count = Math.max(0, fy1 - fy0) * Math.max(0, fx1 - fx0);
                        for (int c = 0; c < depth; c++, o++) {
                            if (isFloat) {
                                float acc = average ? 0f : -Float.MAX_VALUE; // TFLite starts max pooling from numeric_limits::lowest()
                                for (int fy = fy0; fy < fy1; fy++) {
                                    int row = inBase + ((b * ih + y0 + fy) * iw + x0) * depth + c;
                                    for (int fx = fx0; fx < fx1; fx++) {
                                        float v = fi[row + fx * depth];
                                        if (average) acc += v;
                                        else acc = acc < v ? v : acc;
                                    }
                                }
                                float r = average ? (count == 0 ? 0f : acc / count) : acc;
                                r = r < flo ? flo : r;
                                fo[o] = fhi < r ? fhi : r;
                            } else {
                                int acc = average ? 0 : Integer.MIN_VALUE;
                                for (int fy = fy0; fy < fy1; fy++) {
                                    int row = inBase + ((b * ih + y0 + fy) * iw + x0) * depth + c;
                                    for (int fx = fx0; fx < fx1; fx++) {
                                        int v = bi[row + fx * depth] & mask;
                                        if (average) acc += v;
                                        else if (v > acc) acc = v;
                                    }
                                }
                                int r;
                                if (average) {
                                    r = count == 0 ? 0 : acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                                } else {
                                    r = acc;
                                }
                                bo[o] = (byte) QuantMath.clamp(r, lo, hi);
                            }
                        }
                    }
                }
            }
        }
    }
}
