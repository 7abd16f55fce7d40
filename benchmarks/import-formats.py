"""Bulk import speed of the three file formats Milvus 2.3 reads (issue 11 §2: choose by measurement).

The same ROWS x DIM rows (INT64 id, float vector, INT64 category, VARCHAR(64) brand) are written as JSON rows,
NumPy (one .npy per field) and Parquet into an absolute directory the server reads, then imported into a fresh
collection each; reports file size, the time this script took to write the files, and the server's import time
(request to Completed, every job). Run with the stack's venv (pymilvus, numpy, pyarrow):
  .stack-full/venv/bin/python benchmarks/import-formats.py URI DIR [ROWS=200000] [DIM=128]
Environment:
  PARTITIONS=1   rows go to partition item_id mod PARTITIONS, one import job each, all submitted at once
                 (as recallctl does); done_at lists when each job completed
  FORMATS=json,numpy,parquet   which formats to run, in this order
  INDEX=1        declare the benchmark's index (IVF_FLAT, IP, nlist=128) before the import, as recallctl does:
                 the index node then builds segments while later jobs import
  NARROW=1       VARCHAR as NumPy <U{widest value}, as recallctl writes it (default <U64, the max_length)
"""
import json
import os
import shutil
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pymilvus import CollectionSchema, DataType, FieldSchema, MilvusClient, connections, utility

uri, root = sys.argv[1], os.path.abspath(sys.argv[2])
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 200_000
dim = int(sys.argv[4]) if len(sys.argv) > 4 else 128
rng = np.random.default_rng(1)
ids = np.arange(1, rows + 1, dtype=np.int64)
vec = rng.standard_normal((rows, dim), dtype=np.float32)
cat = ids % 16
brand_text = ["brand-%d" % (i % 20) for i in ids]
narrow = os.environ.get("NARROW") == "1"
brand = np.array(brand_text, dtype="<U%d" % (max(map(len, brand_text)) if narrow else 64))
formats = os.environ.get("FORMATS", "json,numpy,parquet").split(",")
with_index = os.environ.get("INDEX") == "1"
partitions = int(os.environ.get("PARTITIONS", "1"))

client = MilvusClient(uri=uri)
connections.connect(uri=uri)


def write_json(d, m):
    p = os.path.join(d, "rows.json")
    with open(p, "w") as f:
        f.write('{"rows":[')
        for n, i in enumerate(np.flatnonzero(m)):
            if n:
                f.write(",")
            f.write(json.dumps({"item_id": int(ids[i]), "vector": vec[i].tolist(), "category": int(cat[i]),
                                "brand": str(brand[i])}))
        f.write("]}")
    return [p]


def write_numpy(d, m):
    out = []
    for name, arr in (("item_id", ids), ("vector", vec), ("category", cat), ("brand", brand)):
        p = os.path.join(d, name + ".npy")
        np.save(p, arr[m])
        out.append(p)
    return out


def write_parquet(d, m):
    p = os.path.join(d, "rows.parquet")
    t = pa.table({"item_id": ids[m], "vector": pa.array(list(vec[m]), type=pa.list_(pa.float32())),
                  "category": cat[m], "brand": pa.array(brand[m].tolist())})
    pq.write_table(t, p)
    return [p]


print(f"rows={rows} dim={dim} server={client.get_server_version()} brand={brand.dtype.str} index={with_index}")
writers = {"json": write_json, "numpy": write_numpy, "parquet": write_parquet}
for fmt in formats:
    writer = writers[fmt]
    d = os.path.join(root, fmt)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    t0 = time.time()
    files = []
    for k in range(partitions):
        os.makedirs(os.path.join(d, "p%d" % k))
        files.append(writer(os.path.join(d, "p%d" % k), ids % partitions == k))
    write_s = time.time() - t0
    size = sum(os.path.getsize(f) for part in files for f in part)
    name = "fmt_" + fmt
    if client.has_collection(name):
        client.drop_collection(name)
    schema = CollectionSchema([FieldSchema("item_id", DataType.INT64, is_primary=True),
                               FieldSchema("vector", DataType.FLOAT_VECTOR, dim=dim),
                               FieldSchema("category", DataType.INT64),
                               FieldSchema("brand", DataType.VARCHAR, max_length=64)])
    client.create_collection(name, schema=schema)
    for k in range(partitions):
        client.create_partition(name, "p%d" % k)
    if with_index:
        index = client.prepare_index_params()
        index.add_index("vector", index_type="IVF_FLAT", metric_type="IP", params={"nlist": 128})
        client.create_index(name, index)
    t1 = time.time()
    tasks = [utility.do_bulk_insert(collection_name=name, files=files[k], partition_name="p%d" % k)
             for k in range(partitions)]
    done = {}
    while len(done) < partitions:
        for task in tasks:
            if task not in done:
                st = utility.get_bulk_insert_state(task)
                if st.state_name in ("Completed", "Failed", "FailedAndCleaned"):
                    done[task] = (st, time.time() - t1)
        time.sleep(0.2)
    import_s = time.time() - t1
    st = next((s for s, _ in done.values() if s.state_name != "Completed"), next(iter(done.values()))[0])
    print(f"{fmt:8s} partitions={partitions} files={sum(map(len, files))} size={size / 2**20:7.1f} MiB write={write_s:6.2f} s "
          f"import={import_s:6.2f} s ({rows / import_s:,.0f} rows/s) state={st.state_name} "
          f"rows={sum(s.row_count for s, _ in done.values())} done_at={sorted(round(t, 1) for _, t in done.values())}"
          + (f" reason={st.failed_reason}" if st.state_name != "Completed" else ""))
    client.drop_collection(name)
    shutil.rmtree(d, ignore_errors=True)
