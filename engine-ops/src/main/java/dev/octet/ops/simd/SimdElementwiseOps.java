package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.QuantParams;
import dev.octet.core.Semantics;
import dev.octet.core.TensorInfo;
import dev.octet.ops.reference.Window;
import java.util.Map;

/**
 * SIMD element-wise kernels, bit-exact with the reference ones: quantized (TFLite) ADD/SUB and MUL, float32
 * ADD/SUB/MUL/DIV, for same-shape operands, one single-element operand, or one operand made of the output's trailing
 * dims (other broadcasts use the reference); MAX_POOL_2D and AVERAGE_POOL_2D (uint8/int8/float32). The reference
 * factory validates first; the SIMD factory returns null (reference) for int32, quantized DIV, general broadcasting, a MUL
 * whose multiplier needs a left shift, an empty activation range, or an average window of 32768+ cells.
 * Work is split into contiguous parts across the intra-op threads (results do not depend on the split). Kernels are
 * in {@link EwKernel512} and its generated 256/128-bit twins; the scalar tails use {@link QuantMath} as the
 * reference does.
 */
final class SimdElementwiseOps {
    private SimdElementwiseOps() {}

    static void register(Map<String, KernelFactory> table) {
        overlay(table, Ops.ADD, ctx -> binary(ctx, 0, SimdWidth.bits()));
        overlay(table, Ops.SUB, ctx -> binary(ctx, 1, SimdWidth.bits()));
        overlay(table, Ops.MUL, ctx -> binary(ctx, 2, SimdWidth.bits()));
        overlay(table, Ops.DIV, ctx -> binary(ctx, 3, SimdWidth.bits())); // float32 only
        overlay(table, Ops.MAX_POOL_2D, ctx -> pool(ctx, false, SimdWidth.bits()));
        overlay(table, Ops.AVERAGE_POOL_2D, ctx -> pool(ctx, true, SimdWidth.bits()));
    }

    private static void overlay(Map<String, KernelFactory> table, String op, SimdOps.SimdFactory simd) {
        KernelFactory ref = table.get(op);
        SimdOps.overlay(table, op, ctx -> {
            ref.create(ReferenceView.of(ctx)); // validation and output shape
            return simd.createOrNull(ctx);
        });
    }

    /** Fixed-point parameters of quantized ADD/SUB (shifts all <= 0, as the reference requires). */
    record QAdd(boolean unsigned, int mask, int offA, int offB, int outZp, long m1, long h1, long n1, long r1, long m2, long h2, long n2, long r2,
                long mo, long ho, long no, long ro, int lo, int hi) {}

    record QMul(boolean unsigned, int mask, int offA, int offB, int outZp, long m, long h, long ng, long r, int lo, int hi) {}

    private static long half(int shift) { return shift < 0 ? 1L << (-shift - 1) : 0; }

    private static long neg(int shift) { return shift < 0 ? -1 : 0; }

    static Kernel binary(PrepareContext ctx, int op, int bits) {
        TensorInfo a = ctx.input(0), b = ctx.input(1), o = ctx.output(0);
        int na = a.size(), nb = b.size(), n = o.size();
        int sa0, sb0, period = 0;
        boolean periodicB = true;
        if (na == n && nb == n && java.util.Arrays.equals(a.shape(), b.shape())) { sa0 = 1; sb0 = 1; }
        else if (nb == 1 && na == n && java.util.Arrays.equals(a.shape(), o.shape())) { sa0 = 1; sb0 = 0; }
        else if (na == 1 && nb == n && java.util.Arrays.equals(b.shape(), o.shape())) { sa0 = 0; sb0 = 1; }
        else if (na == n && java.util.Arrays.equals(a.shape(), o.shape()) && isSuffix(b.shape(), o.shape())) { sa0 = 1; sb0 = 1; period = nb; periodicB = true; }
        else if (nb == n && java.util.Arrays.equals(b.shape(), o.shape()) && isSuffix(a.shape(), o.shape())) { sa0 = 1; sb0 = 1; period = na; periodicB = false; }
        else return null;
        final int sa = sa0, sb = sb0;
        DataType t = a.type();
        String act = ctx.node().attrs().getString(Ops.ATTR_ACTIVATION, "NONE");
        int threads = ctx.options().threads();
        int ia = ctx.inputId(0), ib = ctx.inputId(1), io = ctx.outputId(0);
        final boolean pa = period > 0 && !periodicB, pb = period > 0 && periodicB; // operand repeating with the period
        final int per = period;
        if (t == DataType.FLOAT32) {
            float[] r = QuantMath.activationRangeFloat(act);
            warmUp("f32-bin/" + bits + "/" + op + "/" + sa + sb, () -> {
                float[] x = new float[WARM_N], z = new float[WARM_N];
                for (int i = 0; i < WARM_N; i++) x[i] = i * 0.25f - 7f;
                switch (bits) {
                    case 512 -> EwKernel512.binF(op, x, 0, sa, x, 0, sb, z, 0, WARM_N, r[0], r[1]);
                    case 256 -> EwKernel256.binF(op, x, 0, sa, x, 0, sb, z, 0, WARM_N, r[0], r[1]);
                    default -> EwKernel128.binF(op, x, 0, sa, x, 0, sb, z, 0, WARM_N, r[0], r[1]);
                }
            });
            return new Ew(bits, n, per, threads, "f32-" + op) {
                @Override
                void part(ExecContext ec, int s, int e) {
                    float[] x = ec.floats(ia), y = ec.floats(ib), z = ec.floats(io);
                    int xo = ec.offset(ia) + (pa ? 0 : s * sa), yo = ec.offset(ib) + (pb ? 0 : s * sb), zo = ec.offset(io) + s;
                    int len = e - s;
                    int done = switch (bits) {
                        case 512 -> EwKernel512.binF(op, x, xo, sa, y, yo, sb, z, zo, len, r[0], r[1]);
                        case 256 -> EwKernel256.binF(op, x, xo, sa, y, yo, sb, z, zo, len, r[0], r[1]);
                        default -> EwKernel128.binF(op, x, xo, sa, y, yo, sb, z, zo, len, r[0], r[1]);
                    };
                    for (int k = done; k < len; k++) {
                        float p = x[xo + k * sa], q = y[yo + k * sb];
                        float v = op == 0 ? p + q : op == 1 ? p - q : op == 2 ? p * q : p / q;
                        v = v < r[0] ? r[0] : v;
                        z[zo + k] = r[1] < v ? r[1] : v;
                    }
                }
            };
        }
        if (op == 3 || !t.isQuantized8() || ctx.semantics() != Semantics.TFLITE) return null;
        QuantParams qa = a.quant(), qb = b.quant(), qo = o.quant();
        int[] range = QuantMath.activationRange(act, qo.scale(), qo.zeroPoint(), t.minValue(), t.maxValue());
        if (range[0] > range[1]) return null;
        boolean u = t == DataType.UINT8;
        int mask = u ? 0xFF : -1;
        if (op == 2) {
            int[] m = QuantMath.quantizeMultiplier((double) (qa.scale() * qb.scale() / qo.scale()));
            if (m[1] > 0) return null;
            QMul q = new QMul(u, mask, -qa.zeroPoint(), -qb.zeroPoint(), qo.zeroPoint(), m[0], half(m[1]), neg(m[1]), -m[1], range[0], range[1]);
            warmUp("q-mul/" + bits + "/" + u + "/" + sa + sb, () -> {
                byte[] x = warmBytes(), z = new byte[WARM_N];
                {
                    switch (bits) {
                        case 512 -> EwKernel512.mul(q, x, 0, sa, x, 0, sb, z, 0, WARM_N);
                        case 256 -> EwKernel256.mul(q, x, 0, sa, x, 0, sb, z, 0, WARM_N);
                        default -> EwKernel128.mul(q, x, 0, sa, x, 0, sb, z, 0, WARM_N);
                    }
                }
            });
            return new Ew(bits, n, per, threads, "q-mul") {
                @Override
                void part(ExecContext ec, int s, int e) {
                    byte[] x = ec.bytes(ia), y = ec.bytes(ib), z = ec.bytes(io);
                    int xo = ec.offset(ia) + (pa ? 0 : s * sa), yo = ec.offset(ib) + (pb ? 0 : s * sb), zo = ec.offset(io) + s;
                    int len = e - s;
                    int done = switch (bits) {
                        case 512 -> EwKernel512.mul(q, x, xo, sa, y, yo, sb, z, zo, len);
                        case 256 -> EwKernel256.mul(q, x, xo, sa, y, yo, sb, z, zo, len);
                        default -> EwKernel128.mul(q, x, xo, sa, y, yo, sb, z, zo, len);
                    };
                    for (int k = done; k < len; k++) {
                        int p = ((x[xo + k * sa] & mask) + q.offA()) * ((y[yo + k * sb] & mask) + q.offB());
                        int v = QuantMath.multiplyByQuantizedMultiplier(p, m[0], m[1]) + q.outZp();
                        z[zo + k] = (byte) QuantMath.clamp(v, q.lo(), q.hi());
                    }
                }
            };
        }
        double twiceMax = 2.0 * Math.max(qa.scale(), qb.scale());
        int[] m1 = QuantMath.quantizeMultiplier(qa.scale() / twiceMax);
        int[] m2 = QuantMath.quantizeMultiplier(qb.scale() / twiceMax);
        int[] mo = QuantMath.quantizeMultiplier(twiceMax / ((double) ((float) (1 << 20) * qo.scale())));
        if (m1[1] > 0 || m2[1] > 0 || mo[1] > 0) return null;
        int mult2 = op == 1 ? -m2[0] : m2[0];
        QAdd q = new QAdd(u, mask, -qa.zeroPoint(), -qb.zeroPoint(), qo.zeroPoint(), m1[0], half(m1[1]), neg(m1[1]), -m1[1],
                mult2, half(m2[1]), neg(m2[1]), -m2[1], mo[0], half(mo[1]), neg(mo[1]), -mo[1], range[0], range[1]);
        warmUp("q-add/" + bits + "/" + u + "/" + sa + sb, () -> {
            byte[] x = warmBytes(), z = new byte[WARM_N];
            {
                switch (bits) {
                    case 512 -> EwKernel512.add(q, x, 0, sa, x, 0, sb, z, 0, WARM_N);
                    case 256 -> EwKernel256.add(q, x, 0, sa, x, 0, sb, z, 0, WARM_N);
                    default -> EwKernel128.add(q, x, 0, sa, x, 0, sb, z, 0, WARM_N);
                }
            }
        });
        return new Ew(bits, n, per, threads, op == 1 ? "q-sub" : "q-add") {
            @Override
            void part(ExecContext ec, int s, int e) {
                byte[] x = ec.bytes(ia), y = ec.bytes(ib), z = ec.bytes(io);
                int xo = ec.offset(ia) + (pa ? 0 : s * sa), yo = ec.offset(ib) + (pb ? 0 : s * sb), zo = ec.offset(io) + s;
                int len = e - s;
                int done = switch (bits) {
                    case 512 -> EwKernel512.add(q, x, xo, sa, y, yo, sb, z, zo, len);
                    case 256 -> EwKernel256.add(q, x, xo, sa, y, yo, sb, z, zo, len);
                    default -> EwKernel128.add(q, x, xo, sa, y, yo, sb, z, zo, len);
                };
                for (int k = done; k < len; k++) {
                    int p = ((x[xo + k * sa] & mask) + q.offA()) << 20;
                    int r = ((y[yo + k * sb] & mask) + q.offB()) << 20;
                    int sp = QuantMath.multiplyByQuantizedMultiplier(p, m1[0], m1[1]);
                    int sr = QuantMath.multiplyByQuantizedMultiplier(r, mult2, m2[1]);
                    int v = QuantMath.multiplyByQuantizedMultiplier(sp + sr, mo[0], mo[1]) + q.outZp();
                    z[zo + k] = (byte) QuantMath.clamp(v, q.lo(), q.hi());
                }
            }
        };
    }

    /** MAX_POOL_2D / AVERAGE_POOL_2D, channels vectorized; output rows split across threads. */
    static Kernel pool(PrepareContext ctx, boolean average, int bits) {
        TensorInfo in = ctx.input(0), out = ctx.output(0);
        DataType t = in.type();
        int[] s = in.shape();
        var attrs = ctx.node().attrs();
        Window w = Window.of(ctx.node(), s[1], s[2], attrs.getInt(Ops.ATTR_FILTER_H, -1), attrs.getInt(Ops.ATTR_FILTER_W, -1));
        String act = attrs.getString(Ops.ATTR_ACTIVATION, "NONE");
        int batches = s[0], depth = s[3];
        if (average && (long) w.kH() * w.kW() * 256 >= (1L << 23)) return null; // float division no longer exact
        int ii = ctx.inputId(0), io = ctx.outputId(0);
        boolean isFloat = t == DataType.FLOAT32;
        float flo, fhi;
        int lo, hi;
        if (isFloat) {
            float[] r = QuantMath.activationRangeFloat(act);
            flo = r[0];
            fhi = r[1];
            lo = hi = 0;
        } else if (t.isQuantized8()) {
            QuantParams qo = out.quant();
            int[] r = QuantMath.activationRange(act, qo.scale(), qo.zeroPoint(), t.minValue(), t.maxValue());
            if (r[0] > r[1]) return null;
            lo = r[0];
            hi = r[1];
            flo = fhi = 0;
        } else {
            return null;
        }
        boolean u = t == DataType.UINT8;
        byte flip = u ? (byte) 0x80 : 0;
        byte blo = (byte) (lo ^ (u ? 0x80 : 0)), bhi = (byte) (hi ^ (u ? 0x80 : 0));
        int rows = batches * w.outH();
        warmUp((isFloat ? "f32" : "q") + (average ? "-avgpool/" : "-maxpool/") + bits + "/" + u, () -> {
            int d = WARM_N / 4; // a 2x2 window over 4 pixels of d channels
            if (isFloat) {
                float[] x = new float[WARM_N], y = new float[d];
                for (int i = 0; i < WARM_N; i++) x[i] = i * 0.5f - 9f;
                switch (bits) {
                    case 512 -> { if (average) EwKernel512.avgPoolF(x, 0, 2 * d, d, 2, 2, y, 0, d, flo, fhi); else EwKernel512.maxPoolF(x, 0, 2 * d, d, 2, 2, y, 0, d, flo, fhi); }
                    case 256 -> { if (average) EwKernel256.avgPoolF(x, 0, 2 * d, d, 2, 2, y, 0, d, flo, fhi); else EwKernel256.maxPoolF(x, 0, 2 * d, d, 2, 2, y, 0, d, flo, fhi); }
                    default -> { if (average) EwKernel128.avgPoolF(x, 0, 2 * d, d, 2, 2, y, 0, d, flo, fhi); else EwKernel128.maxPoolF(x, 0, 2 * d, d, 2, 2, y, 0, d, flo, fhi); }
                }
            } else {
                byte[] x = warmBytes(), y = new byte[d];
                switch (bits) {
                    case 512 -> { if (average) EwKernel512.avgPool(x, 0, 2 * d, d, 2, 2, y, 0, d, u, lo, hi); else EwKernel512.maxPool(x, 0, 2 * d, d, 2, 2, y, 0, d, flip, blo, bhi); }
                    case 256 -> { if (average) EwKernel256.avgPool(x, 0, 2 * d, d, 2, 2, y, 0, d, u, lo, hi); else EwKernel256.maxPool(x, 0, 2 * d, d, 2, 2, y, 0, d, flip, blo, bhi); }
                    default -> { if (average) EwKernel128.avgPool(x, 0, 2 * d, d, 2, 2, y, 0, d, u, lo, hi); else EwKernel128.maxPool(x, 0, 2 * d, d, 2, 2, y, 0, d, flip, blo, bhi); }
                }
            }
        });
        // Fewer output rows than threads (a global pool): also split the channels, csplit contiguous ranges.
        int threads = ctx.options().threads();
        int csplit = rows < threads && depth >= 64 * threads ? threads : 1;
        long taps = (long) batches * depth * w.clippedTaps();
        return new Ew(bits, rows * csplit, threads, (isFloat ? "f32" : "q") + (average ? "-avgpool" : "-maxpool")) {
            @Override
            int minPart() { return 1; }

            @Override
            public long macs() { return taps; }

            @Override
            void part(ExecContext ec, int i0, int i1) {
                int ih = w.inH(), iw = w.inW();
                int mask = u ? 0xFF : -1;
                for (int item = i0; item < i1; item++) {
                    int r = item / csplit, cs = item % csplit;
                    int c0 = (int) ((long) depth * cs / csplit), nch = (int) ((long) depth * (cs + 1) / csplit) - c0;
                    int inBase = ec.offset(ii) + c0, outBase = ec.offset(io) + c0;
                    int b = r / w.outH(), oy = r % w.outH();
                    int y0 = oy * w.strideH() - w.padTop();
                    int fy0 = Math.max(0, -y0), fy1 = Math.min(w.kH(), ih - y0);
                    for (int ox = 0; ox < w.outW(); ox++) {
                        int x0 = ox * w.strideW() - w.padLeft();
                        int fx0 = Math.max(0, -x0), fx1 = Math.min(w.kW(), iw - x0);
                        int nr = Math.max(0, fy1 - fy0), nc = Math.max(0, fx1 - fx0);
                        int start = inBase + ((b * ih + y0 + fy0) * iw + x0 + fx0) * depth;
                        int o = outBase + ((b * w.outH() + oy) * w.outW() + ox) * depth;
                        if (isFloat) {
                            float[] x = ec.floats(ii), y = ec.floats(io);
                            int c = average && nr * nc == 0 ? 0 : average ? switch (bits) {
                                case 512 -> EwKernel512.avgPoolF(x, start, iw * depth, depth, nr, nc, y, o, nch, flo, fhi);
                                case 256 -> EwKernel256.avgPoolF(x, start, iw * depth, depth, nr, nc, y, o, nch, flo, fhi);
                                default -> EwKernel128.avgPoolF(x, start, iw * depth, depth, nr, nc, y, o, nch, flo, fhi);
                            } : switch (bits) {
                                case 512 -> EwKernel512.maxPoolF(x, start, iw * depth, depth, nr, nc, y, o, nch, flo, fhi);
                                case 256 -> EwKernel256.maxPoolF(x, start, iw * depth, depth, nr, nc, y, o, nch, flo, fhi);
                                default -> EwKernel128.maxPoolF(x, start, iw * depth, depth, nr, nc, y, o, nch, flo, fhi);
                            };
                            if (average) {
                                for (; c < nch; c++) {
                                    float acc = 0f;
                                    for (int fy = 0; fy < nr; fy++) {
                                        for (int fx = 0; fx < nc; fx++) acc += x[start + (fy * iw + fx) * depth + c];
                                    }
                                    float v = nr * nc == 0 ? 0f : acc / (nr * nc);
                                    v = v < flo ? flo : v;
                                    y[o + c] = fhi < v ? fhi : v;
                                }
                            }
                            for (; c < nch; c++) {
                                float acc = -Float.MAX_VALUE;
                                for (int fy = 0; fy < nr; fy++) {
                                    for (int fx = 0; fx < nc; fx++) {
                                        float v = x[start + (fy * iw + fx) * depth + c];
                                        acc = acc < v ? v : acc;
                                    }
                                }
                                acc = acc < flo ? flo : acc;
                                y[o + c] = fhi < acc ? fhi : acc;
                            }
                        } else {
                            byte[] x = ec.bytes(ii), y = ec.bytes(io);
                            int c = average && nr * nc == 0 ? 0 : average ? switch (bits) {
                                case 512 -> EwKernel512.avgPool(x, start, iw * depth, depth, nr, nc, y, o, nch, u, lo, hi);
                                case 256 -> EwKernel256.avgPool(x, start, iw * depth, depth, nr, nc, y, o, nch, u, lo, hi);
                                default -> EwKernel128.avgPool(x, start, iw * depth, depth, nr, nc, y, o, nch, u, lo, hi);
                            } : switch (bits) {
                                case 512 -> EwKernel512.maxPool(x, start, iw * depth, depth, nr, nc, y, o, nch, flip, blo, bhi);
                                case 256 -> EwKernel256.maxPool(x, start, iw * depth, depth, nr, nc, y, o, nch, flip, blo, bhi);
                                default -> EwKernel128.maxPool(x, start, iw * depth, depth, nr, nc, y, o, nch, flip, blo, bhi);
                            };
                            if (average) {
                                for (; c < nch; c++) {
                                    int acc = 0, cnt = nr * nc;
                                    for (int fy = 0; fy < nr; fy++) {
                                        for (int fx = 0; fx < nc; fx++) acc += x[start + (fy * iw + fx) * depth + c] & mask;
                                    }
                                    int v = cnt == 0 ? 0 : acc > 0 ? (acc + cnt / 2) / cnt : (acc - cnt / 2) / cnt;
                                    y[o + c] = (byte) QuantMath.clamp(v, lo, hi);
                                }
                            }
                            for (; c < nch; c++) {
                                int acc = Integer.MIN_VALUE;
                                for (int fy = 0; fy < nr; fy++) {
                                    for (int fx = 0; fx < nc; fx++) {
                                        int v = x[start + (fy * iw + fx) * depth + c] & mask;
                                        if (v > acc) acc = v;
                                    }
                                }
                                y[o + c] = (byte) QuantMath.clamp(acc, lo, hi);
                            }
                        }
                    }
                }
            }
        };
    }

    /** Elements of the private arrays the warm-up runs on. */
    private static final int WARM_N = 256;

    private static final java.util.Set<String> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static byte[] warmBytes() {
        byte[] x = new byte[WARM_N];
        for (int i = 0; i < WARM_N; i++) x[i] = (byte) (i * 37 + 11);
        return x;
    }

    /**
     * Runs {@code fn} (a kernel on a private small problem, with the operand strides the layer will use, so the
     * profile C2 compiles from is the layer's) until C2 has compiled the kernel as a whole method, once per key per JVM
     * and for at most a second: otherwise the first large runs of a model execute the vector loop
     * interpreted and then on-stack-replaced with boxed vectors, ten or more times slower (measured: the 10 ADDs of
     * MobileNetV2 took 4.7 ms per run after 5 warm-up runs, 0.27 ms after 200). Off with {@code -Doctet.simd.nowarmup=true}.
     */
    static void warmUp(String key, Runnable fn) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(key)) return;
        long end = System.nanoTime() + 1_000_000_000L;
        for (int it = 0; it < 12000 && System.nanoTime() < end; it++) fn.run();
    }

    /** Shape s, without its leading 1s, equals the last dims of out (so it repeats along out's leading dims). */
    static boolean isSuffix(int[] s, int[] out) {
        int i = 0;
        while (i < s.length && s[i] == 1) i++;
        int k = s.length - i;
        if (k > out.length) return false;
        for (int j = 0; j < k; j++) if (s[i + j] != out[out.length - k + j]) return false;
        return true;
    }

    /** A kernel over [0, n) work items split into contiguous parts across threads. */
    abstract static class Ew implements Kernel {
        final int bits, n, parts;
        final String name;

        final int period; // > 0: one operand repeats every period elements; parts hold whole periods

        Ew(int bits, int n, int threads, String name) { this(bits, n, 0, threads, name); }

        Ew(int bits, int n, int period, int threads, String name) {
            this.bits = bits;
            this.n = n;
            this.name = name + (period > 0 ? "-bcast" : "");
            this.period = period;
            this.parts = ExecContext.partsFor(threads, n, minPart());
        }

        /** Runs [s, e): in whole periods when an operand repeats (each period starts that operand over). */
        private void range(ExecContext ec, int s, int e) {
            if (period == 0) {
                part(ec, s, e);
                return;
            }
            for (int r = s; r < e; r += period) part(ec, r, r + period);
        }

        private int cut(int k, int p) {
            long c = (long) n * k / p;
            return period == 0 ? (int) c : (int) (c / period * period);
        }

        /** Smallest work worth a part of its own. */
        int minPart() { return 16384; }

        abstract void part(ExecContext ec, int start, int end);

        /** Part k of {@link #parts}: a contiguous range of work items (whole periods when an operand repeats). */
        private final dev.octet.core.Parallel.Task task = this::partOf;

        private void partOf(ExecContext ec, int k) { range(ec, cut(k, parts), cut(k + 1, parts)); }

        @Override
        public void run(ExecContext ec) {
            if (parts <= 1 || ec.threads() <= 1) {
                range(ec, 0, n);
                return;
            }
            ec.parallelFor(parts, task);
        }

        @Override
        public String variant() { return "simd" + bits + "-" + name; }
    }
}
