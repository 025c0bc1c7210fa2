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
     * A gather made of runs: run r copies len[r] elements from input offset src[r] to output out[r] at dst[r].
     * Runs longer than {@link #CHUNK} are cut so parts balance; part p copies runs [first[p], first[p + 1]), cut
     * at load so each part holds about the same number of elements.
     */
    static final class RunCopyKernel implements Kernel {
        static final int CHUNK = 8192;
        final int input;
        final int[] outputs, out, src, dst, len, first;
        final DataType.Storage storage;
        private final Parallel.Task task = this::part;

        private RunCopyKernel(int input, int[] outputs, int[] out, int[] src, int[] dst, int[] len, int[] first, DataType.Storage storage) {
            this.input = input; this.outputs = outputs; this.out = out; this.src = src; this.dst = dst; this.len = len; this.first = first;
            this.storage = storage;
        }

        static RunCopyKernel of(int threads, int input, int[] outputs, int[][] maps, DataType.Storage storage) {
            int count = 0;
            long total = 0;
            for (int[] m : maps) {
                total += m.length;
                int i = 0;
                while (i < m.length) {
                    int e = i + 1;
                    while (e < m.length && m[e] == m[e - 1] + 1) e++;
                    count += (e - i + CHUNK - 1) / CHUNK;
                    i = e;
                }
            }
            int[] out = new int[count], src = new int[count], dst = new int[count], len = new int[count];
            int r = 0;
            for (int j = 0; j < maps.length; j++) {
                int[] m = maps[j];
                int i = 0;
                while (i < m.length) {
                    int e = i + 1;
                    while (e < m.length && m[e] == m[e - 1] + 1) e++;
                    for (int c = i; c < e; c += CHUNK) {
                        out[r] = j; src[r] = m[c]; dst[r] = c; len[r] = Math.min(CHUNK, e - c);
                        r++;
                    }
                    i = e;
                }
            }
            int parts = ExecContext.partsFor(threads, total, MIN_PART);
            parts = Math.max(1, Math.min(parts, count));
            int[] first = new int[parts + 1];
            long acc = 0;
            int p = 1;
            for (int k = 0; k < count && p < parts; k++) {
                acc += len[k];
                while (p < parts && acc >= total * p / parts) first[p++] = k + 1;
            }
            while (p < parts) first[p++] = count;
            first[parts] = count;
            return new RunCopyKernel(input, outputs, out, src, dst, len, first, storage);
        }

        @Override
        public void run(ExecContext ec) {
            int parts = first.length - 1;
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            int io = ec.offset(input);
            Object x = Copies.array(ec, input, storage);
            int j = -1, oo = 0;
            Object y = null;
            for (int r = first[p], e = first[p + 1]; r < e; r++) {
                if (out[r] != j) {
                    j = out[r];
                    y = Copies.array(ec, outputs[j], storage);
                    oo = ec.offset(outputs[j]);
                }
                Copies.any(x, io + src[r], y, oo + dst[r], len[r]);
            }
        }

        @Override
        public String variant() { return "reference-runs"; }
    }

}
