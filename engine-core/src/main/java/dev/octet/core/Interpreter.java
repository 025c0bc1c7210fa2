package dev.octet.core;

import java.lang.ref.Cleaner;
import java.util.Arrays;

/**
 * Runs a {@link Model}. Each interpreter owns an arena (allocated once, at construction) and scratch
 * memory, so a run allocates nothing. An interpreter is <b>not thread-safe</b>: give each thread its own
 * (they are cheap next to the model, which they share). An interpreter is reusable: each {@link #run()} overwrites
 * the previous results. Close it to stop its intra-op worker threads; after {@link #close()} (which may be called
 * more than once) every method that touches its memory throws {@link IllegalStateException}. An interpreter that
 * becomes unreachable without being closed has its workers stopped by a cleaner, so forgetting close() leaks no threads
 * for long.
 */
public final class Interpreter implements AutoCloseable {
    private final Model model;
    private final ExecContext ec;
    private final Object[] pools;
    private final Parallel parallel;
    private static final Cleaner CLEANER = Cleaner.create();
    private final Cleaner.Cleanable stopWorkers;
    private boolean profiling;
    private final long[] nodeNanos;
    private boolean closed;

    Interpreter(Model model) {
        this.model = model;
        this.parallel = new Parallel(model.options().threads());
        Parallel pool = parallel; // the cleaning action must not reach this interpreter
        this.stopWorkers = pool.threads() > 1 ? CLEANER.register(this, pool::close) : null;
        int nt = model.tensors().size();
        this.ec = new ExecContext(nt, parallel);
        ArenaPlan plan = model.plan();
        pools = new Object[DataType.Storage.values().length];
        for (DataType.Storage s : DataType.Storage.values()) pools[s.ordinal()] = newArray(s, plan.poolSize(s));
        for (int id = 0; id < nt; id++) {
            int p = plan.pool(id);
            if (p >= 0) {
                ec.data[id] = pools[p];
                ec.offsets[id] = plan.offset(id);
            } else if (model.constArray(id) != null) {
                ec.data[id] = model.constArray(id);
                ec.offsets[id] = 0;
            }
        }
        ec.scratchBytes = new byte[model.scratchSize(DataType.Storage.BYTE)];
        ec.scratchShorts = new short[model.scratchSize(DataType.Storage.SHORT)];
        ec.scratchInts = new int[model.scratchSize(DataType.Storage.INT)];
        ec.scratchLongs = new long[model.scratchSize(DataType.Storage.LONG)];
        ec.scratchFloats = new float[model.scratchSize(DataType.Storage.FLOAT)];
        nodeNanos = new long[model.graph().nodes().size()];
        resetVariableTensors();
    }

    private static Object newArray(DataType.Storage s, int n) {
        return switch (s) {
            case BYTE -> new byte[n];
            case SHORT -> new short[n];
            case INT -> new int[n];
            case LONG -> new long[n];
            case FLOAT -> new float[n];
        };
    }

    public Model model() { return model; }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("interpreter is closed: create a new one with Model.newInterpreter() (the Model stays usable)");
    }

    /** Copies {@code value} into input {@code index}; its type and shape must be exactly the model's. */
    public void setInput(int index, Tensor value) {
        checkOpen();
        if (index < 0 || index >= model.inputCount()) {
            throw new InvalidInputException("input index " + index + " is out of range: the model has " + model.inputCount() + " input(s)");
        }
        TensorInfo t = model.input(index);
        if (value.type() != t.type()) {
            throw new InvalidInputException("input " + index + " ('" + t.name() + "') is " + t.type().lowerName() + Shapes.str(t.shape())
                    + ", got " + value.type().lowerName() + " data");
        }
        if (!Arrays.equals(value.shape(), t.shape())) {
            throw new InvalidInputException("input " + index + " ('" + t.name() + "') must have shape " + Shapes.str(t.shape()) + ", got "
                    + Shapes.str(value.shape()));
        }
        System.arraycopy(value.data(), 0, ec.data[t.id()], ec.offsets[t.id()], t.size());
    }

    /** Convenience: sets an 8-bit input from raw bytes (shape taken from the model). */
    public void setInput(int index, byte[] data) {
        if (index < 0 || index >= model.inputCount()) {
            throw new InvalidInputException("input index " + index + " is out of range: the model has " + model.inputCount() + " input(s)");
        }
        setInput(index, Tensor.of(model.input(index).type(), model.input(index).shape(), data));
    }

    /** Convenience: sets a float32 input (shape taken from the model). */
    public void setInput(int index, float[] data) {
        if (index < 0 || index >= model.inputCount()) {
            throw new InvalidInputException("input index " + index + " is out of range: the model has " + model.inputCount() + " input(s)");
        }
        setInput(index, Tensor.of(model.input(index).type(), model.input(index).shape(), data));
    }

    /** Runs every node once. */
    public void run() { run(null); }

    /** Runs every node once, calling the observer after each (used to compare intermediate tensors). */
    public void run(NodeObserver observer) {
        checkOpen();
        Kernel[] ks = model.kernels();
        for (int i = 0; i < ks.length; i++) {
            long t0 = profiling ? System.nanoTime() : 0;
            try {
                ks[i].run(ec);
            } catch (OctetException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new OctetException(model.graph().nodes().get(i).describe() + " failed: " + e, e);
            }
            if (profiling) nodeNanos[i] += System.nanoTime() - t0;
            if (observer != null) observer.afterNode(model.graph().nodes().get(i), this);
        }
    }

    /** A copy of output {@code index}. */
    public Tensor output(int index) {
        checkOpen();
        if (index < 0 || index >= model.outputCount()) {
            throw new InvalidInputException("output index " + index + " is out of range: the model has " + model.outputCount() + " output(s)");
        }
        return tensor(model.graph().outputs()[index]);
    }

    /**
     * A copy of tensor {@code id} as it is now. Activations share arena memory once dead, so read
     * intermediates from a {@link NodeObserver} right after their node runs.
     */
    public Tensor tensor(int id) {
        checkOpen();
        TensorInfo t = model.tensor(id);
        Object src = ec.data[id];
        Tensor out = Tensor.zeros(t.type(), t.shape());
        if (src == null) {
            if (t.isConstant()) return Tensor.of(t.type(), t.shape(), t.quant(), Model.materialize(t));
            return Tensor.of(t.type(), t.shape(), t.quant(), out.data()); // unused tensor: zeros
        }
        System.arraycopy(src, ec.offsets[id], out.data(), 0, t.size());
        return Tensor.of(t.type(), t.shape(), t.quant(), out.data());
    }

    /**
     * Resets every variable (state) tensor to zero, e.g. between sequences, as TFLite's ResetVariableTensors does: an
     * int8 variable is filled with its zero point (real value 0), every other type with 0. A new interpreter starts
     * in this state.
     */
    public void resetVariables() {
        checkOpen();
        resetVariableTensors();
    }

    private void resetVariableTensors() {
        for (TensorInfo t : model.tensors()) {
            int id = t.id();
            if (!t.isVariable() || ec.data[id] == null) continue;
            int o = ec.offsets[id], n = t.size();
            switch (t.type().storage()) {
                case BYTE -> {
                    byte v = t.type() == DataType.INT8 && !t.quant().isNone() ? (byte) t.quant().zeroPoint(0) : 0;
                    Arrays.fill((byte[]) ec.data[id], o, o + n, v);
                }
                case SHORT -> Arrays.fill((short[]) ec.data[id], o, o + n, (short) 0);
                case INT -> Arrays.fill((int[]) ec.data[id], o, o + n, 0);
                case LONG -> Arrays.fill((long[]) ec.data[id], o, o + n, 0L);
                case FLOAT -> Arrays.fill((float[]) ec.data[id], o, o + n, 0f);
            }
        }
    }

    /** Turns on per-node timing (see {@link #nodeNanos()}). */
    public void setProfiling(boolean on) { this.profiling = on; }

    /** Accumulated nanoseconds per node since profiling was turned on or reset. */
    public long[] nodeNanos() { return nodeNanos.clone(); }

    public void resetProfile() { Arrays.fill(nodeNanos, 0); }

    /** The execution context kernels run against (for tools and tests that drive kernels directly). */
    public ExecContext context() { return ec; }

    @Override
    public void close() {
        closed = true;
        if (stopWorkers != null) stopWorkers.clean();
        else parallel.close();
    }
}
