package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantParams;
import dev.octet.core.TensorInfo;

/**
 * SOFTMAX over the last axis, as TFLite 2.6.2 runs it on x86 (activations.cc SoftmaxPrepare/SoftmaxEval with
 * optimized_ops::PopulateSoftmaxLookupTable and optimized_ops::Softmax for uint8/int8):
 *
 * <ul>
 *   <li>Prepare: {@code table[255 - d] = expf((-inScale * beta) * d)} for d in [0, 255], all in float.
 *   <li>Per row: max code m; {@code sum} = float sum, left to right, of {@code table[255 - m + x]} (= e^(-s*beta*(m-x)));
 *       {@code inv = 1f / (sum * outScale)}; {@code p = table[255 - m + x] * inv}.
 *   <li>Output int8: {@code clamp(roundf(p) + outZp)}. Output uint8 (x86 specialization): {@code clamp((int)(p + 0.5f))},
 *       the zero point is not added (so it must be 0).
 * </ul>
 * Output parameters must be those TFLite's converter gives softmax: uint8 zero point 0, int8 zero point -128,
 * scale 1/256 (within 0.1%); the arithmetic uses the actual output scale, like TFLite.
 *
 * <p>float32: Eigen's arithmetic as TFLite evaluates it single-threaded (see {@link FloatSoftmax} and
 * {@link FloatActivations#softmaxRow}, which the SIMD kernel shares).
 */
final class Softmax {
    private Softmax() {}

    static Kernel create(PrepareContext ctx) {
        TensorInfo in = Unary.prepare(ctx);
        if (in.rank() < 1) throw ctx.invalid("SOFTMAX input must have rank >= 1, is a scalar");
        TensorInfo out = ctx.output(0);
        DataType t = in.type();
        float beta = ctx.node().attrs().getFloat(Ops.ATTR_BETA, 1.0f);
        if (!Float.isFinite(beta)) throw ctx.invalid("beta must be finite, is " + beta);
        int depth = in.dim(in.rank() - 1);
        int size = in.size();
        int rows = depth == 0 ? 0 : size / depth;
        if (t == DataType.FLOAT32) {
            if (out.type() != t) throw ctx.unsupported("float32 input with " + out.type().lowerName() + " output");
            return new FloatSoftmax(ctx.inputId(0), ctx.outputId(0), rows, depth, beta);
        }
        if (t != DataType.UINT8 && t != DataType.INT8) throw ctx.unsupported("input type " + t.lowerName() + " (supported: float32, uint8, int8)");
        if (out.type() != t) {
            throw ctx.unsupported(t.lowerName() + " input with " + out.type().lowerName() + " output (only same-type 8-bit softmax is implemented)");
        }
        Unary.requireTflite(ctx, "quantized SOFTMAX");
        QuantParams iq = Unary.perTensor(ctx, in, "input");
        QuantParams oq = Unary.perTensor(ctx, out, "output");
        int wantZp = t == DataType.UINT8 ? 0 : -128;
        if (oq.zeroPoint() != wantZp) {
            throw ctx.unsupported(t.lowerName() + " SOFTMAX needs output zero point " + wantZp + ", got " + oq.zeroPoint());
        }
        if (Math.abs(oq.scale() - 1.0f / 256) > 0.001f * (1.0f / 256)) {
            throw ctx.unsupported(t.lowerName() + " SOFTMAX needs output scale 1/256, got " + oq.scale());
        }
        float[] table = new float[256];
        float scale = -iq.scale() * beta;
        for (int d = 0; d <= 255; d++) table[255 - d] = FloatMath.expf(scale * (float) d);
        return new QuantSoftmax(ctx.inputId(0), ctx.outputId(0), rows, depth, t == DataType.INT8, table, oq.scale(), oq.zeroPoint());
    }

    record QuantSoftmax(int in, int out, int rows, int depth, boolean signed, float[] table, float outScale, int outZp) implements Kernel {
        @Override
        public void run(ExecContext ec) {
            byte[] src = ec.bytes(in);
            byte[] dst = ec.bytes(out);
            int s = ec.offset(in), d = ec.offset(out);
            for (int r = 0; r < rows; r++, s += depth, d += depth) {
                if (signed) rowInt8(src, s, dst, d);
                else rowUint8(src, s, dst, d);
            }
        }

        private void rowUint8(byte[] src, int s, byte[] dst, int d) {
            int max = 0;
            for (int j = 0; j < depth; j++) max = Math.max(max, src[s + j] & 0xFF);
            int base = 255 - max;
            float sum = 0.0f;
            for (int j = 0; j < depth; j++) sum += table[base + (src[s + j] & 0xFF)];
            float inv = 1.0f / (sum * outScale);
            for (int j = 0; j < depth; j++) {
                float p = table[base + (src[s + j] & 0xFF)] * inv;
                int q = FloatMath.truncToInt32(p + 0.5f);
                dst[d + j] = (byte) Math.max(0, Math.min(255, q));
            }
        }

        private void rowInt8(byte[] src, int s, byte[] dst, int d) {
            int max = -128;
            for (int j = 0; j < depth; j++) max = Math.max(max, src[s + j]);
            int base = 255 - max;
            float sum = 0.0f;
            for (int j = 0; j < depth; j++) sum += table[base + src[s + j]];
            float inv = 1.0f / (sum * outScale);
            for (int j = 0; j < depth; j++) {
                float p = table[base + src[s + j]] * inv;
                int q = FloatMath.truncToInt32(FloatMath.roundf(p)) + outZp;
                dst[d + j] = (byte) Math.max(-128, Math.min(127, q));
            }
        }

        @Override
        public String variant() { return "reference-lut"; }
    }

    /**
     * float32 softmax as TFLite's optimized kernel evaluates it with Eigen over the [rows x depth] matrix (one thread):
     * (x - rowMax) * beta; exp over the flattened matrix (Eigen's vectorized exp, the C library's expf for the last
     * size % 4 elements); per-row sum in Eigen's packet reduction order; then times 1/sum.
     */
    record FloatSoftmax(int in, int out, int rows, int depth, float beta) implements Kernel {
        @Override
        public void run(ExecContext ec) {
            float[] src = ec.floats(in);
            float[] dst = ec.floats(out);
            int s = ec.offset(in), d = ec.offset(out);
            int tail = FloatMath.eigenTailStart(rows * depth);
            for (int r = 0; r < rows; r++, s += depth, d += depth) FloatActivations.softmaxRow(src, s, dst, d, depth, beta, r * depth, tail);
        }
    }
}
