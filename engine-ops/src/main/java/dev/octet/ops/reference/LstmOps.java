package dev.octet.ops.reference;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.Ops;
import dev.octet.core.PrepareContext;
import dev.octet.core.QuantMath;
import dev.octet.core.Semantics;
import dev.octet.core.Shapes;
import dev.octet.core.TensorInfo;
import java.util.Map;

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM with TFLite 2.6.2's semantics (docs/tflite-lstm.md), in three forms: float32
 * (EvalFloat); int8 weights with float activations ("hybrid", EvalHybrid, the arithmetic of {@link HybridMath});
 * full integer 8x8->16 (EvalInteger8x8_16: int8 input/output/output_state, int16 cell state, the operator's
 * intermediates' scales read from the attributes "intermediate_scales"/"intermediate_zero_points").
 *
 * <p>Inputs (TFLite's order): 0 input [B,T,I] (or [T,B,I] when time_major); 1-4 input-to-{input, forget,
 * cell, output} weights [C,I] (1 optional: CIFG); 5-8 recurrent-to-gate weights [C,O] (5 optional); 9-11
 * peephole weights [C] (optional); 12-15 gate biases [C] (12 optional); 16 projection weights [O,C]?,
 * 17 projection bias [O]?; 18 output_state [B,O] and 19 cell_state [B,C] (variable tensors, read and
 * updated every run); 20-23 layer-norm coefficients [C] (optional, 20 absent with CIFG).
 */
final class LstmOps {
    private LstmOps() {}

    static final String UNIDIRECTIONAL_SEQUENCE_LSTM = "UNIDIRECTIONAL_SEQUENCE_LSTM";
    /** The builtin one-step LSTM (full kernel): input [B, I], output [B, O]; the same arithmetic as one time step. */
    static final String LSTM = "LSTM";

    static void register(Map<String, KernelFactory> table) {
        table.put(UNIDIRECTIONAL_SEQUENCE_LSTM, LstmOps::create);
        table.put(LSTM, LstmOps::create);
    }

    // input indices
    static final int IN = 0, I2I = 1, I2F = 2, I2C = 3, I2O = 4, R2I = 5, R2F = 6, R2C = 7, R2O = 8, C2I = 9, C2F = 10, C2O = 11;
    static final int BI = 12, BF = 13, BC = 14, BO = 15, PW = 16, PB = 17, OSTATE = 18, CSTATE = 19, LNI = 20, LNF = 21, LNC = 22, LNO = 23;

    /** Shapes and options every variant shares, validated as TFLite's Prepare does. */
    record Dims(int batch, int steps, int nIn, int nCell, int nOut, boolean timeMajor, boolean cifg, boolean peephole, boolean layerNorm,
                boolean projection, String activation, float cellClip, float projClip) {}

    static Dims dims(PrepareContext ctx) {
        if (ctx.semantics() != Semantics.TFLITE) throw ctx.unsupported("only TFLite semantics");
        int n = ctx.inputCount();
        if (n != 20 && n != 24) throw ctx.invalid("expects 20 or 24 inputs, has " + n);
        if (ctx.outputCount() != 1) throw ctx.invalid("expects 1 output, has " + ctx.outputCount());
        var a = ctx.node().attrs();
        boolean single = ctx.node().opType().equals(LSTM);
        if (single && !"FULL".equals(a.getString("kernel_type", "FULL"))) throw ctx.unsupported("LSTM kernel_type " + a.getString("kernel_type", "") + " (only FULL)");
        boolean timeMajor = single || a.getBool("time_major", false);
        float cellClip = a.getFloat("cell_clip", 0f), projClip = a.getFloat("proj_clip", 0f);
        if (!(cellClip >= 0) || !(projClip >= 0)) throw ctx.invalid("cell_clip and proj_clip must be >= 0, are " + cellClip + ", " + projClip);
        String act = a.getString(Ops.ATTR_ACTIVATION, "NONE");
        switch (act) {
            case "NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH" -> { }
            default -> throw ctx.unsupported("cell activation " + act + " is not supported");
        }
        TensorInfo in = ctx.input(IN);
        if (in == null || in.rank() != (single ? 2 : 3)) {
            throw ctx.invalid("input must be rank " + (single ? 2 : 3) + ", is " + (in == null ? "absent" : Shapes.str(in.shape())));
        }
        int[] s = single ? new int[] {1, in.dim(0), in.dim(1)} : in.shape(); // the one-step LSTM as a time-major sequence of 1
        int batch = timeMajor ? s[1] : s[0], steps = timeMajor ? s[0] : s[1], nIn = s[2];
        TensorInfo w = need(ctx, I2O, "input_to_output_weights");
        if (w.rank() != 2 || w.dim(1) != nIn) throw ctx.invalid("input_to_output_weights must be [cells, " + nIn + "], is " + Shapes.str(w.shape()));
        int nCell = w.dim(0);
        TensorInfo r = need(ctx, R2O, "recurrent_to_output_weights");
        if (r.rank() != 2 || r.dim(0) != nCell) throw ctx.invalid("recurrent_to_output_weights must be [" + nCell + ", outputs], is " + Shapes.str(r.shape()));
        int nOut = r.dim(1);
        boolean cifg = !ctx.hasInput(I2I);
        if (cifg != !ctx.hasInput(R2I)) throw ctx.invalid("input_to_input and recurrent_to_input weights must both be present or both absent");
        for (int i : new int[] {I2I, I2F, I2C}) if (ctx.hasInput(i)) matrix(ctx, i, nCell, nIn);
        for (int i : new int[] {R2I, R2F, R2C}) if (ctx.hasInput(i)) matrix(ctx, i, nCell, nOut);
        need(ctx, I2F, "input_to_forget_weights");
        need(ctx, I2C, "input_to_cell_weights");
        need(ctx, R2F, "recurrent_to_forget_weights");
        need(ctx, R2C, "recurrent_to_cell_weights");
        boolean peephole = ctx.hasInput(C2O);
        if (ctx.hasInput(C2F) != peephole || (!cifg && ctx.hasInput(C2I) != peephole)) throw ctx.invalid("peephole weights must be all present or all absent");
        for (int i = C2I; i <= C2O; i++) if (ctx.hasInput(i)) vector(ctx, i, nCell);
        if (cifg == ctx.hasInput(BI)) throw ctx.invalid(cifg ? "CIFG LSTM must not have an input gate bias" : "input gate bias is missing");
        for (int i = BI; i <= BO; i++) if (i != BI || !cifg) { need(ctx, i, "gate bias " + i); vector(ctx, i, nCell); }
        boolean projection = ctx.hasInput(PW);
        if (projection) matrix(ctx, PW, nOut, nCell);
        else if (ctx.hasInput(PB)) throw ctx.invalid("projection bias without projection weights");
        else if (nOut != nCell) throw ctx.invalid("without projection the output size (" + nOut + ") must equal the cell count (" + nCell + ")");
        if (ctx.hasInput(PB)) vector(ctx, PB, nOut);
        boolean layerNorm = n == 24 && ctx.hasInput(LNF);
        if (layerNorm) {
            if (cifg == ctx.hasInput(LNI)) throw ctx.invalid(cifg ? "CIFG LSTM must not have input layer-norm coefficients" : "input layer-norm coefficients missing");
            for (int i = LNI; i <= LNO; i++) if (i != LNI || !cifg) { need(ctx, i, "layer-norm coefficients " + i); vector(ctx, i, nCell); }
        }
        TensorInfo os = ctx.input(OSTATE), cs = ctx.input(CSTATE);
        if (os == null || cs == null) throw ctx.invalid("output_state (input 18) and cell_state (input 19) are required");
        if (!os.isVariable() || !cs.isVariable()) {
            throw ctx.unsupported("output_state and cell_state must be variable tensors (is_variable in the file)");
        }
        if (os.size() != batch * nOut) throw ctx.invalid("output_state must hold " + batch + "x" + nOut + " elements, has " + Shapes.str(os.shape()));
        if (cs.size() != batch * nCell) throw ctx.invalid("cell_state must hold " + batch + "x" + nCell + " elements, has " + Shapes.str(cs.shape()));
        int[] outShape = single ? new int[] {batch, nOut} : new int[] {s[0], s[1], nOut};
        ctx.setOutputShape(0, outShape);
        return new Dims(batch, steps, nIn, nCell, nOut, timeMajor, cifg, peephole, layerNorm, projection, act, cellClip, projClip);
    }

    private static TensorInfo need(PrepareContext ctx, int i, String what) {
        TensorInfo t = ctx.input(i);
        if (t == null) throw ctx.invalid(what + " (input " + i + ") is required");
        return t;
    }

    private static void matrix(PrepareContext ctx, int i, int rows, int cols) {
        TensorInfo t = ctx.input(i);
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw ctx.invalid("input " + i + " must be [" + rows + ", " + cols + "], is " + Shapes.str(t.shape()));
        }
    }

    private static void vector(PrepareContext ctx, int i, int n) {
        TensorInfo t = ctx.input(i);
        if (t.rank() != 1 || t.dim(0) != n) throw ctx.invalid("input " + i + " must be [" + n + "], is " + Shapes.str(t.shape()));
    }

    static Kernel create(PrepareContext ctx) {
        Dims d = dims(ctx);
        TensorInfo in = ctx.input(IN);
        DataType wt = ctx.input(I2O).type();
        if (in.type() == DataType.INT8) return IntegerLstm.create(ctx, d);
        if (in.type() != DataType.FLOAT32) throw ctx.unsupported("input type " + in.type().lowerName() + " (float32 or int8 only)");
        if (ctx.output(0).type() != DataType.FLOAT32) throw ctx.invalid("output must be float32");
        if (ctx.input(OSTATE).type() != DataType.FLOAT32 || ctx.input(CSTATE).type() != DataType.FLOAT32) throw ctx.invalid("state tensors must be float32");
        if (wt == DataType.FLOAT32) return FloatLstm.create(ctx, d);
        if (wt == DataType.INT8) return HybridLstm.create(ctx, d);
        throw ctx.unsupported("weights of type " + wt.lowerName());
    }

    /** Constant float input i (packed), or null when absent. */
    static float[] floats(PrepareContext ctx, int i) {
        if (!ctx.hasInput(i)) return null;
        TensorInfo t = ctx.input(i);
        if (!t.isConstant()) throw ctx.unsupported("input " + i + " ('" + t.name() + "') must be a constant");
        if (t.type() != DataType.FLOAT32) throw ctx.invalid("input " + i + " ('" + t.name() + "') must be float32, is " + t.type().lowerName());
        ctx.markPacked(i);
        return ctx.constFloats(i);
    }

    // ------------------------------------------------------------------------------------ float arithmetic
    // The functions below follow TFLite 2.6.2's tensor_utils as the x86 build runs them (portable loops, no FMA).

    /** out[r] += sum_c w[r][c] * v[c], the sum formed separately from 0 and then added (MatrixBatchVectorMultiplyAccumulate). */
    static void matVecAcc(float[] w, int rows, int cols, float[] v, int vo, float[] out, int oo) {
        for (int r = 0, wi = 0; r < rows; r++) {
            float dot = 0f;
            for (int c = 0; c < cols; c++) dot += w[wi++] * v[vo + c];
            out[oo + r] += dot;
        }
    }

    /** MeanStddevNormalization over one row of n: two passes (mean, then mean squared deviation), 1e-8 added to the variance. */
    static void meanStddevNormalize(float[] x, int o, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += x[o + i];
        float mean = sum / n;
        float sq = 0f;
        for (int i = 0; i < n; i++) {
            float dv = x[o + i] - mean;
            sq += dv * dv;
        }
        float variance = sq / n;
        float inv = 1f / (float) Math.sqrt(variance + 1e-8f);
        for (int i = 0; i < n; i++) x[o + i] = (x[o + i] - mean) * inv;
    }

    /** ApplyActivationToVector for the cell activation (Eigen tanh, as TFLite's tensor_utils evaluates it). */
    static void activate(String act, float[] src, int so, float[] dst, int d0, int n) {
        switch (act) {
            case "TANH" -> { for (int i = 0; i < n; i++) dst[d0 + i] = FloatMath.eigenTanh(FloatMath.ftz(src[so + i])); }
            case "RELU" -> { for (int i = 0; i < n; i++) dst[d0 + i] = Math.max(0f, src[so + i]); }
            case "RELU6" -> { for (int i = 0; i < n; i++) dst[d0 + i] = Math.max(0f, Math.min(6f, src[so + i])); }
            case "RELU_N1_TO_1" -> { for (int i = 0; i < n; i++) dst[d0 + i] = Math.max(-1f, Math.min(1f, src[so + i])); }
            default -> { if (src != dst || so != d0) System.arraycopy(src, so, dst, d0, n); }
        }
    }

    /**
     * act(c) into the output scratch g[4C..]. With activation NONE TFLite's ApplyActivationToVector writes nothing, so
     * its output scratch (the cell-gate buffer) keeps the cell gate: h = o * cell_gate, reproduced here.
     */
    static void outputActivation(String act, float[] c, int co, float[] g, int nCell) {
        if (act.equals("NONE")) System.arraycopy(g, 2 * nCell, g, 4 * nCell, nCell);
        else activate(act, c, co, g, 4 * nCell, nCell);
    }

    /** Eigen logistic over one gate row (lane = position in TFLite's vector, for the scalar tail below -9). */
    static void sigmoid(float[] x, int o, int n, int laneBase, int tail) {
        for (int i = 0; i < n; i++) x[o + i] = FloatMath.eigenLogistic(FloatMath.ftz(x[o + i]), laneBase + i < tail);
    }

    static void clip(float[] x, int o, int n, float c) {
        for (int i = 0; i < n; i++) x[o + i] = Math.max(-c, Math.min(c, x[o + i]));
    }

    /** The float LSTM (EvalFloat). */
    record FloatLstm(Dims d, int in, int out, int ostate, int cstate, float[][] wIn, float[][] wRec, float[][] peep, float[][] bias, float[][] ln,
                     float[] proj, float[] projBias) implements Kernel {
        static Kernel create(PrepareContext ctx, Dims d) {
            float[][] wIn = {floats(ctx, I2I), floats(ctx, I2F), floats(ctx, I2C), floats(ctx, I2O)};
            float[][] wRec = {floats(ctx, R2I), floats(ctx, R2F), floats(ctx, R2C), floats(ctx, R2O)};
            float[][] peep = {floats(ctx, C2I), floats(ctx, C2F), null, floats(ctx, C2O)};
            float[][] bias = {floats(ctx, BI), floats(ctx, BF), floats(ctx, BC), floats(ctx, BO)};
            float[][] ln = d.layerNorm() ? new float[][] {floats(ctx, LNI), floats(ctx, LNF), floats(ctx, LNC), floats(ctx, LNO)} : new float[4][];
            ctx.requestScratch(DataType.Storage.FLOAT, 5 * d.nCell());
            return new FloatLstm(d, ctx.inputId(IN), ctx.outputId(0), ctx.inputId(OSTATE), ctx.inputId(CSTATE), wIn, wRec, peep, bias, ln,
                    floats(ctx, PW), floats(ctx, PB));
        }

        @Override
        public void run(ExecContext ec) {
            float[] x = ec.floats(in), y = ec.floats(out), h = ec.floats(ostate), c = ec.floats(cstate), g = ec.scratchFloats();
            int xo = ec.offset(in), yo = ec.offset(out), ho = ec.offset(ostate), co = ec.offset(cstate);
            int B = d.batch(), T = d.steps(), I = d.nIn(), C = d.nCell(), O = d.nOut();
            // TFLite steps all batches at once when time-major (gate vectors of B*C), one batch at a time otherwise.
            int lanes = d.timeMajor() ? B * C : C;
            int tail = FloatMath.eigenTailStart(lanes);
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) {
                    int row = d.timeMajor() ? t * B + b : b * T + t;
                    step(x, xo + row * I, y, yo + row * O, h, ho + b * O, c, co + b * C, g, d.timeMajor() ? b * C : 0, tail);
                }
            }
        }

        private void step(float[] x, int xo, float[] y, int yo, float[] h, int ho, float[] c, int co, float[] g, int lane, int tail) {
            int C = d.nCell(), O = d.nOut(), I = d.nIn();
            // gates at g[k*C], k = input, forget, cell, output; g[4C] is the output scratch
            for (int k = 0; k < 4; k++) {
                if (k == 0 && d.cifg()) continue;
                int go = k * C;
                if (d.layerNorm()) java.util.Arrays.fill(g, go, go + C, 0f);
                else System.arraycopy(bias[k], 0, g, go, C);
                matVecAcc(wIn[k], C, I, x, xo, g, go);
                matVecAcc(wRec[k], C, O, h, ho, g, go);
                if (k == 2) continue; // the cell gate is finished after the state update below
                if (d.peephole() && k != 3) for (int i = 0; i < C; i++) g[go + i] += peep[k][i] * c[co + i];
                if (k == 3) continue; // the output gate's peephole reads the updated cell state
                finishGate(g, go, k, lane, tail);
            }
            // cell gate: layer norm, activation
            if (d.layerNorm()) normalize(g, 2 * C, 2);
            activate(d.activation(), g, 2 * C, g, 2 * C, C);
            // cell state update
            for (int i = 0; i < C; i++) c[co + i] = g[C + i] * c[co + i];
            if (d.cifg()) {
                for (int i = 0; i < C; i++) g[C + i] = 1f - g[C + i];
                for (int i = 0; i < C; i++) c[co + i] += g[2 * C + i] * g[C + i];
            } else {
                for (int i = 0; i < C; i++) c[co + i] += g[2 * C + i] * g[i];
            }
            if (d.cellClip() > 0) clip(c, co, C, d.cellClip());
            // output gate
            if (d.peephole()) for (int i = 0; i < C; i++) g[3 * C + i] += peep[3][i] * c[co + i];
            finishGate(g, 3 * C, 3, lane, tail);
            int s = 4 * C;
            outputActivation(d.activation(), c, co, g, C);
            for (int i = 0; i < C; i++) g[s + i] = g[3 * C + i] * g[s + i];
            if (d.projection()) {
                if (projBias != null) System.arraycopy(projBias, 0, h, ho, O);
                else java.util.Arrays.fill(h, ho, ho + O, 0f);
                matVecAcc(proj, O, C, g, s, h, ho);
                if (d.projClip() > 0) clip(h, ho, O, d.projClip());
            } else {
                System.arraycopy(g, s, h, ho, O);
            }
            System.arraycopy(h, ho, y, yo, O);
        }

        private void normalize(float[] g, int go, int k) {
            int C = d.nCell();
            meanStddevNormalize(g, go, C);
            for (int i = 0; i < C; i++) g[go + i] = ln[k][i] * g[go + i];
            for (int i = 0; i < C; i++) g[go + i] += bias[k][i];
        }

        private void finishGate(float[] g, int go, int k, int lane, int tail) {
            if (d.layerNorm()) normalize(g, go, k);
            sigmoid(g, go, d.nCell(), lane, tail);
        }

        @Override
        public long macs() {
            long perStep = (long) d.nCell() * (d.nIn() + d.nOut()) * (d.cifg() ? 3 : 4) + (d.projection() ? (long) d.nOut() * d.nCell() : 0);
            return perStep * d.batch() * d.steps();
        }

        @Override
        public String variant() { return "reference-float"; }
    }

    /** Constant int8 weight i with a per-tensor scale: {bytes, scale}; null when absent. */
    record QWeight(byte[] q, float scale, int[] rowSums) {}

    static QWeight qweight(PrepareContext ctx, int i, int rows, int cols) {
        if (!ctx.hasInput(i)) return null;
        TensorInfo t = ctx.input(i);
        if (!t.isConstant()) throw ctx.unsupported("input " + i + " ('" + t.name() + "') must be a constant");
        if (t.type() != DataType.INT8) throw ctx.unsupported("hybrid LSTM input " + i + " ('" + t.name() + "') must be int8, is " + t.type().lowerName());
        if (t.quant().isNone() || t.quant().isPerAxis()) throw ctx.unsupported("hybrid LSTM input " + i + " ('" + t.name() + "') needs one per-tensor scale");
        ctx.markPacked(i);
        byte[] q = ctx.constBytes(i);
        int[] sums = new int[rows];
        HybridMath.rowSums(q, 0, rows, cols, sums, 0);
        return new QWeight(q, t.quant().scale(), sums);
    }

    /**
     * The hybrid LSTM (EvalHybrid): each step quantizes the input row and the previous output state row to int8
     * (symmetric, or asymmetric with asymmetric_quantize_inputs), multiplies them with the int8 weights in int32 and
     * adds {@code acc * (rowScale * weightScale)} to the float gate; a row that is all zero skips its product
     * (TFLite skips it when the whole step's batch is zero: the same sums). Peephole weights are int8 scaled back to
     * float; gates, state update and layer norm are the float path's. The projection input is quantized the same way.
     */
    record HybridLstm(Dims d, boolean asym, int in, int out, int ostate, int cstate, QWeight[] wIn, QWeight[] wRec, float[][] peep, float[][] bias,
                      float[][] ln, QWeight proj, float[] projBias) implements Kernel {
        static Kernel create(PrepareContext ctx, Dims d) {
            int C = d.nCell(), I = d.nIn(), O = d.nOut();
            QWeight[] wIn = {qweight(ctx, I2I, C, I), qweight(ctx, I2F, C, I), qweight(ctx, I2C, C, I), qweight(ctx, I2O, C, I)};
            QWeight[] wRec = {qweight(ctx, R2I, C, O), qweight(ctx, R2F, C, O), qweight(ctx, R2C, C, O), qweight(ctx, R2O, C, O)};
            int[] pIdx = {C2I, C2F, -1, C2O};
            float[][] peep = new float[4][];
            for (int k = 0; k < 4; k++) {
                if (pIdx[k] < 0 || !ctx.hasInput(pIdx[k])) continue;
                QWeight p = qweight(ctx, pIdx[k], C, 1);
                peep[k] = new float[C];
                for (int i = 0; i < C; i++) peep[k][i] = p.scale() * p.q()[i]; // VectorScalarMultiply: recovered float weights
            }
            float[][] bias = {floats(ctx, BI), floats(ctx, BF), floats(ctx, BC), floats(ctx, BO)};
            float[][] ln = d.layerNorm() ? new float[][] {floats(ctx, LNI), floats(ctx, LNF), floats(ctx, LNC), floats(ctx, LNO)} : new float[4][];
            QWeight proj = d.projection() ? qweight(ctx, PW, O, C) : null;
            ctx.requestScratch(DataType.Storage.FLOAT, 5 * C + 1);
            ctx.requestScratch(DataType.Storage.BYTE, I + O + C);
            ctx.requestScratch(DataType.Storage.INT, 5 * C + 1); // the row offset shares the scale's index
            boolean asym = ctx.node().attrs().getBool("asymmetric_quantize_inputs", false);
            return new HybridLstm(d, asym, ctx.inputId(IN), ctx.outputId(0), ctx.inputId(OSTATE), ctx.inputId(CSTATE), wIn, wRec, peep, bias, ln, proj,
                    floats(ctx, PB));
        }

        @Override
        public void run(ExecContext ec) {
            float[] x = ec.floats(in), y = ec.floats(out), h = ec.floats(ostate), c = ec.floats(cstate);
            int xo = ec.offset(in), yo = ec.offset(out), ho = ec.offset(ostate), co = ec.offset(cstate);
            int B = d.batch(), T = d.steps(), I = d.nIn(), C = d.nCell(), O = d.nOut();
            int lanes = d.timeMajor() ? B * C : C;
            int tail = FloatMath.eigenTailStart(lanes);
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) {
                    int row = d.timeMajor() ? t * B + b : b * T + t;
                    step(ec, x, xo + row * I, y, yo + row * O, h, ho + b * O, c, co + b * C, d.timeMajor() ? b * C : 0, tail);
                }
            }
        }

        /** gate[go..] += W * v for a quantized row (q, scale sf, offset zp), skipped when the row is all zero. */
        private static void qMatVecAcc(QWeight w, int rows, int cols, byte[] q, int qo, float sf, int zp, boolean zero, float[] g, int go) {
            if (zero) return;
            float scale = sf * w.scale();
            for (int r = 0; r < rows; r++) {
                int dot = HybridMath.dot(w.q(), r * cols, q, qo, cols);
                g[go + r] = HybridMath.accumulate(g[go + r], dot, w.rowSums()[r], zp, scale);
            }
        }

        private void step(ExecContext ec, float[] x, int xo, float[] y, int yo, float[] h, int ho, float[] c, int co, int lane, int tail) {
            int C = d.nCell(), O = d.nOut(), I = d.nIn();
            float[] g = ec.scratchFloats();
            byte[] qb = ec.scratchBytes();
            int[] zps = ec.scratchInts();
            int sfIdx = 5 * C;
            boolean xZero = HybridMath.isZero(x, xo, I), hZero = HybridMath.isZero(h, ho, O);
            float xsf = 0f, hsf = 0f;
            int xzp = 0, hzp = 0;
            if (!xZero) {
                HybridMath.quantizeRow(asym, x, xo, I, qb, 0, g, zps, sfIdx);
                xsf = g[sfIdx];
                xzp = asym ? zps[sfIdx] : 0;
            }
            if (!hZero) {
                HybridMath.quantizeRow(asym, h, ho, O, qb, I, g, zps, sfIdx);
                hsf = g[sfIdx];
                hzp = asym ? zps[sfIdx] : 0;
            }
            for (int k = 0; k < 4; k++) {
                if (k == 0 && d.cifg()) continue;
                int go = k * C;
                if (d.layerNorm()) java.util.Arrays.fill(g, go, go + C, 0f);
                else System.arraycopy(bias[k], 0, g, go, C);
                qMatVecAcc(wIn[k], C, I, qb, 0, xsf, xzp, xZero, g, go);
                qMatVecAcc(wRec[k], C, O, qb, I, hsf, hzp, hZero, g, go);
                if (k == 2) continue;
                if (d.peephole() && k != 3) for (int i = 0; i < C; i++) g[go + i] += peep[k][i] * c[co + i];
                if (k == 3) continue;
                finishGate(g, go, k, lane, tail);
            }
            if (d.layerNorm()) normalize(g, 2 * C, 2);
            activate(d.activation(), g, 2 * C, g, 2 * C, C);
            for (int i = 0; i < C; i++) c[co + i] = g[C + i] * c[co + i];
            if (d.cifg()) {
                for (int i = 0; i < C; i++) g[C + i] = 1f - g[C + i];
                for (int i = 0; i < C; i++) c[co + i] += g[2 * C + i] * g[C + i];
            } else {
                for (int i = 0; i < C; i++) c[co + i] += g[2 * C + i] * g[i];
            }
            if (d.cellClip() > 0) clip(c, co, C, d.cellClip());
            if (d.peephole()) for (int i = 0; i < C; i++) g[3 * C + i] += peep[3][i] * c[co + i];
            finishGate(g, 3 * C, 3, lane, tail);
            int s = 4 * C;
            outputActivation(d.activation(), c, co, g, C);
            for (int i = 0; i < C; i++) g[s + i] = g[3 * C + i] * g[s + i];
            if (d.projection()) {
                if (projBias != null) System.arraycopy(projBias, 0, h, ho, O);
                else java.util.Arrays.fill(h, ho, ho + O, 0f);
                if (!HybridMath.isZero(g, s, C)) {
                    HybridMath.quantizeRow(asym, g, s, C, qb, I + O, g, zps, sfIdx);
                    qMatVecAcc(proj, O, C, qb, I + O, g[sfIdx], asym ? zps[sfIdx] : 0, false, h, ho);
                }
                if (d.projClip() > 0) clip(h, ho, O, d.projClip());
            } else {
                System.arraycopy(g, s, h, ho, O);
            }
            System.arraycopy(h, ho, y, yo, O);
        }

        private void normalize(float[] g, int go, int k) {
            int C = d.nCell();
            meanStddevNormalize(g, go, C);
            for (int i = 0; i < C; i++) g[go + i] = ln[k][i] * g[go + i];
            for (int i = 0; i < C; i++) g[go + i] += bias[k][i];
        }

        private void finishGate(float[] g, int go, int k, int lane, int tail) {
            if (d.layerNorm()) normalize(g, go, k);
            sigmoid(g, go, d.nCell(), lane, tail);
        }

        @Override
        public long macs() {
            long perStep = (long) d.nCell() * (d.nIn() + d.nOut()) * (d.cifg() ? 3 : 4) + (d.projection() ? (long) d.nOut() * d.nCell() : 0);
            return perStep * d.batch() * d.steps();
        }

        @Override
        public String variant() { return "reference-hybrid"; }
    }

    /**
     * The full-integer LSTM (8x8->16). Gate pre-activations are int16 in Q3.12 (with layer norm: at the gate
     * intermediates' scales, then normalized into Q3.12): each input product is an int32 dot product plus a precomputed
     * "effective bias" (bias - zp * row sum; with layer norm the bias is added in the layer norm instead), rescaled by
     * a Q31 multiplier (double rounding) and added to the gate with int16 saturation. Gates go through gemmlowp's int16 logistic / tanh ({@link Int16Activations}); the cell
     * state (int16, scale 2^cellShift) is updated with rounding shifts; the hidden value o * tanh(c) is rescaled to
     * int8 (TFLite subtracts the hidden zero point there); the optional projection is another int8 matmul.
     */
    record IntegerLstm(Dims d, int in, int out, int ostate, int cstate, byte[][] wIn, byte[][] wRec, short[][] peep, int[][] effIn, int[][] effRec,
                       int[] mIn, int[] sIn, int[] mRec, int[] sRec, int[] mPeep, int[] sPeep, int cellShift, int cellClip, int projClip, int hiddenZp,
                       int mHidden, int sHidden, byte[] proj, int[] effProj, int mProj, int sProj, int outZp, short[][] lnW, int[][] lnBias, int[] mLn,
                       int[] sLn, int[] lnGuard) implements Kernel {
        static Kernel create(PrepareContext ctx, Dims d) {
            if (!d.activation().equals("TANH")) throw ctx.unsupported("full-integer LSTM: cell activation must be TANH (TFLite's integer kernel always uses tanh)");
            int C = d.nCell(), I = d.nIn(), O = d.nOut();
            if (d.peephole() && O != C) {
                throw ctx.unsupported("full-integer LSTM with peephole and projection to a different size: TFLite 2.6.2 applies the peephole over n_output elements");
            }
            TensorInfo in = ctx.input(IN), os = ctx.input(OSTATE), cs = ctx.input(CSTATE), out = ctx.output(0);
            float inScale = Checks.perTensor(ctx, in, "input").scale();
            int inZp = in.quant().zeroPoint(0);
            if (os.type() != DataType.INT8 || cs.type() != DataType.INT16 || out.type() != DataType.INT8) {
                throw ctx.invalid("full-integer LSTM needs int8 output_state, int16 cell_state and int8 output");
            }
            float osScale = Checks.perTensor(ctx, os, "output_state").scale();
            int osZp = os.quant().zeroPoint(0);
            float csScale = Checks.perTensor(ctx, cs, "cell_state").scale();
            int cellShift = Math.getExponent(csScale);
            if (csScale != Math.scalb(1f, cellShift) || cellShift > -9 || cellShift < -15) {
                throw ctx.invalid("cell_state scale must be a power of two in [2^-15, 2^-9], is " + csScale);
            }
            float outScale = Checks.perTensor(ctx, out, "output").scale();
            float[] iScales = ctx.node().attrs().getFloats("intermediate_scales", null);
            int[] iZps = ctx.node().attrs().getInts("intermediate_zero_points", null);
            if (iScales == null || iScales.length != 5 || iZps == null || iZps.length != 5) {
                throw ctx.invalid("full-integer LSTM needs 5 intermediate tensors on the operator (gates and hidden), has " + (iScales == null ? 0 : iScales.length));
            }
            short[][] lnW = new short[4][];
            int[][] lnBias = new int[4][];
            int[] mLn = new int[4], sLn = new int[4], lnGuard = new int[4];
            float hiddenScale = iScales[4];
            int hiddenZp = iZps[4];
            byte[][] wIn = new byte[4][], wRec = new byte[4][];
            short[][] peep = new short[4][];
            int[][] effIn = new int[4][], effRec = new int[4][];
            int[] mIn = new int[4], sIn = new int[4], mRec = new int[4], sRec = new int[4], mPeep = new int[4], sPeep = new int[4];
            int[] peepIdx = {C2I, C2F, -1, C2O};
            for (int k = 0; k < 4; k++) {
                if (k == 0 && d.cifg()) continue;
                int wi = I2I + k, ri = R2I + k;
                float wScale = int8Weight(ctx, wi);
                float rScale = int8Weight(ctx, ri);
                wIn[k] = ctx.constBytes(wi);
                wRec[k] = ctx.constBytes(ri);
                int[] bias = null;
                // gate pre-activations: Q3.12 without layer norm, the gate intermediate's scale with it
                float gateScale = d.layerNorm() ? iScales[k] : (float) Math.pow(2, -12);
                if (d.layerNorm() && !(gateScale > 0)) throw ctx.invalid("intermediate " + k + " has no scale");
                int bi = BI + k;
                if (ctx.hasInput(bi)) {
                    TensorInfo b = ctx.input(bi);
                    if (b.type() != DataType.INT32 || !b.isConstant()) throw ctx.unsupported("full-integer LSTM gate bias " + bi + " must be a constant int32 tensor");
                    bias = ctx.constInts(bi);
                    ctx.markPacked(bi);
                }
                if (d.layerNorm()) {
                    // the gate bias is added inside the layer norm, not to the products
                    int li = LNI + k;
                    TensorInfo ln = ctx.input(li);
                    if (ln.type() != DataType.INT16 || !ln.isConstant()) throw ctx.unsupported("layer-norm coefficients " + li + " must be a constant int16 tensor");
                    float lnScale = Checks.perTensor(ctx, ln, "layer-norm coefficients").scale();
                    int[] v = ctx.constInts(li);
                    ctx.markPacked(li);
                    lnW[k] = new short[C];
                    for (int i = 0; i < C; i++) lnW[k][i] = (short) v[i];
                    lnBias[k] = bias == null ? new int[C] : bias;
                    int[] lq = QuantMath.quantizeMultiplier(lnScale);
                    mLn[k] = lq[0]; sLn[k] = lq[1];
                    lnGuard[k] = Math.max(1, (int) (10000 * lnScale));
                    bias = null;
                }
                effIn[k] = effectiveBias(wIn[k], C, I, -inZp, bias);
                effRec[k] = effectiveBias(wRec[k], C, O, -osZp, null);
                int[] q = QuantMath.quantizeMultiplier((float) (wScale * inScale / gateScale));
                mIn[k] = q[0]; sIn[k] = q[1];
                q = QuantMath.quantizeMultiplier((float) (rScale * osScale / gateScale));
                mRec[k] = q[0]; sRec[k] = q[1];
                if (d.peephole() && peepIdx[k] >= 0) {
                    int pi = peepIdx[k];
                    TensorInfo p = ctx.input(pi);
                    if (p.type() != DataType.INT16 || !p.isConstant()) throw ctx.unsupported("full-integer LSTM peephole " + pi + " must be a constant int16 tensor");
                    float pScale = Checks.perTensor(ctx, p, "peephole").scale();
                    int[] v = ctx.constInts(pi);
                    ctx.markPacked(pi);
                    peep[k] = new short[C];
                    for (int i = 0; i < C; i++) peep[k][i] = (short) v[i];
                    q = QuantMath.quantizeMultiplier((float) (Math.pow(2, cellShift) * pScale / gateScale));
                    mPeep[k] = q[0]; sPeep[k] = q[1];
                }
            }
            int cellClip = d.cellClip() > 0 ? (int) (short) (int) Math.min(Math.max(d.cellClip() / csScale, -32768f), 32767f) : 0;
            int projClip = d.projClip() > 0 ? (int) (byte) (int) Math.min(Math.max(d.projClip() / outScale, -128f), 127f) : 0;
            int[] q = QuantMath.quantizeMultiplier((float) (Math.pow(2, -15) / hiddenScale * Math.pow(2, -15)));
            int mHidden = q[0], sHidden = q[1];
            byte[] proj = null;
            int[] effProj = null;
            int mProj = 0, sProj = 0;
            if (d.projection()) {
                float pScale = int8Weight(ctx, PW);
                proj = ctx.constBytes(PW);
                int[] pb = null;
                if (ctx.hasInput(PB)) {
                    if (ctx.input(PB).type() != DataType.INT32 || !ctx.isConstant(PB)) throw ctx.unsupported("projection bias must be a constant int32 tensor");
                    pb = ctx.constInts(PB);
                    ctx.markPacked(PB);
                }
                effProj = effectiveBias(proj, O, C, hiddenZp, pb); // + zp: TFLite stores the hidden value as v - zp (see step)
                q = QuantMath.quantizeMultiplier((float) (pScale * hiddenScale / osScale));
                mProj = q[0]; sProj = q[1];
            }
            ctx.requestScratch(DataType.Storage.SHORT, 5 * C);
            ctx.requestScratch(DataType.Storage.BYTE, C);
            return new IntegerLstm(d, ctx.inputId(IN), ctx.outputId(0), ctx.inputId(OSTATE), ctx.inputId(CSTATE), wIn, wRec, peep, effIn, effRec, mIn, sIn,
                    mRec, sRec, mPeep, sPeep, cellShift, cellClip, projClip, hiddenZp, mHidden, sHidden, proj, effProj, mProj, sProj, osZp, lnW, lnBias, mLn, sLn,
                    lnGuard);
        }

        private static float int8Weight(PrepareContext ctx, int i) {
            TensorInfo t = ctx.input(i);
            if (t.type() != DataType.INT8 || !t.isConstant()) throw ctx.unsupported("full-integer LSTM weight " + i + " must be a constant int8 tensor");
            if (t.quant().isNone() || t.quant().isPerAxis()) throw ctx.unsupported("full-integer LSTM weight " + i + " needs one per-tensor scale");
            ctx.markPacked(i);
            return t.quant().scale();
        }

        /** bias[r] + zp * sum_c w[r][c] (TFLite's PrecomputeZeroPointTimesWeightWithBias). */
        static int[] effectiveBias(byte[] w, int rows, int cols, int zp, int[] bias) {
            int[] r = new int[rows];
            for (int i = 0; i < rows; i++) r[i] = (bias == null ? 0 : bias[i]) + zp * HybridMath.rowSum(w, i * cols, cols);
            return r;
        }

        /** gate[go + r] = sat16(gate + MBQM(eff[r] + dot(w_r, x), m, s)) (MatrixBatchVectorMultiplyAccumulate, int16 output, zp 0). */
        private static void matAcc16(byte[] w, int[] eff, int m, int s, int rows, int cols, byte[] x, int xo, short[] g, int go) {
            for (int r = 0; r < rows; r++) {
                int acc = eff[r] + HybridMath.dot(w, r * cols, x, xo, cols);
                acc = QuantMath.multiplyByQuantizedMultiplier(acc, m, s) + g[go + r];
                g[go + r] = (short) Math.max(-32768, Math.min(32767, acc));
            }
        }

        @Override
        public void run(ExecContext ec) {
            byte[] x = ec.bytes(in), y = ec.bytes(out), h = ec.bytes(ostate);
            short[] c = ec.shorts(cstate);
            int xo = ec.offset(in), yo = ec.offset(out), ho = ec.offset(ostate), co = ec.offset(cstate);
            int B = d.batch(), T = d.steps(), I = d.nIn(), O = d.nOut(), C = d.nCell();
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) {
                    int row = d.timeMajor() ? t * B + b : b * T + t;
                    step(ec, x, xo + row * I, y, yo + row * O, h, ho + b * O, c, co + b * C);
                }
            }
        }

        private void gate(int k, byte[] x, int xo, byte[] h, int ho, short[] c, int co, short[] g) {
            int C = d.nCell(), go = k * C;
            java.util.Arrays.fill(g, go, go + C, (short) 0);
            matAcc16(wIn[k], effIn[k], mIn[k], sIn[k], C, d.nIn(), x, xo, g, go);
            matAcc16(wRec[k], effRec[k], mRec[k], sRec[k], C, d.nOut(), h, ho, g, go);
            if (peep[k] != null) {
                for (int i = 0; i < C; i++) {
                    int prod = QuantMath.multiplyByQuantizedMultiplier(peep[k][i] * c[co + i], mPeep[k], sPeep[k]);
                    g[go + i] = (short) Math.max(-32768, Math.min(32767, prod + g[go + i]));
                }
            }
            if (lnW[k] != null) layerNorm(g, go, C, lnW[k], lnBias[k], mLn[k], sLn[k], lnGuard[k]);
            if (k == 2) for (int i = 0; i < C; i++) g[go + i] = (short) Int16Activations.tanh(g[go + i], 3);
            else for (int i = 0; i < C; i++) g[go + i] = (short) Int16Activations.logistic(g[go + i], 3);
        }

        private void step(ExecContext ec, byte[] x, int xo, byte[] y, int yo, byte[] h, int ho, short[] c, int co) {
            int C = d.nCell(), O = d.nOut();
            short[] g = ec.scratchShorts();
            byte[] hid = ec.scratchBytes();
            if (!d.cifg()) gate(0, x, xo, h, ho, c, co, g);
            gate(1, x, xo, h, ho, c, co, g);
            gate(2, x, xo, h, ho, c, co, g);
            // cell: c = round(f * c >> 15) + round(i * g >> (30 + cellShift)), saturated; CIFG uses 1 - f
            int shift2 = 30 + cellShift;
            for (int i = 0; i < C; i++) {
                int f = g[C + i];
                int kept = (short) QuantMath.roundingDivideByPOT(f * c[co + i], 15);
                int ig = d.cifg() ? (short) (32767 - f) : g[i];
                int added = (short) QuantMath.roundingDivideByPOT(ig * g[2 * C + i], shift2);
                int sum = Math.max(-32768, Math.min(32767, kept + added));
                if (cellClip > 0) sum = Math.max(-cellClip, Math.min(cellClip, sum));
                c[co + i] = (short) sum;
            }
            gate(3, x, xo, h, ho, c, co, g);
            // hidden = o * tanh(c), rescaled to int8
            int tanhBits = 15 + cellShift;
            for (int i = 0; i < C; i++) {
                int th = Int16Activations.tanh(c[co + i], tanhBits);
                int v = QuantMath.multiplyByQuantizedMultiplier(g[3 * C + i] * th, mHidden, sHidden) - hiddenZp;
                hid[i] = (byte) Math.max(-128, Math.min(127, v));
            }
            if (d.projection()) {
                for (int r = 0; r < O; r++) {
                    int acc = effProj[r] + HybridMath.dot(proj, r * C, hid, 0, C);
                    acc = QuantMath.multiplyByQuantizedMultiplier(acc, mProj, sProj) + outZp;
                    acc = Math.max(-128, Math.min(127, acc));
                    if (projClip > 0) acc = Math.max(-projClip, Math.min(projClip, acc));
                    h[ho + r] = (byte) acc;
                }
            } else {
                System.arraycopy(hid, 0, h, ho, O);
            }
            System.arraycopy(h, ho, y, yo, O);
        }

        @Override
        public long macs() {
            long perStep = (long) d.nCell() * (d.nIn() + d.nOut()) * (d.cifg() ? 3 : 4) + (d.projection() ? (long) d.nOut() * d.nCell() : 0);
            return perStep * d.batch() * d.steps();
        }

        /**
         * TFLite's integer ApplyLayerNorm on one gate row: mean and variance in fixed point (mean x 1024; the
         * variance uses 2^20 / n in integer division, exact only for power-of-two n, as TFLite does), the inverse
         * square root as a Q31 multiplier (GetInvSqrtQuantizedMultiplierExp), then times the int16 coefficient plus
         * the int32 bias (in int32, wrapping like TFLite's), / 1024 rounded half away, rescaled by the coefficient
         * scale into Q3.12 and saturated to int16.
         */
        static void layerNorm(short[] g, int go, int n, short[] w, int[] bias, int m, int s, int guard) {
            long sum = 0, sumSq = 0;
            for (int j = 0; j < n; j++) {
                int v = g[go + j];
                sum += v;
                sumSq += v * v;
            }
            int mean = (int) (sum * 1024 / n);
            int temp = (1 << 20) / n;
            long variance = sumSq * temp - (long) mean * mean;
            int variance2 = (int) (variance / (1 << 20));
            if (variance2 < 1) variance2 = guard;
            long inv = invSqrtQuantizedMultiplierExp(variance2, -1);
            int invM = (int) (inv >> 32), invS = (int) inv;
            for (int j = 0; j < n; j++) {
                int shifted = 1024 * g[go + j] - mean;
                int rescaled = QuantMath.multiplyByQuantizedMultiplier(shifted, invM, invS);
                long val3 = rescaled * w[j] + bias[j];
                int val4 = (int) ((val3 > 0 ? val3 + 512 : val3 - 512) / 1024);
                int val5 = QuantMath.multiplyByQuantizedMultiplier(val4, m, s + 12);
                g[go + j] = (short) Math.max(-32768, Math.min(32767, val5));
            }
        }

        private static int shiftLeftSat32(int x, int e) {
            int threshold = (int) ((1L << (31 - e)) - 1);
            if (x > threshold) return Integer.MAX_VALUE;
            if (x < -threshold) return Integer.MIN_VALUE;
            return x << e;
        }

        /**
         * TFLite's GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a Q31 multiplier (high 32 bits) and shift *
         * reverseShift (low 32 bits), Newton-Raphson in Q3.28. Packed in a long so a run allocates nothing.
         */
        static long invSqrtQuantizedMultiplierExp(int input, int reverseShift) {
            if (input <= 1) return (long) Integer.MAX_VALUE << 32;
            int shift = 11;
            while (input >= (1 << 29)) {
                input /= 4;
                ++shift;
            }
            int maxLeftShiftBits = Integer.numberOfLeadingZeros(input) - 1;
            int pairs = maxLeftShiftBits / 2 - 1;
            shift -= pairs;
            input <<= 2 * pairs;
            int fin = input >> 1;
            int halfIn = QuantMath.roundingDivideByPOT(fin, 1);
            int halfThree = (1 << 28) + (1 << 27);
            int x = 1 << 28; // One in Q3.28
            for (int i = 0; i < 5; i++) {
                int x3 = shiftLeftSat32(QuantMath.saturatingRoundingDoublingHighMul(QuantMath.saturatingRoundingDoublingHighMul(x, x), x), 6);
                x = shiftLeftSat32(QuantMath.saturatingRoundingDoublingHighMul(halfThree, x) - QuantMath.saturatingRoundingDoublingHighMul(halfIn, x3), 3);
            }
            x = QuantMath.saturatingRoundingDoublingHighMul(x, 1518500250);
            if (shift < 0) {
                x <<= -shift;
                shift = 0;
            }
            return ((long) x << 32) | ((shift * reverseShift) & 0xFFFFFFFFL);
        }

        @Override
        public String variant() { return "reference-int8x8_16"; }
    }
}
