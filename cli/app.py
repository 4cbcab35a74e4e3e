"""The ``summarise`` command line: a thin layer over the library.

``summarise PATH...`` is the main command; subcommands live beside it.  Click has no
default command that takes positional paths, so ``DefaultGroup`` routes any first
argument that is not a subcommand name to ``run``.
"""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from . import __version__
from .commands import compare as compare_cmd
from .commands import eval as eval_cmd
from .commands import extract as extract_cmd
from .commands import models as models_cmd
from .commands import prompts as prompts_cmd
from .commands import run as run_cmd

DEFAULT_COMMAND = "run"
ROOT_FLAGS = ("--debug",)
_debug = [False]
HELP = """\
Write German and English abstracts of documents at several lengths.

\b
  summarise seeds/ --lang en                         English summaries, short/medium/long
  summarise docs/ -l en -l de --length short --out runs/today --format json
  summarise report.txt --summariser ./my-mt5 --translator de-en=./opus-de-en

`summarise PATH...` is short for `summarise run PATH...`. A path named like a
subcommand (models, eval, ...) is reached as ./models.
"""


class DefaultGroup(TyperGroup):
    """A group whose unknown first argument starts the default command."""

    def parse_args(self, ctx, args):
        lead = 0  # options of the group itself come first and stay there
        while lead < len(args) and args[lead] in ROOT_FLAGS:
            lead += 1
        first = next((a for a in args[lead:] if a != "--"), None)
        if first is not None and first not in self.commands and first not in (
                "--help", "-h", "--version", "--install-completion", "--show-completion"):
            args = [*args[:lead], DEFAULT_COMMAND, *args[lead:]]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=DefaultGroup, help=HELP, no_args_is_help=True,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  rich_markup_mode=None, add_completion=False)


def _version(value: bool) -> None:
    if value:
        print(f"summarise {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit."),
          debug: bool = typer.Option(False, "--debug", help="Print the traceback of an "
                                     "internal error (it always goes to a log file).")) -> None:
    """Write German and English abstracts of documents at several lengths."""
    _debug[0] = debug


app.command(DEFAULT_COMMAND, help=run_cmd.HELP, no_args_is_help=True)(run_cmd.run)
app.add_typer(models_cmd.app, name="models")
app.command("extract", help=extract_cmd.HELP, no_args_is_help=True)(extract_cmd.extract)
app.command("eval", help=eval_cmd.HELP)(eval_cmd.eval_command)
app.command("compare", help=compare_cmd.HELP, no_args_is_help=True)(compare_cmd.compare_command)
app.add_typer(prompts_cmd.app, name="prompts")


def main() -> None:
    try:
        code = app(standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line and a log file
        from .crash import report

        code = report(exc, debug=_debug[0])
    sys.exit(code or 0)
