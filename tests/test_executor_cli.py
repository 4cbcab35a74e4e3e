"""--executor and its Ray flags on the command line, without starting Ray."""

from __future__ import annotations

import importlib.util

ENGLISH = ("The city council voted on Tuesday to extend the tram line to the northern "
           "suburbs. Construction is to begin next spring and take about three years.")


def test_executor_ray_without_ray_installed_says_how_to_install(cli, monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ray" else real(name, *a))
    doc = tmp_path / "a.txt"
    doc.write_text(ENGLISH, encoding="utf-8")
    result = cli(doc, "--executor", "ray")
    assert result.exit_code == 2
    assert "pip install 'summarise[ray]'" in result.output


def test_ray_flags_need_the_ray_executor(cli, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(ENGLISH, encoding="utf-8")
    result = cli(doc, "--workers", "2")
    assert result.exit_code == 2
    assert "--workers only apply with --executor ray" in result.output
    assert cli(doc, "--executor", "spark").exit_code == 2


def test_a_jsonl_is_cut_into_batches_of_batch_docs_for_either_executor(tmp_path):
    """A single big JSONL must not be one batch: Ray would give it all to one actor, and a
    local run would write nothing until the whole file was done."""
    import json

    from summarise.config import Settings
    from summarise.pipeline import Pipeline, document_batches
    from summarise.reading import find_sources

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"r{i}", "lang": "en", "text": ENGLISH}) + "\n"
                            for i in range(5)), encoding="utf-8")
    (tmp_path / "z.txt").write_text(ENGLISH, encoding="utf-8")
    sources = find_sources([feed, tmp_path / "z.txt"])
    batches = list(document_batches(Pipeline(Settings()), sources, 2))
    assert [[d.id.split("/")[-1] for d in b] for b in batches] == [
        ["r0", "r1"], ["r2", "r3"], ["r4", "z"]]
