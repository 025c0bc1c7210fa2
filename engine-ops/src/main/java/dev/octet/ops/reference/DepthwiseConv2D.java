package dev.octet.ops.reference;

import static dev.octet.ops.reference.ConvOps.BIAS;
import static dev.octet.ops.reference.ConvOps.FILTER;
import static dev.octet.ops.reference.ConvOps.INPUT;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.ops.reference.ConvOps.Kind;
import dev.octet.ops.reference.ConvOps.OutputStage;

/**
 * DEPTHWISE_CONV_2D, the scalar reference. Input [N,H,W,Ci], filter [1,KH,KW,Co] with Co = Ci*M (M the depth
 * multiplier), optional bias [Co], output [N,OH,OW,Co]. Output channel {@code oc = ic*M + m} only sees input
 * channel ic:
 *
 * <pre>
 *   acc = bias[oc] + sum over (ky, kx) inside the image of (x[n, iy, ix, ic] - xZp) * (w[0, ky, kx, oc] - wZp)
 * </pre>
 *
 * with iy/ix as for {@link Conv2D}, then the {@link OutputStage} or the float clamp. M is derived from the shapes
 * (Co / Ci) as TFLite 2.6 does at run time; the depth_multiplier attribute is not trusted (some converters
 * wrote a wrong one). This is TFLite's reference/depthwiseconv_uint8.h and reference/integer_ops/depthwise_conv.h
 * arithmetic, double rounding for both types: TFLite 2.6.2's optimized x86 depthwise kernels round like the
 * reference (checked against the library, see {@link ConvOps.Rounding}).
 */
final class DepthwiseConv2D {
    private DepthwiseConv2D() {}

    static Kernel create(PrepareContext ctx) {
        Kind kind = ConvOps.checkTypes(ctx);
        int[] in = ConvOps.shapeOfRank(ctx, INPUT, 4, "input");
        int[] f = ConvOps.shapeOfRank(ctx, FILTER, 4, "filter [1,KH,KW,Ci*M]");
        if (f[0] != 1) throw ctx.invalid("depthwise filter must have shape [1,KH,KW,Ci*M], has " + java.util.Arrays.toString(f));
        int ci = in[3], co = f[3];
        if (ci < 1 || co < 1 || co % ci != 0) {
            throw ctx.invalid("filter has " + co + " output channels, which is not a positive multiple of the input's " + ci + " channels");
        }
        int m = co / ci;
        int declared = ctx.node().attrs().getInt(Ops.ATTR_DEPTH_MULTIPLIER, 0);
        if (declared < 0) throw ctx.invalid("negative depth_multiplier " + declared);
        ConvOps.checkBiasShape(ctx, co);
        Window win = Window.of(ctx.node(), in[1], in[2], f[1], f[2]);
        ctx.setOutputShape(0, new int[] {in[0], win.outH(), win.outW(), co});
        Geometry g = new Geometry(in[0], ci, m, win);
        int[] ids = {ctx.inputId(INPUT), ctx.inputId(FILTER), ctx.inputId(BIAS), ctx.outputId(0)};
        if (kind == Kind.HYBRID) return HybridOps.depthwise(ctx, g);
        if (kind == Kind.FLOAT) {
            float[] act = QuantMath.activationRangeFloat(ConvOps.activation(ctx));
            return new FloatDepthwise(g, ids, ConvOps.packFloatFilter(ctx), ConvOps.packFloatBias(ctx, co), act[0], act[1]);
        }
        OutputStage stage = ConvOps.outputStage(ctx, kind, co, 3, true, ConvOps.tfliteRounding(ctx.node().opType(), kind));
        return new QuantizedDepthwise(g, ids, ConvOps.packByteFilter(ctx), ConvOps.packIntBias(ctx, co), stage,
                ctx.input(INPUT).type() == DataType.UINT8);
    }

    /** Sizes of one depthwise convolution; M is the depth multiplier. */
    record Geometry(int batch, int inC, int multiplier, Window win) {
        int outC() { return inC * multiplier; }

        int rows() { return batch * win.outH(); }

        long macs() { return (long) batch * win.outH() * win.outW() * outC() * win.kH() * win.kW(); }
    }

    static final class QuantizedDepthwise implements Kernel {
        private final Geometry g;
        private final int inputId, filterId, biasId, outputId;
        private final byte[] filter; // [1,KH,KW,Co] as stored; null if read at run time
        private final int[] bias;    // [Co], zeros when absent; null if read at run time
        private final OutputStage stage;
        private final boolean unsigned;

        QuantizedDepthwise(Geometry g, int[] ids, byte[] filter, int[] bias, OutputStage stage, boolean unsigned) {
            this.g = g;
            this.inputId = ids[0];
            this.filterId = ids[1];
            this.biasId = ids[2];
            this.outputId = ids[3];
            this.filter = filter;
            this.bias = bias;
            this.stage = stage;
            this.unsigned = unsigned;
        }

        @Override
        public void run(ExecContext ec) { Conv2D.forEachRow(ec, g.rows(), r -> row(ec, r)); }

        private void row(ExecContext ec, int row) {
            Window win = g.win();
            int inH = win.inH(), inW = win.inW(), inC = g.inC(), mult = g.multiplier(), outW = win.outW(), outC = g.outC();
            int kH = win.kH(), kW = win.kW();
            int b = row / win.outH(), oy = row % win.outH();
            byte[] x = ec.bytes(inputId);
            int xOff = ec.offset(inputId);
            byte[] w = filter != null ? filter : ec.bytes(filterId);
            int wOff = filter != null ? 0 : ec.offset(filterId);
            int[] bs = bias != null ? bias : ec.ints(biasId);
            int bOff = bias != null ? 0 : ec.offset(biasId);
            byte[] y = ec.bytes(outputId);
            int yOff = ec.offset(outputId) + row * outW * outC;
            int xZp = stage.inputZeroPoint(), wZp = stage.filterZeroPoint();

            int iy0 = oy * win.strideH() - win.padTop();
            for (int ox = 0; ox < outW; ox++) {
                int ix0 = ox * win.strideW() - win.padLeft();
                for (int ic = 0; ic < inC; ic++) {
                    for (int m = 0; m < mult; m++) {
                        int oc = ic * mult + m;
                        int acc = 0;
                        for (int ky = 0; ky < kH; ky++) {
                            int iy = iy0 + ky * win.dilationH();
                            if (iy < 0 || iy >= inH) continue;
                            for (int kx = 0; kx < kW; kx++) {
                                int ix = ix0 + kx * win.dilationW();
                                if (ix < 0 || ix >= inW) continue;
                                int xv = ConvOps.value(x[xOff + ((b * inH + iy) * inW + ix) * inC + ic], unsigned);
                                int wv = ConvOps.value(w[wOff + (ky * kW + kx) * outC + oc], unsigned);
                                acc += (xv - xZp) * (wv - wZp);
                            }
                        }
                        acc += bs[bOff + oc];
                        y[yOff + ox * outC + oc] = (byte) stage.apply(acc, oc);
                    }
                }
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }

    static final class FloatDepthwise implements Kernel {
        private final Geometry g;
        private final int inputId, filterId, biasId, outputId;
        private final float[] filter; // [1,KH,KW,Co]; null if read at run time
        private final float[] bias;   // [Co], zeros when absent; null if read at run time
        private final float min, max;

        FloatDepthwise(Geometry g, int[] ids, float[] filter, float[] bias, float min, float max) {
            this.g = g;
            this.inputId = ids[0];
            this.filterId = ids[1];
            this.biasId = ids[2];
            this.outputId = ids[3];
            this.filter = filter;
            this.bias = bias;
            this.min = min;
            this.max = max;
        }

        @Override
        public void run(ExecContext ec) { Conv2D.forEachRow(ec, g.rows(), r -> row(ec, r)); }

        private void row(ExecContext ec, int row) {
            Window win = g.win();
            int inH = win.inH(), inW = win.inW(), inC = g.inC(), mult = g.multiplier(), outW = win.outW(), outC = g.outC();
            int kH = win.kH(), kW = win.kW();
            int b = row / win.outH(), oy = row % win.outH();
            float[] x = ec.floats(inputId);
            int xOff = ec.offset(inputId);
            float[] w = filter != null ? filter : ec.floats(filterId);
            int wOff = filter != null ? 0 : ec.offset(filterId);
            float[] bs = bias != null ? bias : ec.floats(biasId);
            int bOff = bias != null ? 0 : ec.offset(biasId);
            float[] y = ec.floats(outputId);
            int yOff = ec.offset(outputId) + row * outW * outC;

            int iy0 = oy * win.strideH() - win.padTop();
            for (int ox = 0; ox < outW; ox++) {
                int ix0 = ox * win.strideW() - win.padLeft();
                for (int ic = 0; ic < inC; ic++) {
                    for (int m = 0; m < mult; m++) {
                        int oc = ic * mult + m;
                        float total = 0f;
                        for (int ky = 0; ky < kH; ky++) {
                            int iy = iy0 + ky * win.dilationH();
                            if (iy < 0 || iy >= inH) continue;
                            for (int kx = 0; kx < kW; kx++) {
                                int ix = ix0 + kx * win.dilationW();
                                if (ix < 0 || ix >= inW) continue;
                                total += x[xOff + ((b * inH + iy) * inW + ix) * inC + ic] * w[wOff + (ky * kW + kx) * outC + oc];
                            }
                        }
                        y[yOff + ox * outC + oc] = QuantMath.clampFloat(total + bs[bOff + oc], min, max);
                    }
                }
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }
}
