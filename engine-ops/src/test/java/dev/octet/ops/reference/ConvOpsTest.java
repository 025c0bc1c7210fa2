package dev.octet.ops.reference;

import static dev.octet.ops.reference.ConvTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.octet.core.Attributes;
import dev.octet.core.DataType;
import dev.octet.core.Graph;
import dev.octet.core.Model;
import dev.octet.core.ModelFormatException;
import dev.octet.core.Ops;
import dev.octet.core.QuantParams;
import dev.octet.core.Tensor;
import dev.octet.core.UnsupportedOpException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED reference kernels against independently computed values. */
class ConvOpsTest {

    // ---------------------------------------------------------------- configuration of one conv test case

    /** One (depthwise) convolution case; {@code groups} only for CONV_2D, {@code m} only for depthwise. */
    record Case(int n, int h, int w, int ci, int co, int kh, int kw, int sh, int sw, int dh, int dw, boolean same,
                String act, boolean bias, int groups, int m) {
        Attributes attrs() {
            Attributes.Builder a = Attributes.builder().put(Ops.ATTR_PADDING, same ? "SAME" : "VALID")
                    .put(Ops.ATTR_STRIDE_H, sh).put(Ops.ATTR_STRIDE_W, sw).put(Ops.ATTR_DILATION_H, dh).put(Ops.ATTR_DILATION_W, dw)
                    .put(Ops.ATTR_ACTIVATION, act);
            if (m > 0) a.put(Ops.ATTR_DEPTH_MULTIPLIER, m);
            return a.build();
        }

        int oh() { return outSize(h, kh, sh, dh, same); }

        int ow() { return outSize(w, kw, sw, dw, same); }

        int top() { return same ? samePadBefore(h, kh, sh, dh) : 0; }

        int left() { return same ? samePadBefore(w, kw, sw, dw) : 0; }
    }

    static Case conv(int n, int h, int w, int ci, int co, int k, int s, int d, boolean same, String act, boolean bias) {
        return new Case(n, h, w, ci, co, k, k, s, s, d, d, same, act, bias, 1, 0);
    }

    static Case dw(int n, int h, int w, int ci, int m, int k, int s, int d, boolean same, String act, boolean bias) {
        return new Case(n, h, w, ci, ci * m, k, k, s, s, d, d, same, act, bias, 1, m);
    }

    // ---------------------------------------------------------------- quantized runner

    /**
     * Builds and runs a quantized (depthwise) conv with random data and compares every output element with
     * the independent expectation. {@code perChannel}: int8 filter with one scale per output channel.
     */
    static void checkQuantized(Case c, boolean depthwise, DataType type, boolean perChannel, long seed) {
        Random r = new Random(seed);
        boolean u8 = type == DataType.UINT8;
        int qmin = type.minValue(), qmax = type.maxValue();
        int inZp = u8 ? 117 : -9, wZp = u8 ? 131 : 0;
        float inS = 0.0213f;
        int[] inShape = {c.n(), c.h(), c.w(), c.ci()};
        int[] wShape = depthwise ? new int[] {1, c.kh(), c.kw(), c.co()} : new int[] {c.co(), c.kh(), c.kw(), c.ci() / c.groups()};
        byte[] x = randomBytes(r, c.n() * c.h() * c.w() * c.ci(), qmin, qmax);
        byte[] wq = randomBytes(r, wShape[0] * wShape[1] * wShape[2] * wShape[3], u8 ? 0 : -127, u8 ? 255 : 127);
        float[] wScales = new float[c.co()];
        for (int o = 0; o < c.co(); o++) wScales[o] = perChannel ? 0.002f + 0.0007f * r.nextFloat() * (o + 1) : 0.0031f;
        int[] bias = c.bias() ? randomInts(r, c.co(), 3000) : null;

        double[] sums = depthwise
                ? depthwiseSums(toDouble(centered(x, u8, inZp)), c.n(), c.h(), c.w(), c.ci(), toDouble(centered(wq, u8, wZp)), c.m(),
                        c.kh(), c.kw(), c.sh(), c.sw(), c.dh(), c.dw(), c.top(), c.left(), c.oh(), c.ow())
                : convSums(toDouble(centered(x, u8, inZp)), c.n(), c.h(), c.w(), c.ci(), toDouble(centered(wq, u8, wZp)), c.co(),
                        c.kh(), c.kw(), c.groups(), c.sh(), c.sw(), c.dh(), c.dw(), c.top(), c.left(), c.oh(), c.ow());
        int[] acc = new int[sums.length];
        double maxReal = 1e-9;
        for (int i = 0; i < sums.length; i++) {
            int o = i % c.co();
            acc[i] = (int) sums[i] + (bias == null ? 0 : bias[o]);
            maxReal = Math.max(maxReal, Math.abs(acc[i] * (double) inS * wScales[o]));
        }
        // an output scale that uses most of the 8-bit range (some values clip, as they do in real models)
        float outS = (float) (maxReal / 100.0);
        int outZp = u8 ? 128 + 5 : 3;
        int[] range = actRange(c.act(), outS, outZp, qmin, qmax);

        QuantParams wQ = perChannel ? QuantParams.perAxis(wScales, new int[] {0}, depthwise ? 3 : 0) : QuantParams.perTensor(wScales[0], wZp);
        T in = T.act(type, inShape, QuantParams.perTensor(inS, inZp));
        T filter = new T(type, wShape, wQ, buf(wq));
        T b = bias == null ? null : new T(DataType.INT32, new int[] {c.co()}, QuantParams.NONE, buf(bias));
        Graph g = single(depthwise ? Ops.DEPTHWISE_CONV_2D : Ops.CONV_2D, c.attrs(), in, filter, b, type, QuantParams.perTensor(outS, outZp));
        Tensor out = run(g, x, 1);
        assertArrayEquals(new int[] {c.n(), c.oh(), c.ow(), c.co()}, out.shape());

        int clipped = 0;
        for (int i = 0; i < acc.length; i++) {
            int o = i % c.co();
            // TFLite 2.6.2 takes the scale product in float for uint8, in double for int8 per-channel
            double real = u8 ? (double) (inS * wScales[o]) / (double) outS : (double) inS * (double) wScales[o] / (double) outS;
            int want = requantize(acc[i], real, outZp, range[0], range[1], !u8 && !depthwise);
            int got = u8 ? out.bytes()[i] & 0xFF : out.bytes()[i];
            assertEquals(want, got, "element " + i + " (acc " + acc[i] + ")");
            // the fixed-point result is within one step of the exact real-valued result
            double exact = Math.max(range[0], Math.min(range[1], acc[i] * real + outZp));
            assertTrue(Math.abs(exact - got) <= 1.0, "element " + i + ": " + got + " vs real " + exact);
            if (got == range[0] || got == range[1]) clipped++;
        }
        assertTrue(clipped < acc.length, "every output clipped: the test would prove nothing");
        // more threads give the same bytes
        assertArrayEquals(out.bytes(), run(g, x, 2).bytes());
    }

    // ---------------------------------------------------------------- CONV_2D quantized

    @Test
    void convUint8Stride1SameBatch2() { checkQuantized(conv(2, 5, 6, 3, 4, 3, 1, 1, true, "NONE", true), false, DataType.UINT8, false, 1); }

    @Test
    void convUint8Stride2ValidRelu6NoBias() { checkQuantized(conv(1, 7, 8, 4, 5, 3, 2, 1, false, "RELU6", false), false, DataType.UINT8, false, 2); }

    @Test
    void convUint8Stride2SameRelu() { checkQuantized(conv(1, 8, 7, 3, 6, 3, 2, 1, true, "RELU", true), false, DataType.UINT8, false, 3); }

    @Test
    void convUint8Pointwise() { checkQuantized(conv(2, 4, 4, 8, 3, 1, 1, 1, false, "NONE", true), false, DataType.UINT8, false, 4); }

    @Test
    void convInt8PerChannelDilation2SameReluOddChannels() {
        checkQuantized(conv(2, 9, 8, 5, 7, 3, 1, 2, true, "RELU", true), false, DataType.INT8, true, 5);
    }

    @Test
    void convInt8PerChannelStride2Valid() { checkQuantized(conv(1, 9, 9, 3, 8, 3, 2, 1, false, "NONE", false), false, DataType.INT8, true, 6); }

    @Test
    void convInt8PerTensorIsOneChannelCase() { checkQuantized(conv(1, 6, 5, 4, 3, 2, 2, 1, true, "RELU6", true), false, DataType.INT8, false, 7); }

    @Test
    void convInt8NonSquareKernelAndStrides() {
        checkQuantized(new Case(1, 7, 9, 3, 4, 2, 3, 1, 2, 1, 1, true, "NONE", true, 1, 0), false, DataType.INT8, true, 8);
    }

    @Test
    void convInt8Grouped() {
        checkQuantized(new Case(1, 5, 5, 6, 4, 3, 3, 1, 1, 1, 1, true, "NONE", true, 2, 0), false, DataType.INT8, true, 9);
    }

    // ---------------------------------------------------------------- DEPTHWISE_CONV_2D quantized

    @Test
    void depthwiseUint8Stride2SameRelu6() { checkQuantized(dw(1, 9, 8, 5, 1, 3, 2, 1, true, "RELU6", true), true, DataType.UINT8, false, 11); }

    @Test
    void depthwiseUint8Multiplier2ValidBatch2() { checkQuantized(dw(2, 6, 6, 3, 2, 3, 1, 1, false, "NONE", true), true, DataType.UINT8, false, 12); }

    @Test
    void depthwiseInt8PerChannelMultiplier3Dilation2NoBias() {
        checkQuantized(dw(2, 8, 9, 3, 3, 3, 1, 2, true, "RELU", false), true, DataType.INT8, true, 13);
    }

    @Test
    void depthwiseInt8PerChannelStride2Valid() { checkQuantized(dw(1, 10, 9, 7, 1, 3, 2, 1, false, "RELU6", true), true, DataType.INT8, true, 14); }

    @Test
    void depthwiseInt8PerTensor() { checkQuantized(dw(1, 5, 5, 4, 1, 5, 1, 1, true, "NONE", true), true, DataType.INT8, false, 15); }

    @Test
    void depthwiseMultiplierDerivedFromShapesWhenAttributeIsZero() {
        Case c = dw(1, 5, 4, 2, 3, 3, 1, 1, true, "NONE", true);
        checkQuantizedDepthwiseWithAttr(c, 0);
        checkQuantizedDepthwiseWithAttr(c, 1); // a wrong attribute is ignored, as TFLite does
    }

    private static void checkQuantizedDepthwiseWithAttr(Case c, int attrM) {
        // run the same case twice, once with the proper attribute and once with attrM, and compare bytes
        Random r = new Random(99);
        byte[] x = randomBytes(r, c.n() * c.h() * c.w() * c.ci(), -128, 127);
        byte[] wq = randomBytes(r, c.kh() * c.kw() * c.co(), -127, 127);
        T in = T.act(DataType.INT8, new int[] {c.n(), c.h(), c.w(), c.ci()}, QuantParams.perTensor(0.05f, 1));
        T f = new T(DataType.INT8, new int[] {1, c.kh(), c.kw(), c.co()}, QuantParams.perTensor(0.01f, 0), buf(wq));
        QuantParams oq = QuantParams.perTensor(0.2f, -2);
        Attributes good = c.attrs();
        Attributes other = Attributes.builder().put(Ops.ATTR_PADDING, "SAME").put(Ops.ATTR_DEPTH_MULTIPLIER, attrM).build();
        Tensor a = run(single(Ops.DEPTHWISE_CONV_2D, good, in, f, null, DataType.INT8, oq), x, 1);
        Tensor b = run(single(Ops.DEPTHWISE_CONV_2D, other, in, f, null, DataType.INT8, oq), x, 1);
        assertArrayEquals(new int[] {1, 5, 4, 6}, b.shape());
        assertArrayEquals(a.bytes(), b.bytes());
    }

    // ---------------------------------------------------------------- hand-computed anchors

    /** A 1x1 uint8 conv whose multiplier is exactly 0.5 shows the rounding of ties (half up in the high product). */
    @Test
    void uint8TiesRoundHalfUpWhenTheShiftIsZero() {
        // input scale 1, filter scale 1, output scale 2: M = 0.5 = 2^30 * 2^(0-31) exactly, shift 0
        byte[] x = {(byte) 13, (byte) 7, (byte) 10, (byte) 9, (byte) 11}; // minus zp 10: 3, -3, 0, -1, 1
        T in = T.act(DataType.UINT8, new int[] {1, 1, 5, 1}, QuantParams.perTensor(1f, 10));
        T f = new T(DataType.UINT8, new int[] {1, 1, 1, 1}, QuantParams.perTensor(1f, 100), buf(new byte[] {(byte) 101})); // weight 1
        Graph g = single(Ops.CONV_2D, Attributes.builder().put(Ops.ATTR_PADDING, "VALID").build(), in, f, null, DataType.UINT8,
                QuantParams.perTensor(2f, 50));
        Tensor out = run(g, x, 1);
        // 1.5 -> 2, -1.5 -> -1, 0 -> 0, -0.5 -> 0, 0.5 -> 1 ; plus zero point 50
        assertArrayEquals(new int[] {52, 49, 50, 50, 51}, unsigned(out.bytes()));
    }

    /**
     * M = 0.25 (shift -1) on accumulators 6, -6, 2, -2, 10 (exact results 1.5, -1.5, 0.5, -0.5, 2.5): int8 CONV_2D and
     * FULLY_CONNECTED round ties upward (ruy), int8 DEPTHWISE_CONV_2D away from zero, as TFLite 2.6.2 does on x86.
     */
    @Test
    void int8TiesFollowTheTfliteKernelOfEachOp() {
        byte[] x = {6, -6, 2, -2, 10};
        QuantParams half = QuantParams.perTensor(0.5f, 0), one = QuantParams.perTensor(1f, 0);
        Attributes valid = Attributes.builder().put(Ops.ATTR_PADDING, "VALID").build();
        T in = T.act(DataType.INT8, new int[] {1, 1, 5, 1}, half);
        T f = new T(DataType.INT8, new int[] {1, 1, 1, 1}, half, buf(new byte[] {1}));
        assertArrayEquals(new byte[] {2, -1, 1, 0, 3}, run(single(Ops.CONV_2D, valid, in, f, null, DataType.INT8, one), x, 1).bytes());
        assertArrayEquals(new byte[] {2, -2, 1, -1, 3}, run(single(Ops.DEPTHWISE_CONV_2D, valid, in, f, null, DataType.INT8, one), x, 1).bytes());
        T fcIn = T.act(DataType.INT8, new int[] {5, 1}, half);
        T fcW = new T(DataType.INT8, new int[] {1, 1}, half, buf(new byte[] {1}));
        assertArrayEquals(new byte[] {2, -1, 1, 0, 3}, run(single(Ops.FULLY_CONNECTED, Attributes.EMPTY, fcIn, fcW, null, DataType.INT8, one), x, 1).bytes());
    }

    /** The same ties through uint8 ops (zero points 128): all round away from zero in the final shift (gemmlowp). */
    @Test
    void uint8TiesRoundAwayFromZeroInTheShift() {
        byte[] x = {(byte) 134, (byte) 122, (byte) 130, (byte) 126, (byte) 138};
        QuantParams half = QuantParams.perTensor(0.5f, 128), one = QuantParams.perTensor(1f, 128);
        Attributes valid = Attributes.builder().put(Ops.ATTR_PADDING, "VALID").build();
        T in = T.act(DataType.UINT8, new int[] {1, 1, 5, 1}, half);
        T f = new T(DataType.UINT8, new int[] {1, 1, 1, 1}, half, buf(new byte[] {(byte) 129}));
        int[] want = {130, 126, 129, 127, 131};
        assertArrayEquals(want, unsigned(run(single(Ops.CONV_2D, valid, in, f, null, DataType.UINT8, one), x, 1).bytes()));
        assertArrayEquals(want, unsigned(run(single(Ops.DEPTHWISE_CONV_2D, valid, in, f, null, DataType.UINT8, one), x, 1).bytes()));
        T fcIn = T.act(DataType.UINT8, new int[] {5, 1}, half);
        T fcW = new T(DataType.UINT8, new int[] {1, 1}, half, buf(new byte[] {(byte) 129}));
        assertArrayEquals(want, unsigned(run(single(Ops.FULLY_CONNECTED, Attributes.EMPTY, fcIn, fcW, null, DataType.UINT8, one), x, 1).bytes()));
    }

    /**
     * Scales of a real uint8 layer (mobilenet_v2_1.0_224_quant, expanded_conv_8/expand) where the float scale
     * product matters: acc 13327 is 157.4922 exactly; TFLite 2.6.2 outputs 157 (multiplier from the float product
     * 1624188583), a double product would give multiplier 1624188629 and output 158.
     */
    @Test
    void uint8MultiplierUsesTheFloatScaleProductLikeTflite() {
        float inS = 0.18911026f, wS = 0.0014702979f, outS = 0.023528477f;
        // 1x1 conv, one input pixel, weight 1 (zp 134 + 1); the bias carries the accumulator
        T in = T.act(DataType.UINT8, new int[] {1, 1, 1, 1}, QuantParams.perTensor(inS, 122));
        T f = new T(DataType.UINT8, new int[] {1, 1, 1, 1}, QuantParams.perTensor(wS, 134), buf(new byte[] {(byte) 135}));
        T b = new T(DataType.INT32, new int[] {1}, null, buf(new int[] {13327 - 1}));
        Graph g = single(Ops.CONV_2D, Attributes.builder().put(Ops.ATTR_PADDING, "VALID").build(), in, f, b, DataType.UINT8, QuantParams.perTensor(outS, 0));
        assertEquals(157, run(g, new byte[] {(byte) 123}, 1).bytes()[0] & 0xFF);
    }

    @Test
    void floatConvHandComputed() {
        // 3x3 input 1..9, 2x2 filter of ones, VALID, stride 1, bias 0.5: sums of each 2x2 block + 0.5
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        T in = T.act(DataType.FLOAT32, new int[] {1, 3, 3, 1}, null);
        T f = new T(DataType.FLOAT32, new int[] {1, 2, 2, 1}, null, buf(new float[] {1, 1, 1, 1}));
        T b = new T(DataType.FLOAT32, new int[] {1}, null, buf(new float[] {0.5f}));
        Tensor out = run(single(Ops.CONV_2D, Attributes.builder().put(Ops.ATTR_PADDING, "VALID").build(), in, f, b, DataType.FLOAT32, null), x, 1);
        assertArrayEquals(new int[] {1, 2, 2, 1}, out.shape());
        assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, out.floats());
        // SAME pads the bottom/right only (total padding 1 goes after): last row/column see one input
        Tensor same = run(single(Ops.CONV_2D, Attributes.builder().put(Ops.ATTR_PADDING, "SAME").build(), in, f, b, DataType.FLOAT32, null), x, 1);
        assertArrayEquals(new float[] {12.5f, 16.5f, 9.5f, 24.5f, 28.5f, 15.5f, 15.5f, 17.5f, 9.5f}, same.floats());
    }

    // ---------------------------------------------------------------- float

    static void checkFloat(Case c, boolean depthwise, boolean halfFilter, long seed) {
        Random r = new Random(seed);
        int[] wShape = depthwise ? new int[] {1, c.kh(), c.kw(), c.co()} : new int[] {c.co(), c.kh(), c.kw(), c.ci() / c.groups()};
        float[] x = randomFloats(r, c.n() * c.h() * c.w() * c.ci());
        float[] w = randomFloats(r, wShape[0] * wShape[1] * wShape[2] * wShape[3]);
        if (halfFilter) for (int i = 0; i < w.length; i++) w[i] = Float.float16ToFloat(Float.floatToFloat16(w[i]));
        float[] bias = c.bias() ? randomFloats(r, c.co()) : null;
        double[] sums = depthwise
                ? depthwiseSums(toDouble(x), c.n(), c.h(), c.w(), c.ci(), toDouble(w), c.m(), c.kh(), c.kw(), c.sh(), c.sw(), c.dh(), c.dw(),
                        c.top(), c.left(), c.oh(), c.ow())
                : convSums(toDouble(x), c.n(), c.h(), c.w(), c.ci(), toDouble(w), c.co(), c.kh(), c.kw(), c.groups(), c.sh(), c.sw(), c.dh(),
                        c.dw(), c.top(), c.left(), c.oh(), c.ow());
        T in = T.act(DataType.FLOAT32, new int[] {c.n(), c.h(), c.w(), c.ci()}, null);
        T f = new T(halfFilter ? DataType.FLOAT16 : DataType.FLOAT32, wShape, null, halfFilter ? half(w) : buf(w));
        T b = bias == null ? null : new T(DataType.FLOAT32, new int[] {c.co()}, null, buf(bias));
        Tensor out = run(single(depthwise ? Ops.DEPTHWISE_CONV_2D : Ops.CONV_2D, c.attrs(), in, f, b, DataType.FLOAT32, null), x, 1);
        assertArrayEquals(new int[] {c.n(), c.oh(), c.ow(), c.co()}, out.shape());
        assertFloats(sums, bias, c.co(), c.act(), out.floats());
    }

    static void assertFloats(double[] sums, float[] bias, int co, String act, float[] got) {
        double lo = act.equals("NONE") ? Double.NEGATIVE_INFINITY : 0, hi = act.equals("RELU6") ? 6 : Double.POSITIVE_INFINITY;
        assertEquals(sums.length, got.length);
        for (int i = 0; i < sums.length; i++) {
            double want = Math.max(lo, Math.min(hi, sums[i] + (bias == null ? 0 : bias[i % co])));
            assertEquals(want, got[i], 1e-5 + 1e-4 * Math.abs(want), "element " + i);
        }
    }

    @Test
    void floatConvStride2SameRelu() { checkFloat(conv(2, 7, 6, 3, 5, 3, 2, 1, true, "RELU", true), false, false, 21); }

    @Test
    void floatConvFloat16FilterDilatedValidNoBias() { checkFloat(conv(1, 9, 9, 4, 3, 3, 1, 2, false, "NONE", false), false, true, 22); }

    @Test
    void floatConvGroupedRelu6() { checkFloat(new Case(1, 5, 6, 6, 9, 3, 3, 1, 1, 1, 1, true, "RELU6", true, 3, 0), false, false, 23); }

    @Test
    void floatDepthwiseMultiplier2Stride2() { checkFloat(dw(2, 7, 8, 3, 2, 3, 2, 1, true, "RELU6", true), true, false, 24); }

    @Test
    void floatDepthwiseFloat16Dilation() { checkFloat(dw(1, 9, 7, 5, 1, 3, 1, 2, false, "NONE", false), true, true, 25); }

    // ---------------------------------------------------------------- FULLY_CONNECTED

    static void checkQuantizedFC(DataType type, int[] inShape, int k, int co, boolean keepDims, String act, boolean withBias, int[] wantShape, long seed) {
        Random r = new Random(seed);
        boolean u8 = type == DataType.UINT8;
        int size = 1;
        for (int d : inShape) size *= d;
        int batch = size / k;
        int inZp = u8 ? 120 : 5, wZp = u8 ? 140 : 0;
        float inS = 0.04f, wS = 0.003f;
        byte[] x = randomBytes(r, size, type.minValue(), type.maxValue());
        byte[] w = randomBytes(r, co * k, u8 ? 0 : -127, u8 ? 255 : 127);
        int[] bias = withBias ? randomInts(r, co, 5000) : null;
        int[] xc = centered(x, u8, inZp), wc = centered(w, u8, wZp);
        int[] acc = new int[batch * co];
        double maxReal = 1e-9;
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < co; o++) {
                int s = bias == null ? 0 : bias[o];
                for (int i = 0; i < k; i++) s += xc[b * k + i] * wc[o * k + i];
                acc[b * co + o] = s;
                maxReal = Math.max(maxReal, Math.abs(s * (double) inS * wS));
            }
        float outS = (float) (maxReal / 90);
        int outZp = u8 ? 100 : -7;
        int[] range = actRange(act, outS, outZp, type.minValue(), type.maxValue());
        T in = T.act(type, inShape, QuantParams.perTensor(inS, inZp));
        T f = new T(type, new int[] {co, k}, QuantParams.perTensor(wS, wZp), buf(w));
        T b = bias == null ? null : new T(DataType.INT32, new int[] {co}, null, buf(bias));
        Attributes attrs = Attributes.builder().put(Ops.ATTR_ACTIVATION, act).put(Ops.ATTR_KEEP_NUM_DIMS, keepDims).build();
        Tensor out = run(single(Ops.FULLY_CONNECTED, attrs, in, f, b, type, QuantParams.perTensor(outS, outZp)), x, 1);
        assertArrayEquals(wantShape, out.shape());
        double real = (double) (inS * wS) / (double) outS; // FULLY_CONNECTED: scale product in float
        for (int i = 0; i < acc.length; i++) {
            int got = u8 ? out.bytes()[i] & 0xFF : out.bytes()[i];
            assertEquals(requantize(acc[i], real, outZp, range[0], range[1], !u8), got, "element " + i);
        }
    }

    @Test
    void fcUint8FlattensA4dInput() { checkQuantizedFC(DataType.UINT8, new int[] {2, 1, 1, 11}, 11, 7, false, "NONE", true, new int[] {2, 7}, 31); }

    @Test
    void fcUint8Relu6NoBias() { checkQuantizedFC(DataType.UINT8, new int[] {1, 16}, 16, 5, false, "RELU6", false, new int[] {1, 5}, 32); }

    @Test
    void fcInt8KeepNumDims() { checkQuantizedFC(DataType.INT8, new int[] {2, 3, 9}, 9, 4, true, "RELU", true, new int[] {2, 3, 4}, 33); }

    @Test
    void fcInt8BatchFromElementCount() {
        // [3, 8] read with K = 4: batch 6
        checkQuantizedFC(DataType.INT8, new int[] {3, 8}, 4, 5, false, "NONE", true, new int[] {6, 5}, 34);
    }

    @Test
    void fcFloatKeepNumDimsAndFloat16() {
        Random r = new Random(35);
        int k = 6, co = 4;
        float[] x = randomFloats(r, 2 * 3 * k);
        float[] w = randomFloats(r, co * k);
        for (int i = 0; i < w.length; i++) w[i] = Float.float16ToFloat(Float.floatToFloat16(w[i]));
        float[] bias = randomFloats(r, co);
        double[] sums = new double[6 * co];
        for (int b = 0; b < 6; b++)
            for (int o = 0; o < co; o++)
                for (int i = 0; i < k; i++) sums[b * co + o] += (double) x[b * k + i] * w[o * k + i];
        T in = T.act(DataType.FLOAT32, new int[] {2, 3, k}, null);
        T f = new T(DataType.FLOAT16, new int[] {co, k}, null, half(w));
        T b = new T(DataType.FLOAT32, new int[] {co}, null, buf(bias));
        Attributes keep = Attributes.builder().put(Ops.ATTR_ACTIVATION, "RELU").put(Ops.ATTR_KEEP_NUM_DIMS, true).build();
        Tensor out = run(single(Ops.FULLY_CONNECTED, keep, in, f, b, DataType.FLOAT32, null), x, 1);
        assertArrayEquals(new int[] {2, 3, co}, out.shape());
        assertFloats(sums, bias, co, "RELU", out.floats());
        Tensor flat = run(single(Ops.FULLY_CONNECTED, Attributes.EMPTY, in, f, null, DataType.FLOAT32, null), x, 1);
        assertArrayEquals(new int[] {6, co}, flat.shape());
        assertFloats(sums, null, co, "NONE", flat.floats());
    }

    // ---------------------------------------------------------------- runtime (non-constant) weights, explicit pads

    /** Filter and bias fed as graph inputs are read at run time and give the same bytes as constants. */
    @Test
    void nonConstantFilterAndBiasMatchConstants() {
        Random r = new Random(41);
        QuantParams qIn = QuantParams.perTensor(0.05f, 3), qW = QuantParams.perTensor(0.01f, 0), qOut = QuantParams.perTensor(0.2f, -4);
        byte[] x = randomBytes(r, 2 * 5 * 5 * 3, -128, 127), w = randomBytes(r, 4 * 3 * 3 * 3, -127, 127);
        int[] bias = randomInts(r, 4, 2000);
        Attributes attrs = Attributes.builder().put(Ops.ATTR_PADDING, "SAME").put(Ops.ATTR_STRIDE_H, 2).put(Ops.ATTR_STRIDE_W, 2).build();
        Tensor constant = run(single(Ops.CONV_2D, attrs, T.act(DataType.INT8, new int[] {2, 5, 5, 3}, qIn),
                new T(DataType.INT8, new int[] {4, 3, 3, 3}, qW, buf(w)), new T(DataType.INT32, new int[] {4}, null, buf(bias)), DataType.INT8, qOut), x, 1);

        Graph.Builder g = Graph.builder(dev.octet.core.Semantics.TFLITE, "test");
        int in = g.addTensor("input", DataType.INT8, new int[] {2, 5, 5, 3}, qIn, null, false);
        int wt = g.addTensor("filter", DataType.INT8, new int[] {4, 3, 3, 3}, qW, null, false);
        int bt = g.addTensor("bias", DataType.INT32, new int[] {4}, null, null, false);
        int out = g.addTensor("output", DataType.INT8, new int[0], qOut, null, false);
        g.addNode(Ops.CONV_2D, "runtime_weights", new int[] {in, wt, bt}, new int[] {out}, attrs, null);
        g.input(in).input(wt).input(bt).output(out);
        Model m = compile(g.build());
        try (dev.octet.core.Interpreter it = m.newInterpreter()) {
            it.setInput(0, x);
            it.setInput(1, w);
            it.setInput(2, Tensor.of(DataType.INT32, new int[] {4}, bias));
            it.run();
            assertArrayEquals(constant.bytes(), it.output(0).bytes());
        }
    }

    /** Explicit asymmetric pads (ONNX-style {top, left, bottom, right}) on a float conv. */
    @Test
    void explicitPads() {
        Random r = new Random(42);
        float[] x = randomFloats(r, 6 * 7 * 2), w = randomFloats(r, 3 * 3 * 3 * 2);
        int[] pads = {1, 0, 2, 1};
        int oh = (6 + 1 + 2 - 3) / 2 + 1, ow = (7 + 0 + 1 - 3) / 2 + 1;
        Attributes attrs = Attributes.builder().put(Ops.ATTR_PADS, pads).put(Ops.ATTR_STRIDE_H, 2).put(Ops.ATTR_STRIDE_W, 2).build();
        Tensor out = run(single(Ops.CONV_2D, attrs, T.act(DataType.FLOAT32, new int[] {1, 6, 7, 2}, null),
                new T(DataType.FLOAT32, new int[] {3, 3, 3, 2}, null, buf(w)), null, DataType.FLOAT32, null), x, 1);
        assertArrayEquals(new int[] {1, oh, ow, 3}, out.shape());
        double[] sums = convSums(toDouble(x), 1, 6, 7, 2, toDouble(w), 3, 3, 3, 1, 2, 2, 1, 1, 1, 0, oh, ow);
        assertFloats(sums, null, 3, "NONE", out.floats());
    }

    // ---------------------------------------------------------------- MACs

    @Test
    void macsAreReported() {
        T in8 = T.act(DataType.INT8, new int[] {2, 8, 8, 3}, QuantParams.perTensor(0.1f, 0));
        QuantParams oq = QuantParams.perTensor(0.1f, 0);
        Attributes s2 = Attributes.builder().put(Ops.ATTR_PADDING, "SAME").put(Ops.ATTR_STRIDE_H, 2).put(Ops.ATTR_STRIDE_W, 2).build();
        T f = new T(DataType.INT8, new int[] {4, 3, 3, 3}, QuantParams.perTensor(0.1f, 0), buf(new byte[4 * 27]));
        Model conv = compile(single(Ops.CONV_2D, s2, in8, f, null, DataType.INT8, oq));
        assertEquals(2L * 4 * 4 * 4 * 3 * 3 * 3, conv.totalMacs());
        T fd = new T(DataType.INT8, new int[] {1, 3, 3, 6}, QuantParams.perTensor(0.1f, 0), buf(new byte[54]));
        Model dwm = compile(single(Ops.DEPTHWISE_CONV_2D, s2, in8, fd, null, DataType.INT8, oq));
        assertEquals(2L * 4 * 4 * 6 * 3 * 3, dwm.totalMacs());
        T ff = new T(DataType.INT8, new int[] {10, 192}, QuantParams.perTensor(0.1f, 0), buf(new byte[1920]));
        Model fc = compile(single(Ops.FULLY_CONNECTED, Attributes.EMPTY, in8, ff, null, DataType.INT8, oq));
        assertEquals(2L * 192 * 10, fc.totalMacs());
    }

    // ---------------------------------------------------------------- validation

    private static final QuantParams Q = QuantParams.perTensor(0.1f, 0);

    private static Graph int8Conv(int[] inShape, int[] wShape, QuantParams wq, DataType wType) {
        T in = T.act(DataType.INT8, inShape, Q);
        int n = 1;
        for (int d : wShape) n *= d;
        T f = new T(wType, wShape, wq, buf(new byte[n * wType.byteSize()]));
        return single(Ops.CONV_2D, Attributes.builder().put(Ops.ATTR_PADDING, "SAME").build(), in, f, null, DataType.INT8, Q);
    }

    @Test
    void wrongFilterRankIsAFormatErrorNamingTheNode() {
        Graph g = int8Conv(new int[] {1, 4, 4, 3}, new int[] {2, 3, 3}, Q, DataType.INT8);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> compile(g));
        assertTrue(e.getMessage().contains("the_conv_2d") && e.getMessage().contains("rank 4"), e.getMessage());
    }

    @Test
    void mismatchedChannelsAreRejected() {
        Graph g = int8Conv(new int[] {1, 4, 4, 3}, new int[] {2, 3, 3, 2}, Q, DataType.INT8);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> compile(g));
        assertTrue(e.getMessage().contains("the_conv_2d") && e.getMessage().contains("3 channels"), e.getMessage());

        T in = T.act(DataType.INT8, new int[] {1, 4, 4, 3}, Q);
        T f = new T(DataType.INT8, new int[] {1, 3, 3, 4}, Q, buf(new byte[36]));
        Graph d = single(Ops.DEPTHWISE_CONV_2D, Attributes.EMPTY, in, f, null, DataType.INT8, Q);
        ModelFormatException e2 = assertThrows(ModelFormatException.class, () -> compile(d));
        assertTrue(e2.getMessage().contains("the_depthwise_conv_2d") && e2.getMessage().contains("multiple"), e2.getMessage());

        T fcIn = T.act(DataType.INT8, new int[] {1, 10}, Q);
        T fcW = new T(DataType.INT8, new int[] {3, 4}, Q, buf(new byte[12]));
        Graph fc = single(Ops.FULLY_CONNECTED, Attributes.EMPTY, fcIn, fcW, null, DataType.INT8, Q);
        assertThrows(ModelFormatException.class, () -> compile(fc));

        T bias = new T(DataType.INT32, new int[] {5}, null, buf(new int[5]));
        T fcW2 = new T(DataType.INT8, new int[] {3, 10}, Q, buf(new byte[30]));
        Graph fcBias = single(Ops.FULLY_CONNECTED, Attributes.EMPTY, fcIn, fcW2, bias, DataType.INT8, Q);
        ModelFormatException e3 = assertThrows(ModelFormatException.class, () -> compile(fcBias));
        assertTrue(e3.getMessage().contains("bias"), e3.getMessage());
    }

    @Test
    void unsupportedTypeCombinationsSayWhich() {
        // float input with uint8 filter: hybrid quantization needs int8 weights
        T in = T.act(DataType.FLOAT32, new int[] {1, 4, 4, 3}, null);
        T fu8 = new T(DataType.UINT8, new int[] {2, 3, 3, 3}, Q, buf(new byte[54]));
        Graph hybrid = single(Ops.CONV_2D, Attributes.EMPTY, in, fu8, null, DataType.FLOAT32, null);
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> compile(hybrid));
        assertTrue(e.getMessage().contains("the_conv_2d") && e.getMessage().contains("hybrid") && e.getMessage().contains("filter uint8"), e.getMessage());
        T f = new T(DataType.INT8, new int[] {2, 3, 3, 3}, Q, buf(new byte[54]));
        assertEquals(0, e.nodeIndex());

        // uint8 input with int8 filter
        Graph mixed = single(Ops.CONV_2D, Attributes.EMPTY, T.act(DataType.UINT8, new int[] {1, 4, 4, 3}, Q), f, null, DataType.UINT8, Q);
        UnsupportedOpException e2 = assertThrows(UnsupportedOpException.class, () -> compile(mixed));
        assertTrue(e2.getMessage().contains("input uint8, filter int8"), e2.getMessage());

        // int8 with an int64 bias (int16x8 style)
        T b64 = new T(DataType.INT64, new int[] {2}, null, ConvTestSupport.le(16));
        Graph bias64 = single(Ops.CONV_2D, Attributes.EMPTY, T.act(DataType.INT8, new int[] {1, 4, 4, 3}, Q), f, b64, DataType.INT8, Q);
        assertThrows(UnsupportedOpException.class, () -> compile(bias64));

        // per-channel FULLY_CONNECTED (not in TFLite 2.6)
        T fcW = new T(DataType.INT8, new int[] {2, 3}, QuantParams.perAxis(new float[] {0.1f, 0.2f}, new int[] {0}, 0), buf(new byte[6]));
        Graph fc = single(Ops.FULLY_CONNECTED, Attributes.EMPTY, T.act(DataType.INT8, new int[] {1, 3}, Q), fcW, null, DataType.INT8, Q);
        UnsupportedOpException e3 = assertThrows(UnsupportedOpException.class, () -> compile(fc));
        assertTrue(e3.getMessage().contains("per-channel"), e3.getMessage());

        // uint8 per-channel filter
        QuantParams pc = QuantParams.perAxis(new float[] {0.1f, 0.2f}, new int[] {128}, 0);
        Graph u8pc = single(Ops.CONV_2D, Attributes.EMPTY, T.act(DataType.UINT8, new int[] {1, 4, 4, 3}, Q),
                new T(DataType.UINT8, new int[] {2, 3, 3, 3}, pc, buf(new byte[54])), null, DataType.UINT8, Q);
        assertThrows(UnsupportedOpException.class, () -> compile(u8pc));

        // unsupported fused activation
        Graph tanh = single(Ops.CONV_2D, Attributes.builder().put(Ops.ATTR_ACTIVATION, "TANH").build(),
                T.act(DataType.INT8, new int[] {1, 4, 4, 3}, Q), f, null, DataType.INT8, Q);
        UnsupportedOpException e4 = assertThrows(UnsupportedOpException.class, () -> compile(tanh));
        assertTrue(e4.getMessage().contains("TANH"), e4.getMessage());
    }

    @Test
    void perChannelScalesMustFollowTheOutputChannelAxis() {
        QuantParams wrongAxis = QuantParams.perAxis(new float[] {0.1f, 0.2f, 0.3f}, new int[] {0}, 3);
        Graph g = int8Conv(new int[] {1, 4, 4, 3}, new int[] {2, 3, 3, 3}, wrongAxis, DataType.INT8);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> compile(g));
        assertTrue(e.getMessage().contains("axis"), e.getMessage());

        QuantParams nonzeroZp = QuantParams.perAxis(new float[] {0.1f, 0.2f}, new int[] {3}, 0);
        Graph z = int8Conv(new int[] {1, 4, 4, 3}, new int[] {2, 3, 3, 3}, nonzeroZp, DataType.INT8);
        assertThrows(UnsupportedOpException.class, () -> compile(z));
    }

    @Test
    void missingQuantizationIsAFormatError() {
        Graph g = int8Conv(new int[] {1, 4, 4, 3}, new int[] {2, 3, 3, 3}, QuantParams.NONE, DataType.INT8);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> compile(g));
        assertTrue(e.getMessage().contains("quantization"), e.getMessage());
    }

    @Test
    void windowLargerThanValidInputIsRejected() {
        T in = T.act(DataType.FLOAT32, new int[] {1, 2, 2, 1}, null);
        T f = new T(DataType.FLOAT32, new int[] {1, 3, 3, 1}, null, buf(new float[9]));
        Graph g = single(Ops.CONV_2D, Attributes.builder().put(Ops.ATTR_PADDING, "VALID").build(), in, f, null, DataType.FLOAT32, null);
        assertThrows(ModelFormatException.class, () -> compile(g));
    }

    private static int[] unsigned(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) v[i] = b[i] & 0xFF;
        return v;
    }
}
