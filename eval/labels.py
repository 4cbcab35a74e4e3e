"""A system in words for report titles: which models, on which backend, in which dtype.

Two runs of the same summariser on torch and on CTranslate2 score differently, so a
title that says only "model" cannot tell their reports apart.  The label is built from
what the run recorded (``scores.json``'s ``system``: the settings and the manifest of
every model loaded), never from what was asked for alone.
"""

from __future__ import annotations

from pathlib import PurePath

REVISION_CHARS = 10


def _short(name: str) -> str:
    """A local folder by its last part; a hub id (owner/name) as it is."""
    return PurePath(name).name if name.startswith(("/", ".", "~")) else name


def model_label(name: str, manifest: dict, generation: dict) -> str:
    """``mt5-small (ctranslate2, int8_float32, rev 0123456789)``."""
    backend = manifest.get("backend") or generation.get("backend") or "torch"
    precision = manifest.get("compute_type") or manifest.get("dtype") or generation.get(
        "dtype")
    details = [backend, str(precision)] if precision else [backend]
    if generation.get("quantize") and backend == "torch":
        details.append(f"{generation['quantize']} weights")
    if manifest.get("revision"):
        details.append(f"rev {str(manifest['revision'])[:REVISION_CHARS]}")
    return f"{_short(name)} ({', '.join(details)})"


def system_label(system: dict, fallback: str = "system") -> str:
    """The summariser, then the translators it used, each with backend, dtype, revision;
    a baseline or a predictions file by its name."""
    if system.get("kind") != "model":
        return system.get("name") or fallback
    settings = system.get("settings") or {}
    generation = settings.get("generation") or {}
    models = system.get("models") or {}
    summariser = system.get("summariser") or settings.get("summariser") or fallback
    label = model_label(summariser, models.get(summariser, {}), generation)
    translators = [f"{direction} {model_label(name, models[name], generation)}"
                   for direction, name in sorted((settings.get("translators") or {}).items())
                   if name in models and name != summariser]
    return label + (" + " + ", ".join(translators) if translators else "")
