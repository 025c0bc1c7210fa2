package dev.octet.core;

/**
 * All requantization arithmetic in one place.
 *
 * <p>TFLite (gemmlowp-style fixed point): a real multiplier M is stored as a Q31 {@code multiplier} in
 * [2^30, 2^31) and a power-of-two {@code shift}, M = multiplier * 2^(shift - 31). Applying it to an int32 is a
 * saturating rounding doubling high multiply followed by a rounding right shift ("double rounding"), exactly
 * as TFLite 2.6's reference and optimized kernels do.
 *
 * <p>ONNX Runtime: the int32 accumulator is converted to float, multiplied by a float scale, rounded half to
 * even, offset by the zero point and clamped.
 */
public final class QuantMath {
    private QuantMath() {}

    /** (a*b*2) >> 32 rounded to nearest (ties toward +infinity, gemmlowp's nudge) with saturation of the one overflow case. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) return Integer.MAX_VALUE;
        long ab = (long) a * (long) b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        return (int) ((ab + nudge) / (1L << 31)); // Java's long division truncates toward zero, like C++'s
    }

    /** x / 2^exponent rounded to nearest, ties away from zero; exponent in [0, 31]. */
    public static int roundingDivideByPOT(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** TFLite's MultiplyByQuantizedMultiplier (double rounding): x * multiplier * 2^(shift-31). */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
    }

    /**
     * The same product rounded once ("single rounding", ruy's ApplyMultiplier): (x * 2^max(shift,0)) computed in
     * int32, times multiplier in 64 bits, then one right shift by 31 + max(-shift,0) rounded to nearest with ties
     * toward +infinity. TFLite 2.6.2 on x86 runs int8 CONV_2D and int8 FULLY_CONNECTED through ruy and so rounds
     * this way (checked against the library: e.g. acc -6 with multiplier 0.25 gives -1, where
     * {@link #multiplyByQuantizedMultiplier} gives -2); its uint8 kernels and int8 DEPTHWISE_CONV_2D use the
     * double rounding of {@link #multiplyByQuantizedMultiplier}. The two differ only when shift &lt; 0.
     */
    public static int multiplyByQuantizedMultiplierSingleRounding(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        int total = 31 + rightShift;
        long product = (long) (x * (1 << leftShift)) * multiplier;
        return (int) ((product + (1L << (total - 1))) >> total);
    }

    /**
     * TFLite's QuantizeMultiplier: decomposes a positive real multiplier into a Q31 mantissa and a shift.
     * Returns {multiplier, shift}. Zero gives {0, 0}; multipliers below 2^-31 flush to {0, 0}.
     */
    public static int[] quantizeMultiplier(double realMultiplier) {
        if (realMultiplier == 0.0 || !Double.isFinite(realMultiplier)) return new int[] {0, 0};
        // frexp: realMultiplier = q * 2^shift with q in [0.5, 1)
        int shift = Math.getExponent(realMultiplier) + 1;
        double q = Math.scalb(realMultiplier, -shift);
        while (Math.abs(q) < 0.5) { // subnormal inputs
            q *= 2;
            shift--;
        }
        long qFixed = (long) roundHalfAway(q * (double) (1L << 31));
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) {
            shift = 0;
            qFixed = 0;
        }
        if (shift > 30) {
            // TFLite clamps large multipliers the same way (they never occur in valid models).
            shift = 30;
            qFixed = (1L << 31) - 1;
        }
        return new int[] {(int) qFixed, shift};
    }

    /** std::round semantics for doubles: half away from zero. */
    public static double roundHalfAway(double d) {
        double a = Math.abs(d);
        double t = Math.floor(a);
        if (a - t >= 0.5) t += 1;
        return Math.copySign(t, d);
    }

    /** std::round(float) semantics (TfLiteRound on a float): half away from zero, computed exactly. */
    public static float roundHalfAway(float f) { return (float) roundHalfAway((double) f); }

    public static int clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

    /** ONNX Runtime requantization: clamp(rint(acc * scale) + zeroPoint) with round-half-to-even in float. */
    public static int requantizeFloat(int acc, float scale, int zeroPoint, int lo, int hi) {
        float v = (float) acc * scale;
        return clamp((int) Math.rint(v) + zeroPoint, lo, hi);
    }

    /**
     * TFLite's CalculateActivationRangeQuantized: the [min, max] integer range of the output after a fused
     * activation, for an output with the given scale/zero point and integer type range. Returns {min, max}.
     */
    public static int[] activationRange(String activation, float outScale, int outZeroPoint, int qmin, int qmax) {
        String act = activation == null ? "NONE" : activation;
        // zero point + quantized bound in long: with a tiny output scale (6 / 1e-9) the int sum would wrap and
        // invert the range (found by fuzzing); TFLite's int arithmetic is undefined there, Octet saturates.
        return switch (act) {
            case "NONE" -> new int[] {qmin, qmax};
            case "RELU" -> new int[] {lower(qmin, outZeroPoint, 0f, outScale), qmax};
            case "RELU6" -> new int[] {lower(qmin, outZeroPoint, 0f, outScale), upper(qmax, outZeroPoint, 6f, outScale)};
            case "RELU_N1_TO_1" -> new int[] {lower(qmin, outZeroPoint, -1f, outScale), upper(qmax, outZeroPoint, 1f, outScale)};
            default -> throw new UnsupportedOpException("fused activation " + act, -1, "only NONE, RELU, RELU6, RELU_N1_TO_1 are supported on quantized ops");
        };
    }

    private static int lower(int qmin, int zeroPoint, float f, float scale) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(qmin, (long) zeroPoint + quantizeClampless(f, scale)));
    }

    private static int upper(int qmax, int zeroPoint, float f, float scale) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(qmax, (long) zeroPoint + quantizeClampless(f, scale)));
    }

    private static int quantizeClampless(float f, float scale) {
        return (int) roundHalfAway(f / scale);
    }

    /** Float activation range for fused activations on float ops: {min, max}. */
    public static float[] activationRangeFloat(String activation) {
        String act = activation == null ? "NONE" : activation;
        return switch (act) {
            case "NONE" -> new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
            case "RELU" -> new float[] {0f, Float.POSITIVE_INFINITY};
            case "RELU6" -> new float[] {0f, 6f};
            case "RELU_N1_TO_1" -> new float[] {-1f, 1f};
            default -> throw new UnsupportedOpException("fused activation " + act, -1, "only NONE, RELU, RELU6, RELU_N1_TO_1 are supported");
        };
    }

    /** TFLite's ActivationFunctionWithMinMax for floats: min(max(x, lo), hi). */
    public static float clampFloat(float x, float lo, float hi) { return Math.min(Math.max(x, lo), hi); }
}
