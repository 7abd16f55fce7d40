#!/usr/bin/env bash
# Client CPU of the write path (issue 11 §1): CPU seconds per million rows for a plain V2 row loop (a gson
# object per row, the SDK's InsertReq) vs recallctl's columnar InsertRequest, same rows, same server, same run,
# alternating rounds after a warm-up of each (src/test/java/org/recallctl/benchmarks/InsertCpuBenchmark.java).
# Goal: recallctl <= 0.25 x the row loop, at dim 128 and 768.
# Usage: RECALLCTL_STACK_DIR=$PWD/.stack benchmarks/insert-cpu.sh [ROWS_128=100000] [ROWS_768=40000] [ROUNDS=2]
. "$(dirname "$0")/lib.sh"
ROWS_128="${1:-100000}"; ROWS_768="${2:-40000}"; ROUNDS="${3:-2}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
CFG="$WORK/recallctl.yaml"
write_config "$CFG" bench_cpu json 4
build_jar
echo "machine: $(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); milvus $MILVUS_FLAVOR"
for spec in "128 $ROWS_128" "768 $ROWS_768"; do
    read -r DIM ROWS <<<"$spec"
    echo "dim $DIM: $ROWS rows x $ROUNDS rounds per method..." >&2
    java -cp "$JAR:$BUILD_DIR/test-classes" org.recallctl.benchmarks.InsertCpuBenchmark "$CFG" "bench_cpu_$DIM" \
        "$ROWS" "$DIM" "$ROUNDS"
done
