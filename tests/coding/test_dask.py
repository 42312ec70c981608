"""Scale-out coding on Dask gives exactly the single-process codings; start-up stays light."""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.errors import CodingError
from tests.conftest import REPO


def _segments(n: int = 200) -> pd.DataFrame:
    """``n`` realistic segments spread over the bundled synthetic findings."""
    truth = pd.read_csv(REPO / "data" / "synthetic" / "truth" / "findings.csv")
    rows = truth.iloc[:: max(1, len(truth) // n)].head(n)
    return pd.DataFrame({"segment_id": [f"t{i:04d}" for i in range(len(rows))],
                         "text": rows["text"].astype(str).tolist()})


@pytest.fixture(scope="module")
def worker_cache(tmp_path_factory) -> Path:
    """A cache for the workers holding the coder's training embeddings but no segments."""
    import sqlite3

    from rmresearch.coding.api import default_coder
    from rmresearch.coding.embeddings import default_cache_dir

    default_coder()  # training texts now embedded in the client's cache
    folder = tmp_path_factory.mktemp("worker-cache")
    source = default_cache_dir() / "embeddings.sqlite"
    if source.exists():  # else the workers embed the training texts too (slower, same result)
        with sqlite3.connect(source) as src, sqlite3.connect(folder / source.name) as dst:
            src.backup(dst)
    models = default_cache_dir() / "models"
    if models.is_dir():  # the strong encoder's built model, else each worker builds it
        (folder / "models").symlink_to(models, target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def cluster(worker_cache):
    """A LocalCluster of 2 single-threaded worker processes with their own cache; the
    workers start loading the model at once."""
    import distributed
    from rmresearch.coding.dask.worker import pin_threads

    old = os.environ.get("RMRESEARCH_CACHE_DIR")
    os.environ["RMRESEARCH_CACHE_DIR"] = str(worker_cache)
    try:  # workers inherit the environment when they are spawned
        local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40)
    finally:
        if old is None:
            os.environ.pop("RMRESEARCH_CACHE_DIR")
        else:
            os.environ["RMRESEARCH_CACHE_DIR"] = old
    with local, distributed.Client(local) as client:
        warm = [client.submit(pin_threads, 1, workers=[w], pure=False)
                for w in client.scheduler_info(n_workers=-1)["workers"]]
        yield local
        del warm


@pytest.fixture(scope="module")
def single(cluster):
    """Segments and their codings from the single-process path (client-side cache)."""
    from rmresearch.coding import code_segments

    segments = _segments()
    return segments, code_segments(segments)


@pytest.mark.slow
def test_dask_codings_identical_to_single_process(cluster, single):
    from rmresearch.coding.dask import code_segments_dask

    segments, expected = single
    got = code_segments_dask(segments, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(got, expected)
    assert got.to_csv(index=False) == expected.to_csv(index=False)
    assert len(got) > 50 and got["code"].nunique() >= 3


@pytest.mark.slow
def test_parquet_input_recut_into_partitions_in_order(cluster, single, tmp_path):
    from rmresearch.coding.dask import code_segments_dask

    segments, expected = single
    folder = tmp_path / "segments"
    folder.mkdir()
    for i, start in enumerate(range(0, len(segments), 70)):  # 70, 70, 60: not aligned
        segments.iloc[start:start + 70].to_parquet(folder / f"part.{i}.parquet", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 64 rows per partition: warned, cache is warm
        got = code_segments_dask(folder, scheduler=cluster.scheduler_address,
                                 partition_rows=64)
    assert got.to_csv(index=False) == expected.to_csv(index=False)


@pytest.mark.slow
def test_duplicate_ids_across_partitions_named(cluster, tmp_path):
    from rmresearch.coding.dask import code_segments_dask

    segments = _segments(20)
    pd.concat([segments, segments.head(2)]).to_parquet(tmp_path / "dup.parquet", index=False)
    with pytest.raises(CodingError, match="duplicate segment_id.*'t0000'"):
        code_segments_dask(tmp_path / "dup.parquet", scheduler=cluster.scheduler_address)


def test_small_table_is_coded_in_process_without_a_cluster(monkeypatch):
    """A table with no more partitions than the local cluster would have workers is coded
    in this process (no cluster is started), and the codings are the single-process ones."""
    from rmresearch.coding import dask as scale
    from rmresearch.coding import code_segments
    from rmresearch.coding.dask import cluster

    def no_cluster(*args):
        raise AssertionError("a cluster was started for a small table")

    monkeypatch.setattr(cluster, "open_client", no_cluster)
    segments = _segments(30)
    got = scale.code_segments_dask(segments)
    assert got.to_csv(index=False) == code_segments(segments).to_csv(index=False)
    with pytest.warns(UserWarning, match="multiple of the coder's chunk size"):
        scale.code_segments_dask(segments, partition_rows=15, n_workers=2)  # 2 partitions
    with pytest.raises(AssertionError, match="cluster was started"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scale.code_segments_dask(segments, partition_rows=5, n_workers=2)  # 6 partitions
    with pytest.raises(AssertionError, match="cluster was started"):
        scale.code_segments_dask(segments, scheduler="local")  # asked for: always a cluster


def test_in_process_only_where_a_local_cluster_cannot_win(monkeypatch):
    """One partition per worker: in-process on any machine. Up to two per worker: in-process
    only when this process already uses every core (2 here, torch's 2 threads)."""
    from rmresearch.coding.dask.cluster import in_process

    table = pd.DataFrame({"segment_id": [f"s{i}" for i in range(40)], "text": "x"})
    for cores, rows, expected in ((2, 10, True), (2, 8, False), (8, 10, False),
                                  (8, 20, True)):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert in_process(table, None, rows, 2) is expected, (cores, rows)
    assert not in_process(table, "local", 40, 2)
    assert not in_process("segments.parquet", None, 40, 2)


@pytest.mark.slow
def test_local_workers_start_without_dasks_malloc_trim_setting(monkeypatch):
    """Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536 (and leave it in the parent's
    environment), under which torch takes 40-50% longer; the local cluster's workers start without
    it, with the project's cache folder, and this process's environment is left as it was."""
    from rmresearch.coding.dask.cluster import open_client

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as an earlier Dask cluster leaves
    with open_client(None, 1, 10) as (client, local):
        env = client.run(lambda: dict(os.environ))
    assert local and len(env) == 1
    (worker_env,) = env.values()
    assert "MALLOC_TRIM_THRESHOLD_" not in worker_env
    assert worker_env.get("RMRESEARCH_CACHE_DIR") == os.environ.get("RMRESEARCH_CACHE_DIR")
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536"


def test_unreachable_scheduler_is_a_clear_error():
    from rmresearch.coding.dask import code_segments_dask

    with pytest.raises(CodingError, match=r"Cannot reach the Dask scheduler at "
                                          r"'tcp://127\.0\.0\.1:9'.*tcp://host:8786"):
        code_segments_dask(_segments(5), scheduler="tcp://127.0.0.1:9", connect_timeout=2)


def test_partitions_recut_to_exact_sizes():
    import dask
    import dask.dataframe as dd

    from rmresearch.coding.dask.partitions import aligned

    frame = pd.DataFrame({"segment_id": [f"s{i}" for i in range(230)], "text": "x"})
    parts = [frame.iloc[a:b] for a, b in ((0, 70), (70, 70), (70, 200), (200, 230))]
    ddf = dd.from_delayed([dask.delayed(p) for p in parts], meta=frame.iloc[:0])
    out = aligned(ddf, [len(p) for p in parts], 64)
    with dask.config.set(scheduler="sync"):
        assert out.map_partitions(len).compute().tolist() == [64, 64, 64, 38]
        pd.testing.assert_frame_equal(out.compute().reset_index(drop=True), frame)


def test_partition_rows_not_multiple_of_chunk_warns():
    from rmresearch.coding.dask.partitions import check_partition_rows

    with pytest.warns(UserWarning, match="multiple of the coder's chunk size"):
        check_partition_rows(1000)
    with pytest.raises(CodingError, match="at least 1"):
        check_partition_rows(0)


@pytest.mark.slow
def test_code_dask_on_a_store_writes_what_rmresearch_code_writes(cluster, mini_data, tmp_path,
                                                                capsys):
    """`rmresearch code-dask --store` on a cluster and `rmresearch code --store` write the same
    codings (ids, levels, coder label, scores, valence, evidence); a project too small for a
    local cluster is coded in-process and says so; a re-run codes nothing."""
    from rmresearch.cli import main
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    stores = {}
    for name in ("single", "dask", "small"):
        stores[name] = tmp_path / f"{name}.rmproj"
        with ProjectStore.open(stores[name]) as st:
            st.ingest(ingest_folder(mini_data))
    assert main(["code", "--store", str(stores["single"])]) == 0
    dask_run = ["code-dask", "--store", str(stores["dask"]), "--scheduler",
                cluster.scheduler_address, "--no-progress"]
    assert main(dask_run) == 0
    assert "on Dask" in capsys.readouterr().out
    assert main(["code-dask", "--store", str(stores["small"]), "--no-progress"]) == 0
    assert "in this process (too few for a local cluster" in capsys.readouterr().out
    columns = ["segment_id", "code", "coder", "score", "valence", "evidence"]
    tables = {}
    for name, path in stores.items():
        with ProjectStore.open(path) as st:
            tables[name] = st.codings()[columns]
    assert len(tables["single"]) >= 5
    pd.testing.assert_frame_equal(tables["dask"], tables["single"])
    pd.testing.assert_frame_equal(tables["small"], tables["single"])
    assert main(dask_run) == 0
    assert "Coded 0 new segments" in capsys.readouterr().out


@pytest.mark.slow
def test_human_code_outside_the_codebook_trains_the_same_coder_on_dask(cluster, mini_data,
                                                                      tmp_path):
    """A store whose human codings include a code outside the codebook (an imported project,
    a changed codebook): `code_store_dask`, in this process or on a cluster, fits the coder
    `code_store` fits, so it writes the same label and codings, and a later `code_store`
    finds nothing new to code."""
    from rmresearch.coding.dask import code_store_dask
    from rmresearch.coding.project import code_store
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    stores = {name: tmp_path / f"{name}.rmproj" for name in ("single", "in_process", "cluster")}
    for path in stores.values():
        with ProjectStore.open(path) as st:
            st.ingest(ingest_folder(mini_data))
            seg = st.segments()
            sid = {word: seg.loc[seg["text"].str.contains(word), "segment_id"].iloc[0]
                   for word in ("porters", "shortlisting")}
            st.add_human_codings(pd.DataFrame([
                dict(segment_id=sid["porters"], code="individual", coder="human:ana",
                     score=1.0, valence="positive", evidence="mine"),
                dict(segment_id=sid["shortlisting"], code="recruitment", coder="human:ana",
                     score=1.0, valence="attention", evidence="not in the codebook")]))
    runs = {"single": code_store(stores["single"]),
            "in_process": code_store_dask(stores["in_process"]),
            "cluster": code_store_dask(stores["cluster"], scheduler=cluster.scheduler_address)}
    assert runs["in_process"]["in_process"] and not runs["cluster"]["in_process"]
    assert {run["coder"] for run in runs.values()} == {runs["single"]["coder"]}
    assert [run["human_examples"] for run in runs.values()] == [1, 1, 1]
    assert [run["coded"] for run in runs.values()] == [runs["single"]["coded"]] * 3
    columns = ["segment_id", "code", "coder", "score", "valence", "evidence"]
    tables = {}
    for name, path in stores.items():
        with ProjectStore.open(path) as st:
            tables[name] = st.codings()[columns]
    assert (tables["single"]["coder"] == runs["single"]["coder"]).sum() >= 5
    pd.testing.assert_frame_equal(tables["in_process"], tables["single"])
    pd.testing.assert_frame_equal(tables["cluster"], tables["single"])
    for path in stores.values():
        assert code_store(path)["coded"] == 0
