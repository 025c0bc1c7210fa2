package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.Parallel;

/**
 * Kernels for gathers out[j][i] = in[maps[j][i]] with index maps fixed at load (TRANSPOSE, SPLIT, SLICE,
 * STRIDED_SLICE, nearest RESIZE, IDENTITY). Pure copies: any split of the work writes the same bytes.
 */
public final class Gathers {
    private Gathers() {}

    /** Below this many elements a gather runs on the calling thread; above, parts of at least this many. */
    public static final int MIN_PART = 16384;

    /**
     * The kernel for a gather out[j][i] = in[maps[j][i]]: when the maps consist of runs of consecutive input
     * indices (on average at least {@link #MIN_RUN} long: channel slices of a split, rows of a slice, pixels of a
     * nearest resize, inner blocks of a transpose) it copies those runs ({@link RunCopyKernel}, and the maps are
     * dropped); otherwise it gathers element by element ({@link GatherKernel}). Both split the output elements
     * across the intra-op threads; a copy writes the same bytes however it is split.
     */
    public static Kernel of(int threads, int input, int[] outputs, int[][] maps, DataType.Storage storage) {
        long total = 0, runs = 0;
        for (int[] m : maps) {
            total += m.length;
            for (int i = 0; i < m.length; i++) if (i == 0 || m[i] != m[i - 1] + 1) runs++;
        }
        if (total > 0 && runs * MIN_RUN <= total) return RunCopyKernel.of(threads, input, outputs, maps, storage);
        return new GatherKernel(threads, input, outputs, maps, storage);
    }

    /** Shortest average run for which {@link #of} copies runs instead of gathering elements. */
    public static final int MIN_RUN = 4;

    /** Copies out[j][i] = in[maps[j][i]] for each output j, element by element; parts are ranges of all outputs' elements. */
    static final class GatherKernel implements Kernel {
        final int input;
        final int[] outputs;
        final int[][] maps;
        final DataType.Storage storage;
        final long total;
        final int parts;
        private final Parallel.Task task = this::part;

        GatherKernel(int threads, int input, int[] outputs, int[][] maps, DataType.Storage storage) {
            this.input = input; this.outputs = outputs; this.maps = maps; this.storage = storage;
            long t = 0;
            for (int[] m : maps) t += m.length;
            this.total = t;
            this.parts = ExecContext.partsFor(threads, t, MIN_PART);
        }

        @Override
        public void run(ExecContext ec) {
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            long g0 = total * p / parts, g1 = total * (p + 1) / parts, base = 0;
            int io = ec.offset(input);
            Object src = Copies.array(ec, input, storage);
            for (int j = 0; j < outputs.length; j++) {
                int[] m = maps[j];
                long b = base;
                base += m.length;
                if (base <= g0 || b >= g1) continue;
                int i0 = (int) (Math.max(g0, b) - b), i1 = (int) (Math.min(g1, base) - b);
                int o = outputs[j], oo = ec.offset(o);
                Object dst = Copies.array(ec, o, storage);
                switch (storage) {
                    case FLOAT -> {
                        float[] s = (float[]) src, d = (float[]) dst;
                        for (int i = i0; i < i1; i++) d[oo + i] = s[io + m[i]];
                    }
                    case BYTE -> {
                        byte[] s = (byte[]) src, d = (byte[]) dst;
                        for (int i = i0; i < i1; i++) d[oo + i] = s[io + m[i]];
                    }
                    case SHORT -> {
                        short[] s = (short[]) src, d = (short[]) dst;
                        for (int i = i0; i < i1; i++) d[oo + i] = s[io + m[i]];
                    }
                    case INT -> {
                        int[] s = (int[]) src, d = (int[]) dst;
                        for (int i = i0; i < i1; i++) d[oo + i] = s[io + m[i]];
                    }
                    case LONG -> {
                        long[] s = (long[]) src, d = (long[]) dst;
                        for (int i = i0; i < i1; i++) d[oo + i] = s[io + m[i]];
                    }
                }
            }
        }

        @Override
        public String variant() { return "reference-gather"; }
    }

    /**
     * A gather made of runs of consecutive elements, grouped: group g copies count[g] runs of len[g] elements, run
     * k of it from input offset src[g] + k * srcStep[g] to output out[g] at dst[g] + k * dstStep[g] (a split's
     * channel slices, a slice's rows, a transpose's inner blocks are each one group or a few). Runs longer than
     * {@link #CHUNK} are cut so parts balance. Part p copies runs from (group firstG[p], run firstK[p]) up to
     * (firstG[p + 1], firstK[p + 1]), cut at load so each part holds about the same number of elements.
     */
    static final class RunCopyKernel implements Kernel {
        static final int CHUNK = 8192;
        final int input;
        final int[] outputs, out, src, dst, len, count, srcStep, dstStep, firstG, firstK;
        final DataType.Storage storage;
        private final Parallel.Task task = this::part;

        private RunCopyKernel(int input, int[] outputs, int[][] g, int[] firstG, int[] firstK, DataType.Storage storage) {
            this.input = input; this.outputs = outputs;
            this.out = g[0]; this.src = g[1]; this.dst = g[2]; this.len = g[3]; this.count = g[4]; this.srcStep = g[5]; this.dstStep = g[6];
            this.firstG = firstG; this.firstK = firstK; this.storage = storage;
        }

        static RunCopyKernel of(int threads, int input, int[] outputs, int[][] maps, DataType.Storage storage) {
            // pass 0 counts the groups, pass 1 fills them
            int groups = 0;
            int[][] g = null;
            long total = 0;
            for (int pass = 0; pass < 2; pass++) {
                int n = 0;
                total = 0;
                for (int j = 0; j < maps.length; j++) {
                    int[] m = maps[j];
                    total += m.length;
                    int i = 0;
                    int gLen = -1, gCount = 0, gSrcStep = 0, gDstStep = 0, lastSrc = 0, lastDst = 0;
                    while (i < m.length) {
                        int e = i + 1;
                        while (e < m.length && m[e] == m[e - 1] + 1) e++;
                        for (int c = i; c < e; c += CHUNK) {
                            int rs = m[c], rd = c, rl = Math.min(CHUNK, e - c);
                            if (gLen == rl && (gCount == 1 || (rs - lastSrc == gSrcStep && rd - lastDst == gDstStep))) {
                                if (gCount == 1) { gSrcStep = rs - lastSrc; gDstStep = rd - lastDst; }
                                gCount++;
                                if (pass == 1) { g[4][n - 1] = gCount; g[5][n - 1] = gSrcStep; g[6][n - 1] = gDstStep; }
                            } else {
                                if (pass == 1) { g[0][n] = j; g[1][n] = rs; g[2][n] = rd; g[3][n] = rl; g[4][n] = 1; }
                                n++;
                                gLen = rl;
                                gCount = 1;
                            }
                            lastSrc = rs;
                            lastDst = rd;
                        }
                        i = e;
                    }
                }
                if (pass == 0) { groups = n; g = new int[7][n]; }
            }
            return cut(threads, input, outputs, g, groups, total, storage);
        }

        private static RunCopyKernel cut(int threads, int input, int[] outputs, int[][] g, int groups, long total, DataType.Storage storage) {
            int parts = ExecContext.partsFor(threads, total, MIN_PART);
            int[] firstG = new int[parts + 1], firstK = new int[parts + 1];
            firstG[parts] = groups;
            long acc = 0;
            int p = 1;
            for (int q = 0; q < groups && p < parts; q++) {
                long l = g[3][q];
                for (int k = 0; k < g[4][q] && p < parts; ) {
                    // runs of this group before the next boundary
                    long need = total * p / parts - acc;
                    long take = need <= 0 ? 0 : Math.min(g[4][q] - k, (need + l - 1) / l);
                    acc += take * l;
                    k += (int) take;
                    if (acc >= total * p / parts) {
                        firstG[p] = k == g[4][q] ? q + 1 : q;
                        firstK[p] = k == g[4][q] ? 0 : k;
                        p++;
                    }
                }
            }
            while (p < parts) { firstG[p] = groups; firstK[p] = 0; p++; }
            return new RunCopyKernel(input, outputs, g, firstG, firstK, storage);
        }

        @Override
        public void run(ExecContext ec) {
            int parts = firstG.length - 1;
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            int io = ec.offset(input);
            Object x = Copies.array(ec, input, storage);
            int g0 = firstG[p], g1 = firstG[p + 1];
            for (int q = g0; q <= g1 && q < out.length; q++) {
                int k0 = q == g0 ? firstK[p] : 0, k1 = q == g1 ? firstK[p + 1] : count[q];
                if (k0 >= k1) continue;
                Object y = Copies.array(ec, outputs[out[q]], storage);
                int l = len[q], ss = srcStep[q], ds = dstStep[q];
                int s = io + src[q] + k0 * ss, d = ec.offset(outputs[out[q]]) + dst[q] + k0 * ds;
                if (storage == DataType.Storage.BYTE) {
                    byte[] xb = (byte[]) x, yb = (byte[]) y;
                    for (int k = k0; k < k1; k++, s += ss, d += ds) Copies.bytes(xb, s, yb, d, l);
                } else {
                    for (int k = k0; k < k1; k++, s += ss, d += ds) System.arraycopy(x, s, y, d, l);
                }
            }
        }

        @Override
        public String variant() { return "reference-runs"; }
    }
}
