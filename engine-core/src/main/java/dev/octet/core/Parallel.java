package dev.octet.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Intra-op parallelism of one interpreter: the calling thread plus {@code threads-1} persistent daemon workers,
 * created once and stopped by {@link #close()}.
 *
 * <p>A call {@link #run(int, Task, ExecContext) run(parts, task, ec)} runs parts {@code [0, parts)}, which the kernel
 * defined at load as contiguous ranges of its output (a static partition, fixed by the layer shape and the thread
 * count). The threads claim parts first come first served (one compare-and-set each; more than {@value #MAX_CHUNKS}
 * parts are grouped into that many contiguous chunks): the caller starts at once, a worker that is slow to wake finds
 * the work already taken instead of holding the caller up, and when a kernel cuts a few parts per thread a thread
 * descheduled in the middle of one (a busy machine) delays the call by one part, not by its whole share. Which thread
 * runs a part may vary; what a part computes may not: kernels give every part its own output range and its own
 * scratch slice (indexed by part, never by thread), so results are byte-identical for any thread count and timing.
 *
 * <p>Hand-off costs no allocation and no executor queue: the caller publishes the task in plain fields and then one
 * volatile word (call number, chunk count, next chunk) that the threads claim from.
 * Idle workers spin on that word for {@link #SPIN_PROPERTY} microseconds after their last chunk (so the next layer
 * starts without a wake-up; after the first 10 microseconds they also yield between checks, which matters only when
 * the machine is oversubscribed) and then park; the caller unparks parked ones. The caller waits for the chunks others
 * claimed the same way (spin, then park until the last one unparks it). The first exception thrown by any part is
 * rethrown by {@code run} as the same object (a typed {@link OctetException} stays typed); later ones of the same call
 * are dropped.
 *
 * <p>Not thread-safe: one thread at a time calls {@code run} (an interpreter is used by one thread). A call made from
 * inside a part (nested) runs all its parts inline.
 */
public final class Parallel implements AutoCloseable {
    /** A unit of work: one part of a kernel's output. */
    @FunctionalInterface
    public interface Body {
        void run(int part);
    }

    /**
     * A unit of work that receives the execution context: kernels keep one instance as a field, so handing it to the
     * pool allocates nothing per run.
     */
    @FunctionalInterface
    public interface Task {
        void run(ExecContext ec, int part);
    }

    /** System property: microseconds an idle worker (or the waiting caller) spins before parking; default 200. */
    public static final String SPIN_PROPERTY = "octet.spinMicros";

    /**
     * After this long a spinning thread also yields between checks: on an idle machine that costs a cheap system call,
     * on an oversubscribed one it hands the core to a thread with work (another interpreter's, or our own caller).
     */
    static final long YIELD_AFTER_NANOS = 10_000;

    /** Most threads a pool may have. */
    public static final int MAX_THREADS = 1024;

    /** Most chunks of one call (chunk numbers live in 16 bits of the state word); more parts are grouped. */
    static final int MAX_CHUNKS = 4096;

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final Worker[] workers;
    private final long spinNanos;
    /** call number (high 32 bits) | chunks of the call (bits 16-31) | next unclaimed chunk (bits 0-15). */
    private final AtomicLong state = new AtomicLong();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread waiter;
    private volatile boolean closed;
    private boolean busy;
    private int call;

    // The current call, written by the caller before it publishes the state word (a volatile write) and read by a
    // thread only after it claimed a chunk of that call (a volatile compare-and-set): plain fields are enough. They
    // cannot change while a chunk of the call is unfinished, because the caller waits for all chunks first.
    private Task task;
    private Body body;
    private ExecContext ec;
    private int parts;

    public Parallel(int threads) {
        if (threads > MAX_THREADS) throw new IllegalArgumentException("at most " + MAX_THREADS + " intra-op threads, got " + threads);
        this.threads = Math.max(1, threads);
        this.spinNanos = Math.max(0L, Long.getLong(SPIN_PROPERTY, 200L)) * 1000L;
        this.workers = new Worker[this.threads - 1];
        if (workers.length > 0) {
            int pool = POOLS.incrementAndGet();
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker("octet-pool" + pool + "-worker-" + (i + 1));
                workers[i].start();
            }
        }
    }

    public int threads() { return threads; }

    /** Runs {@code body.run(part)} for every part in [0, parts) (see the class comment for the split) and waits. */
    public void run(int parts, Body body) { dispatch(parts, null, body, null); }

    /** Runs {@code task.run(ec, part)} for every part in [0, parts) (see the class comment for the split) and waits. */
    public void run(int parts, Task task, ExecContext ec) { dispatch(parts, task, null, ec); }

    private void dispatch(int parts, Task task, Body body, ExecContext ec) {
        if (parts <= 0) return;
        if (closed) throw new IllegalStateException("the thread pool is closed");
        if (workers.length == 0 || parts == 1 || busy) {
            for (int p = 0; p < parts; p++) exec(task, body, ec, p);
            return;
        }
        int n = Math.min(parts, MAX_CHUNKS);
        busy = true;
        try {
            this.task = task;
            this.body = body;
            this.ec = ec;
            this.parts = parts;
            failure.set(null);
            completed.set(0);
            call++;
            state.set(((long) call << 32) | ((long) n << 16));
            for (int i = 0, w = Math.min(n, threads) - 1; i < w; i++) workers[i].wake();
            claimChunks();
            awaitChunks(n);
            this.task = null;
            this.body = null;
            this.ec = null;
        } finally {
            busy = false;
        }
        Throwable t = failure.getAndSet(null);
        if (t == null) return;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        throw new OctetException("parallel kernel failed: " + t, t);
    }

    private static void exec(Task task, Body body, ExecContext ec, int p) {
        if (task != null) task.run(ec, p);
        else body.run(p);
    }

    /** Claims and runs chunks of the current call until none is left (any thread). */
    private void claimChunks() {
        while (true) {
            long v = state.get();
            int next = (int) (v & 0xFFFF), n = (int) ((v >>> 16) & 0xFFFF);
            if (next >= n) return;
            if (!state.compareAndSet(v, v + 1)) continue;
            try {
                int from = (int) ((long) parts * next / n), to = (int) ((long) parts * (next + 1) / n);
                Task t = task;
                Body b = body;
                ExecContext e = ec;
                for (int p = from; p < to; p++) exec(t, b, e, p);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                if (completed.incrementAndGet() == n) {
                    Thread w = waiter;
                    if (w != null) LockSupport.unpark(w);
                }
            }
        }
    }

    private void awaitChunks(int n) {
        if (completed.get() == n) return;
        long start = System.nanoTime();
        int spins = 0;
        while (completed.get() != n) {
            if (++spins < 64) {
                Thread.onSpinWait();
                continue;
            }
            spins = 0;
            long waited = System.nanoTime() - start;
            if (waited > spinNanos) break;
            if (waited > YIELD_AFTER_NANOS) Thread.yield();
        }
        if (completed.get() == n) return;
        waiter = Thread.currentThread();
        try {
            while (completed.get() != n) LockSupport.park(this);
        } finally {
            waiter = null;
        }
    }

    /** Stops the workers (idempotent); they are daemon threads, and are joined for up to a second each. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        state.set((long) (call + 1) << 32); // a new call number with no chunks: wakes spinning workers
        for (Worker w : workers) w.wake();
        if (Thread.currentThread() instanceof Worker) return;
        for (Worker w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether every worker thread has ended (for tests). */
    boolean terminated() {
        for (Worker w : workers) if (w.isAlive()) return false;
        return true;
    }

    private final class Worker extends Thread {
        private volatile boolean parked;
        private int seen;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void wake() {
            if (parked) LockSupport.unpark(this);
        }

        private boolean newCall() { return (int) (state.get() >>> 32) != seen; }

        @Override
        public void run() {
            while (true) {
                if (!newCall()) {
                    long start = System.nanoTime();
                    int spins = 0;
                    while (!newCall()) {
                        if (++spins < 64) {
                            Thread.onSpinWait();
                            continue;
                        }
                        spins = 0;
                        long waited = System.nanoTime() - start;
                        if (waited > spinNanos) break;
                        if (waited > YIELD_AFTER_NANOS) Thread.yield();
                    }
                    while (!newCall() && !closed) {
                        parked = true;
                        if (!newCall() && !closed) LockSupport.park(this);
                        parked = false;
                    }
                }
                if (closed) return;
                seen = (int) (state.get() >>> 32);
                claimChunks();
            }
        }
    }
}
