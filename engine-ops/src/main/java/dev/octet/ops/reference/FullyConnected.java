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
 * FULLY_CONNECTED, the scalar reference. Filter [Co,K], optional bias [Co]. The input, of any rank, is read as
 * a [batch, K] matrix with batch = size / K (TFLite's rule: the element count must be a multiple of K). Output
 * shape as TFLite 2.6 computes it: with keep_num_dims the input shape with its last dimension (which must be
 * K) replaced by Co, otherwise [batch, Co].
 *
 * <pre>
 *   acc = bias[oc] + sum over k of (x[b, k] - xZp) * (w[oc, k] - wZp)
 * </pre>
 *
 * then the {@link OutputStage} (per-tensor only, as in TFLite 2.6) or the float clamp. As for CONV_2D, int8 is
 * rescaled with ruy's single rounding and uint8 with gemmlowp's double rounding, which is what TFLite 2.6.2 runs
 * on x86 (see {@link ConvOps.Rounding}).
 */
final class FullyConnected {
    private FullyConnected() {}

    /** TFLite's FullyConnectedOptions / BatchMatMulOptions flag for hybrid kernels (attribute name as read). */
    static final String ASYMMETRIC_QUANTIZE_INPUTS = "asymmetric_quantize_inputs";

    static Kernel create(PrepareContext ctx) {
        Kind kind = ConvOps.checkTypes(ctx);
        int[] f = ConvOps.shapeOfRank(ctx, FILTER, 2, "filter [Co,K]");
        int co = f[0], k = f[1];
        if (co < 1 || k < 1) throw ctx.invalid("filter has an empty dimension: " + java.util.Arrays.toString(f));
        int[] in = ctx.input(INPUT).shape();
        if (in.length < 1) throw ctx.invalid("input must have rank >= 1, is a scalar");
        int size = ctx.input(INPUT).size();
        if (size < 0) throw ctx.invalid("input has an unknown dimension: " + java.util.Arrays.toString(in));
        if (size % k != 0) {
            throw ctx.invalid("input " + java.util.Arrays.toString(in) + " has " + size + " elements, not a multiple of the filter's depth " + k);
        }
        int batch = size / k;
        ConvOps.checkBiasShape(ctx, co);
        int[] outShape;
        if (ctx.node().attrs().getBool(Ops.ATTR_KEEP_NUM_DIMS, false)) {
            if (in[in.length - 1] != k) {
                throw ctx.invalid("with keep_num_dims the input's last dimension (" + in[in.length - 1] + ") must equal the filter's depth " + k);
            }
            outShape = in.clone();
            outShape[outShape.length - 1] = co;
        } else {
            outShape = new int[] {batch, co};
        }
        ctx.setOutputShape(0, outShape);
        int[] ids = {ctx.inputId(INPUT), ctx.inputId(FILTER), ctx.inputId(BIAS), ctx.outputId(0)};
        if (kind == Kind.HYBRID) {
            return HybridOps.fullyConnected(ctx, batch, k, co, ctx.node().attrs().getBool(ASYMMETRIC_QUANTIZE_INPUTS, false));
        }
        if (kind == Kind.FLOAT) {
            float[] act = QuantMath.activationRangeFloat(ConvOps.activation(ctx));
            return new FloatFC(batch, k, co, ids, ConvOps.packFloatFilter(ctx), ConvOps.packFloatBias(ctx, co), act[0], act[1]);
        }
        OutputStage stage = ConvOps.outputStage(ctx, kind, co, 0, false, ConvOps.tfliteRounding(ctx.node().opType(), kind));
        return new QuantizedFC(batch, k, co, ids, ConvOps.packByteFilter(ctx), ConvOps.packIntBias(ctx, co), stage,
                ctx.input(INPUT).type() == DataType.UINT8);
    }

    static final class QuantizedFC implements Kernel {
        private final int batch, depth, outC;
        private final int inputId, filterId, biasId, outputId;
        private final byte[] filter; // [Co,K] as stored; null if read at run time
        private final int[] bias;    // [Co], zeros when absent; null if read at run time
        private final OutputStage stage;
        private final boolean unsigned;

        QuantizedFC(int batch, int depth, int outC, int[] ids, byte[] filter, int[] bias, OutputStage stage, boolean unsigned) {
            this.batch = batch;
            this.depth = depth;
            this.outC = outC;
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
        public void run(ExecContext ec) { Conv2D.forEachRow(ec, batch, b -> row(ec, b)); }

        private void row(ExecContext ec, int b) {
            byte[] x = ec.bytes(inputId);
            int xBase = ec.offset(inputId) + b * depth;
            byte[] w = filter != null ? filter : ec.bytes(filterId);
            int wOff = filter != null ? 0 : ec.offset(filterId);
            int[] bs = bias != null ? bias : ec.ints(biasId);
            int bOff = bias != null ? 0 : ec.offset(biasId);
            byte[] y = ec.bytes(outputId);
            int yBase = ec.offset(outputId) + b * outC;
            int xZp = stage.inputZeroPoint(), wZp = stage.filterZeroPoint();
            for (int oc = 0; oc < outC; oc++) {
                int wBase = wOff + oc * depth;
                int acc = 0;
                for (int k = 0; k < depth; k++) {
                    acc += (ConvOps.value(x[xBase + k], unsigned) - xZp) * (ConvOps.value(w[wBase + k], unsigned) - wZp);
                }
                acc += bs[bOff + oc];
                y[yBase + oc] = (byte) stage.apply(acc, oc);
            }
        }

        @Override
        public long macs() { return (long) batch * depth * outC; }
    }

    static final class FloatFC implements Kernel {
        private final int batch, depth, outC;
        private final int inputId, filterId, biasId, outputId;
        private final float[] filter; // [Co,K]; null if read at run time
        private final float[] bias;   // [Co], zeros when absent; null if read at run time
        private final float min, max;

        FloatFC(int batch, int depth, int outC, int[] ids, float[] filter, float[] bias, float min, float max) {
            this.batch = batch;
            this.depth = depth;
            this.outC = outC;
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
        public void run(ExecContext ec) { Conv2D.forEachRow(ec, batch, b -> row(ec, b)); }

        private void row(ExecContext ec, int b) {
            float[] x = ec.floats(inputId);
            int xBase = ec.offset(inputId) + b * depth;
            float[] w = filter != null ? filter : ec.floats(filterId);
            int wOff = filter != null ? 0 : ec.offset(filterId);
            float[] bs = bias != null ? bias : ec.floats(biasId);
            int bOff = bias != null ? 0 : ec.offset(biasId);
            float[] y = ec.floats(outputId);
            int yBase = ec.offset(outputId) + b * outC;
            for (int oc = 0; oc < outC; oc++) {
                int wBase = wOff + oc * depth;
                float total = 0f;
                for (int k = 0; k < depth; k++) total += x[xBase + k] * w[wBase + k];
                y[yBase + oc] = QuantMath.clampFloat(total + bs[bOff + oc], min, max);
            }
        }

        @Override
        public long macs() { return (long) batch * depth * outC; }
    }
}
