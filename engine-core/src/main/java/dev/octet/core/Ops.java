package dev.octet.core;

/**
 * The engine's operator names and the attributes each carries in the IR. Loaders translate their
 * format's operators to these; kernels are registered under these names. Layout is NHWC for images and
 * feature maps (ONNX graphs are converted at load). Attribute names are shared across operators:
 *
 * <ul>
 *   <li>{@code activation}: fused activation, one of NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT (TFLite's list).
 *   <li>{@code padding}: "SAME" or "VALID" (TFLite); or {@code pads} = int[]{top, left, bottom, right} (explicit).
 *   <li>{@code stride_h, stride_w, dilation_h, dilation_w, filter_h, filter_w}: ints.
 * </ul>
 *
 * Per operator (inputs in order; "?" = optional, -1 when absent):
 * <ul>
 *   <li>CONV_2D: input [N,H,W,Ci], filter [Co,KH,KW,Ci/groups], bias? [Co] (int32 for quantized, float for float). Attrs: padding|pads, strides, dilations, activation.
 *   <li>DEPTHWISE_CONV_2D: input [N,H,W,Ci], filter [1,KH,KW,Ci*M], bias? Attrs: as CONV_2D plus depth_multiplier.
 *   <li>FULLY_CONNECTED: input [..., K], filter [Co,K], bias?. Attrs: activation, keep_num_dims (bool),
 *       asymmetric_quantize_inputs (bool, hybrid only).
 *   <li>BATCH_MATMUL: lhs [..., M, K], rhs [..., K, N] (rank 2..5, batch dimensions broadcast). Attrs: adj_x, adj_y
 *       (bool: the operand's last two dimensions are swapped), asymmetric_quantize_inputs (bool, hybrid only).
 *   <li>ADD, SUB, MUL, DIV: two inputs, NumPy broadcasting. Attrs: activation.
 *   <li>AVERAGE_POOL_2D, MAX_POOL_2D: input NHWC. Attrs: padding|pads, strides, filter_h, filter_w, activation.
 *   <li>MEAN: input, axes (int32 const). Attrs: keep_dims.
 *   <li>RESHAPE: input, shape? (const). The output tensor's shape is authoritative. SQUEEZE: Attrs squeeze_dims (int[]).
 *   <li>CONCATENATION: n inputs. Attrs: axis, activation.
 *   <li>PAD, PADV2: input, paddings (int32/int64 const [rank,2]), constant_values? (PADV2).
 *   <li>SOFTMAX: Attrs beta (float). LOGISTIC, TANH, HARD_SWISH, RELU, RELU6, RELU_N1_TO_1: one input.
 *   <li>QUANTIZE: float to int, or int to int (requantize). DEQUANTIZE: int8/uint8/int16/float16 to float32.
 *   <li>CUSTOM ops keep their name (e.g. TFLite_Detection_PostProcess) and carry {@code custom_options} (byte[])
 *       plus any decoded options under their own names.
 * </ul>
 */
public final class Ops {
    private Ops() {}

    public static final String CONV_2D = "CONV_2D";
    public static final String DEPTHWISE_CONV_2D = "DEPTHWISE_CONV_2D";
    public static final String FULLY_CONNECTED = "FULLY_CONNECTED";
    public static final String BATCH_MATMUL = "BATCH_MATMUL";
    public static final String ADD = "ADD";
    public static final String SUB = "SUB";
    public static final String MUL = "MUL";
    public static final String DIV = "DIV";
    public static final String AVERAGE_POOL_2D = "AVERAGE_POOL_2D";
    public static final String MAX_POOL_2D = "MAX_POOL_2D";
    public static final String MEAN = "MEAN";
    public static final String RESHAPE = "RESHAPE";
    public static final String SQUEEZE = "SQUEEZE";
    public static final String CONCATENATION = "CONCATENATION";
    public static final String PAD = "PAD";
    public static final String PADV2 = "PADV2";
    public static final String SOFTMAX = "SOFTMAX";
    public static final String LOGISTIC = "LOGISTIC";
    public static final String TANH = "TANH";
    public static final String HARD_SWISH = "HARD_SWISH";
    public static final String RELU = "RELU";
    public static final String RELU6 = "RELU6";
    public static final String RELU_N1_TO_1 = "RELU_N1_TO_1";
    public static final String QUANTIZE = "QUANTIZE";
    public static final String DEQUANTIZE = "DEQUANTIZE";

    public static final String ATTR_ACTIVATION = "activation";
    public static final String ATTR_PADDING = "padding";
    public static final String ATTR_PADS = "pads";
    public static final String ATTR_STRIDE_H = "stride_h";
    public static final String ATTR_STRIDE_W = "stride_w";
    public static final String ATTR_DILATION_H = "dilation_h";
    public static final String ATTR_DILATION_W = "dilation_w";
    public static final String ATTR_FILTER_H = "filter_h";
    public static final String ATTR_FILTER_W = "filter_w";
    public static final String ATTR_DEPTH_MULTIPLIER = "depth_multiplier";
    public static final String ATTR_KEEP_NUM_DIMS = "keep_num_dims";
    public static final String ATTR_KEEP_DIMS = "keep_dims";
    public static final String ATTR_AXIS = "axis";
    public static final String ATTR_BETA = "beta";
    public static final String ATTR_SQUEEZE_DIMS = "squeeze_dims";
    public static final String ATTR_CUSTOM_OPTIONS = "custom_options";
}
