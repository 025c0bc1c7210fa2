package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.Ops;
import dev.octet.core.Parallel;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import java.util.Arrays;

/** RESHAPE, SQUEEZE (element copies under a new shape), CONCATENATION, PAD and PADV2. */
final class ShapeOps {
    private ShapeOps() {}

    /** Attribute carrying TFLite's ReshapeOptions.new_shape when there is no shape input. */
    static final String ATTR_NEW_SHAPE = "new_shape";

    // ---------------------------------------------------------------- RESHAPE / SQUEEZE

    static Kernel reshape(PrepareContext ctx) {
        Checks.arity(ctx, 1, 2);
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        Checks.sameType(ctx, in, out, "input and output");
        int[] s = in.shape();
        if (!Shapes.isKnown(s)) throw ctx.unsupported("input has an unknown shape " + Shapes.str(s));
        int n = Shapes.size(s);
        int[] declared = out.shape();
        int[] target;
        if (declared.length > 0 && Shapes.isKnown(declared) && Shapes.size(declared) == n) {
            target = declared; // the file's output shape is authoritative
        } else {
            int[] requested = null;
            if (ctx.hasInput(1)) {
                if (!ctx.isConstant(1)) throw ctx.unsupported("a non-constant shape input needs a declared output shape");
                TensorInfo st = ctx.input(1);
                if (st.rank() > 1) throw ctx.invalid("shape input must be 1-D, is " + Shapes.str(st.shape()));
                requested = ctx.constInts(1);
                ctx.markPacked(1);
            } else {
                requested = ctx.node().attrs().getInts(ATTR_NEW_SHAPE, null);
            }
            if (requested == null) {
                if (declared.length == 0 && n == 1) requested = new int[0];
                else throw ctx.invalid("no shape input, no new_shape attribute and no usable declared output shape");
            }
            target = resolveShape(ctx, requested, n);
        }
        if (Shapes.size(target) != n) {
            throw ctx.invalid("cannot reshape " + Shapes.str(s) + " (" + n + " elements) to " + Shapes.str(target));
        }
        ctx.setOutputShape(0, target);
        return new CopyKernel(ctx.inputId(0), ctx.outputId(0), n, in.type().storage());
    }

    /** Fills in one -1 dimension; rejects other negatives, several -1 and sizes that do not divide. */
    static int[] resolveShape(PrepareContext ctx, int[] requested, int n) {
        int[] r = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < r.length; i++) {
            if (r[i] == -1) {
                if (unknown >= 0) throw ctx.invalid("shape " + Arrays.toString(requested) + " has more than one -1");
                unknown = i;
            } else if (r[i] < 0) {
                throw ctx.invalid("shape " + Arrays.toString(requested) + " has a negative dimension");
            } else {
                known *= r[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || n % known != 0) throw ctx.invalid("cannot infer the -1 in " + Arrays.toString(requested) + " for " + n + " elements");
            r[unknown] = (int) (n / known);
        } else if (known != n) {
            throw ctx.invalid("shape " + Arrays.toString(requested) + " holds " + known + " elements but the input has " + n);
        }
        return r;
    }

    static Kernel squeeze(PrepareContext ctx) {
        Checks.arity(ctx, 1, 1);
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        Checks.sameType(ctx, in, out, "input and output");
        int[] s = in.shape();
        if (!Shapes.isKnown(s)) throw ctx.unsupported("input has an unknown shape " + Shapes.str(s));
        int[] dims = ctx.node().attrs().getInts(Ops.ATTR_SQUEEZE_DIMS, new int[0]);
        boolean[] drop = new boolean[s.length];
        if (dims.length == 0) {
            for (int i = 0; i < s.length; i++) drop[i] = s[i] == 1;
        } else {
            for (int d : dims) {
                int a = Checks.axis(ctx, d, s.length);
                if (s[a] != 1) throw ctx.invalid("cannot squeeze dimension " + d + " of size " + s[a] + " in " + Shapes.str(s));
                drop[a] = true;
            }
        }
        int k = 0;
        for (boolean b : drop) if (!b) k++;
        int[] r = new int[k];
        for (int i = 0, j = 0; i < s.length; i++) if (!drop[i]) r[j++] = s[i];
        ctx.setOutputShape(0, r);
        return new CopyKernel(ctx.inputId(0), ctx.outputId(0), Shapes.size(s), in.type().storage());
    }

    private record CopyKernel(int in, int out, int n, DataType.Storage storage) implements Kernel {
        @Override
        public void run(ExecContext ec) {
            Object src = switch (storage) {
                case BYTE -> ec.bytes(in);
                case SHORT -> ec.shorts(in);
                case INT -> ec.ints(in);
                case LONG -> ec.longs(in);
                case FLOAT -> ec.floats(in);
            };
            Object dst = switch (storage) {
                case BYTE -> ec.bytes(out);
                case SHORT -> ec.shorts(out);
                case INT -> ec.ints(out);
                case LONG -> ec.longs(out);
                case FLOAT -> ec.floats(out);
            };
            int so = ec.offset(in), d = ec.offset(out);
            if (src == dst && so == d) return;
            System.arraycopy(src, so, dst, d, n);
        }

        @Override
        public String variant() { return "copy"; }
    }

    // ---------------------------------------------------------------- CONCATENATION

    static Kernel concat(PrepareContext ctx) {
        int n = ctx.inputCount();
        if (n < 1) throw ctx.invalid("needs at least one input");
        Checks.arity(ctx, n, n);
        TensorInfo out = ctx.output(0);
        TensorInfo first = ctx.input(0);
        int[] s0 = Checks.knownShape(ctx, 0);
        int rank = s0.length;
        if (rank == 0) throw ctx.invalid("cannot concatenate scalars");
        int axis = Checks.axis(ctx, ctx.node().attrs().getInt(Ops.ATTR_AXIS, 0), rank);
        int[] os = s0.clone();
        os[axis] = 0;
        int[] axisDims = new int[n];
        for (int i = 0; i < n; i++) {
            TensorInfo t = ctx.input(i);
            Checks.sameType(ctx, t, first, "input " + i + " and input 0");
            int[] s = Checks.knownShape(ctx, i);
            if (s.length != rank) throw ctx.invalid("input " + i + " has rank " + s.length + ", input 0 has rank " + rank);
            for (int d = 0; d < rank; d++) {
                if (d != axis && s[d] != s0[d]) throw ctx.invalid("input " + i + " shape " + Shapes.str(s) + " does not match " + Shapes.str(s0) + " outside axis " + axis);
            }
            axisDims[i] = s[axis];
            os[axis] += s[axis];
        }
        Checks.sameType(ctx, first, out, "inputs and output");
        ctx.setOutputShape(0, os);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= s0[d];
        for (int d = axis + 1; d < rank; d++) inner *= s0[d];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = ctx.inputId(i);
        String act = Checks.activation(ctx);
        DataType t = first.type();
        switch (t) {
            case FLOAT32 -> {
                float[] r = QuantMath.activationRangeFloat(act);
                return new ConcatKernel(ctx.options().threads(), t, ids, ctx.outputId(0), outer, inner, axisDims, null, null, 0, 0, 0, r[0], r[1]);
            }
            case UINT8, INT8 -> {
                QuantParams qo = Checks.perTensor(ctx, out, "output");
                float[] scales = new float[n];
                float[] biases = new float[n];
                boolean[] requant = new boolean[n];
                float inverseOut = 1.0f / qo.scale();
                for (int i = 0; i < n; i++) {
                    QuantParams qi = Checks.perTensor(ctx, ctx.input(i), "input " + i);
                    requant[i] = !(qi.zeroPoint() == qo.zeroPoint() && qi.scale() == qo.scale());
                    scales[i] = qi.scale() * inverseOut;
                    biases[i] = -qi.zeroPoint() * scales[i];
                }
                int[] r = QuantMath.activationRange(act, qo.scale(), qo.zeroPoint(), t.minValue(), t.maxValue());
                return new ConcatKernel(ctx.options().threads(), t, ids, ctx.outputId(0), outer, inner, axisDims, requant, new float[][] {scales, biases}, qo.zeroPoint(), r[0], r[1], 0, 0);
            }
            case INT32, INT64, INT16, BOOL -> {
                if (!act.equals("NONE") && t != DataType.INT32) throw ctx.unsupported("fused activation on " + t.lowerName() + " CONCATENATION");
                int[] r = Checks.activationRangeInt32(act);
                return new ConcatKernel(ctx.options().threads(), t, ids, ctx.outputId(0), outer, inner, axisDims, null, null, 0, r[0], r[1], 0, 0);
            }
            default -> throw ctx.unsupported("CONCATENATION on " + t.lowerName() + " tensors is not supported");
        }
    }

    private static final class ConcatKernel implements Kernel {
        static final int COPY = 0, BYTE_TABLE = 1, FLOAT_CLAMP = 3, INT_CLAMP = 4;
        /**
         * Per 8-bit input that is not a plain copy: its output code for each of the 256 input codes (index: the raw
         * byte &amp; 0xFF), computed at load with the requantization and clamps of {@link #code}.
         */
        final byte[][] tables;
        final DataType type;
        final DataType.Storage storage;
        final int[] ins, axisDims, rowLen, colStart, mode;
        final int out, outer, inner, outRow, outZp, lo, hi;
        final boolean[] requant;
        final float[][] sb;
        final float flo, fhi;
        /** True when every input is a plain copy: rows are then copied row-major (the output written in order). */
        final boolean allCopy;
        /**
         * Parts across the intra-op threads. With many rows (outer >= 4 per part) a part copies whole output
         * rows [outer*p/parts, outer*(p+1)/parts); otherwise it copies the same slice of every input row. Either
         * way each output element gets the same arithmetic as with one part.
         */
        final int parts;
        final boolean byRows;
        private final Parallel.Task task = this::part;

        ConcatKernel(int threads, DataType type, int[] ins, int out, int outer, int inner, int[] axisDims, boolean[] requant, float[][] sb,
                     int outZp, int lo, int hi, float flo, float fhi) {
            this.type = type; this.ins = ins; this.out = out; this.outer = outer; this.inner = inner; this.axisDims = axisDims;
            this.requant = requant; this.sb = sb; this.outZp = outZp; this.lo = lo; this.hi = hi; this.flo = flo; this.fhi = fhi;
            this.storage = type.storage();
            int n = ins.length;
            rowLen = new int[n];
            colStart = new int[n];
            mode = new int[n];
            int c = 0;
            boolean all = true;
            for (int i = 0; i < n; i++) {
                rowLen[i] = axisDims[i] * inner;
                colStart[i] = c;
                c += rowLen[i];
                mode[i] = switch (type) {
                    case FLOAT32 -> flo == Float.NEGATIVE_INFINITY && fhi == Float.POSITIVE_INFINITY ? COPY : FLOAT_CLAMP;
                    case UINT8, INT8 -> requant[i] || lo > type.minValue() || hi < type.maxValue() ? BYTE_TABLE : COPY;
                    case INT32 -> lo == Integer.MIN_VALUE && hi == Integer.MAX_VALUE ? COPY : INT_CLAMP;
                    default -> COPY;
                };
                all &= mode[i] == COPY;
            }
            this.outRow = c;
            this.allCopy = all;
            this.tables = new byte[n][];
            for (int i = 0; i < n; i++) {
                if (mode[i] != BYTE_TABLE) continue;
                int input = i;
                tables[i] = Unary.byteTable(type, q -> code(input, q));
            }
            long total = (long) outer * c;
            this.parts = ExecContext.partsFor(threads, total, 16384);
            this.byRows = outer >= 4L * parts;
        }

        @Override
        public void run(ExecContext ec) {
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            int k0 = 0, k1 = outer;
            if (byRows) {
                k0 = (int) ((long) outer * p / parts);
                k1 = (int) ((long) outer * (p + 1) / parts);
            }
            Object y = Copies.array(ec, out, storage);
            int ob = ec.offset(out);
            if (allCopy && byRows) {
                // row-major: the output is written in order
                int n = ins.length;
                for (int k = k0; k < k1; k++) {
                    int dst = ob + k * outRow;
                    for (int i = 0; i < n; i++) {
                        int len = rowLen[i];
                        Copies.any(Copies.array(ec, ins[i], storage), ec.offset(ins[i]) + k * len, y, dst, len);
                        dst += len;
                    }
                }
                return;
            }
            for (int i = 0; i < ins.length; i++) {
                int full = rowLen[i];
                int e0 = 0, e1 = full;
                if (!byRows) {
                    e0 = (int) ((long) full * p / parts);
                    e1 = (int) ((long) full * (p + 1) / parts);
                }
                int len = e1 - e0;
                if (len == 0) continue;
                Object x = Copies.array(ec, ins[i], storage);
                int src = ec.offset(ins[i]) + k0 * full + e0, dst = ob + k0 * outRow + colStart[i] + e0;
                switch (mode[i]) {
                    case COPY -> {
                        if (len == full && full == outRow) Copies.any(x, src, y, dst, len * (k1 - k0));
                        else for (int k = k0; k < k1; k++, src += full, dst += outRow) Copies.any(x, src, y, dst, len);
                    }
                    case BYTE_TABLE -> {
                        byte[] xb = (byte[]) x, yb = (byte[]) y, tb = tables[i];
                        for (int k = k0; k < k1; k++, src += full, dst += outRow) {
                            for (int e = 0; e < len; e++) yb[dst + e] = tb[xb[src + e] & 0xFF];
                        }
                    }
                    case FLOAT_CLAMP -> {
                        float[] xf = (float[]) x, yf = (float[]) y;
                        for (int k = k0; k < k1; k++, src += full, dst += outRow) {
                            for (int e = 0; e < len; e++) {
                                float v = xf[src + e];
                                v = v < flo ? flo : v;
                                yf[dst + e] = fhi < v ? fhi : v;
                            }
                        }
                    }
                    default -> {
                        int[] xi = (int[]) x, yi = (int[]) y;
                        for (int k = k0; k < k1; k++, src += full, dst += outRow) {
                            for (int e = 0; e < len; e++) yi[dst + e] = QuantMath.clamp(xi[src + e], lo, hi);
                        }
                    }
                }
            }
        }

        /**
         * The output code of 8-bit input i for input code q: TFLite's requantizing concatenation
         * round_half_away(q * scale + bias) + zp saturated to the type (when input i's parameters differ from the
         * output's), then the activation clamp.
         */
        private int code(int i, int q) {
            int v = q;
            if (requant[i]) {
                v = (int) QuantMath.roundHalfAway(q * sb[0][i] + sb[1][i]) + outZp;
                v = QuantMath.clamp(v, type.minValue(), type.maxValue());
            }
            return QuantMath.clamp(v, lo, hi);
        }

        @Override
        public String variant() { return byRows ? "reference-rows" : "reference-slices"; }
    }

    // ---------------------------------------------------------------- PAD / PADV2

    static Kernel pad(PrepareContext ctx, boolean v2) {
        Checks.arity(ctx, 2, v2 ? 3 : 2);
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        Checks.sameType(ctx, in, out, "input and output");
        int[] s = Checks.knownShape(ctx, 0);
        int rank = s.length;
        if (!ctx.isConstant(1)) throw ctx.unsupported("paddings must be a constant tensor");
        TensorInfo pt = ctx.input(1);
        if (pt.type() != DataType.INT32 && pt.type() != DataType.INT64) throw ctx.invalid("paddings must be int32 or int64, is " + pt.type().lowerName());
        int[] pshape = pt.shape();
        if (pshape.length != 2 || pshape[0] != rank || pshape[1] != 2) {
            throw ctx.invalid("paddings must have shape [" + rank + ", 2], has " + Shapes.str(pshape));
        }
        int[] p = ctx.constInts(1);
        ctx.markPacked(1);
        int[] before = new int[rank], os = new int[rank];
        for (int i = 0; i < rank; i++) {
            int lo = p[2 * i], hi = p[2 * i + 1];
            if (lo < 0 || hi < 0) throw ctx.invalid("negative paddings are not supported: " + Arrays.toString(p));
            long d = (long) s[i] + lo + hi;
            if (d > Integer.MAX_VALUE) throw ctx.invalid("padded dimension " + i + " is too large");
            before[i] = lo;
            os[i] = (int) d;
        }
        ctx.setOutputShape(0, os);
        DataType t = in.type();
        boolean hasValue = v2 && ctx.hasInput(2);
        if (hasValue) {
            if (!ctx.isConstant(2)) throw ctx.unsupported("constant_values must be a constant tensor");
            TensorInfo cv = ctx.input(2);
            Checks.sameType(ctx, cv, in, "constant_values and input");
            if (cv.size() != 1) throw ctx.invalid("constant_values must hold one element, has " + cv.size());
        }
        long padBits; // the fill value: float bits, int value, or raw byte
        switch (t) {
            case FLOAT32 -> padBits = hasValue ? Float.floatToRawIntBits(ctx.constFloats(2)[0]) : Float.floatToRawIntBits(0f);
            case INT32, INT64 -> padBits = hasValue ? ctx.constLongs(2)[0] : 0;
            case UINT8, INT8 -> {
                Checks.perTensor(ctx, in, "input");
                QuantParams qo = Checks.perTensor(ctx, out, "output");
                if (hasValue) {
                    QuantParams qc = ctx.input(2).quant();
                    if (!qc.isNone() && (qc.zeroPoint() != qo.zeroPoint() || qc.scale() != qo.scale())) {
                        throw ctx.invalid("quantized constant_values must have the output's scale and zero point");
                    }
                    padBits = ctx.constBytes(2)[0];
                } else {
                    padBits = qo.zeroPoint();
                }
            }
            default -> throw ctx.unsupported(ctx.node().opType() + " on " + t.lowerName() + " tensors is not supported");
        }
        if (hasValue) ctx.markPacked(2);
        return new PadKernel(t, s, os, before, ctx.inputId(0), ctx.outputId(0), padBits);
    }

    private static final class PadKernel implements Kernel {
        final DataType type;
        final int[] inShape, inStrides, outStrides, before;
        final int in, out, inSize, outSize, rows, rowLen;
        final long padBits;

        PadKernel(DataType type, int[] inShape, int[] outShape, int[] before, int in, int out, long padBits) {
            this.type = type; this.inShape = inShape; this.before = before; this.in = in; this.out = out; this.padBits = padBits;
            this.inStrides = Shapes.strides(inShape);
            this.outStrides = Shapes.strides(outShape);
            this.inSize = Shapes.size(inShape);
            this.outSize = Shapes.size(outShape);
            this.rowLen = inShape.length == 0 ? 1 : inShape[inShape.length - 1];
            this.rows = rowLen == 0 ? 0 : inSize / rowLen;
        }

        @Override
        public void run(ExecContext ec) {
            int ib = ec.offset(in), ob = ec.offset(out);
            Object x, y;
            switch (type) {
                case FLOAT32 -> { y = ec.floats(out); x = ec.floats(in); Arrays.fill((float[]) y, ob, ob + outSize, Float.intBitsToFloat((int) padBits)); }
                case INT32 -> { y = ec.ints(out); x = ec.ints(in); Arrays.fill((int[]) y, ob, ob + outSize, (int) padBits); }
                case INT64 -> { y = ec.longs(out); x = ec.longs(in); Arrays.fill((long[]) y, ob, ob + outSize, padBits); }
                default -> { y = ec.bytes(out); x = ec.bytes(in); Arrays.fill((byte[]) y, ob, ob + outSize, (byte) padBits); }
            }
            int rank = inShape.length;
            for (int r = 0; r < rows; r++) {
                // input row r -> coordinates of its first element -> output offset
                int rem = r * rowLen, dst = ob;
                for (int d = 0; d < rank; d++) {
                    int c = rem / inStrides[d];
                    rem -= c * inStrides[d];
                    dst += (c + before[d]) * outStrides[d];
                }
                System.arraycopy(x, ib + r * rowLen, y, dst, rowLen);
            }
        }
    }
}
