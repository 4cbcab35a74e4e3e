"""Safetensors for a hub model whose main branch holds only pickle weights.

Many older hub models (opus-mt among them) keep ``pytorch_model.bin`` on main and have
``model.safetensors`` only on a pull request that the hub's conversion bot opened. transformers
finds that pull request when it is given a hub id (``safetensors_conversion.py``); we always
hand transformers a local folder, so we find it ourselves, the same way: an open pull request
titled as the bot titles it, opened by the bot (anyone can open a pull request, so a look-alike
from someone else is not trusted), whose parent is main's head commit. Unlike transformers we
never ask the conversion service to create one.
"""

from __future__ import annotations

from ..errors import ModelUnavailable

CONVERSION_TITLE = "Adding `safetensors` variant of this model"
CONVERSION_BOT = "sfconvertbot"


def revision_with_weights(repo: str, allow_pickle: bool, notify=None) -> str:
    """The revision of unpinned ``repo`` to download: main when it has safetensors (or no
    weights at all, which ``check_weights`` reports), else the conversion ref (said once
    through ``notify``), else main with ``--allow-pickle``; otherwise a one-line refusal."""
    from huggingface_hub import HfApi

    api = HfApi()
    files = api.list_repo_files(repo)
    if any(f.endswith(".safetensors") for f in files) or not any(f.endswith(".bin")
                                                                 for f in files):
        return "main"
    ref = conversion_ref(api, repo)
    if ref is not None:
        (notify or print)(f"model {repo}: main has only pickle weights (*.bin); using the "
                          f"safetensors conversion on {ref} instead, as transformers would.")
        return ref
    if allow_pickle:
        return "main"
    raise ModelUnavailable(
        f"model {repo} has only pickle weights (*.bin) on main and no safetensors conversion "
        "pull request; pickle can run code when loaded: pin a revision with safetensors "
        f"({repo}@REVISION), or pass --allow-pickle to load it with torch's weights-only "
        "unpickler if you trust it.")


def conversion_ref(api, repo: str) -> str | None:
    """``refs/pr/N`` of the conversion bot's open pull request on main's head commit whose
    tree holds safetensors, or None."""
    main_head = api.list_repo_commits(repo)[0].commit_id
    for discussion in api.get_repo_discussions(repo, discussion_type="pull_request",
                                               discussion_status="open"):
        if (discussion.title != CONVERSION_TITLE or not discussion.is_pull_request
                or discussion.author.lower() != CONVERSION_BOT):
            continue
        ref = discussion.git_reference
        history = api.list_repo_commits(repo, revision=ref)
        if len(history) < 2 or history[1].commit_id != main_head:
            continue  # converted from an older main: not the weights main has now
        if any(f.endswith(".safetensors") for f in api.list_repo_files(repo, revision=ref)):
            return ref
    return None


def cached_refs(repo: str) -> list[str]:
    """Pull-request refs of ``repo`` in the local cache (a conversion fetched earlier), newest
    pull request first, so that an unpinned model converted online is found offline too."""
    from pathlib import Path

    from huggingface_hub import constants
    from huggingface_hub.file_download import repo_folder_name

    folder = Path(constants.HF_HUB_CACHE) / repo_folder_name(repo_id=repo, repo_type="model")
    refs = folder / "refs" / "refs" / "pr"
    if not refs.is_dir():
        return []
    numbers = sorted((int(p.name) for p in refs.iterdir() if p.name.isdigit()), reverse=True)
    return [f"refs/pr/{n}" for n in numbers]
