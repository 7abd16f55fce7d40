#!/usr/bin/env bash
# Memory acceptance (issue 11 §3): a build of ROWS x 128 (default 1,000,000) through the launcher at its
# default heap (bin/recallctl: -Xmx256m for build) peaks at <= 512 MB RSS, because the heap is bounded by
# batches (readers x P open batches + queue_batches + writers), never by the table.
# Records success, wall time, peak RSS, the live set and the GC log's largest heap after a collection.
# JAVA_OPTS is passed on (e.g. JAVA_OPTS=-Xmx512m to compare another heap).
# Usage: RECALLCTL_STACK_DIR=/work/main/.stack benchmarks/build-memory.sh [ROWS] [ENCODING] [PARTITIONS]
. "$(dirname "$0")/lib.sh"
ROWS="${1:-1000000}"; ENCODING="${2:-json}"; PARTITIONS="${3:-16}"
NAME="bench_mem_${ENCODING}_${ROWS}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
CFG="$WORK/recallctl.yaml"
write_config "$CFG" "$NAME" "$ENCODING" "$PARTITIONS"
build_jar
if [[ -z "${SKIP_SEED:-}" ]]; then
    echo "seeding $ROWS rows into $NAME ($ENCODING)..." >&2
    s=$(date +%s)
    java -jar "$JAR" demo seed --config "$CFG" --items "$ROWS" -q >/dev/null
    echo "seeded in $(( $(date +%s) - s )) s" >&2
fi
echo "building through bin/recallctl (default heap; JAVA_OPTS=${JAVA_OPTS:-})..." >&2
set +e
# No full GC may happen at all now; to report the live set anyway, ask for one (System.gc, a full collection
# in G1) every 30 s while the build runs: it frees garbage and does not raise the peak RSS.
(
    sleep 20
    while pid=$(pgrep -f -- "java.*--collection ${NAME}_x" | head -1) && [[ -n "$pid" ]]; do
        jcmd "$pid" GC.run >/dev/null 2>&1 || true
        sleep 30
    done
) &
SAMPLER=$!
RECALLCTL_JAR="$JAR" JAVA_OPTS="-Xlog:gc:file=$WORK/gc.log ${JAVA_OPTS:-}" timed "$WORK/time" "$ROOT/bin/recallctl" \
    build --config "$CFG" --collection "${NAME}_x" --json > "$WORK/out.json" 2> "$WORK/err.log"
RC=$?
kill "$SAMPLER" 2>/dev/null || true
set -e
read -r WALL RSS _ < "$WORK/time"
# "GC(12) Pause Young (Normal) (G1 Evacuation Pause) 120M->30M(256M)": the largest "after" heap
AFTER="$WORK/after"; grep -oE '[0-9]+M->[0-9]+M' "$WORK/gc.log" | sed 's/.*->//; s/M//' | sort -n > "$AFTER" || true
MAX_AFTER=$(tail -1 "$AFTER"); MEDIAN_AFTER=$(sed -n "$(( ($(wc -l < "$AFTER") + 1) / 2 ))p" "$AFTER")
GCS=$(grep -c 'Pause' "$WORK/gc.log" || true); FULL=$(grep -c 'Pause Full' "$WORK/gc.log" || true)
# The live set: what a full (compacting) collection leaves. A young pause that ran out of to-space reports a
# nearly full heap "after" (garbage not reclaimed yet), which says nothing about how much is live.
LIVE_MAX=$( (grep 'Pause Full' "$WORK/gc.log" || true) | grep -oE '[0-9]+M->[0-9]+M' | sed 's/.*->//; s/M//' | sort -n | tail -1 || true)
cp "$WORK/gc.log" "${GC_LOG_COPY:-/tmp/recallctl-build-memory-gc.log}"
echo "machine: $(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM; milvus $MILVUS_FLAVOR"
echo "rows=$ROWS dim=128 encoding=$ENCODING partitions=$PARTITIONS heap=launcher default ${JAVA_OPTS:+(JAVA_OPTS=$JAVA_OPTS)}"
echo "exit code      : $RC"
echo "wall           : $WALL s"
echo "peak RSS       : $RSS kB"
echo "GC pauses      : $GCS ($FULL full); heap after GC: median ${MEDIAN_AFTER:-?} MB, max ${MAX_AFTER:-?} MB"
echo "live set       : max ${LIVE_MAX:-n/a (no full GC)} MB after a full GC"
if [[ $RC -eq 0 ]]; then
    echo "written        : $(jq -r '.build.written' "$WORK/out.json") rejected $(jq -r '.build.rejected' "$WORK/out.json")"
    echo "phases (s)     : $(jq -c '.build.phase_seconds' "$WORK/out.json")"
else
    tail -5 "$WORK/err.log"
fi
"$VENV/bin/python" - "$MILVUS_URI" "${NAME}_x" <<'PY' 2>/dev/null || true
import sys
from pymilvus import MilvusClient
MilvusClient(uri=sys.argv[1]).drop_collection(sys.argv[2])
PY
exit $RC
