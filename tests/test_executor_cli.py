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
