package dev.octet.ops.onnx;

import dev.octet.core.DataType;
import dev.octet.core.ExecContext;
import dev.octet.core.Parallel;
import dev.octet.core.Kernel;
import dev.octet.core.PrepareContext;
import dev.octet.core.TensorInfo;

/**
 * LOOKUP_TABLE: an 8-bit tensor mapped element by element through a 256-entry table. Inputs: x (int8 or uint8, any
 * shape) and table (a constant of 256 int8/uint8 entries, the output's type), indexed by x's raw byte read as unsigned
 * (int8 -128 is entry 128). The output has x's shape.
 *
 * <p>The loader's {@code LutFusion} pass produces it: a chain of element-wise nodes whose only variable input is one
 * 8-bit tensor and whose result is one 8-bit tensor is a function of 256 codes, tabulated at load time by running the
 * chain's own reference kernels on every code, so the table gives exactly the bytes the chain gave.
 */
public final class LookupTableOps {
    private LookupTableOps() {}

    /** Elements below which one thread does all the work. */
    static final int MIN_PART = 32768;

    /** Validates the node and returns the packed 256-byte table. */
    public static byte[] table(PrepareContext ctx) {
        if (ctx.inputCount() != 2 || !ctx.hasInput(0) || !ctx.hasInput(1)) throw ctx.invalid("needs two inputs: x and a 256-entry table");
        TensorInfo x = ctx.input(0), t = ctx.input(1);
        if (!x.type().isQuantized8()) throw ctx.unsupported("input must be int8 or uint8, is " + x.type().lowerName());
        if (!ctx.isConstant(1)) throw ctx.unsupported("the table must be a constant");
        if (!t.type().isQuantized8() || t.size() != 256) throw ctx.invalid("the table must hold 256 int8/uint8 entries, is " + t);
        DataType ot = ctx.output(0).type();
        if (ot != t.type()) throw ctx.invalid("output type " + ot.lowerName() + " differs from the table's " + t.type().lowerName());
        byte[] table = ctx.constBytes(1);
        ctx.markPacked(1);
        ctx.setOutputShape(0, x.shape());
        return table;
    }

    static Kernel create(PrepareContext ctx) {
        byte[] table = table(ctx);
        return new Lut(ctx.options().threads(), ctx.inputId(0), -1, ctx.outputId(0), ctx.input(0).size(), table);
    }

    /**
     * LOOKUP_TABLE (b &lt; 0) or LOOKUP_TABLE2: part p maps elements [n*p/parts, n*(p+1)/parts) (parts from
     * {@link ExecContext#partsFor}, fixed at load).
     */
    static final class Lut implements Kernel {
        final int a, b, o, n, parts;
        final byte[] table;
        private final Parallel.Task task = this::part;

        Lut(int threads, int a, int b, int o, int n, byte[] table) {
            this.a = a; this.b = b; this.o = o; this.n = n; this.table = table;
            this.parts = ExecContext.partsFor(threads, n, MIN_PART);
        }

        @Override
        public void run(ExecContext ec) {
            if (parts == 1) part(ec, 0);
            else ec.parallelFor(parts, task);
        }

        private void part(ExecContext ec, int p) {
            int s = (int) ((long) n * p / parts), e = (int) ((long) n * (p + 1) / parts);
            byte[] ab = ec.bytes(a), yb = ec.bytes(o);
            int ao = ec.offset(a), yo = ec.offset(o);
            if (b < 0) {
                for (int k = s; k < e; k++) yb[yo + k] = table[ab[ao + k] & 0xFF];
                return;
            }
            byte[] bb = ec.bytes(b);
            int bo = ec.offset(b);
            for (int k = s; k < e; k++) yb[yo + k] = table[(ab[ao + k] & 0xFF) << 8 | bb[bo + k] & 0xFF];
        }
    }

    /** Validates a LOOKUP_TABLE2 node and returns the packed 65536-byte table. */
    public static byte[] table2(PrepareContext ctx) {
        if (ctx.inputCount() != 3 || !ctx.hasInput(0) || !ctx.hasInput(1) || !ctx.hasInput(2)) throw ctx.invalid("needs three inputs: a, b and a 65536-entry table");
        TensorInfo a = ctx.input(0), b = ctx.input(1), t = ctx.input(2);
        if (!a.type().isQuantized8() || !b.type().isQuantized8()) throw ctx.unsupported("inputs must be int8 or uint8, are " + a.type().lowerName() + " and " + b.type().lowerName());
        if (!java.util.Arrays.equals(a.shape(), b.shape())) throw ctx.invalid("inputs must have one shape, have " + a + " and " + b);
        if (!ctx.isConstant(2)) throw ctx.unsupported("the table must be a constant");
        if (!t.type().isQuantized8() || t.size() != 65536) throw ctx.invalid("the table must hold 65536 int8/uint8 entries, is " + t);
        DataType ot = ctx.output(0).type();
        if (ot != t.type()) throw ctx.invalid("output type " + ot.lowerName() + " differs from the table's " + t.type().lowerName());
        byte[] table = ctx.constBytes(2);
        ctx.markPacked(2);
        ctx.setOutputShape(0, a.shape());
        return table;
    }

    static Kernel create2(PrepareContext ctx) {
        byte[] table = table2(ctx);
        return new Lut(ctx.options().threads(), ctx.inputId(0), ctx.inputId(1), ctx.outputId(0), ctx.input(0).size(), table);
    }
}
