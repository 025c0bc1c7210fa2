package dev.octet.core;

/** The model uses an operator (or an operator/type combination) that Octet does not implement. */
public class UnsupportedOpException extends OctetException {
    private final String opType;
    private final int nodeIndex;

    public UnsupportedOpException(String opType, int nodeIndex, String detail) {
        super("unsupported operator " + opType + " at node " + nodeIndex + (detail == null || detail.isEmpty() ? "" : ": " + detail)
                + " (see README 'Supported operators'; please file an issue with the model if you need it)");
        this.opType = opType;
        this.nodeIndex = nodeIndex;
    }

    /** The detail of an error about {@code node}: its name (when it has one), its types ("in0, in1 -> out0") and the reason. */
    public static String where(Node node, String types, String detail) {
        String name = node.name() == null || node.name().isEmpty() ? "" : "'" + node.name() + "' ";
        return name + "[" + types + "]" + (detail == null || detail.isEmpty() ? "" : " " + detail);
    }

    public String opType() { return opType; }

    public int nodeIndex() { return nodeIndex; }
}
