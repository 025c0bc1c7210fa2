package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Parallel;
import dev.octet.core.PrepareContext;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import dev.octet.ops.onnx.OnnxOps;
import java.util.Map;

/**
 * TRANSPOSE of byte or float tensors whose permutation, once size-1 dimensions are dropped and dimensions that stay
 * adjacent are merged, is a (batched) matrix transpose: {@code [B][R][C] -> [B][C][R]} (NCHW -> NHWC of an input
 * image, NHWC -> NCHW before a reshape). The reference kernel gathers through an int index map with one entry per
 * element (16 MB for a 640x640x3 float input); this one walks 32x32 tiles (reads and writes stay within a few cache
 * lines), needs no table, and splits tile columns over the intra-op threads. Any other permutation, type or an
 * invalid node goes to the reference (which reports errors).
 */
final class SimdTransposeOps {
    private SimdTransposeOps() {}

    static final int TILE = 32;

    static void register(Map<String, KernelFactory> table) {
        if (table.get(OnnxOps.TRANSPOSE) == null) return;
        SimdOps.overlay(table, OnnxOps.TRANSPOSE, SimdTransposeOps::create);
    }

    /** {batch, rows, cols} of the equivalent batched matrix transpose, or null. */
    static int[] matrixForm(int[] shape, int[] perm) {
        int r = shape.length;
        // drop size-1 dimensions (renumbering the others in input order)
        int[] newIndex = new int[r];
        int k = 0;
        for (int d = 0; d < r; d++) newIndex[d] = shape[d] == 1 ? -1 : k++;
        int[] dims = new int[k], p = new int[k];
        for (int d = 0; d < r; d++) if (newIndex[d] >= 0) dims[newIndex[d]] = shape[d];
        int j = 0;
        for (int i = 0; i < r; i++) if (newIndex[perm[i]] >= 0) p[j++] = newIndex[perm[i]];
        // merge runs of output dims that are consecutive input dims: groups in output order
        int[] gStart = new int[k], gEnd = new int[k];
        int g = 0;
        for (int i = 0; i < k; i++) {
            if (g > 0 && p[i] == gEnd[g - 1] + 1) gEnd[g - 1] = p[i];
            else { gStart[g] = p[i]; gEnd[g] = p[i]; g++; }
        }
        if (g == 2 && gStart[0] > gStart[1]) return new int[] {1, size(dims, gStart[1], gEnd[1]), size(dims, gStart[0], gEnd[0])};
        if (g == 3 && gStart[0] < gStart[2] && gStart[2] < gStart[1]) {
            return new int[] {size(dims, gStart[0], gEnd[0]), size(dims, gStart[2], gEnd[2]), size(dims, gStart[1], gEnd[1])};
        }
        return null;
    }

    private static int size(int[] dims, int from, int to) {
        long s = 1;
        for (int d = from; d <= to; d++) s *= dims[d];
        return (int) s;
    }

    static Kernel create(PrepareContext ctx) {
        if (ctx.inputCount() != 1 || !ctx.hasInput(0) || ctx.outputCount() != 1) return null;
        TensorInfo in = ctx.input(0);
        int[] ish = in.shape();
        if (!Shapes.isKnown(ish) || ctx.output(0).type() != in.type()) return null;
        DataType.Storage st = in.type().storage();
        if (st != DataType.Storage.BYTE && st != DataType.Storage.FLOAT) return null;
        int[] perm = ctx.node().attrs().getInts(OnnxOps.ATTR_PERM, null);
        int r = ish.length;
        if (perm == null || perm.length != r) return null;
        boolean[] seen = new boolean[r];
        for (int q : perm) {
            if (q < 0 || q >= r || seen[q]) return null;
            seen[q] = true;
        }
        long n = 1;
        for (int d : ish) n *= d;
        if (n == 0 || n > Integer.MAX_VALUE) return null;
        int[] f = matrixForm(ish, perm);
        if (f == null) return null;
        int[] osh = new int[r];
        for (int i = 0; i < r; i++) osh[i] = ish[perm[i]];
        ctx.options().limits().checkTensorBytes(ctx.node().describe() + " output", n * in.type().byteSize());
        ctx.setOutputShape(0, osh);
        return new TransposeKernel(ctx.inputId(0), ctx.outputId(0), st == DataType.Storage.FLOAT, f[0], f[1], f[2], ctx.options().threads());
    }

    /** out[b][c][r] = in[b][r][c] over tiles; a part is a contiguous range of (batch, tile column) pairs. */
    static final class TransposeKernel implements Kernel {
        private final int in, out, batch, rows, cols, colTiles, parts;
        private final boolean floats;
        private final Parallel.Task task = this::part;

        TransposeKernel(int in, int out, boolean floats, int batch, int rows, int cols, int threads) {
            this.in = in;
            this.out = out;
            this.floats = floats;
            this.batch = batch;
            this.rows = rows;
            this.cols = cols;
            this.colTiles = (cols + TILE - 1) / TILE;
            this.parts = ExecContext.partsFor(threads, (long) batch * rows * cols, 1 << 16);
        }

        @Override
        public void run(ExecContext ec) {
            if (parts <= 1 || ec.threads() <= 1) range(ec, 0, batch * colTiles);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int part) {
            long total = (long) batch * colTiles;
            range(ec, (int) (total * part / parts), (int) (total * (part + 1) / parts));
        }

        private void range(ExecContext ec, int t0, int t1) {
            int io = ec.offset(in), oo = ec.offset(out);
            for (int t = t0; t < t1; t++) {
                int b = t / colTiles, c0 = (t - b * colTiles) * TILE, c1 = Math.min(cols, c0 + TILE);
                int ib = io + b * rows * cols, ob = oo + b * rows * cols;
                if (floats) tileF(ec.floats(in), ib, ec.floats(out), ob, c0, c1);
                else tileB(ec.bytes(in), ib, ec.bytes(out), ob, c0, c1);
            }
        }

        private void tileB(byte[] x, int ib, byte[] y, int ob, int c0, int c1) {
            for (int r0 = 0; r0 < rows; r0 += TILE) {
                int r1 = Math.min(rows, r0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int o = ob + c * rows, s = ib + c;
                    for (int r = r0; r < r1; r++) y[o + r] = x[s + r * cols];
                }
            }
        }

        private void tileF(float[] x, int ib, float[] y, int ob, int c0, int c1) {
            for (int r0 = 0; r0 < rows; r0 += TILE) {
                int r1 = Math.min(rows, r0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int o = ob + c * rows, s = ib + c;
                    for (int r = r0; r < r1; r++) y[o + r] = x[s + r * cols];
                }
            }
        }

        @Override
        public String variant() { return "simd-transpose-tiled"; }
    }
}
