package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Per-tensor ONNX QuantizeLinear, float32 to 8 bits, as the reference computes it: q = x / scale (float division),
 * rounded half to even, + zero point, saturated to [lo, hi]; NaN gives the zero point (saturated). Rounding: q is
 * first clamped to +-2^22 (beyond that every result saturates anyway, |zero point| &lt;= 255), then
 * (q + 1.5 * 2^23) - 1.5 * 2^23 rounds it half to even exactly; the integer-valued float is converted to bytes with
 * Java's (byte) cast semantics, the same bytes as the reference's (byte) (int) v. One method per width with constant
 * species (512 and 256 bits; 128 bits has no 4-lane byte vector to store into, so it is not vectorized). Each
 * returns how many leading elements it did; the caller finishes the tail.
 */
final class QuantizeKernels {
    private QuantizeKernels() {}

    static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512, F256 = FloatVector.SPECIES_256;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128, B64 = ByteVector.SPECIES_64;
    static final float MAGIC = 12582912f, LIMIT = 4194304f;

    static int q512(float[] x, int xo, byte[] y, int yo, int n, float scale, float zp, float lo, float hi) {
        int i = 0, b = F512.loopBound(n);
        for (; i < b; i += 16) {
            FloatVector q = FloatVector.fromArray(F512, x, xo + i).div(scale);
            VectorMask<Float> nan = q.test(VectorOperators.IS_NAN);
            FloatVector r = q.max(-LIMIT).min(LIMIT).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi).blend(Math.max(lo, Math.min(hi, zp)), nan);
            ((ByteVector) r.convertShape(VectorOperators.F2B, B128, 0)).intoArray(y, yo + i);
        }
        return i;
    }

    static int q256(float[] x, int xo, byte[] y, int yo, int n, float scale, float zp, float lo, float hi) {
        int i = 0, b = F256.loopBound(n);
        for (; i < b; i += 8) {
            FloatVector q = FloatVector.fromArray(F256, x, xo + i).div(scale);
            VectorMask<Float> nan = q.test(VectorOperators.IS_NAN);
            FloatVector r = q.max(-LIMIT).min(LIMIT).add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi).blend(Math.max(lo, Math.min(hi, zp)), nan);
            ((ByteVector) r.convertShape(VectorOperators.F2B, B64, 0)).intoArray(y, yo + i);
        }
        return i;
    }
}
