"""Finding model files: a local folder, the Hugging Face cache, or a download (at the
revision a user or the package pins, ``pins.py``).

Kept free of torch and transformers imports so that a missing model is reported in a
fraction of a second, before the heavy libraries load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelUnavailable
from . import conversion
from .pins import revision_for, split_revision

SAFE_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.spm", "*.txt", "*.tiktoken", "*.jinja"]
PICKLE_PATTERNS = ["*.bin"]


@dataclass(frozen=True)
class ModelRef:
    """Where a model's files are, and what to write in a manifest about it."""

    name: str  # as the user gave it
    path: Path
    revision: str | None  # the hub commit, None for a local folder

    def manifest(self) -> dict:
        return {"name": self.name, "path": str(self.path), "revision": self.revision}


SUMMARISER_FLAG = "--summariser"


def _how_to_get(name: str, flag: str = SUMMARISER_FLAG) -> str:
    return (f"Get it with `summarise models pull {name}` on a machine that is online "
            "(it goes into the Hugging Face cache, HF_HOME), or pass a local folder instead "
            f"(e.g. {with_value(flag, './models/my-model')}).")


def with_value(flag: str, value: str) -> str:
    """``--summariser X`` or ``--translator de-en=X``."""
    return f"{flag}{value}" if flag.endswith("=") else f"{flag} {value}"


def resolve(name: str, allow_pickle: bool = False, download: bool = True,
            flag: str = SUMMARISER_FLAG, notify=None) -> ModelRef:
    """Locate ``name`` (a folder, a hub id, or ``owner/name@REVISION``), downloading it only
    when allowed and online.

    A hub id is fetched at the user's ``@REVISION``, else at the package's pin
    (``pins.py``), else at main. ``flag`` is how the user names this model (``--summariser``,
    ``--translator de-en=``), for the hint of a message; ``notify`` gets one-line news
    (a conversion ref used instead of main).
    """
    local = Path(name).expanduser()
    if local.is_dir():
        ref = ModelRef(name, local.resolve(), None)
    elif looks_like_path(name):
        raise ModelUnavailable(f"model folder {name} does not exist; pass "
                               f"{with_value(flag, 'FOLDER')} with a folder that does.")
    else:
        ref = _from_hub(name, allow_pickle, download, flag, notify)
    check_weights(ref, allow_pickle)
    return ref


def looks_like_path(name: str) -> bool:
    """A folder the user meant, not a hub id (``owner/name``, which may hold dots:
    ``Qwen/Qwen2.5-1.5B-Instruct``)."""
    return name.startswith((".", "/", "~")) or split_revision(name)[0].count("/") > 1


def _from_hub(name: str, allow_pickle: bool, download: bool, flag: str, notify) -> ModelRef:
    from huggingface_hub import constants
    from huggingface_hub.errors import HFValidationError

    repo, revision, _ = revision_for(name)
    try:
        path = cached_snapshot(repo, revision, allow_pickle)
    except HFValidationError:
        raise ModelUnavailable(f"model {name!r} is neither a local folder nor a hub id "
                               "like 'owner/name' (or 'owner/name@REVISION').") from None
    if path is None:
        if not download or constants.HF_HUB_OFFLINE:
            reason = "offline mode is set (HF_HUB_OFFLINE)" if constants.HF_HUB_OFFLINE else \
                "downloads are off"
            raise ModelUnavailable(f"model {name} is not in the local cache and {reason}. "
                                   + _how_to_get(name, flag))
        path = download_model(name, allow_pickle, flag=flag, notify=notify)
    path = Path(path)
    return ModelRef(name, path, path.name)


def cached_snapshot(repo: str, revision: str | None, allow_pickle: bool) -> str | None:
    """The cached snapshot of ``repo`` at ``revision`` (None: main, or a safetensors
    conversion ref fetched earlier in its place), or None when it is not cached."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    candidates = [revision] if revision else ["main", *conversion.cached_refs(repo)]
    for candidate in candidates:
        try:
            return snapshot_download(repo, revision=candidate, local_files_only=True,
                                     allow_patterns=patterns(allow_pickle))
        except LocalEntryNotFoundError:
            continue
    return None


def patterns(allow_pickle: bool) -> list[str]:
    return SAFE_PATTERNS + (PICKLE_PATTERNS if allow_pickle else [])


def download_model(name: str, allow_pickle: bool = False, pulling: bool = False,
                   flag: str = SUMMARISER_FLAG, notify=None) -> str:
    """Download ``name`` (``owner/name[@REVISION]``) into the Hugging Face cache at its
    revision (see ``resolve``), safetensors only unless pickle is allowed.

    An unpinned id whose main holds only pickle weights is fetched from the safetensors
    conversion ref instead (``conversion.py``), or refused.
    ``pulling``: called by ``models pull``, whose failure must not advise running it.
    ``flag``: the option that named the model, so the hint names the flag to fix."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    repo, revision, pinned = revision_for(name)
    try:
        if revision is None:
            revision = conversion.revision_with_weights(repo, allow_pickle, notify)
        return snapshot_download(repo, revision=revision, allow_patterns=patterns(allow_pickle))
    except RepositoryNotFoundError:
        raise ModelUnavailable(f"model {repo} does not exist on the hub (or is private).") \
            from None
    except RevisionNotFoundError:
        whose = "the revision pinned in summarise.data/profiles.toml" if pinned else \
            "the revision you gave"
        raise ModelUnavailable(f"model {repo} has no revision {revision} on the hub ({whose}); "
                               f"name another with {with_value(flag, repo + '@REVISION')}.") \
            from None
    except GatedRepoError:
        raise ModelUnavailable(f"model {repo} is gated: accept its licence on the hub and "
                               "log in with `hf auth login`.") from None
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as exc:
        raise ModelUnavailable(_not_downloaded(name, exc, pulling, flag)) from None


def _not_downloaded(name: str, exc: Exception, pulling: bool, flag: str) -> str:
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        why = "offline mode is set (HF_HUB_OFFLINE=1), so nothing is downloaded"
        fix = "unset HF_HUB_OFFLINE on a machine that is online"
    else:
        why = f"the hub cannot be reached ({type(exc).__name__})"
        fix = "check the network connection (and HTTPS_PROXY if you use a proxy)"
    if pulling:
        return (f"model {name} cannot be downloaded: {why}. To get it, {fix}; or copy the "
                "model's folder to this machine and pass its path instead (e.g. "
                "--summariser ./models/my-model).")
    return f"model {name} is not in the local cache and {why}. " + _how_to_get(name, flag)


def check_weights(ref: ModelRef, allow_pickle: bool) -> None:
    """Refuse pickle-only checkpoints unless the user allowed them explicitly."""
    files = list(ref.path.glob("*.safetensors")) + list(ref.path.glob("*.safetensors.index.json"))
    if files:
        return
    if list(ref.path.glob("*.bin")):
        if allow_pickle:
            return
        raise ModelUnavailable(
            f"model {ref.name} has only pickle weights (*.bin), which can run code when "
            "loaded. Convert it to safetensors, or pass --allow-pickle if you trust it.")
    raise ModelUnavailable(f"model {ref.name} at {ref.path} has no weights "
                           "(*.safetensors) in it.")


@dataclass(frozen=True)
class Pulled:
    """What ``models pull`` fetched: the commit, where, and how many bytes of weights."""

    revision: str
    path: Path
    weight_bytes: int


def pull(name: str, allow_pickle: bool = False, notify=None) -> Pulled:
    """Download ``name`` at its revision and check it holds weights (``ModelUnavailable``
    when it does not, or when it cannot be downloaded)."""
    path = Path(download_model(name, allow_pickle, pulling=True, notify=notify))
    check_weights(ModelRef(name, path, path.name), allow_pickle)
    weights = [f for f in path.iterdir() if f.suffix in (".safetensors", ".bin")]
    return Pulled(path.name, path, sum(f.stat().st_size for f in weights))


def is_cached(name: str) -> bool:
    """True when ``name`` can be used without a download."""
    try:
        resolve(name, download=False)
    except ModelUnavailable:
        return False
    return True
