# shellcheck shell=bash
# Shared helpers for the build benchmarks: stack settings, a private config, the jar.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${RECALLCTL_STACK_DIR:-$ROOT/.stack}"
BUILD_DIR="${BUILD_DIR:-$ROOT/target-build}"
JAR="$BUILD_DIR/recallctl.jar"
# shellcheck disable=SC1091
. "$STACK_DIR/stack.env"

build_jar() {
    if [[ ! -f "$JAR" || -n "${REBUILD:-}" ]]; then
        (cd "$ROOT" && mvn -B -q -o package -DskipTests -Dbuild.dir="$BUILD_DIR") >&2
    fi
    if [[ ! -d "$BUILD_DIR/test-classes/org/recallctl/benchmarks" ]]; then
        (cd "$ROOT" && mvn -B -q -o test-compile -Dbuild.dir="$BUILD_DIR") >&2
    fi
}

# write_config FILE NAME ENCODING PARTITIONS: a private table/pipeline/collection base NAME on the local stack
write_config() {
    cat > "$1" <<YAML
pipeline:
  name: "$2"
source:
  jdbc_url: "jdbc:mysql://$MYSQL_HOST:$MYSQL_PORT/$MYSQL_DATABASE"
  user: "$MYSQL_USER"
  password_file: "$MYSQL_PASSWORD_FILE"
  table: "$2"
  encoding: "$3"
redis:
  url: "redis://$REDIS_HOST:$REDIS_PORT"
  key_prefix: "bench"
milvus:
  write_uri: "$MILVUS_URI"
collection:
  base_name: "$2"
  partitions: "$4"
  scalar_fields: ["category:int64", "brand:varchar(64)"]
index:
  type: "IVF_FLAT"
  params:
    nlist: "128"
YAML
}

# peak RSS (kB) and wall time of a command, via GNU time when present, else bash's time
timed() {
    local out="$1"; shift
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f '%e %M %U %S' -o "$out" "$@"
    else
        local s; s=$(date +%s.%N)
        "$@"
        echo "$(echo "$(date +%s.%N) - $s" | bc) ?" > "$out"
    fi
}

# busy_jiffies: CPU time the whole machine spent busy (user, nice, system, irq, softirq, steal) since boot, in
# clock ticks (getconf CLK_TCK a second); the difference across a run is every process's work: client, database
# and engine
busy_jiffies() {
    awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat
}
