package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.octet.core.DataType;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Tensor;
import dev.octet.core.UnsupportedOpException;
import dev.octet.loaders.Octet;
import dev.octet.loaders.tflite.TfliteWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM models ({@link LstmModels}) run for {@value #RUNS} consecutive invocations in TFLite
 * 2.6.2 and in Octet, each engine carrying its variable state (output_state, cell_state) from one invocation to the
 * next; then both reset their variables (TFLite's resetVariableTensors, Octet's resetVariables) and must agree with a
 * fresh TFLite interpreter. Float: within 1e-5 absolute or 1e-4 relative per element.
 */
class LstmOracleTest {
    static final int RUNS = 12;

    static List<LstmModels.Config> floatConfigs() {
        List<LstmModels.Config> cs = new ArrayList<>();
        long seed = 11;
        // name, batch, steps, in, cell, out, timeMajor, cifg, peephole, layerNorm, projection, projBias, act, cellClip, projClip, asym, seed
        cs.add(new LstmModels.Config("basic_b1_i3_c4", 1, 3, 3, 4, 4, false, false, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("basic_b2_i8_c16", 2, 4, 8, 16, 16, false, false, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("time_major_b2", 2, 3, 5, 6, 6, true, false, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("cifg_b2", 2, 2, 4, 7, 7, false, true, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("peephole_b1", 1, 5, 6, 8, 8, false, false, true, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("projection_bias_clip", 2, 3, 5, 12, 6, false, false, false, false, true, true, "TANH", 0.8f, 0.5f, false, seed++));
        cs.add(new LstmModels.Config("projection_nobias", 1, 4, 3, 9, 5, true, false, true, false, true, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("layer_norm", 2, 3, 6, 10, 10, false, false, false, true, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("layer_norm_cifg_peephole_proj", 2, 3, 4, 8, 5, false, true, true, true, true, true, "TANH", 1.5f, 0.7f, false, seed++));
        cs.add(new LstmModels.Config("relu_cell_clip", 1, 4, 4, 6, 6, false, false, false, false, false, false, "RELU", 1.0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("relu6_time_major", 2, 2, 3, 5, 5, true, false, true, false, false, false, "RELU6", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("none_activation", 1, 3, 4, 5, 5, false, false, false, false, false, false, "NONE", 2f, 0f, false, seed++));
        cs.add(new LstmModels.Config("relu_n1_to_1_time_major", 2, 3, 3, 6, 6, true, true, false, false, false, false, "RELU_N1_TO_1", 0f, 0f, false, seed++));
        return cs;
    }

    @TestFactory
    Stream<DynamicTest> floatLstmMatchesTfliteOverCarriedState() {
        return floatConfigs().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, LstmModels.Form.FLOAT)));
    }

    static List<LstmModels.Config> integerConfigs() {
        List<LstmModels.Config> cs = new ArrayList<>();
        long seed = 501;
        cs.add(new LstmModels.Config("int_basic_b1_i3_c4", 1, 3, 3, 4, 4, false, false, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_basic_b2_i8_c16", 2, 4, 8, 16, 16, false, false, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_time_major_b2", 2, 3, 5, 6, 6, true, false, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_cifg_b2", 2, 2, 4, 7, 7, false, true, false, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_peephole_b1", 1, 5, 6, 8, 8, false, false, true, false, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_cifg_peephole_clip", 2, 3, 5, 8, 8, true, true, true, false, false, false, "TANH", 0.9f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_projection_bias_clip", 2, 3, 5, 12, 6, false, false, false, false, true, true, "TANH", 0.8f, 0.5f, false, seed++));
        cs.add(new LstmModels.Config("int_projection_nobias", 1, 4, 3, 9, 5, true, false, false, false, true, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_projection_hidden_zp", 2, 3, 4, 8, 5, false, false, false, false, true, true, "TANH", 0f, 0f, true, seed++));
        cs.add(new LstmModels.Config("int_layer_norm_c16", 2, 3, 6, 16, 16, false, false, false, true, false, false, "TANH", 0f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_layer_norm_cifg_peephole_c8", 1, 4, 4, 8, 8, true, true, true, true, false, false, "TANH", 1.2f, 0f, false, seed++));
        cs.add(new LstmModels.Config("int_layer_norm_proj_c10", 2, 3, 5, 10, 6, false, false, false, true, true, true, "TANH", 0f, 0.6f, false, seed++));
        return cs;
    }

    /**
     * Other cell-state scales: 2^-9 (tanh of the cell with 6 integer bits: gemmlowp's exp then has 7 integer bits and
     * its clamp below -32) and 2^-15 (0 integer bits).
     */
    @TestFactory
    Stream<DynamicTest> integerLstmOtherCellScalesMatchTflite() {
        List<DynamicTest> tests = new ArrayList<>();
        List<LstmModels.Config> in = integerConfigs();
        for (int shift : new int[] {-9, -10, -15}) {
            for (int i : new int[] {1, 5}) {
                LstmModels.Config c = in.get(i);
                tests.add(DynamicTest.dynamicTest(c.name() + "_cell_2^" + shift, () -> check(c, LstmModels.Form.INTEGER, "UNIDIRECTIONAL_SEQUENCE_LSTM", Math.scalb(1f, shift))));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> integerLstmMatchesTfliteOverCarriedState() {
        return integerConfigs().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, LstmModels.Form.INTEGER)));
    }

    /** The float configurations again with int8 weights; every other one with asymmetric input quantization. */
    static List<LstmModels.Config> hybridConfigs() {
        List<LstmModels.Config> cs = new ArrayList<>();
        int i = 0;
        for (LstmModels.Config c : floatConfigs()) {
            for (boolean asym : new boolean[] {false, true}) {
                cs.add(new LstmModels.Config(c.name() + (asym ? "_asym" : "_sym"), c.batch(), c.steps(), c.nIn(), c.nCell(), c.nOut(), c.timeMajor(),
                        c.cifg(), c.peephole(), c.layerNorm(), c.projection(), c.projBias(), c.activation(), c.cellClip(), c.projClip(), asym,
                        c.seed() + 1000 * i++));
            }
        }
        return cs;
    }

    @TestFactory
    Stream<DynamicTest> hybridLstmMatchesTfliteOverCarriedState() {
        return hybridConfigs().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, LstmModels.Form.HYBRID)));
    }

    static void check(LstmModels.Config c, LstmModels.Form form) { check(c, form, "UNIDIRECTIONAL_SEQUENCE_LSTM"); }

    /**
     * The builtin one-step LSTM op (input [B, I]): TFLite runs the same EvalFloat / EvalHybrid / EvalInteger8x8_16 with
     * one time step; each invocation is one step, the state carried between invocations.
     */
    @TestFactory
    Stream<DynamicTest> oneStepLstmOpMatchesTfliteOverCarriedState() {
        List<DynamicTest> tests = new ArrayList<>();
        List<LstmModels.Config> fl = floatConfigs(), in = integerConfigs(), hy = hybridConfigs();
        for (int i : new int[] {1, 3, 5, 8}) tests.add(DynamicTest.dynamicTest("float_" + fl.get(i).name(), () -> check(fl.get(i), LstmModels.Form.FLOAT, "LSTM")));
        for (int i : new int[] {2, 3, 11, 16}) tests.add(DynamicTest.dynamicTest("hybrid_" + hy.get(i).name(), () -> check(hy.get(i), LstmModels.Form.HYBRID, "LSTM")));
        for (int i : new int[] {1, 5, 6, 8, 10}) tests.add(DynamicTest.dynamicTest(in.get(i).name(), () -> check(in.get(i), LstmModels.Form.INTEGER, "LSTM")));
        return tests.stream();
    }

    static void check(LstmModels.Config c, LstmModels.Form form, String op) { check(c, form, op, LstmModels.CELL_SCALE); }

    static void check(LstmModels.Config c, LstmModels.Form form, String op, float cellScale) {
        TfliteOracle.assumeAvailable();
        boolean integer = form == LstmModels.Form.INTEGER;
        byte[] model = integer ? LstmModels.buildInteger(c, op, cellScale) : LstmModels.build(c, form, op);
        int[] inShape = op.equals("LSTM") ? new int[] {c.batch(), c.nIn()} : c.inputShape();
        List<Tensor> inputs = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            inputs.add(RandomInputs.of(integer ? DataType.INT8 : DataType.FLOAT32, inShape, 7919L * r + c.seed(), -2f, 2f));
        }
        List<Tensor> expected = new ArrayList<>();
        List<Tensor> expectedAfterReset = new ArrayList<>();
        Tensor repeatedFirst;
        try (TfliteOracle o = TfliteOracle.load(model)) {
            for (Tensor in : inputs) expected.add(o.run(in).get(0));
            // state is carried: the first input again, on the carried state, gives another answer
            repeatedFirst = o.run(inputs.get(0)).get(0);
            o.resetVariables();
            for (int r = 0; r < 3; r++) expectedAfterReset.add(o.run(inputs.get(r)).get(0));
        }
        assertFalse(TensorDiff.exact(expected.get(0), repeatedFirst).ok(), "TFLite did not carry the LSTM state across invocations");
        try (TfliteOracle fresh = TfliteOracle.load(model)) {
            for (int r = 0; r < 3; r++) {
                TensorDiff d = TensorDiff.exact(expected.get(r), fresh.run(inputs.get(r)).get(0));
                assertTrue(d.ok(), "TFLite after resetVariableTensors differs from a fresh interpreter at run " + r + ": " + d);
            }
        }
        List<String> problems = new ArrayList<>();
        double maxAbs = 0;
        for (KernelMode mode : KernelMode.values()) {
            Model m = Octet.load(model, ModelOptions.DEFAULT.withKernels(mode));
            try (Interpreter it = m.newInterpreter()) {
                for (int r = 0; r < RUNS; r++) {
                    it.setInput(0, inputs.get(r));
                    it.run();
                    TensorDiff d = diff(expected.get(r), it.output(0));
                    maxAbs = Math.max(maxAbs, d.maxAbs());
                    if (!d.ok()) problems.add(mode + " run " + r + ": " + d);
                }
                it.setInput(0, inputs.get(0));
                it.run();
                TensorDiff rep = diff(repeatedFirst, it.output(0));
                if (!rep.ok()) problems.add(mode + " repeated first input on carried state: " + rep);
                it.resetVariables();
                for (int r = 0; r < 3; r++) {
                    it.setInput(0, inputs.get(r));
                    it.run();
                    TensorDiff d = diff(expectedAfterReset.get(r), it.output(0));
                    if (!d.ok()) problems.add(mode + " after resetVariables, run " + r + ": " + d);
                }
            }
            // a second interpreter of the same model starts from zero state, independent of the first
            try (Interpreter it2 = m.newInterpreter()) {
                it2.setInput(0, inputs.get(0));
                it2.run();
                TensorDiff d = diff(expected.get(0), it2.output(0));
                if (!d.ok()) problems.add(mode + " fresh interpreter: " + d);
            }
        }
        System.out.println(op + " " + form + " " + c.name() + ": " + RUNS + " carried runs, max abs diff " + maxAbs);
        if (!problems.isEmpty()) fail(c.name() + " " + form + " differs from TFLite: " + String.join("; ", problems));
    }

    /**
     * A graph shaped like a Keras text classifier lowered by the TFLite converter: token ids -> GATHER (embedding) ->
     * UNIDIRECTIONAL_SEQUENCE_LSTM -> STRIDED_SLICE (last time step, shrunk) -> FULLY_CONNECTED -> SOFTMAX, plus a
     * second LSTM layer on the first one's sequence, so the arena holds several activations next to four variables.
     * 12 carried invocations, then resetVariables, against TFLite.
     */
    @Test
    void kerasLikeTextModelCarriesStateLikeTflite() {
        TfliteOracle.assumeAvailable();
        int batch = 2, steps = 5, vocab = 20, emb = 6, cell = 8;
        LstmModels.Config c1 = new LstmModels.Config("layer1", batch, steps, emb, cell, cell, false, false, false, false, false, false, "TANH", 0f, 0f, false, 77);
        LstmModels.Config c2 = new LstmModels.Config("layer2", batch, steps, cell, cell, cell, false, true, false, false, false, false, "TANH", 0f, 0f, false, 78);
        java.util.Random r = new java.util.Random(79);
        float[] table = new float[vocab * emb];
        for (int i = 0; i < table.length; i++) table[i] = r.nextFloat() * 2 - 1;
        float[] fc = new float[3 * cell];
        for (int i = 0; i < fc.length; i++) fc[i] = r.nextFloat() - 0.5f;
        TfliteWriter w = new TfliteWriter();
        int ids = w.addTensor("token_ids", DataType.INT32, new int[] {batch, steps}, null, null);
        int tab = LstmModels.floatConst(w, "embedding", table, new int[] {vocab, emb});
        int embOut = w.addTensor("embedded", DataType.FLOAT32, new int[] {batch, steps, emb}, null, null);
        w.addOp("GATHER", new int[] {tab, ids}, new int[] {embOut}, Map.of("axis", 0));
        int seq1 = LstmModels.addLstm(w, c1, embOut, "l1");
        int seq2 = LstmModels.addLstm(w, c2, seq1, "l2");
        int b = w.addTensor("begin", DataType.INT32, new int[] {3}, null, SequenceOpsOracleTest.ints(0, -1, 0));
        int e = w.addTensor("end", DataType.INT32, new int[] {3}, null, SequenceOpsOracleTest.ints(0, 0, 0));
        int st = w.addTensor("strides", DataType.INT32, new int[] {3}, null, SequenceOpsOracleTest.ints(1, 1, 1));
        int last = w.addTensor("last_step", DataType.FLOAT32, new int[] {batch, cell}, null, null);
        w.addOp("STRIDED_SLICE", new int[] {seq2, b, e, st}, new int[] {last}, Map.of("begin_mask", 5, "end_mask", 5, "shrink_axis_mask", 2));
        int fw = LstmModels.floatConst(w, "dense_w", fc, new int[] {3, cell});
        int logits = w.addTensor("logits", DataType.FLOAT32, new int[] {batch, 3}, null, null);
        w.addOp("FULLY_CONNECTED", new int[] {last, fw, -1}, new int[] {logits}, Map.of());
        int probs = w.addTensor("probs", DataType.FLOAT32, new int[] {batch, 3}, null, null);
        w.addOp("SOFTMAX", new int[] {logits}, new int[] {probs}, Map.of("beta", 1f));
        w.inputs(ids).outputs(probs, seq1);
        byte[] model = w.build();
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            int[] t = new int[batch * steps];
            for (int k = 0; k < t.length; k++) t[k] = r.nextInt(vocab);
            inputs.add(Tensor.of(DataType.INT32, new int[] {batch, steps}, t));
        }
        List<List<Tensor>> expected = new ArrayList<>();
        List<Tensor> afterReset;
        try (TfliteOracle o = TfliteOracle.load(model)) {
            for (Tensor in : inputs) expected.add(o.run(in));
            o.resetVariables();
            afterReset = o.run(inputs.get(5));
        }
        List<String> problems = new ArrayList<>();
        for (KernelMode mode : KernelMode.values()) {
            try (Interpreter it = Octet.load(model, ModelOptions.DEFAULT.withKernels(mode)).newInterpreter()) {
                for (int i = 0; i < RUNS; i++) {
                    it.setInput(0, inputs.get(i));
                    it.run();
                    for (int k = 0; k < 2; k++) {
                        TensorDiff d = diff(expected.get(i).get(k), it.output(k));
                        if (!d.ok()) problems.add(mode + " run " + i + " output " + k + ": " + d);
                    }
                }
                it.resetVariables();
                it.setInput(0, inputs.get(5));
                it.run();
                for (int k = 0; k < 2; k++) {
                    TensorDiff d = diff(afterReset.get(k), it.output(k));
                    if (!d.ok()) problems.add(mode + " after reset output " + k + ": " + d);
                }
            }
        }
        if (!problems.isEmpty()) fail("Keras-like model differs from TFLite: " + String.join("; ", problems));
    }

    /**
     * ArenaPlan never lets a variable tensor share memory: in a graph with two stacked LSTMs (four variables) and
     * several activations, each variable's slot overlaps no other tensor's slot in the same pool.
     */
    @Test
    void variablesHaveTheirOwnArenaSlots() {
        LstmModels.Config c1 = new LstmModels.Config("a", 2, 4, 5, 6, 6, false, false, false, false, false, false, "TANH", 0f, 0f, false, 1);
        LstmModels.Config c2 = new LstmModels.Config("b", 2, 4, 6, 6, 6, false, false, false, false, false, false, "TANH", 0f, 0f, false, 2);
        TfliteWriter w = new TfliteWriter();
        int in = w.addTensor("x", DataType.FLOAT32, c1.inputShape(), null, null);
        int s1 = LstmModels.addLstm(w, c1, in, "l1");
        int s2 = LstmModels.addLstm(w, c2, s1, "l2");
        int y = w.addTensor("y", DataType.FLOAT32, c2.outputShape(), null, null);
        w.addOp("TANH", new int[] {s2}, new int[] {y}, Map.of());
        w.inputs(in).outputs(y);
        Model m = Octet.load(w.build(), ModelOptions.DEFAULT);
        try (Interpreter it = m.newInterpreter()) {
            var ec = it.context();
            int variables = 0;
            for (var v : m.tensors()) {
                if (!v.isVariable()) continue;
                variables++;
                int vs = ec.offset(v.id()), ve = vs + v.size();
                for (var t : m.tensors()) {
                    if (t.id() == v.id() || t.isConstant() || t.type() != DataType.FLOAT32 || ec.floats(t.id()) != ec.floats(v.id())) continue;
                    int ts = ec.offset(t.id()), te = ts + t.size();
                    assertTrue(te <= vs || ve <= ts, "variable '" + v.name() + "' [" + vs + "," + ve + ") overlaps '" + t.name() + "' [" + ts + "," + te + ")");
                }
            }
            assertEquals(4, variables);
        }
    }

    /** Malformed LSTM models fail at load with a typed exception naming the op and node, never a raw runtime error. */
    @Test
    void malformedLstmModelsFailAtLoadWithTypedErrors() {
        LstmModels.Config c = floatConfigs().get(0);
        byte[] model = LstmModels.build(c, LstmModels.Form.FLOAT);
        assertLoadFails(model, null); // sanity: the well-formed model loads
        // an int8 LSTM without the operator's intermediates
        LstmModels.Config ic = integerConfigs().get(0);
        byte[] noInter = stripIntermediates(ic);
        assertLoadFails(noInter, "intermediate");
        // a weight of the wrong shape: input size 3 declared, weights for 4
        LstmModels.Config bad = new LstmModels.Config("bad", 1, 2, 4, 4, 4, false, false, false, false, false, false, "TANH", 0f, 0f, false, 3);
        TfliteWriter w2 = new TfliteWriter();
        int in2 = w2.addTensor("input", DataType.FLOAT32, new int[] {1, 2, 3}, null, null);
        int out2 = LstmModels.addLstm(w2, bad, in2, "");
        w2.inputs(in2).outputs(out2);
        assertLoadFails(w2.build(), "input_to_output_weights");
    }

    private static byte[] stripIntermediates(LstmModels.Config c) {
        return LstmModels.buildInteger(c, "UNIDIRECTIONAL_SEQUENCE_LSTM", LstmModels.CELL_SCALE, false);
    }

    /** fromGraph writes the reader's SPLIT and an integer LSTM's intermediates back so that TFLite runs them. */
    @Test
    void fromGraphRoundTripsIntegerLstmAndSplit() {
        TfliteOracle.assumeAvailable();
        LstmModels.Config c = integerConfigs().get(6);
        byte[] model = LstmModels.buildInteger(c, "UNIDIRECTIONAL_SEQUENCE_LSTM");
        dev.octet.core.Graph g = Octet.readGraph(java.nio.ByteBuffer.wrap(model), ModelOptions.DEFAULT);
        byte[] again = TfliteWriter.fromGraph(g);
        Tensor in = RandomInputs.of(DataType.INT8, c.inputShape(), 99);
        try (TfliteOracle a = TfliteOracle.load(model); TfliteOracle b = TfliteOracle.load(again)) {
            for (int r = 0; r < 3; r++) assertTrue(TensorDiff.exact(a.run(in).get(0), b.run(in).get(0)).ok(), "run " + r);
        }
        TfliteWriter w = new TfliteWriter();
        int x = w.addTensor("x", DataType.FLOAT32, new int[] {2, 6}, null, null);
        int ax = w.addTensor("axis", DataType.INT32, new int[] {}, null, SequenceOpsOracleTest.ints(1));
        int sz = w.addTensor("sizes", DataType.INT32, new int[] {2}, null, SequenceOpsOracleTest.ints(-1, 2));
        int o1 = w.addTensor("o1", DataType.FLOAT32, new int[] {2, 4}, null, null);
        int o2 = w.addTensor("o2", DataType.FLOAT32, new int[] {2, 2}, null, null);
        w.addOp("SPLIT_V", new int[] {x, sz, ax}, new int[] {o1, o2}, Map.of("num_splits", 2));
        w.inputs(x).outputs(o1, o2);
        byte[] split = TfliteWriter.fromGraph(Octet.readGraph(java.nio.ByteBuffer.wrap(w.build()), ModelOptions.DEFAULT));
        Tensor xt = RandomInputs.of(DataType.FLOAT32, new int[] {2, 6}, 5);
        try (TfliteOracle a = TfliteOracle.load(w.build()); TfliteOracle b = TfliteOracle.load(split)) {
            List<Tensor> ra = a.run(xt), rb = b.run(xt);
            for (int k = 0; k < 2; k++) assertTrue(TensorDiff.exact(ra.get(k), rb.get(k)).ok(), "split output " + k);
        }
    }

    private static void assertLoadFails(byte[] model, String needle) {
        if (needle == null) {
            Octet.load(model, ModelOptions.DEFAULT);
            return;
        }
        dev.octet.core.OctetException e = assertThrows(dev.octet.core.OctetException.class, () -> Octet.load(model, ModelOptions.DEFAULT));
        assertTrue(e.getMessage().contains("UNIDIRECTIONAL_SEQUENCE_LSTM") && e.getMessage().contains("node 0") && e.getMessage().contains(needle), e.getMessage());
    }

    /** Float outputs within 1e-5 absolute or 1e-4 relative; int8 outputs identical. */
    static TensorDiff diff(Tensor expected, Tensor actual) {
        return expected.type() == DataType.FLOAT32 ? TensorDiff.of(expected, actual, 1e-5, 1e-4) : TensorDiff.exact(expected, actual);
    }

    @Test
    void whileFailsAtLoadNamingOpAndNode() {
        TfliteWriter w = new TfliteWriter();
        int a = w.addTensor("a", DataType.FLOAT32, new int[] {1}, null, null);
        int b = w.addTensor("loop_out", DataType.FLOAT32, new int[] {1}, null, null);
        w.addOp("WHILE", new int[] {a}, new int[] {b}, Map.of("cond_subgraph_index", 1, "body_subgraph_index", 2));
        w.inputs(a).outputs(b);
        byte[] model = w.build();
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> Octet.load(model, ModelOptions.DEFAULT));
        assertTrue(e.getMessage().contains("WHILE") && e.getMessage().contains("node 0") && e.getMessage().contains("loop_out"), e.getMessage());
    }
}
