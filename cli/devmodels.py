"""Random-weight models of the real architectures, built offline in seconds.

Tests, benchmarks and offline demos cannot download weights, so they build their
own: a SentencePiece tokenizer trained on local text plus a model of the real
architecture (mT5, Marian, BART, Qwen2, mDeBERTa NLI) from a config.  The weights are random, so
the text they write is gibberish: use them to test mechanics, never quality.

A development tool, not part of the summarising library: it ships in the package only
so that tests and ``bench/`` can build models anywhere; no other module imports it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

# A chat template in the usual ChatML shape, enough for tests of chat models.
CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass(frozen=True)
class Size:
    """Model dimensions; ``TINY`` for tests, the ``*_FULL`` presets match real checkpoints."""

    d_model: int = 32
    ff: int = 64
    layers: int = 2
    heads: int = 2
    vocab: int = 1000
    max_positions: int = 512
    head_dim: int = 0  # 0: d_model // heads; mT5-small has 6 heads of 64 (384 < d_model)


TINY = Size()
MT5_SMALL_FULL = Size(d_model=512, ff=1024, layers=8, heads=6, vocab=250112, head_dim=64)
OPUS_MT_FULL = Size(d_model=512, ff=2048, layers=6, heads=8, vocab=58101)
# MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7's config.json (its --checker cost)
MDEBERTA_BASE_FULL = Size(d_model=768, ff=3072, layers=12, heads=12, vocab=250124)


def train_spm(corpus: Path, out_file: Path, vocab: int, user_symbols: tuple[str, ...] = (),
              model_type: str = "unigram") -> Path:
    """Train a SentencePiece model (unigram unless asked) with the T5 id layout (pad 0,
    eos 1, unk 2)."""
    import sentencepiece as spm

    out_file.parent.mkdir(parents=True, exist_ok=True)
    prefix = out_file.with_suffix("")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab,
        model_type=model_type,
        character_coverage=1.0,
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        user_defined_symbols=list(user_symbols),
        hard_vocab_limit=False,
        minloglevel=2,
    )
    prefix.with_suffix(".model").replace(out_file)
    prefix.with_suffix(".vocab").unlink(missing_ok=True)
    return out_file


def _t5_tokenizer(corpus: Path, size: Size, work: Path, symbols: tuple[str, ...] = ()):
    from transformers import T5Tokenizer

    # The SentencePiece vocabulary is capped so that a large model vocab (250112 for mT5)
    # still trains in seconds; the extra embedding rows are simply never produced by it.
    train_spm(corpus, work / "spiece.model", min(size.vocab, 8000), symbols)
    tokenizer = T5Tokenizer.from_pretrained(str(work))
    if symbols:
        tokenizer.add_special_tokens({"additional_special_tokens": list(symbols)})
    return tokenizer


def _mute_rows(model, unused: range) -> None:
    """Zero the output rows of ids the tokenizer cannot write (the vocab is padded to the
    real model's size): random logits elsewhere are far above 0, so the model only ever
    writes real words, and outputs have the length and text a real model's would."""
    import torch

    if len(unused):
        with torch.no_grad():
            model.get_output_embeddings().weight[unused.start:unused.stop] = 0


def _ban_pad(model, pad_id: int) -> None:
    # A random model under greedy search emits only <pad>; banning it gives real text.
    model.generation_config.bad_words_ids = [[pad_id]]


def build_mt5(out: Path, corpus: Path, size: Size = TINY, seed: int = 0) -> Path:
    """A random mT5 summariser (encoder-decoder, "summarize: " prefix) in ``out``."""
    import torch
    from transformers import MT5Config, MT5ForConditionalGeneration

    torch.manual_seed(seed)
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = _t5_tokenizer(corpus, size, Path(tmp))
        config = MT5Config(
            vocab_size=max(size.vocab, len(tokenizer)),
            d_model=size.d_model,
            d_kv=size.head_dim or size.d_model // size.heads,
            d_ff=size.ff,
            num_layers=size.layers,
            num_decoder_layers=size.layers,
            num_heads=size.heads,
            decoder_start_token_id=0,
            pad_token_id=0,
            eos_token_id=1,
            tie_word_embeddings=False,
        )
        model = MT5ForConditionalGeneration(config).eval()
        _ban_pad(model, 0)
        _mute_rows(model, range(len(tokenizer), config.vocab_size))
        tokenizer.model_max_length = size.max_positions  # the window mT5 was trained for
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
        # Real mT5 checkpoints ship the SentencePiece model itself (no tokenizer.json):
        # kept so that a test can serve a folder laid out as theirs are.
        shutil.copy(Path(tmp) / "spiece.model", Path(out) / "spiece.model")
    return out


def marian_tokenizer(spm_file: Path, work: Path, vocab_size: int, max_positions: int):
    """An opus-mt style tokenizer in ``work`` from one SentencePiece model shared by both
    sides; returns it, the number of real pieces, and the vocabulary size (at least
    ``vocab_size``, padded with unused ids, <pad> last as in opus-mt)."""
    import sentencepiece as spm
    from transformers import MarianTokenizer

    for side in ("source.spm", "target.spm"):
        if spm_file != work / side:
            shutil.copy(spm_file, work / side)
    processor = spm.SentencePieceProcessor(model_file=str(spm_file))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        if piece not in ("<pad>", "</s>", "<unk>") and piece not in vocab:
            vocab[piece] = len(vocab)
    size = max(vocab_size, len(vocab) + 1)
    known = len(vocab)  # ids after these are fillers up to the real vocab size
    for filler in range(len(vocab), size - 1):
        vocab[f"<unused{filler}>"] = filler
    vocab["<pad>"] = size - 1
    (work / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tokenizer = MarianTokenizer(str(work / "source.spm"), str(work / "target.spm"),
                                str(work / "vocab.json"), model_max_length=max_positions)
    return tokenizer, known, size


def _bart_family_dims(size: Size) -> dict:
    """Layer sizes in the naming Marian and BART configs share (one encoder-decoder shape)."""
    return {"d_model": size.d_model, "encoder_layers": size.layers,
            "decoder_layers": size.layers, "encoder_attention_heads": size.heads,
            "decoder_attention_heads": size.heads, "encoder_ffn_dim": size.ff,
            "decoder_ffn_dim": size.ff}


def marian_config(size: Size, vocab_size: int, pad: int, **extra):
    """A Marian config of ``size`` in the opus-mt layout (shared embeddings, swish)."""
    from transformers import MarianConfig

    return MarianConfig(
        vocab_size=vocab_size,
        **_bart_family_dims(size),
        activation_function="swish",  # as in every opus-mt checkpoint
        max_position_embeddings=size.max_positions,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        **extra,
    )


def build_marian(out: Path, corpus: Path, size: Size = TINY, seed: int = 0) -> Path:
    """A random Marian translator (opus-mt layout: one shared SentencePiece vocab)."""
    import torch
    from transformers import MarianMTModel

    torch.manual_seed(seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        spm_file = train_spm(corpus, work / "source.spm", min(size.vocab, 8000))
        tokenizer, known, vocab_size = marian_tokenizer(spm_file, work, size.vocab,
                                                        size.max_positions)
        pad = vocab_size - 1
        model = MarianMTModel(marian_config(size, vocab_size, pad)).eval()
        _ban_pad(model, pad)
        _mute_rows(model, range(known, pad))
        model.generation_config.max_length = size.max_positions
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
    return out


def build_bart(out: Path, corpus: Path, size: Size = TINY, seed: int = 0) -> Path:
    """A random BART summariser (no task prefix) with a SentencePiece tokenizer."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(seed)
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = _t5_tokenizer(corpus, size, Path(tmp))
        config = BartConfig(
            vocab_size=max(size.vocab, len(tokenizer)),
            **_bart_family_dims(size),
            max_position_embeddings=size.max_positions,
            pad_token_id=0,
            bos_token_id=1,
            eos_token_id=1,
            decoder_start_token_id=1,
            forced_bos_token_id=None,
            forced_eos_token_id=1,
        )
        model = BartForConditionalGeneration(config).eval()
        _ban_pad(model, 0)
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
    return out


def _byte_bpe_tokenizer(corpus: Path, size: Size):
    """A byte-level BPE tokenizer as Qwen2 ships (AutoTokenizer always loads a qwen2 model's
    tokenizer as Qwen2Tokenizer, which splits a SentencePiece vocab into single letters)."""
    import json

    from tokenizers import ByteLevelBPETokenizer
    from transformers import Qwen2Tokenizer

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]  # pad is id 0
    bpe = ByteLevelBPETokenizer()
    bpe.train([str(corpus)], vocab_size=min(size.vocab, 8000), min_frequency=2,
              special_tokens=specials, show_progress=False)
    trained = json.loads(bpe.to_str())["model"]
    tokenizer = Qwen2Tokenizer(vocab=trained["vocab"],
                               merges=[tuple(m) for m in trained["merges"]],
                               eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.add_special_tokens({"additional_special_tokens": specials[1:]})
    return tokenizer


def build_qwen2(out: Path, corpus: Path, size: Size = TINY, seed: int = 0) -> Path:
    """A random Qwen2 chat model (decoder-only) with a ChatML chat template."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    tokenizer = _byte_bpe_tokenizer(corpus, size)
    tokenizer.chat_template = CHATML_TEMPLATE
    tokenizer.eos_token = "<|im_end|>"
    tokenizer.padding_side = "left"
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    config = Qwen2Config(
        vocab_size=max(size.vocab, len(tokenizer)),
        hidden_size=size.d_model,
        intermediate_size=size.ff,
        num_hidden_layers=size.layers,
        num_attention_heads=size.heads,
        num_key_value_heads=size.heads,
        max_position_embeddings=size.max_positions * 4,
        eos_token_id=end,
        pad_token_id=0,
        bos_token_id=None,
        tie_word_embeddings=True,
        initializer_range=0.2,  # at the usual 0.02 a random model writes only newlines
    )
    model = Qwen2ForCausalLM(config).eval()
    _ban_pad(model, 0)
    model.generation_config.eos_token_id = end
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


NLI_LABELS = ("entailment", "neutral", "contradiction")  # mDeBERTa-xnli's order


def _deberta_tokenizer(corpus: Path, size: Size, work: Path):
    """A SentencePiece tokenizer with DeBERTa-v3's special tokens and ids ([PAD] 0, [CLS]
    1, [SEP] 2, [UNK] 3, then [MASK]), saved as mDeBERTa ships it (spm.model)."""
    import sentencepiece as spm
    from transformers import DebertaV2Tokenizer

    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(work / "spm"), vocab_size=min(size.vocab, 8000),
        model_type="unigram", character_coverage=1.0, pad_id=0, pad_piece="[PAD]",
        bos_id=1, bos_piece="[CLS]", eos_id=2, eos_piece="[SEP]", unk_id=3,
        unk_piece="[UNK]", user_defined_symbols=["[MASK]"], hard_vocab_limit=False,
        minloglevel=2)
    (work / "spm.vocab").unlink(missing_ok=True)
    tokenizer = DebertaV2Tokenizer.from_pretrained(str(work))
    tokenizer.model_max_length = size.max_positions
    return tokenizer


def build_nli(out: Path, corpus: Path, size: Size = TINY, seed: int = 0,
              labels: tuple[str, ...] = NLI_LABELS) -> Path:
    """A random NLI classifier of mDeBERTa-v3's architecture (DebertaV2ForSequenceClassification,
    relative attention, no token types) whose classes are ``labels`` in that order, for
    ``--checker``. Its scores are random: for the checker's mechanics only."""
    import torch
    from transformers import DebertaV2Config, DebertaV2ForSequenceClassification

    torch.manual_seed(seed)
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = _deberta_tokenizer(corpus, size, Path(tmp))
        config = DebertaV2Config(
            vocab_size=max(size.vocab, len(tokenizer)), hidden_size=size.d_model,
            num_hidden_layers=size.layers, num_attention_heads=size.heads,
            intermediate_size=size.ff, max_position_embeddings=size.max_positions,
            relative_attention=True, position_buckets=256, norm_rel_ebd="layer_norm",
            share_att_key=True, pos_att_type=["p2c", "c2p"], position_biased_input=False,
            type_vocab_size=0, pad_token_id=0, layer_norm_eps=1e-7, pooler_dropout=0,
            pooler_hidden_size=size.d_model, num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={label: index for index, label in enumerate(labels)})
        config.architectures = ["DebertaV2ForSequenceClassification"]
        model = DebertaV2ForSequenceClassification(config).eval()
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
        shutil.copy(Path(tmp) / "spm.model", Path(out) / "spm.model")
    return out


def build_once(folder: Path, plan: dict, corpus: Path, say=print) -> dict[str, Path]:
    """``plan`` ({name: (builder, size, seed)}) built into ``folder/name`` unless a
    finished build is there (benchmarks build full-size models once, then reuse them); a
    build goes to a side folder first, so an interrupted one is never taken as done."""
    import os

    paths = {}
    for name, (build, size, seed) in plan.items():
        path = folder / name
        if not (path / "config.json").is_file():
            say(f"building a random {name} model of the real size into {path} (once)")
            work = folder / f".{name}-building"
            shutil.rmtree(work, ignore_errors=True)
            build(work, corpus, size, seed=seed)
            shutil.rmtree(path, ignore_errors=True)
            os.replace(work, path)
        paths[name] = path
    return paths


# ---------------------------------------------------------------- command line

BUILDERS = {"mt5": build_mt5, "marian-de-en": build_marian, "marian-en-de": build_marian,
            "bart": build_bart, "qwen2": build_qwen2, "nli": build_nli}


def _parser():
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m summarise.devmodels",
        description="Development tool: build small models of the real architectures offline "
        "for tests, benchmarks and demos. Not for summarising anything real.",
        epilog="trained OUT  -> OUT/summariser (mT5 that writes the first 1/3/6 sentences "
        "for short/medium/long), OUT/de-en and OUT/en-de (Marian, word-for-word "
        "translators of a small lexicon); a few minutes on 2 CPU cores.\n"
        "tiny OUT     -> random-weight tiny models (gibberish; for mechanics only).\n"
        "Use them with: summarise DOC --summariser OUT/summariser "
        "--translator de-en=OUT/de-en --translator en-de=OUT/en-de",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    trained = commands.add_parser("trained", help="train the tiny fixtures that behave like "
                                  "real models (deterministic; minutes)")
    trained.add_argument("out", type=Path, metavar="OUT", help="folder to build them in")
    trained.add_argument("--corpus", type=Path, default=None,
                         help="German and English text to learn from (default: the "
                         "repository's tests/data/corpus_de_en.txt)")
    trained.add_argument("--quick", action="store_true",
                         help="a tenth of the training steps: to try the builder only; the "
                         "models will not have learnt their task")
    tiny = commands.add_parser("tiny", help="build random-weight tiny models (seconds)")
    tiny.add_argument("out", type=Path, metavar="OUT", help="folder to build them in")
    tiny.add_argument("--corpus", type=Path, default=None,
                      help="text for the tokenizers (default: as for trained)")
    return parser


def main(argv: list[str] | None = None) -> int:
    import sys

    from .fixtures.cache import REPO_CORPUS

    args = _parser().parse_args(argv)
    corpus = args.corpus or REPO_CORPUS
    if not corpus.is_file():
        print(f"error: --corpus {corpus}: no such file; pass a UTF-8 text file with "
              "German and English sentences", file=sys.stderr)
        return 2

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.command == "trained":
        from .fixtures.build import build_trained

        paths = build_trained(args.out, corpus, say, quick=args.quick)
    else:
        paths = {}
        for seed, (name, build) in enumerate(BUILDERS.items()):
            say(f"building {name}")
            paths[name] = build(args.out / name, corpus, seed=seed)
    for name, path in paths.items():
        print(f"{name}\t{path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
