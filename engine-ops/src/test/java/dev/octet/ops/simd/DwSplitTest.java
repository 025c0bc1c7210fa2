package dev.octet.ops.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The depthwise split chosen at load ({@link DwPlan#split}: {rowParts, chanParts}) on the layer shapes of the benchmark
 * models at 512 bits (16 channels per block). Byte identity of every split is checked by DwKernelTester (random
 * shapes, 1-4 threads) and ThreadCountIdentityTest (the shared models at 1-4 threads).
 */
class DwSplitTest {
    @Test
    void splitFollowsTheShape() {
        assertArrayEquals(new int[] {1, 1}, DwPlan.split(1, 112, 2, 1, 16), "one thread");
        assertArrayEquals(new int[] {8, 1}, DwPlan.split(2, 112, 2, 1, 16), "112 rows: 4 row parts per thread");
        assertArrayEquals(new int[] {8, 1}, DwPlan.split(2, 56, 9, 1, 16), "56 rows: 4 row parts of 7 rows per thread");
        assertArrayEquals(new int[] {1, 6}, DwPlan.split(2, 28, 12, 1, 16), "28 rows, 192 channels: channel blocks");
        assertArrayEquals(new int[] {1, 8}, DwPlan.split(2, 7, 60, 1, 16), "7x7x960: channel blocks, 4 parts per thread");
        assertArrayEquals(new int[] {1, 8}, DwPlan.split(2, 19, 24, 1, 16), "SSD 19x19x384: channel blocks, not 3 row parts");
        assertArrayEquals(new int[] {2, 1}, DwPlan.split(2, 14, 2, 1, 16), "too few blocks: rows, one part per thread");
        assertArrayEquals(new int[] {2, 1}, DwPlan.split(2, 19, 24, 2, 16), "depth multiplier 2: rows only");
        assertArrayEquals(new int[] {3, 1}, DwPlan.split(4, 3, 1, 1, 16), "fewer rows than threads: one row each");
        for (int threads = 2; threads <= 4; threads++) {
            for (int rows = 1; rows < 200; rows += 7) {
                for (int blocks = 1; blocks < 70; blocks += 5) {
                    int[] s = DwPlan.split(threads, rows, blocks, 1, 16);
                    int parts = s[0] * s[1];
                    assertTrue(s[0] >= 1 && s[1] >= 1 && s[0] <= rows && s[1] <= blocks, rows + " rows, " + blocks + " blocks: " + s[0] + "x" + s[1]);
                    if (parts >= threads) assertEquals(0, parts % threads, "parts a multiple of the threads: " + rows + " rows, " + blocks + " blocks");
                }
            }
        }
    }
}
