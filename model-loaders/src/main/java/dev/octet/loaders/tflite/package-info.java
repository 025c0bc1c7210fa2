/**
 * TFLite flatbuffer reader ({@link dev.octet.loaders.tflite.TfliteReader}) and writer
 * ({@link dev.octet.loaders.tflite.TfliteWriter}).
 *
 * <h2>IR conventions for TFLite graphs (what kernels can rely on)</h2>
 * <ul>
 *   <li>Tensor ids are the TFLite tensor indices of subgraph 0; node indices are the operator indices.
 *   <li>opType is the TFLite builtin name ("CONV_2D", "BATCH_MATMUL", "BUILTIN_200" for codes newer than
 *       the reader's table) or, for custom operators, the custom code ("TFLite_Detection_PostProcess").
 *       Node.origin is "CONV_2D v3" / "CUSTOM TFLite_Detection_PostProcess v1"; Node.name is the first
 *       output tensor's name.
 *   <li>Attributes: every field of the operator's builtin options table, under its TFLite field name,
 *       except five renamed to the shared names of {@code Ops}: fused_activation_function to "activation",
 *       dilation_w_factor/dilation_h_factor to "dilation_w"/"dilation_h", filter_width/filter_height to
 *       "filter_w"/"filter_h". Enums are strings (activation NONE/RELU/RELU_N1_TO_1/RELU6/TANH/SIGN_BIT,
 *       padding SAME/VALID, weights_format, mirror-pad mode, tensor types as "INT8"...), ints are Integer,
 *       floats Float, bools Boolean, int vectors int[] ("new_shape", "squeeze_dims"; absent when the file
 *       has none). When an operator has no options table, every field of its expected table is present with
 *       the schema default. Examples: RESHAPE "new_shape"; GATHER "axis", "batch_dims"; PACK "values_count",
 *       "axis"; SPLIT/SPLIT_V "num_splits"; STRIDED_SLICE "begin_mask", "end_mask", "ellipsis_mask",
 *       "new_axis_mask", "shrink_axis_mask", "offset"; LEAKY_RELU "alpha"; RESIZE_BILINEAR and
 *       RESIZE_NEAREST_NEIGHBOR "align_corners", "half_pixel_centers"; TRANSPOSE_CONV "padding",
 *       "stride_w", "stride_h", "activation"; FULLY_CONNECTED "keep_num_dims", "asymmetric_quantize_inputs",
 *       "weights_format" (always "DEFAULT": other formats are rejected at load); MEAN/SUM/REDUCE_* "keep_dims".
 *   <li>CONCATENATION's "axis" is normalized to be non-negative (against the output rank). Other axes
 *       (GATHER, PACK, SQUEEZE's squeeze_dims, ...) are passed through as written, possibly negative.
 *   <li>ADD/SUB's pot_scale_int16 is dropped.
 *   <li>SPLIT (inputs axis, input) and SPLIT_V (inputs input, size_splits, axis) become the IR's SPLIT with the one
 *       data input and the attributes "axis" (non-negative) and "split" (sizes, SPLIT_V's -1 resolved); axis and
 *       sizes must be constants. Node.origin keeps the TFLite name.
 *   <li>Operator.intermediates (the integer LSTM's) become "intermediate_scales" (float[]) and
 *       "intermediate_zero_points" (int[]) from those tensors' quantization.
 *   <li>WHILE, IF and CALL_ONCE (control flow over other subgraphs) fail at read time with UnsupportedOpException.
 *   <li>Custom operators: "custom_options" (byte[], the raw bytes) plus, when the options are a FlexBuffer
 *       map, each entry as Integer (Long if it does not fit), Float, Boolean, String, int[] or float[].
 *   <li>Tensors whose file shape is [] (e.g. the four outputs of TFLite_Detection_PostProcess) are rank 0
 *       in the IR; the kernel sets their real shape.
 *   <li>Quantization: one scale gives per-tensor parameters; several give per-axis parameters on
 *       quantized_dimension (one zero point in the file is broadcast). Missing zero points are 0.
 *   <li>Variable tensors are never constants (their buffer, if any, is ignored).
 * </ul>
 */
package dev.octet.loaders.tflite;
