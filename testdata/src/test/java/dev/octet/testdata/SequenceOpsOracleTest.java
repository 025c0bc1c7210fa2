package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.octet.core.DataType;
import dev.octet.core.Interpreter;
import dev.octet.core.InvalidInputException;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.QuantParams;
import dev.octet.core.Shapes;
import dev.octet.core.Tensor;
import dev.octet.core.UnsupportedOpException;
import dev.octet.loaders.Octet;
import dev.octet.loaders.tflite.TfliteWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GATHER, SPLIT, SPLIT_V and STRIDED_SLICE (the ops Keras LSTM/GRU graphs lower to) as one-op models written with
 * TfliteWriter, on many random shapes, options and types: outputs must be identical to TFLite 2.6.2's, for the
 * default and the REFERENCE kernels.
 */
class SequenceOpsOracleTest {
    static final DataType[] TYPES = {DataType.FLOAT32, DataType.INT8, DataType.INT32};

    static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return b.array();
    }

    static byte[] longs(int... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putLong(x);
        return b.array();
    }

    static QuantParams q(DataType t) { return t == DataType.INT8 ? QuantParams.perTensor(0.05f, 3) : null; }

    static int[] randShape(Random r, int rank, int max) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(max);
        return s;
    }

    /** Runs the model in TFLite and in Octet (both kernel modes) on the given inputs and requires identical outputs. */
    static void same(String name, byte[] model, Tensor... inputs) {
        List<Tensor> expected;
        try (TfliteOracle o = TfliteOracle.load(model)) {
            expected = o.run(inputs);
        } catch (RuntimeException e) {
            throw new AssertionError(name + ": TFLite refused the model: " + e, e);
        }
        for (KernelMode mode : KernelMode.values()) {
            Model m;
            try {
                m = Octet.load(model, ModelOptions.DEFAULT.withKernels(mode));
            } catch (RuntimeException e) {
                throw new AssertionError(name + ": Octet refused the model: " + e, e);
            }
            assertEquals(expected.size(), m.outputCount(), name);
            try (Interpreter it = m.newInterpreter()) {
                for (int i = 0; i < inputs.length; i++) it.setInput(i, inputs[i]);
                it.run();
                for (int i = 0; i < expected.size(); i++) {
                    Tensor e = expected.get(i), a = it.output(i);
                    if (!java.util.Arrays.equals(e.shape(), a.shape()) && Shapes.size(e.shape()) != Shapes.size(a.shape())) {
                        fail(name + " " + mode + " output " + i + ": shape " + Shapes.str(a.shape()) + ", TFLite " + Shapes.str(e.shape()));
                    }
                    TensorDiff d = TensorDiff.exact(e, a);
                    if (!d.ok()) fail(name + " " + mode + " output " + i + " differs from TFLite: " + d);
                }
            }
        }
    }

    @Test
    void gatherMatchesTflite() {
        TfliteOracle.assumeAvailable();
        Random r = new Random(801);
        int cases = 0;
        for (int c = 0; c < 120; c++) {
            DataType t = TYPES[c % TYPES.length];
            int prank = 1 + r.nextInt(4);
            int[] ps = randShape(r, prank, 5);
            int axis = r.nextInt(prank);
            int batchDims = r.nextInt(axis + 1);
            int irank = batchDims + r.nextInt(3);
            if (irank == 0 && r.nextBoolean()) irank = 1;
            int[] is = new int[irank];
            for (int d = 0; d < irank; d++) is[d] = d < batchDims ? ps[d] : 1 + r.nextInt(4);
            int n = Shapes.size(is);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = r.nextInt(ps[axis]);
            boolean constIdx = r.nextBoolean();
            boolean i64 = r.nextInt(4) == 0;
            // write axis / batch_dims negative some of the time
            int axisOpt = r.nextBoolean() ? axis : axis - prank;
            int bdOpt = batchDims > 0 && batchDims < irank && r.nextBoolean() ? batchDims - irank : batchDims;
            TfliteWriter w = new TfliteWriter();
            int p = w.addTensor("params", t, ps, q(t), null);
            DataType it = i64 ? DataType.INT64 : DataType.INT32;
            int ix = w.addTensor("indices", it, is, null, constIdx ? (i64 ? longs(idx) : ints(idx)) : null);
            int[] os = new int[axis + irank - batchDims + prank - axis - 1];
            int k = 0;
            for (int d = 0; d < axis; d++) os[k++] = ps[d];
            for (int d = batchDims; d < irank; d++) os[k++] = is[d];
            for (int d = axis + 1; d < prank; d++) os[k++] = ps[d];
            int o = w.addTensor("out", t, os, q(t), null);
            Map<String, Object> opts = new LinkedHashMap<>();
            opts.put("axis", axisOpt);
            opts.put("batch_dims", bdOpt);
            w.addOp("GATHER", new int[] {p, ix}, new int[] {o}, opts);
            if (constIdx) w.inputs(p); else w.inputs(p, ix);
            w.outputs(o);
            Tensor pt = RandomInputs.of(t, ps, 900L + c);
            String name = "gather#" + c + " " + t + " params" + Shapes.str(ps) + " indices" + Shapes.str(is) + " axis " + axisOpt + " batch_dims " + bdOpt + " out" + Shapes.str(os) + (constIdx ? " const" : "");
            if (constIdx) same(name, w.build(), pt);
            else {
                Object data;
                if (i64) { long[] l = new long[n]; for (int i = 0; i < n; i++) l[i] = idx[i]; data = l; } else data = idx;
                same(name, w.build(), pt, Tensor.of(it, is, data));
            }
            cases++;
        }
        System.out.println("GATHER: " + cases + " random cases identical to TFLite");
    }

    @Test
    void gatherRejectsOutOfRangeIndex() {
        TfliteWriter w = new TfliteWriter();
        int p = w.addTensor("params", DataType.FLOAT32, new int[] {4, 3}, null, null);
        int ix = w.addTensor("indices", DataType.INT32, new int[] {2}, null, null);
        int o = w.addTensor("out", DataType.FLOAT32, new int[] {2, 3}, null, null);
        w.addOp("GATHER", new int[] {p, ix}, new int[] {o}, Map.of("axis", 0));
        w.inputs(p, ix).outputs(o);
        Model m = Octet.load(w.build(), ModelOptions.DEFAULT);
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, new float[12]);
            it.setInput(1, Tensor.of(DataType.INT32, new int[] {2}, new int[] {1, 4}));
            InvalidInputException e = assertThrows(InvalidInputException.class, it::run);
            assertTrue(e.getMessage().contains("GATHER") && e.getMessage().contains("index 4"), e.getMessage());
        }
    }

    @Test
    void splitAndSplitVMatchTflite() {
        TfliteOracle.assumeAvailable();
        Random r = new Random(802);
        int cases = 0;
        for (int c = 0; c < 80; c++) {
            DataType t = TYPES[c % TYPES.length];
            int rank = 1 + r.nextInt(4);
            int[] s = randShape(r, rank, 4);
            int axis = r.nextInt(rank);
            boolean v = c % 2 == 1;
            int[] sizes;
            if (!v) {
                int n = 1 + r.nextInt(3);
                s[axis] = n * (1 + r.nextInt(3));
                sizes = new int[n];
                java.util.Arrays.fill(sizes, s[axis] / n);
            } else {
                int n = 1 + r.nextInt(4);
                sizes = new int[n];
                int total = 0;
                for (int i = 0; i < n; i++) { sizes[i] = 1 + r.nextInt(3); total += sizes[i]; }
                s[axis] = total;
            }
            int axisOpt = r.nextBoolean() ? axis : axis - rank;
            TfliteWriter w = new TfliteWriter();
            int in = w.addTensor("in", t, s, q(t), null);
            int ax = w.addTensor("axis", DataType.INT32, new int[] {}, null, ints(axisOpt));
            int[] outs = new int[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                int[] os = s.clone();
                os[axis] = sizes[i];
                outs[i] = w.addTensor("out" + i, t, os, q(t), null);
            }
            if (!v) {
                w.addOp("SPLIT", new int[] {ax, in}, outs, Map.of("num_splits", sizes.length));
            } else {
                int[] written = sizes.clone();
                if (r.nextBoolean()) written[r.nextInt(written.length)] = -1;
                boolean i64 = r.nextBoolean();
                int sz = w.addTensor("size_splits", i64 ? DataType.INT64 : DataType.INT32, new int[] {written.length}, null, i64 ? longs(written) : ints(written));
                w.addOp("SPLIT_V", new int[] {in, sz, ax}, outs, Map.of("num_splits", sizes.length));
            }
            w.inputs(in).outputs(outs);
            same((v ? "split_v#" : "split#") + c + " " + t + Shapes.str(s) + " axis " + axisOpt + " sizes " + Shapes.str(sizes), w.build(),
                    RandomInputs.of(t, s, 700L + c));
            cases++;
        }
        System.out.println("SPLIT/SPLIT_V: " + cases + " random cases identical to TFLite");
    }

    @Test
    void stridedSliceMatchesTflite() {
        TfliteOracle.assumeAvailable();
        Random r = new Random(803);
        int cases = 0;
        for (int c = 0; c < 200; c++) {
            DataType t = TYPES[c % TYPES.length];
            int rank = 1 + r.nextInt(4);
            int[] s = randShape(r, rank, 6);
            int[] b = new int[rank], e = new int[rank], st = new int[rank];
            int bm = 0, em = 0, shrink = 0;
            for (int d = 0; d < rank; d++) {
                st[d] = r.nextInt(4) == 0 ? -(1 + r.nextInt(2)) : 1 + r.nextInt(3);
                b[d] = r.nextInt(2 * s[d] + 3) - s[d] - 1;
                e[d] = r.nextInt(2 * s[d] + 3) - s[d] - 1;
                if (r.nextInt(4) == 0) bm |= 1 << d;
                if (r.nextInt(4) == 0) em |= 1 << d;
                if (r.nextInt(6) == 0) {
                    shrink |= 1 << d;
                    b[d] = r.nextInt(2 * s[d]) - s[d]; // a valid single index, possibly negative
                    // TFLite 2.6.2 copies nothing for a shrunk axis with a negative stride (its loop stops at once and the
                    // output keeps whatever the arena held), so shrunk axes get stride 1 as the converter writes them
                    st[d] = 1;
                    bm &= ~(1 << d);
                }
            }
            // the output shape as TFLite computes it
            List<Integer> osl = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                int start = start(b[d], (bm >> d & 1) != 0, st[d], s[d]);
                boolean shr = (shrink >> d & 1) != 0;
                int stop = shr ? start + 1 : stop(e[d], (em >> d & 1) != 0, st[d], s[d]);
                int n = (int) Math.ceil((stop - start) / (float) st[d]);
                if (!shr) osl.add(Math.max(0, n));
            }
            int[] os = osl.stream().mapToInt(Integer::intValue).toArray();
            if (Shapes.size(os) == 0) { c--; continue; } // empty outputs: not compared
            TfliteWriter w = new TfliteWriter();
            int in = w.addTensor("in", t, s, q(t), null);
            int bt = w.addTensor("begin", DataType.INT32, new int[] {rank}, null, ints(b));
            int et = w.addTensor("end", DataType.INT32, new int[] {rank}, null, ints(e));
            int stt = w.addTensor("strides", DataType.INT32, new int[] {rank}, null, ints(st));
            int o = w.addTensor("out", t, os, q(t), null);
            Map<String, Object> opts = new LinkedHashMap<>();
            opts.put("begin_mask", bm);
            opts.put("end_mask", em);
            opts.put("shrink_axis_mask", shrink);
            w.addOp("STRIDED_SLICE", new int[] {in, bt, et, stt}, new int[] {o}, opts);
            w.inputs(in).outputs(o);
            same("strided_slice#" + c + " " + t + Shapes.str(s) + " begin" + Shapes.str(b) + " end" + Shapes.str(e) + " strides" + Shapes.str(st)
                    + " masks " + bm + "/" + em + "/" + shrink, w.build(), RandomInputs.of(t, s, 500L + c));
            cases++;
        }
        System.out.println("STRIDED_SLICE: " + cases + " random cases identical to TFLite");
    }

    private static int start(int begin, boolean masked, int stride, int dim) {
        long v = masked ? (stride > 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE) : begin;
        if (v < 0) v += dim;
        return (int) (stride > 0 ? Math.max(0, Math.min(dim, v)) : Math.max(-1, Math.min(dim - 1, v)));
    }

    private static int stop(int end, boolean masked, int stride, int dim) {
        long v = masked ? (stride > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE) : end;
        if (v < 0) v += dim;
        return (int) (stride > 0 ? Math.max(0, Math.min(dim, v)) : Math.max(-1, Math.min(dim - 1, v)));
    }

    @Test
    void stridedSliceEllipsisIsRefusedAtLoad() {
        TfliteWriter w = new TfliteWriter();
        int in = w.addTensor("in", DataType.FLOAT32, new int[] {2, 3}, null, null);
        int bt = w.addTensor("begin", DataType.INT32, new int[] {2}, null, ints(0, 0));
        int et = w.addTensor("end", DataType.INT32, new int[] {2}, null, ints(1, 1));
        int stt = w.addTensor("strides", DataType.INT32, new int[] {2}, null, ints(1, 1));
        int o = w.addTensor("sliced", DataType.FLOAT32, new int[] {1, 1}, null, null);
        w.addOp("STRIDED_SLICE", new int[] {in, bt, et, stt}, new int[] {o}, Map.of("ellipsis_mask", 1));
        w.inputs(in).outputs(o);
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> Octet.load(w.build(), ModelOptions.DEFAULT));
        assertTrue(e.getMessage().contains("STRIDED_SLICE") && e.getMessage().contains("ellipsis"), e.getMessage());
    }
}
