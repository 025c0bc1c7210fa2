#!/usr/bin/env bash
# Measures the BENCHMARKS.md table: each model with its peer, 1 and 2 threads, and prints Markdown rows.
# Usage: scripts/bench-table.sh [MODELS_DIR]   (env: OCTET=path of the octet launcher, WARMUP (default: bench's auto
# warm-up, 3 s and at least 5 runs), RUNS, BIG_RUNS)
set -uo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
OCTET=${OCTET:-$HERE/octet}
M=${1:-$HERE/../shared/models}
WARMUP=${WARMUP:-}
RUNS=${RUNS:-20}
BIG_RUNS=${BIG_RUNS:-8}
echo "| model | peer | threads | Octet median (ms) | peer median (ms) | octet/peer |"
echo "|---|---|---|---|---|---|"
while read -r model peer runs; do
    for t in 1 2; do
        log=$("$OCTET" bench --model "$M/$model" --threads "$t" ${WARMUP:+--warmup "$WARMUP"} --runs "$runs" --peer "$peer" 2>/dev/null)
        om=$(echo "$log" | sed -n 's/^octet latency over .* median \([0-9.]*\) ms.*/\1/p')
        pm=$(echo "$log" | sed -n "s/^$peer latency over .* median \([0-9.]*\) ms.*/\1/p")
        r=$(echo "$log" | tail -n 1 | sed -n 's/^ratio octet\/.* median: //p')
        echo "| $model | $peer | $t | ${om:-?} | ${pm:-?} | ${r:-failed} |"
    done
done <<LIST
mobilenet_v2_1.0_224_quant.tflite tflite $RUNS
tf2_mobilenet_v2_1.0_224_ptq.tflite tflite $RUNS
ssd_mobilenet_v1_1.0_coco_quant_300_detect.tflite tflite $RUNS
yolov8n_320_qdq_s8s8_pertensor.onnx onnxruntime $BIG_RUNS
face_yolo11n_640_qdq_u8s8_perchannel.onnx onnxruntime $BIG_RUNS
LIST
