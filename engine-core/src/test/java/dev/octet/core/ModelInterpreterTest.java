package dev.octet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Model compilation, arena planning and interpreter mechanics, with toy kernels defined here. */
class ModelInterpreterTest {

    /** ADD_CONST: float out = in + constant (broadcast scalar constant input 1), shape = input shape. */
    private static final KernelFactory ADD_CONST = ctx -> {
        int in = ctx.inputId(0), out = ctx.outputId(0);
        float c = ctx.constFloats(1)[0];
        ctx.markPacked(1);
        ctx.setOutputShape(0, ctx.input(0).shape());
        int n = ctx.input(0).size();
        return ec -> {
            float[] a = ec.floats(in), o = ec.floats(out);
            int ai = ec.offset(in), oi = ec.offset(out);
            for (int i = 0; i < n; i++) o[oi + i] = a[ai + i] + c;
        };
    };

    /** SUM2: out = in0 + in1 elementwise. */
    private static final KernelFactory SUM2 = ctx -> {
        int a = ctx.inputId(0), b = ctx.inputId(1), out = ctx.outputId(0);
        ctx.setOutputShape(0, ctx.input(0).shape());
        int n = ctx.input(0).size();
        return ec -> {
            for (int i = 0; i < n; i++) ec.floats(out)[ec.offset(out) + i] = ec.floats(a)[ec.offset(a) + i] + ec.floats(b)[ec.offset(b) + i];
        };
    };

    private static final OpResolver TOY = op -> switch (op) {
        case "ADD_CONST" -> ADD_CONST;
        case "SUM2" -> SUM2;
        default -> null;
    };

    private static ByteBuffer floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.flip();
    }

    /** A chain x -> +1 -> +1 -> ... (n nodes) plus a residual SUM2 of the first and last values. */
    private static Graph chain(int n, int size) {
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
        int one = g.addTensor("one", DataType.FLOAT32, new int[] {1}, null, floats(1f), false);
        int x = g.addTensor("x", DataType.FLOAT32, new int[] {size}, null, null, false);
        g.input(x);
        int prev = x;
        int first = -1;
        for (int i = 0; i < n; i++) {
            int t = g.addTensor("t" + i, DataType.FLOAT32, new int[] {-1}, null, null, false);
            g.addNode("ADD_CONST", null, new int[] {prev, one}, new int[] {t}, null, null);
            if (i == 0) first = t;
            prev = t;
        }
        int y = g.addTensor("y", DataType.FLOAT32, new int[] {size}, null, null, false);
        g.addNode("SUM2", null, new int[] {first, prev}, new int[] {y}, null, null);
        g.output(y);
        return g.build();
    }

    @Test
    void runsAChainAndReusesArenaMemory() {
        Model m = Model.compile(chain(10, 100), TOY, ModelOptions.DEFAULT);
        try (Interpreter it = m.newInterpreter()) {
            float[] in = new float[100];
            for (int i = 0; i < 100; i++) in[i] = i;
            it.setInput(0, in);
            it.run();
            float[] out = it.output(0).floats();
            for (int i = 0; i < 100; i++) assertEquals((i + 1) + (i + 10), out[i], 0f);
            // run twice: same result (no state leaks between runs)
            it.run();
            assertArrayEquals(out, it.output(0).floats());
        }
        // 12 activation tensors of 400 bytes each, but at most 4 are alive at once (x, t0, t_i, t_{i+1} / y)
        assertTrue(m.arenaBytes() <= 4 * 448, "arena " + m.arenaBytes());
        assertTrue(m.arenaBytes() >= 3 * 400, "arena " + m.arenaBytes());
        assertEquals(4, m.parameterBytes());
    }

    @Test
    void nodesWithOnlyEmptyOutputsAreNotRun() {
        // An input of shape [1, 721420295, 2, 0] has no elements, but a kernel looping over its other dims would
        // spin 1.4 billion times (Jazzer found this with MEAN). Such nodes are prepared (validated) but not run.
        AtomicInteger runs = new AtomicInteger();
        KernelFactory counting = ctx -> {
            ctx.setOutputShape(0, ctx.input(0).shape());
            return ec -> runs.incrementAndGet();
        };
        OpResolver r = op -> counting;
        for (int[] shape : new int[][] {{1, 721420295, 2, 0}, {0}, {3, 4}}) {
            Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
            int x = g.addTensor("x", DataType.FLOAT32, shape, null, null, false);
            int y = g.addTensor("y", DataType.FLOAT32, shape, null, null, false);
            g.addNode("COUNT", null, new int[] {x}, new int[] {y}, null, null);
            g.input(x);
            g.output(y);
            Model m = Model.compile(g.build(), r, ModelOptions.DEFAULT);
            runs.set(0);
            try (Interpreter it = m.newInterpreter()) {
                it.run();
                int expected = Shapes.size(shape) == 0 ? 0 : 1;
                assertEquals(expected, runs.get(), "kernel runs for shape " + java.util.Arrays.toString(shape));
            }
        }
    }

    @Test
    void observerSeesEveryIntermediate() {
        Model m = Model.compile(chain(5, 3), TOY, ModelOptions.DEFAULT);
        List<Float> seen = new ArrayList<>();
        try (Interpreter it = m.newInterpreter()) {
            it.setInput(0, new float[] {0, 0, 0});
            it.run((node, in) -> seen.add(in.tensor(node.output(0)).floats()[0]));
        }
        assertEquals(List.of(1f, 2f, 3f, 4f, 5f, 6f), seen);
    }

    @Test
    void arenaPlanNeverOverlapsLiveTensors() {
        // Random DAG lifetimes: check pairwise that tensors alive at the same time never share memory.
        java.util.Random r = new java.util.Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(40);
            int[] sizes = new int[n], first = new int[n], last = new int[n];
            DataType.Storage[] st = new DataType.Storage[n];
            for (int t = 0; t < n; t++) {
                sizes[t] = r.nextInt(1000);
                first[t] = r.nextInt(30) - 1;
                last[t] = first[t] + r.nextInt(10);
                st[t] = DataType.Storage.values()[r.nextInt(5)];
            }
            ArenaPlan p = ArenaPlan.plan(sizes, st, first, last, Limits.DEFAULT);
            for (int a = 0; a < n; a++) {
                assertTrue(p.offset(a) + sizes[a] <= p.poolSize(st[a]));
                for (int b = a + 1; b < n; b++) {
                    if (st[a] != st[b] || sizes[a] == 0 || sizes[b] == 0) continue;
                    boolean live = first[a] <= last[b] && first[b] <= last[a];
                    boolean overlap = p.offset(a) < p.offset(b) + sizes[b] && p.offset(b) < p.offset(a) + sizes[a];
                    assertTrue(!(live && overlap), "trial " + trial + ": tensors " + a + " and " + b + " overlap");
                }
            }
        }
    }

    @Test
    void wrongInputsGiveClearErrors() {
        Model m = Model.compile(chain(2, 4), TOY, ModelOptions.DEFAULT);
        try (Interpreter it = m.newInterpreter()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> it.setInput(0, new float[3]));
            assertTrue(e.getMessage().contains("[4]"), e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> it.setInput(0, Tensor.ofUint8(new int[] {4}, new byte[4])));
            assertTrue(e.getMessage().contains("float32"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> it.setInput(1, new float[4]));
            assertThrows(InvalidInputException.class, () -> it.output(3));
        }
    }

    @Test
    void unknownOpIsNamedWithItsNode() {
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
        int x = g.addTensor("x", DataType.FLOAT32, new int[] {2}, null, null, false);
        int y = g.addTensor("y", DataType.FLOAT32, new int[] {2}, null, null, false);
        g.input(x).output(y);
        g.addNode("FANCY_OP", null, new int[] {x}, new int[] {y}, null, "FANCY_OP v2");
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> Model.compile(g.build(), TOY, ModelOptions.DEFAULT));
        assertEquals("FANCY_OP", e.opType());
        assertEquals(0, e.nodeIndex());
        assertTrue(e.getMessage().contains("node 0"), e.getMessage());
    }

    @Test
    void graphValidationRejectsCyclesAndBadIds() {
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "test");
        int x = g.addTensor("x", DataType.FLOAT32, new int[] {2}, null, null, false);
        int a = g.addTensor("a", DataType.FLOAT32, new int[] {2}, null, null, false);
        int b = g.addTensor("b", DataType.FLOAT32, new int[] {2}, null, null, false);
        g.input(x).output(b);
        g.addNode("SUM2", null, new int[] {x, b}, new int[] {a}, null, null); // reads b before it exists
        g.addNode("SUM2", null, new int[] {a, a}, new int[] {b}, null, null);
        ModelFormatException e = assertThrows(ModelFormatException.class, g::build);
        assertTrue(e.getMessage().contains("before any node produces it"), e.getMessage());

        Graph.Builder g2 = Graph.builder(Semantics.TFLITE, "test");
        int x2 = g2.addTensor("x", DataType.FLOAT32, new int[] {2}, null, null, false);
        g2.input(x2).output(x2);
        g2.addNode("SUM2", null, new int[] {x2, 7}, new int[] {x2}, null, null);
        assertThrows(ModelFormatException.class, g2::build);

        Graph.Builder g3 = Graph.builder(Semantics.TFLITE, "test");
        g3.addTensor("c", DataType.FLOAT32, new int[] {4}, null, floats(1f), false); // 4 bytes for 16 needed
        assertThrows(ModelFormatException.class, g3::build);
    }

    @Test
    void limitsAreCheckedBeforeAllocating() {
        Limits tiny = new Limits(1L << 31, 100, 1000, 1000, 8);
        ResourceLimitException e = assertThrows(ResourceLimitException.class,
                () -> Model.compile(chain(3, 1000), TOY, ModelOptions.DEFAULT.withLimits(tiny)));
        assertTrue(e.getMessage().contains("maxArenaBytes"), e.getMessage());
    }

    @Test
    void parallelRunsEveryPartOnceAndPropagatesFailures() {
        try (Parallel p = new Parallel(3)) {
            AtomicInteger[] hits = new AtomicInteger[50];
            for (int i = 0; i < hits.length; i++) hits[i] = new AtomicInteger();
            p.run(50, part -> hits[part].incrementAndGet());
            for (AtomicInteger h : hits) assertEquals(1, h.get());
            assertThrows(IllegalStateException.class, () -> p.run(10, part -> {
                if (part == 7) throw new IllegalStateException("boom");
            }));
        }
    }

    @Test
    void modelIsSharedByInterpretersOnManyThreads() throws Exception {
        Model m = Model.compile(chain(20, 256), TOY, ModelOptions.DEFAULT);
        List<Thread> ts = new ArrayList<>();
        AtomicInteger bad = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            final float base = t;
            Thread th = new Thread(() -> {
                try (Interpreter it = m.newInterpreter()) {
                    float[] in = new float[256];
                    for (int rep = 0; rep < 200; rep++) {
                        java.util.Arrays.fill(in, base + rep);
                        it.setInput(0, in);
                        it.run();
                        float want = (base + rep + 1) + (base + rep + 20);
                        for (float v : it.output(0).floats()) if (v != want) bad.incrementAndGet();
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) th.join();
        assertEquals(0, bad.get());
    }
}
