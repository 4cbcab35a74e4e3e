"""Translation by the server's chat model (``--backend openai`` with ``--translator
de-en=server``): the same model that summarises translates, asked with the prompt in
``prompts/translation/server.toml`` (data, like the summary prompts). The text is fenced
by the prompt's delimiters and the control markers of common chat templates are broken
inside it, as in a summary request.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..controltokens import neutralise
from ..errors import UsageError
from ..postprocess import clean_chat_output
from ..prompting import LANGUAGE_NAMES
from ..serveropts import SERVER_TRANSLATOR

PROMPT = ("translation", "server.toml")


@dataclass(frozen=True)
class TranslationPrompt:
    delimiters: tuple[str, str]
    sections: dict[str, tuple[str, str]]  # target language: (system, user)

    def messages(self, text: str, src: str, tgt: str) -> list[dict[str, str]]:
        system, user = self.sections[tgt]
        source_language = LANGUAGE_NAMES[tgt][src]
        return [{"role": "system", "content": system},
                {"role": "user", "content": user.format(text=text,
                                                        source_language=source_language)}]


@lru_cache(maxsize=1)
def translation_prompt() -> TranslationPrompt:
    """The shipped prompt, checked: a table per target language with a system and a user
    text, the user text holding ``{text}`` between the delimiters."""
    where = "/".join(PROMPT)
    data = tomllib.loads(resources.files("summarise.prompts").joinpath(*PROMPT)
                         .read_text(encoding="utf-8"))
    opening, closing = data["delimiters"]
    sections = {}
    for lang in LANGUAGE_NAMES:
        section = data.get(lang) or {}
        user = section.get("user", "")
        if not section.get("system") or f"{opening}\n{{text}}\n{closing}" not in user:
            raise UsageError(f"prompts/{where}: [{lang}] needs system and a user text with "
                             f"{{text}} between {opening} and {closing}")
        sections[lang] = (section["system"], user)
    return TranslationPrompt((opening, closing), sections)


class ServerTranslator:
    """Translates with the server's model, one request per text, many in flight."""

    def __init__(self, loaded, markers: tuple[str, ...], estimate):
        self.loaded, self.client = loaded, loaded.client
        self.name = SERVER_TRANSLATOR
        self.prompt = translation_prompt()
        self.markers, self.estimate = markers, estimate
        self.note = None

    def translate(self, texts: list[str], src: str, tgt: str) -> list[str]:
        payloads = [self.payload(text, src, tgt) for text in texts]
        answers = self.client.ask_all(payloads, self.note)
        return [clean_chat_output(answer.text) for answer in answers]

    def payload(self, text: str, src: str, tgt: str) -> dict:
        fenced = neutralise(text, self.markers)
        # Room for a translation of any length the text can have: twice its tokens and a
        # little, as the local translators get (lengths.translation_budget).
        room = 2 * self.estimate(fenced) + 64
        return {"model": self.loaded.ref.model, "messages": self.prompt.messages(
                    fenced, src, tgt), "max_tokens": room, "temperature": 0}
