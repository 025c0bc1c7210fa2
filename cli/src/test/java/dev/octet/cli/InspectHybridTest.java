package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.core.DataType;
import dev.octet.core.QuantParams;
import dev.octet.loaders.tflite.TfliteWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code octet inspect} on a dynamic-range (hybrid) model compiles it; an unsupported hybrid node fails naming it. */
class InspectHybridTest {
    private static Path fc(Path dir, QuantParams wq) throws Exception {
        TfliteWriter w = new TfliteWriter();
        int in = w.addTensor("in", DataType.FLOAT32, new int[] {2, 8}, null, null);
        int f = w.addTensor("dense/weights", DataType.INT8, new int[] {3, 8}, wq, new byte[24]);
        int b = w.addTensor("dense/bias", DataType.FLOAT32, new int[] {3}, null, new byte[12]);
        int out = w.addTensor("out", DataType.FLOAT32, new int[] {2, 3}, null, null);
        w.addOp("FULLY_CONNECTED", new int[] {in, f, b}, new int[] {out}, Map.of("asymmetric_quantize_inputs", true));
        Path p = dir.resolve("hybrid.tflite");
        Files.write(p, w.inputs(in).outputs(out).build());
        return p;
    }

    @Test
    void hybridModelCompiles(@TempDir Path dir) throws Exception {
        MainTest.Result r = MainTest.run("inspect", "--model", fc(dir, QuantParams.perTensor(0.01f, 0)).toString(), "--verbose");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("FULLY_CONNECTED"), r.out());
    }

    @Test
    void unsupportedHybridFailsNamingTheNode(@TempDir Path dir) throws Exception {
        QuantParams perAxis = QuantParams.perAxis(new float[] {0.01f, 0.02f, 0.03f}, new int[3], 0);
        MainTest.Result r = MainTest.run("inspect", "--model", fc(dir, perAxis).toString());
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("FULLY_CONNECTED") && r.err().contains("node 0") && r.err().contains("per-axis"), r.err());
    }
}
