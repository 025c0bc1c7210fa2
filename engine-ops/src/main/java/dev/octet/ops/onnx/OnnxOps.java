package dev.octet.ops.onnx;

import dev.octet.core.KernelFactory;
import java.util.Map;

/**
 * Operators that only ONNX graphs produce (the TFLite-shaped ones such as CONV_2D or ADD live in
 * {@code dev.octet.ops.reference}). Their IR names and attributes:
 *
 * <ul>
 *   <li>TRANSPOSE: one input. Attrs: {@code perm} (int[]; output dim i is input dim perm[i]).
 *   <li>SPLIT: one input, n outputs. Attrs: {@code axis}, {@code split} (int[] sizes along axis, one per output).
 *   <li>SLICE: one input. Attrs: {@code starts}, {@code ends}, {@code steps} (int[], one per input dim, ONNX
 *       conventions: negative indices count from the end, out-of-range values are clamped).
 *   <li>RESIZE: one input. Attrs: {@code mode} ("nearest" or "linear"), {@code coordinate_transformation_mode},
 *       {@code nearest_mode}, {@code sizes} (int[] output shape), {@code scales} (float[] per dim, as ONNX defines
 *       them: output/input when sizes were given). Linear mode interpolates at most the two dims 1 and 2 (NHWC H, W).
 *   <li>SOFTMAX_AXIS: softmax along {@code axis} (any); SOFTMAX (last axis) is used where it applies.
 *   <li>MATMUL: NumPy matmul of two float tensors of rank &gt;= 2 with broadcast batch dims.
 *   <li>CLIP: Attrs {@code min}, {@code max} (floats). HARD_SIGMOID: Attrs {@code alpha}, {@code beta}.
 *   <li>CAST: one input; the output tensor's type is the target. IDENTITY: copy.
 *   <li>ONNX_QUANTIZE_LINEAR: x (float32), scale (float const), zero point? (const, int8/uint8). Attr {@code axis}
 *       (-1 or absent with a single scale: per-tensor). y = saturate(round_half_even(x / scale) + zp).
 *   <li>ONNX_DEQUANTIZE_LINEAR: x (int8/uint8/int32), scale, zero point?; Attr {@code axis}. y = (x - zp) * scale.
 *   <li>ONNX_QLINEAR_CONV: x (uint8/int8 NHWC), filter [Co,KH,KW,Ci/groups] int8/uint8, bias? int32. Attrs: pads,
 *       strides, dilations, x_zero_point, w_zero_points[Co], output_scales[Co], y_zero_point (ONNX Runtime QLinearConv).
 *   <li>LOOKUP_TABLE: x (int8/uint8), table (const, 256 int8/uint8 entries indexed by x's byte as unsigned); y has x's
 *       shape and the table's type. Attr {@code chain} (informative: the element-wise ops it replaced).
 *   <li>LOOKUP_TABLE2: a, b (int8/uint8, one shape), table (const, 65536 entries indexed by (a &lt;&lt; 8) | b, raw bytes
 *       as unsigned); y has a's shape and the table's type. Attr {@code chain}.
 * </ul>
 */
public final class OnnxOps {
    private OnnxOps() {}

    public static final String TRANSPOSE = "TRANSPOSE";
    public static final String SPLIT = "SPLIT";
    public static final String SLICE = "SLICE";
    public static final String RESIZE = "RESIZE";
    public static final String SOFTMAX_AXIS = "SOFTMAX_AXIS";
    public static final String MATMUL = "MATMUL";
    public static final String CLIP = "CLIP";
    public static final String HARD_SIGMOID = "HARD_SIGMOID";
    public static final String CAST = "CAST";
    public static final String IDENTITY = "IDENTITY";
    public static final String ONNX_QUANTIZE_LINEAR = "ONNX_QUANTIZE_LINEAR";
    public static final String ONNX_DEQUANTIZE_LINEAR = "ONNX_DEQUANTIZE_LINEAR";
    /** Fused DequantizeLinear -> Conv -> QuantizeLinear with ONNX Runtime's QLinearConv arithmetic (see QLinearConv). */
    public static final String ONNX_QLINEAR_CONV = "ONNX_QLINEAR_CONV";
    /** QOperator integer ops (see QOperatorOps): MatMulInteger, QLinearMatMul, ConvInteger. */
    public static final String ONNX_MATMUL_INTEGER = "ONNX_MATMUL_INTEGER";
    public static final String ONNX_QLINEAR_MATMUL = "ONNX_QLINEAR_MATMUL";
    public static final String ONNX_CONV_INTEGER = "ONNX_CONV_INTEGER";
    /** An 8-bit tensor through a constant 256-entry table (see LookupTableOps; made by the loader's LUT fusion). */
    public static final String LOOKUP_TABLE = "LOOKUP_TABLE";
    /** Two 8-bit tensors of one shape through a constant 65536-entry table indexed by (a << 8) | b (see LookupTableOps). */
    public static final String LOOKUP_TABLE2 = "LOOKUP_TABLE2";
    // com.microsoft QLinearAdd/Mul/Sigmoid/LeakyRelu/Concat/GlobalAveragePool map to the QdqFusedOps kernels (one
    // implementation of each piece of ORT arithmetic for both the QOperator and the QDQ forms).
    public static final String ATTR_A_SCALE = "a_scale", ATTR_B_SCALE = "b_scale", ATTR_B_ZERO_POINT = "b_zero_point", ATTR_X_SCALE = "x_scale",
            ATTR_Y_SCALE = "y_scale";
    public static final String ATTR_A_ZERO_POINT = "a_zero_point";
    public static final String ATTR_B_ZERO_POINTS = "b_zero_points";
    public static final String ATTR_X_ZERO_POINT = "x_zero_point";
    public static final String ATTR_W_ZERO_POINTS = "w_zero_points";
    public static final String ATTR_OUTPUT_SCALES = "output_scales";
    public static final String ATTR_Y_ZERO_POINT = "y_zero_point";

    public static final String ATTR_PERM = "perm";
    public static final String ATTR_SPLIT = "split";
    public static final String ATTR_STARTS = "starts";
    public static final String ATTR_ENDS = "ends";
    public static final String ATTR_STEPS = "steps";
    public static final String ATTR_MODE = "mode";
    public static final String ATTR_COORD_MODE = "coordinate_transformation_mode";
    public static final String ATTR_NEAREST_MODE = "nearest_mode";
    public static final String ATTR_SIZES = "sizes";
    public static final String ATTR_SCALES = "scales";
    public static final String ATTR_MIN = "min";
    public static final String ATTR_MAX = "max";
    public static final String ATTR_ALPHA = "alpha";
    public static final String ATTR_BETA = "beta";
    /** CONV_2D with groups &gt; 1 (filter [Co,KH,KW,Ci/groups]). */
    public static final String ATTR_GROUPS = "groups";

    public static void register(Map<String, KernelFactory> table) {
        table.put(TRANSPOSE, LayoutOps::transpose);
        table.put(SPLIT, LayoutOps::split);
        table.put(SLICE, LayoutOps::slice);
        table.put(RESIZE, LayoutOps::resize);
        table.put(IDENTITY, LayoutOps::identity);
        table.put(CAST, MathOps::cast);
        table.put(SOFTMAX_AXIS, MathOps::softmaxAxis);
        table.put(MATMUL, MathOps::matmul);
        table.put(CLIP, MathOps::clip);
        table.put(HARD_SIGMOID, MathOps::hardSigmoid);
        table.put(ONNX_QUANTIZE_LINEAR, QdqOps::quantize);
        table.put(ONNX_DEQUANTIZE_LINEAR, QdqOps::dequantize);
        table.put(ONNX_QLINEAR_CONV, QLinearConv::create);
        table.put(ONNX_MATMUL_INTEGER, QOperatorOps::matmul);
        table.put(ONNX_QLINEAR_MATMUL, QOperatorOps::matmul);
        table.put(ONNX_CONV_INTEGER, QOperatorOps::convInteger);
        table.put(LOOKUP_TABLE, LookupTableOps::create);
        table.put(LOOKUP_TABLE2, LookupTableOps::create2);
        QdqFusedOps.register(table);
    }

    /**
     * ONNX Slice along one dim: the effective [start, end) and step after negative-index handling and
     * clamping. Returns {start, count}.
     */
    public static int[] sliceRange(int dim, long start, long end, long step) {
        if (step == 0) throw new IllegalArgumentException("slice step must not be 0");
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        long s, e;
        if (step > 0) {
            s = Math.max(0, Math.min(dim, start));
            e = Math.max(0, Math.min(dim, end));
        } else {
            s = Math.max(-1, Math.min(dim - 1, start));
            e = Math.max(-1, Math.min(dim - 1, end));
        }
        long count = step > 0 ? (e > s ? (e - s + step - 1) / step : 0) : (s > e ? (s - e + (-step) - 1) / (-step) : 0);
        return new int[] {(int) s, (int) count};
    }
}
