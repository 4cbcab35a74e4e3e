"""The ``summarise`` command line: a thin layer over the library.

``summarise PATH...`` is the main command; subcommands live beside it.  Click has no
default command that takes positional paths, so ``DefaultGroup`` routes any first
argument that is not a subcommand name to ``run``.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from . import __version__
from . import options as opt
from .commands import check as check_cmd
from .commands import compare as compare_cmd
from .commands import config as config_cmd
from .commands import eval as eval_cmd
from .commands import extract as extract_cmd
from .commands import models as models_cmd
from .commands import prompts as prompts_cmd
from .commands import run as run_cmd
from .console import NORMAL, QUIET, VERBOSE, Verbosity, current_reporter
from .errors import known_error

DEFAULT_COMMAND = "run"
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
    """A group whose unknown first argument starts the default command, and the one
    place where errors become messages and exit codes."""

    def parse_args(self, ctx, args):
        args = global_flags_first(args)
        first = next((a for a in args if a != "--" and a not in opt.VERBOSITY_FLAGS), None)
        if first is None:  # `summarise` (or `summarise -q`): run's short "missing PATH"
            args = [*args, DEFAULT_COMMAND]
        elif first not in self.commands and first not in (
                "--help", "-h", "--version", "--install-completion", "--show-completion"):
            at = args.index(first)
            args = [*args[:at], DEFAULT_COMMAND, *args[at:]]
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `summarise ... | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (Exception, KeyboardInterrupt) as exc:
            if _is_cli_control(exc):  # exit codes, --help, bad options: the CLI's own
                raise
            raise typer.Exit(report_error(exc)) from None


def global_flags_first(args: list[str]) -> list[str]:
    """--quiet/--verbose/--debug may come anywhere (``summarise eval x.jsonl -q``); the
    root command reads them, so they move to the front (never past a ``--``)."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in opt.VERBOSITY_FLAGS]
    return [*flags, *(a for a in args[:end] if a not in opt.VERBOSITY_FLAGS), *args[end:]]


def _is_cli_control(exc: BaseException) -> bool:
    """typer.Exit, Abort and click's usage errors (vendored by newer Typer, so matched by
    module rather than class)."""
    return isinstance(exc, (typer.Exit, typer.Abort)) or \
        type(exc).__module__.split(".")[0] in ("click", "typer")


def report_error(exc: BaseException) -> int:
    """One line per problem on stderr; returns the exit code. An error we did not expect
    is a bug: ``crash.report`` puts its traceback in a log file (and on stderr with
    --debug)."""
    reporter = current_reporter()
    known = known_error(exc)
    if known is not None:
        lines, code = known
        for line in lines:
            reporter.error(line)
        return code
    from .crash import report

    return report(exc, debug=Verbosity.debug)



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
          quiet: opt.Quiet = False, verbose: opt.Verbose = False,
          debug: opt.Debug = False) -> None:
    """Write German and English abstracts of documents at several lengths."""
    Verbosity.start(QUIET if quiet else VERBOSE if verbose or debug else NORMAL, debug)


# Without PATH, run says so in a usage line (exit 2) instead of printing its whole help.
app.command(DEFAULT_COMMAND, help=run_cmd.HELP)(run_cmd.run)
app.add_typer(models_cmd.app, name="models")
app.command("extract", help=extract_cmd.HELP, no_args_is_help=True)(extract_cmd.extract)
app.command("eval", help=eval_cmd.HELP)(eval_cmd.eval_command)
app.command("compare", help=compare_cmd.HELP, no_args_is_help=True)(compare_cmd.compare_command)
app.command("check", help=check_cmd.HELP, no_args_is_help=True)(check_cmd.check_command)
app.add_typer(prompts_cmd.app, name="prompts")
app.add_typer(config_cmd.app, name="config")


def main() -> None:
    try:
        code = app(standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - raised outside a command: still a bug of ours
        code = report_error(exc)
    sys.exit(code or 0)
