package dev.octet.ops.simd;

import dev.octet.core.Graph;
import dev.octet.core.KernelMode;
import dev.octet.core.ModelOptions;
import dev.octet.core.Node;
import dev.octet.core.PrepareContext;
import dev.octet.core.Semantics;
import dev.octet.core.TensorInfo;
import java.nio.ByteBuffer;

/**
 * A {@link PrepareContext} that reports {@link KernelMode#REFERENCE}: a SIMD factory hands it to the reference
 * factory (through any other overlays) to validate the node and declare its output shape exactly as the reference
 * does, before building its own kernel.
 */
final class ReferenceView implements PrepareContext {
    private final PrepareContext d;

    private ReferenceView(PrepareContext d) { this.d = d; }

    static PrepareContext of(PrepareContext ctx) { return new ReferenceView(ctx); }

    @Override public Node node() { return d.node(); }
    @Override public Graph graph() { return d.graph(); }
    @Override public Semantics semantics() { return d.semantics(); }
    @Override public ModelOptions options() { return d.options().withKernels(KernelMode.REFERENCE); }
    @Override public int inputCount() { return d.inputCount(); }
    @Override public int outputCount() { return d.outputCount(); }
    @Override public int inputId(int i) { return d.inputId(i); }
    @Override public int outputId(int i) { return d.outputId(i); }
    @Override public TensorInfo input(int i) { return d.input(i); }
    @Override public TensorInfo output(int i) { return d.output(i); }
    @Override public boolean hasInput(int i) { return d.hasInput(i); }
    @Override public boolean isConstant(int i) { return d.isConstant(i); }
    @Override public void setOutputShape(int i, int[] shape) { d.setOutputShape(i, shape); }
    @Override public void markPacked(int i) { d.markPacked(i); }
    @Override public void reserveTable(String what, long bytes) { d.reserveTable(what, bytes); }
    @Override public ByteBuffer constData(int i) { return d.constData(i); }
    @Override public byte[] constBytes(int i) { return d.constBytes(i); }
    @Override public int[] constInts(int i) { return d.constInts(i); }
    @Override public long[] constLongs(int i) { return d.constLongs(i); }
    @Override public float[] constFloats(int i) { return d.constFloats(i); }
    /** Scratch the reference kernel would need is not requested: only the SIMD kernel runs. */
    @Override public void requestScratch(dev.octet.core.DataType.Storage storage, int elements) {}
}
