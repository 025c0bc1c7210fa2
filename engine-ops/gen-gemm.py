#!/usr/bin/env python3
"""Generates engine-ops/src/main/java/dev/octet/ops/simd/Gemm{512,256,128}.java from one template.
Run from the repository root after editing: python3 engine-ops/gen-gemm.py"""
import os


def tile(kind, nv=4):
    """A 4-row tile of nv vectors (nv < 4: the first nv vectors of each packed panel row, for narrow last panels)."""
    ints = kind in ("int", "intA")
    V = "IntVector" if ints else "FloatVector"
    S = "IS" if ints else "FS"
    xs = {"int": "byte[] x", "intA": "int[] x", "float": "float[] x"}[kind]
    outt = "int[] out" if ints else "float[] out"
    wt = "int[] w" if ints else "float[] w"
    extra = ", int mask" if kind == "int" else ""
    rd = (lambda r: f"x[r{r} + i] & mask") if kind == "int" else (lambda r: f"x[r{r} + i]")
    name = {"int": "intTile", "intA": "intTileInt", "float": "floatTile"}[kind] + ("" if nv == 4 else str(nv))
    L = [f"    static void {name}({xs}, int r0, int r1, int r2, int r3{extra}, {wt}, int wOff, int k, {outt}, int outOff) {{",
         f"        {V} " + ", ".join(f"c{r}{j} = {V}.zero({S})" for r in range(4) for j in range(nv)) + ";",
         "        for (int i = 0, wi = wOff; i < k; i++, wi += NR) {"]
    for j in range(nv):
        off = "" if j == 0 else f" + {j} * L"
        L.append(f"            {V} w{j} = {V}.fromArray({S}, w, wi{off});")
    for r in range(4):
        L.append(f"            {V} a{r} = {V}.broadcast({S}, {rd(r)});")
        for j in range(nv):
            L.append(f"            c{r}{j} = c{r}{j}.add(a{r}.mul(w{j}));")
    L.append("        }")
    for r in range(4):
        for j in range(nv):
            L.append(f"        c{r}{j}.intoArray(out, outOff + {r} * NR + {j} * L);")
    L.append("    }")
    return "\n".join(L)


def wino(width):
    """Winograd F(2x2,3x3) input and output transforms over channels (see WinogradKernel)."""
    L = width // 32
    # channels per step and int vectors per step; bytes are widened byte->int (512/256) or byte->short->int (128,
    # where byte->int with part != 0 is not intrinsified and 4-byte vectors do not exist)
    cw, halves = (16, 1) if width == 512 else (8, 1) if width == 256 else (8, 2)
    bsp = "ByteVector.SPECIES_128" if width == 512 else "ByteVector.SPECIES_64"
    E = [(r, c) for r in range(4) for c in range(4)]
    o = []
    o.append(f"    /** Channels per step of {{@link #winogradInput}}. */")
    o.append(f"    static final int WCW = {cw};")
    o.append("    static final VectorSpecies<Byte> WBS = " + bsp + ";")
    if halves == 2:
        o.append("    static final VectorSpecies<Short> WSS = ShortVector.SPECIES_128;")
    o.append("""
    /**
     * V = B^T d B (B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]) for one 4x4 input tile, WCW channels at a time: row r
     * of the tile starts at {@code src[o0 + r*rowStride]}, its pixels {@code ci} apart, values read as {@code byte & mask}.
     * Position (i, j) goes to {@code v[vOff + (i*4+j)*ps + c]}. Returns the channels done (a multiple of WCW); the
     * caller transforms the rest.
     */
    static int winogradInput(byte[] src, int o0, int rowStride, int ci, int mask, int[] v, int vOff, int ps) {
        int c = 0;
        for (; c + WCW <= ci; c += WCW) {""")
    for (r, cc) in E:
        off = f"o0 + {r} * rowStride + {cc} * ci + c" if r or cc else "o0 + c"
        if halves == 1:
            o.append(f"            IntVector d{r}{cc} = ((IntVector) ByteVector.fromArray(WBS, src, {off}).convertShape(VectorOperators.B2I, IS, 0)).and(mask);")
        else:
            o.append(f"            ShortVector s{r}{cc} = (ShortVector) ByteVector.fromArray(WBS, src, {off}).convertShape(VectorOperators.B2S, WSS, 0);")
    for h in range(halves):
        ind = "            "
        if halves == 2:
            o.append(ind + "{")
            ind += "    "
            for (r, cc) in E:
                o.append(f"{ind}IntVector d{r}{cc} = ((IntVector) s{r}{cc}.convertShape(VectorOperators.S2I, IS, {h})).and(mask);")
        for cc in range(4):
            o.append(f"{ind}IntVector t0{cc} = d0{cc}.sub(d2{cc}), t1{cc} = d1{cc}.add(d2{cc}), t2{cc} = d2{cc}.sub(d1{cc}), t3{cc} = d1{cc}.sub(d3{cc});")
        at = "vOff + c" + (f" + {h * L}" if h else "")
        for i in range(4):
            exprs = [f"t{i}0.sub(t{i}2)", f"t{i}1.add(t{i}2)", f"t{i}2.sub(t{i}1)", f"t{i}1.sub(t{i}3)"]
            for j in range(4):
                pos = i * 4 + j
                o.append(f"{ind}{exprs[j]}.intoArray(v, {at} + {pos} * ps);")
        if halves == 2:
            o.append("            }")
    o.append("        }")
    o.append("        return c;")
    o.append("    }")
    o.append("""
    /**
     * Y = (A^T M A) / 4 (A^T = [1 1 1 0; 0 1 -1 -1]) for one tile and {@code cols} columns (a multiple of L): position
     * (i, j) of M at {@code m[mOff + (i*4+j)*ps + col]}, output pixel (a, b) to {@code out[oOff + (a*2+b)*cols + col]}.
     * The division is an arithmetic shift of an exact multiple of 4.
     */
    static void winogradOutput(int[] m, int mOff, int ps, int cols, int[] out, int oOff) {
        for (int j = 0; j < cols; j += L) {
            int at = mOff + j;""")
    for i in range(4):
        o.append("            " + "IntVector " + ", ".join(f"m{i}{jj} = IntVector.fromArray(IS, m, at + {i * 4 + jj} * ps)" for jj in range(4)) + ";")
    for jj in range(4):
        o.append(f"            IntVector s0{jj} = m0{jj}.add(m1{jj}).add(m2{jj}), s1{jj} = m1{jj}.sub(m2{jj}).sub(m3{jj});")
    o.append("            s00.add(s01).add(s02).lanewise(VectorOperators.ASHR, 2).intoArray(out, oOff + j);")
    o.append("            s01.sub(s02).sub(s03).lanewise(VectorOperators.ASHR, 2).intoArray(out, oOff + cols + j);")
    o.append("            s10.add(s11).add(s12).lanewise(VectorOperators.ASHR, 2).intoArray(out, oOff + 2 * cols + j);")
    o.append("            s11.sub(s12).sub(s13).lanewise(VectorOperators.ASHR, 2).intoArray(out, oOff + 3 * cols + j);")
    o.append("        }")
    o.append("    }")
    return "\n".join(o)


def tile_narrow():
    """8 rows x 2 vectors of int32 A rows against a 2-vector panel (WinogradKernel with at most two vectors of output channels)."""
    L = ["    static void intTileInt2(int[] x, " + ", ".join(f"int r{r}" for r in range(8)) + ", int[] w, int wOff, int k, int[] out, int outOff) {",
         "        IntVector " + ", ".join(f"c{r}{j} = IntVector.zero(IS)" for r in range(8) for j in range(2)) + ";",
         "        for (int i = 0, wi = wOff; i < k; i++, wi += 2 * L) {",
         "            IntVector w0 = IntVector.fromArray(IS, w, wi);",
         "            IntVector w1 = IntVector.fromArray(IS, w, wi + L);"]
    for r in range(8):
        L.append(f"            IntVector a{r} = IntVector.broadcast(IS, x[r{r} + i]);")
        for j in range(2):
            L.append(f"            c{r}{j} = c{r}{j}.add(a{r}.mul(w{j}));")
    L.append("        }")
    for r in range(8):
        for j in range(2):
            L.append(f"        c{r}{j}.intoArray(out, outOff + {r} * 2 * L + {j} * L);")
    L.append("    }")
    return "\n".join(L)


TEMPLATE = '''package dev.octet.ops.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
SHORTIMPORTimport jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernels at WIDTH bits. GENERATED by engine-ops/gen-gemm.py together with its siblings for the other
 * widths (512, 256, 128): edit the script, not this file. The species is a static final constant so C2 compiles
 * each class for its width; the kernels are flat (no vector crosses a call).
 *
 * <p>The tile kernels (8-bit, int32 and float A rows) compute a 4 x NR tile of C = A x B: A's four rows are read from {@code x} at offsets r0..r3
 * (k consecutive elements each; a row may be repeated for a tail), B is a packed panel
 * {@code w[wOff + i*NR + j]} (i < k, j < NR). The tile is stored row-major into {@code out[outOff ..+ 4*NR)}.
 * Integer accumulation wraps like Java int arithmetic, as the scalar reference does (the sum is exact modulo
 * 2^32 in any order). Float accumulation is a multiply then an add per k, in k order, per lane: the very
 * operations of the scalar reference loop, so the sums are identical (no FMA). The class also holds the
 * Winograd F(2x2,3x3) transforms and the 8-row, 2-vector tile of {@link WinogradKernel}.
 */
final class GemmWIDTH {
    private GemmWIDTH() {}

    static final VectorSpecies<Integer> IS = IntVector.SPECIES_WIDTH;
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_WIDTH;
    /** Lanes of one int/float vector. */
    static final int L = WIDTH / 32;
    /** Columns of one packed panel (four vectors). */
    static final int NR = 4 * L;

    /** A 4 x NR int tile; 8-bit activations read as {@code x & mask} (0xFF: uint8, -1: int8). */
INTTILE

    /**
     * The same for a panel whose used columns fit in 1, 2 or 3 vectors (layers with few output channels, last
     * panels): only those columns of the packed rows are read and only they are stored (the rest of the tile row is
     * left as it was).
     */
INTTILE1

INTTILE2

INTTILE3

    /**
     * A 4 x NR int tile with int32 A rows (the Winograd-domain GEMMs of {@link WinogradKernel}: transformed inputs
     * are ints, not bytes).
     */
INTATILE

    /**
     * An 8 x 2L int tile with int32 A rows (eight rows r0..r7, a row may be repeated for a tail) against a panel of two
     * vectors {@code w[wOff + i*2L + j]}, stored row-major (rows of 2L) into {@code out[outOff ..+ 16*L)}: the
     * Winograd-domain GEMMs of layers with at most two vectors of output channels.
     */
NARROWTILE

    /** A 4 x NR float tile. */
FLOATTILE
REQUANT

WINOGRAD
}
'''

REQUANT = r'''
    /** Half-width int species (widened to longs of the full width) for the fixed-point rescaling. */
    static final VectorSpecies<Integer> IH = IntVector.SPECIES_HALF;
    static final VectorSpecies<Long> LS = LongVector.SPECIES_WIDTH;
    /** Lanes of one long vector. */
    static final int LL = WIDTH / 64;

    /**
     * Rescales NR accumulators {@code t[off ..+ NR)} in place (TFLite single rounding, see
     * QuantMath.multiplyByQuantizedMultiplierSingleRounding): {@code acc = t + bias}, then
     * {@code (int) (((long) (acc << lsh) * mult + round) >> total) + zp} clamped to [lo, hi]. Per-column arrays
     * start at {@code c0} and are padded to whole panels.
     */
    static void requantSingle(int[] t, int off, int[] bias, int[] lsh, long[] mult, long[] round, long[] total, int c0, int zp, int lo, int hi) {
        requantSingle(t, off, bias, lsh, mult, round, total, c0, zp, lo, hi, NR);
    }

    /** The first {@code ncols} columns only (a multiple of L). */
    static void requantSingle(int[] t, int off, int[] bias, int[] lsh, long[] mult, long[] round, long[] total, int c0, int zp, int lo, int hi, int ncols) {
        for (int j = 0; j < ncols; j += LL) {
            IntVector a = IntVector.fromArray(IH, t, off + j).add(IntVector.fromArray(IH, bias, c0 + j))
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(IH, lsh, c0 + j));
            LongVector p = ((LongVector) a.convertShape(VectorOperators.I2L, LS, 0)).mul(LongVector.fromArray(LS, mult, c0 + j))
                    .add(LongVector.fromArray(LS, round, c0 + j)).lanewise(VectorOperators.ASHR, LongVector.fromArray(LS, total, c0 + j));
            IntVector r = ((IntVector) p.convertShape(VectorOperators.L2I, IH, 0)).add(zp).max(lo).min(hi);
            r.intoArray(t, off + j);
        }
    }

    /**
     * Same with TFLite double rounding (QuantMath.multiplyByQuantizedMultiplier): the rounded doubling high product
     * (multipliers are positive, so it never saturates), then a rounding right shift by {@code rsh} with ties away
     * from zero ({@code rmask = 2^rsh - 1}).
     */
    static void requantDouble(int[] t, int off, int[] bias, int[] lsh, long[] mult, int[] rsh, int[] rmask, int c0, int zp, int lo, int hi) {
        requantDouble(t, off, bias, lsh, mult, rsh, rmask, c0, zp, lo, hi, NR);
    }

    /** The first {@code ncols} columns only (a multiple of L). */
    static void requantDouble(int[] t, int off, int[] bias, int[] lsh, long[] mult, int[] rsh, int[] rmask, int c0, int zp, int lo, int hi, int ncols) {
        for (int j = 0; j < ncols; j += LL) {
            IntVector a = IntVector.fromArray(IH, t, off + j).add(IntVector.fromArray(IH, bias, c0 + j))
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(IH, lsh, c0 + j));
            LongVector ab = ((LongVector) a.convertShape(VectorOperators.I2L, LS, 0)).mul(LongVector.fromArray(LS, mult, c0 + j));
            // mask-free (masks on 64-bit vectors are not intrinsified at 128 bits): nudge 2^30, or 1 - 2^30 when ab < 0
            LongVector s = ab.add(ab.lanewise(VectorOperators.ASHR, 63).and(1L - (1L << 31)).add(1L << 30));
            // division by 2^31 truncating toward zero
            s = s.add(s.lanewise(VectorOperators.ASHR, 63).and((1L << 31) - 1)).lanewise(VectorOperators.ASHR, 31);
            IntVector x = (IntVector) s.convertShape(VectorOperators.L2I, IH, 0);
            IntVector m = IntVector.fromArray(IH, rmask, c0 + j);
            // threshold = mask/2, plus 1 when x < 0; round up when the remainder exceeds it
            IntVector threshold = m.lanewise(VectorOperators.ASHR, 1).sub(x.lanewise(VectorOperators.ASHR, 31));
            IntVector q = x.lanewise(VectorOperators.ASHR, IntVector.fromArray(IH, rsh, c0 + j));
            q = q.sub(threshold.sub(x.and(m)).lanewise(VectorOperators.ASHR, 31));
            q.add(zp).max(lo).min(hi).intoArray(t, off + j);
        }
    }

    /**
     * ONNX rescaling: {@code rint((float) acc * scale) + zp} clamped to [lo, hi] (lo, hi, zp within 8-bit ranges).
     * The product is first clamped to +-2^20 (anything beyond saturates either way), then rounded half to even by
     * adding and subtracting 1.5 * 2^23, which is exact in that range.
     */
    static void requantOnnx(int[] t, int off, int[] bias, float[] scale, int c0, int zp, int lo, int hi) {
        requantOnnx(t, off, bias, scale, c0, zp, lo, hi, NR);
    }

    /** The first {@code ncols} columns only (a multiple of L). */
    static void requantOnnx(int[] t, int off, int[] bias, float[] scale, int c0, int zp, int lo, int hi, int ncols) {
        for (int j = 0; j < ncols; j += L) {
            IntVector a = IntVector.fromArray(IS, t, off + j).add(IntVector.fromArray(IS, bias, c0 + j));
            FloatVector v = ((FloatVector) a.convertShape(VectorOperators.I2F, FS, 0)).mul(FloatVector.fromArray(FS, scale, c0 + j));
            v = v.max(-1048576f).min(1048576f).add(12582912f).sub(12582912f);
            IntVector r = ((IntVector) v.convertShape(VectorOperators.F2I, IS, 0)).add(zp).max(lo).min(hi);
            r.intoArray(t, off + j);
        }
    }
'''

out_dir = "engine-ops/src/main/java/dev/octet/ops/simd"
for width in (512, 256, 128):
    src = TEMPLATE.replace("INTTILE1", tile("int", 1)).replace("INTTILE2", tile("int", 2)).replace("INTTILE3", tile("int", 3)).replace("INTATILE", tile("intA")).replace("INTTILE", tile("int")).replace("NARROWTILE", tile_narrow()).replace("FLOATTILE", tile("float")).replace("REQUANT", REQUANT.rstrip("\n")).replace("WINOGRAD", wino(width)).replace("SHORTIMPORT", "import jdk.incubator.vector.ShortVector;\n" if width == 128 else "").replace("HALF", str(width // 2)).replace("WIDTH", str(width))
    with open(os.path.join(out_dir, f"Gemm{width}.java"), "w") as f:
        f.write(src)
