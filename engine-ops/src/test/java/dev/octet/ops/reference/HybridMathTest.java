package dev.octet.ops.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The row quantization facts of TFLite 2.6.2's hybrid kernels, on hand-checked values (the oracle tests in testdata
 * compare whole ops with the library).
 */
class HybridMathTest {
    @Test
    void roundIsHalfAwayFromZero() {
        assertEquals(1f, HybridMath.round(0.5f));
        assertEquals(-1f, HybridMath.round(-0.5f));
        assertEquals(3f, HybridMath.round(2.5f));
        assertEquals(-3f, HybridMath.round(-2.5f));
        assertEquals(0f, HybridMath.round(0.49999997f)); // floor(x + 0.5f) in float would give 1
        assertEquals(8388609f, HybridMath.round(8388609f));
        assertEquals(3.0, HybridMath.round(2.5));
        assertEquals(-3.0, HybridMath.round(-2.5));
        assertEquals(0.0, HybridMath.round(0.49999999999999994));
    }

    @Test
    void symmetricRowScalesByItsLargestMagnitude() {
        float[] x = {-254f, 1f, 3f, -5f, 127f, 0f};
        byte[] q = new byte[6];
        float f = HybridMath.quantizeSymmetric(x, 0, 6, q, 0);
        assertEquals(254f / 127f, f);
        // 127 / 254 = 0.5 exactly: ties go away from zero
        assertArrayEquals(new byte[] {-127, 1, 2, -3, 64, 0}, q);
    }

    @Test
    void zeroRowsGiveFactorOne() {
        byte[] q = {9, 9, 9};
        assertEquals(1f, HybridMath.quantizeSymmetric(new float[] {0f, -0f, 0f}, 0, 3, q, 0));
        assertArrayEquals(new byte[3], q);
        float[] s = new float[1];
        int[] o = {7};
        q = new byte[] {9, 9, 9};
        HybridMath.quantizeAsymmetric(new float[] {0f, 0f, 0f}, 0, 3, q, 0, s, o, 0);
        assertEquals(1f, s[0]);
        assertEquals(0, o[0]);
        assertArrayEquals(new byte[3], q);
    }

    @Test
    void asymmetricRangeIncludesZero() {
        float[] s = new float[1];
        int[] o = new int[1];
        byte[] q = new byte[3];
        // all positive: rmin = 0, scale = 2.55 / 255 = 0.01, zero point -128
        HybridMath.quantizeAsymmetric(new float[] {1f, 2.55f, 0.5f}, 0, 3, q, 0, s, o, 0);
        assertEquals((float) (2.55f / 255.0), s[0]);
        assertEquals(-128, o[0]);
        assertEquals(127, q[1]);
        assertEquals(-128 + 100, q[0]);
        // all negative: rmax = 0, zero point 127
        HybridMath.quantizeAsymmetric(new float[] {-1f, -2.55f}, 0, 2, q, 0, s, o, 0);
        assertEquals(127, o[0]);
        assertEquals(-128, q[1]);
    }

    @Test
    void dotAndRowSums() {
        byte[] a = {1, -2, 3, 127, -128};
        byte[] b = {-128, -128, 2, 1, 1};
        assertEquals(-128 + 256 + 6 + 127 - 128, HybridMath.dot(a, 0, b, 0, 5));
        int[] sums = new int[2];
        HybridMath.rowSums(new byte[] {1, 2, 3, -4, -5, -6}, 0, 2, 3, sums, 0);
        assertArrayEquals(new int[] {6, -15}, sums);
        assertEquals(1.5f + (float) (10 - 3 * 2) * 0.25f, HybridMath.accumulate(1.5f, 10, 3, 2, 0.25f));
    }
}
