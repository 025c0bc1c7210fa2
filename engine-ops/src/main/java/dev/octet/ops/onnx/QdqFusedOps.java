package dev.octet.ops.onnx;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.Parallel;
import dev.octet.core.PrepareContext;
import dev.octet.core.TensorInfo;
import java.util.Map;

/**
 * Kernels for QDQ groups that ONNX Runtime replaces by an integer operator (its QDQ selector/action transformer),
 * with ONNX Runtime 1.23.2's x86-64 arithmetic:
 *
 * <ul>
 *   <li>ONNX_QLINEAR_SOFTMAX: DequantizeLinear -> Softmax -> QuantizeLinear (ORT com.microsoft.QLinearSoftmax, MLAS
 *       AVX2 kernel). Input and output int8/uint8, same type and shape. Attrs: {@code axis} (IR axis),
 *       {@code x_scale}, {@code y_scale}, {@code y_zero_point}. Arithmetic: a 256-entry float table
 *       t[i] = (float) exp((i - 255 + s) * x_scale) in double, s = max(0, ln(FLT_MAX / D) - 5) / x_scale (D = the axis
 *       length); each row (the D elements along the axis) is shifted so that its maximum indexes entry 255, the
 *       looked-up values are summed in float in the kernel's order (8 lanes over blocks of 16, then the tail, then the
 *       lanes), and y = round_half_even(t * ((1 / sum) * floor(1 / y_scale)) + y_zp) saturated (in the tail beyond
 *       the last block of 16, ORT's scalar path clamps only above 255 and wraps to 8 bits, reproduced too).
 *   <li>ONNX_QLINEAR_LOOKUP: an 8-bit to 8-bit table, ORT's QLinearSigmoid / QLinearLeakyRelu (and the per-input
 *       requantization of QLinearConcat): the 256 possible inputs are dequantized in float ((q - x_zp) * x_scale),
 *       mapped by {@code fn} ("sigmoid": MLAS's logistic, the Eigen rational approximation evaluated with fused
 *       multiply-adds as its FMA3/AVX-512 kernels do; "leaky_relu": x &gt;= 0 ? x : x * alpha; "identity") and quantized
 *       as QuantizeLinear does (x / y_scale rounded half to even, + y_zp, saturated). Attrs: {@code fn},
 *       {@code alpha}, {@code x_scale}, {@code x_zero_point}, {@code y_scale}, {@code y_zero_point}.
 *   <li>ONNX_QLINEAR_BINARY: DQ(a), DQ(b) -> Add/Mul -> Q as ORT's QLinearAdd / QLinearMul (MLAS x86-64 kernels). a, b
 *       and y of one 8-bit type; NumPy broadcasting. Attrs: {@code kind} ("add" or "mul"), {@code a_scale},
 *       {@code a_zero_point}, {@code b_scale}, {@code b_zero_point}, {@code y_scale}, {@code y_zero_point}.
 *       mul (MLAS SSE2 kernel): y = round_half_even((float) ((a - a_zp) * (b - b_zp)) * ((a_scale * b_scale) / y_scale)
 *       + y_zp), saturated. add (MLAS AVX2 kernel): with r_a = a_scale / y_scale,
 *       r_b = b_scale / y_scale and c = y_zp - fma(r_a, a_zp, r_b * b_zp) in float, y = round_half_even(fma(a, r_a,
 *       fma(b, r_b, c))) saturated (a and b the raw 8-bit values). With broadcasting, ORT's broadcaster hands MLAS one
 *       operand as a scalar (a one-element input, else the operand broadcast along the innermost non-unit dim) and
 *       MLAS folds it into the constant (contracted to an fma, so a scalar b gives the same formula); a scalar a is
 *       passed second (operands swapped), so c = y_zp - fma(r_b, b_zp, r_a * a_zp) and
 *       y = round_half_even(fma(b, r_b, fma(a, r_a, c))).
 *       This one kernel serves both the QDQ fusion pass and com.microsoft QLinearAdd/QLinearMul (the same ORT kernel:
 *       ORT's QDQ transformer rewrites DQ-Add-Q into QLinearAdd).
 *   <li>ONNX_QDQ_MATMUL: DQ(a), DQ(b) -> MatMul -> Q as ORT's QLinearMatMul: per-tensor a, b, y of 8-bit types (a and y
 *       one type), NumPy batch broadcasting; the int32 accumulator sum((a - a_zp) * (b - b_zp)) times the float
 *       multiplier (a_scale * b_scale) / y_scale, rounded half to even, + y_zp, saturated (MLAS's requantize
 *       output). Attrs: {@code a_scale}, {@code a_zero_point}, {@code b_scale}, {@code b_zero_point}, {@code y_scale},
 *       {@code y_zero_point}.
 *   <li>ONNX_QLINEAR_GLOBAL_AVERAGE_POOL: DQ -> GlobalAveragePool -> Q as ORT's QLinearGlobalAveragePool (MLAS):
 *       input NHWC 8-bit, output [N,1,1,C] of the same type; acc = sum(x) - x_zp * H*W in int32,
 *       y = round_half_even(acc * (x_scale / (y_scale * (float) (H*W)))) + y_zp, saturated. Attrs: {@code x_scale},
 *       {@code x_zero_point}, {@code y_scale}, {@code y_zero_point}.
 * </ul>
 */
public final class QdqFusedOps {
    /** Smallest part (elements) the intra-op split cuts for the element-wise kernels here. */
    static final int MIN_PART = 16384;
    private QdqFusedOps() {}

    public static final String ONNX_QLINEAR_SOFTMAX = "ONNX_QLINEAR_SOFTMAX";
    public static final String ONNX_QLINEAR_LOOKUP = "ONNX_QLINEAR_LOOKUP";
    public static final String ONNX_QLINEAR_BINARY = "ONNX_QLINEAR_BINARY";
    public static final String ONNX_QDQ_MATMUL = "ONNX_QDQ_MATMUL";
    public static final String ONNX_QLINEAR_GLOBAL_AVERAGE_POOL = "ONNX_QLINEAR_GLOBAL_AVERAGE_POOL";
    public static final String ATTR_KIND = "kind", ATTR_A_SCALE = "a_scale", ATTR_A_ZERO_POINT = "a_zero_point", ATTR_B_SCALE = "b_scale",
            ATTR_B_ZERO_POINT = "b_zero_point";
    /** How MLAS's compiled QLinearAdd forms its constant term: contracted to an FMA (GCC's default) or not. */
    static final boolean ADD_FIXED_FMA = !"false".equals(System.getProperty("octet.onnx.qladdFma"));
    public static final String ATTR_X_SCALE = "x_scale", ATTR_Y_SCALE = "y_scale", ATTR_Y_ZERO_POINT = "y_zero_point";
    public static final String ATTR_X_ZERO_POINT = "x_zero_point", ATTR_FN = "fn", ATTR_ALPHA = "alpha";

    static void register(Map<String, KernelFactory> table) {
        table.put(ONNX_QLINEAR_SOFTMAX, QdqFusedOps::qlinearSoftmax);
        table.put(ONNX_QLINEAR_LOOKUP, QdqFusedOps::qlinearLookup);
        table.put(ONNX_QLINEAR_BINARY, QdqFusedOps::qlinearBinary);
        table.put(ONNX_QDQ_MATMUL, QdqFusedOps::qlinearMatmul);
        table.put(ONNX_QLINEAR_GLOBAL_AVERAGE_POOL, QdqFusedOps::qlinearGlobalAveragePool);
    }

    static Kernel qlinearGlobalAveragePool(PrepareContext ctx) {
        TensorInfo x = ctx.input(0);
        if (x == null || !x.type().isQuantized8() || x.rank() != 4) throw ctx.unsupported("input must be a 4-D NHWC int8/uint8 tensor");
        DataType ot = ctx.output(0).type();
        if (ot != x.type()) throw ctx.invalid("output type must equal the input type");
        Attributes a = ctx.node().attrs();
        float xs = a.getFloat(ATTR_X_SCALE, Float.NaN), ys = a.getFloat(ATTR_Y_SCALE, Float.NaN);
        if (!(xs > 0) || Float.isInfinite(xs) || !(ys > 0) || Float.isInfinite(ys)) throw ctx.invalid("x_scale and y_scale must be positive and finite");
        int xz = a.getInt(ATTR_X_ZERO_POINT, 0), yz = a.getInt(ATTR_Y_ZERO_POINT, 0);
        int[] sh = x.shape();
        int n = sh[0], img = sh[1] * sh[2], c = sh[3];
        ctx.setOutputShape(0, new int[] {n, 1, 1, c});
        float scale = xs / (ys * (float) img);
        if (img >= 0x1000000 || !(scale >= 0x1.0p-32f && scale < 256f)) throw ctx.unsupported("scale ratio " + scale + " or image size " + img + " outside ONNX Runtime's range");
        boolean u8 = x.type() == DataType.UINT8;
        int lo = ot.minValue(), hi = ot.maxValue();
        int i = ctx.inputId(0), o = ctx.outputId(0);
        return ec -> {
            byte[] xb = ec.bytes(i), yb = ec.bytes(o);
            int xo = ec.offset(i), yo = ec.offset(o);
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int acc = -xz * img;
                    for (int p = 0; p < img; p++) {
                        byte v = xb[xo + (b * img + p) * c + ch];
                        acc += u8 ? v & 0xFF : v;
                    }
                    double r = Math.rint((float) acc * scale) + yz;
                    yb[yo + b * c + ch] = (byte) (r < lo ? lo : r > hi ? hi : (int) r);
                }
            }
        };
    }

    static Kernel qlinearMatmul(PrepareContext ctx) {
        TensorInfo a = ctx.input(0), b = ctx.input(1);
        if (a == null || b == null) throw ctx.invalid("needs two inputs");
        DataType ot = ctx.output(0).type();
        if (!a.type().isQuantized8() || !b.type().isQuantized8() || ot != a.type()) throw ctx.unsupported("8-bit inputs and an output of the first input's type");
        if (a.rank() < 2 || b.rank() < 2) throw ctx.unsupported("MatMul of a rank-1 tensor");
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], k2 = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != k2) throw ctx.invalid("MatMul inner dims differ: " + dev.octet.core.Shapes.str(as) + " x " + dev.octet.core.Shapes.str(bs));
        int[] ab = java.util.Arrays.copyOf(as, as.length - 2), bb = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = dev.octet.core.Shapes.broadcast(ab, bb);
        if (batch == null) throw ctx.invalid("MatMul batch dims do not broadcast");
        int[] os = java.util.Arrays.copyOf(batch, batch.length + 2);
        os[batch.length] = m;
        os[batch.length + 1] = n;
        ctx.setOutputShape(0, os);
        Attributes at = ctx.node().attrs();
        float sa = at.getFloat(ATTR_A_SCALE, Float.NaN), sb = at.getFloat(ATTR_B_SCALE, Float.NaN), sy = at.getFloat(ATTR_Y_SCALE, Float.NaN);
        for (float v : new float[] {sa, sb, sy}) if (!(v > 0) || Float.isInfinite(v)) throw ctx.invalid("scales must be positive and finite");
        int za = at.getInt(ATTR_A_ZERO_POINT, 0), zb = at.getInt(ATTR_B_ZERO_POINT, 0), zy = at.getInt(ATTR_Y_ZERO_POINT, 0);
        float mult = sa * sb / sy;
        int nb = dev.octet.core.Shapes.size(batch);
        int[] aOff = batchOffsets(batch, ab, m * k), bOff = batchOffsets(batch, bb, k * n);
        boolean ua = a.type() == DataType.UINT8, ub = b.type() == DataType.UINT8;
        int lo = ot.minValue(), hi = ot.maxValue();
        int ia = ctx.inputId(0), ib = ctx.inputId(1), io = ctx.outputId(0);
        long macs = (long) nb * m * n * k;
        return new Kernel() {
            @Override
            public void run(dev.octet.core.ExecContext ec) {
                byte[] x = ec.bytes(ia), w = ec.bytes(ib), y = ec.bytes(io);
                int xo = ec.offset(ia), wo = ec.offset(ib), yo = ec.offset(io);
                for (int bi = 0; bi < nb; bi++) {
                    int xa = xo + aOff[bi], wb = wo + bOff[bi], yb = yo + bi * m * n;
                    for (int r = 0; r < m; r++) {
                        for (int c = 0; c < n; c++) {
                            int acc = 0;
                            for (int q = 0; q < k; q++) {
                                int av = (ua ? x[xa + r * k + q] & 0xFF : x[xa + r * k + q]) - za;
                                int bv = (ub ? w[wb + q * n + c] & 0xFF : w[wb + q * n + c]) - zb;
                                acc += av * bv;
                            }
                            double v = Math.rint((float) acc * mult) + zy;
                            y[yb + r * n + c] = (byte) (v < lo ? lo : v > hi ? hi : (int) v);
                        }
                    }
                }
            }

            @Override
            public long macs() { return macs; }
        };
    }

    static Kernel qlinearBinary(PrepareContext ctx) {
        TensorInfo a = ctx.input(0), b = ctx.input(1);
        if (a == null || b == null) throw ctx.invalid("needs two inputs");
        DataType t = a.type();
        if (!t.isQuantized8() || b.type() != t || ctx.output(0).type() != t) throw ctx.unsupported("inputs and output must share one 8-bit type");
        Attributes at = ctx.node().attrs();
        String kind = at.getString(ATTR_KIND, "");
        float as = at.getFloat(ATTR_A_SCALE, Float.NaN), bs = at.getFloat(ATTR_B_SCALE, Float.NaN), ys = at.getFloat(ATTR_Y_SCALE, Float.NaN);
        for (float v : new float[] {as, bs, ys}) if (!(v > 0) || Float.isInfinite(v)) throw ctx.invalid("scales must be positive and finite");
        int az = at.getInt(ATTR_A_ZERO_POINT, 0), bz = at.getInt(ATTR_B_ZERO_POINT, 0), yz = at.getInt(ATTR_Y_ZERO_POINT, 0);
        int[] out = dev.octet.core.Shapes.broadcast(a.shape(), b.shape());
        if (out == null) throw ctx.invalid("shapes " + dev.octet.core.Shapes.str(a.shape()) + " and " + dev.octet.core.Shapes.str(b.shape()) + " do not broadcast");
        boolean add = kind.equals("add");
        if (!add && !kind.equals("mul")) throw ctx.unsupported("kind '" + kind + "'");
        ctx.setOutputShape(0, out);
        // Add with broadcasting: ORT's broadcaster hands MLAS one operand as a scalar (a whole-scalar input, else the one
        // broadcast along the innermost non-unit dim). MLAS folds the scalar into the constant (GCC contracts it to an
        // fma), which is the two-fma formula again for a scalar b; a scalar a is passed as MLAS's second operand, so
        // the fmas (and the constant's) nest the other way. Verified on every code pair (MicrosoftQOpsVsOrtTest).
        int mode = 0; // 0 both vectors, 1 a scalar, 2 b scalar
        if (add) {
            int na = dev.octet.core.Shapes.size(a.shape()), nb = dev.octet.core.Shapes.size(b.shape());
            if (na == 1) mode = 1;
            else if (nb == 1) mode = 2;
            else if (!java.util.Arrays.equals(a.shape(), b.shape())) {
                int[] ap = pad(a.shape(), out.length), bp = pad(b.shape(), out.length);
                for (int d = out.length - 1; d >= 0; d--) {
                    if (ap[d] == 1 && bp[d] == 1) continue;
                    if (ap[d] == 1) mode = 1;
                    else if (bp[d] == 1) mode = 2;
                    break;
                }
            }
        }
        int[] sa = bstrides(a.shape(), out), sb = bstrides(b.shape(), out);
        int n = dev.octet.core.Shapes.size(out);
        boolean signed = t == DataType.INT8;
        int lo = signed ? -128 : 0, hi = signed ? 127 : 255;
        float ratio = as * bs / ys, rA = as / ys, rB = bs / ys;
        // with a scalar a, ORT passes the operands to MLAS swapped (vector first), so the constant's FMA pairs the other way
        float fixed = (float) yz - (!ADD_FIXED_FMA ? rA * (float) az + rB * (float) bz
                : mode == 1 ? Math.fma(rB, (float) bz, rA * (float) az) : Math.fma(rA, (float) az, rB * (float) bz));
        float fyz = yz;
        int m = mode;
        int ia = ctx.inputId(0), ib = ctx.inputId(1), o = ctx.outputId(0);
        int[] shape = out;
        int r = shape.length;
        // element ranges over the intra-op threads; with broadcasting each part walks the index from its first element,
        // kept in int scratch (its own cache lines per part), so the arithmetic per element is the one-part arithmetic
        int parts = ExecContext.partsFor(ctx.options().threads(), n, 2048); // ~10 ns an element: small tensors split too
        int stride = (r + 15) / 16 * 16 + 16; // ints per part: a part's index on cache lines of its own (no false sharing)
        boolean same = java.util.Arrays.equals(a.shape(), out) && java.util.Arrays.equals(b.shape(), out);
        if (!same) ctx.requestScratch(DataType.Storage.INT, parts * stride);
        return new Kernel() {
            private final Parallel.Task task = this::part;

            @Override
            public void run(ExecContext ec) {
                if (parts == 1) part(ec, 0);
                else ec.parallelFor(parts, task);
            }

            private void part(ExecContext ec, int part) {
                int k0 = (int) ((long) n * part / parts), k1 = (int) ((long) n * (part + 1) / parts);
                byte[] xa = ec.bytes(ia), xb = ec.bytes(ib), y = ec.bytes(o);
                int ao = ec.offset(ia), bo = ec.offset(ib), yo = ec.offset(o);
                if (same) { // no broadcast: element k of both inputs
                    for (int k = k0; k < k1; k++) {
                        int va = signed ? xa[ao + k] : xa[ao + k] & 0xFF, vb = signed ? xb[bo + k] : xb[bo + k] & 0xFF;
                        y[yo + k] = binaryElement(add, m, va, vb, az, bz, ratio, fyz, rA, rB, fixed, lo, hi);
                    }
                    return;
                }
                int[] pos = ec.scratchInts();
                int po = part * stride;
                int pa = 0, pb = 0;
                for (int d = r - 1, rem = k0; d >= 0; d--) { // the broadcast index of element k0
                    int v = rem % shape[d];
                    rem /= shape[d];
                    pos[po + d] = v;
                    pa += v * sa[d];
                    pb += v * sb[d];
                }
                for (int k = k0; k < k1; k++) {
                    int va = signed ? xa[ao + pa] : xa[ao + pa] & 0xFF, vb = signed ? xb[bo + pb] : xb[bo + pb] & 0xFF;
                    y[yo + k] = binaryElement(add, m, va, vb, az, bz, ratio, fyz, rA, rB, fixed, lo, hi);
                    for (int d = r - 1; d >= 0; d--) {
                        pa += sa[d];
                        pb += sb[d];
                        if (++pos[po + d] < shape[d]) break;
                        pa -= sa[d] * shape[d];
                        pb -= sb[d] * shape[d];
                        pos[po + d] = 0;
                    }
                }
            }
        };
    }

    /**
     * One QLinearMul / QLinearAdd output code from the two input codes: MLAS's float formula (the add's two FMAs nest by
     * which operand is the scalar, {@code mode} 1: a), rounded half to even, saturated.
     */
    private static byte binaryElement(boolean add, int mode, int va, int vb, int az, int bz, float ratio, float fyz, float rA, float rB,
                                      float fixed, int lo, int hi) {
        float f;
        if (!add) f = (float) ((va - az) * (vb - bz)) * ratio + fyz;
        else if (mode == 1) f = Math.fma((float) vb, rB, Math.fma((float) va, rA, fixed));
        else f = Math.fma((float) va, rA, Math.fma((float) vb, rB, fixed));
        float rr = (float) Math.rint(f);
        return (byte) (rr < lo ? lo : rr > hi ? hi : (int) rr);
    }

    /** Element offset of each broadcast batch index into a matrix operand with batch dims {@code own}. */
    public static int[] batchOffsets(int[] batch, int[] own, int matSize) {
        int nb = dev.octet.core.Shapes.size(batch), r = batch.length;
        int[] offs = new int[nb];
        int[] st = new int[r];
        int acc = matSize;
        for (int d = r - 1; d >= 0; d--) {
            int od = d - (r - own.length);
            int dim = od >= 0 ? own[od] : 1;
            st[d] = dim == 1 ? 0 : acc;
            acc *= dim;
        }
        int[] idx = new int[r];
        for (int i = 0; i < nb; i++) {
            int o = 0;
            for (int d = 0; d < r; d++) o += idx[d] * st[d];
            offs[i] = o;
            for (int d = r - 1; d >= 0; d--) { if (++idx[d] < batch[d]) break; idx[d] = 0; }
        }
        return offs;
    }

    private static int[] pad(int[] s, int r) {
        int[] p = new int[r];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, r - s.length, s.length);
        return p;
    }

    /** Element strides of a tensor of shape s broadcast (right-aligned) to shape out: 0 along broadcast dims. */
    private static int[] bstrides(int[] s, int[] out) {
        int r = out.length;
        int[] st = new int[r];
        int acc = 1;
        for (int d = s.length - 1; d >= 0; d--) {
            int od = d + r - s.length;
            st[od] = s[d] == 1 && out[od] != 1 ? 0 : acc;
            acc *= s[d];
        }
        return st;
    }

    private static final float LOG_LO = -18.0f, LOG_HI = 18.0f;
    private static final float A9 = 4.37031012579801e-11f, A7 = 1.15627324459942e-07f, A5 = 6.08574864600143e-05f,
            A3 = 8.51377133304701e-03f, A1 = 2.48287947061529e-01f;
    private static final float B10 = 6.10247389755681e-13f, B8 = 5.76102136993427e-09f, B6 = 6.29106785017040e-06f,
            B4 = 1.70198817374094e-03f, B2 = 1.16817656904453e-01f, B0 = 9.93151921023180e-01f;

    /** MLAS's logistic on x86-64 (its FMA3 / AVX-512 kernels): clamp to [-18, 18], rational polynomial with FMAs. */
    static float mlasLogistic(float x) {
        if (Float.isNaN(x)) return x;
        float v = Math.max(LOG_LO, Math.min(LOG_HI, x));
        float v2 = v * v;
        float p = Math.fma(v2, A9, A7);
        p = Math.fma(p, v2, A5);
        p = Math.fma(p, v2, A3);
        p = Math.fma(p, v2, A1);
        p = p * v;
        float q = Math.fma(v2, B10, B8);
        q = Math.fma(q, v2, B6);
        q = Math.fma(q, v2, B4);
        q = Math.fma(q, v2, B2);
        q = Math.fma(q, v2, B0);
        float r = p / q + 0.5f;
        return Math.max(0f, Math.min(1f, r));
    }

    /** The 256-entry table of ONNX_QLINEAR_LOOKUP, indexed by the input's raw byte (as unsigned). */
    static byte[] lookupTable(String fn, float alpha, boolean xSigned, float xs, int xzp, boolean ySigned, float ys, int yzp) {
        byte[] t = new byte[256];
        int lo = ySigned ? -128 : 0, hi = ySigned ? 127 : 255;
        for (int b = 0; b < 256; b++) {
            int q = xSigned ? (byte) b : b;
            float x = (float) (q - xzp) * xs;
            float y = switch (fn) {
                case "sigmoid" -> mlasLogistic(x);
                case "leaky_relu" -> x >= 0 ? x : x * alpha;
                case "identity" -> x;
                default -> throw new IllegalArgumentException("unknown lookup function '" + fn + "'");
            };
            double r = Math.rint(y / ys) + yzp;
            int v = Double.isNaN(r) ? Math.max(lo, Math.min(hi, yzp)) : (int) Math.max(lo, Math.min(hi, r));
            t[b] = (byte) v;
        }
        return t;
    }

    static Kernel qlinearLookup(PrepareContext ctx) {
        TensorInfo x = ctx.input(0);
        if (x == null || !x.type().isQuantized8()) throw ctx.unsupported("input must be int8 or uint8");
        DataType ot = ctx.output(0).type();
        if (!ot.isQuantized8()) throw ctx.invalid("output must be int8 or uint8, is " + ot.lowerName());
        Attributes a = ctx.node().attrs();
        float xs = a.getFloat(ATTR_X_SCALE, Float.NaN), ys = a.getFloat(ATTR_Y_SCALE, Float.NaN);
        if (!(xs > 0) || Float.isInfinite(xs) || !(ys > 0) || Float.isInfinite(ys)) throw ctx.invalid("x_scale and y_scale must be positive and finite");
        byte[] table;
        try {
            table = lookupTable(a.getString(ATTR_FN, ""), a.getFloat(ATTR_ALPHA, 0.01f), x.type() == DataType.INT8, xs, a.getInt(ATTR_X_ZERO_POINT, 0),
                    ot == DataType.INT8, ys, a.getInt(ATTR_Y_ZERO_POINT, 0));
        } catch (IllegalArgumentException e) {
            throw ctx.unsupported(e.getMessage());
        }
        ctx.setOutputShape(0, x.shape());
        int i = ctx.inputId(0), o = ctx.outputId(0), n = x.size();
        return ec -> {
            byte[] xb = ec.bytes(i), yb = ec.bytes(o);
            int xo = ec.offset(i), yo = ec.offset(o);
            for (int k = 0; k < n; k++) yb[yo + k] = table[xb[xo + k] & 0xFF];
        };
    }

    /** ORT's QLinearSoftmax exp table for reduce length d, indexed by the (shifted) 8-bit input as uint8. */
    static float[] softmaxTable(float xScale, int d, boolean signed) {
        double shift = Math.log(Float.MAX_VALUE / (float) d);
        shift = Math.max(0.0, shift - 5) / xScale;
        float[] t = new float[256];
        for (int i = 0; i < 256; i++) {
            double e = Math.exp((i - 255 + shift) * (double) xScale);
            t[(signed ? i - 128 : i) & 0xFF] = (float) e;
        }
        return t;
    }

    static Kernel qlinearSoftmax(PrepareContext ctx) {
        TensorInfo x = ctx.input(0);
        if (x == null || !x.type().isQuantized8()) throw ctx.unsupported("input must be int8 or uint8");
        DataType ot = ctx.output(0).type();
        if (ot != x.type()) throw ctx.invalid("output type " + ot.lowerName() + " must equal the input type " + x.type().lowerName());
        int r = x.rank();
        Attributes a = ctx.node().attrs();
        int axis = a.getInt(Ops.ATTR_AXIS, r - 1);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) throw ctx.invalid("axis out of range for rank " + r);
        float xs = a.getFloat(ATTR_X_SCALE, Float.NaN), ys = a.getFloat(ATTR_Y_SCALE, Float.NaN);
        if (!(xs > 0) || Float.isInfinite(xs) || !(ys > 0) || Float.isInfinite(ys)) throw ctx.invalid("x_scale and y_scale must be positive and finite");
        int yzp = a.getInt(ATTR_Y_ZERO_POINT, 0);
        ctx.setOutputShape(0, x.shape());
        int[] sh = x.shape();
        int outer = 1, inner = 1, len = sh[axis];
        for (int d = 0; d < axis; d++) outer *= sh[d];
        for (int d = axis + 1; d < r; d++) inner *= sh[d];
        boolean signed = x.type() == DataType.INT8;
        float[] table = softmaxTable(xs, len, signed);
        float yScaleInv = (float) Math.floor(1.0f / ys);
        int i = ctx.inputId(0), o = ctx.outputId(0);
        final int fo = outer, fi = inner, fl = len;
        // rows (p, q) are independent: ranges of them over the intra-op threads, each row computed as with one part
        long rowsTotal = (long) outer * inner;
        int parts = (int) Math.min(rowsTotal, ExecContext.partsFor(ctx.options().threads(), rowsTotal * len, MIN_PART));
        return new Kernel() {
            private final Parallel.Task task = this::part;

            @Override
            public void run(ExecContext ec) {
                if (parts <= 1) rows(ec, 0, rowsTotal);
                else ec.parallelFor(parts, task);
            }

            private void part(ExecContext ec, int part) {
                rows(ec, rowsTotal * part / parts, rowsTotal * (part + 1) / parts);
            }

            private void rows(ExecContext ec, long r0, long r1) {
                byte[] xb = ec.bytes(i), yb = ec.bytes(o);
                int xo = ec.offset(i), yo = ec.offset(o);
                for (long row = r0; row < r1; row++) {
                    int p = (int) (row / fi), q = (int) (row % fi);
                    int base = p * fl * fi + q;
                    int max = signed ? -128 : 0;
                    for (int k = 0; k < fl; k++) {
                        int v = signed ? xb[xo + base + k * fi] : xb[xo + base + k * fi] & 0xFF;
                        if (v > max) max = v;
                    }
                    int adj = (signed ? 127 : 255) - max;
                    // eight partial sums, each fed two elements per 16 (ORT's vector loop), then the tail, then the lanes
                    float l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
                    int k = 0;
                    for (; k + 16 <= fl; k += 16) {
                        int b0 = xo + base + k * fi;
                        l0 += table[(xb[b0] + adj) & 0xFF];
                        l1 += table[(xb[b0 + fi] + adj) & 0xFF];
                        l2 += table[(xb[b0 + 2 * fi] + adj) & 0xFF];
                        l3 += table[(xb[b0 + 3 * fi] + adj) & 0xFF];
                        l4 += table[(xb[b0 + 4 * fi] + adj) & 0xFF];
                        l5 += table[(xb[b0 + 5 * fi] + adj) & 0xFF];
                        l6 += table[(xb[b0 + 6 * fi] + adj) & 0xFF];
                        l7 += table[(xb[b0 + 7 * fi] + adj) & 0xFF];
                        l0 += table[(xb[b0 + 8 * fi] + adj) & 0xFF];
                        l1 += table[(xb[b0 + 9 * fi] + adj) & 0xFF];
                        l2 += table[(xb[b0 + 10 * fi] + adj) & 0xFF];
                        l3 += table[(xb[b0 + 11 * fi] + adj) & 0xFF];
                        l4 += table[(xb[b0 + 12 * fi] + adj) & 0xFF];
                        l5 += table[(xb[b0 + 13 * fi] + adj) & 0xFF];
                        l6 += table[(xb[b0 + 14 * fi] + adj) & 0xFF];
                        l7 += table[(xb[b0 + 15 * fi] + adj) & 0xFF];
                    }
                    int vecEnd = k;
                    float total = 0;
                    for (; k < fl; k++) total += table[(xb[xo + base + k * fi] + adj) & 0xFF];
                    total += l0;
                    total += l1;
                    total += l2;
                    total += l3;
                    total += l4;
                    total += l5;
                    total += l6;
                    total += l7;
                    float scale = (1.0f / total) * yScaleInv;
                    for (k = 0; k < fl; k++) {
                        float t = table[(xb[xo + base + k * fi] + adj) & 0xFF];
                        float f = t * scale + (float) yzp;
                        int v = (int) Math.rint(f);
                        byte out;
                        if (k < vecEnd) {
                            out = (byte) (signed ? Math.max(-128, Math.min(127, v)) : Math.max(0, Math.min(255, v)));
                        } else {
                            out = (byte) (v > 255 ? 255 : v); // ORT's scalar tail: clamps only above, wraps to 8 bits
                        }
                        yb[yo + base + k * fi] = out;
                    }
                }
            }
        };
    }
}
