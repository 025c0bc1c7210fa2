package dev.octet.ops.simd;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.PrepareContext;
import dev.octet.ops.reference.Window;
import java.util.Arrays;

/**
 * A quantized 3x3, stride 1, dilation 1, ungrouped convolution computed exactly with integer Winograd F(2x2,3x3)
 * (see docs/winograd.md). Each 2x2 output tile needs a 4x4 input tile d; with
 * <pre>
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   2G = [2 0 0; 1 1 1; 1 -1 1; 0 0 2]   A^T = [1 1 1 0; 0 1 -1 -1]
 * </pre>
 * V = B^T d B is computed on the raw 8-bit inputs (padding = input zero point, as {@link GemmKernel} pads), the
 * filters are transformed once at load as U = (2G)(w - wZp)(2G)^T, integers equal to 4x Lavin's G g G^T; then for
 * each of the 16 positions M = sum over input channels of U x V (16 independent GEMMs [tiles x Ci] x [Ci x Co], run
 * with the int32-A outer-product micro-kernel of Gemm512/256/128), and Y4 = A^T M A is exactly 4 x sum(x * (w - wZp))
 * over the 3x3xCi window. All int arithmetic wraps modulo 2^32, which commutes with additions and multiplications, so
 * Y4 is right modulo 2^32; the kernel is only built when a load-time bound proves |4 x sum| < 2^31 for every output
 * channel, so Y4 is the true value, and Y4 >> 2 is the very accumulator GemmKernel computes. The input zero point is
 * folded into the bias and the accumulator requantized by the same vectorized code as GemmKernel (TFLite fixed point,
 * single or double rounding; ONNX float scale), so outputs are byte-identical with the reference kernels.
 *
 * <p>Tiles (batch x ceil(outH/2) x ceil(outW/2), in raster order) are processed in blocks of {@link #TB}: the block's
 * input tiles are transformed into scratch ([16][TB][Ci] ints), then for each weight panel the 16 GEMMs fill
 * [16][TB][NR] and the output transform, rescale and store follow (partial tiles at the right/bottom edges store only
 * their valid pixels). Layers with at most two vectors of output channels use panels of two vectors and an 8-row
 * micro-kernel instead (no lanes wasted on a 4-vector panel), and rescale two pixels per call. Intra-op threads take contiguous ranges of tiles; every tile is computed the same way whatever
 * the split, so outputs do not depend on the thread count.
 */
final class WinogradKernel implements Kernel {
    /** System property: "false" disables the Winograd kernel (the GEMM is used instead). */
    static final String PROPERTY = "octet.winograd";

    /** Tiles per block (a multiple of 4, the micro-kernel's rows). */
    static final int TB = 32;

    private final int bits, nr, parts;
    private final boolean narrow; // at most two vectors of output channels: panels of 2 vectors, 8-row micro-kernel
    private final dev.octet.core.Parallel.Task task = this::part;
    private final GemmKernel.Shape s;
    private final int ci, co, panels, tilesH, tilesW, tiles, outH, outW;
    private final int inputId, outputId;
    private final int[] wPacked; // [16][panels][ci][nr]
    private final int[] biasAdj;
    private final int mask;
    private final byte pad;
    private final GemmKernel.Requant rq;
    private final int[] lsh, rsh, rmask;
    private final long[] multL, roundL, totalL;
    private final float[] scaleP;
    private final int vSize, mSize, vStride, mStride;

    /**
     * The distance between two Winograd positions in scratch: {@code n} rounded up to a cache line plus one line, so the
     * 16 positions a transform touches at once do not all fall into the same L1 set (a plain TB*Ci stride is a multiple
     * of 4 KiB for Ci = 32, 64, 128 and made the transforms ~10x slower).
     */
    static int stride(int n) { return (n + 15) / 16 * 16 + 16; }

    private WinogradKernel(int bits, int parts, GemmKernel.Shape s, int[] ids, int[] wPacked, int[] biasAdj, int mask, byte pad, GemmKernel.Requant rq) {
        this.bits = bits;
        this.narrow = narrow(bits, s.outC());
        this.nr = panelWidth(bits, s.outC());
        this.parts = parts;
        this.s = s;
        this.ci = s.inC();
        this.co = s.outC();
        this.panels = (co + nr - 1) / nr;
        this.outH = s.win().outH();
        this.outW = s.win().outW();
        this.tilesH = (outH + 1) / 2;
        this.tilesW = (outW + 1) / 2;
        this.tiles = s.batch() * tilesH * tilesW;
        this.inputId = ids[0];
        this.outputId = ids[1];
        this.wPacked = wPacked;
        this.biasAdj = biasAdj;
        this.mask = mask;
        this.pad = pad;
        this.rq = rq;
        this.vStride = stride(TB * ci);
        this.mStride = stride(TB * nr);
        this.vSize = 16 * vStride;
        this.mSize = 16 * mStride;
        // per-column arrays: whole panels, and for narrow panels (2L columns) one more copy of the columns, so that one
        // NR-wide (4L) rescaling call covers two output pixels of the tile
        int cols = Math.max(panels * nr, bits / 8);
        boolean fixed = !rq.onnx();
        this.lsh = fixed ? new int[cols] : null;
        this.rsh = fixed ? new int[cols] : null;
        this.rmask = fixed ? new int[cols] : null;
        this.multL = fixed ? new long[cols] : null;
        this.roundL = fixed ? new long[cols] : null;
        this.totalL = fixed ? new long[cols] : null;
        this.scaleP = fixed ? null : Arrays.copyOf(rq.scale(), cols);
        if (!fixed && narrow) System.arraycopy(rq.scale(), 0, scaleP, nr, co);
        if (fixed) {
            for (int c = 0; c < co; c++) {
                int shift = rq.shift()[c];
                lsh[c] = shift > 0 ? shift : 0;
                rsh[c] = shift > 0 ? 0 : -shift;
                rmask[c] = (int) ((1L << rsh[c]) - 1);
                multL[c] = rq.multiplier()[c];
                totalL[c] = 31 + rsh[c];
                roundL[c] = 1L << (totalL[c] - 1);
                if (narrow) {
                    lsh[nr + c] = lsh[c];
                    rsh[nr + c] = rsh[c];
                    rmask[nr + c] = rmask[c];
                    multL[nr + c] = multL[c];
                    totalL[nr + c] = totalL[c];
                    roundL[nr + c] = roundL[c];
                }
            }
        }
    }

    /** Whether a layer of {@code co} output channels uses 2-vector panels (at most two vectors of output channels). */
    static boolean narrow(int bits, int co) { return co <= 2 * (bits / 32); }

    /** Columns of one weight panel: four vectors, or two for narrow layers. */
    static int panelWidth(int bits, int co) { return narrow(bits, co) ? bits / 16 : bits / 8; }

    /** Whether the Winograd kernel may be used at all (system property, read at every compile). */
    static boolean enabled() { return !"false".equalsIgnoreCase(System.getProperty(PROPERTY)); }

    /** {@code -Doctet.winograd=force}: use it on every layer it can compute, ignoring the speed heuristic (tests). */
    static boolean forced() { return "force".equalsIgnoreCase(System.getProperty(PROPERTY)); }

    /** Whether a convolution of this geometry would get the Winograd kernel (before the filter bound is checked). */
    static boolean wanted(GemmKernel.Shape s, int bits) { return enabled() && s != null && geometryFits(s) && (forced() || paysOff(s, bits)); }

    /**
     * Whether the geometry is one this kernel computes: 3x3, stride 1, dilation 1, a non-empty output (groups were
     * already excluded by the caller).
     */
    static boolean geometryFits(GemmKernel.Shape s) {
        Window w = s.win();
        return w.kH() == 3 && w.kW() == 3 && w.strideH() == 1 && w.strideW() == 1 && w.dilationH() == 1 && w.dilationW() == 1 && w.outH() > 0
                && w.outW() > 0 && s.batch() > 0 && s.inC() > 0 && s.outC() > 0;
    }

    /**
     * Whether 4 x sum(x * (w - wZp)) over any 3x3xCi window fits in an int for every output channel, so the wrapped
     * Winograd result is the true one: 4 x max|x| x sum|w - wZp| < 2^31 (max|x| 255 for uint8, 128 for int8).
     */
    static boolean boundHolds(byte[] w, boolean wUnsigned, int[] wZp, boolean xUnsigned, int co, int k) {
        long maxX = xUnsigned ? 255 : 128;
        for (int c = 0; c < co; c++) {
            long sum = 0;
            for (int i = 0; i < k; i++) sum += Math.abs((wUnsigned ? w[c * k + i] & 0xFF : w[c * k + i]) - wZp[c]);
            if (4 * maxX * sum > Integer.MAX_VALUE) return false;
        }
        return true;
    }

    /**
     * Whether Winograd is expected to beat the kernel used otherwise (measured single-threaded on Zen 4 at 512 and 256
     * bits, see docs/winograd.md): at least 16 input channels unless the output exceeds two vectors (below, the narrow
     * ONNX kernel, whose K is 9 x Ci, keeps its vectors busier than the Winograd GEMMs with K = Ci), and output tiles
     * mostly whole (at least 70% of the 2x2 tiles' pixels inside the output).
     */
    static boolean paysOff(GemmKernel.Shape s, int bits) {
        Window w = s.win();
        int th = (w.outH() + 1) / 2, tw = (w.outW() + 1) / 2;
        double useful = (double) w.outH() * w.outW() / (4.0 * th * tw);
        return (s.inC() >= 16 || !narrow(bits, s.outC())) && useful >= 0.7;
    }

    /**
     * A Winograd kernel for this quantized convolution, or null when it does not apply (property off, geometry,
     * bound, or not expected to be faster). Arguments as {@link GemmKernel#quantized}; {@code w} is [Co][3][3][Ci].
     */
    static WinogradKernel orNull(PrepareContext ctx, int bits, int threads, GemmKernel.Shape s, int[] ids, byte[] w, boolean wUnsigned, int[] wZp,
                                 boolean xUnsigned, int xZp, int[] bias, GemmKernel.Requant rq) {
        if (!wanted(s, bits)) return null;
        return create(ctx, bits, threads, s, ids, w, wUnsigned, wZp, xUnsigned, xZp, bias, rq);
    }

    /** As {@link #orNull} without the speed heuristic (tests force the kernel on any fitting shape). */
    static WinogradKernel create(PrepareContext ctx, int bits, int threads, GemmKernel.Shape s, int[] ids, byte[] w, boolean wUnsigned, int[] wZp,
                                 boolean xUnsigned, int xZp, int[] bias, GemmKernel.Requant rq) {
        int ci = s.inC(), co = s.outC(), k = 9 * ci;
        if (!geometryFits(s) || !boundHolds(w, wUnsigned, wZp, xUnsigned, co, k)) return null;
        int nr = panelWidth(bits, co), panels = (co + nr - 1) / nr;
        int[] packed = new int[Math.multiplyExact(Math.multiplyExact(16 * panels, ci), nr)];
        int[] biasAdj = new int[Math.max(panels * nr, bits / 8)];
        int[] g = new int[9], t = new int[12];
        for (int o = 0; o < co; o++) {
            int sum = 0;
            int p = o / nr, j = o % nr;
            for (int c = 0; c < ci; c++) {
                for (int tap = 0; tap < 9; tap++) {
                    int v = (wUnsigned ? w[o * k + tap * ci + c] & 0xFF : w[o * k + tap * ci + c]) - wZp[o];
                    g[tap] = v;
                    sum += v;
                }
                // t = (2G) g: 4x3
                for (int col = 0; col < 3; col++) {
                    int g0 = g[col], g1 = g[3 + col], g2 = g[6 + col];
                    t[col] = 2 * g0;
                    t[3 + col] = g0 + g1 + g2;
                    t[6 + col] = g0 - g1 + g2;
                    t[9 + col] = 2 * g2;
                }
                // U = t (2G)^T: 4x4
                for (int row = 0; row < 4; row++) {
                    int a = t[row * 3], b = t[row * 3 + 1], cc = t[row * 3 + 2];
                    int[] u = {2 * a, a + b + cc, a - b + cc, 2 * cc};
                    for (int col = 0; col < 4; col++) packed[(((row * 4 + col) * panels + p) * ci + c) * nr + j] = u[col];
                }
            }
            biasAdj[o] = bias[o] - xZp * sum;
            if (narrow(bits, co)) biasAdj[nr + o] = biasAdj[o];
        }
        int tiles = s.batch() * ((s.win().outH() + 1) / 2) * ((s.win().outW() + 1) / 2);
        long macs = (long) s.batch() * s.win().outH() * s.win().outW() * k * co;
        int blocks = (tiles + TB - 1) / TB;
        int parts = threads <= 1 || macs < GemmKernel.MIN_PARALLEL_MACS ? 1
                : Math.max(1, Math.min(ExecContext.PARTS_PER_THREAD * threads, Math.max(Math.min(threads, (tiles + 3) / 4), blocks)));
        WinogradKernel kern = new WinogradKernel(bits, parts, s, ids, packed, biasAdj, xUnsigned ? 0xFF : -1, (byte) xZp, rq);
        ctx.requestScratch(DataType.Storage.INT, Math.multiplyExact(parts, kern.vSize + kern.mSize + 4 * nr));
        ctx.requestScratch(DataType.Storage.BYTE, Math.multiplyExact(parts, 16 * ci));
        warmUp(bits);
        return kern;
    }

    @Override
    public String variant() { return "simd-winograd-" + bits + (parts > 1 ? "-split" + parts + "m" : ""); }

    /** Counted as the direct convolution's multiply-accumulates (what GMAC/s figures compare). */
    @Override
    public long macs() { return (long) s.batch() * outH * outW * 9L * ci * co; }

    @Override
    public void run(ExecContext ec) {
        if (parts == 1) {
            part(ec, 0);
        } else {
            ec.parallelFor(parts, task);
        }
    }

    private void part(ExecContext ec, int p) {
        compute(ec.bytes(inputId), ec.offset(inputId), ec.bytes(outputId), ec.offset(outputId), ec.scratchInts(), ec.scratchBytes(), p);
    }

    /** Part {@code p} of the tiles, with this part's slices of the int and byte scratch. */
    private void compute(byte[] x, int xOff, byte[] y, int yOff, int[] sc, byte[] gb, int p) {
        int t0 = (int) ((long) p * tiles / parts), t1 = (int) ((long) (p + 1) * tiles / parts);
        int vOff = p * (vSize + mSize + 4 * nr), mOff = vOff + vSize, oOff = mOff + mSize;
        int gOff = p * 16 * ci;
        Window win = s.win();
        int inH = s.inH(), inW = s.inW(), padT = win.padTop(), padL = win.padLeft();
        int perImage = tilesH * tilesW;
        for (int tb = t0; tb < t1; tb += TB) {
            int cnt = Math.min(TB, t1 - tb);
            // input transforms
            for (int i = 0; i < cnt; i++) {
                int t = tb + i, b = t / perImage, rem = t % perImage, ty = rem / tilesW, tx = rem % tilesW;
                int iy0 = 2 * ty - padT, ix0 = 2 * tx - padL;
                byte[] src;
                int o0, rowStride;
                if (iy0 >= 0 && iy0 + 4 <= inH && ix0 >= 0 && ix0 + 4 <= inW) {
                    src = x;
                    o0 = xOff + ((b * inH + iy0) * inW + ix0) * ci;
                    rowStride = inW * ci;
                } else {
                    src = gb;
                    o0 = gOff;
                    rowStride = 4 * ci;
                    for (int r = 0; r < 4; r++) {
                        int iy = iy0 + r;
                        for (int c = 0; c < 4; c++) {
                            int ix = ix0 + c, dst = gOff + (r * 4 + c) * ci;
                            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                System.arraycopy(x, xOff + ((b * inH + iy) * inW + ix) * ci, gb, dst, ci);
                            } else {
                                Arrays.fill(gb, dst, dst + ci, pad);
                            }
                        }
                    }
                }
                int done = switch (bits) {
                    case 512 -> Gemm512.winogradInput(src, o0, rowStride, ci, mask, sc, vOff + i * ci, vStride);
                    case 256 -> Gemm256.winogradInput(src, o0, rowStride, ci, mask, sc, vOff + i * ci, vStride);
                    default -> Gemm128.winogradInput(src, o0, rowStride, ci, mask, sc, vOff + i * ci, vStride);
                };
                if (done < ci) inputTransform(src, o0, rowStride, done, ci, mask, sc, vOff + i * ci, vStride);
            }
            for (int pn = 0; pn < panels; pn++) {
                for (int pos = 0; pos < 16; pos++) {
                    int wOff = (pos * panels + pn) * ci * nr;
                    int vp = vOff + pos * vStride, mp = mOff + pos * mStride;
                    if (narrow) {
                        for (int i = 0; i < cnt; i += 8) {
                            int rows = Math.min(8, cnt - i);
                            int r0 = vp + i * ci, r1 = rows > 1 ? r0 + ci : r0, r2 = rows > 2 ? r0 + 2 * ci : r1, r3 = rows > 3 ? r0 + 3 * ci : r2;
                            int r4 = rows > 4 ? r0 + 4 * ci : r3, r5 = rows > 5 ? r0 + 5 * ci : r4, r6 = rows > 6 ? r0 + 6 * ci : r5;
                            int r7 = rows > 7 ? r0 + 7 * ci : r6;
                            switch (bits) {
                                case 512 -> Gemm512.intTileInt2(sc, r0, r1, r2, r3, r4, r5, r6, r7, wPacked, wOff, ci, sc, mp + i * nr);
                                case 256 -> Gemm256.intTileInt2(sc, r0, r1, r2, r3, r4, r5, r6, r7, wPacked, wOff, ci, sc, mp + i * nr);
                                default -> Gemm128.intTileInt2(sc, r0, r1, r2, r3, r4, r5, r6, r7, wPacked, wOff, ci, sc, mp + i * nr);
                            }
                        }
                        continue;
                    }
                    for (int i = 0; i < cnt; i += 4) {
                        int rows = Math.min(4, cnt - i);
                        int r0 = vp + i * ci, r1 = rows > 1 ? r0 + ci : r0, r2 = rows > 2 ? r0 + 2 * ci : r1, r3 = rows > 3 ? r0 + 3 * ci : r2;
                        switch (bits) {
                            case 512 -> Gemm512.intTileInt(sc, r0, r1, r2, r3, wPacked, wOff, ci, sc, mp + i * nr);
                            case 256 -> Gemm256.intTileInt(sc, r0, r1, r2, r3, wPacked, wOff, ci, sc, mp + i * nr);
                            default -> Gemm128.intTileInt(sc, r0, r1, r2, r3, wPacked, wOff, ci, sc, mp + i * nr);
                        }
                    }
                }
                int c0 = pn * nr, cols = Math.min(nr, co - c0);
                for (int i = 0; i < cnt; i++) {
                    int t = tb + i, b = t / perImage, rem = t % perImage, ty = rem / tilesW, tx = rem % tilesW;
                    switch (bits) {
                        case 512 -> Gemm512.winogradOutput(sc, mOff + i * nr, mStride, nr, sc, oOff);
                        case 256 -> Gemm256.winogradOutput(sc, mOff + i * nr, mStride, nr, sc, oOff);
                        default -> Gemm128.winogradOutput(sc, mOff + i * nr, mStride, nr, sc, oOff);
                    }
                    if (narrow) { // two pixels (2 x 2L columns) per rescaling call
                        requant(sc, oOff, 0);
                        requant(sc, oOff + 2 * nr, 0);
                    }
                    for (int a = 0; a < 2; a++) {
                        int oy = 2 * ty + a;
                        if (oy >= outH) break;
                        for (int bb = 0; bb < 2; bb++) {
                            int ox = 2 * tx + bb;
                            if (ox >= outW) break;
                            int from = oOff + (a * 2 + bb) * nr;
                            if (!narrow) requant(sc, from, c0);
                            int to = yOff + ((b * outH + oy) * outW + ox) * co + c0;
                            for (int jj = 0; jj < cols; jj++) y[to + jj] = (byte) sc[from + jj];
                        }
                    }
                }
            }
        }
    }

    /**
     * V = B^T d B for one 4x4 tile, channels {@code from} to {@code ci} (scalar: the tail after the vectorized
     * Gemm512/256/128.winogradInput): row r of the tile starts at {@code src[o0 + r*rowStride]},
     * its 4 pixels {@code ci} apart; values read as {@code byte & mask}. Position (i, j) goes to
     * {@code v[vOff + (i*4+j)*posStride + c]}.
     */
    static void inputTransform(byte[] src, int o0, int rowStride, int from, int ci, int mask, int[] v, int vOff, int posStride) {
        int o1 = o0 + rowStride, o2 = o1 + rowStride, o3 = o2 + rowStride;
        int c1 = ci, c2 = 2 * ci, c3 = 3 * ci;
        int p1 = posStride, p2 = 2 * posStride, p3 = 3 * posStride, p4 = 4 * posStride, p5 = 5 * posStride, p6 = 6 * posStride, p7 = 7 * posStride;
        int p8 = 8 * posStride, p9 = 9 * posStride, p10 = 10 * posStride, p11 = 11 * posStride, p12 = 12 * posStride, p13 = 13 * posStride;
        int p14 = 14 * posStride, p15 = 15 * posStride;
        for (int c = from; c < ci; c++) {
            int d00 = src[o0 + c] & mask, d01 = src[o0 + c1 + c] & mask, d02 = src[o0 + c2 + c] & mask, d03 = src[o0 + c3 + c] & mask;
            int d10 = src[o1 + c] & mask, d11 = src[o1 + c1 + c] & mask, d12 = src[o1 + c2 + c] & mask, d13 = src[o1 + c3 + c] & mask;
            int d20 = src[o2 + c] & mask, d21 = src[o2 + c1 + c] & mask, d22 = src[o2 + c2 + c] & mask, d23 = src[o2 + c3 + c] & mask;
            int d30 = src[o3 + c] & mask, d31 = src[o3 + c1 + c] & mask, d32 = src[o3 + c2 + c] & mask, d33 = src[o3 + c3 + c] & mask;
            // t = B^T d (rows)
            int t00 = d00 - d20, t01 = d01 - d21, t02 = d02 - d22, t03 = d03 - d23;
            int t10 = d10 + d20, t11 = d11 + d21, t12 = d12 + d22, t13 = d13 + d23;
            int t20 = d20 - d10, t21 = d21 - d11, t22 = d22 - d12, t23 = d23 - d13;
            int t30 = d10 - d30, t31 = d11 - d31, t32 = d12 - d32, t33 = d13 - d33;
            // V = t B (columns)
            int at = vOff + c;
            v[at] = t00 - t02;
            v[at + p1] = t01 + t02;
            v[at + p2] = t02 - t01;
            v[at + p3] = t01 - t03;
            v[at + p4] = t10 - t12;
            v[at + p5] = t11 + t12;
            v[at + p6] = t12 - t11;
            v[at + p7] = t11 - t13;
            v[at + p8] = t20 - t22;
            v[at + p9] = t21 + t22;
            v[at + p10] = t22 - t21;
            v[at + p11] = t21 - t23;
            v[at + p12] = t30 - t32;
            v[at + p13] = t31 + t32;
            v[at + p14] = t32 - t31;
            v[at + p15] = t31 - t33;
        }
    }

    /** Rescales one row of NR accumulators in place, exactly as GemmKernel does. */
    private void requant(int[] t, int off, int c0) {
        GemmKernel.Requant q = rq;
        int zp = q.zeroPoint(), lo = q.min(), hi = q.max();
        if (q.onnx()) {
            switch (bits) {
                case 512 -> Gemm512.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi);
                case 256 -> Gemm256.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi);
                default -> Gemm128.requantOnnx(t, off, biasAdj, scaleP, c0, zp, lo, hi);
            }
        } else if (q.single()) {
            switch (bits) {
                case 512 -> Gemm512.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi);
                case 256 -> Gemm256.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi);
                default -> Gemm128.requantSingle(t, off, biasAdj, lsh, multL, roundL, totalL, c0, zp, lo, hi);
            }
        } else {
            switch (bits) {
                case 512 -> Gemm512.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi);
                case 256 -> Gemm256.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi);
                default -> Gemm128.requantDouble(t, off, biasAdj, lsh, multL, rsh, rmask, c0, zp, lo, hi);
            }
        }
    }

    private static final java.util.Set<Integer> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Compiles this width's whole path (transforms, micro-kernel, the tile loops and the three rescalings) before the
     * first real run, on small layers with border and interior tiles, a partial tile and a channel tail (see
     * SimdDepthwiseOps.warmUp: a small layer's loops would otherwise stay interpreted for many runs, ~5x slower).
     */
    static void warmUp(int bits) {
        if (Boolean.getBoolean("octet.simd.nowarmup") || !WARM.add(bits)) return;
        int ci = 2 * Gemm512.WCW + 3, h = 7, wd = 9, k = 9 * ci, wide = bits / 8 + 3, narrowCo = bits / 32 + 3;
        java.util.List<WinogradKernel> ks = new java.util.ArrayList<>();
        int scratch = 0, maxCo = wide;
        for (int co : new int[] {wide, narrowCo}) {
            GemmKernel.Shape s = new GemmKernel.Shape(1, h, wd, ci, co, new Window(h, wd, 3, 3, 1, 1, 1, 1, h, wd, 1, 1));
            int[] ones = new int[co], shift = new int[co];
            float[] scale = new float[co];
            Arrays.fill(ones, 1 << 30);
            Arrays.fill(shift, -8);
            Arrays.fill(scale, 1e-3f);
            GemmKernel.Requant[] rqs = {new GemmKernel.Requant(true, null, null, false, scale, 3, 0, 255),
                    new GemmKernel.Requant(false, ones, shift, true, null, 3, -128, 127), new GemmKernel.Requant(false, ones, shift, false, null, 3, -128, 127)};
            int nr = panelWidth(bits, co), panels = (co + nr - 1) / nr;
            int[] packed = new int[16 * panels * ci * nr], bias = new int[Math.max(panels * nr, bits / 8)];
            for (int i = 0; i < packed.length; i++) packed[i] = (i % 7) - 3;
            for (int i = 0; i < rqs.length; i++) {
                WinogradKernel kk = new WinogradKernel(bits, 1, s, new int[] {0, 1}, packed, bias, i == 0 ? 0xFF : -1, (byte) 3, rqs[i]);
                ks.add(kk);
                scratch = Math.max(scratch, kk.vSize + kk.mSize + 4 * kk.nr);
            }
        }
        byte[] x = new byte[h * wd * ci], y = new byte[h * wd * maxCo], gb = new byte[16 * ci];
        for (int i = 0; i < x.length; i++) x[i] = (byte) (i * 11);
        int[] sc = new int[scratch];
        long end = System.nanoTime() + 2_000_000_000L;
        for (int it = 0; it < 3000 && System.nanoTime() < end; it++) {
            for (WinogradKernel kk : ks) kk.compute(x, 0, y, 0, sc, gb, 0);
        }
    }
}
