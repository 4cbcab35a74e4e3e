"""The report's figure: ROUGE and chrF++ per language × length, with 95% CI bars."""

from __future__ import annotations

import io

PLOTTED = ("rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f", "chrf")


def score_plot(aggregate: dict[str, dict[str, dict]], labels: dict[str, str],
               title: str) -> bytes:
    """PNG bytes of grouped bars: one group per language/length, one bar per metric."""
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede pyplot
    import matplotlib.pyplot as plt

    groups = [g for g in aggregate if g != "overall"] or ["overall"]
    metrics = [m for m in PLOTTED if m in aggregate.get("overall", {})]
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
        aggregate[g][m]["high"] for g in groups for m in metrics) * 1.25 + 1))
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8, ncol=min(5, max(1, len(metrics))), loc="upper right")
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
