package dev.octet.ops.simd;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.PrepareContext;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import dev.octet.ops.onnx.QdqFusedOps;
import java.util.Arrays;
import java.util.Map;

/**
 * SIMD ONNX_QDQ_MATMUL (ONNX Runtime's QLinearMatMul arithmetic, see QdqFusedOps): per batch, both operands are
 * widened once to int32 minus their zero points (scratch), the int32 product runs on the {@code QdqMatmulKernel*}
 * outer-product kernel of the configured width with rows split over the intra-op threads, and each accumulator is
 * requantized exactly as the reference does (float multiplier, round half to even, zero point, saturation). Bit-exact
 * with the reference: the accumulation is exact int32 in both (|acc| &lt;= 255 * 255 * k, checked to fit).
 */
final class SimdQdqMatmulOps {
    private SimdQdqMatmulOps() {}

    /** Rows per parallel part at least (a part also costs a task hand-off). */
    static final int MIN_ROWS = 16;

    static void register(Map<String, KernelFactory> table) {
        KernelFactory ref = table.get(QdqFusedOps.ONNX_QDQ_MATMUL);
        SimdOps.overlay(table, QdqFusedOps.ONNX_QDQ_MATMUL, ctx -> {
            ref.create(ReferenceView.of(ctx)); // validation and output shape
            return create(ctx, SimdWidth.bits());
        });
    }

    static Kernel create(PrepareContext ctx, int bits) {
        TensorInfo a = ctx.input(0), b = ctx.input(1);
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        if ((long) k * 255 * 255 > Integer.MAX_VALUE) return null;
        int[] ab = Arrays.copyOf(as, as.length - 2), bb = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(ab, bb);
        int nb = Shapes.size(batch);
        int[] aOff = QdqFusedOps.batchOffsets(batch, ab, m * k), bOff = QdqFusedOps.batchOffsets(batch, bb, k * n);
        Attributes at = ctx.node().attrs();
        float mult = at.getFloat(QdqFusedOps.ATTR_A_SCALE, Float.NaN) * at.getFloat(QdqFusedOps.ATTR_B_SCALE, Float.NaN) / at.getFloat(QdqFusedOps.ATTR_Y_SCALE, Float.NaN);
        int za = at.getInt(QdqFusedOps.ATTR_A_ZERO_POINT, 0), zb = at.getInt(QdqFusedOps.ATTR_B_ZERO_POINT, 0), zy = at.getInt(QdqFusedOps.ATTR_Y_ZERO_POINT, 0);
        boolean ua = a.type() == DataType.UINT8, ub = b.type() == DataType.UINT8;
        DataType ot = ctx.output(0).type();
        int lo = ot.minValue(), hi = ot.maxValue();
        long scratch = (long) m * k + (long) k * n + (long) m * n;
        if (scratch > Integer.MAX_VALUE / 2) return null;
        ctx.requestScratch(DataType.Storage.INT, (int) scratch);
        int ia = ctx.inputId(0), ib = ctx.inputId(1), io = ctx.outputId(0);
        int threads = ctx.options().threads();
        int parts = Math.max(1, Math.min(threads, m / MIN_ROWS));
        long macs = (long) nb * m * n * k;
        int bOfs = m * k, cOfs = m * k + k * n;
        warmUp(bits);
        return new Kernel() {
            @Override
            public void run(ExecContext ec) {
                byte[] x = ec.bytes(ia), w = ec.bytes(ib), y = ec.bytes(io);
                int xo = ec.offset(ia), wo = ec.offset(ib), yo = ec.offset(io);
                int[] s = ec.scratchInts();
                for (int bi = 0; bi < nb; bi++) {
                    int xa = xo + aOff[bi], wb = wo + bOff[bi], yb = yo + bi * m * n;
                    for (int i = 0; i < m * k; i++) s[i] = (ua ? x[xa + i] & 0xFF : x[xa + i]) - za;
                    for (int i = 0; i < k * n; i++) s[bOfs + i] = (ub ? w[wb + i] & 0xFF : w[wb + i]) - zb;
                    int p = Math.min(parts, ec.threads());
                    if (p <= 1) {
                        rows(s, y, yb, 0, m);
                    } else {
                        ec.parallelFor(p, part -> rows(s, y, yb, (int) ((long) m * part / p), (int) ((long) m * (part + 1) / p)));
                    }
                }
            }

            private void rows(int[] s, byte[] y, int yb, int r0, int r1) {
                switch (bits) {
                    case 512 -> QdqMatmulKernel512.gemm(s, 0, s, bOfs, s, cOfs, r0, r1, k, n);
                    case 256 -> QdqMatmulKernel256.gemm(s, 0, s, bOfs, s, cOfs, r0, r1, k, n);
                    default -> QdqMatmulKernel128.gemm(s, 0, s, bOfs, s, cOfs, r0, r1, k, n);
                }
                for (int i = r0 * n; i < r1 * n; i++) {
                    double v = Math.rint((float) s[cOfs + i] * mult) + zy;
                    y[yb + i] = (byte) (v < lo ? lo : v > hi ? hi : (int) v);
                }
            }

            @Override
            public long macs() { return macs; }

            @Override
            public String variant() { return "simd" + bits + "-int32"; }
        };
    }

    private static final java.util.Set<Integer> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Compiles this width's kernel before the first real run (see SimdDepthwiseOps.warmUp). */
    static void warmUp(int bits) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits)) return;
        int m = 5, k = 16, n = 37;
        int[] a = new int[m * k], b = new int[k * n], c = new int[m * n];
        long end = System.nanoTime() + 300_000_000L;
        for (int it = 0; it < 6000 && System.nanoTime() < end; it++) {
            switch (bits) {
                case 512 -> QdqMatmulKernel512.gemm(a, 0, b, 0, c, 0, 0, m, k, n);
                case 256 -> QdqMatmulKernel256.gemm(a, 0, b, 0, c, 0, 0, m, k, n);
                default -> QdqMatmulKernel128.gemm(a, 0, b, 0, c, 0, 0, m, k, n);
            }
        }
    }
}
