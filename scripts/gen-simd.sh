#!/bin/sh
# Regenerates the 256- and 128-bit SIMD kernels from their 512-bit templates (species are static finals per width).
set -e
d="$(cd "$(dirname "$0")/.." && pwd)/engine-ops/src/main/java/dev/octet/ops/simd"
for t in DirectConvKernel DwKernel EwKernel FloatKernel HybridDot NarrowConvKernel QdqMatmulKernel SmallConvKernel; do
  [ -f "$d/${t}512.java" ] || continue
  for w in 256 128; do
    sed -e "s/ByteVector\.SPECIES_128/ByteVector.SPECIES_@B@/g" \
        -e "s/SPECIES_512/SPECIES_$w/g" \
        -e "s/${t}512/${t}$w/g" \
        -e "s/@B@/64/g" \
        -e "s/static final int L = 16;/static final int L = $((w / 32));/" \
        -e "s/^ \* \(.*\) at 512 bits/ * GENERATED from ${t}512.java by scripts\/gen-simd.sh: do not edit. \1 at $w bits/" \
        "$d/${t}512.java" > "$d/${t}$w.java"
  done
done
