package dev.octet.ops.reference;

import dev.octet.core.KernelFactory;
import java.util.Map;

/** Registers the reference kernels, one family per class. */
public final class ReferenceOps {
    private ReferenceOps() {}

    public static void registerAll(Map<String, KernelFactory> table) {
        ConvOps.register(table);        // CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED
        ElementwiseOps.register(table); // ADD, SUB, MUL, pools, MEAN, CONCATENATION, PAD, RESHAPE, SQUEEZE
        ActivationOps.register(table);  // SOFTMAX, LOGISTIC, TANH, HARD_SWISH, RELU*, QUANTIZE, DEQUANTIZE
        DetectionOps.register(table);
        ResizePackOps.register(table);  // RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, PACK (TFLite semantics)
        LstmOps.register(table);        // UNIDIRECTIONAL_SEQUENCE_LSTM
        IndexOps.register(table);       // GATHER, STRIDED_SLICE (TFLite semantics; TFLite SPLIT/SPLIT_V map to SPLIT)
        dev.octet.ops.onnx.OnnxOps.register(table); // ONNX-only ops: TRANSPOSE, SPLIT, SLICE, RESIZE, MATMUL, ONNX_*_LINEAR, ...
    }
}
