"""--executor ray: the same outputs as a local run, on a local Ray and on a two-node cluster,
and no document lost or written twice when an actor dies in the middle of a run."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import SEED
from test_eval_isolation import choke_on_victim

ENGLISH = ("The city council voted on Tuesday to extend the tram line to the northern "
           "suburbs. Construction is to begin next spring and take about three years. "
           "Residents welcomed the decision, although shop owners fear months of roadworks.")
TIMINGS = re.compile(r'"(\w*seconds\w*)": [0-9.e-]+')  # "seconds", "batch_seconds_per_..."


def outputs(out: Path) -> dict[str, str]:
    """Every per-document JSON under ``out`` by relative path, timings blanked."""
    return {str(p.relative_to(out)): TIMINGS.sub(r'"\1": 0', p.read_text(encoding="utf-8"))
            for p in sorted(out.rglob("*.json")) if p.name != "run.json"}


def manifest(out: Path) -> dict:
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def german_documents(folder: Path, count: int) -> None:
    sentences = SEED.read_text(encoding="utf-8").split(". ")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = ". ".join(sentences[i % 5: i % 5 + 5]) + f". Meldung Nummer {i}."
        (folder / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """German and English files in nested folders, a JSONL dataset, and two bad files."""
    root = tmp_path_factory.mktemp("ray-corpus") / "docs"
    german_documents(root / "de", 5)
    (root / "en").mkdir()
    (root / "en" / "tram.md").write_text(ENGLISH, encoding="utf-8")
    records = [{"id": "a", "text": ENGLISH.replace("Tuesday", "Monday")},
               {"id": "b", "text": "zu kurz"},
               {"id": "c", "lang": "de", "text": SEED.read_text(encoding="utf-8")[:900]}]
    (root / "records.txt").write_text("", encoding="utf-8")  # empty: a failure
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n",
                                     encoding="utf-8")
    return root


def run_args(corpus, out, model_args, *extra) -> list[str]:
    """Both executors get batches of 3 documents, so a run has several (on several actors)."""
    return [str(corpus), "--glob", "*.txt", "--glob", "*.md", "--glob", "*.jsonl",
            "--length", "short", "--batch-docs", "3", "--out", str(out),
            *map(str, model_args), *extra]


@pytest.fixture(scope="module")
def local_run(corpus, tmp_path_factory, model_args) -> Path:
    """The reference: the same corpus through the local executor."""
    from summarise.app import app
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("local") / "out"
    result = CliRunner().invoke(app, run_args(corpus, out, model_args))
    assert result.exit_code == 1, result.output  # the two bad inputs failed, the rest done
    return out


ray = pytest.importorskip("ray", reason="pip install -e '.[ray]'")


@pytest.fixture(scope="module")
def cluster():
    """Two raylets on this machine (one CPU each): a multi-node cluster without a network."""
    from ray.cluster_utils import Cluster

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    nodes = Cluster(initialize_head=True,
                    head_node_args={"num_cpus": 1, "include_dashboard": False,
                                    "object_store_memory": 200 * 2**20})
    nodes.add_node(num_cpus=1, object_store_memory=200 * 2**20)
    nodes.wait_for_nodes()
    yield nodes
    nodes.shutdown()


@pytest.mark.ray
def test_local_ray_writes_what_the_local_executor_writes(cli, corpus, local_run, model_args,
                                                         tmp_path):
    out = tmp_path / "out"
    result = cli(*run_args(corpus, out, model_args, "--executor", "ray"))
    assert result.exit_code == 1, result.output
    assert "done: 8 summarised, 0 up to date (skipped), 2 failed" in result.output
    assert outputs(out) == outputs(local_run)
    assert len(outputs(out)) == 8
    ours, theirs = manifest(out), manifest(local_run)
    assert ours["executor"] == "ray"
    assert set(ours["documents"]) == set(theirs["documents"])
    assert sorted(map(str, ours["failures"])) == sorted(map(str, theirs["failures"]))
    assert ours["models"] == theirs["models"] and ours["models"]
    assert ours["settings_hash"] == theirs["settings_hash"]


@pytest.mark.ray
def test_two_node_cluster_same_outputs_then_resume(cli, cluster, corpus, local_run,
                                                   model_args, tmp_path):
    out = tmp_path / "out"
    args = run_args(corpus, out, model_args, "--executor", "ray",
                    "--ray-address", cluster.address, "--workers", "2")
    first = cli(*args)
    assert first.exit_code == 1, first.output
    assert outputs(out) == outputs(local_run)

    before = outputs(out)
    (out / "de" / "doc03.json").unlink()  # a lost output is redone, the rest skipped
    second = cli(*args)
    assert "done: 1 summarised, 7 up to date (skipped), 2 failed" in second.output
    after = outputs(out)
    redone = json.loads(after.pop("de/doc03.json"))
    assert redone["sha256"] == json.loads(before.pop("de/doc03.json"))["sha256"]
    assert after == before  # (the redone one ran in a batch of its own, as it would locally)
    assert len(manifest(out)["documents"]) == 8


class DiesOnce:
    """Mixed into the worker: the actor process exits hard on one document, once."""

    marker: Path
    victim: str

    def summarise(self, pipeline, documents):
        if any(d.id == self.victim for d in documents) and not self.marker.exists():
            self.marker.write_text(str(os.getpid()))
            os._exit(1)
        return super().summarise(pipeline, documents)


@pytest.mark.ray
def test_actor_killed_mid_run_every_document_written_once(cluster, model_args, tmp_path,
                                                          monkeypatch):
    from jobrun import run_files
    from ray import cloudpickle
    from summarise.output import RunDirectory
    from summarise.ray_executor import PipelineWorker, RayExecutor, RayOptions

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers lack tests/
    src, out = tmp_path / "docs", tmp_path / "out"
    german_documents(src, 40)
    worker = type("Dying", (DiesOnce, PipelineWorker),
                  {"marker": tmp_path / "died", "victim": "doc17"})
    writes: list[str] = []
    real_write = RunDirectory.write
    monkeypatch.setattr(RunDirectory, "write",
                        lambda self, result: writes.append(result.id) or real_write(self, result))
    settings = german_settings(model_args[1])
    executor = RayExecutor(RayOptions(address=cluster.address, workers=2, batch_docs=4))
    executor.worker_class = worker

    code = run_files(settings, src, out, executor)

    assert (tmp_path / "died").exists(), "the actor was to die on doc17"
    assert code == 0
    assert sorted(writes) == [f"doc{i:02d}" for i in range(40)]  # each exactly once
    for i in range(40):
        data = json.loads((out / f"doc{i:02d}.json").read_text(encoding="utf-8"))
        assert data["summaries"][0]["text"]
    assert len(manifest(out)["documents"]) == 40 and not manifest(out)["failures"]


@pytest.mark.ray
def test_eval_on_ray_predicts_what_a_local_eval_predicts(cli, cluster, tiny_models, tmp_path):
    xling = Path(__file__).parent / "data" / "eval" / "en-de-xling.slice.jsonl"
    args = ["eval", xling, "--summariser", tiny_models["mt5"],
            "--translator", f"en-de={tiny_models['marian-en-de']}", "--dtype", "fp32",
            "--limit", "3", "--batch-docs", "2", "--length", "short", "--bootstrap", "50"]
    local = cli(*args, "--out", tmp_path / "local")
    assert local.exit_code == 0, local.output
    on_ray = cli(*args, "--out", tmp_path / "ray", "--executor", "ray",
                 "--ray-address", cluster.address, "--workers", "2")
    assert on_ray.exit_code == 0, on_ray.output
    assert (tmp_path / "ray" / "predictions.jsonl").read_text(encoding="utf-8") == \
        (tmp_path / "local" / "predictions.jsonl").read_text(encoding="utf-8")
    system = json.loads((tmp_path / "ray" / "scores.json").read_text(encoding="utf-8"))["system"]
    assert {Path(m["path"]).name for m in system["models"].values()} == {"mt5", "marian-en-de"}


def german_settings(summariser: str):
    from summarise.layers import ModelOptions, settings_from_options

    return settings_from_options(ModelOptions(lang=("de",), length=("short",),
                                              summariser=summariser, source_lang="de",
                                              dtype="fp32"))


class ModelMissingOnNode:
    """Mixed into the worker: this node lacks the model."""

    def summarise(self, pipeline, documents):
        from summarise.errors import ModelUnavailable

        raise ModelUnavailable("model ./mt5 is not on this node; run `summarise models pull`")


@pytest.mark.ray
def test_a_worker_error_is_the_message_not_a_ray_traceback(cluster, model_args, tmp_path):
    from jobrun import run_files
    from ray import cloudpickle
    from summarise.errors import ModelUnavailable
    from summarise.ray_executor import PipelineWorker, RayExecutor, RayOptions

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    german_documents(tmp_path / "docs", 2)
    executor = RayExecutor(RayOptions(address=cluster.address, workers=1))
    executor.worker_class = type("Missing", (ModelMissingOnNode, PipelineWorker), {})
    settings = german_settings(model_args[1])
    with pytest.raises(ModelUnavailable, match="not on this node"):
        run_files(settings, tmp_path / "docs", tmp_path / "out", executor)


def trouble(documents) -> None:
    """What the model does to two of the documents: raises on doc01, hangs on doc06."""
    ids = {d.id for d in documents}
    if "doc01" in ids:
        raise RuntimeError("the tokenizer choked on doc01")
    if "doc06" in ids:
        import time

        time.sleep(120)  # stopped by --doc-timeout, or the test takes minutes


class Troubled:
    """Mixed into the worker: ``trouble`` before the real model work."""

    def summarise(self, pipeline, documents):
        trouble(documents)
        return super().summarise(pipeline, documents)


def run_on(executor, src, out, model_args, **options) -> int:
    from jobrun import run_files

    return run_files(german_settings(model_args[1]), src, out, executor, **options)


@pytest.mark.ray
def test_a_document_the_model_fails_on_is_the_failure_row_a_local_run_writes(
        cluster, model_args, tmp_path, monkeypatch):
    """doc01 raises inside an actor and doc06 runs past --doc-timeout: each is the failure
    a local run records (isolation.run_batch in the actor), and the rest are written."""
    from ray import cloudpickle
    from summarise.executor import LocalExecutor
    from summarise.pipeline import Pipeline
    from summarise.ray_executor import PipelineWorker, RayExecutor, RayOptions

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    src = tmp_path / "docs"
    german_documents(src, 7)  # batches of 3: [00 01 02] [03 04 05] [06]
    executor = RayExecutor(RayOptions(address=cluster.address, workers=2, batch_docs=3))
    executor.worker_class = type("Troubled", (Troubled, PipelineWorker), {})
    assert run_on(executor, src, tmp_path / "ray", model_args, doc_timeout=3) == 1

    real_run = Pipeline.run
    monkeypatch.setattr(Pipeline, "run",
                        lambda self, documents: trouble(documents) or real_run(self, documents))
    assert run_on(LocalExecutor(3), src, tmp_path / "local", model_args, doc_timeout=3) == 1

    ours, theirs = manifest(tmp_path / "ray"), manifest(tmp_path / "local")
    assert ours["failures"] == theirs["failures"]
    reasons = [f["reason"] for f in ours["failures"]]
    assert len(reasons) == 2
    assert "doc01.txt: could not be summarised (RuntimeError: the tokenizer choked" in reasons[0]
    assert "doc06.txt: took longer than --doc-timeout 3 s" in reasons[1]
    assert sorted(ours["documents"]) == [f"doc{i:02d}" for i in (0, 2, 3, 4, 5)]
    assert outputs(tmp_path / "ray") == outputs(tmp_path / "local")


class DiesEveryTime:
    """Mixed into the worker: the actor process exits hard whenever doc04 is in its batch."""

    deaths: Path

    def summarise(self, pipeline, documents):
        if any(d.id == "doc04" for d in documents):
            with self.deaths.open("a") as log:
                log.write(f"{[d.id for d in documents]}\n")
            os._exit(1)
        return super().summarise(pipeline, documents)


@pytest.mark.ray
def test_a_document_that_kills_its_worker_every_time_is_a_bounded_failure(
        cluster, model_args, tmp_path, monkeypatch):
    from ray import cloudpickle
    from summarise.output import RunDirectory
    from summarise.ray_executor import PipelineWorker, RayExecutor, RayOptions

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    src, out, deaths = tmp_path / "docs", tmp_path / "out", tmp_path / "deaths"
    german_documents(src, 6)  # batches [00 01 02] [03 04 05]
    executor = RayExecutor(RayOptions(address=cluster.address, workers=2, batch_docs=3))
    executor.worker_class = type("Dying", (DiesEveryTime, PipelineWorker), {"deaths": deaths})
    # One try each: a death costs an actor restart (seconds). The default (2) is what
    # test_actor_killed_mid_run_every_document_written_once needs: its batch's 2nd try works.
    executor.attempts = 1
    writes: list[str] = []
    real_write = RunDirectory.write
    monkeypatch.setattr(RunDirectory, "write",
                        lambda self, result: writes.append(result.id) or real_write(self, result))

    assert run_on(executor, src, out, model_args) == 1

    # one try of its batch, then one of doc04 alone (the others alone worked); no more
    assert deaths.read_text().splitlines() == ["['doc03', 'doc04', 'doc05']", "['doc04']"]
    assert sorted(writes) == ["doc00", "doc01", "doc02", "doc03", "doc05"]  # each once
    failures = manifest(out)["failures"]
    assert [Path(f["source"]).name for f in failures] == ["doc04.txt"]
    assert "worker process died each time it summarised this document (2 times, 1 of them " \
           "alone)" in failures[0]["reason"]
    assert sorted(manifest(out)["documents"]) == sorted(writes)


class ChokesOnVictim:
    """Mixed into the worker: the model fails on one record of the eval slice."""

    def summarise(self, pipeline, documents):
        choke_on_victim(documents)  # pickled by value with this module: workers lack tests/
        return super().summarise(pipeline, documents)


@pytest.mark.ray
def test_eval_on_ray_a_record_the_model_fails_on_is_a_failure_and_the_rest_is_scored(
        cli, cluster, tiny_models, tmp_path, monkeypatch):
    import test_eval_isolation
    from ray import cloudpickle
    from summarise.ray_executor import PipelineWorker, RayExecutor

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers lack tests/
    cloudpickle.register_pickle_by_value(test_eval_isolation)
    monkeypatch.setattr(RayExecutor, "worker_class",
                        type("Choking", (ChokesOnVictim, PipelineWorker), {}))
    out = tmp_path / "out"
    result = cli(*test_eval_isolation.eval_args(tiny_models, out), "--executor", "ray",
                 "--ray-address", cluster.address, "--workers", "2")
    test_eval_isolation.check_failure_row_and_scores(result, out)
