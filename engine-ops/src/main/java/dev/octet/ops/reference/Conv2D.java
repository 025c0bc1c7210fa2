package dev.octet.ops.reference;

import static dev.octet.ops.reference.ConvOps.BIAS;
import static dev.octet.ops.reference.ConvOps.FILTER;
import static dev.octet.ops.reference.ConvOps.INPUT;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.ops.reference.ConvOps.Kind;
import dev.octet.ops.reference.ConvOps.OutputStage;

/**
 * CONV_2D, the scalar reference. Input [N,H,W,Ci], filter [Co,KH,KW,Ci/groups], optional bias [Co], output
 * [N,OH,OW,Co]. Every output value is
 *
 * <pre>
 *   acc = bias[oc] + sum over (ky, kx, ic) inside the image of (x[n, iy, ix, ic] - xZp) * (w[oc, ky, kx, ic] - wZp)
 *   iy  = oy*strideH - padTop + ky*dilationH,   ix = ox*strideW - padLeft + kx*dilationW
 * </pre>
 *
 * then requantized by the {@link OutputStage} (quantized) or clamped to the fused activation (float). Taps
 * that fall in the padding are skipped, which is the same as reading an input equal to its zero point.
 * The accumulator is TFLite 2.6's (reference/conv.h for uint8 and float, reference/integer_ops/conv.h for int8
 * per-channel). The rescaling follows what TFLite 2.6.2 actually runs on x86: uint8 goes through gemmlowp, which
 * rounds like the reference (double rounding), but int8 goes through ruy, which rounds once with ties upward
 * (see {@link ConvOps.Rounding}); the reference int8 code would differ from the library by 1 on a few outputs.
 *
 * <p>Grouped convolution (Ci a multiple of the filter's last dimension) is supported although TFLite 2.6
 * itself requires equal channel counts: output channel oc reads the input channels of its group
 * {@code oc / (Co/groups)}.
 */
final class Conv2D {
    private Conv2D() {}

    static Kernel create(PrepareContext ctx) {
        Kind kind = ConvOps.checkTypes(ctx);
        int[] in = ConvOps.shapeOfRank(ctx, INPUT, 4, "input");
        int[] f = ConvOps.shapeOfRank(ctx, FILTER, 4, "filter [Co,KH,KW,Ci]");
        int ci = in[3], co = f[0], ciPerGroup = f[3];
        if (co < 1 || ciPerGroup < 1) throw ctx.invalid("filter has an empty dimension: " + java.util.Arrays.toString(f));
        if (ci < 1) throw ctx.invalid("input has no channels: " + java.util.Arrays.toString(in)); // else groups = 0 below (found by fuzzing)
        if (ci % ciPerGroup != 0) {
            throw ctx.invalid("input has " + ci + " channels but the filter expects " + ciPerGroup
                    + " (the input channel count must equal, or for grouped convolution be a multiple of, the filter's last dimension)");
        }
        int groups = ci / ciPerGroup;
        if (co % groups != 0) throw ctx.invalid(co + " output channels cannot be split into " + groups + " groups");
        ConvOps.checkBiasShape(ctx, co);
        Window win = Window.of(ctx.node(), in[1], in[2], f[1], f[2]);
        ctx.setOutputShape(0, new int[] {in[0], win.outH(), win.outW(), co});
        Geometry g = new Geometry(in[0], ci, co, groups, win);
        int[] ids = {ctx.inputId(INPUT), ctx.inputId(FILTER), ctx.inputId(BIAS), ctx.outputId(0)};
        if (kind == Kind.HYBRID) return HybridOps.conv(ctx, g);
        if (kind == Kind.FLOAT) {
            float[] act = QuantMath.activationRangeFloat(ConvOps.activation(ctx));
            return new FloatConv(g, ids, ConvOps.packFloatFilter(ctx), ConvOps.packFloatBias(ctx, co), act[0], act[1]);
        }
        OutputStage stage = ConvOps.outputStage(ctx, kind, co, 0, true, ConvOps.tfliteRounding(ctx.node().opType(), kind));
        return new QuantizedConv(g, ids, ConvOps.packByteFilter(ctx), ConvOps.packIntBias(ctx, co), stage,
                ctx.input(INPUT).type() == DataType.UINT8);
    }

    /** Sizes of one convolution. */
    record Geometry(int batch, int inC, int outC, int groups, Window win) {
        int inCPerGroup() { return inC / groups; }

        int outCPerGroup() { return outC / groups; }

        /** Output rows (batch x output height): the unit of parallel work. */
        int rows() { return batch * win.outH(); }

        long macs() { return (long) batch * win.outH() * win.outW() * outC * win.kH() * win.kW() * inCPerGroup(); }
    }

    /** Runs {@code row} for every output row, across the intra-op threads when there are several. */
    static void forEachRow(ExecContext ec, int rows, java.util.function.IntConsumer row) {
        if (ec.threads() == 1) {
            for (int r = 0; r < rows; r++) row.accept(r);
        } else {
            ec.parallelFor(rows, row::accept);
        }
    }

    static final class QuantizedConv implements Kernel {
        private final Geometry g;
        private final int inputId, filterId, biasId, outputId;
        private final byte[] filter; // [Co,KH,KW,Ci/groups] as stored; null if read at run time
        private final int[] bias;    // [Co], zeros when absent; null if read at run time
        private final OutputStage stage;
        private final boolean unsigned;

        QuantizedConv(Geometry g, int[] ids, byte[] filter, int[] bias, OutputStage stage, boolean unsigned) {
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
        public void run(ExecContext ec) { forEachRow(ec, g.rows(), r -> row(ec, r)); }

        private void row(ExecContext ec, int row) {
            Window win = g.win();
            int inH = win.inH(), inW = win.inW(), inC = g.inC(), outW = win.outW(), outC = g.outC();
            int kH = win.kH(), kW = win.kW(), cPerGroup = g.inCPerGroup(), ocPerGroup = g.outCPerGroup();
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
                for (int oc = 0; oc < outC; oc++) {
                    int icStart = (oc / ocPerGroup) * cPerGroup;
                    int acc = 0;
                    for (int ky = 0; ky < kH; ky++) {
                        int iy = iy0 + ky * win.dilationH();
                        if (iy < 0 || iy >= inH) continue;
                        for (int kx = 0; kx < kW; kx++) {
                            int ix = ix0 + kx * win.dilationW();
                            if (ix < 0 || ix >= inW) continue;
                            int xBase = xOff + ((b * inH + iy) * inW + ix) * inC + icStart;
                            int wBase = wOff + ((oc * kH + ky) * kW + kx) * cPerGroup;
                            for (int ic = 0; ic < cPerGroup; ic++) {
                                acc += (ConvOps.value(x[xBase + ic], unsigned) - xZp) * (ConvOps.value(w[wBase + ic], unsigned) - wZp);
                            }
                        }
                    }
                    acc += bs[bOff + oc];
                    y[yOff + ox * outC + oc] = (byte) stage.apply(acc, oc);
                }
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }

    static final class FloatConv implements Kernel {
        private final Geometry g;
        private final int inputId, filterId, biasId, outputId;
        private final float[] filter; // [Co,KH,KW,Ci/groups]; null if read at run time
        private final float[] bias;   // [Co], zeros when absent; null if read at run time
        private final float min, max;

        FloatConv(Geometry g, int[] ids, float[] filter, float[] bias, float min, float max) {
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
        public void run(ExecContext ec) { forEachRow(ec, g.rows(), r -> row(ec, r)); }

        private void row(ExecContext ec, int row) {
            Window win = g.win();
            int inH = win.inH(), inW = win.inW(), inC = g.inC(), outW = win.outW(), outC = g.outC();
            int kH = win.kH(), kW = win.kW(), cPerGroup = g.inCPerGroup(), ocPerGroup = g.outCPerGroup();
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
                for (int oc = 0; oc < outC; oc++) {
                    int icStart = (oc / ocPerGroup) * cPerGroup;
                    float total = 0f;
                    for (int ky = 0; ky < kH; ky++) {
                        int iy = iy0 + ky * win.dilationH();
                        if (iy < 0 || iy >= inH) continue;
                        for (int kx = 0; kx < kW; kx++) {
                            int ix = ix0 + kx * win.dilationW();
                            if (ix < 0 || ix >= inW) continue;
                            int xBase = xOff + ((b * inH + iy) * inW + ix) * inC + icStart;
                            int wBase = wOff + ((oc * kH + ky) * kW + kx) * cPerGroup;
                            for (int ic = 0; ic < cPerGroup; ic++) total += x[xBase + ic] * w[wBase + ic];
                        }
                    }
                    y[yOff + ox * outC + oc] = QuantMath.clampFloat(total + bs[bOff + oc], min, max);
                }
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }
}
