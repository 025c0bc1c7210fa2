package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.ops.reference.HybridBridge;
import dev.octet.ops.reference.HybridMath;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SIMD int8 dot products of the hybrid kernels against {@link HybridMath#dot} at 128, 256 and 512 bits: every
 * length 0..300 and some long ones, random offsets, random and extreme values (all -128, which makes the int32
 * accumulator wrap for long vectors); and the depthwise tap accumulation against the scalar loop (lengths 0..200,
 * random accumulators that wrap, random zero points). Exact equality.
 */
class HybridDotTester {
    private static HybridBridge.Dot dot(int bits) {
        return switch (bits) {
            case 512 -> HybridDot512::dot;
            case 256 -> HybridDot256::dot;
            default -> HybridDot128::dot;
        };
    }

    private static HybridBridge.Tap tap(int bits) {
        return switch (bits) {
            case 512 -> HybridDot512::tap;
            case 256 -> HybridDot256::tap;
            default -> HybridDot128::tap;
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void tapEqualsTheScalarLoop(int bits) {
        HybridBridge.Tap t = tap(bits);
        Random r = new Random(bits + 1);
        for (int n = 0; n <= 200; n++) {
            int aOff = r.nextInt(9), wOff = r.nextInt(9), xOff = r.nextInt(9);
            int[] acc = new int[aOff + n + 3];
            for (int i = 0; i < acc.length; i++) acc[i] = r.nextInt();
            byte[] w = new byte[wOff + n + 2], x = new byte[xOff + n + 2];
            r.nextBytes(w);
            r.nextBytes(x);
            int offset = r.nextInt(256) - 128;
            int[] expected = acc.clone();
            for (int c = 0; c < n; c++) expected[aOff + c] += w[wOff + c] * (x[xOff + c] - offset);
            t.tap(acc, aOff, w, wOff, x, xOff, n, offset);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, acc, "n=" + n);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void equalsTheReference(int bits) {
        HybridBridge.Dot d = dot(bits);
        Random r = new Random(bits);
        int cases = 0;
        for (int n = 0; n <= 300; n++) cases += check(d, r, n, false);
        for (int n : new int[] {1024, 4099, 140_000}) {
            cases += check(d, r, n, false);
            cases += check(d, r, n, true);
        }
        assertEquals(301 + 6, cases);
    }

    private static int check(HybridBridge.Dot d, Random r, int n, boolean extreme) {
        int aOff = r.nextInt(17), bOff = r.nextInt(17);
        byte[] a = new byte[aOff + n + r.nextInt(5)], b = new byte[bOff + n + r.nextInt(5)];
        r.nextBytes(a);
        r.nextBytes(b);
        if (extreme) {
            java.util.Arrays.fill(a, (byte) -128);
            java.util.Arrays.fill(b, (byte) -128);
        }
        assertEquals(HybridMath.dot(a, aOff, b, bOff, n), d.dot(a, aOff, b, bOff, n), "n=" + n + " offsets " + aOff + "," + bOff);
        return 1;
    }
}
