package dev.octet.ops.simd;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from QdqMatmulKernel512.java by scripts/gen-simd.sh: do not edit. int32 matrix product for ONNX_QDQ_MATMUL at 256 bits: C[r][j] = sum_q A[r][q] * B[q][j] over rows [r0, r1) of A
 * (int [m][k], zero point already subtracted), B (int [k][n], likewise), C (int [m][n]). Outer product: 4 rows x one
 * vector of columns held in 4 accumulators, a broadcast A value times a B row vector per step. Exact (int32, the
 * caller guarantees no overflow as the reference does).
 */
final class QdqMatmulKernel256 {
    private QdqMatmulKernel256() {}

    static final VectorSpecies<Integer> S = IntVector.SPECIES_256;

    static void gemm(int[] a, int ao, int[] b, int bo, int[] c, int co, int r0, int r1, int k, int n) {
        final int lanes = S.length();
        final int nv = S.loopBound(n);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int a0 = ao + r * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            for (int j = 0; j < nv; j += lanes) {
                IntVector c0 = IntVector.zero(S), c1 = IntVector.zero(S), c2 = IntVector.zero(S), c3 = IntVector.zero(S);
                int bp = bo + j;
                for (int q = 0; q < k; q++, bp += n) {
                    IntVector bv = IntVector.fromArray(S, b, bp);
                    c0 = c0.add(bv.mul(a[a0 + q]));
                    c1 = c1.add(bv.mul(a[a1 + q]));
                    c2 = c2.add(bv.mul(a[a2 + q]));
                    c3 = c3.add(bv.mul(a[a3 + q]));
                }
                int cp = co + r * n + j;
                c0.intoArray(c, cp);
                c1.intoArray(c, cp + n);
                c2.intoArray(c, cp + 2 * n);
                c3.intoArray(c, cp + 3 * n);
            }
            for (int j = nv; j < n; j++) {
                int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int q = 0, bp = bo + j; q < k; q++, bp += n) {
                    int bq = b[bp];
                    s0 += a[a0 + q] * bq;
                    s1 += a[a1 + q] * bq;
                    s2 += a[a2 + q] * bq;
                    s3 += a[a3 + q] * bq;
                }
                int cp = co + r * n + j;
                c[cp] = s0;
                c[cp + n] = s1;
                c[cp + 2 * n] = s2;
                c[cp + 3 * n] = s3;
            }
        }
        for (; r < r1; r++) {
            int a0 = ao + r * k;
            for (int j = 0; j < nv; j += lanes) {
                IntVector c0 = IntVector.zero(S);
                int bp = bo + j;
                for (int q = 0; q < k; q++, bp += n) c0 = c0.add(IntVector.fromArray(S, b, bp).mul(a[a0 + q]));
                c0.intoArray(c, co + r * n + j);
            }
            for (int j = nv; j < n; j++) {
                int s0 = 0;
                for (int q = 0, bp = bo + j; q < k; q++, bp += n) s0 += a[a0 + q] * b[bp];
                c[co + r * n + j] = s0;
            }
        }
    }
}
