#!/usr/bin/env bash
# Ground-truth rate: 1,000,000 x 128 seeded items in memory, 1,000 queries, K=100, IP; blocked SIMD kernel vs a
# plain scalar triple loop on a subset of the same data, same JVM, same run. No MySQL needed.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
exec java -Xmx3g -cp "target/classes:target/test-classes:$(cat target/cp.txt)" org.recallctl.bench.GroundTruthBench "$@"
