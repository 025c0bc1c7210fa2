package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 256-entry byte table lookup y[i] = t[x[i] &amp; 0xFF] with in-register byte permutes: the table is held as
 * 256 / lanes vectors (4 at 512 bits, 8 at 256, 16 at 128), each looked up with the index's low bits
 * ({@code selectFrom}: vpermb on AVX-512 VBMI), and the right one chosen by a blend tree on the index's high bits.
 * One method per width, each with its species as a constant, written out as straight-line code. Each returns how many leading elements it did (a multiple of the
 * vector length); the caller finishes the tail.
 */
final class LutKernels {
    private LutKernels() {}

    static final VectorSpecies<Byte> S512 = ByteVector.SPECIES_512, S256 = ByteVector.SPECIES_256, S128 = ByteVector.SPECIES_128;

    static int lut512(byte[] x, int xo, byte[] y, int yo, byte[] t, int n) {
        ByteVector t0 = ByteVector.fromArray(S512, t, 0);
        ByteVector t1 = ByteVector.fromArray(S512, t, 64);
        ByteVector t2 = ByteVector.fromArray(S512, t, 128);
        ByteVector t3 = ByteVector.fromArray(S512, t, 192);
        int i = 0, b = S512.loopBound(n);
        for (; i < b; i += 64) {
            ByteVector v = ByteVector.fromArray(S512, x, xo + i);
            ByteVector lo = v.and((byte) 63);
            VectorMask<Byte> m6 = v.and((byte) 0x40).compare(VectorOperators.NE, (byte) 0);
            VectorMask<Byte> m7 = v.lt((byte) 0);
            ByteVector r0 = lo.selectFrom(t0).blend(lo.selectFrom(t1), m6);
            ByteVector r1 = lo.selectFrom(t2).blend(lo.selectFrom(t3), m6);
            r0.blend(r1, m7).intoArray(y, yo + i);
        }
        return i;
    }

    static int lut256(byte[] x, int xo, byte[] y, int yo, byte[] t, int n) {
        ByteVector t0 = ByteVector.fromArray(S256, t, 0);
        ByteVector t1 = ByteVector.fromArray(S256, t, 32);
        ByteVector t2 = ByteVector.fromArray(S256, t, 64);
        ByteVector t3 = ByteVector.fromArray(S256, t, 96);
        ByteVector t4 = ByteVector.fromArray(S256, t, 128);
        ByteVector t5 = ByteVector.fromArray(S256, t, 160);
        ByteVector t6 = ByteVector.fromArray(S256, t, 192);
        ByteVector t7 = ByteVector.fromArray(S256, t, 224);
        int i = 0, b = S256.loopBound(n);
        for (; i < b; i += 32) {
            ByteVector v = ByteVector.fromArray(S256, x, xo + i);
            ByteVector lo = v.and((byte) 31);
            VectorMask<Byte> m5 = v.and((byte) 0x20).compare(VectorOperators.NE, (byte) 0);
            VectorMask<Byte> m6 = v.and((byte) 0x40).compare(VectorOperators.NE, (byte) 0);
            VectorMask<Byte> m7 = v.lt((byte) 0);
            ByteVector r0 = lo.selectFrom(t0).blend(lo.selectFrom(t1), m5);
            ByteVector r1 = lo.selectFrom(t2).blend(lo.selectFrom(t3), m5);
            ByteVector r2 = lo.selectFrom(t4).blend(lo.selectFrom(t5), m5);
            ByteVector r3 = lo.selectFrom(t6).blend(lo.selectFrom(t7), m5);
            ByteVector r4 = r0.blend(r1, m6);
            ByteVector r5 = r2.blend(r3, m6);
            r4.blend(r5, m7).intoArray(y, yo + i);
        }
        return i;
    }

    static int lut128(byte[] x, int xo, byte[] y, int yo, byte[] t, int n) {
        ByteVector t0 = ByteVector.fromArray(S128, t, 0);
        ByteVector t1 = ByteVector.fromArray(S128, t, 16);
        ByteVector t2 = ByteVector.fromArray(S128, t, 32);
        ByteVector t3 = ByteVector.fromArray(S128, t, 48);
        ByteVector t4 = ByteVector.fromArray(S128, t, 64);
        ByteVector t5 = ByteVector.fromArray(S128, t, 80);
        ByteVector t6 = ByteVector.fromArray(S128, t, 96);
        ByteVector t7 = ByteVector.fromArray(S128, t, 112);
        ByteVector t8 = ByteVector.fromArray(S128, t, 128);
        ByteVector t9 = ByteVector.fromArray(S128, t, 144);
        ByteVector t10 = ByteVector.fromArray(S128, t, 160);
        ByteVector t11 = ByteVector.fromArray(S128, t, 176);
        ByteVector t12 = ByteVector.fromArray(S128, t, 192);
        ByteVector t13 = ByteVector.fromArray(S128, t, 208);
        ByteVector t14 = ByteVector.fromArray(S128, t, 224);
        ByteVector t15 = ByteVector.fromArray(S128, t, 240);
        int i = 0, b = S128.loopBound(n);
        for (; i < b; i += 16) {
            ByteVector v = ByteVector.fromArray(S128, x, xo + i);
            ByteVector lo = v.and((byte) 15);
            VectorMask<Byte> m4 = v.and((byte) 0x10).compare(VectorOperators.NE, (byte) 0);
            VectorMask<Byte> m5 = v.and((byte) 0x20).compare(VectorOperators.NE, (byte) 0);
            VectorMask<Byte> m6 = v.and((byte) 0x40).compare(VectorOperators.NE, (byte) 0);
            VectorMask<Byte> m7 = v.lt((byte) 0);
            ByteVector r0 = lo.selectFrom(t0).blend(lo.selectFrom(t1), m4);
            ByteVector r1 = lo.selectFrom(t2).blend(lo.selectFrom(t3), m4);
            ByteVector r2 = lo.selectFrom(t4).blend(lo.selectFrom(t5), m4);
            ByteVector r3 = lo.selectFrom(t6).blend(lo.selectFrom(t7), m4);
            ByteVector r4 = lo.selectFrom(t8).blend(lo.selectFrom(t9), m4);
            ByteVector r5 = lo.selectFrom(t10).blend(lo.selectFrom(t11), m4);
            ByteVector r6 = lo.selectFrom(t12).blend(lo.selectFrom(t13), m4);
            ByteVector r7 = lo.selectFrom(t14).blend(lo.selectFrom(t15), m4);
            ByteVector r8 = r0.blend(r1, m5);
            ByteVector r9 = r2.blend(r3, m5);
            ByteVector r10 = r4.blend(r5, m5);
            ByteVector r11 = r6.blend(r7, m5);
            ByteVector r12 = r8.blend(r9, m6);
            ByteVector r13 = r10.blend(r11, m6);
            r12.blend(r13, m7).intoArray(y, yo + i);
        }
        return i;
    }
}
