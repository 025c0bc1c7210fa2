package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Parallel;
import dev.octet.core.PrepareContext;
import dev.octet.ops.onnx.OnnxOps;
import java.util.Map;

/**
 * SIMD ONNX_QUANTIZE_LINEAR, per-tensor float32 to int8/uint8 ({@link QuantizeKernels}), parts over the intra-op
 * threads. Per-axis quantization and 128-bit vectors fall back to the reference kernel.
 */
final class SimdQuantizeOps {
    private SimdQuantizeOps() {}

    static final int MIN_PART = 32768;

    static void register(Map<String, KernelFactory> table) {
        KernelFactory ref = table.get(OnnxOps.ONNX_QUANTIZE_LINEAR);
        SimdOps.overlay(table, OnnxOps.ONNX_QUANTIZE_LINEAR, ctx -> {
            ref.create(ReferenceView.of(ctx)); // validation and output shape
            return create(ctx, SimdWidth.bits());
        });
    }

    static Kernel create(PrepareContext ctx, int bits) {
        if (bits < 256 || ctx.input(0).type() != DataType.FLOAT32) return null;
        float[] scale = ctx.constFloats(1);
        if (scale.length != 1) return null;
        int z = ctx.hasInput(2) ? ctx.constInts(2)[0] : 0;
        DataType ot = ctx.output(0).type();
        float lo = ot.minValue(), hi = ot.maxValue(), s = scale[0], zp = z;
        int i = ctx.inputId(0), o = ctx.outputId(0), n = ctx.input(0).size();
        int parts = ExecContext.partsFor(ctx.options().threads(), n, MIN_PART);
        warmUp(bits);
        return new Kernel() {
            private final Parallel.Task task = (ec, part) -> range(ec, (int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts));

            @Override
            public void run(ExecContext ec) {
                if (parts == 1) range(ec, 0, n);
                else ec.parallelFor(parts, task);
            }

            private void range(ExecContext ec, int st, int e) {
                float[] x = ec.floats(i);
                byte[] y = ec.bytes(o);
                int xo = ec.offset(i) + st, yo = ec.offset(o) + st, len = e - st;
                int done = bits == 512 ? QuantizeKernels.q512(x, xo, y, yo, len, s, zp, lo, hi) : QuantizeKernels.q256(x, xo, y, yo, len, s, zp, lo, hi);
                int ilo = (int) lo, ihi = (int) hi;
                for (int k = done; k < len; k++) {
                    float q = x[xo + k] / s;
                    double rq = Math.rint(q) + z;
                    int v = rq < ilo ? ilo : (rq > ihi ? ihi : (int) rq);
                    if (Double.isNaN(rq)) v = z < ilo ? ilo : Math.min(z, ihi);
                    y[yo + k] = (byte) v;
                }
            }

            @Override
            public String variant() { return "simd" + bits + "-quantize"; }
        };
    }

    private static final java.util.Set<Integer> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Compiles this width's kernel before the first real run (see SimdDepthwiseOps.warmUp). */
    static void warmUp(int bits) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits)) return;
        float[] x = new float[1024];
        byte[] y = new byte[1024];
        long end = System.nanoTime() + 300_000_000L;
        for (int it = 0; it < 6000 && System.nanoTime() < end; it++) {
            if (bits == 512) QuantizeKernels.q512(x, 0, y, 0, x.length, 0.1f, 3f, 0f, 255f);
            else QuantizeKernels.q256(x, 0, y, 0, x.length, 0.1f, 3f, 0f, 255f);
        }
    }
}
