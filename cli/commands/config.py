"""``summarise config show``: the settings a run would use, and where each came from."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .. import options as opt
from ..errors import UsageError

app = typer.Typer(help="Show the effective settings (defaults, config files, preset, flags).",
                  no_args_is_help=True, rich_markup_mode=None)
FORMATS = ("text", "json")


@app.command("show")
@opt.shared_flags(opt.MODEL_FLAGS)
def show(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                     help="text or json.")] = "text",
    lang: opt.Langs = None,
    length: opt.Lengths = None,
    source_lang: opt.SourceLang = None,
) -> None:
    """Print every setting with its value and its origin: default, a config file, the
    preset, or a flag. Takes the same model flags as `run` to show what they change."""
    from ..config import config_candidates
    from ..layers import ModelOptions, flatten, layered_settings
    from ..serveropts import public_url

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    options = ModelOptions.from_params(ctx.params)
    settings, origins = layered_settings(options)
    values = flatten(settings)
    for key in [k for k in values if k.endswith("api_base")]:  # its credentials stay unsaid
        values[key] = public_url(values[key])
    if fmt == "json":
        rows = {key: {"value": value, "from": origins.get(key, "default")}
                for key, value in values.items()}
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    print("config files looked for (a later one wins):")
    for path in config_candidates(options.config):
        print(f"  {path}  ({'found' if path.is_file() else 'not found'})")
    print()
    shown = {key: _show(value) for key, value in values.items()}
    width = max(map(len, [*values, "SETTING"]))
    value_width = min(48, max(map(len, [*shown.values(), "VALUE"])))
    print(f"{'SETTING':<{width}}  {'VALUE':<{value_width}}  FROM")
    for key in values:
        print(f"{key:<{width}}  {shown[key]:<{value_width}}  {origins.get(key, 'default')}")


def _show(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
