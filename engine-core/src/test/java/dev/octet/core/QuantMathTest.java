package dev.octet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantMathTest {

    /** SRDHM as gemmlowp defines it, in BigInteger: (a*b + nudge) / 2^31 truncated, nudge = 2^30 or 1-2^30. */
    private static int srdhmExact(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) return Integer.MAX_VALUE;
        BigInteger p = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        BigInteger nudge = p.signum() >= 0 ? BigInteger.ONE.shiftLeft(30) : BigInteger.ONE.subtract(BigInteger.ONE.shiftLeft(30));
        BigInteger[] qr = p.add(nudge).divideAndRemainder(BigInteger.ONE.shiftLeft(31)); // truncating division
        return qr[0].intValueExact();
    }

    @Test
    void saturatingRoundingDoublingHighMulMatchesExactDefinition() {
        Random r = new Random(1);
        int[] edge = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30, -(1 << 30), 12345, -12345};
        for (int a : edge) for (int b : edge) assertEquals(srdhmExact(a, b), QuantMath.saturatingRoundingDoublingHighMul(a, b), a + "*" + b);
        for (int i = 0; i < 200_000; i++) {
            int a = r.nextInt(), b = r.nextInt();
            assertEquals(srdhmExact(a, b), QuantMath.saturatingRoundingDoublingHighMul(a, b));
        }
        assertEquals(Integer.MAX_VALUE, QuantMath.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
    }

    @Test
    void roundingDivideByPotRoundsHalfAwayFromZero() {
        assertEquals(1, QuantMath.roundingDivideByPOT(3, 2));   // 0.75 -> 1
        assertEquals(1, QuantMath.roundingDivideByPOT(2, 2));   // 0.5 -> 1
        assertEquals(-1, QuantMath.roundingDivideByPOT(-2, 2)); // -0.5 -> -1
        assertEquals(0, QuantMath.roundingDivideByPOT(-1, 2));  // -0.25 -> 0
        assertEquals(-2, QuantMath.roundingDivideByPOT(-6, 2)); // -1.5 -> -2
        assertEquals(5, QuantMath.roundingDivideByPOT(5, 0));
        Random r = new Random(2);
        for (int i = 0; i < 100_000; i++) {
            int x = r.nextInt();
            int e = r.nextInt(31);
            double exact = x / Math.pow(2, e);
            long want = (long) QuantMath.roundHalfAway(exact);
            assertEquals(want, QuantMath.roundingDivideByPOT(x, e), x + ">>" + e);
        }
    }

    @Test
    void quantizeMultiplierDecomposesLikeTflite() {
        // 0.5 = 0.5 * 2^0 -> mantissa 2^30, shift 0
        assertArrayEquals(new int[] {1 << 30, 0}, QuantMath.quantizeMultiplier(0.5));
        // 1.0 = 0.5 * 2^1
        assertArrayEquals(new int[] {1 << 30, 1}, QuantMath.quantizeMultiplier(1.0));
        // 0.75 -> 0.75 * 2^31 = 1610612736
        assertArrayEquals(new int[] {1610612736, 0}, QuantMath.quantizeMultiplier(0.75));
        // just below 1.0 rounds up to 2^31 and renormalizes
        assertArrayEquals(new int[] {1 << 30, 1}, QuantMath.quantizeMultiplier(Math.nextDown(1.0)));
        assertArrayEquals(new int[] {0, 0}, QuantMath.quantizeMultiplier(0.0));
        assertArrayEquals(new int[] {0, 0}, QuantMath.quantizeMultiplier(1e-12)); // below 2^-31: flushed
        Random r = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            double m = Math.exp(r.nextDouble() * 20 - 15);
            int[] qs = QuantMath.quantizeMultiplier(m);
            double back = qs[0] * Math.pow(2, qs[1] - 31);
            assertEquals(m, back, m * 1e-9);
            assertEquals(true, qs[0] >= (1 << 30) || qs[0] == 0);
        }
    }

    @Test
    void multiplyByQuantizedMultiplierApproximatesRealProduct() {
        Random r = new Random(4);
        for (int i = 0; i < 100_000; i++) {
            double m = Math.exp(r.nextDouble() * 12 - 10);
            int x = r.nextInt(1 << 20) - (1 << 19);
            int[] qs = QuantMath.quantizeMultiplier(m);
            int got = QuantMath.multiplyByQuantizedMultiplier(x, qs[0], qs[1]);
            assertEquals(x * m, got, 1.0 + Math.abs(x * m) * 1e-6);
        }
        // worked example: 1000 * 0.75 = 750 exactly
        int[] qs = QuantMath.quantizeMultiplier(0.75);
        assertEquals(750, QuantMath.multiplyByQuantizedMultiplier(1000, qs[0], qs[1]));
        // gemmlowp's high multiply rounds ties upward: 3*0.5 = 1.5 -> 2, but -3*0.5 = -1.5 -> -1
        qs = QuantMath.quantizeMultiplier(0.5);
        assertEquals(2, QuantMath.multiplyByQuantizedMultiplier(3, qs[0], qs[1]));
        assertEquals(-1, QuantMath.multiplyByQuantizedMultiplier(-3, qs[0], qs[1]));
    }

    @Test
    void roundHalfAwayIsStdRound() {
        assertEquals(3.0, QuantMath.roundHalfAway(2.5));
        assertEquals(-3.0, QuantMath.roundHalfAway(-2.5));
        assertEquals(0.0, QuantMath.roundHalfAway(0.49999999999999994));
        assertEquals(0.0f, QuantMath.roundHalfAway(0.49999997f));
        assertEquals(2.0, QuantMath.roundHalfAway(1.5));
        assertEquals(-1.0, QuantMath.roundHalfAway(-1.4999));
    }

    @Test
    void requantizeFloatRoundsHalfToEven() {
        assertEquals(2, QuantMath.requantizeFloat(5, 0.5f, 0, -128, 127));   // 2.5 -> 2
        assertEquals(4, QuantMath.requantizeFloat(7, 0.5f, 0, -128, 127));   // 3.5 -> 4
        assertEquals(-2, QuantMath.requantizeFloat(-5, 0.5f, 0, -128, 127)); // -2.5 -> -2
        assertEquals(127, QuantMath.requantizeFloat(1000, 1f, 0, -128, 127));
        assertEquals(10, QuantMath.requantizeFloat(-5, 0.5f, 12, 0, 255));
    }

    @Test
    void activationRangesFollowTflite() {
        // uint8 scale 0.1 zp 10: RELU6 -> [10, 70]
        assertArrayEquals(new int[] {10, 70}, QuantMath.activationRange("RELU6", 0.1f, 10, 0, 255));
        assertArrayEquals(new int[] {0, 255}, QuantMath.activationRange("NONE", 0.1f, 10, 0, 255));
        assertArrayEquals(new int[] {-128, 127}, QuantMath.activationRange("RELU", 0.1f, -128, -128, 127));
        // RELU6 with a scale so small 6 is out of range: clamps at qmax
        assertArrayEquals(new int[] {0, 255}, QuantMath.activationRange("RELU6", 0.001f, 0, 0, 255));
        assertArrayEquals(new int[] {0, 20}, QuantMath.activationRange("RELU_N1_TO_1", 0.1f, 10, 0, 255));
    }

    @Test
    void activationRangeSaturatesInsteadOfWrapping() {
        // RELU6 with an output scale of 1e-9: 6 / 1e-9 does not fit an int; the range must stay [zp, qmax]
        // (the fuzzer found an int8 FULLY_CONNECTED whose range wrapped negative, so SIMD and reference differed).
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 127}, QuantMath.activationRange("RELU6", 1e-9f, 1, -128, 127));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {-128, 127}, QuantMath.activationRange("RELU_N1_TO_1", 1e-9f, 0, -128, 127));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {100, 255}, QuantMath.activationRange("RELU", 1e-9f, 100, 0, 255));
        // ordinary scales are unchanged: RELU6 at scale 6/255, zero point 0 on uint8
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 255}, QuantMath.activationRange("RELU6", 6f / 255, 0, 0, 255));
    }
}
