package dev.octet.ops.reference;

import dev.octet.core.Kernel;

/**
 * What the SIMD package needs to speed up the hybrid (dynamic-range) kernels: they keep the reference kernel's
 * quantization and float steps and only swap the int8 dot product, which is exact integer arithmetic.
 */
public final class HybridBridge {
    private HybridBridge() {}

    /** An int8 x int8 -> int32 dot product; must equal {@link HybridMath#dot} exactly (int32 wrap-around included). */
    @FunctionalInterface
    public interface Dot {
        int dot(byte[] a, int aOff, byte[] b, int bOff, int n);
    }

    /**
     * The per-channel multiply-accumulate of one depthwise tap, {@code acc[aOff + c] += w[wOff + c] * (x[xOff + c] - offset)}
     * for c in [0, n); must equal the scalar loop exactly.
     */
    @FunctionalInterface
    public interface Tap {
        void tap(int[] acc, int aOff, byte[] w, int wOff, byte[] x, int xOff, int n, int offset);
    }

    /**
     * The same hybrid DEPTHWISE_CONV_2D kernel accumulating its taps with {@code tap} (used when the depth multiplier
     * is 1), or null when {@code ref} is not one.
     */
    public static Kernel withTap(Kernel ref, Tap tap, String name) {
        return ref instanceof HybridOps.Depthwise dw ? dw.withTap(tap, name) : null;
    }

    /**
     * The same kernel computing its dot products with {@code dot} (named {@code name} in the kernel's toString), or
     * null when {@code ref} is not a hybrid FULLY_CONNECTED, CONV_2D or BATCH_MATMUL kernel.
     */
    public static Kernel withDot(Kernel ref, Dot dot, String name) {
        if (ref instanceof HybridOps.FC fc) return fc.withDot(dot, name);
        if (ref instanceof HybridOps.Conv conv) return conv.withDot(dot, name);
        if (ref instanceof BatchMatMul.HybridBmm bmm) return bmm.withDot(dot, name);
        return null;
    }
}
