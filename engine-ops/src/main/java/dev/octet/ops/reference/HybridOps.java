package dev.octet.ops.reference;

import static dev.octet.ops.reference.ConvOps.BIAS;
import static dev.octet.ops.reference.ConvOps.FILTER;
import static dev.octet.ops.reference.ConvOps.INPUT;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.ops.reference.ConvOps.HybridWeights;

/**
 * The dynamic-range ("hybrid") kernels of the conv family: float32 input and output, int8 constant weights, float32
 * bias. Each run quantizes the float input to int8 with {@link HybridMath} (into scratch), accumulates int8 x int8
 * products in int32 and scales the accumulators back to float, in the order TFLite 2.6.2 (x86-64, builtin kernels)
 * does, so outputs carry the same float bits:
 * <ul>
 *   <li>FULLY_CONNECTED (fully_connected.cc EvalHybrid): each batch row quantized symmetrically, or asymmetrically
 *       with {@code asymmetric_quantize_inputs}; factor {@code f = rowFactor * weightScale} (float);
 *       {@code y = bias + (float) (dot - rowSum * offset) * f}; then the activation. An input that is all zeros
 *       gives {@code y = bias}. Per-tensor weights only: for a per-axis tensor TFLite 2.6.2 scales by 0.
 *   <li>CONV_2D with equal weight scales (conv.cc EvalHybrid): each batch image quantized symmetrically as one
 *       row; {@code f = imageFactor * weightScale}; {@code y = (0 + (float) acc * f) + bias}; padding reads 0.
 *       The accumulator is one dot product of the filter row [KH*KW*Ci] with the output pixel's patch, gathered
 *       into scratch (im2col one pixel at a time).
 *   <li>CONV_2D with per-channel scales that differ (EvalHybridPerChannel): each image quantized
 *       asymmetrically; {@code y = (float) (acc - rowSum * offset) * (channelScale * imageScale) + bias}; padding
 *       reads the zero point, i.e. contributes 0.
 *   <li>DEPTHWISE_CONV_2D (depthwise_conv.cc EvalHybridPerChannel, always): each image quantized asymmetrically;
 *       {@code y = ((float) acc * imageScale) * channelScale + bias}, acc summing {@code w * (q - offset)} over the
 *       taps inside the image.
 * </ul>
 * The fused activation is a float clamp. Filters must be constant (the row sums are computed at load). Refused at load,
 * because TFLite 2.6.2 does not compute them (checked against the library): per-axis FULLY_CONNECTED weights and
 * per-axis CONV_2D weights whose scales are all equal (both output the bias alone: the per-tensor scale they read is
 * 0), and per-tensor DEPTHWISE_CONV_2D weights with more than one channel (read past the single scale).
 */
final class HybridOps {
    private HybridOps() {}

    /** Float bias of {@code channels} values (zeros when absent), or null to read at run time. */
    private static float[] bias(PrepareContext ctx, int channels) { return ConvOps.packFloatBias(ctx, channels); }

    private static void requestScratch(PrepareContext ctx, int quantized, int rows) {
        ctx.requestScratch(DataType.Storage.BYTE, quantized);
        ctx.requestScratch(DataType.Storage.FLOAT, rows);
        ctx.requestScratch(DataType.Storage.INT, rows);
    }

    /** Quantizes {@code rows} rows of {@code n} floats into the scratch (bytes, factors, offsets). */
    private static void quantizeRows(ExecContext ec, int inputId, int rows, int n, boolean asymmetric) {
        float[] x = ec.floats(inputId);
        int xOff = ec.offset(inputId);
        byte[] q = ec.scratchBytes();
        float[] f = ec.scratchFloats();
        int[] o = ec.scratchInts();
        Conv2D.forEachRow(ec, rows, r -> HybridMath.quantizeRow(asymmetric, x, xOff + r * n, n, q, r * n, f, o, r));
    }

    // ------------------------------------------------------------------------------------------ FULLY_CONNECTED

    static Kernel fullyConnected(PrepareContext ctx, int batch, int depth, int outC, boolean asymmetric) {
        HybridWeights hw = ConvOps.hybridWeights(ctx, outC, 0);
        if (hw.perAxis()) {
            throw ConvOps.unsupported(ctx, "hybrid FULLY_CONNECTED with per-axis weight scales: TFLite 2.6.2 reads only a per-tensor weight "
                    + "scale here (for a per-axis tensor it uses 0 and outputs the bias alone); only per-tensor weights are supported");
        }
        float[] act = QuantMath.activationRangeFloat(ConvOps.activation(ctx));
        byte[] w = ConvOps.packByteFilter(ctx);
        int[] rowSums = new int[outC];
        HybridMath.rowSums(w, 0, outC, depth, rowSums, 0);
        requestScratch(ctx, batch * depth, batch);
        int[] ids = {ctx.inputId(INPUT), ctx.inputId(BIAS), ctx.outputId(0)};
        return new FC(batch, depth, outC, ids, w, rowSums, hw.tensorScale(), bias(ctx, outC), asymmetric, act[0], act[1], HybridMath::dot, "scalar");
    }

    static final class FC implements Kernel {
        private final int batch, depth, outC, inputId, biasId, outputId;
        private final byte[] filter;
        private final int[] rowSums;
        private final float weightScale;
        private final float[] bias;
        private final boolean asymmetric;
        private final float min, max;
        private final HybridBridge.Dot dot;
        private final String dotName;

        FC(int batch, int depth, int outC, int[] ids, byte[] filter, int[] rowSums, float weightScale, float[] bias, boolean asymmetric,
           float min, float max, HybridBridge.Dot dot, String dotName) {
            this.batch = batch;
            this.depth = depth;
            this.outC = outC;
            this.inputId = ids[0];
            this.biasId = ids[1];
            this.outputId = ids[2];
            this.filter = filter;
            this.rowSums = rowSums;
            this.weightScale = weightScale;
            this.bias = bias;
            this.asymmetric = asymmetric;
            this.min = min;
            this.max = max;
            this.dot = dot;
            this.dotName = dotName;
        }

        /** The same kernel with another (exact) dot product. */
        FC withDot(HybridBridge.Dot d, String name) {
            return new FC(batch, depth, outC, new int[] {inputId, biasId, outputId}, filter, rowSums, weightScale, bias, asymmetric, min, max, d, name);
        }

        @Override
        public String toString() { return "hybrid FULLY_CONNECTED (" + (asymmetric ? "asymmetric" : "symmetric") + " inputs, dot " + dotName + ")"; }

        @Override
        public void run(ExecContext ec) {
            float[] bs = bias != null ? bias : ec.floats(biasId);
            int bOff = bias != null ? 0 : ec.offset(biasId);
            float[] y = ec.floats(outputId);
            int yOff = ec.offset(outputId);
            if (HybridMath.isZero(ec.floats(inputId), ec.offset(inputId), batch * depth)) {
                for (int b = 0; b < batch; b++) {
                    for (int oc = 0; oc < outC; oc++) y[yOff + b * outC + oc] = QuantMath.clampFloat(bs[bOff + oc], min, max);
                }
                return;
            }
            quantizeRows(ec, inputId, batch, depth, asymmetric);
            byte[] q = ec.scratchBytes();
            float[] factors = ec.scratchFloats();
            int[] offsets = ec.scratchInts();
            Conv2D.forEachRow(ec, batch, b -> {
                float f = factors[b] * weightScale;
                int offset = offsets[b];
                int base = yOff + b * outC;
                for (int oc = 0; oc < outC; oc++) {
                    int d = dot.dot(filter, oc * depth, q, b * depth, depth);
                    float v = HybridMath.accumulate(bs[bOff + oc], d, rowSums[oc], offset, f);
                    y[base + oc] = QuantMath.clampFloat(v, min, max);
                }
            });
        }

        @Override
        public long macs() { return (long) batch * depth * outC; }
    }

    // ------------------------------------------------------------------------------------------ CONV_2D

    static Kernel conv(PrepareContext ctx, Conv2D.Geometry g) {
        if (g.groups() != 1) throw ConvOps.unsupported(ctx, "hybrid grouped CONV_2D");
        HybridWeights hw = ConvOps.hybridWeights(ctx, g.outC(), 0);
        if (hw.perAxis() && !hw.perChannel()) {
            throw ConvOps.unsupported(ctx, "hybrid CONV_2D with per-axis weight scales that are all equal: TFLite 2.6.2 then takes its "
                    + "per-tensor path, which reads a per-tensor scale the tensor does not have (it outputs the bias alone); store one scale");
        }
        float[] act = QuantMath.activationRangeFloat(ConvOps.activation(ctx));
        byte[] w = ConvOps.packByteFilter(ctx);
        Window win = g.win();
        int taps = win.kH() * win.kW() * g.inC();
        int[] rowSums = new int[g.outC()];
        HybridMath.rowSums(w, 0, g.outC(), taps, rowSums, 0);
        int imageSize = win.inH() * win.inW() * g.inC();
        requestScratch(ctx, g.batch() * imageSize + g.rows() * taps, g.batch()); // quantized images, then one patch per output row
        int[] ids = {ctx.inputId(INPUT), ctx.inputId(BIAS), ctx.outputId(0)};
        return new Conv(g, ids, w, rowSums, hw.scales(), hw.perChannel(), bias(ctx, g.outC()), act[0], act[1], HybridMath::dot, "scalar");
    }

    static final class Conv implements Kernel {
        private final Conv2D.Geometry g;
        private final int inputId, biasId, outputId;
        private final byte[] filter; // [Co,KH,KW,Ci]
        private final int[] rowSums;
        private final float[] scales;
        private final boolean perChannel;
        private final float[] bias;
        private final float min, max;
        private final HybridBridge.Dot dot;
        private final String dotName;

        Conv(Conv2D.Geometry g, int[] ids, byte[] filter, int[] rowSums, float[] scales, boolean perChannel, float[] bias, float min, float max,
             HybridBridge.Dot dot, String dotName) {
            this.g = g;
            this.inputId = ids[0];
            this.biasId = ids[1];
            this.outputId = ids[2];
            this.filter = filter;
            this.rowSums = rowSums;
            this.scales = scales;
            this.perChannel = perChannel;
            this.bias = bias;
            this.min = min;
            this.max = max;
            this.dot = dot;
            this.dotName = dotName;
        }

        /** The same kernel with another (exact) dot product over each tap's input channels. */
        Conv withDot(HybridBridge.Dot d, String name) {
            return new Conv(g, new int[] {inputId, biasId, outputId}, filter, rowSums, scales, perChannel, bias, min, max, d, name);
        }

        @Override
        public String toString() { return "hybrid CONV_2D (" + (perChannel ? "per-channel" : "per-tensor") + ", dot " + dotName + ")"; }

        @Override
        public void run(ExecContext ec) {
            Window win = g.win();
            int imageSize = win.inH() * win.inW() * g.inC();
            quantizeRows(ec, inputId, g.batch(), imageSize, perChannel);
            Conv2D.forEachRow(ec, g.rows(), r -> row(ec, r));
        }

        private void row(ExecContext ec, int row) {
            Window win = g.win();
            int inH = win.inH(), inW = win.inW(), inC = g.inC(), outW = win.outW(), outC = g.outC();
            int kH = win.kH(), kW = win.kW();
            int b = row / win.outH(), oy = row % win.outH();
            byte[] x = ec.scratchBytes();
            float factor = ec.scratchFloats()[b];
            int offset = ec.scratchInts()[b];
            float tensorFactor = factor * scales[0];
            float[] bs = bias != null ? bias : ec.floats(biasId);
            int bOff = bias != null ? 0 : ec.offset(biasId);
            float[] y = ec.floats(outputId);
            int yOff = ec.offset(outputId) + row * outW * outC;
            int taps = kH * kW * inC;
            int patch = g.batch() * inH * inW * inC + row * taps; // this row's patch in the scratch, after the images
            // padding reads the zero point, as TFLite's im2col writes it (0 for symmetric inputs): with the row-sum
            // correction below it contributes nothing
            byte pad = (byte) (perChannel ? offset : 0);
            int iy0 = oy * win.strideH() - win.padTop();
            for (int ox = 0; ox < outW; ox++) {
                int ix0 = ox * win.strideW() - win.padLeft();
                int p = patch;
                for (int ky = 0; ky < kH; ky++) {
                    int iy = iy0 + ky * win.dilationH();
                    for (int kx = 0; kx < kW; kx++, p += inC) {
                        int ix = ix0 + kx * win.dilationW();
                        if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                            java.util.Arrays.fill(x, p, p + inC, pad);
                        } else {
                            System.arraycopy(x, ((b * inH + iy) * inW + ix) * inC, x, p, inC);
                        }
                    }
                }
                for (int oc = 0; oc < outC; oc++) {
                    int acc = dot.dot(filter, oc * taps, x, patch, taps);
                    float v;
                    if (perChannel) {
                        v = (float) (acc - rowSums[oc] * offset) * (scales[oc] * factor) + bs[bOff + oc];
                    } else {
                        v = (0f + (float) acc * tensorFactor) + bs[bOff + oc];
                    }
                    y[yOff + ox * outC + oc] = QuantMath.clampFloat(v, min, max);
                }
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }

    // ------------------------------------------------------------------------------------------ DEPTHWISE_CONV_2D

    /** One depthwise tap over n channels: {@code acc[aOff + c] += w[wOff + c] * (x[xOff + c] - offset)}. */
    static void tap(int[] acc, int aOff, byte[] w, int wOff, byte[] x, int xOff, int n, int offset) {
        for (int c = 0; c < n; c++) acc[aOff + c] += w[wOff + c] * (x[xOff + c] - offset);
    }

    static Kernel depthwise(PrepareContext ctx, DepthwiseConv2D.Geometry g) {
        HybridWeights hw = ConvOps.hybridWeights(ctx, g.outC(), 3);
        if (!hw.perAxis() && g.outC() > 1) {
            throw ConvOps.unsupported(ctx, "hybrid DEPTHWISE_CONV_2D with a per-tensor weight scale: TFLite 2.6.2 reads one scale per output "
                    + "channel here (past the end of a single scale); per-channel weights are required");
        }
        float[] act = QuantMath.activationRangeFloat(ConvOps.activation(ctx));
        byte[] w = ConvOps.packByteFilter(ctx);
        Window win = g.win();
        int imageSize = win.inH() * win.inW() * g.inC();
        requestScratch(ctx, g.batch() * imageSize, g.batch() + g.rows() * g.outC()); // offsets, then accumulators per output row
        int[] ids = {ctx.inputId(INPUT), ctx.inputId(BIAS), ctx.outputId(0)};
        return new Depthwise(g, ids, w, hw.scales(), bias(ctx, g.outC()), act[0], act[1], HybridOps::tap, "scalar");
    }

    static final class Depthwise implements Kernel {
        private final DepthwiseConv2D.Geometry g;
        private final int inputId, biasId, outputId;
        private final byte[] filter; // [1,KH,KW,Co]
        private final float[] scales;
        private final float[] bias;
        private final float min, max;
        private final HybridBridge.Tap tap;
        private final String tapName;

        Depthwise(DepthwiseConv2D.Geometry g, int[] ids, byte[] filter, float[] scales, float[] bias, float min, float max, HybridBridge.Tap tap,
                  String tapName) {
            this.g = g;
            this.inputId = ids[0];
            this.biasId = ids[1];
            this.outputId = ids[2];
            this.filter = filter;
            this.scales = scales;
            this.bias = bias;
            this.min = min;
            this.max = max;
            this.tap = tap;
            this.tapName = tapName;
        }

        /** The same kernel with another (exact) tap accumulation. */
        Depthwise withTap(HybridBridge.Tap t, String name) {
            return new Depthwise(g, new int[] {inputId, biasId, outputId}, filter, scales, bias, min, max, t, name);
        }

        @Override
        public String toString() { return "hybrid DEPTHWISE_CONV_2D (multiplier " + g.multiplier() + ", taps " + tapName + ")"; }

        @Override
        public void run(ExecContext ec) {
            Window win = g.win();
            quantizeRows(ec, inputId, g.batch(), win.inH() * win.inW() * g.inC(), true);
            Conv2D.forEachRow(ec, g.rows(), r -> row(ec, r));
        }

        private void row(ExecContext ec, int row) {
            Window win = g.win();
            int inH = win.inH(), inW = win.inW(), inC = g.inC(), mult = g.multiplier(), outW = win.outW(), outC = g.outC();
            int kH = win.kH(), kW = win.kW();
            int b = row / win.outH(), oy = row % win.outH();
            byte[] x = ec.scratchBytes();
            float factor = ec.scratchFloats()[b];
            int offset = ec.scratchInts()[b];
            float[] bs = bias != null ? bias : ec.floats(biasId);
            int bOff = bias != null ? 0 : ec.offset(biasId);
            float[] y = ec.floats(outputId);
            int yOff = ec.offset(outputId) + row * outW * outC;
            int[] acc = ec.scratchInts();
            int a0 = g.batch() + row * outC; // this row's accumulators, after the offsets
            int iy0 = oy * win.strideH() - win.padTop();
            for (int ox = 0; ox < outW; ox++) {
                int ix0 = ox * win.strideW() - win.padLeft();
                java.util.Arrays.fill(acc, a0, a0 + outC, 0);
                // acc[oc] = sum over the taps inside the image of w * (q - offset); channels innermost
                for (int ky = 0; ky < kH; ky++) {
                    int iy = iy0 + ky * win.dilationH();
                    if (iy < 0 || iy >= inH) continue;
                    for (int kx = 0; kx < kW; kx++) {
                        int ix = ix0 + kx * win.dilationW();
                        if (ix < 0 || ix >= inW) continue;
                        int xb = ((b * inH + iy) * inW + ix) * inC;
                        int wb = (ky * kW + kx) * outC;
                        if (mult == 1) {
                            tap.tap(acc, a0, filter, wb, x, xb, outC, offset);
                        } else {
                            for (int ic = 0; ic < inC; ic++) {
                                int xv = x[xb + ic] - offset;
                                for (int m = 0; m < mult; m++) acc[a0 + ic * mult + m] += filter[wb + ic * mult + m] * xv;
                            }
                        }
                    }
                }
                for (int oc = 0; oc < outC; oc++) {
                    float v = (float) acc[a0 + oc] * factor * scales[oc] + bs[bOff + oc];
                    y[yOff + ox * outC + oc] = QuantMath.clampFloat(v, min, max);
                }
            }
        }

        @Override
        public long macs() { return g.macs(); }
    }
}
