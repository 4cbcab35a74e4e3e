"""What ``--backend openai`` costs in tokens: per document and length, the prompt tokens
(our template and the document, through the model's chat template) and the ``max_tokens``
budget sent, counted with a real tokenizer and with the estimate the backend uses without
one (``openai_engine.CHARS_PER_TOKEN``).

    python bench/server_tokens.py                 # the tiny chat model's tokenizer
    python bench/server_tokens.py --model DIR     # any local chat model's tokenizer

The default tokenizer is the tiny Qwen2 of ``summarise.devmodels`` (a byte-level BPE of
1,000 pieces trained on the test corpus): it splits words into more pieces than a real
chat model's vocabulary of 150,000, so its counts are an upper bound; pass a real model
folder to count with its tokenizer. No server is needed: nothing is sent.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {"de": ROOT / "seeds" / "000_c2962fba0a84f7c9.txt",
             "en": ROOT / "cli" / "data" / "sample_en.txt"}


def summariser():
    """The backend's summariser, with no server behind it (only prompts are built)."""
    from summarise.config import Settings
    from summarise.models.openai_engine import ServerModel, ServerRef, ServerSummariser
    from summarise.openai_client import ServerClient
    from summarise.serveropts import ServerOptions

    settings = Settings(summariser="bench", server=ServerOptions(
        api_base="http://127.0.0.1:9/v1", context_window=32768)).validate()
    model = ServerModel(ServerRef("bench", None), ServerClient(settings.server), 32768, "bench")
    return ServerSummariser(model, settings), settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a local chat model folder (tokenizer)")
    args = parser.parse_args(argv)
    from summarise.lengths import tokens_per_word
    from summarise.segment import count_words
    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.model
        if folder is None:
            from summarise.devmodels import build_qwen2

            folder = build_qwen2(Path(tmp) / "qwen2", ROOT / "tests" / "data" / "corpus_de_en.txt")
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model, settings = summariser()
        print(f"tokenizer: {folder.name if args.model else 'devmodels tiny qwen2'}; "
              "prompt tokens counted through its chat template")
        print("| document | words | output | length | prompt tokens | estimated | "
              "max_tokens | estimated / real |")
        print("|---|---|---|---|---|---|---|---|")
        for lang, path in DOCUMENTS.items():
            text = path.read_text(encoding="utf-8")
            for out_lang in ("de", "en"):
                ratio = tokens_per_word(model.tokenizer, out_lang)
                for name in settings.lengths:
                    preset = settings.presets[name]
                    body = model.payload(text, lang, out_lang, preset, ratio)
                    real = len(tokenizer.apply_chat_template(
                        body["messages"], tokenize=True, add_generation_prompt=True,
                        return_dict=True)["input_ids"])
                    estimate = model.count_tokens([text])[0]
                    print(f"| {path.name[:12]} ({lang}) | {count_words(text)} | {out_lang} | "
                          f"{name} | {real} | {estimate} | {body['max_tokens']} | "
                          f"{estimate / real:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
