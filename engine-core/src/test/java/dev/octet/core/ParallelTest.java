package dev.octet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The intra-op pool: every part once, static chunks, typed failures, reuse after parking, nesting, close. */
class ParallelTest {
    /** Builds a pool with the given spin time (0: workers park after every task, the slow wake-up path). */
    private static Parallel pool(int threads, long spinMicros) {
        String old = System.getProperty(Parallel.SPIN_PROPERTY);
        System.setProperty(Parallel.SPIN_PROPERTY, Long.toString(spinMicros));
        try {
            return new Parallel(threads);
        } finally {
            if (old == null) System.clearProperty(Parallel.SPIN_PROPERTY);
            else System.setProperty(Parallel.SPIN_PROPERTY, old);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 200})
    void manyTinyCallsRunEveryPartExactlyOnce(long spin) {
        try (Parallel p = pool(3, spin)) {
            int[] hits = new int[16];
            long[] sums = new long[16];
            for (int call = 0; call < 5_000; call++) {
                int parts = 1 + call % 16;
                Arrays.fill(hits, 0);
                final int c = call;
                p.run(parts, part -> {
                    hits[part]++; // plain writes: run() must publish them to the caller
                    sums[part] += c;
                });
                for (int i = 0; i < 16; i++) assertEquals(i < parts ? 1 : 0, hits[i], "call " + call + " part " + i);
            }
            long want = 0;
            for (int call = 0; call < 5_000; call++) if (1 + call % 16 > 5) want += call;
            assertEquals(want, sums[5]);
        }
    }

    @Test
    void partsAreSharedOutAndManyPartsAreGroupedIntoContiguousChunks() {
        try (Parallel p = new Parallel(3)) {
            int spread = 0;
            for (int parts : new int[] {2, 3, 4, 7, 12, 100, 5000}) {
                for (int rep = 0; rep < 100; rep++) {
                    Thread[] who = new Thread[parts];
                    int[] hits = new int[parts];
                    p.run(parts, part -> {
                        who[part] = Thread.currentThread();
                        hits[part]++;
                        for (long i = 0, x = 0; i < 2000; i++) x += i; // a little work so workers get a chance to claim
                    });
                    for (int h : hits) assertEquals(1, h);
                    int chunks = Math.min(parts, Parallel.MAX_CHUNKS);
                    for (int c = 0; c < chunks; c++) {
                        int from = (int) ((long) parts * c / chunks), to = (int) ((long) parts * (c + 1) / chunks);
                        for (int i = from; i < to; i++) assertSame(who[from], who[i], "parts " + parts + ": part " + i + " left its chunk");
                    }
                    if (Arrays.stream(who).distinct().count() > 1) spread++;
                }
            }
            assertTrue(spread > 0, "the workers never ran a part");
        }
    }

    @Test
    void partsForCutsOneToFourPartsPerThread() {
        assertEquals(1, ExecContext.partsFor(1, 1L << 40, 1));
        assertEquals(1, ExecContext.partsFor(2, 1, 1));
        assertEquals(1, ExecContext.partsFor(2, 30_000, 16_384));
        assertEquals(2, ExecContext.partsFor(2, 40_000, 16_384));
        assertEquals(2, ExecContext.partsFor(2, 3, 1), "a multiple of the threads");
        assertEquals(3, ExecContext.partsFor(4, 3, 1), "fewer parts than threads");
        assertEquals(8, ExecContext.partsFor(4, 11, 1), "a multiple of the threads");
        assertEquals(8, ExecContext.partsFor(2, 1000, 1));
        assertEquals(16, ExecContext.partsFor(4, 1L << 40, 1));
    }

    @Test
    void moreThreadsThanWorkItems() {
        try (Parallel p = new Parallel(4)) {
            for (int parts = 0; parts <= 5; parts++) {
                AtomicInteger[] hits = new AtomicInteger[Math.max(1, parts)];
                for (int i = 0; i < hits.length; i++) hits[i] = new AtomicInteger();
                p.run(parts, part -> hits[part].incrementAndGet());
                for (int i = 0; i < parts; i++) assertEquals(1, hits[i].get());
                if (parts == 0) assertEquals(0, hits[0].get());
            }
        }
    }

    @Test
    void failuresPropagateAsTheSameTypedExceptionAndThePoolStaysUsable() {
        try (Parallel p = new Parallel(2)) {
            InvalidInputException inWorker = new InvalidInputException("worker part failed");
            // 2 parts on 2 threads: part 1 runs on the worker
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> p.run(2, part -> {
                if (part == 1) throw inWorker;
            }));
            assertSame(inWorker, e);
            // force two threads (each part waits for the other to start), and fail on the one that is not the caller
            Thread caller = Thread.currentThread();
            for (int rep = 0; rep < 20; rep++) {
                AtomicInteger started = new AtomicInteger();
                InvalidInputException workerOnly = new InvalidInputException("failed on a worker");
                assertSame(workerOnly, assertThrows(InvalidInputException.class, () -> p.run(2, part -> {
                    started.incrementAndGet();
                    long end = System.nanoTime() + 5_000_000_000L;
                    while (started.get() < 2 && System.nanoTime() < end) Thread.onSpinWait();
                    assertEquals(2, started.get(), "the two parts never ran at the same time");
                    if (Thread.currentThread() != caller) throw workerOnly;
                })));
            }
            UnsupportedOpException onCaller = new UnsupportedOpException("FOO", 3, "caller part failed");
            assertSame(onCaller, assertThrows(UnsupportedOpException.class, () -> p.run(2, part -> {
                if (part == 0) throw onCaller;
            })));
            assertThrows(StackOverflowError.class, () -> p.run(2, part -> {
                if (part == 1) throw new StackOverflowError("error in worker");
            }));
            // both fail: one of the two, never a wrapper
            OctetException both = assertThrows(OctetException.class, () -> p.run(2, part -> {
                throw new ModelFormatException("part " + part);
            }));
            assertTrue(both instanceof ModelFormatException, both.toString());
            // still works, and a failure does not leak into the next call
            int[] out = new int[2];
            for (int rep = 0; rep < 1000; rep++) p.run(2, part -> out[part]++);
            assertEquals(1000, out[0]);
            assertEquals(1000, out[1]);
        }
    }

    @Test
    void workersWakeAfterParking() throws InterruptedException {
        try (Parallel p = pool(2, 20)) {
            int[] out = new int[2];
            for (int rep = 0; rep < 30; rep++) {
                Thread.sleep(2); // longer than the spin: the worker parks between calls
                p.run(2, part -> out[part] += part + 1);
            }
            assertEquals(30, out[0]);
            assertEquals(60, out[1]);
        }
    }

    @Test
    void nestedCallsRunInline() {
        try (Parallel p = new Parallel(2)) {
            int[] inner = new int[4];
            p.run(2, outer -> p.run(2, part -> inner[outer * 2 + part]++));
            assertEquals("[1, 1, 1, 1]", Arrays.toString(inner));
        }
    }

    @Test
    void taskFormGetsTheContext() {
        try (Parallel p = new Parallel(3)) {
            ExecContext ec = new ExecContext(0, p);
            ExecContext[] seen = new ExecContext[6];
            Parallel.Task t = (ctx, part) -> seen[part] = ctx;
            ec.parallelFor(6, t);
            for (ExecContext s : seen) assertSame(ec, s);
        }
    }

    @Test
    void closeStopsNamedDaemonWorkersAndIsIdempotent() {
        Parallel p = new Parallel(4);
        Thread[] who = new Thread[4];
        AtomicInteger started = new AtomicInteger();
        p.run(4, part -> { // each part waits for the others: four threads at once
            who[part] = Thread.currentThread();
            started.incrementAndGet();
            long end = System.nanoTime() + 5_000_000_000L;
            while (started.get() < 4 && System.nanoTime() < end) Thread.onSpinWait();
        });
        assertEquals(4, Arrays.stream(who).distinct().count());
        int workers = 0;
        for (Thread t : who) {
            if (t == Thread.currentThread()) continue;
            workers++;
            assertTrue(t.isDaemon());
            assertTrue(t.getName().startsWith("octet-pool"), t.getName());
        }
        assertEquals(3, workers);
        p.close();
        p.close();
        assertTrue(p.terminated());
        for (Thread t : who) if (t != Thread.currentThread()) assertFalse(t.isAlive());
        assertThrows(IllegalStateException.class, () -> p.run(2, part -> { }));
        new Parallel(1).close(); // no workers at all
    }

    @Test
    void interpreterCloseStopsItsWorkers() {
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "t");
        int x = g.addTensor("x", DataType.FLOAT32, new int[] {4}, null, null, false);
        g.input(x).output(x);
        Model m = Model.compile(g.build(), op -> null, ModelOptions.DEFAULT.withThreads(3));
        Interpreter it = m.newInterpreter();
        it.run();
        Parallel p = it.context().parallel;
        assertEquals(3, p.threads());
        assertFalse(p.terminated());
        it.close();
        assertTrue(p.terminated());
    }

    @Test
    void anUnclosedUnreachableInterpreterHasItsWorkersStopped() throws InterruptedException {
        Graph.Builder g = Graph.builder(Semantics.TFLITE, "t");
        int x = g.addTensor("x", DataType.FLOAT32, new int[] {4}, null, null, false);
        g.input(x).output(x);
        Model m = Model.compile(g.build(), op -> null, ModelOptions.DEFAULT.withThreads(2));
        Parallel p = forgottenInterpreterPool(m);
        long end = System.nanoTime() + 20_000_000_000L;
        while (!p.terminated() && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(p.terminated(), "the workers of a garbage interpreter are still running");
    }

    private static Parallel forgottenInterpreterPool(Model m) {
        Interpreter it = m.newInterpreter();
        it.run();
        return it.context().parallel;
    }
}
