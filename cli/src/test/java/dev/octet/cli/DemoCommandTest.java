package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @Test
    void faceDetectionPartFindsGraceHoppersFace(@TempDir Path dir) {
        Path shared = DemoCommand.findShared();
        assumeTrue(shared != null && Files.isRegularFile(shared.resolve("models/" + DemoCommand.FACE_MODEL)), "shared models not found");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(), err = new java.io.ByteArrayOutputStream();
        DemoCommand demo = new DemoCommand(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
        assertEquals(0, demo.faces(shared, dir, dev.octet.core.ModelOptions.DEFAULT, 1), err.toString());
        String o = out.toString();
        assertTrue(o.contains("Face detection on grace_hopper.bmp with face_detection_short_range.tflite (BLAZEFACE, threshold 0.5): 1 face(s)"), o);
        assertTrue(o.contains("    face  0.93"), o);
        assertTrue(Files.isRegularFile(dir.resolve("grace_hopper_faces.png")), o);
    }

    @Test
    void findsTheSharedFolderBesideTheRepositoryOrAnAncestor(@TempDir Path dir) throws Exception {
        assumeTrue(System.getenv("OCTET_SHARED_DIR") == null);
        String saved = System.getProperty("octet.home");
        String savedShared = System.getProperty("octet.shared.dir");
        System.clearProperty("octet.shared.dir");
        try {
            Path repo = Files.createDirectories(dir.resolve("wt/repo"));
            System.setProperty("octet.home", repo.toString());
            assertNull(DemoCommand.findShared());
            Files.createDirectories(dir.resolve("shared/models"));
            assertEquals(dir.resolve("shared"), DemoCommand.findShared()); // beside an ancestor (wt/)
            Files.createDirectories(dir.resolve("wt/shared/models"));
            assertEquals(dir.resolve("wt/shared"), DemoCommand.findShared()); // beside the repository wins
        } finally {
            if (saved == null) System.clearProperty("octet.home"); else System.setProperty("octet.home", saved);
            if (savedShared != null) System.setProperty("octet.shared.dir", savedShared);
        }
    }

    @Test
    void listsImagesByExtensionInOrder(@TempDir Path dir) throws Exception {
        for (String n : new String[] {"b.jpg", "a.BMP", "c.png", "notes.txt", "d.jpeg"}) Files.writeString(dir.resolve(n), "x");
        Files.createDirectories(dir.resolve("e.png"));
        List<String> names = DemoCommand.images(dir).stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("a.BMP", "b.jpg", "c.png", "d.jpeg"), names);
        assertEquals(List.of(), DemoCommand.images(dir.resolve("missing")));
    }

    @Test
    void syntheticDemoRunsTheSelfMadeModel() {
        try {
            SyntheticModel.build();
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "TfliteWriter is not implemented in this build");
        }
        MainTest.Result r = MainTest.run("demo", "--synthetic", "--runs", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("running a small self-made model"), r.out());
        Matcher m = Pattern.compile("class-(\\d)  raw +(\\d+)  probability ([0-9.]+)").matcher(r.out());
        int rows = 0, sum = 0;
        while (m.find()) {
            rows++;
            int raw = Integer.parseInt(m.group(2));
            sum += raw;
            assertEquals(raw / 256.0, Double.parseDouble(m.group(3)), 1e-4);
        }
        assertEquals(4, rows, r.out());
        assertTrue(sum >= 250 && sum <= 260, "softmax outputs should sum to about 1 (256/256), got " + sum + "/256");
        assertTrue(r.out().contains("latency: median"), r.out());
    }
}
