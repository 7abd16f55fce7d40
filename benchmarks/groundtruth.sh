#!/usr/bin/env bash
# Exact ground truth vs FAISS, same data, same run, same cores: 1,000,000 x 128 seeded Gaussian items, 1,000
# queries, K=100, IP. recallctl's ExactTopK with native BLAS (if libblas.so.3 loads) and the pure-Java kernel,
# the plain scalar loop on a subset (exactness check), then FAISS IndexFlatIP from the stack's venv.
#   benchmarks/groundtruth.sh [items=1000000] [queries=1000] [rounds=3]
# Needs: Debian libopenblas0-pthread for the native path; faiss-cpu in $RECALLCTL_STACK_DIR/venv (bin/stack up).
set -euo pipefail
cd "$(dirname "$0")/.."
items="${1:-1000000}" queries="${2:-1000}" rounds="${3:-3}"
stack="${RECALLCTL_STACK_DIR:-$PWD/.stack}"
py="$stack/venv/bin/python"
[ -x "$py" ] || { echo "groundtruth.sh: no venv at $stack/venv: run bin/stack up first (it installs faiss-cpu)" >&2; exit 2; }
data="$(mktemp -d "${TMPDIR:-/tmp}/recallctl-gt.XXXXXX")"
trap 'rm -rf "$data"' EXIT
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
cp="target/classes:target/test-classes:$(cat target/cp.txt)"
# one OpenBLAS thread per call: ExactTopK runs one call per core itself (the launcher sets the same)
export OPENBLAS_NUM_THREADS=1
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
java -Xmx3g -cp "$cp" org.recallctl.bench.GroundTruthBench generate "$data" "$items" "$queries"
# each round: recallctl (the kernel bench uses) and FAISS back to back, so both see the same machine load
for r in $(seq 1 "$rounds"); do
  echo "--- round $r ($(uptime | sed 's/.*load/load/'))"
  java -Xmx4g -cp "$cp" org.recallctl.bench.GroundTruthBench run "$data" 100 0 0 fast
  # FAISS uses its own OpenMP threads (all cores), as users run it; and with passive waiting, which spares it
  # the spinning that costs it dearly when other work shares the cores
  env -u OPENBLAS_NUM_THREADS "$py" benchmarks/faiss_flat.py "$data" 100 1
  env -u OPENBLAS_NUM_THREADS OMP_WAIT_POLICY=PASSIVE "$py" benchmarks/faiss_flat.py "$data" 100 1
done
# exactness: every kernel (native BLAS, pure Java) vs each other on everything and vs the scalar loop on a subset
echo "--- exactness and the other kernels ($(uptime | sed 's/.*load/load/'))"
java -Xmx4g -cp "$cp" org.recallctl.bench.GroundTruthBench run "$data" 100 200000 100 all
