package dev.octet.testdata;

import dev.octet.core.DataType;
import dev.octet.core.QuantParams;
import dev.octet.loaders.tflite.TfliteWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One-op UNIDIRECTIONAL_SEQUENCE_LSTM models written with the project's TfliteWriter, all forms from one set of
 * float weights (drawn from a seed): float32, and hybrid (int8 symmetric per-tensor weights, float activations,
 * as the TFLite converter's dynamic-range quantization writes them). State tensors are variables.
 */
final class LstmModels {
    private LstmModels() {}

    enum Form { FLOAT, HYBRID, INTEGER }

    /** One LSTM configuration. nOut != nCell needs projection. */
    record Config(String name, int batch, int steps, int nIn, int nCell, int nOut, boolean timeMajor, boolean cifg, boolean peephole,
                  boolean layerNorm, boolean projection, boolean projBias, String activation, float cellClip, float projClip,
                  boolean asymmetric, long seed) {
        int[] inputShape() { return timeMajor ? new int[] {steps, batch, nIn} : new int[] {batch, steps, nIn}; }

        int[] outputShape() { return timeMajor ? new int[] {steps, batch, nOut} : new int[] {batch, steps, nOut}; }

        @Override
        public String toString() { return name; }
    }

    /** The float weights every form is built from. */
    record Weights(float[][] wIn, float[][] wRec, float[][] peep, float[][] bias, float[][] ln, float[] proj, float[] projBias) {}

    static Weights weights(Config c) {
        Random r = new Random(c.seed());
        float[][] wIn = new float[4][], wRec = new float[4][], peep = new float[4][], bias = new float[4][], ln = new float[4][];
        for (int k = 0; k < 4; k++) {
            if (k == 0 && c.cifg()) continue;
            wIn[k] = rand(r, c.nCell() * c.nIn(), 0.6f);
            wRec[k] = rand(r, c.nCell() * c.nOut(), 0.5f);
            bias[k] = rand(r, c.nCell(), 0.4f);
            if (c.peephole() && k != 2) peep[k] = rand(r, c.nCell(), 0.3f);
            if (c.layerNorm()) {
                ln[k] = rand(r, c.nCell(), 0.3f);
                for (int i = 0; i < ln[k].length; i++) ln[k][i] += 1f;
            }
        }
        if (c.cifg() || !c.peephole()) peep[0] = null;
        float[] proj = c.projection() ? rand(r, c.nOut() * c.nCell(), 0.5f) : null;
        float[] projBias = c.projection() && c.projBias() ? rand(r, c.nOut(), 0.2f) : null;
        return new Weights(wIn, wRec, peep, bias, ln, proj, projBias);
    }

    private static float[] rand(Random r, int n, float amp) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (r.nextFloat() * 2 - 1) * amp;
        return a;
    }

    static byte[] build(Config c, Form form) { return build(c, form, "UNIDIRECTIONAL_SEQUENCE_LSTM"); }

    /** The float or hybrid form of {@code op}: UNIDIRECTIONAL_SEQUENCE_LSTM, or the one-step LSTM (input [B, I]). */
    static byte[] build(Config c, Form form, String op) {
        TfliteWriter tw = new TfliteWriter();
        int in = tw.addTensor("input", DataType.FLOAT32, op.equals("LSTM") ? new int[] {c.batch(), c.nIn()} : c.inputShape(), null, null);
        int out = addLstm(tw, c, in, "", form, op);
        tw.inputs(in).outputs(out);
        return tw.build();
    }

    /** Adds a float UNIDIRECTIONAL_SEQUENCE_LSTM reading tensor {@code in}; returns its output tensor. */
    static int addLstm(TfliteWriter tw, Config c, int in, String prefix) { return addLstm(tw, c, in, prefix, Form.FLOAT, "UNIDIRECTIONAL_SEQUENCE_LSTM"); }

    static int addLstm(TfliteWriter tw, Config c, int in, String prefix, Form form, String op) {
        boolean seq = !op.equals("LSTM");
        Weights w = weights(c);
        int[] ins = new int[24];
        java.util.Arrays.fill(ins, -1);
        ins[0] = in;
        String[] gate = {"input", "forget", "cell", "output"};
        for (int k = 0; k < 4; k++) gate[k] = prefix + gate[k];
        for (int k = 0; k < 4; k++) {
            if (w.wIn()[k] != null) ins[1 + k] = weight(tw, gate[k] + "_w", w.wIn()[k], new int[] {c.nCell(), c.nIn()}, form);
            if (w.wRec()[k] != null) ins[5 + k] = weight(tw, gate[k] + "_rec_w", w.wRec()[k], new int[] {c.nCell(), c.nOut()}, form);
        }
        // peepholes: input(9), forget(10), output(11)
        int[] peepIdx = {9, 10, -1, 11};
        for (int k = 0; k < 4; k++) if (w.peep()[k] != null) ins[peepIdx[k]] = weight(tw, gate[k] + "_peephole", w.peep()[k], new int[] {c.nCell()}, form);
        for (int k = 0; k < 4; k++) if (w.bias()[k] != null) ins[12 + k] = floatConst(tw, gate[k] + "_bias", w.bias()[k], new int[] {c.nCell()});
        if (w.proj() != null) ins[16] = weight(tw, prefix + "projection_w", w.proj(), new int[] {c.nOut(), c.nCell()}, form);
        if (w.projBias() != null) ins[17] = floatConst(tw, prefix + "projection_bias", w.projBias(), new int[] {c.nOut()});
        ins[18] = tw.addTensor(prefix + "output_state", DataType.FLOAT32, new int[] {c.batch(), c.nOut()}, null, null);
        ins[19] = tw.addTensor(prefix + "cell_state", DataType.FLOAT32, new int[] {c.batch(), c.nCell()}, null, null);
        tw.markVariable(ins[18]).markVariable(ins[19]);
        for (int k = 0; k < 4; k++) if (w.ln()[k] != null) ins[20 + k] = floatConst(tw, gate[k] + "_layer_norm", w.ln()[k], new int[] {c.nCell()});
        int out = tw.addTensor(prefix + "output", DataType.FLOAT32, seq ? c.outputShape() : new int[] {c.batch(), c.nOut()}, null, null);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fused_activation_function", c.activation());
        o.put("cell_clip", c.cellClip());
        o.put("proj_clip", c.projClip());
        if (seq) o.put("time_major", c.timeMajor());
        else o.put("kernel_type", "FULL");
        o.put("asymmetric_quantize_inputs", c.asymmetric());
        if (form == Form.HYBRID) o.put("version", seq ? 2 : 3);
        tw.addOp(op, ins, new int[] {out}, o);
        return out;
    }

    static int floatConst(TfliteWriter tw, String name, float[] v, int[] shape) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return tw.addTensor(name, DataType.FLOAT32, shape, null, b.array());
    }

    /** A weight in the form's type: float32, or int8 symmetric per-tensor (scale = max|w| / 127, round half away). */
    static int weight(TfliteWriter tw, String name, float[] v, int[] shape, Form form) {
        if (form == Form.FLOAT) return floatConst(tw, name, v, shape);
        float max = 0;
        for (float f : v) max = Math.max(max, Math.abs(f));
        float scale = max == 0 ? 1f : max / 127f;
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) q[i] = (byte) Math.max(-127, Math.min(127, Math.round(v[i] / scale)));
        return tw.addTensor(name, DataType.INT8, shape, QuantParams.perTensor(scale, 0), q);
    }

    static final float IN_SCALE = 4f / 255f, OUT_SCALE = 2f / 255f;
    static final int IN_ZP = -1, OUT_ZP = 3;
    static final float CELL_SCALE = 1f / 2048f; // 2^-11: TFLite's integer LSTM needs a power-of-two cell scale

    /**
     * The full-integer (8x8->16) form as the TFLite converter writes it: int8 input/output/output_state, int16
     * cell_state (scale 2^-11), int8 symmetric weights, int16 symmetric peepholes, int32 biases at input scale x
     * weight scale, and the five intermediates (four int16 gate tensors, one int8 hidden tensor) on the operator.
     * {@code op} is "UNIDIRECTIONAL_SEQUENCE_LSTM" (input [B,T,I]) or "LSTM" (one step, input [B,I]). With layer norm:
     * int16 coefficients, biases at coefficient scale x 2^-10, gate intermediates at scale 0.0007.
     */
    static byte[] buildInteger(Config c, String op) { return buildInteger(c, op, CELL_SCALE); }

    /** As {@link #buildInteger(Config, String)} with another power-of-two cell-state scale. */
    static byte[] buildInteger(Config c, String op, float cellScale) { return buildInteger(c, op, cellScale, true); }

    static byte[] buildInteger(Config c, String op, float cellScale, boolean withIntermediates) {
        Weights w = weights(c);
        boolean seq = op.equals("UNIDIRECTIONAL_SEQUENCE_LSTM");
        TfliteWriter tw = new TfliteWriter();
        QuantParams inQ = QuantParams.perTensor(IN_SCALE, IN_ZP), outQ = QuantParams.perTensor(OUT_SCALE, OUT_ZP);
        int in = tw.addTensor("input", DataType.INT8, seq ? c.inputShape() : new int[] {c.batch(), c.nIn()}, inQ, null);
        int[] ins = new int[24];
        java.util.Arrays.fill(ins, -1);
        ins[0] = in;
        String[] gate = {"input", "forget", "cell", "output"};
        float[] wInScale = new float[4];
        for (int k = 0; k < 4; k++) {
            if (w.wIn()[k] != null) {
                ins[1 + k] = weight(tw, gate[k] + "_w", w.wIn()[k], new int[] {c.nCell(), c.nIn()}, Form.HYBRID);
                wInScale[k] = symScale(w.wIn()[k], 127);
            }
            if (w.wRec()[k] != null) ins[5 + k] = weight(tw, gate[k] + "_rec_w", w.wRec()[k], new int[] {c.nCell(), c.nOut()}, Form.HYBRID);
        }
        int[] peepIdx = {9, 10, -1, 11};
        for (int k = 0; k < 4; k++) if (w.peep()[k] != null) ins[peepIdx[k]] = int16Sym(tw, gate[k] + "_peephole", w.peep()[k]);
        for (int k = 0; k < 4; k++) {
            if (w.bias()[k] == null) continue;
            if (c.layerNorm()) {
                // layer norm: int16 coefficients; the bias is added inside the normalization at coefficient scale x 2^-10
                float lnScale = symScale(w.ln()[k], 32767);
                ins[20 + k] = int16Sym(tw, gate[k] + "_layer_norm", w.ln()[k]);
                ins[12 + k] = int32Bias(tw, gate[k] + "_bias", w.bias()[k], lnScale / 1024f);
            } else {
                ins[12 + k] = int32Bias(tw, gate[k] + "_bias", w.bias()[k], IN_SCALE * wInScale[k]);
            }
        }
        float hiddenScale = c.projection() ? 1f / 128f : OUT_SCALE;
        // the hidden intermediate: the output state's parameters without projection; with projection scale 2^-7 and zero
        // point 0, or -5 when the config's asymmetric flag is set (unused by the integer form otherwise)
        int hiddenZp = c.projection() ? (c.asymmetric() ? -5 : 0) : OUT_ZP;
        if (w.proj() != null) {
            ins[16] = weight(tw, "projection_w", w.proj(), new int[] {c.nOut(), c.nCell()}, Form.HYBRID);
            if (w.projBias() != null) ins[17] = int32Bias(tw, "projection_bias", w.projBias(), hiddenScale * symScale(w.proj(), 127));
        }
        ins[18] = tw.addTensor("output_state", DataType.INT8, new int[] {c.batch(), c.nOut()}, outQ, null);
        ins[19] = tw.addTensor("cell_state", DataType.INT16, new int[] {c.batch(), c.nCell()}, QuantParams.perTensor(cellScale, 0), null);
        tw.markVariable(ins[18]).markVariable(ins[19]);
        int out = tw.addTensor("output", DataType.INT8, seq ? c.outputShape() : new int[] {c.batch(), c.nOut()}, outQ, null);
        int[] inter = new int[5];
        for (int k = 0; k < 4; k++) {
            inter[k] = tw.addTensor("intermediate_" + gate[k], DataType.INT16, new int[] {}, QuantParams.perTensor(c.layerNorm() ? 0.0007f : 1f / 4096f, 0), null);
        }
        inter[4] = tw.addTensor("intermediate_hidden", DataType.INT8, new int[] {}, QuantParams.perTensor(hiddenScale, hiddenZp), null);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fused_activation_function", c.activation());
        o.put("cell_clip", c.cellClip());
        o.put("proj_clip", c.projClip());
        if (seq) o.put("time_major", c.timeMajor());
        else o.put("kernel_type", "FULL");
        o.put("version", seq ? 1 : 4);
        int opIdx = tw.addOp(op, ins, new int[] {out}, o);
        if (withIntermediates) tw.intermediates(opIdx, inter);
        tw.inputs(in).outputs(out);
        return tw.build();
    }

    static float symScale(float[] v, int qmax) {
        float max = 0;
        for (float f : v) max = Math.max(max, Math.abs(f));
        return max == 0 ? 1f : max / qmax;
    }

    static int int16Sym(TfliteWriter tw, String name, float[] v) {
        float scale = symScale(v, 32767);
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putShort((short) Math.max(-32767, Math.min(32767, Math.round(f / scale))));
        return tw.addTensor(name, DataType.INT16, new int[] {v.length}, QuantParams.perTensor(scale, 0), b.array());
    }

    static int int32Bias(TfliteWriter tw, String name, float[] v, float scale) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putInt(Math.round(f / scale));
        return tw.addTensor(name, DataType.INT32, new int[] {v.length}, QuantParams.perTensor(scale, 0), b.array());
    }
}
