"""What grounding and the checks cost beside summarising: the whole pipeline on the
trained tiny fixtures, then ``summarise.checks.annotate`` on every summary it wrote.

    python bench/grounding.py               # 24 held-out corpus documents, three lengths
    python bench/grounding.py --docs 8      # quicker

Documents are held-out documents of the fixtures' corpus (``tests/data/corpus_de_en.txt``,
German and English), summarised in both languages at short, medium and long (so half the
summaries are translations, grounded through the source-language summary) by
``Pipeline.run`` with the trained fixture summariser and translators (built once into
the user cache; fp32, one thread).  Prints both times and their ratio; issue 23 asks for
grounding under 5 % of summarising.  The fixtures are tiny (a real mT5 or opus-mt is
10-100x slower per token), so the ratio on real models is smaller than the one shown.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus_de_en.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=24)
    args = parser.parse_args()

    from summarise import Document, Pipeline, Settings
    from summarise.checks import annotate
    from summarise.config import Generation
    from summarise.fixtures.cache import trained_fixtures
    from summarise.fixtures.fidelity import held_out_documents
    from summarise.fixtures.leads import sentences_of

    models = trained_fixtures(CORPUS)
    settings = Settings(summariser=str(models["summariser"]),
                        translators={"de-en": str(models["de-en"]),
                                     "en-de": str(models["en-de"])},
                        generation=Generation(dtype="fp32", threads=1, no_repeat_ngram_size=0),
                        langs=("de", "en"), lengths=("short", "medium", "long"))
    documents = [Document(id=f"d{i}", source="-", text=text, lang=lang) for i, (lang, text)
                 in enumerate(held_out_documents(sentences_of(CORPUS), args.docs, seed=5))]
    pipeline = Pipeline(settings)
    # Both sides warm before the clock starts: the models loaded, and the checks' one-off
    # loads (py3langid's two identifiers, NLTK's stemmer), timed on their own.
    warm_up = documents[:2]
    list(pipeline.run(warm_up))
    started = time.perf_counter()
    for document in warm_up:
        annotate_all([document], list(pipeline.run([document])), annotate)
    once = time.perf_counter() - started

    started = time.perf_counter()
    results = list(pipeline.run(documents))
    summarising = time.perf_counter() - started

    started = time.perf_counter()
    count = annotate_all(documents, results, annotate)
    grounding = time.perf_counter() - started
    print(f"documents {len(documents)}, summaries {count}")
    print(f"summarising {summarising:.2f} s, grounding and checks {grounding:.2f} s, "
          f"ratio {100 * grounding / summarising:.1f} % (one-off loads of the checks, "
          f"with two documents' checks and summaries: {once:.2f} s)")


def annotate_all(documents, results, annotate) -> int:
    """Annotate every summary of ``results``; a translation through its via summary."""
    count = 0
    for document, result in zip(documents, results, strict=True):
        own = {s.length: s.text for s in result.summaries if s.lang == result.source_lang}
        for summary in result.summaries:
            via = None if summary.lang == result.source_lang else own.get(summary.length)
            annotate(summary.text, document.text, lang=summary.lang,
                     source_lang=result.source_lang, via=via)
            count += 1
    return count


if __name__ == "__main__":
    main()
