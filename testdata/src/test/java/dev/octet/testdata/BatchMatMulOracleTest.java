package dev.octet.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.octet.core.DataType;
import dev.octet.core.Interpreter;
import dev.octet.core.KernelMode;
import dev.octet.core.Model;
import dev.octet.core.ModelOptions;
import dev.octet.core.Tensor;
import dev.octet.loaders.Octet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * BATCH_MATMUL with two runtime inputs against TFLite 2.6.2: float32 (within 1e-5 absolute or 1e-4 relative: the
 * library sums in another order) and int8 x int8 -> int8 (identical bytes), over the shapes of
 * {@link HybridOracleTest#BMM_SHAPES} (adjoints, broadcast batch dimensions, ranks 2 to 4) and several random inputs.
 * The hybrid form is in {@link HybridOracleTest}.
 */
class BatchMatMulOracleTest {
    @TestFactory
    Stream<DynamicTest> floatAndInt8MatchTflite() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 7700;
        for (String kind : new String[] {"float", "int8"}) {
            for (Object[] b : HybridOracleTest.BMM_SHAPES) {
                final long s = seed++;
                String name = "BATCH_MATMUL " + kind + " " + b[0];
                tests.add(DynamicTest.dynamicTest(name, () -> check(name,
                        HybridModels.bmm(kind, (int[]) b[1], (int[]) b[2], (int[]) b[3], (Boolean) b[4], (Boolean) b[5], false, s))));
            }
        }
        return tests.stream();
    }

    private static void check(String name, byte[] model) {
        TfliteOracle.assumeAvailable();
        List<String> problems = new ArrayList<>();
        long compared = 0;
        try (TfliteOracle o = TfliteOracle.load(model)) {
            List<Model> models = new ArrayList<>();
            for (KernelMode mode : KernelMode.values()) models.add(Octet.load(model, ModelOptions.DEFAULT.withKernels(mode)));
            for (int n = 0; n < 8; n++) {
                List<Tensor> inputs = new ArrayList<>();
                for (int i = 0; i < o.inputCount(); i++) {
                    TfliteOracle.Spec sp = o.input(i);
                    inputs.add(RandomInputs.of(sp.type(), sp.shape(), 31L * n + 1000L * (i + 1) + name.hashCode(), -4f, 4f));
                }
                Tensor e = o.run(inputs.toArray(Tensor[]::new)).get(0);
                for (Model m : models) {
                    try (Interpreter it = m.newInterpreter()) {
                        for (int i = 0; i < inputs.size(); i++) it.setInput(i, inputs.get(i));
                        it.run();
                        Tensor a = it.output(0);
                        assertEquals(java.util.Arrays.toString(e.shape()), java.util.Arrays.toString(a.shape()));
                        TensorDiff d = e.type() == DataType.FLOAT32 ? TensorDiff.of(e, a, 1e-5, 1e-4) : TensorDiff.exact(e, a);
                        compared += e.size();
                        if (!d.ok()) problems.add("input set " + n + ": " + d);
                    }
                }
            }
        }
        System.out.println("BMM " + name + ": compared " + compared + (problems.isEmpty() ? ", all within criterion" : ", " + problems.size() + " problems"));
        if (!problems.isEmpty()) fail(name + " differs from TFLite: " + String.join("; ", problems));
    }
}
