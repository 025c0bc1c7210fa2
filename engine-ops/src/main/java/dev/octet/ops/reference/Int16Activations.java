package dev.octet.ops.reference;

import dev.octet.core.FixedPoint;
import dev.octet.core.QuantMath;

/**
 * gemmlowp's fixed-point logistic and tanh on int16 raw values (Qm.(15-m) in, Q0.15 out), as TFLite 2.6.2's integer
 * LSTM applies them to its gates (ApplySigmoid on Q3.12, ApplyTanh on Q3.12 and on the cell state). Written from the
 * algorithm: exp on [-1/4, 0) by a Taylor polynomial around -1/8, a barrel shifter of exp(-2^k) factors for the
 * integer part, Newton-Raphson division for 1/(1+x) and (1-x)/(1+x). On int16, gemmlowp's 32-bit constants are
 * rounding-shifted right by 16; sums and differences wrap to int16 as C++ assignments to int16_t do.
 */
final class Int16Activations {
    private Int16Activations() {}

    private static int w(int x) { return (short) x; }

    private static int mul(int a, int b) { return FixedPoint.saturatingRoundingDoublingHighMul16(a, b); }

    /** A gemmlowp 32-bit constant in 16-bit form. */
    private static int c(int int32) { return w(QuantMath.roundingDivideByPOT(int32, 16)); }

    /** SaturatingRoundingMultiplyByPOT on an int16 raw value. */
    private static int pot(int x, int exponent) {
        if (exponent == 0) return x;
        if (exponent < 0) return FixedPoint.roundingDivideByPOT16(x, -exponent);
        int threshold = (1 << (15 - exponent)) - 1;
        if (x > threshold) return Short.MAX_VALUE;
        if (x < -threshold) return Short.MIN_VALUE;
        return w(x << exponent);
    }

    private static int one(int integerBits) { return integerBits == 0 ? Short.MAX_VALUE : 1 << (15 - integerBits); }

    private static int roundingHalfSum(int a, int b) {
        int sum = a + b;
        int sign = sum >= 0 ? 1 : -1;
        return w((sum + sign) / 2);
    }

    private static int saturatingAdd(int a, int b) { return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, a + b)); }

    /** exp(a) for a in [-1/4, 0), Q0.15. */
    private static int expQuarter(int a) {
        int constantTerm = c(1895147668), oneThird = c(715827883);
        int x = w(a + (1 << 12));
        int x2 = mul(x, x), x3 = mul(x2, x), x4 = mul(x2, x2);
        int x4Over4 = pot(x4, -2);
        int poly = pot(w(mul(w(x4Over4 + x3), oneThird) + x2), -1);
        return saturatingAdd(constantTerm, mul(constantTerm, w(x + poly)));
    }

    private static final int[] BARREL_EXP = {-2, -1, 0, 1, 2, 3, 4};
    private static final int[] BARREL_MULT = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};

    /** exp(a) for a <= 0 given in Q(intBits).(15-intBits); Q0.15 result. */
    static int expOnNegativeValues(int a, int intBits) {
        int frac = 15 - intBits;
        int quarter = 1 << (frac - 2);
        int mask = quarter - 1;
        int aModQuarterMinusQuarter = w((a & mask) - quarter);
        int result = expQuarter(pot(aModQuarterMinusQuarter, intBits));
        int remainder = w(aModQuarterMinusQuarter - a);
        for (int k = 0; k < BARREL_EXP.length; k++) {
            int e = BARREL_EXP[k];
            if (intBits > e) {
                int shift = frac + e;
                if ((remainder & (1 << shift)) != 0) result = mul(result, c(BARREL_MULT[k]));
            }
        }
        if (intBits > 5) {
            int clamp = c(-(1 << (36 - intBits)));
            if (a < clamp) result = 0;
        }
        if (a == 0) result = Short.MAX_VALUE;
        return result;
    }

    /** Newton-Raphson for 1 / (1 + a) (half = false... see callers), a in (0, 1) Q0.15; returns x in Q2.13. */
    private static int newtonReciprocalHalfDenominator(int a) {
        int halfDenominator = roundingHalfSum(a, Short.MAX_VALUE);
        int c48over17 = c(1515870810), cNeg32over17 = c(-1010580540);
        int x = w(c48over17 + mul(halfDenominator, cNeg32over17));
        for (int i = 0; i < 3; i++) {
            int hx = mul(halfDenominator, x);
            int oneMinus = w(one(2) - hx);
            x = w(x + pot(mul(x, oneMinus), 2));
        }
        return x;
    }

    /** gemmlowp::logistic for a Q(intBits) int16 raw value; Q0.15 result. */
    static int logistic(int a, int intBits) {
        if (a == 0) return c(1 << 30);
        boolean positive = a > 0;
        int abs = positive ? a : w(-a);
        int e = expOnNegativeValues(w(-abs), intBits);
        int resultIfPositive = pot(newtonReciprocalHalfDenominator(e), 1); // Rescale<0>(ExactMulByPot<-1>(x))
        return positive ? resultIfPositive : w(Short.MAX_VALUE - resultIfPositive);
    }

    /** gemmlowp::tanh for a Q(intBits) int16 raw value; Q0.15 result. */
    static int tanh(int a, int intBits) {
        if (a == 0) return 0;
        boolean negative = a < 0;
        int n = negative ? a : w(-a);
        int e = expOnNegativeValues(n, intBits + 1); // ExactMulByPot<1>: same raw, one more integer bit
        int t = pot(w(newtonReciprocalHalfDenominator(e) - one(2)), 2); // (1 - e) / (1 + e)
        return negative ? w(-t) : t;
    }
}
