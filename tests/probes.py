"""Which modules a ``summarise`` command loads: the command run in a fresh Python, which
reports the loaded modules that start with any of the watched names."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import sys
    watched = tuple(sys.argv[1].split(","))
    from summarise.app import main
    sys.argv = ["summarise", *sys.argv[2:]]
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    print("LOADED=" + ",".join(sorted(m for m in sys.modules if m.startswith(watched))),
          file=sys.stderr)
    sys.exit(code)
""")


def modules_after(watched: tuple[str, ...], *args: str, timeout: int = 120
                  ) -> tuple[int, list[str], str]:
    """Exit code, the watched modules loaded, and stderr of ``summarise ARGS``."""
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(watched), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin",
                               "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"})
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED=")]
    assert line, done.stderr
    return (done.returncode, [m for m in line[-1].removeprefix("LOADED=").split(",") if m],
            done.stderr)
