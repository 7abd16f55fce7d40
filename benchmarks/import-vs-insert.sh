#!/usr/bin/env bash
# Bulk import vs inserts (issue 11 §2), end to end including the index, same data, same server, same run:
#   recallctl build --method insert   and   recallctl build --method import (NumPy files in an absolute local
#   directory the engine reads; storage local), one after the other, on a full-engine stack. On an engine started
#   with bin/stack up --milvus full --s3 (stack.env MILVUS_STORAGE=s3) the import goes through its bucket (storage s3).
# Goal: import >= 2x faster end to end. Prints each build's phases (s) and peak RSS, then the ratio.
# Usage: RECALLCTL_STACK_DIR=$PWD/.stack-full benchmarks/import-vs-insert.sh [ROWS=1000000] [PARTITIONS=4] [ENCODING=json]
#        (SKIP_SEED=1 reuses the seeded table; the stack must run the full engine: bin/stack up --milvus full)
. "$(dirname "$0")/lib.sh"
ROWS="${1:-1000000}"; PARTITIONS="${2:-4}"; ENCODING="${3:-json}"
NAME="bench_mem_${ENCODING}_${ROWS}"   # the table build-memory.sh seeds: run one after the other with SKIP_SEED=1
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
CFG="$WORK/recallctl.yaml"
write_config "$CFG" "$NAME" "$ENCODING" "$PARTITIONS"
if [[ "${MILVUS_STORAGE:-local}" == s3 ]]; then
    # bin/stack up --milvus full --s3: upload into the engine's own bucket on versitygw, which it imports from
    cat >> "$CFG" <<YAML
build:
  import:
    storage: s3
    s3:
      endpoint: "$S3_ENDPOINT"
      bucket: "$S3_BUCKET"
      region: "$S3_REGION"
      access_key_file: "$S3_ACCESS_KEY_FILE"
      secret_key_file: "$S3_SECRET_KEY_FILE"
YAML
else
    SHARED="$STACK_DIR/import"   # absolute, on this host: the standalone engine reads it directly
    cat >> "$CFG" <<YAML
build:
  import:
    local_dir: "$SHARED"
YAML
fi
build_jar
[[ "$MILVUS_FLAVOR" == full ]] || { echo "needs the full engine (bin/stack up --milvus full); this stack runs $MILVUS_FLAVOR" >&2; exit 2; }
if [[ -z "${SKIP_SEED:-}" ]]; then
    echo "seeding $ROWS rows into $NAME..." >&2
    java -jar "$JAR" demo seed --config "$CFG" --items "$ROWS" -q >/dev/null
fi
echo "machine: $(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); milvus $MILVUS_FLAVOR"
echo "rows=$ROWS dim=128 encoding=$ENCODING partitions=$PARTITIONS index=IVF_FLAT nlist=128 import storage ${MILVUS_STORAGE:-local}"
for method in insert import; do
    echo "building with --method $method..." >&2
    busy_before=$(busy_jiffies)
    RECALLCTL_JAR="$JAR" timed "$WORK/$method.time" "$ROOT/bin/recallctl" build --config "$CFG" \
        --collection "${NAME}_$method" --method "$method" --json -q > "$WORK/$method.json"
    busy_after=$(busy_jiffies)
    printf '%-7s total %8.1f s  written %s  peak RSS %s kB  phases %s\n' "$method" \
        "$(jq -r '.build.seconds' "$WORK/$method.json")" "$(jq -r '.build.written' "$WORK/$method.json")" \
        "$(cut -d' ' -f2 "$WORK/$method.time")" "$(jq -c '.build.phase_seconds' "$WORK/$method.json")"
    # the CPU floor: with every process's work known, no schedule on this machine finishes faster than
    # busy core-seconds / cores
    read -r wall _ cu cs < "$WORK/$method.time"
    awk -v b=$((busy_after - busy_before)) -v hz="$(getconf CLK_TCK)" -v n="$(nproc)" -v w="$wall" -v cu="${cu:-0}" \
        -v cs="${cs:-0}" -v m="$method" 'BEGIN { client = cu + cs; busy = b / hz;
        printf "%-7s cpu: machine busy %.1f core-s of %.1f (%.0f%%), client %.1f, engine+database+rest %.1f; floor %.1f s\n",
        m, busy, n * w, 100 * busy / (n * w), client, busy - client, busy / n }'
    echo "$((busy_after - busy_before)) $wall" > "$WORK/$method.busy"
    "$VENV/bin/python" - "$MILVUS_URI" "${NAME}_$method" <<'PY' 2>/dev/null || true
import sys
from pymilvus import MilvusClient
MilvusClient(uri=sys.argv[1]).drop_collection(sys.argv[2])
PY
done
# the best import could do on this machine: all its CPU work perfectly spread over the cores
awk -v hz="$(getconf CLK_TCK)" -v n="$(nproc)" '{ busy[NR] = $1 / hz; wall[NR] = $2 } END {
    printf "speed-up ceiling here (insert wall / import busy core-s per core): %.2f\n", wall[1] / (busy[2] / n) }' \
    "$WORK/insert.busy" "$WORK/import.busy"
echo "speed-up (insert total / import total): $(echo "scale=2; $(jq -r '.build.seconds' "$WORK/insert.json") / $(jq -r '.build.seconds' "$WORK/import.json")" | bc)"
