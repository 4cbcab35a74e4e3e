"""Finding model files: a local folder, the Hugging Face cache, or a download.

Kept free of torch and transformers imports so that a missing model is reported in a
fraction of a second, before the heavy libraries load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelUnavailable

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
            flag: str = SUMMARISER_FLAG) -> ModelRef:
    """Locate ``name`` (a folder or a hub id), downloading it only when allowed and online.

    ``flag`` is how the user names this model (``--summariser``, ``--translator de-en=``),
    for the hint of a message.
    """
    local = Path(name).expanduser()
    if local.is_dir():
        ref = ModelRef(name, local.resolve(), None)
    elif name.startswith((".", "/", "~")) or local.suffix:
        raise ModelUnavailable(f"model folder {name} does not exist; pass "
                               f"{with_value(flag, 'FOLDER')} with a folder that does.")
    else:
        ref = _from_hub(name, allow_pickle, download, flag)
    check_weights(ref, allow_pickle)
    return ref


def _from_hub(name: str, allow_pickle: bool, download: bool, flag: str) -> ModelRef:
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    patterns = SAFE_PATTERNS + (PICKLE_PATTERNS if allow_pickle else [])
    try:
        path = snapshot_download(name, allow_patterns=patterns, local_files_only=True)
    except HFValidationError:
        raise ModelUnavailable(f"model {name!r} is neither a local folder nor a hub id "
                               "like 'owner/name'.") from None
    except LocalEntryNotFoundError:
        if not download or constants.HF_HUB_OFFLINE:
            reason = "offline mode is set (HF_HUB_OFFLINE)" if constants.HF_HUB_OFFLINE else \
                "downloads are off"
            raise ModelUnavailable(f"model {name} is not in the local cache and {reason}. "
                                   + _how_to_get(name, flag)) from None
        path = download_model(name, allow_pickle, flag=flag)
    path = Path(path)
    return ModelRef(name, path, path.name)


def download_model(name: str, allow_pickle: bool = False, pulling: bool = False,
                   flag: str = SUMMARISER_FLAG) -> str:
    """Download into the Hugging Face cache (safetensors only unless pickle is allowed).

    ``pulling``: called by ``models pull``, whose failure must not advise running it.
    ``flag``: the option that named the model, so the hint names the flag to fix."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    patterns = SAFE_PATTERNS + (PICKLE_PATTERNS if allow_pickle else [])
    try:
        return snapshot_download(name, allow_patterns=patterns)
    except RepositoryNotFoundError:
        raise ModelUnavailable(f"model {name} does not exist on the hub (or is private).") \
            from None
    except GatedRepoError:
        raise ModelUnavailable(f"model {name} is gated: accept its licence on the hub and "
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


def is_cached(name: str) -> bool:
    """True when ``name`` can be used without a download."""
    try:
        resolve(name, download=False)
    except ModelUnavailable:
        return False
    return True
