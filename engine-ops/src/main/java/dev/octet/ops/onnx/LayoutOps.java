package dev.octet.ops.onnx;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.PrepareContext;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import dev.octet.core.Parallel;
import dev.octet.ops.reference.Copies;
import dev.octet.ops.reference.Gathers;

/**
 * Data movement: TRANSPOSE, SPLIT, SLICE, IDENTITY and RESIZE. Every one of them except linear RESIZE is a
 * gather (output element i = input element map[i]); the index maps are computed once at prepare time, so
 * the kernels work for every element type.
 */
final class LayoutOps {
    private LayoutOps() {}

    /** The gather kernel out[j][i] = in[maps[j][i]] ({@link Gathers}: run copies or element gathers, split across threads). */
    static Kernel gather(PrepareContext ctx, int input, int[] outputs, int[][] maps, DataType.Storage storage) {
        return Gathers.of(ctx.options().threads(), input, outputs, maps, storage);
    }

    static final int MIN_PART = Gathers.MIN_PART, MIN_RUN = Gathers.MIN_RUN;

    private static TensorInfo in0(PrepareContext ctx) {
        if (ctx.inputCount() < 1 || !ctx.hasInput(0)) throw ctx.invalid("needs an input tensor");
        TensorInfo t = ctx.input(0);
        if (!Shapes.isKnown(t.shape())) throw ctx.invalid("input shape " + Shapes.str(t.shape()) + " is not known");
        return t;
    }

    /** Checks an output against the resource limits before anything is allocated (index maps: {@link #reserveMap}). */
    private static void checkOut(PrepareContext ctx, int[] shape, TensorInfo in) {
        long n = 1;
        for (int d : shape) n *= Math.max(0, d);
        ctx.options().limits().checkTensorBytes(ctx.node().describe() + " output", n * in.type().byteSize());
    }

    private static void sameType(PrepareContext ctx, TensorInfo in, int out) {
        if (ctx.output(out).type() != in.type()) {
            throw ctx.invalid("output " + out + " is " + ctx.output(out).type().lowerName() + " but the input is " + in.type().lowerName());
        }
    }

    static Kernel transpose(PrepareContext ctx) {
        TensorInfo in = in0(ctx);
        sameType(ctx, in, 0);
        int r = in.rank();
        int[] perm = ctx.node().attrs().getInts(OnnxOps.ATTR_PERM, null);
        if (perm == null && ctx.inputCount() > 1 && ctx.hasInput(1)) {
            // TFLite TRANSPOSE: the permutation is input 1
            if (!ctx.isConstant(1)) throw ctx.unsupported("a permutation (input 1) that is not a constant");
            perm = ctx.constInts(1);
            ctx.markPacked(1);
        }
        if (perm == null) { perm = new int[r]; for (int i = 0; i < r; i++) perm[i] = r - 1 - i; }
        if (perm.length != r) throw ctx.invalid("perm " + Shapes.str(perm) + " does not match the input rank " + r);
        boolean[] seen = new boolean[r];
        for (int p : perm) {
            if (p < 0 || p >= r || seen[p]) throw ctx.invalid("perm " + Shapes.str(perm) + " is not a permutation of 0.." + (r - 1));
            seen[p] = true;
        }
        int[] ish = in.shape(), ist = Shapes.strides(ish);
        int[] osh = new int[r], ostrideIn = new int[r];
        for (int i = 0; i < r; i++) { osh[i] = ish[perm[i]]; ostrideIn[i] = ist[perm[i]]; }
        ctx.setOutputShape(0, osh);
        checkOut(ctx, osh, in);
        int[] bjik = blockedTranspose(ish, perm);
        if (bjik != null && bjik[3] < MIN_RUN) {
            return new TransposeKernel(ctx.options().threads(), ctx.inputId(0), ctx.outputId(0), in.type().storage(), bjik[0], bjik[1], bjik[2], bjik[3]);
        }
        int[] map = stridedMap(ctx, osh, ostrideIn, 0);
        return gather(ctx, ctx.inputId(0), new int[] {ctx.outputId(0)}, new int[][] {map}, in.type().storage());
    }

    /**
     * Reduces a transpose to a batched 2-D one: drops size-1 dims and merges input dims that stay adjacent under
     * the permutation; when what is left is in [B, J, I, K] -> out [B, I, J, K] (B and K possibly 1) returns
     * {B, J, I, K}, else null.
     */
    static int[] blockedTranspose(int[] shape, int[] perm) {
        int r = shape.length;
        // kept dims (size > 1), renumbered in input order
        int[] newIdx = new int[r];
        int k = 0;
        for (int d = 0; d < r; d++) newIdx[d] = shape[d] == 1 ? -1 : k++;
        int[] sh = new int[k], pm = new int[k];
        for (int d = 0; d < r; d++) if (newIdx[d] >= 0) sh[newIdx[d]] = shape[d];
        int q = 0;
        for (int p : perm) if (newIdx[p] >= 0) pm[q++] = newIdx[p];
        // merge runs of the permutation that are consecutive input dims: groups in output order
        int[] gStart = new int[k], gLen = new int[k];
        int g = 0;
        for (int i = 0; i < k; i++) {
            if (i > 0 && pm[i] == pm[i - 1] + 1) gLen[g - 1]++;
            else { gStart[g] = pm[i]; gLen[g] = 1; g++; }
        }
        // group sizes, and each group's rank in input order
        long[] gSize = new long[g];
        for (int i = 0; i < g; i++) { gSize[i] = 1; for (int d = gStart[i]; d < gStart[i] + gLen[i]; d++) gSize[i] *= sh[d]; }
        int[] inOrder = new int[g];
        for (int i = 0; i < g; i++) { int rank = 0; for (int o = 0; o < g; o++) if (gStart[o] < gStart[i]) rank++; inOrder[i] = rank; }
        // output group order as input ranks: [b] j i [k] must read as (b) (i) (j) (k) = 0 2 1 3 / 1 0 / 0 2 1 / 1 0 2
        long b = 1, kk = 1, jd, id;
        int[] o = inOrder;
        if (g == 2 && o[0] == 1 && o[1] == 0) { id = gSize[0]; jd = gSize[1]; }
        else if (g == 3 && o[0] == 0 && o[1] == 2 && o[2] == 1) { b = gSize[0]; id = gSize[1]; jd = gSize[2]; }
        else if (g == 3 && o[0] == 1 && o[1] == 0 && o[2] == 2) { id = gSize[0]; jd = gSize[1]; kk = gSize[2]; }
        else if (g == 4 && o[0] == 0 && o[1] == 2 && o[2] == 1 && o[3] == 3) { b = gSize[0]; id = gSize[1]; jd = gSize[2]; kk = gSize[3]; }
        else return null;
        return new int[] {(int) b, (int) jd, (int) id, (int) kk};
    }

    /**
     * Batched 2-D transpose in cache tiles: input [B][J][I][K] to output [B][I][J][K]. Work units are
     * (batch, block of TILE output rows i); part p takes units [units*p/parts, units*(p+1)/parts). A copy: the
     * same bytes for any split.
     */
    static final class TransposeKernel implements Kernel {
        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        static final int TILE = 32;
        /** Few input rows (j): blocks of WIDE output rows, each input row read along the block in turn. */
        static final int WIDE = 1024, FEW = 16;
        /** Tiled path: the j tiles of a (batch, i block) unit are cut into jChunks ranges when there are few units. */
        final int in, out, b, j, i, k, iTile, iBlocks, jTiles, jChunks, units, parts;
        final DataType.Storage storage;
        private final Parallel.Task task = this::part;

        TransposeKernel(int threads, int in, int out, DataType.Storage storage, int b, int j, int i, int k) {
            this.in = in; this.out = out; this.storage = storage; this.b = b; this.j = j; this.i = i; this.k = k;
            this.iTile = k == 1 && j <= FEW ? WIDE : TILE;
            this.iBlocks = (i + iTile - 1) / iTile;
            this.jTiles = (j + TILE - 1) / TILE;
            int p = ExecContext.partsFor(threads, (long) b * j * i * k, MIN_PART);
            long bi = (long) b * iBlocks;
            this.jChunks = iTile == WIDE || bi >= 4L * p ? 1 : (int) Math.max(1, Math.min(jTiles, (4L * p + bi - 1) / bi));
            this.units = (int) (bi * jChunks);
            this.parts = Math.max(1, Math.min(p, units));
        }

        @Override
        public void run(ExecContext ec) {
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            int u0 = (int) ((long) units * p / parts), u1 = (int) ((long) units * (p + 1) / parts);
            Object x = Copies.array(ec, in, storage), y = Copies.array(ec, out, storage);
            int xo = ec.offset(in), yo = ec.offset(out);
            for (int u = u0; u < u1; u++) {
                int jc = u % jChunks, ub = u / jChunks;
                int bb = ub / iBlocks, i0 = (ub % iBlocks) * iTile, i1 = Math.min(i, i0 + iTile);
                int xb = xo + bb * j * i * k, yb = yo + bb * i * j * k;
                if (iTile == WIDE) {
                    switch (storage) {
                        case BYTE -> rows((byte[]) x, xb, (byte[]) y, yb, i0, i1);
                        case FLOAT -> rows((float[]) x, xb, (float[]) y, yb, i0, i1);
                        case INT -> tile((int[]) x, xb, (int[]) y, yb, i0, i1, 0, j);
                        case SHORT -> tile((short[]) x, xb, (short[]) y, yb, i0, i1, 0, j);
                        case LONG -> tile((long[]) x, xb, (long[]) y, yb, i0, i1, 0, j);
                    }
                    continue;
                }
                int jEnd = Math.min(j, (int) ((long) jTiles * (jc + 1) / jChunks) * TILE);
                for (int j0 = (int) ((long) jTiles * jc / jChunks) * TILE; j0 < jEnd; j0 += TILE) {
                    int j1 = Math.min(jEnd, j0 + TILE);
                    if (k == 1) {
                        switch (storage) {
                            case BYTE -> tile((byte[]) x, xb, (byte[]) y, yb, i0, i1, j0, j1);
                            case FLOAT -> tile((float[]) x, xb, (float[]) y, yb, i0, i1, j0, j1);
                            case INT -> tile((int[]) x, xb, (int[]) y, yb, i0, i1, j0, j1);
                            case SHORT -> tile((short[]) x, xb, (short[]) y, yb, i0, i1, j0, j1);
                            case LONG -> tile((long[]) x, xb, (long[]) y, yb, i0, i1, j0, j1);
                        }
                    } else {
                        for (int ii = i0; ii < i1; ii++) {
                            for (int jj = j0; jj < j1; jj++) System.arraycopy(x, xb + (jj * i + ii) * k, y, yb + (ii * j + jj) * k, k);
                        }
                    }
                }
            }
        }

        private void rows(byte[] x, int xb, byte[] y, int yb, int i0, int i1) {
            if (j == 3) {
                // three planes (RGB): one output row of three bytes per step
                int s0 = xb, s1 = xb + i, s2 = xb + 2 * i;
                for (int ii = i0, d = yb + i0 * 3; ii < i1; ii++, d += 3) {
                    y[d] = x[s0 + ii];
                    y[d + 1] = x[s1 + ii];
                    y[d + 2] = x[s2 + ii];
                }
                return;
            }
            if ((j & 7) == 0) {
                // eight input rows at a time packed into one little-endian long per output row
                for (int g = 0; g < j; g += 8) {
                    int s = xb + g * i;
                    for (int ii = i0, d = yb + i0 * j + g; ii < i1; ii++, d += j) {
                        long v = 0;
                        for (int t = 0, q = s + ii; t < 8; t++, q += i) v |= (x[q] & 0xFFL) << (8 * t);
                        LONGS.set(y, d, v);
                    }
                }
                return;
            }
            for (int jj = 0; jj < j; jj++) {
                int s = xb + jj * i;
                for (int ii = i0, d = yb + i0 * j + jj; ii < i1; ii++, d += j) y[d] = x[s + ii];
            }
        }

        private void rows(float[] x, int xb, float[] y, int yb, int i0, int i1) {
            for (int jj = 0; jj < j; jj++) {
                int s = xb + jj * i;
                for (int ii = i0, d = yb + i0 * j + jj; ii < i1; ii++, d += j) y[d] = x[s + ii];
            }
        }

        private void tile(byte[] x, int xb, byte[] y, int yb, int i0, int i1, int j0, int j1) {
            for (int ii = i0; ii < i1; ii++) {
                int d = yb + ii * j;
                for (int jj = j0; jj < j1; jj++) y[d + jj] = x[xb + jj * i + ii];
            }
        }

        private void tile(float[] x, int xb, float[] y, int yb, int i0, int i1, int j0, int j1) {
            for (int ii = i0; ii < i1; ii++) {
                int d = yb + ii * j;
                for (int jj = j0; jj < j1; jj++) y[d + jj] = x[xb + jj * i + ii];
            }
        }

        private void tile(int[] x, int xb, int[] y, int yb, int i0, int i1, int j0, int j1) {
            for (int ii = i0; ii < i1; ii++) {
                int d = yb + ii * j;
                for (int jj = j0; jj < j1; jj++) y[d + jj] = x[xb + jj * i + ii];
            }
        }

        private void tile(short[] x, int xb, short[] y, int yb, int i0, int i1, int j0, int j1) {
            for (int ii = i0; ii < i1; ii++) {
                int d = yb + ii * j;
                for (int jj = j0; jj < j1; jj++) y[d + jj] = x[xb + jj * i + ii];
            }
        }

        private void tile(long[] x, int xb, long[] y, int yb, int i0, int i1, int j0, int j1) {
            for (int ii = i0; ii < i1; ii++) {
                int d = yb + ii * j;
                for (int jj = j0; jj < j1; jj++) y[d + jj] = x[xb + jj * i + ii];
            }
        }

        @Override
        public String variant() { return "reference-tiled" + (k == 1 ? "" : "-k" + k); }
    }

    /** Map for an output of shape osh where moving one step along dim i moves srcStride[i] in the input. */
    static int[] stridedMap(int[] osh, int[] srcStride, int base) { return Shapes.stridedIndexMap(osh, srcStride, base); }

    /** {@link #stridedMap(int[], int[], int)} after reserving its memory against the model's {@code Limits}. */
    static int[] stridedMap(PrepareContext ctx, int[] osh, int[] srcStride, int base) {
        reserveMap(ctx, Shapes.size(osh));
        return stridedMap(osh, srcStride, base);
    }

    /** Reserves an int index table of n entries (one per output element) against the model's {@code Limits}. */
    static void reserveMap(PrepareContext ctx, long n) { ctx.reserveTable("index table (" + n + " entries)", 4L * n); }

    static Kernel split(PrepareContext ctx) {
        TensorInfo in = in0(ctx);
        int r = in.rank();
        Attributes a = ctx.node().attrs();
        int axis = a.getInt(dev.octet.core.Ops.ATTR_AXIS, 0);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) throw ctx.invalid("axis out of range for rank " + r);
        int n = ctx.outputCount();
        int[] sizes = a.getInts(OnnxOps.ATTR_SPLIT, null);
        int[] ish = in.shape();
        if (sizes == null) {
            if (ish[axis] % n != 0) throw ctx.invalid("cannot split dim " + ish[axis] + " into " + n + " equal parts");
            sizes = new int[n];
            java.util.Arrays.fill(sizes, ish[axis] / n);
        }
        if (sizes.length != n) throw ctx.invalid(sizes.length + " split sizes for " + n + " outputs");
        long total = 0;
        for (int s : sizes) { if (s < 0) throw ctx.invalid("negative split size"); total += s; }
        if (total != ish[axis]) throw ctx.invalid("split sizes " + Shapes.str(sizes) + " do not add up to dim " + ish[axis]);
        int[] ist = Shapes.strides(ish);
        int[][] maps = new int[n][];
        int[] outs = new int[n];
        int start = 0;
        for (int j = 0; j < n; j++) {
            sameType(ctx, in, j);
            int[] osh = ish.clone();
            osh[axis] = sizes[j];
            ctx.setOutputShape(j, osh);
            checkOut(ctx, osh, in);
            maps[j] = stridedMap(ctx, osh, ist, start * ist[axis]);
            outs[j] = ctx.outputId(j);
            start += sizes[j];
        }
        return gather(ctx, ctx.inputId(0), outs, maps, in.type().storage());
    }

    static Kernel slice(PrepareContext ctx) {
        TensorInfo in = in0(ctx);
        sameType(ctx, in, 0);
        int r = in.rank();
        Attributes a = ctx.node().attrs();
        int[] starts = a.getInts(OnnxOps.ATTR_STARTS, null), ends = a.getInts(OnnxOps.ATTR_ENDS, null), steps = a.getInts(OnnxOps.ATTR_STEPS, null);
        if (starts == null && ends == null && ctx.inputCount() == 3) {
            // TFLite SLICE: begin (input 1) and size (input 2, -1 = to the end), both constant, in range
            if (!ctx.isConstant(1) || !ctx.isConstant(2)) throw ctx.unsupported("begin and size (inputs 1, 2) that are not constants");
            int[] begin = ctx.constInts(1), size = ctx.constInts(2);
            ctx.markPacked(1);
            ctx.markPacked(2);
            if (begin.length != r || size.length != r) throw ctx.invalid("begin and size need " + r + " values each, got " + begin.length + " and " + size.length);
            int[] ish = in.shape();
            starts = new int[r];
            ends = new int[r];
            for (int d = 0; d < r; d++) {
                long end = size[d] == -1 ? ish[d] : (long) begin[d] + size[d];
                if (begin[d] < 0 || size[d] < -1 || end > ish[d]) {
                    throw ctx.invalid("slice begin " + begin[d] + " size " + size[d] + " is outside dim " + d + " of size " + ish[d]);
                }
                starts[d] = begin[d];
                ends[d] = (int) end;
            }
        }
        if (starts == null || ends == null || starts.length != r || ends.length != r || (steps != null && steps.length != r)) {
            throw ctx.invalid("needs starts and ends (and optional steps) with one value per input dim (" + r + ")");
        }
        int[] ish = in.shape(), ist = Shapes.strides(ish);
        int[] osh = new int[r], srcStride = new int[r];
        int base = 0;
        for (int d = 0; d < r; d++) {
            int step = steps == null ? 1 : steps[d];
            if (step == 0) throw ctx.invalid("slice step 0 on dim " + d);
            int[] sc = OnnxOps.sliceRange(ish[d], starts[d], ends[d], step);
            osh[d] = sc[1];
            srcStride[d] = ist[d] * step;
            if (sc[1] > 0) base += sc[0] * ist[d];
        }
        ctx.setOutputShape(0, osh);
        checkOut(ctx, osh, in);
        int[] map = Shapes.size(osh) == 0 ? new int[0] : stridedMap(ctx, osh, srcStride, base);
        return gather(ctx, ctx.inputId(0), new int[] {ctx.outputId(0)}, new int[][] {map}, in.type().storage());
    }

    static Kernel identity(PrepareContext ctx) {
        TensorInfo in = in0(ctx);
        sameType(ctx, in, 0);
        ctx.setOutputShape(0, in.shape());
        checkOut(ctx, in.shape(), in);
        int n = in.size();
        reserveMap(ctx, n);
        int[] map = new int[n];
        for (int i = 0; i < n; i++) map[i] = i;
        return gather(ctx, ctx.inputId(0), new int[] {ctx.outputId(0)}, new int[][] {map}, in.type().storage());
    }

    // ---------------------------------------------------------------- RESIZE

    /** ONNX coordinate transformation: output coordinate x to input coordinate. */
    static double originalCoord(String mode, int x, float scale, int outLen, int inLen) {
        return switch (mode) {
            case "half_pixel" -> (x + 0.5) / scale - 0.5;
            case "pytorch_half_pixel" -> outLen > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
            case "align_corners" -> outLen == 1 ? 0.0 : x * (double) (inLen - 1) / (outLen - 1);
            case "asymmetric" -> x / (double) scale;
            case "tf_half_pixel_for_nn" -> (x + 0.5) / scale;
            case "half_pixel_symmetric" -> {
                double adj = (double) outLen / (scale * inLen);
                double center = inLen / 2.0;
                double offset = center * (1 - adj);
                yield offset + (x + 0.5) / scale - 0.5;
            }
            default -> throw new IllegalArgumentException("coordinate_transformation_mode '" + mode + "' is not supported");
        };
    }

    static int nearest(String mode, double c, int inLen) {
        int i = switch (mode) {
            case "round_prefer_floor" -> (c == Math.floor(c) + 0.5) ? (int) Math.floor(c) : (int) Math.round(c);
            case "round_prefer_ceil" -> (int) Math.round(c);
            case "floor" -> (int) Math.floor(c);
            case "ceil" -> (int) Math.ceil(c);
            default -> throw new IllegalArgumentException("nearest_mode '" + mode + "' is not supported");
        };
        return Math.max(0, Math.min(inLen - 1, i));
    }

    static Kernel resize(PrepareContext ctx) {
        TensorInfo in = in0(ctx);
        sameType(ctx, in, 0);
        int r = in.rank();
        Attributes a = ctx.node().attrs();
        String mode = a.getString(OnnxOps.ATTR_MODE, "nearest");
        String coord = a.getString(OnnxOps.ATTR_COORD_MODE, "half_pixel");
        String nmode = a.getString(OnnxOps.ATTR_NEAREST_MODE, "round_prefer_floor");
        int[] sizes = a.getInts(OnnxOps.ATTR_SIZES, null);
        float[] scales = a.getFloats(OnnxOps.ATTR_SCALES, null);
        int[] ish = in.shape();
        if (sizes == null || sizes.length != r || scales == null || scales.length != r) throw ctx.invalid("needs sizes and scales with one value per dim (" + r + ")");
        for (float s : scales) if (!(s > 0)) throw ctx.invalid("scales must be positive, got " + java.util.Arrays.toString(scales));
        ctx.setOutputShape(0, sizes);
        checkOut(ctx, sizes, in);
        try {
            originalCoord(coord, 0, 1f, 1, 1);
            if (mode.equals("nearest")) nearest(nmode, 0, 1);
        } catch (IllegalArgumentException e) {
            throw ctx.unsupported(e.getMessage());
        }
        if (mode.equals("nearest")) {
            int[][] idx = new int[r][];
            for (int d = 0; d < r; d++) {
                idx[d] = new int[sizes[d]];
                for (int x = 0; x < sizes[d]; x++) {
                    idx[d][x] = sizes[d] == ish[d] && scales[d] == 1f ? x : nearest(nmode, originalCoord(coord, x, scales[d], sizes[d], ish[d]), ish[d]);
                }
            }
            int n = Shapes.size(sizes);
            int[] ist = Shapes.strides(ish);
            reserveMap(ctx, n);
            int[] map = new int[n];
            int[] pos = new int[r];
            for (int i = 0; i < n; i++) {
                int src = 0;
                for (int d = 0; d < r; d++) src += idx[d][pos[d]] * ist[d];
                map[i] = src;
                for (int d = r - 1; d >= 0; d--) { if (++pos[d] < sizes[d]) break; pos[d] = 0; }
            }
            return gather(ctx, ctx.inputId(0), new int[] {ctx.outputId(0)}, new int[][] {map}, in.type().storage());
        }
        if (!mode.equals("linear")) throw ctx.unsupported("Resize mode '" + mode + "' (nearest and linear are supported)");
        if (in.type() != DataType.FLOAT32) throw ctx.unsupported("linear Resize of " + in.type().lowerName() + " (float32 only)");
        if (r != 4) throw ctx.unsupported("linear Resize of a rank-" + r + " tensor (rank 4 NHWC only)");
        if (sizes[0] != ish[0] || sizes[3] != ish[3]) throw ctx.unsupported("linear Resize over the batch or channel dim");
        int oh = sizes[1], ow = sizes[2];
        int[] y0 = new int[oh], y1 = new int[oh], x0 = new int[ow], x1 = new int[ow];
        float[] wy = new float[oh], wx = new float[ow];
        linearTaps(coord, scales[1], oh, ish[1], y0, y1, wy);
        linearTaps(coord, scales[2], ow, ish[2], x0, x1, wx);
        return new LinearResize(ctx.options().threads(), ctx.inputId(0), ctx.outputId(0), ish[0], ish[1], ish[2], ish[3], oh, ow, y0, y1, wy, x0, x1, wx);
    }

    private static void linearTaps(String coord, float scale, int outLen, int inLen, int[] i0, int[] i1, float[] w) {
        for (int x = 0; x < outLen; x++) {
            double c = originalCoord(coord, x, scale, outLen, inLen);
            c = Math.max(0, Math.min(inLen - 1, c));
            int lo = (int) Math.floor(c);
            i0[x] = lo;
            i1[x] = Math.min(lo + 1, inLen - 1);
            w[x] = (float) (c - lo);
        }
    }

    /** Linear resize of an NHWC float tensor; output rows (batch-major) split across the intra-op threads. */
    static final class LinearResize implements Kernel {
        final int in, out, n, ih, iw, c, oh, ow, parts;
        final int[] y0, y1, x0, x1;
        final float[] wy, wx;
        private final Parallel.Task task = this::part;

        LinearResize(int threads, int in, int out, int n, int ih, int iw, int c, int oh, int ow,
                     int[] y0, int[] y1, float[] wy, int[] x0, int[] x1, float[] wx) {
            this.in = in; this.out = out; this.n = n; this.ih = ih; this.iw = iw; this.c = c; this.oh = oh; this.ow = ow;
            this.y0 = y0; this.y1 = y1; this.wy = wy; this.x0 = x0; this.x1 = x1; this.wx = wx;
            int p = ExecContext.partsFor(threads, (long) n * oh * ow * c, Gathers.MIN_PART);
            this.parts = Math.max(1, Math.min(p, n * oh));
        }

        @Override
        public void run(ExecContext ec) {
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            int rows = n * oh;
            int r0 = (int) ((long) rows * p / parts), r1 = (int) ((long) rows * (p + 1) / parts);
            float[] s = ec.floats(in), d = ec.floats(out);
            int so = ec.offset(in), o = ec.offset(out) + r0 * ow * c;
            for (int r = r0; r < r1; r++) {
                int b = r / oh, y = r % oh;
                int bb = so + b * ih * iw * c;
                int ra = bb + y0[y] * iw * c, rb = bb + y1[y] * iw * c;
                float fy = wy[y];
                for (int x = 0; x < ow; x++) {
                    int a0 = x0[x] * c, a1 = x1[x] * c;
                    float fx = wx[x];
                    for (int k = 0; k < c; k++) {
                        float p00 = s[ra + a0 + k], p01 = s[ra + a1 + k], p10 = s[rb + a0 + k], p11 = s[rb + a1 + k];
                        float top = p00 + (p01 - p00) * fx;
                        float bot = p10 + (p11 - p10) * fx;
                        d[o++] = top + (bot - top) * fy;
                    }
                }
            }
        }

        @Override
        public String variant() { return "reference-linear"; }
    }
}
