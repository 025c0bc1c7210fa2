package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.InvalidInputException;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.PrepareContext;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import java.util.Map;

/**
 * GATHER and STRIDED_SLICE with TFLite 2.6.2's semantics (element copies: quantized tensors are copied as they are,
 * as TFLite does). TFLite's SPLIT and SPLIT_V are lowered by the TFLite reader to the IR's SPLIT.
 */
final class IndexOps {
    private IndexOps() {}

    static void register(Map<String, KernelFactory> table) {
        table.put("GATHER", IndexOps::gather);
        table.put("STRIDED_SLICE", IndexOps::stridedSlice);
    }

    private static boolean copyable(DataType t) {
        return switch (t) {
            case FLOAT32, INT8, UINT8, INT16, INT32, INT64, BOOL -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- GATHER

    /**
     * GATHER(params, indices): output shape params[:axis] + indices[batch_dims:] + params[axis+1:];
     * out[b, o, i, j] = params[b, o, indices[b, i], j] with b over the batch_dims leading dims. Indices (int32 or
     * int64) may be computed at run time; one outside [0, params[axis]) is an InvalidInputException (TFLite 2.6.2
     * does not check and reads out of bounds).
     */
    static Kernel gather(PrepareContext ctx) {
        Checks.arity(ctx, 2, 2);
        TensorInfo params = ctx.input(0), idx = ctx.input(1), out = ctx.output(0);
        if (!copyable(params.type())) throw ctx.unsupported("params of type " + params.type().lowerName());
        Checks.sameType(ctx, params, out, "params and output");
        if (idx.type() != DataType.INT32 && idx.type() != DataType.INT64) throw ctx.invalid("indices must be int32 or int64, are " + idx.type().lowerName());
        int[] ps = Checks.knownShape(ctx, 0), is = Checks.knownShape(ctx, 1);
        var a = ctx.node().attrs();
        int axis = a.getInt("axis", 0), batchDims = a.getInt("batch_dims", 0);
        if (ps.length == 0) throw ctx.invalid("params must have rank >= 1");
        if (axis < 0) axis += ps.length;
        if (axis < 0 || axis >= ps.length) throw ctx.invalid("axis " + a.getInt("axis", 0) + " is out of range for params of rank " + ps.length);
        if (batchDims < 0) batchDims += is.length;
        if (batchDims < 0 || batchDims > is.length) throw ctx.invalid("batch_dims " + a.getInt("batch_dims", 0) + " is out of range for indices of rank " + is.length);
        if (batchDims > axis) throw ctx.invalid("batch_dims (" + batchDims + ") must be <= axis (" + axis + ")");
        for (int d = 0; d < batchDims; d++) {
            if (ps[d] != is[d]) throw ctx.invalid("params and indices differ in batch dimension " + d + ": " + Shapes.str(ps) + " vs " + Shapes.str(is));
        }
        int[] os = new int[axis + (is.length - batchDims) + (ps.length - axis - 1)];
        int k = 0;
        for (int d = 0; d < axis; d++) os[k++] = ps[d];
        for (int d = batchDims; d < is.length; d++) os[k++] = is[d];
        for (int d = axis + 1; d < ps.length; d++) os[k++] = ps[d];
        ctx.setOutputShape(0, os);
        int batch = 1, outer = 1, inner = 1, coords = 1;
        for (int d = 0; d < batchDims; d++) batch *= ps[d];
        for (int d = batchDims; d < axis; d++) outer *= ps[d];
        for (int d = axis + 1; d < ps.length; d++) inner *= ps[d];
        for (int d = batchDims; d < is.length; d++) coords *= is[d];
        return new Gather(ctx.node().describe(), ctx.inputId(0), ctx.inputId(1), ctx.outputId(0), params.type().storage(), idx.type() == DataType.INT64,
                batch, outer, ps[axis], inner, coords);
    }

    record Gather(String node, int params, int indices, int out, DataType.Storage storage, boolean longIdx, int batch, int outer, int axisSize,
                  int inner, int coords) implements Kernel {
        @Override
        public void run(ExecContext ec) {
            Object src = switch (storage) {
                case BYTE -> ec.bytes(params);
                case SHORT -> ec.shorts(params);
                case INT -> ec.ints(params);
                case LONG -> ec.longs(params);
                case FLOAT -> ec.floats(params);
            };
            Object dst = switch (storage) {
                case BYTE -> ec.bytes(out);
                case SHORT -> ec.shorts(out);
                case INT -> ec.ints(out);
                case LONG -> ec.longs(out);
                case FLOAT -> ec.floats(out);
            };
            int po = ec.offset(params), oo = ec.offset(out), io = ec.offset(indices);
            int[] ii = longIdx ? null : ec.ints(indices);
            long[] il = longIdx ? ec.longs(indices) : null;
            int o = oo;
            for (int b = 0; b < batch; b++) {
                for (int u = 0; u < outer; u++) {
                    int base = po + ((b * outer + u) * axisSize) * inner;
                    for (int c = 0; c < coords; c++) {
                        long v = longIdx ? il[io + b * coords + c] : ii[io + b * coords + c];
                        if (v < 0 || v >= axisSize) {
                            throw new InvalidInputException(node + ": index " + v + " is out of range [0, " + axisSize + ")");
                        }
                        System.arraycopy(src, base + (int) v * inner, dst, o, inner);
                        o += inner;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- STRIDED_SLICE

    /**
     * STRIDED_SLICE(input, begin, end, strides), all three constant 1-D int32 of the input's rank (at most 5), with
     * TFLite 2.6.2's strided_slice logic: begin_mask / end_mask replace the bound by the widest one for the stride's
     * direction; negative bounds count from the end; the stop is clamped to [0, dim] (positive stride) or [-1, dim-1]
     * (negative stride), and so is the start; shrink_axis_mask takes the single element at the start and drops the
     * dimension (TFLite 2.6.2 copies nothing there when that axis' stride is negative; Octet takes the element). ellipsis_mask
     * and new_axis_mask are refused, as TFLite 2.6.2 refuses them.
     */
    static Kernel stridedSlice(PrepareContext ctx) {
        Checks.arity(ctx, 4, 4);
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        if (!copyable(in.type())) throw ctx.unsupported("input of type " + in.type().lowerName());
        Checks.sameType(ctx, in, out, "input and output");
        int[] is = Checks.knownShape(ctx, 0);
        int r = is.length;
        if (r > 5) throw ctx.unsupported("input rank " + r + " (TFLite supports up to 5)");
        for (int i = 1; i <= 3; i++) {
            if (!ctx.isConstant(i)) throw ctx.unsupported("begin, end and strides must be constant tensors (input " + i + " is not)");
            if (ctx.input(i).type() != DataType.INT32) throw ctx.invalid("input " + i + " must be int32, is " + ctx.input(i).type().lowerName());
            if (ctx.input(i).rank() != 1 || ctx.input(i).dim(0) != r) {
                throw ctx.invalid("input " + i + " must be 1-D with " + r + " values, is " + Shapes.str(ctx.input(i).shape()));
            }
        }
        int[] begin = ctx.constInts(1), end = ctx.constInts(2), strides = ctx.constInts(3);
        for (int i = 1; i <= 3; i++) ctx.markPacked(i);
        var a = ctx.node().attrs();
        int beginMask = a.getInt("begin_mask", 0), endMask = a.getInt("end_mask", 0), shrink = a.getInt("shrink_axis_mask", 0);
        if (a.getInt("ellipsis_mask", 0) != 0) throw ctx.unsupported("ellipsis_mask is not supported (TFLite 2.6.2 does not implement it)");
        if (a.getInt("new_axis_mask", 0) != 0) throw ctx.unsupported("new_axis_mask is not supported (TFLite 2.6.2 does not implement it)");
        int[] full = new int[r], srcStride = new int[r];
        int[] st = Shapes.strides(is);
        int base = 0;
        int kept = 0;
        for (int d = 0; d < r; d++) if ((shrink & (1 << d)) == 0) kept++;
        int[] os = new int[kept];
        int k = 0;
        for (int d = 0; d < r; d++) {
            int stride = strides[d];
            if (stride == 0) throw ctx.invalid("stride " + d + " is 0");
            int dim = is[d];
            boolean shr = (shrink & (1 << d)) != 0;
            int start = startForAxis(begin[d], (beginMask >> d & 1) != 0, stride, dim);
            int n;
            if (shr) {
                n = dim == 0 ? 0 : 1; // the single element at start, whatever the stride
                if (n == 1 && (start < 0 || start >= dim)) {
                    throw ctx.invalid("shrink_axis on dimension " + d + " takes index " + begin[d] + ", outside the dimension's " + dim + " elements");
                }
            } else {
                int stop = stopForAxis(end[d], (endMask >> d & 1) != 0, stride, dim);
                n = dim == 0 ? 0 : (int) Math.ceil((stop - start) / (float) stride);
                if (n < 0) n = 0;
            }
            full[d] = n;
            srcStride[d] = st[d] * stride;
            if (n > 0) base += start * st[d];
            if (!shr) os[k++] = n;
        }
        ctx.setOutputShape(0, os);
        int total = Shapes.size(full);
        ctx.options().limits().checkTensorBytes(ctx.node().describe() + " index map", (long) total * 4);
        int[] map = total == 0 ? new int[0] : Shapes.stridedIndexMap(full, srcStride, base);
        return Gathers.of(ctx.options().threads(), ctx.inputId(0), new int[] {ctx.outputId(0)}, new int[][] {map}, in.type().storage());
    }

    /** TFLite's StartForAxis. */
    static int startForAxis(int begin, boolean masked, int stride, int dim) {
        if (dim == 0) return 0;
        long start = begin;
        if (masked) start = stride > 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        if (start < 0) start += dim;
        return (int) (stride > 0 ? Math.max(0, Math.min(dim, start)) : Math.max(-1, Math.min(dim - 1, start)));
    }

    /** TFLite's StopForAxis (without shrinking). */
    static int stopForAxis(int end, boolean masked, int stride, int dim) {
        if (dim == 0) return 0;
        long stop = end;
        if (masked) stop = stride > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        if (stop < 0) stop += dim;
        return (int) (stride > 0 ? Math.max(0, Math.min(dim, stop)) : Math.max(-1, Math.min(dim - 1, stop)));
    }
}
