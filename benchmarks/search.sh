#!/usr/bin/env bash
# Search benchmark (docs/benchmarks.md, section "Search"). Needs the local stack (bin/stack up) and a build:
#   mvn -B -q -DskipTests package && mvn -B -q test-compile
#   RECALLCTL_STACK_DIR=/path/to/.stack benchmarks/search.sh [items] [queries] [cold-start runs] [warm-up queries]
# 1. in-process: fan-out vs single vs the thread-pool baseline over P = 1, 4, 16 on the same items; overhead above
#    the slowest partition call
# 2. cold start: wall time of `java -jar target/recallctl.jar search ...`, without and with an AppCDS archive
set -euo pipefail
cd "$(dirname "$0")/.."
items=${1:-5000}
queries=${2:-500}
runs=${3:-10}
warmup=${4:-500}
target=${BUILD_DIR:-target}
cp_file=$(mktemp)
scratch=$(mktemp -d)
trap 'rm -rf "$cp_file" "$scratch"' EXIT
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
cp="$target/test-classes:$target/classes:$(cat "$cp_file")"

echo "== in-process fan-out vs single" >&2
java -cp "$cp" org.recallctl.search.SearchBenchmark "$items" "$queries" "$warmup"

echo "== cold start" >&2
# a small serving collection behind key1 for the CLI to find
name=coldstart_$$
cfg=$(java -cp "$cp" org.recallctl.search.ColdStartFixture "$name" 1000)
id=$(sed -n 's/^# item //p' "$cfg")
jar="$target/recallctl.jar"
jsa="$scratch/recallctl.jsa" # not the build's archive, which bin/recallctl uses
cmd=(search --config "$cfg" --item-id "$id" --topk 10)
# the archive: classes loaded by one real search, dumped at exit (JDK 13+ dynamic AppCDS)
java -XX:ArchiveClassesAtExit="$jsa" -jar "$jar" "${cmd[@]}" >/dev/null 2>&1
measure() {
  local label=$1; shift
  local t0 t1 all=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    all+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${all[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1} END {printf "| %s | %d | %d | %d |\n", l, a[int((NR+1)/2)], a[1], a[NR]}'
}
echo "| variant | median ms | min ms | max ms |"
echo "|---|---|---|---|"
measure "java -jar (no CDS archive)" java -jar "$jar" "${cmd[@]}"
measure "java -XX:SharedArchiveFile=recallctl.jsa -jar" java -XX:SharedArchiveFile="$jsa" -jar "$jar" "${cmd[@]}"
measure "... + -XX:TieredStopAtLevel=1" java -XX:SharedArchiveFile="$jsa" -XX:TieredStopAtLevel=1 -jar "$jar" "${cmd[@]}"
measure "... + -XX:+UseSerialGC -Xss512k" java -XX:SharedArchiveFile="$jsa" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -jar "$jar" "${cmd[@]}"
measure "java -jar --help (JVM + picocli only)" java -XX:SharedArchiveFile="$jsa" -XX:TieredStopAtLevel=1 -jar "$jar" --help
java -cp "$cp" org.recallctl.search.ColdStartFixture --drop "$name"
