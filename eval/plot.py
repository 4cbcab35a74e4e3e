"""The reports' figures: scores per language × length with 95% CI bars, and a comparison
of two runs (differences with CIs, per-document scatter).  Legends sit below the axes,
never on the data."""

from __future__ import annotations

import io


def score_plot(aggregate: dict[str, dict[str, dict]], labels: dict[str, str],
               title: str) -> bytes:
    """PNG bytes of grouped bars: one group per language/length, one bar per metric."""
    plt = _pyplot()
    groups = [g for g in aggregate if g != "overall"] or ["overall"]
    from .metrics.registry import plotted_keys

    metrics = plotted_keys(aggregate.get("overall", {}))
    figure, axes = plt.subplots(figsize=(max(6.0, 1.6 * len(groups) + 3), 4.2), dpi=110)
    width = 0.8 / max(1, len(metrics))
    for i, metric in enumerate(metrics):
        means = [aggregate[g][metric]["mean"] for g in groups]
        errors = [[aggregate[g][metric]["mean"] - aggregate[g][metric]["low"] for g in groups],
                  [aggregate[g][metric]["high"] - aggregate[g][metric]["mean"] for g in groups]]
        positions = [x + (i - (len(metrics) - 1) / 2) * width for x in range(len(groups))]
        axes.bar(positions, means, width, yerr=errors, capsize=3, label=labels.get(metric, metric))
    axes.set_xticks(range(len(groups)), groups)
    axes.set_ylabel("score (0-100), 95% CI")
    axes.set_ylim(0, 100 if not metrics else min(100, max(
        aggregate[g][m]["high"] for g in groups for m in metrics) * 1.1 + 1))
    axes.set_title(title, fontsize=10)
    if metrics:  # a run of unplotted metrics only (--metric length) has no bars to name
        axes.legend(fontsize=8, ncol=min(3, max(1, len(metrics))), loc="upper center",
                    bbox_to_anchor=(0.5, -0.12), frameon=False)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede pyplot
    import matplotlib.pyplot as plt

    return plt


def _png(figure) -> bytes:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")  # keeps the outside legend
    plt.close(figure)
    return buffer.getvalue()


def comparison_plot(deltas: list[tuple[str, float, float, float]],
                    scatter: list[tuple[float, float]], scatter_label: str,
                    names: tuple[str, str]) -> bytes:
    """Left: per metric Δ (B − A) with its 95% CI; right: each document's score under A
    against B, with the diagonal where they are equal."""
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, max(3.6, 0.45 * len(deltas) + 1.5)),
                                         dpi=110)
    labels = [d[0] for d in deltas]
    values = [d[1] for d in deltas]
    errors = [[d[1] - d[2] for d in deltas], [d[3] - d[1] for d in deltas]]
    positions = list(range(len(deltas)))[::-1]
    left.errorbar(values, positions, xerr=errors, fmt="o", capsize=4, color="tab:blue",
                  label="Δ (B − A) with 95% CI")
    left.axvline(0, color="grey", linewidth=1, label="no difference")
    left.set_yticks(positions, labels)
    left.set_xlabel("difference in points")
    left.set_title(f"B = {names[1]} minus A = {names[0]}", fontsize=10)
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                frameon=False)
    left.grid(axis="x", alpha=0.3)
    xs = [a for a, _ in scatter]
    ys = [b for _, b in scatter]
    right.scatter(xs, ys, s=12, alpha=0.6, color="tab:orange", label="one document")
    top = max([*xs, *ys, 1.0]) * 1.05
    right.plot([0, top], [0, top], color="grey", linewidth=1, label="A = B")
    right.set_xlim(0, top)
    right.set_ylim(0, top)
    right.set_xlabel(f"{scatter_label}, A = {names[0]}")
    right.set_ylabel(f"{scatter_label}, B = {names[1]}")
    right.set_title("per document", fontsize=10)
    right.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                 frameon=False)
    return _png(figure)
