"""Loading models from several threads or registries in one process: each load sees
transformers' process-wide switches as they should be, and a run that ends leaves no
loading thread behind."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

# Run in a child process: should loads ever overlap again, the switches they leave
# flipped would break every later load in the test worker, not just this test.
OVERLAPPING_LOADS = textwrap.dedent("""
    import sys, threading
    from summarise import Settings
    from summarise.config import Generation
    from summarise.models import ModelRegistry

    settings = Settings(summariser=sys.argv[1], generation=Generation(dtype="fp32"))

    failed = []

    def load_again_and_again():
        for _ in range(10):
            try:
                ModelRegistry(settings).summariser()
            except Exception as exc:
                failed.append(exc)

    threads = [threading.Thread(target=load_again_and_again) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("FAILED=" + "|".join(str(exc)[:300] for exc in failed))
    model = ModelRegistry(settings).summariser().loaded.model
    print("DEVICES=" + ",".join(sorted({p.device.type for p in model.parameters()})))
""")


def test_loads_from_two_threads_at_once_leave_later_models_whole(tiny_models):
    done = subprocess.run([sys.executable, "-c", OVERLAPPING_LOADS, str(tiny_models["mt5"])],
                          capture_output=True, text=True, timeout=300,
                          env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "FAILED=" in done.stdout.splitlines(), done.stdout  # no load failed
    assert "DEVICES=cpu" in done.stdout.splitlines()


def test_stopping_the_prefetch_waits_for_the_load_in_progress(tiny_models):
    from summarise import Settings
    from summarise.config import Generation
    from summarise.models import ModelRegistry

    settings = Settings(summariser=str(tiny_models["mt5"]),
                        translators={"de-en": str(tiny_models["marian-de-en"])},
                        generation=Generation(dtype="fp32"))
    registry = ModelRegistry(settings)
    registry.prefetch_summariser()
    registry.prefetch_translators([("de", "en")])
    registry.stop_prefetching()
    assert not [t for t in threading.enumerate() if t.name == "summarise-prefetch"]
    assert registry.summariser() is not None  # a dropped load happens when it is needed
