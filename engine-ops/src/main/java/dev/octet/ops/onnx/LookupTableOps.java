package dev.octet.ops.onnx;

import dev.octet.core.DataType;
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
        int i = ctx.inputId(0), o = ctx.outputId(0), n = ctx.input(0).size();
        int parts = Math.max(1, n / MIN_PART);
        return ec -> {
            byte[] xb = ec.bytes(i), yb = ec.bytes(o);
            int xo = ec.offset(i), yo = ec.offset(o);
            int p = Math.min(parts, ec.threads());
            if (p <= 1) {
                for (int k = 0; k < n; k++) yb[yo + k] = table[xb[xo + k] & 0xFF];
                return;
            }
            ec.parallelFor(p, part -> {
                int s = (int) ((long) n * part / p), e = (int) ((long) n * (part + 1) / p);
                for (int k = s; k < e; k++) yb[yo + k] = table[xb[xo + k] & 0xFF];
            });
        };
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
        int ia = ctx.inputId(0), ib = ctx.inputId(1), o = ctx.outputId(0), n = ctx.input(0).size();
        int parts = Math.max(1, n / MIN_PART);
        return ec -> {
            byte[] ab = ec.bytes(ia), bb = ec.bytes(ib), yb = ec.bytes(o);
            int ao = ec.offset(ia), bo = ec.offset(ib), yo = ec.offset(o);
            int p = Math.min(parts, ec.threads());
            if (p <= 1) {
                for (int k = 0; k < n; k++) yb[yo + k] = table[(ab[ao + k] & 0xFF) << 8 | bb[bo + k] & 0xFF];
                return;
            }
            ec.parallelFor(p, part -> {
                int s = (int) ((long) n * part / p), e = (int) ((long) n * (part + 1) / p);
                for (int k = s; k < e; k++) yb[yo + k] = table[(ab[ao + k] & 0xFF) << 8 | bb[bo + k] & 0xFF];
            });
        };
    }
}
