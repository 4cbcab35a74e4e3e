"""The metric registry, and what the reports read from it.

Reports and ``summarise compare`` never list metric keys themselves: they ask here which
of a run's keys are headline keys, document-table columns, breakdown columns or plot
bars, in registration order (metric by metric, each in the order it declares).  A run
read back from scores.json carries only key names, so the lookup goes by key name: a key
no registered metric declares is still in every "all metrics" table, never a headline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .base import Key, Metric

METRICS: dict[str, type[Metric]] = {}


def register(cls: type[Metric]) -> type[Metric]:
    """Add ``cls`` under its ``name`` (usable as a class decorator); a ValueError says
    what in its declaration is wrong, or that another metric has the name already."""
    names = [k.name for k in getattr(cls, "keys", ())]
    if not getattr(cls, "name", "") or not names:
        raise ValueError(f"{cls.__qualname__}: a metric needs a name and at least one key")
    if METRICS.get(cls.name, cls) is not cls:
        raise ValueError(f"metric {cls.name!r} is registered already "
                         f"({METRICS[cls.name].__qualname__})")
    for view in (cls.headline_keys(), cls.document_keys(), cls.breakdown_keys(), cls.plotted):
        unknown = [k for k in view if k not in names]
        if unknown:
            raise ValueError(f"{cls.__qualname__}: {', '.join(unknown)} not among its keys "
                             f"({', '.join(names)})")
    if cls.corpus_key is not None and cls.corpus_key.name not in names:
        raise ValueError(f"{cls.__qualname__}: corpus key {cls.corpus_key.name!r} is not "
                         "among its keys (the per-document scores it is compared with)")
    METRICS[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove a metric (a test's toy, say); unknown names are ignored."""
    METRICS.pop(name, None)


def _ordered(view: Callable[[type[Metric]], Iterable[str]], present: Iterable[str]
             ) -> list[str]:
    have = set(present)
    return [key for cls in METRICS.values() for key in view(cls) if key in have]


def headline_keys(present: Iterable[str]) -> list[str]:
    """Of the key names ``present``, those a headline table shows, in order."""
    return _ordered(lambda cls: cls.headline_keys(), present)


def document_keys(present: Iterable[str]) -> list[str]:
    """Columns of report.html's per-document table."""
    return _ordered(lambda cls: cls.document_keys(), present)


def breakdown_keys(present: Iterable[str]) -> list[str]:
    """Columns of report.html's breakdown tables."""
    return _ordered(lambda cls: cls.breakdown_keys(), present)


def plotted_keys(present: Iterable[str]) -> list[str]:
    """Bars of scores.png."""
    return _ordered(lambda cls: cls.plotted, present)


def registered_key(name: str) -> Key | None:
    """The declaration of a per-document key, from whichever metric has it."""
    return next((k for cls in METRICS.values() for k in cls.keys if k.name == name), None)


def focus_key(present: Iterable[str]) -> str | None:
    """The key reports rank documents by: the first headline key where higher is better
    (ROUGE-1 F1 when ROUGE ran), else the first headline key, else None."""
    keys = headline_keys(present)
    better = [k for k in keys if (key := registered_key(k)) and key.higher_is_better]
    return (better or keys or [None])[0]


def corpus_key(name: str) -> Key | None:
    """The corpus figure declared under key ``name`` (chrF++ and BLEU have one)."""
    return next((cls.corpus_key for cls in METRICS.values()
                 if cls.corpus_key is not None and cls.corpus_key.name == name), None)


def corpus_metrics(present: Iterable[str]) -> list[type[Metric]]:
    """Registered corpus metrics whose key is among ``present``, in registration order."""
    have = set(present)
    return [cls for cls in METRICS.values()
            if cls.corpus_key is not None and cls.corpus_key.name in have]
