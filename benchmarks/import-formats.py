"""Bulk import speed of the three file formats Milvus 2.3 reads (issue 11 §2: choose by measurement).

The same ROWS x DIM rows (INT64 id, float vector, INT64 category, VARCHAR(64) brand) are written as JSON rows,
NumPy (one .npy per field) and Parquet into an absolute directory the server reads, then imported into one
partition of a fresh collection each; reports file size, the time this script took to write the files, and
the server's import time (request to Completed). Run with the stack's venv (pymilvus, numpy, pyarrow):
  .stack-full/venv/bin/python benchmarks/import-formats.py URI DIR [ROWS=200000] [DIM=128]
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
brand = np.array(["brand-%d" % (i % 20) for i in ids], dtype="<U64")

client = MilvusClient(uri=uri)
connections.connect(uri=uri)


def write_json(d):
    p = os.path.join(d, "rows.json")
    with open(p, "w") as f:
        f.write('{"rows":[')
        for i in range(rows):
            if i:
                f.write(",")
            f.write(json.dumps({"item_id": int(ids[i]), "vector": vec[i].tolist(), "category": int(cat[i]),
                                "brand": str(brand[i])}))
        f.write("]}")
    return [p]


def write_numpy(d):
    out = []
    for name, arr in (("item_id", ids), ("vector", vec), ("category", cat), ("brand", brand)):
        p = os.path.join(d, name + ".npy")
        np.save(p, arr)
        out.append(p)
    return out


def write_parquet(d):
    p = os.path.join(d, "rows.parquet")
    t = pa.table({"item_id": ids, "vector": pa.array(list(vec), type=pa.list_(pa.float32())), "category": cat,
                  "brand": pa.array(brand.tolist())})
    pq.write_table(t, p)
    return [p]


print(f"rows={rows} dim={dim} server={client.get_server_version()}")
for fmt, writer in (("json", write_json), ("numpy", write_numpy), ("parquet", write_parquet)):
    d = os.path.join(root, fmt)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    t0 = time.time()
    files = writer(d)
    write_s = time.time() - t0
    size = sum(os.path.getsize(f) for f in files)
    name = "fmt_" + fmt
    if client.has_collection(name):
        client.drop_collection(name)
    schema = CollectionSchema([FieldSchema("item_id", DataType.INT64, is_primary=True),
                               FieldSchema("vector", DataType.FLOAT_VECTOR, dim=dim),
                               FieldSchema("category", DataType.INT64),
                               FieldSchema("brand", DataType.VARCHAR, max_length=64)])
    client.create_collection(name, schema=schema)
    client.create_partition(name, "p0")
    t1 = time.time()
    task = utility.do_bulk_insert(collection_name=name, files=files, partition_name="p0")
    while True:
        st = utility.get_bulk_insert_state(task)
        if st.state_name in ("Completed", "Failed", "FailedAndCleaned"):
            break
        time.sleep(0.2)
    import_s = time.time() - t1
    print(f"{fmt:8s} files={len(files)} size={size / 2**20:7.1f} MiB write={write_s:6.2f} s "
          f"import={import_s:6.2f} s ({rows / import_s:,.0f} rows/s) state={st.state_name} rows={st.row_count}"
          + (f" reason={st.failed_reason}" if st.state_name != "Completed" else ""))
    client.drop_collection(name)
    shutil.rmtree(d, ignore_errors=True)
