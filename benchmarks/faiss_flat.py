"""FAISS IndexFlatIP on the files GroundTruthBench wrote: the anchor for exact brute force on the same cores.

usage: python faiss_flat.py DIR [k] [runs]   (DIR has items.f32, queries.f32, java-ids.i64; dim 128)
Prints one RESULT line per timed run and how many queries' TopK equals recallctl's (ids and order).
"""
import sys
import time

import os

import faiss
import numpy as np

d = sys.argv[1]
k = int(sys.argv[2]) if len(sys.argv) > 2 else 100
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
x = np.fromfile(f"{d}/items.f32", dtype="<f4").reshape(-1, 128)
q = np.fromfile(f"{d}/queries.f32", dtype="<f4").reshape(-1, 128)
index = faiss.IndexFlatIP(128)
index.add(x)
index.search(q[:64], k)  # warm-up: page in, spin up the OpenMP threads
for _ in range(runs):
    t, c = time.perf_counter(), time.process_time()  # process_time: CPU of all the process's threads
    scores, ids = index.search(q, k)
    s, cpu = time.perf_counter() - t, time.process_time() - c
    flop = 2 * 128 * len(x) * len(q)
    policy = os.environ.get("OMP_WAIT_POLICY", "default")
    print(f"RESULT kernel=FAISS_IndexFlatIP omp_wait_policy={policy} threads={faiss.omp_get_max_threads()} items={len(x)} "
          f"queries={len(q)} k={k} seconds={s:.3f} gflops={flop / s / 1e9:.1f} cpu_seconds={cpu:.3f} "
          f"gflop_per_cpu_second={flop / cpu / 1e9:.1f}")
java = np.fromfile(f"{d}/java-ids.i64", dtype="<i8").reshape(len(q), -1)
same = int(sum(np.array_equal(a, b) for a, b in zip(ids, java)))
sets = int(sum(set(a) == set(b) for a, b in zip(ids, java)))
print(f"  FAISS vs recallctl: identical TopK on {same}/{len(q)} queries, same sets on {sets}/{len(q)} "
      f"(FAISS scores in float without rescoring: near-ties may order differently)")
