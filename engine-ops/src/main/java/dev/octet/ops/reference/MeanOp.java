package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;

/**
 * MEAN over constant axes, reproducing the arithmetic TFLite 2.6.2 runs (reduce.cc EvalMean; each rule below was
 * checked against the 2.6.2 library on random data):
 *
 * <ol>
 *   <li>int8, 4-D input, keep_dims, axes exactly {1,2} or {2,1}: acc = sum(x - in_zp); acc = acc * Q31(in_scale /
 *       out_scale); acc = acc / (H*W) rounded half away from zero; + out_zp; clamp.
 *   <li>uint8, same pattern (the optimized kernel): acc = sum(x) * Q31(in_scale / (H*W * out_scale)) (float) +
 *       out_zp - round_half_away(in_zp * in_scale / out_scale) (float, via +-0.5f and truncation); clamp.
 *   <li>otherwise, equal input and output scale and zero point: integer sum / count, truncated toward zero.
 *   <li>otherwise: float mean = sum / count; out = clamp(round_half_away(mean * s + (-in_zp * s)) + out_zp) with
 *       s = in_scale / out_scale, all in float.
 * </ol>
 * Float sums each output's elements in input order (row-major) and divides by the count, except a mean over only
 * the last axis given as rank-1, which TFLite 2.6.2 sums with Eigen's SSE reduction: see {@link #sseColumnSum}.
 */
final class MeanOp {
    private MeanOp() {}

    static Kernel create(PrepareContext ctx) {
        Checks.arity(ctx, 2, 2);
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        Checks.sameType(ctx, in, out, "input and output");
        int[] s = Checks.knownShape(ctx, 0);
        int rank = s.length;
        if (!ctx.isConstant(1)) throw ctx.unsupported("axes must be a constant tensor");
        DataType at = ctx.input(1).type();
        if (at != DataType.INT32 && at != DataType.INT64) throw ctx.invalid("axes must be int32, is " + at.lowerName());
        int[] rawAxes = ctx.constInts(1);
        ctx.markPacked(1);
        boolean keepDims = ctx.node().attrs().getBool(Ops.ATTR_KEEP_DIMS, false);
        boolean[] reduced = new boolean[rank];
        for (int a : rawAxes) reduced[Checks.axis(ctx, a, rank)] = true;
        int[] outShape;
        int[] keptShape = new int[rank]; // output shape with reduced dims as 1
        int n = 0;
        for (int i = 0; i < rank; i++) {
            keptShape[i] = reduced[i] ? 1 : s[i];
            if (!reduced[i]) n++;
        }
        if (keepDims) {
            outShape = keptShape.clone();
        } else {
            outShape = new int[n];
            for (int i = 0, k = 0; i < rank; i++) if (!reduced[i]) outShape[k++] = s[i];
        }
        ctx.setOutputShape(0, outShape);
        int outSize = Shapes.size(keptShape);
        int inSize = Shapes.size(s);
        int count = outSize == 0 ? 0 : inSize / outSize;
        // per input dim (padded to 6): stride into the output (0 along reduced dims)
        int[] dims = new int[Broadcast.MAX_RANK];
        int[] outStrides = new int[Broadcast.MAX_RANK];
        java.util.Arrays.fill(dims, 1);
        int[] ks = Shapes.strides(keptShape);
        for (int i = 0; i < rank; i++) {
            int p = Broadcast.MAX_RANK - rank + i;
            dims[p] = s[i];
            outStrides[p] = reduced[i] ? 0 : ks[i];
        }
        int ii = ctx.inputId(0), io = ctx.outputId(0);
        DataType t = in.type();
        switch (t) {
            case FLOAT32 -> {
                if (rawAxes.length == 1 && rawAxes[0] == rank - 1) {
                    // TFLite's optimized MeanGeneral: Eigen column sums over the contiguous last axis
                    return new MeanKernel(ctx.options().threads(), t, 5, dims, outStrides, outSize, count, ii, io, 0, 0, 0, 0, 0f, 0f);
                }
                ctx.requestScratch(DataType.Storage.FLOAT, outSize);
                return new MeanKernel(ctx.options().threads(), t, 0, dims, outStrides, outSize, count, ii, io, 0, 0, 0, 0, 0f, 0f);
            }
            case UINT8, INT8 -> {
                QuantParams qi = Checks.perTensor(ctx, in, "input"), qo = Checks.perTensor(ctx, out, "output");
                ctx.requestScratch(DataType.Storage.INT, outSize);
                boolean globalPool = keepDims && rank == 4 && rawAxes.length == 2
                        && ((rawAxes[0] == 1 && rawAxes[1] == 2) || (rawAxes[0] == 2 && rawAxes[1] == 1));
                if (globalPool && t == DataType.INT8) {
                    // zero point removed before the sum; rescale by in/out scale, then divide by the count rounding half away
                    int[] m = QuantMath.quantizeMultiplier((double) qi.scale() / (double) qo.scale());
                    return new MeanKernel(ctx.options().threads(), t, 4, dims, outStrides, outSize, count, ii, io, m[0], m[1], qi.zeroPoint(), qo.zeroPoint(), 0f, 0f);
                }
                if (globalPool) {
                    float numElements = (float) (s[1] * s[2]);
                    float temp = qi.zeroPoint() * qi.scale() / qo.scale();
                    temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
                    int bias = qo.zeroPoint() - (int) temp;
                    float realScale = qi.scale() / (numElements * qo.scale());
                    int[] m = QuantMath.quantizeMultiplier(realScale);
                    return new MeanKernel(ctx.options().threads(), t, 1, dims, outStrides, outSize, count, ii, io, m[0], m[1], bias, 0, 0f, 0f);
                }
                if (qi.zeroPoint() == qo.zeroPoint() && qi.scale() == qo.scale()) {
                    return new MeanKernel(ctx.options().threads(), t, 2, dims, outStrides, outSize, count, ii, io, 0, 0, 0, 0, 0f, 0f);
                }
                float scale = qi.scale() / qo.scale();
                float bias = -qi.zeroPoint() * scale;
                return new MeanKernel(ctx.options().threads(), t, 3, dims, outStrides, outSize, count, ii, io, 0, 0, 0, qo.zeroPoint(), scale, bias);
            }
            default -> throw ctx.unsupported("MEAN on " + t.lowerName() + " tensors is not supported");
        }
    }

    /**
     * The sum Eigen's vectorized reduction computes (SSE, 4 lanes) for n contiguous floats starting at element
     * {@code rel} of a tensor whose base is 16-byte aligned: scalars before the first 4-aligned element, two lane
     * accumulators over 8-element blocks, one more 4-block, the lanes folded as (l0 + l2) + (l1 + l3), then the
     * leading scalars and the tail added in order. Reproduces TFLite 2.6.2's float MEAN over the last axis.
     */
    static float sseColumnSum(float[] x, int base, int rel, int n) {
        int start = Math.min(n, (4 - (rel & 3)) & 3);
        int alignedSize = ((n - start) / 4) * 4;
        int p = base + rel;
        if (alignedSize == 0) {
            float r = x[p];
            for (int i = 1; i < n; i++) r += x[p + i];
            return r;
        }
        int end = start + alignedSize, end2 = start + ((n - start) / 8) * 8;
        float a0 = x[p + start], a1 = x[p + start + 1], a2 = x[p + start + 2], a3 = x[p + start + 3];
        if (alignedSize > 4) {
            float b0 = x[p + start + 4], b1 = x[p + start + 5], b2 = x[p + start + 6], b3 = x[p + start + 7];
            for (int i = start + 8; i < end2; i += 8) {
                a0 += x[p + i]; a1 += x[p + i + 1]; a2 += x[p + i + 2]; a3 += x[p + i + 3];
                b0 += x[p + i + 4]; b1 += x[p + i + 5]; b2 += x[p + i + 6]; b3 += x[p + i + 7];
            }
            a0 += b0; a1 += b1; a2 += b2; a3 += b3;
            if (end > end2) { a0 += x[p + end2]; a1 += x[p + end2 + 1]; a2 += x[p + end2 + 2]; a3 += x[p + end2 + 3]; }
        }
        float r = (a0 + a2) + (a1 + a3);
        for (int i = 0; i < start; i++) r += x[p + i];
        for (int i = end; i < n; i++) r += x[p + i];
        return r;
    }

    private static final class MeanKernel implements Kernel {
        final DataType type;
        final int path; // 0 float, 1 uint8 global pool, 2 equal params, 3 float requantize, 4 int8 global pool, 5 float last axis
        final int[] dims, outStrides;
        final int outSize, count, in, out, mult, shift, bias, outZp;
        final float scale, fbias;

        /**
         * Intra-op split, when the reduced dims are one block: the input is [outerN, count, innerN] and the output
         * [outerN, innerN]; part p does output columns [innerN*p/parts, ...) of every outer row (byInner) or outer
         * rows [outerN*p/parts, ...), each output summed in the same order as one thread does (count ascending).
         */
        final int parts, outerN, innerN;
        final boolean byInner;
        private final dev.octet.core.Parallel.Task task = this::part;

        MeanKernel(int threads, DataType type, int path, int[] dims, int[] outStrides, int outSize, int count, int in, int out,
                   int mult, int shift, int bias, int outZp, float scale, float fbias) {
            this.type = type; this.path = path; this.dims = dims; this.outStrides = outStrides; this.outSize = outSize;
            this.count = count; this.in = in; this.out = out; this.mult = mult; this.shift = shift; this.bias = bias;
            this.outZp = outZp; this.scale = scale; this.fbias = fbias;
            // kept* reduced* kept* (size-1 dims ignored)?
            int stage = 0;
            long o = 1, i = 1;
            boolean block = true;
            for (int d = 0; d < dims.length; d++) {
                if (dims[d] == 1) continue;
                boolean red = outStrides[d] == 0;
                if (stage == 0) { if (red) stage = 1; else o *= dims[d]; }
                else if (stage == 1) { if (!red) { stage = 2; i *= dims[d]; } }
                else { if (red) block = false; else i *= dims[d]; }
            }
            long items = (long) outSize * count;
            int p = path == 5 || count == 0 || !block ? 1 : ExecContext.partsFor(threads, items, 32768);
            boolean inner = i >= 16L * p;
            if (p > 1 && !inner && o < p) p = 1;
            this.parts = p;
            this.byInner = inner;
            this.outerN = (int) o;
            this.innerN = (int) i;
        }

        private void part(ExecContext ec, int p) {
            int o0 = 0, o1 = outerN, i0 = 0, i1 = innerN;
            if (byInner) { i0 = (int) ((long) innerN * p / parts); i1 = (int) ((long) innerN * (p + 1) / parts); }
            else { o0 = (int) ((long) outerN * p / parts); o1 = (int) ((long) outerN * (p + 1) / parts); }
            int ib = ec.offset(in), ob = ec.offset(out);
            if (type == DataType.FLOAT32) {
                float[] acc = ec.scratchFloats(), x = ec.floats(in), y = ec.floats(out);
                float c = (float) count;
                for (int o = o0; o < o1; o++) {
                    int a = o * innerN;
                    java.util.Arrays.fill(acc, a + i0, a + i1, 0f);
                    for (int r = 0, k = ib + o * count * innerN; r < count; r++, k += innerN) {
                        for (int i = i0; i < i1; i++) acc[a + i] += x[k + i];
                    }
                    for (int i = i0; i < i1; i++) y[ob + a + i] = acc[a + i] / c;
                }
                return;
            }
            int[] acc = ec.scratchInts();
            byte[] x = ec.bytes(in), y = ec.bytes(out);
            int mask = type == DataType.UINT8 ? 0xFF : -1;
            for (int o = o0; o < o1; o++) {
                int a = o * innerN;
                java.util.Arrays.fill(acc, a + i0, a + i1, 0);
                for (int r = 0, k = ib + o * count * innerN; r < count; r++, k += innerN) {
                    for (int i = i0; i < i1; i++) acc[a + i] += x[k + i] & mask;
                }
                for (int i = i0; i < i1; i++) y[ob + a + i] = (byte) requantize(acc[a + i]);
            }
        }

        @Override
        public String variant() { return parts > 1 ? "reference-split" + parts : "reference"; }

        /** The output code for one sum (paths 1-4). */
        private int requantize(int sum) {
            int qmin = type.minValue(), qmax = type.maxValue();
            return switch (path) {
                case 1 -> QuantMath.clamp(QuantMath.multiplyByQuantizedMultiplier(sum, mult, shift) + bias, qmin, qmax);
                case 2 -> sum / count;
                case 4 -> {
                    int v = QuantMath.multiplyByQuantizedMultiplier(sum - count * bias, mult, shift); // bias holds in_zp here
                    v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;
                    yield QuantMath.clamp(v + outZp, qmin, qmax);
                }
                default -> {
                    float mean = (float) sum / (float) count;
                    float v = QuantMath.roundHalfAway(mean * scale + fbias) + outZp;
                    v = Math.min(v, (float) qmax);
                    v = Math.max(v, (float) qmin);
                    yield (int) v;
                }
            };
        }

        @Override
        public void run(ExecContext ec) {
            if (parts > 1) {
                ec.parallelFor(parts, task);
                return;
            }
            int ib = ec.offset(in), ob = ec.offset(out);
            if (path == 5) {
                float[] x = ec.floats(in), y = ec.floats(out);
                float c = (float) count;
                for (int j = 0; j < outSize; j++) y[ob + j] = count == 0 ? Float.NaN : sseColumnSum(x, ib, j * count, count) / c;
                return;
            }
            // An empty input (count 0) leaves the output as the loops below would (they would add nothing), without
            // iterating over its other dimensions, which can be huge: [1, 100663300, 0, 10] (found by Jazzer).
            if (count == 0) return;
            if (type == DataType.FLOAT32) {
                float[] acc = ec.scratchFloats();
                java.util.Arrays.fill(acc, 0, outSize, 0f);
                float[] x = ec.floats(in);
                int k = ib;
                int[] d = dims, st = outStrides;
                for (int i0 = 0; i0 < d[0]; i0++)
                    for (int i1 = 0; i1 < d[1]; i1++)
                        for (int i2 = 0; i2 < d[2]; i2++)
                            for (int i3 = 0; i3 < d[3]; i3++)
                                for (int i4 = 0; i4 < d[4]; i4++) {
                                    int base = i0 * st[0] + i1 * st[1] + i2 * st[2] + i3 * st[3] + i4 * st[4];
                                    for (int i5 = 0; i5 < d[5]; i5++) acc[base + i5 * st[5]] += x[k++];
                                }
                float[] y = ec.floats(out);
                float c = (float) count;
                if (count > 0) for (int j = 0; j < outSize; j++) y[ob + j] = acc[j] / c;
                return;
            }
            int[] acc = ec.scratchInts();
            java.util.Arrays.fill(acc, 0, outSize, 0);
            byte[] x = ec.bytes(in);
            int mask = type == DataType.UINT8 ? 0xFF : -1;
            int k = ib;
            int[] d = dims, st = outStrides;
            for (int i0 = 0; i0 < d[0]; i0++)
                for (int i1 = 0; i1 < d[1]; i1++)
                    for (int i2 = 0; i2 < d[2]; i2++)
                        for (int i3 = 0; i3 < d[3]; i3++)
                            for (int i4 = 0; i4 < d[4]; i4++) {
                                int base = i0 * st[0] + i1 * st[1] + i2 * st[2] + i3 * st[3] + i4 * st[4];
                                for (int i5 = 0; i5 < d[5]; i5++) acc[base + i5 * st[5]] += x[k++] & mask;
                            }
            byte[] y = ec.bytes(out);
            int qmin = type.minValue(), qmax = type.maxValue();
            if (count == 0) return;
            for (int j = 0; j < outSize; j++) {
                int r;
                switch (path) {
                    case 1 -> r = QuantMath.clamp(QuantMath.multiplyByQuantizedMultiplier(acc[j], mult, shift) + bias, qmin, qmax);
                    case 2 -> r = acc[j] / count;
                    case 4 -> {
                        int v = QuantMath.multiplyByQuantizedMultiplier(acc[j] - count * bias, mult, shift); // bias holds in_zp here
                        v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;
                        r = QuantMath.clamp(v + outZp, qmin, qmax);
                    }
                    default -> {
                        float mean = (float) acc[j] / (float) count;
                        float v = QuantMath.roundHalfAway(mean * scale + fbias) + outZp;
                        v = Math.min(v, (float) qmax);
                        v = Math.max(v, (float) qmin);
                        r = (int) v;
                    }
                }
                y[ob + j] = (byte) r;
            }
        }
    }
}
