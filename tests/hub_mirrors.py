"""Hub repositories laid out as the real ones are at the revisions we pin, for ``hubserver``.

File names per revision are those of the stored hub tree pages cited in
``summarise.data/profiles.toml``; the weights, configs and tokenizers are our tiny builders'
(``summarise.devmodels``), since a config must match its weights. Contents taken from the
stored pages: opus-mt's generation_config.json (the layout every opus-mt repo got in the
"renormalize_logits" commit, its pad id set to the tiny vocabulary's) and mT5's
special_tokens_map.json. Formats we never read (rust_model.ot, tf_model.h5) hold a few bytes.
Commits the pages show in full keep their real ids; others get ``fake_sha`` ids.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from hubserver import Commit, Repo, fake_sha

MT5 = "T-Systems-onsite/mt5-small-sum-de-en-v2"
DE_EN = "Helsinki-NLP/opus-mt-de-en"
EN_DE = "Helsinki-NLP/opus-mt-en-de"
BART = "facebook/bart-large-cnn"
QWEN = "Qwen/Qwen2.5-1.5B-Instruct"
# The commits the stored pages show (cited in summarise.data/profiles.toml): written out here,
# not read from the package, so that a test fails when the package stops using them.
REAL_COMMITS = {
    MT5: "c1058c82e9108cf84f4e5a42df150d2ba22d270a",
    DE_EN: "6f6b23ef5ef8a586414ad9d2b7dda64ca5352935",
    EN_DE: "0012d6d6ff4b4dd06bee042d3294295f0e587abd",
    BART: "ca09a9292395f251a19ab727675a154bdbbf4b48",
    QWEN: "f73cfd58be7c44c3caabea717217251688cd47b1",
}
NOT_READ = b"a format summarise never reads\n"
GITATTRIBUTES = b"*.bin filter=lfs diff=lfs merge=lfs -text\n"
# The title the conversion bot gives its pull requests, as the stored pages show it.
CONVERSION_TITLE = "Adding `safetensors` variant of this model"


def pickled(folder: Path) -> bytes:
    """The folder's weights as ``pytorch_model.bin`` (a torch pickle), as old repos hold them."""
    import torch
    from safetensors.torch import load_file

    buffer = io.BytesIO()
    torch.save(load_file(folder / "model.safetensors"), buffer)
    return buffer.getvalue()


def read(folder: Path, *names: str) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names}


def opus_generation_config(folder: Path) -> bytes:
    pad = json.loads((folder / "config.json").read_text())["pad_token_id"]
    return json.dumps({"bad_words_ids": [[pad]], "bos_token_id": 0,
                       "decoder_start_token_id": pad, "eos_token_id": 0,
                       "forced_eos_token_id": 0, "max_length": 512, "num_beams": 4,
                       "pad_token_id": pad, "renormalize_logits": True,
                       "transformers_version": "4.32.0.dev0"}, indent=2).encode()


def opus_mt(name: str, folder: Path, pr_number: int | None) -> Repo:
    """main: pickle only; the pinned commit (the conversion bot's) adds model.safetensors.
    ``pr_number``: the pull request that holds it, when the stored pages name one."""
    main_files = {".gitattributes": GITATTRIBUTES, "README.md": f"# {name}\n".encode(),
                  **read(folder, "config.json", "source.spm", "target.spm",
                         "tokenizer_config.json", "vocab.json"),
                  "generation_config.json": opus_generation_config(folder),
                  "pytorch_model.bin": pickled(folder),
                  "rust_model.ot": NOT_READ, "tf_model.h5": NOT_READ}
    repo = Repo()
    main = repo.add(Commit(fake_sha(f"{name} main"), main_files, title="Add TF weights"), "main")
    converted = Commit(REAL_COMMITS[name],
                       {**main_files, **read(folder, "model.safetensors")}, parent=main.sha,
                       title=CONVERSION_TITLE, author="SFconvertbot")
    if pr_number is None:
        repo.add(converted)
    else:
        repo.pull_request(pr_number, converted, "SFconvertbot", CONVERSION_TITLE)
    return repo


def mt5(folder: Path) -> Repo:
    """main at the pin: the conversion (#2) merged, so safetensors beside the pickle."""
    first = {".gitattributes": GITATTRIBUTES,
             **read(folder, "config.json", "spiece.model", "tokenizer_config.json"),
             "special_tokens_map.json": json.dumps(
                 {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}).encode(),
             "pytorch_model.bin": pickled(folder)}
    repo = Repo()
    base = repo.add(Commit("d00e94d161c2799ba45b2b3a27bcefeca64ac7ad", first,
                           title="add first version with model files"))
    merged = {**first, "README.md": b"# mT5-small-sum-de-en-v2\n",
              **read(folder, "model.safetensors")}
    repo.add(Commit(REAL_COMMITS[MT5], merged, parent=base.sha,
                    title=f"{CONVERSION_TITLE} (#2)"), "main")
    return repo


def safetensors_main(name: str, folder: Path, extra: dict[str, bytes]) -> Repo:
    """A repo whose main (the pin) has safetensors: bart-large-cnn, Qwen2.5."""
    files = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    repo = Repo()
    repo.add(Commit(REAL_COMMITS[name], {**files, **extra}), "main")
    return repo


def real_layouts(models: dict[str, Path]) -> dict[str, Repo]:
    """Every model a preset or default names; ``models``: tiny builds by family."""
    return {
        MT5: mt5(models["mt5"]),
        DE_EN: opus_mt(DE_EN, models["marian"], pr_number=6),
        # en-de's pinned commit 0012d6d is not tied to a pull request number in the stored
        # pages (refs/pr/4 shows only its abbreviated commit 73d41ab): served by commit only.
        EN_DE: opus_mt(EN_DE, models["marian"], pr_number=None),
        BART: safetensors_main(BART, models["bart"],
                               {"pytorch_model.bin": pickled(models["bart"])}),
        QWEN: safetensors_main(QWEN, models["qwen2"], {"LICENSE": b"Apache License 2.0\n"}),
    }
