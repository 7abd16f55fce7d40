#!/usr/bin/env bash
# Build throughput for ROWS x 128 rows (default 200k) against three baselines measured in the same run:
#  (a) raw source read: `mariadb --quick` of the same columns to /dev/null
#  (b) a plain single-threaded SDK insert loop of the same rows into the same server (+ one flush)
#  (c) `recallctl build` (readers -> validate -> batches -> writers -> flush -> index)
# Target: (c) rows/s over stream+flush >= 0.8 x the slower of (a), (b). Index time is reported apart (the
# baselines build no index).
# Usage: RECALLCTL_STACK_DIR=/work/main/.stack benchmarks/build-throughput.sh [ROWS] [ENCODING] [READERS] [WRITERS]
. "$(dirname "$0")/lib.sh"
ROWS="${1:-200000}"; ENCODING="${2:-json}"; READERS="${3:-2}"; WRITERS="${4:-2}"
NAME="bench_tp_${ENCODING}_${ROWS}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
CFG="$WORK/recallctl.yaml"
write_config "$CFG" "$NAME" "$ENCODING" 4
build_jar

echo "seeding $ROWS rows into $NAME ($ENCODING)..." >&2
if [[ -z "${SKIP_SEED:-}" ]]; then
    java -jar "$JAR" demo seed --config "$CFG" --items "$ROWS" -q >/dev/null
fi

echo "(a) mariadb --quick read..." >&2
MYSQL_PWD="$(cat "$MYSQL_PASSWORD_FILE")" timed "$WORK/a" mariadb --quick -h "$MYSQL_HOST" -P "$MYSQL_PORT" \
    -u "$MYSQL_USER" "$MYSQL_DATABASE" -e "SELECT item_id, vector, category, brand FROM \`$NAME\` ORDER BY item_id" >/dev/null
A_S=$(cut -d' ' -f1 "$WORK/a"); A_RATE=$(echo "$ROWS / $A_S" | bc)

echo "(b) plain SDK insert loop..." >&2
java -cp "$JAR:$BUILD_DIR/test-classes" org.recallctl.benchmarks.PlainInsertLoop "$CFG" "${NAME}_plain" > "$WORK/b.json"
B_RATE=$(jq -r '.rows_per_s | floor' "$WORK/b.json")

echo "(c) recallctl build ($READERS readers, $WRITERS writers)..." >&2
timed "$WORK/c" java -jar "$JAR" build --config "$CFG" --collection "${NAME}_x" --readers "$READERS" \
    --writers "$WRITERS" --json -q > "$WORK/c.json"
C_STREAM=$(jq -r '.build.phase_seconds.stream' "$WORK/c.json")
C_FLUSH=$(jq -r '.build.phase_seconds.flush' "$WORK/c.json")
C_INDEX=$(jq -r '.build.phase_seconds.index' "$WORK/c.json")
C_TOTAL=$(jq -r '.build.seconds' "$WORK/c.json")
C_WRITTEN=$(jq -r '.build.written' "$WORK/c.json")
C_RATE=$(echo "$C_WRITTEN / ($C_STREAM + $C_FLUSH)" | bc)
C_E2E=$(echo "$C_WRITTEN / $C_TOTAL" | bc)
SLOWER=$(( A_RATE < B_RATE ? A_RATE : B_RATE ))
RATIO=$(echo "scale=2; $C_RATE / $SLOWER" | bc)

echo "machine: $(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM; milvus $MILVUS_FLAVOR"
echo "rows=$ROWS dim=128 encoding=$ENCODING partitions=4 readers=$READERS writers=$WRITERS"
echo "(a) mariadb --quick read      : $A_RATE rows/s (${A_S} s)"
echo "(b) plain SDK insert + flush  : $B_RATE rows/s ($(jq -c . "$WORK/b.json"))"
echo "(c) recallctl build           : $C_RATE rows/s over stream+flush; $C_E2E rows/s end to end incl. index"
echo "    ratio (c) / min(a,b)      : $RATIO (target >= 0.8)"
echo "    phases (s)                : $(jq -c '.build.phase_seconds' "$WORK/c.json")"
echo "    peak RSS (c)              : $(cut -d' ' -f2 "$WORK/c") kB"

# leave the source table for reruns (SKIP_SEED=1); drop the built collection
"$VENV/bin/python" - "$MILVUS_URI" "${NAME}_x" <<'PY' 2>/dev/null || true
import sys
from pymilvus import MilvusClient
MilvusClient(uri=sys.argv[1]).drop_collection(sys.argv[2])
PY
