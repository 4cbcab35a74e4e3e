"""``truncated``: the summary was cut at its token limit, so it may end mid-thought."""

from __future__ import annotations

from .registry import Context, register


@register("truncated")
def check_truncated(context: Context) -> dict:
    return {"ok": not context.truncated}
