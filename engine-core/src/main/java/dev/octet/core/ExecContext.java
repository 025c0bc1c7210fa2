package dev.octet.core;

/**
 * The per-interpreter view of tensor memory a kernel runs against: for every tensor id, the backing array
 * (an arena pool, or a model constant) and the element offset of the tensor inside it; plus scratch arrays
 * shared by all kernels (sized from the largest request) and the intra-op thread pool.
 */
public final class ExecContext {
    final Object[] data;
    final int[] offsets;
    byte[] scratchBytes;
    short[] scratchShorts;
    int[] scratchInts;
    long[] scratchLongs;
    float[] scratchFloats;
    final Parallel parallel;

    ExecContext(int tensorCount, Parallel parallel) {
        this.data = new Object[tensorCount];
        this.offsets = new int[tensorCount];
        this.parallel = parallel;
    }

    public byte[] bytes(int tensor) { return (byte[]) data[tensor]; }

    public short[] shorts(int tensor) { return (short[]) data[tensor]; }

    public int[] ints(int tensor) { return (int[]) data[tensor]; }

    public long[] longs(int tensor) { return (long[]) data[tensor]; }

    public float[] floats(int tensor) { return (float[]) data[tensor]; }

    /** Element offset of the tensor inside its array. */
    public int offset(int tensor) { return offsets[tensor]; }

    public byte[] scratchBytes() { return scratchBytes; }

    public short[] scratchShorts() { return scratchShorts; }

    public int[] scratchInts() { return scratchInts; }

    public long[] scratchLongs() { return scratchLongs; }

    public float[] scratchFloats() { return scratchFloats; }

    /**
     * Parts to cut {@code items} units of work into for {@code threads} threads (a load-time decision): one per
     * thread, up to {@value #PARTS_PER_THREAD} per thread while each keeps at least {@code minItems} units; 1 for one
     * thread or too little work. From {@code threads} parts up, a multiple of {@code threads}: equal parts claimed
     * first come first served then end together (3 parts on 2 threads leave one thread a double share).
     */
    public static int partsFor(int threads, long items, long minItems) {
        if (threads <= 1) return 1;
        long byWork = items / Math.max(1, minItems);
        if (byWork < 2) return 1;
        long parts = Math.min(byWork, (long) threads * PARTS_PER_THREAD);
        return (int) (parts >= threads ? parts / threads * threads : parts);
    }

    /** The most parts per thread {@link #partsFor} cuts. */
    public static final int PARTS_PER_THREAD = 4;

    /** Number of intra-op threads kernels may split work across. */
    public int threads() { return parallel.threads(); }

    /**
     * Runs {@code body.run(part)} for part in [0, parts) across the intra-op threads and waits for all.
     * Parts must write disjoint outputs so the result is the same for any thread count.
     */
    public void parallelFor(int parts, Parallel.Body body) { parallel.run(parts, body); }

    /**
     * Runs {@code task.run(this, part)} for part in [0, parts) across the intra-op threads and waits for all; the
     * threads claim parts first come first served, so a few parts per thread ({@link #partsFor}) keep a busy machine
     * from stalling a call. Keep the task in a field of the kernel so a run allocates nothing. Parts must write
     * disjoint outputs (and use disjoint scratch, indexed by part) so the result is the same for any thread count.
     */
    public void parallelFor(int parts, Parallel.Task task) { parallel.run(parts, task, this); }
}
