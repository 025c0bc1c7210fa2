package dev.octet.ops.simd;

import dev.octet.ops.reference.Window;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution rows at 512 bits (see {@link DwPlan} for the arithmetic). DwKernel256 and DwKernel128 are
 * generated from this file by scripts/gen-simd.sh: edit this one and regenerate. Channels are vectorized (NHWC),
 * a 3x3 filter whose three rows are inside the image keeps its nine weight vectors in registers while it slides
 * along the output row; other shapes loop over the taps. Requantization happens in registers: TFLite's double
 * rounding in long lanes, ONNX Runtime's float scale with round-half-even.
 */
final class DwKernel512 {
    private DwKernel512() {}

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_512;
    static final VectorSpecies<Long> LS = LongVector.SPECIES_512;
    /** Byte species holding at least L lanes (the output store). */
    static final VectorSpecies<Byte> BS = ByteVector.SPECIES_128;
    static final int L = FS.length();
    static final int HL = LS.length();
    private static final float MAGIC = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds half to even

    /**
     * Computes output rows [r0, r1), output channels [c0, c1) (c0 a multiple of L; the whole range unless the plan
     * splits channels, which needs mult == 1), using {@code buf[base .. base + scratchPerPart)} as row buffers; x and y
     * are the input and output arrays (byte[] or float[]) with the tensors' element offsets.
     */
    static void rows(DwPlan p, Object x, int xOff, Object y, int yOffset, int r0, int r1, int c0, int c1, float[] buf, int base, int[] ints, int ib) {
        Window win = p.win;
        int outH = win.outH(), kH = win.kH(), dh = win.dilationH();
        // Row buffers are reused while they hold the input row needed: with dilation 1 the kH rows of an output row
        // are consecutive, so input row iy lives in slot iy mod kH and each input row is widened once per part.
        // ints[ib .. ib + kH): the input row each slot holds (-1: none); ints[ib + kH .. ib + 2kH): the buffer offset of
        // filter row ky (scratch of the part, so a run allocates nothing)
        int sk = ib, off = ib + kH;
        java.util.Arrays.fill(ints, sk, sk + kH, -1);
        boolean ring = dh == 1;
        // Quantized 3x3: a filter row outside the image reads a zero row (exact zero taps), so edge rows take the
        // register-blocked path too (the generic path boxed vectors in C2 and ran several times slower).
        boolean zeroRows = p.kind != DwPlan.FLOAT && kH == 3 && win.kW() == 3;
        int zeroOff = base + kH * p.rowLen;
        boolean zeroed = false;
        for (int r = r0; r < r1; r++) {
            int b = r / outH, oy = r % outH;
            int iy0 = oy * win.strideH() - win.padTop();
            boolean all = true;
            for (int ky = 0; ky < kH; ky++) {
                int iy = iy0 + ky * dh;
                if (iy >= 0 && iy < p.inH) {
                    int slot = ring ? Math.floorMod(iy, kH) : ky;
                    int key = b * p.inH + iy;
                    ints[off + ky] = base + slot * p.rowLen;
                    if (ints[sk + slot] != key) {
                        if (c0 == 0 && c1 == p.outC) fillRow(p, x, xOff, b, iy, buf, ints[off + ky]); // whole row: vectorized widening
                        else fillSlice(p, x, xOff, b, iy, buf, ints[off + ky], c0, c1); // a channel part's slice
                        ints[sk + slot] = key;
                    }
                } else {
                    all = false;
                    ints[off + ky] = zeroOff;
                }
            }
            if (!all && zeroRows && !zeroed) {
                if (c0 == 0 && c1 == p.outC) {
                    java.util.Arrays.fill(buf, zeroOff, zeroOff + p.rowLen, 0f);
                } else { // a channel part reads only its slice of each column
                    for (int col = 0, at = zeroOff + c0; col < p.wp; col++, at += p.outC) java.util.Arrays.fill(buf, at, at + c1 - c0, 0f);
                }
                zeroed = true;
            }
            int yOff = yOffset + r * win.outW() * p.outC;
            if ((all || zeroRows) && kH == 3 && win.kW() == 3) {
                if (p.kind == DwPlan.FLOAT) row3x3Float(p, buf, ints[off], ints[off + 1], ints[off + 2], (float[]) y, yOff, c0, c1);
                else row3x3Quant(p, buf, ints[off], ints[off + 1], ints[off + 2], (byte[]) y, yOff, c0, c1);
            } else {
                if (p.kind == DwPlan.FLOAT) rowFloat(p, buf, ints, off, iy0, (float[]) y, yOff, c0, c1);
                else rowQuant(p, buf, ints, off, iy0, (byte[]) y, yOff, c0, c1);
            }
        }
    }

    /**
     * {@link DwPlan#fillRow} with the widening of a quantized row (channel multiplier 1) vectorized: BS-lane byte loads
     * widened to int, masked to unsigned, zero point removed, converted to float (exact); the scalar plan method
     * handles float rows, channel multipliers and the tail.
     */
    private static void fillRow(DwPlan p, Object xArr, int xOff, int b, int iy, float[] buf, int base) {
        if (p.kind == DwPlan.FLOAT || p.mult != 1) {
            p.fillRow(xArr, xOff, b, iy, buf, base);
            return;
        }
        Window win = p.win;
        int C = p.outC;
        int padCols = win.padLeft() * C;
        java.util.Arrays.fill(buf, base, base + padCols, 0f);
        int start = base + padCols;
        int n = p.inW * C;
        java.util.Arrays.fill(buf, start + n, base + p.wp * C, 0f);
        int src = xOff + (b * p.inH + iy) * p.inW * p.inC;
        byte[] x = (byte[]) xArr;
        int zp = p.xZp;
        int i = 0;
        int vend = Math.min(n - L, x.length - src - BS.length()); // a BS load reads BS.length() bytes (more than L at 128 bits)
        if (p.unsigned) {
            for (; i <= vend; i += L) {
                IntVector v = ((IntVector) ByteVector.fromArray(BS, x, src + i).convertShape(VectorOperators.B2I, IS, 0)).and(0xFF).sub(zp);
                ((FloatVector) v.convertShape(VectorOperators.I2F, FS, 0)).intoArray(buf, start + i);
            }
            for (; i < n; i++) buf[start + i] = (x[src + i] & 0xFF) - zp;
        } else {
            for (; i <= vend; i += L) {
                IntVector v = ((IntVector) ByteVector.fromArray(BS, x, src + i).convertShape(VectorOperators.B2I, IS, 0)).sub(zp);
                ((FloatVector) v.convertShape(VectorOperators.I2F, FS, 0)).intoArray(buf, start + i);
            }
            for (; i < n; i++) buf[start + i] = x[src + i] - zp;
        }
    }

    /**
     * {@link DwPlan#fillRow(Object, int, int, int, float[], int, int, int)} (channels [c0, c1) of every column, zeros
     * in the padding columns) with the quantized widening vectorized per column as in {@link #fillRow}.
     */
    private static void fillSlice(DwPlan p, Object xArr, int xOff, int b, int iy, float[] buf, int base, int c0, int c1) {
        if (p.kind == DwPlan.FLOAT || p.mult != 1) {
            p.fillRow(xArr, xOff, b, iy, buf, base, c0, c1);
            return;
        }
        int C = p.outC, n = c1 - c0, padL = p.win.padLeft();
        int src0 = xOff + (b * p.inH + iy) * p.inW * p.inC + c0;
        byte[] x = (byte[]) xArr;
        int zp = p.xZp, mask = p.unsigned ? 0xFF : -1;
        int lim = x.length - BS.length(); // a BS load reads BS.length() bytes (more than L at 128 bits)
        for (int col = 0; col < p.wp; col++) {
            int o = base + col * C + c0, ix = col - padL;
            if (ix < 0 || ix >= p.inW) {
                java.util.Arrays.fill(buf, o, o + n, 0f);
                continue;
            }
            int s = src0 + ix * p.inC;
            int i = 0;
            int vend = Math.min(n - L, lim - s);
            for (; i <= vend; i += L) {
                IntVector v = ((IntVector) ByteVector.fromArray(BS, x, s + i).convertShape(VectorOperators.B2I, IS, 0)).and(mask).sub(zp);
                ((FloatVector) v.convertShape(VectorOperators.I2F, FS, 0)).intoArray(buf, o + i);
            }
            for (; i < n; i++) buf[o + i] = (x[s + i] & mask) - zp;
        }
    }

    private static boolean rowValid(DwPlan p, int iy0, int ky) {
        int iy = iy0 + ky * p.win.dilationH();
        return iy >= 0 && iy < p.inH;
    }

    // ------------------------------------------------------------------ quantized

    private static void row3x3Quant(DwPlan p, float[] buf, int r0, int r1, int r2, byte[] y, int yOff, int cs, int ce) {
        Window win = p.win;
        int C = p.outC, cPad = p.cPad, outW = win.outW();
        int sC = win.strideW() * C, dC = win.dilationW() * C;
        float[] w = p.w;
        for (int c0 = cs; c0 < ce; c0 += L) {
            FloatVector w00 = FloatVector.fromArray(FS, w, c0), w01 = FloatVector.fromArray(FS, w, cPad + c0),
                    w02 = FloatVector.fromArray(FS, w, 2 * cPad + c0), w10 = FloatVector.fromArray(FS, w, 3 * cPad + c0),
                    w11 = FloatVector.fromArray(FS, w, 4 * cPad + c0), w12 = FloatVector.fromArray(FS, w, 5 * cPad + c0),
                    w20 = FloatVector.fromArray(FS, w, 6 * cPad + c0), w21 = FloatVector.fromArray(FS, w, 7 * cPad + c0),
                    w22 = FloatVector.fromArray(FS, w, 8 * cPad + c0);
            int n = Math.min(L, ce - c0);
            int o = c0;
            if (p.kind == DwPlan.TFLITE) {
                // requantization constants of this channel block held in registers across the row (the per-channel
                // arrays are padded to whole vectors; a short last block stores its n lanes through a mask)
                IntVector bias = IntVector.fromArray(IS, p.biasI, c0), lsh = IntVector.fromArray(IS, p.lsh, c0);
                LongVector mLo = LongVector.fromArray(LS, p.mul, c0), mHi = LongVector.fromArray(LS, p.mul, c0 + HL);
                LongVector hLo = LongVector.fromArray(LS, p.half, c0), hHi = LongVector.fromArray(LS, p.half, c0 + HL);
                LongVector nLo = LongVector.fromArray(LS, p.neg, c0), nHi = LongVector.fromArray(LS, p.neg, c0 + HL);
                LongVector sLo = LongVector.fromArray(LS, p.rsh, c0), sHi = LongVector.fromArray(LS, p.rsh, c0 + HL);
                int zp = p.outZp, lo = p.lo, hi = p.hi;
                for (int ox = 0; ox < outW; ox++, o += sC) {
                    FloatVector acc = FloatVector.fromArray(FS, buf, r0 + o).mul(w00);
                    acc = FloatVector.fromArray(FS, buf, r0 + o + dC).fma(w01, acc);
                    acc = FloatVector.fromArray(FS, buf, r0 + o + 2 * dC).fma(w02, acc);
                    acc = FloatVector.fromArray(FS, buf, r1 + o).fma(w10, acc);
                    acc = FloatVector.fromArray(FS, buf, r1 + o + dC).fma(w11, acc);
                    acc = FloatVector.fromArray(FS, buf, r1 + o + 2 * dC).fma(w12, acc);
                    acc = FloatVector.fromArray(FS, buf, r2 + o).fma(w20, acc);
                    acc = FloatVector.fromArray(FS, buf, r2 + o + dC).fma(w21, acc);
                    acc = FloatVector.fromArray(FS, buf, r2 + o + 2 * dC).fma(w22, acc);
                    IntVector a = ((IntVector) acc.convertShape(VectorOperators.F2I, IS, 0)).add(bias).lanewise(VectorOperators.LSHL, lsh);
                    LongVector xl = (LongVector) a.convertShape(VectorOperators.I2L, LS, 0);
                    LongVector xh = (LongVector) a.convertShape(VectorOperators.I2L, LS, 1);
                    xl = xl.mul(mLo).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                    xh = xh.mul(mHi).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                    xl = xl.add(hLo).add(xl.lanewise(VectorOperators.ASHR, 63).and(nLo)).lanewise(VectorOperators.ASHR, sLo);
                    xh = xh.add(hHi).add(xh.lanewise(VectorOperators.ASHR, 63).and(nHi)).lanewise(VectorOperators.ASHR, sHi);
                    IntVector r = ((IntVector) xl.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) xh.convertShape(VectorOperators.L2I, IS, -1));
                    r = r.add(zp).max(lo).min(hi);
                    ByteVector bv = (ByteVector) r.convertShape(VectorOperators.I2B, BS, 0);
                    if (n == L && BS.length() == L) bv.intoArray(y, yOff + ox * C + c0);
                    else bv.intoArray(y, yOff + ox * C + c0, BS.indexInRange(0, n));
                }
                continue;
            }
            if (p.kind == DwPlan.ONNX && n == L && BS.length() == L) {
                // ONNX Runtime's requantization with its constants in registers: (float) (acc + bias) * scale, rounded
                // half to even (magic number: exact below 2^22, and larger |v| saturate either way), + zero point, saturated
                IntVector bias = IntVector.fromArray(IS, p.biasI, c0);
                FloatVector sc = FloatVector.fromArray(FS, p.os, c0);
                float zp = p.outZp, lo = p.lo, hi = p.hi;
                for (int ox = 0; ox < outW; ox++, o += sC) {
                    FloatVector acc = FloatVector.fromArray(FS, buf, r0 + o).mul(w00);
                    acc = FloatVector.fromArray(FS, buf, r0 + o + dC).fma(w01, acc);
                    acc = FloatVector.fromArray(FS, buf, r0 + o + 2 * dC).fma(w02, acc);
                    acc = FloatVector.fromArray(FS, buf, r1 + o).fma(w10, acc);
                    acc = FloatVector.fromArray(FS, buf, r1 + o + dC).fma(w11, acc);
                    acc = FloatVector.fromArray(FS, buf, r1 + o + 2 * dC).fma(w12, acc);
                    acc = FloatVector.fromArray(FS, buf, r2 + o).fma(w20, acc);
                    acc = FloatVector.fromArray(FS, buf, r2 + o + dC).fma(w21, acc);
                    acc = FloatVector.fromArray(FS, buf, r2 + o + 2 * dC).fma(w22, acc);
                    IntVector a = ((IntVector) acc.convertShape(VectorOperators.F2I, IS, 0)).add(bias);
                    FloatVector v = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(sc);
                    v = v.add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
                    ((ByteVector) v.convertShape(VectorOperators.F2I, IS, 0).convertShape(VectorOperators.I2B, BS, 0)).intoArray(y, yOff + ox * C + c0);
                }
                continue;
            }
            for (int ox = 0; ox < outW; ox++, o += sC) {
                FloatVector acc = FloatVector.fromArray(FS, buf, r0 + o).mul(w00);
                acc = FloatVector.fromArray(FS, buf, r0 + o + dC).fma(w01, acc);
                acc = FloatVector.fromArray(FS, buf, r0 + o + 2 * dC).fma(w02, acc);
                acc = FloatVector.fromArray(FS, buf, r1 + o).fma(w10, acc);
                acc = FloatVector.fromArray(FS, buf, r1 + o + dC).fma(w11, acc);
                acc = FloatVector.fromArray(FS, buf, r1 + o + 2 * dC).fma(w12, acc);
                acc = FloatVector.fromArray(FS, buf, r2 + o).fma(w20, acc);
                acc = FloatVector.fromArray(FS, buf, r2 + o + dC).fma(w21, acc);
                acc = FloatVector.fromArray(FS, buf, r2 + o + 2 * dC).fma(w22, acc);
                store(p, acc, c0, n, y, yOff + ox * C + c0);
            }
        }
    }

    private static void rowQuant(DwPlan p, float[] buf, int[] ints, int off, int iy0, byte[] y, int yOff, int cs, int ce) {
        Window win = p.win;
        int C = p.outC, cPad = p.cPad, outW = win.outW(), kH = win.kH(), kW = win.kW();
        int sC = win.strideW() * C, dC = win.dilationW() * C;
        float[] w = p.w;
        for (int c0 = cs; c0 < ce; c0 += L) {
            int n = Math.min(L, ce - c0);
            if (p.kind == DwPlan.TFLITE) {
                // TFLite requantization written out here (as in row3x3Quant), constants in registers across the row:
                // the shared store() is too large for C2 to inline, and a vector passed to it is boxed
                IntVector bias = IntVector.fromArray(IS, p.biasI, c0), lsh = IntVector.fromArray(IS, p.lsh, c0);
                LongVector mLo = LongVector.fromArray(LS, p.mul, c0), mHi = LongVector.fromArray(LS, p.mul, c0 + HL);
                LongVector hLo = LongVector.fromArray(LS, p.half, c0), hHi = LongVector.fromArray(LS, p.half, c0 + HL);
                LongVector nLo = LongVector.fromArray(LS, p.neg, c0), nHi = LongVector.fromArray(LS, p.neg, c0 + HL);
                LongVector sLo = LongVector.fromArray(LS, p.rsh, c0), sHi = LongVector.fromArray(LS, p.rsh, c0 + HL);
                int zp = p.outZp, lo = p.lo, hi = p.hi;
                for (int ox = 0; ox < outW; ox++) {
                    FloatVector acc = FloatVector.zero(FS);
                    int o = ox * sC + c0;
                    for (int ky = 0; ky < kH; ky++) {
                        if (!rowValid(p, iy0, ky)) continue;
                        int rb = ints[off + ky] + o;
                        int wb = ky * kW * cPad + c0;
                        for (int kx = 0; kx < kW; kx++) {
                            acc = FloatVector.fromArray(FS, buf, rb + kx * dC).fma(FloatVector.fromArray(FS, w, wb + kx * cPad), acc);
                        }
                    }
                    IntVector a = ((IntVector) acc.convertShape(VectorOperators.F2I, IS, 0)).add(bias).lanewise(VectorOperators.LSHL, lsh);
                    LongVector xl = (LongVector) a.convertShape(VectorOperators.I2L, LS, 0);
                    LongVector xh = (LongVector) a.convertShape(VectorOperators.I2L, LS, 1);
                    xl = xl.mul(mLo).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                    xh = xh.mul(mHi).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                    xl = xl.add(hLo).add(xl.lanewise(VectorOperators.ASHR, 63).and(nLo)).lanewise(VectorOperators.ASHR, sLo);
                    xh = xh.add(hHi).add(xh.lanewise(VectorOperators.ASHR, 63).and(nHi)).lanewise(VectorOperators.ASHR, sHi);
                    IntVector r = ((IntVector) xl.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) xh.convertShape(VectorOperators.L2I, IS, -1));
                    r = r.add(zp).max(lo).min(hi);
                    ByteVector bv = (ByteVector) r.convertShape(VectorOperators.I2B, BS, 0);
                    if (n == L && BS.length() == L) bv.intoArray(y, yOff + ox * C + c0);
                    else bv.intoArray(y, yOff + ox * C + c0, BS.indexInRange(0, n));
                }
                continue;
            }
            for (int ox = 0; ox < outW; ox++) {
                FloatVector acc = FloatVector.zero(FS);
                int o = ox * sC + c0;
                for (int ky = 0; ky < kH; ky++) {
                    if (!rowValid(p, iy0, ky)) continue;
                    int rb = ints[off + ky] + o;
                    int wb = ky * kW * cPad + c0;
                    for (int kx = 0; kx < kW; kx++) {
                        acc = FloatVector.fromArray(FS, buf, rb + kx * dC).fma(FloatVector.fromArray(FS, w, wb + kx * cPad), acc);
                    }
                }
                store(p, acc, c0, n, y, yOff + ox * C + c0);
            }
        }
    }

    /** Requantizes one accumulator vector (channels c0..c0+n-1) and stores n output bytes at y[at]. */
    private static void store(DwPlan p, FloatVector acc, int c0, int n, byte[] y, int at) {
        IntVector a = (IntVector) acc.convertShape(VectorOperators.F2I, IS, 0);
        a = a.add(IntVector.fromArray(IS, p.biasI, c0));
        IntVector r;
        if (p.kind == DwPlan.TFLITE) {
            a = a.lanewise(VectorOperators.LSHL, IntVector.fromArray(IS, p.lsh, c0));
            LongVector lo = (LongVector) a.convertShape(VectorOperators.I2L, LS, 0);
            LongVector hi = (LongVector) a.convertShape(VectorOperators.I2L, LS, 1);
            lo = lo.mul(LongVector.fromArray(LS, p.mul, c0)).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            hi = hi.mul(LongVector.fromArray(LS, p.mul, c0 + HL)).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            lo = lo.add(LongVector.fromArray(LS, p.half, c0)).add(lo.lanewise(VectorOperators.ASHR, 63).and(LongVector.fromArray(LS, p.neg, c0)))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(LS, p.rsh, c0));
            hi = hi.add(LongVector.fromArray(LS, p.half, c0 + HL)).add(hi.lanewise(VectorOperators.ASHR, 63).and(LongVector.fromArray(LS, p.neg, c0 + HL)))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(LS, p.rsh, c0 + HL));
            r = ((IntVector) lo.convertShape(VectorOperators.L2I, IS, 0)).or((IntVector) hi.convertShape(VectorOperators.L2I, IS, -1));
            r = r.add(p.outZp).max(p.lo).min(p.hi);
        } else {
            FloatVector v = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, p.os, c0));
            v = v.add(MAGIC).sub(MAGIC).add((float) p.outZp).max((float) p.lo).min((float) p.hi);
            r = (IntVector) v.convertShape(VectorOperators.F2I, IS, 0);
        }
        ByteVector bv = (ByteVector) r.convertShape(VectorOperators.I2B, BS, 0);
        if (n == L && BS.length() == L) bv.intoArray(y, at);
        else bv.intoArray(y, at, BS.indexInRange(0, n));
    }

    // ------------------------------------------------------------------ float

    private static void row3x3Float(DwPlan p, float[] buf, int r0, int r1, int r2, float[] y, int yOff, int cs, int ce) {
        Window win = p.win;
        int C = p.outC, cPad = p.cPad, outW = win.outW();
        int sC = win.strideW() * C, dC = win.dilationW() * C;
        float[] w = p.w;
        FloatVector zero = FloatVector.zero(FS);
        for (int c0 = cs; c0 < ce; c0 += L) {
            FloatVector w00 = FloatVector.fromArray(FS, w, c0), w01 = FloatVector.fromArray(FS, w, cPad + c0),
                    w02 = FloatVector.fromArray(FS, w, 2 * cPad + c0), w10 = FloatVector.fromArray(FS, w, 3 * cPad + c0),
                    w11 = FloatVector.fromArray(FS, w, 4 * cPad + c0), w12 = FloatVector.fromArray(FS, w, 5 * cPad + c0),
                    w20 = FloatVector.fromArray(FS, w, 6 * cPad + c0), w21 = FloatVector.fromArray(FS, w, 7 * cPad + c0),
                    w22 = FloatVector.fromArray(FS, w, 8 * cPad + c0);
            FloatVector bias = FloatVector.fromArray(FS, p.biasF, c0);
            int n = Math.min(L, ce - c0);
            VectorMask<Float> m = FS.indexInRange(0, n);
            int o = c0;
            for (int ox = 0; ox < outW; ox++, o += sC) {
                FloatVector acc = zero.add(FloatVector.fromArray(FS, buf, r0 + o).mul(w00));
                acc = acc.add(FloatVector.fromArray(FS, buf, r0 + o + dC).mul(w01));
                acc = acc.add(FloatVector.fromArray(FS, buf, r0 + o + 2 * dC).mul(w02));
                acc = acc.add(FloatVector.fromArray(FS, buf, r1 + o).mul(w10));
                acc = acc.add(FloatVector.fromArray(FS, buf, r1 + o + dC).mul(w11));
                acc = acc.add(FloatVector.fromArray(FS, buf, r1 + o + 2 * dC).mul(w12));
                acc = acc.add(FloatVector.fromArray(FS, buf, r2 + o).mul(w20));
                acc = acc.add(FloatVector.fromArray(FS, buf, r2 + o + dC).mul(w21));
                acc = acc.add(FloatVector.fromArray(FS, buf, r2 + o + 2 * dC).mul(w22));
                acc = acc.add(bias).max(p.flo).min(p.fhi);
                if (n == L) acc.intoArray(y, yOff + ox * C + c0);
                else acc.intoArray(y, yOff + ox * C + c0, m);
            }
        }
    }

    private static void rowFloat(DwPlan p, float[] buf, int[] ints, int off, int iy0, float[] y, int yOff, int cs, int ce) {
        Window win = p.win;
        int C = p.outC, cPad = p.cPad, outW = win.outW(), kH = win.kH(), kW = win.kW();
        int sC = win.strideW() * C, dC = win.dilationW() * C;
        float[] w = p.w;
        for (int c0 = cs; c0 < ce; c0 += L) {
            int n = Math.min(L, ce - c0);
            VectorMask<Float> m = FS.indexInRange(0, n);
            FloatVector bias = FloatVector.fromArray(FS, p.biasF, c0);
            for (int ox = 0; ox < outW; ox++) {
                FloatVector acc = FloatVector.zero(FS);
                int o = ox * sC + c0;
                for (int ky = 0; ky < kH; ky++) {
                    if (!rowValid(p, iy0, ky)) continue;
                    int rb = ints[off + ky] + o;
                    int wb = ky * kW * cPad + c0;
                    for (int kx = 0; kx < kW; kx++) {
                        acc = acc.add(FloatVector.fromArray(FS, buf, rb + kx * dC).mul(FloatVector.fromArray(FS, w, wb + kx * cPad)));
                    }
                }
                acc = acc.add(bias).max(p.flo).min(p.fhi);
                if (n == L) acc.intoArray(y, yOff + ox * C + c0);
                else acc.intoArray(y, yOff + ox * C + c0, m);
            }
        }
    }
}
