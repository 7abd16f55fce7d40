#!/usr/bin/env bash
# What the recall gate (issue 12 §1-2) costs a rebuild, with its baselines in the same run, on the same data:
#   (a) the raw source read (`mariadb --quick` of id and vector: the floor of any brute force over MySQL),
#   (b) `recallctl build` of the same rows into milvus-lite (what the gate is added to), and
#   (c) `recallctl check --built` (the count check the gate sits beside: JVM start, connections, counts);
# then `recallctl check --recall --collection X` (exactly the rebuild's gate step) per query count, first with
# an empty ground-truth cache (brute force over the table) and then with it warm (unchanged source).
#   benchmarks/gate.sh [ROWS=200000] [QUERIES="200 1000"] [ENCODING=json]
# (SKIP_SEED=1 reuses the seeded table; REBUILD=1 rebuilds the jar in target-build/.)
. "$(dirname "$0")/lib.sh"
ROWS="${1:-200000}"; QUERIES="${2:-200 1000}"; ENCODING="${3:-json}"
NAME="bench_gate_${ENCODING}_${ROWS}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
CFG="$WORK/recallctl.yaml"
write_config "$CFG" "$NAME" "$ENCODING" 4
build_jar
export OPENBLAS_NUM_THREADS=1 # as the launcher: ExactTopK runs one single-threaded sgemm per core itself
rc() { java -jar "$JAR" "$@" --config "$CFG"; }
# a previous run's key2 would make `build` refuse its own collection name
clear_keys() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" DEL "bench:{$NAME}:building" "bench:{$NAME}:lock" >/dev/null; }
clear_keys

if [[ -z "${SKIP_SEED:-}" ]]; then
    echo "seeding $ROWS rows into $NAME ($ENCODING)..." >&2
    rc demo seed --items "$ROWS" --replace -q >/dev/null
fi

echo "(a) mariadb --quick read..." >&2
MYSQL_PWD="$(cat "$MYSQL_PASSWORD_FILE")" timed "$WORK/a" mariadb --quick -h "$MYSQL_HOST" -P "$MYSQL_PORT" \
    -u "$MYSQL_USER" "$MYSQL_DATABASE" -e "SELECT item_id, vector FROM \`$NAME\`" >/dev/null
A_S=$(cut -d' ' -f1 "$WORK/a")

echo "(b) recallctl build + warmup (load)..." >&2
timed "$WORK/b" rc build --collection "${NAME}_x" --json -q > "$WORK/b.json"
B_S=$(cut -d' ' -f1 "$WORK/b")
rc warmup --collection "${NAME}_x" -q --set warmup.max_queries=0 >/dev/null

echo "(c) recallctl check --built..." >&2
timed "$WORK/c" rc check --built "${NAME}_x" -q >/dev/null
C_S=$(cut -d' ' -f1 "$WORK/c")

echo "machine: $(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); milvus $MILVUS_FLAVOR"
echo "rows=$ROWS dim=128 encoding=$ENCODING partitions=4 index IVF_FLAT nlist=128 nprobe=16 K=10 spot_check=100"
echo "(a) mariadb --quick read of id, vector : ${A_S} s"
echo "(b) recallctl build (incl. JVM)        : ${B_S} s"
echo "(c) recallctl check --built            : ${C_S} s"
printf '%-8s %-6s %8s %9s %9s %9s %9s %8s %12s\n' queries cache wall_s gate_s gt_s search_s recall worst1 'wall/1M rows'
for q in $QUERIES; do
    cache="$WORK/cache-$q"
    for pass in cold warm; do
        timed "$WORK/g" rc check --recall --collection "${NAME}_x" --json -q --set gate.queries="$q" \
            --set gate.cache_dir="$cache" --set gate.min_recall=0 > "$WORK/g.json"
        G_S=$(cut -d' ' -f1 "$WORK/g")
        printf '%-8s %-6s %8s %9.2f %9.2f %9.2f %9.4f %8.3f %12.1f\n' "$q" "$pass" "$G_S" \
            "$(jq -r '.seconds' "$WORK/g.json")" "$(jq -r '.recall.ground_truth_seconds' "$WORK/g.json")" \
            "$(jq -r '.recall.search_seconds' "$WORK/g.json")" "$(jq -r '.recall.mean_recall' "$WORK/g.json")" \
            "$(jq -r '.recall.worst1pct_recall' "$WORK/g.json")" "$(echo "$G_S * 1000000 / $ROWS" | bc -l)"
    done
done

clear_keys
"$VENV/bin/python" - "$MILVUS_URI" "${NAME}_x" <<'PY' 2>/dev/null || true
import sys
from pymilvus import MilvusClient
MilvusClient(uri=sys.argv[1]).drop_collection(sys.argv[2])
PY
