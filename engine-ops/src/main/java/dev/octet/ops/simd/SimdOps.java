package dev.octet.ops.simd;

import dev.octet.core.Kernel;
import dev.octet.core.KernelFactory;
import dev.octet.core.KernelMode;
import dev.octet.core.PrepareContext;
import java.util.Map;

/**
 * Installs the SIMD kernels over the reference table. For an operator with a SIMD implementation, the
 * registered factory asks the SIMD factory first when the model is compiled with {@link KernelMode#SIMD};
 * the SIMD factory returns null when it has no kernel for that node's shapes/types, and the reference
 * kernel is used. Every SIMD kernel is bit-exact with its reference kernel.
 */
public final class SimdOps {
    private SimdOps() {}

    /** A SIMD factory: a kernel for this node, or null to fall back to the reference kernel. */
    @FunctionalInterface
    public interface SimdFactory {
        Kernel createOrNull(PrepareContext ctx);
    }

    public static void registerAll(Map<String, KernelFactory> table) {
        SimdConvOps.register(table);        // CONV_2D, FULLY_CONNECTED, ONNX_QLINEAR_CONV (GEMM-based)
        SimdSmallConvOps.register(table);   // ONNX_QLINEAR_CONV with at most two vectors of output channels
        SimdDirectConvOps.register(table);  // ONNX_QLINEAR_CONV narrow, exact in float: direct conv on float rows
        SimdNarrowConvOps.register(table);  // ONNX_QLINEAR_CONV 1x1 with at most 4 output channels
        SimdDepthwiseOps.register(table);   // DEPTHWISE_CONV_2D
        SimdElementwiseOps.register(table); // ADD, MUL, pools, LUT activations, ...
        SimdQdqMatmulOps.register(table);   // ONNX_QDQ_MATMUL
        SimdLookupOps.register(table);      // LOOKUP_TABLE
        SimdQuantizeOps.register(table);    // ONNX_QUANTIZE_LINEAR (per tensor)
        SimdFloatOps.register(table);       // float32 SOFTMAX, SOFTMAX_AXIS, LOGISTIC
    }

    /** Wraps the reference factory of {@code op} so that {@code simd} is tried first in SIMD mode. */
    public static void overlay(Map<String, KernelFactory> table, String op, SimdFactory simd) {
        KernelFactory ref = table.get(op);
        if (ref == null) throw new IllegalStateException("no reference kernel for " + op + ": register the reference kernel first");
        table.put(op, ctx -> {
            if (ctx.options().kernels() == KernelMode.SIMD) {
                Kernel k = simd.createOrNull(ctx);
                if (k != null) return k;
            }
            return ref.create(ctx);
        });
    }
}
