package dev.octet.ops.reference;

import dev.octet.core.Attributes;
import dev.octet.core.ModelFormatException;
import dev.octet.core.Node;
import dev.octet.core.Ops;

/**
 * Geometry of a 2-D sliding window (convolution or pooling) over an NHWC input: output size and the
 * top/left padding. TFLite's SAME/VALID rules, or explicit pads (ONNX).
 */
public record Window(int inH, int inW, int kH, int kW, int strideH, int strideW, int dilationH, int dilationW,
                     int outH, int outW, int padTop, int padLeft) {

    /**
     * The largest dilated window extent and padding accepted (2^24 pixels): far beyond any real model, and small
     * enough that every input coordinate a kernel computes (output position x stride + tap x dilation - padding)
     * fits in an int.
     */
    public static final int MAX_EXTENT = 1 << 24;

    /** Reads padding, strides and dilations from a node's attributes; kH/kW come from the filter or attrs. */
    public static Window of(Node node, int inH, int inW, int kH, int kW) {
        Attributes a = node.attrs();
        int sh = a.getInt(Ops.ATTR_STRIDE_H, 1), sw = a.getInt(Ops.ATTR_STRIDE_W, 1);
        int dh = a.getInt(Ops.ATTR_DILATION_H, 1), dw = a.getInt(Ops.ATTR_DILATION_W, 1);
        if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || kH < 1 || kW < 1) {
            throw new ModelFormatException(node.describe() + ": strides, dilations and window sizes must be >= 1 (stride " + sh + "x" + sw
                    + ", dilation " + dh + "x" + dw + ", window " + kH + "x" + kW + ")");
        }
        long effHL = (long) (kH - 1) * dh + 1, effWL = (long) (kW - 1) * dw + 1;
        if (effHL > MAX_EXTENT || effWL > MAX_EXTENT) {
            throw new ModelFormatException(node.describe() + ": a " + kH + "x" + kW + " window with dilation " + dh + "x" + dw + " spans " + effHL + "x"
                    + effWL + " pixels, over the supported " + MAX_EXTENT);
        }
        int effH = (int) effHL, effW = (int) effWL;
        int[] pads = a.getInts(Ops.ATTR_PADS, null);
        if (pads != null) {
            for (int p : pads) {
                if (Math.abs((long) p) > MAX_EXTENT) throw new ModelFormatException(node.describe() + ": padding " + p + " is over the supported " + MAX_EXTENT);
            }
        }
        int outH, outW, padT, padL;
        if (pads != null) {
            if (pads.length != 4) throw new ModelFormatException(node.describe() + ": pads must have 4 values (top, left, bottom, right)");
            padT = pads[0];
            padL = pads[1];
            outH = Math.floorDiv(inH + pads[0] + pads[2] - effH, sh) + 1;
            outW = Math.floorDiv(inW + pads[1] + pads[3] - effW, sw) + 1;
        } else {
            String padding = a.getString(Ops.ATTR_PADDING, "VALID");
            if (padding.equals("SAME")) {
                outH = (inH + sh - 1) / sh;
                outW = (inW + sw - 1) / sw;
            } else if (padding.equals("VALID")) {
                outH = (inH + sh - effH) / sh;
                outW = (inW + sw - effW) / sw;
            } else {
                throw new ModelFormatException(node.describe() + ": unknown padding '" + padding + "'");
            }
            padT = Math.max(0, ((outH - 1) * sh + effH - inH)) / 2;
            padL = Math.max(0, ((outW - 1) * sw + effW - inW)) / 2;
        }
        if (outH <= 0 || outW <= 0) {
            throw new ModelFormatException(node.describe() + ": a " + kH + "x" + kW + " window (dilation " + dh + "x" + dw + ") does not fit the "
                    + inH + "x" + inW + " input");
        }
        return new Window(inH, inW, kH, kW, sh, sw, dh, dw, outH, outW, padT, padL);
    }

    /**
     * Input pixels a pooling window reads over the whole output, clipped to the input (per batch and channel):
     * the work of a pool, reported as its MACs so profiles and budgets see it.
     */
    public long clippedTaps() {
        long rows = 0, cols = 0;
        for (int oy = 0; oy < outH; oy++) {
            int y0 = oy * strideH - padTop;
            rows += Math.max(0, Math.min(kH, inH - y0) - Math.max(0, -y0));
        }
        for (int ox = 0; ox < outW; ox++) {
            int x0 = ox * strideW - padLeft;
            cols += Math.max(0, Math.min(kW, inW - x0) - Math.max(0, -x0));
        }
        return rows * cols;
    }
}
