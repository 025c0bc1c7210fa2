package dev.octet.ops.simd;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tester of the float-row direct ONNX_QLINEAR_CONV kernel ({@link SimdDirectConvOps}) against the reference:
 * the narrow-conv tester's generator (1..2 vectors of output channels, 1..40 input channels and 3-channel stems,
 * windows 1x1 to 5x5, strides 1..3, explicit asymmetric pads, uint8/int8 input, int8/uint8 filters with per-channel
 * zero points, input/output zero points at the extremes, per-channel scales tiny to large, random bias or none,
 * batch 1..2, row ends that leave a partial tile, 1..4 threads) without dilation. Outputs must be bit-identical and the
 * direct kernel must be the one used (1x1 unpadded layers with at most 4 outputs go to the narrow kernel instead).
 */
class DirectConvKernelTester {
    static final int CASES = Integer.getInteger("octet.tester.cases", 1000);

    int cases() { return CASES; }

    @ParameterizedTest
    @ValueSource(ints = {512, 256, 128})
    void directConv(int bits) {
        if (bits > SimdWidth.preferred()) return;
        String old = System.getProperty("octet.simd.bits"), oldWinograd = System.getProperty(WinogradKernel.PROPERTY);
        System.setProperty("octet.simd.bits", Integer.toString(bits));
        System.setProperty(WinogradKernel.PROPERTY, "false"); // 3x3 stride-1 layers with two vectors would go to Winograd
        try {
            Random r = new Random(53_000 + bits);
            for (int i = 0; i < cases(); i++) SmallConvKernelTester.check(r, bits, true);
            System.out.printf("DirectConvKernelTester bits=%d: %d cases identical%n", bits, cases());
        } finally {
            if (old == null) System.clearProperty("octet.simd.bits");
            else System.setProperty("octet.simd.bits", old);
            if (oldWinograd == null) System.clearProperty(WinogradKernel.PROPERTY);
            else System.setProperty(WinogradKernel.PROPERTY, oldWinograd);
        }
    }
}
