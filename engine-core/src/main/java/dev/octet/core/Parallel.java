package dev.octet.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Intra-op parallelism of one interpreter: the calling thread plus {@code threads-1} persistent daemon workers,
 * created once and stopped by {@link #close()}.
 *
 * <p>A call {@link #run(int, Task, ExecContext) run(parts, task, ec)} splits parts {@code [0, parts)} statically into
 * {@code min(parts, threads)} contiguous chunks: the caller runs chunk 0, worker {@code i} chunk {@code i}. Which
 * thread runs which part is therefore fixed by {@code parts} and {@code threads} alone, never by timing; kernels that
 * give every part its own output range and scratch slice produce the same bytes for any thread count.
 *
 * <p>Hand-off costs no allocation and no executor queue: the caller publishes the task in plain fields and bumps each
 * needed worker's volatile {@code go} counter; workers spin on their counter for {@link #SPIN_PROPERTY} microseconds
 * after their last task (so the next layer starts without a wake-up) and then park. The caller waits for its workers
 * the same way (spin, then park until the last one unparks it). The first exception thrown by any part is rethrown by
 * {@code run} to the caller as the same object (a typed {@link OctetException} stays typed); other failures of the
 * same call are dropped.
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

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final Worker[] workers;
    private final long spinNanos;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread waiter;
    private volatile boolean closed;
    private boolean busy;

    // The current call, written by the caller before it bumps a worker's go counter (a volatile write) and read by
    // the worker after it sees the new value (a volatile read): plain fields are enough.
    private Task task;
    private Body body;
    private ExecContext ec;
    private int parts, active;

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.spinNanos = Math.max(0L, Long.getLong(SPIN_PROPERTY, 200L)) * 1000L;
        this.workers = new Worker[this.threads - 1];
        if (workers.length > 0) {
            int pool = POOLS.incrementAndGet();
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(i + 1, "octet-pool" + pool + "-worker-" + (i + 1));
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
        int n = Math.min(parts, threads);
        busy = true;
        try {
            this.task = task;
            this.body = body;
            this.ec = ec;
            this.parts = parts;
            this.active = n;
            failure.set(null);
            pending.set(n - 1);
            for (int i = 0; i < n - 1; i++) workers[i].signal();
            try {
                chunk(0);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            awaitWorkers();
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

    /** Runs the contiguous chunk {@code c} of the current call's parts. */
    private void chunk(int c) {
        int from = (int) ((long) parts * c / active), to = (int) ((long) parts * (c + 1) / active);
        Task t = task;
        Body b = body;
        ExecContext e = ec;
        for (int p = from; p < to; p++) exec(t, b, e, p);
    }

    private void awaitWorkers() {
        if (pending.get() == 0) return;
        long deadline = System.nanoTime() + spinNanos;
        int spins = 0;
        while (pending.get() != 0) {
            Thread.onSpinWait();
            if ((++spins & 63) == 0 && System.nanoTime() - deadline > 0) break;
        }
        if (pending.get() == 0) return;
        waiter = Thread.currentThread();
        try {
            while (pending.get() != 0) LockSupport.park(this);
        } finally {
            waiter = null;
        }
    }

    /** Stops the workers (idempotent); they are daemon threads, and are joined for up to a second each. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Worker w : workers) w.signal();
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
        private final int index;
        private volatile int go;
        private volatile boolean parked;
        private int seen;

        Worker(int index, String name) {
            super(name);
            this.index = index;
            setDaemon(true);
        }

        /** Called by the caller (or close): publishes a new call to this worker and wakes it if it parked. */
        void signal() {
            go = go + 1; // only the calling thread writes go
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                await();
                if (closed) return;
                try {
                    chunk(index);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        Thread w = waiter;
                        if (w != null) LockSupport.unpark(w);
                    }
                }
            }
        }

        private void await() {
            if (go != seen) {
                seen = go;
                return;
            }
            long deadline = System.nanoTime() + spinNanos;
            int spins = 0;
            while (go == seen) {
                Thread.onSpinWait();
                if ((++spins & 63) == 0 && System.nanoTime() - deadline > 0) break;
            }
            while (go == seen) {
                parked = true;
                if (go == seen) LockSupport.park(this);
                parked = false;
            }
            seen = go;
        }
    }
}
