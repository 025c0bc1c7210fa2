package dev.octet.core;

import java.nio.ByteBuffer;

/**
 * What a {@link KernelFactory} sees of its node while the model is compiled: input and output tensor
 * descriptions with their inferred shapes, constant contents, and the means to declare output shapes and
 * scratch memory.
 */
public interface PrepareContext {
    Node node();

    Graph graph();

    Semantics semantics();

    ModelOptions options();

    int inputCount();

    int outputCount();

    /** Tensor id of input i, or -1 when absent/optional. */
    int inputId(int i);

    int outputId(int i);

    /** Description of input i (with the shape inferred so far), or null when the input is absent. */
    TensorInfo input(int i);

    /** Description of output i (its shape may be unknown until {@link #setOutputShape}). */
    TensorInfo output(int i);

    boolean hasInput(int i);

    boolean isConstant(int i);

    /** Declares (or confirms) output i's shape; a mismatch with the shape the file declares is a format error. */
    void setOutputShape(int i, int[] shape);

    /**
     * Marks constant input i as consumed at load (packed into the kernel), so it need not be materialized as
     * a runtime array.
     */
    void markPacked(int i);

    /** Constant input i as raw little-endian bytes (a read-only view of the model file). */
    ByteBuffer constData(int i);

    /** Constant int8/uint8/bool input i, copied into a byte[]. */
    byte[] constBytes(int i);

    /** Constant int32 (or int64 in int range, or int16/int8/uint8) input i as int[]. */
    int[] constInts(int i);

    /** Constant int64 (or int32) input i as long[]. */
    long[] constLongs(int i);

    /** Constant float32 (or float16, expanded) input i as float[]. */
    float[] constFloats(int i);

    /** Requests scratch of at least {@code elements} of the given storage per interpreter, shared by all nodes. */
    void requestScratch(DataType.Storage storage, int elements);

    /**
     * Reserves {@code bytes} of load-time memory for a table this kernel builds from shapes rather than from the
     * file (index maps, interpolation tables): checked against {@link Limits#maxTensorBytes} on its own and, summed
     * over the model, against {@link Limits#maxArenaBytes}, before the kernel allocates it. Throws
     * {@link ResourceLimitException}.
     */
    default void reserveTable(String what, long bytes) {
        options().limits().checkTensorBytes(node().describe() + " " + what, bytes);
    }

    /** A format error naming this node. */
    default ModelFormatException invalid(String detail) { return new ModelFormatException(node().describe() + ": " + detail); }

    /** An unsupported-op error naming this node. */
    default UnsupportedOpException unsupported(String detail) {
        StringBuilder sig = new StringBuilder();
        for (int i = 0; i < inputCount(); i++) sig.append(i == 0 ? "" : ", ").append(input(i) == null ? "-" : input(i).type().lowerName());
        sig.append(" -> ");
        for (int i = 0; i < outputCount(); i++) sig.append(i == 0 ? "" : ", ").append(output(i).type().lowerName());
        return new UnsupportedOpException(node().opType(), node().index(), UnsupportedOpException.where(node(), sig.toString(), detail));
    }
}
