"""``summarise models``: which models the defaults use, which are here, and fetching them."""

from __future__ import annotations

from typing import Annotated

import typer

from ..config import DEFAULT_SUMMARISER, DEFAULT_TRANSLATORS
from ..console import current_reporter
from ..errors import ModelUnavailable

app = typer.Typer(help="List and download models.", no_args_is_help=True,
                  rich_markup_mode=None)


@app.command("list")
def list_models(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The default models, the commit each is pinned to, their licences, and whether each is
    in the local cache."""
    import json

    from ..models.hub import is_cached
    from ..models.pins import pin_for

    rows = [{"role": "summariser", "model": DEFAULT_SUMMARISER}]
    rows += [{"role": f"translator {d}", "model": m} for d, m in DEFAULT_TRANSLATORS.items()]
    for row in rows:
        pin = pin_for(row["model"])
        row["revision"] = pin.revision if pin else "main (not pinned)"
        row["licence"] = pin.licence if pin else "see its model card"
        row["present"] = is_cached(row["model"])
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        mark = "present" if row["present"] else "missing"
        print(f"{row['role']:<16} {row['model']:<42} {row['revision']:<40} {mark:<8} "
              f"{row['licence']}")


@app.command("pull")
def pull(
    models: Annotated[list[str] | None, typer.Argument(
        help="Hub ids to download. [default: the default models]", show_default=False)] = None,
    allow_pickle: Annotated[bool, typer.Option(
        "--allow-pickle", help="Also download pickle (*.bin) weights.")] = False,
) -> None:
    """Download models into the Hugging Face cache (HF_HOME) for offline use, each at its
    pinned revision (or OWNER/NAME@REVISION), and check that it holds weights."""
    from huggingface_hub import constants

    from ..models.hub import pull as pull_model

    reporter = current_reporter()
    names = models or [DEFAULT_SUMMARISER, *DEFAULT_TRANSLATORS.values()]
    if constants.HF_HUB_OFFLINE:  # nothing can come: one line, not one per model
        reporter.error(f"cannot download {', '.join(names)}: offline mode is set "
                       "(HF_HUB_OFFLINE=1); unset it on a machine that is online.")
        raise typer.Exit(1)
    failed = 0
    for name in names:
        try:
            pulled = pull_model(name, allow_pickle, notify=reporter.info)
            reporter.info(f"{name}: commit {pulled.revision}, {pulled.weight_bytes / 1e6:.1f} MB "
                          f"of weights, in {pulled.path}")
        except ModelUnavailable as exc:  # the next model may still come
            reporter.error(str(exc))
            failed += 1
    raise typer.Exit(1 if failed else 0)
