package dev.octet.ops.simd;

import org.junit.jupiter.api.Nested;

/**
 * The SIMD kernel testers in the regular suite, on a smaller random sample (200 cases per op and width; the
 * testers themselves, run with -Dtest=DwKernelTester,EwKernelTester,QdqMatmulKernelTester,LutKernelTester,QuantizeKernelTester,SmallConvKernelTester,
 * WinogradKernelTester,DirectConvKernelTester,NarrowConvKernelTester,TfliteDirectConvTester,FloatKernelTester, do 1,000; QDQ MatMul 100 here).
 */
class SimdKernelsSampleTest {
    @Nested
    class Depthwise extends DwKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class Elementwise extends EwKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class QdqMatmul extends QdqMatmulKernelTester {
        @Override
        int cases() { return Math.min(CASES, 100); }
    }

    @Nested
    class Lookup extends LutKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class Quantize extends QuantizeKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class FloatActivations extends FloatKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class SmallConv extends SmallConvKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class Winograd extends WinogradKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class DirectConv extends DirectConvKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class NarrowConv extends NarrowConvKernelTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }

    @Nested
    class TfliteDirectConv extends TfliteDirectConvTester {
        @Override
        int cases() { return Math.min(CASES, 200); }
    }
}
