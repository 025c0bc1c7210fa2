package dev.octet.ops.simd;

import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Parallel;
import dev.octet.core.PrepareContext;
import dev.octet.ops.onnx.LookupTableOps;
import dev.octet.ops.onnx.OnnxOps;
import java.util.Map;

/** SIMD LOOKUP_TABLE (see LookupTableOps): byte permutes of the width's {@link LutKernels} method, parts over the threads. */
final class SimdLookupOps {
    private SimdLookupOps() {}

    /** Elements below which one thread does all the work. */
    static final int MIN_PART = 65536;

    static void register(Map<String, KernelFactory> table) {
        SimdOps.overlay(table, OnnxOps.LOOKUP_TABLE, ctx -> create(ctx, SimdWidth.bits()));
    }

    static Kernel create(PrepareContext ctx, int bits) {
        byte[] t = LookupTableOps.table(ctx); // validation, output shape, the table
        warmUp(bits);
        int i = ctx.inputId(0), o = ctx.outputId(0), n = ctx.input(0).size();
        int parts = ExecContext.partsFor(ctx.options().threads(), n, MIN_PART);
        return new Kernel() {
            private final Parallel.Task task = (ec, part) -> range(ec, (int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts));

            @Override
            public void run(ExecContext ec) {
                if (parts == 1) range(ec, 0, n);
                else ec.parallelFor(parts, task);
            }

            private void range(ExecContext ec, int s, int e) {
                byte[] x = ec.bytes(i), y = ec.bytes(o);
                int xo = ec.offset(i) + s, yo = ec.offset(o) + s, len = e - s;
                int done = switch (bits) {
                    case 512 -> LutKernels.lut512(x, xo, y, yo, t, len);
                    case 256 -> LutKernels.lut256(x, xo, y, yo, t, len);
                    default -> LutKernels.lut128(x, xo, y, yo, t, len);
                };
                for (int k = done; k < len; k++) y[yo + k] = t[x[xo + k] & 0xFF];
            }

            @Override
            public String variant() { return "simd" + bits + "-lut"; }
        };
    }

    private static final java.util.Set<Integer> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Compiles this width's lookup before the first real run (see SimdDepthwiseOps.warmUp: no interpreted/OSR run). */
    static void warmUp(int bits) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits)) return;
        byte[] x = new byte[1024], y = new byte[1024], t = new byte[256];
        long end = System.nanoTime() + 300_000_000L;
        for (int it = 0; it < 6000 && System.nanoTime() < end; it++) {
            switch (bits) {
                case 512 -> LutKernels.lut512(x, 0, y, 0, t, x.length);
                case 256 -> LutKernels.lut256(x, 0, y, 0, t, x.length);
                default -> LutKernels.lut128(x, 0, y, 0, t, x.length);
            }
        }
    }
}
