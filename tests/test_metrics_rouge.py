"""ROUGE: hand-computed values, German letters kept, and agreement with Google's rouge-score."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from summarise.eval.baselines import lead_summary
from summarise.eval.metrics import METRICS, Sample
from summarise.eval.metrics.rouge import lcs_length, rouge_l, rouge_lsum, rouge_n
from summarise.eval.text import Analyzer, Stemmer, tokenize

EVAL_DATA = Path(__file__).parent / "data" / "eval"

CAT = "the cat sat on the mat".split()
CAT_HYP = "the cat on the mat".split()


@pytest.mark.parametrize(("reference", "hypothesis", "n", "expected"), [
    (CAT, CAT_HYP, 1, (1.0, 5 / 6, 10 / 11)),
    (CAT, CAT_HYP, 2, (3 / 4, 3 / 5, 2 / 3)),
    ("a b c d".split(), "d c b a".split(), 1, (1.0, 1.0, 1.0)),
    ("a b c d".split(), "d c b a".split(), 2, (0.0, 0.0, 0.0)),
    ("a a b".split(), "a a a a".split(), 1, (2 / 4, 2 / 3, 4 / 7)),  # clipped counts
    (CAT, [], 1, (0.0, 0.0, 0.0)),
])
def test_rouge_n_hand_computed(reference, hypothesis, n, expected):
    assert rouge_n(reference, hypothesis, n) == pytest.approx(expected)


@pytest.mark.parametrize(("reference", "hypothesis", "expected"), [
    (CAT, CAT_HYP, (1.0, 5 / 6, 10 / 11)),  # the hypothesis is a subsequence
    ("a b c d".split(), "d c b a".split(), (0.25, 0.25, 0.25)),
    ("a b c d e".split(), "a x c y e".split(), (0.6, 0.6, 0.6)),
    ([], CAT, (0.0, 0.0, 0.0)),
])
def test_rouge_l_hand_computed(reference, hypothesis, expected):
    assert rouge_l(reference, hypothesis) == pytest.approx(expected)


def test_rouge_lsum_union_lcs_example_of_lin_2004():
    # Lin (2004), section 3.2: r = w1..w5; c1 = w1 w2 w6 w7 w8; c2 = w1 w3 w8 w9 w5.
    # Union LCS = w1 w2 w3 w5: 4 hits of 5 reference and 10 candidate words.
    reference = [["w1", "w2", "w3", "w4", "w5"]]
    candidates = [["w1", "w2", "w6", "w7", "w8"], ["w1", "w3", "w8", "w9", "w5"]]
    assert rouge_lsum(reference, candidates) == pytest.approx((0.4, 0.8, 0.8 * 0.4 * 2 / 1.2))


def _lcs_by_table(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        for j, y in enumerate(b, 1):
            table[i][j] = table[i - 1][j - 1] + 1 if x == y else max(table[i - 1][j],
                                                                     table[i][j - 1])
    return table[-1][-1]


@pytest.mark.parametrize("seed", range(8))
def test_bit_parallel_lcs_equals_the_textbook_table(seed):
    rng = random.Random(seed)
    a = [rng.choice("abcdef") for _ in range(rng.randint(0, 90))]
    b = [rng.choice("abcdef") for _ in range(rng.randint(0, 70))]
    assert lcs_length(a, b) == _lcs_by_table(a, b)


@pytest.mark.parametrize(("text", "tokens"), [
    ("Die Größe über Äpfel", ["die", "grösse", "über", "äpfel"]),
    ("Straße STRASSE", ["strasse", "strasse"]),  # case folding: ß equals ss
    ("Kim Jong-un's 3,5 Mio.", ["kim", "jong", "un", "s", "3", "5", "mio"]),
    ("Привет, мир!", ["привет", "мир"]),
    ("e\u0301te\u0301 ﬁne", ["été", "fine"]),  # NFKC: combining accents, ligatures
    ("under_score", ["under", "score"]),
    ("11½ Jahre", ["11", "½", "jahre"]),  # NFKC would give "111", "2"
    ("12 m² und 10³", ["12", "m", "²", "und", "10", "³"]),
])
def test_tokenizer_keeps_letters_of_every_script(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize(("stemmer", "word", "stem"), [
    ("german", "grösse", "gross"),      # Snowball German: a suffix stripped, umlaut folded
                                        # (tokens arrive case-folded: ß is already ss)
    ("german", "grosse", "gross"),
    ("german", "schön", "schön"),       # nothing stripped: the word keeps its umlaut
    ("german", "schon", "schon"),
    ("german", "häuser", "haus"),
    ("german", "österreichischer", "österreich"),  # an umlaut before the last syllable stays
    ("german", "ähnlichen", "ähnlich"),
    ("snowball-german", "grösse", "gross"),  # the plain algorithm folds umlauts
    ("nltk-porter", "running", "run"),
    ("nltk-porter", "cats", "cat"),
    ("nltk-porter", "was", "was"),        # three letters or fewer are never stemmed
    # NLTK's default mode, as rouge-score; the original algorithm gives thei, us, new,
    # sundai
    ("nltk-porter", "they", "they"),
    ("nltk-porter", "used", "use"),
    ("nltk-porter", "news", "news"),
    ("nltk-porter", "sunday", "sunday"),
    ("none", "running", "running"),
])
def test_stemmers(stemmer, word, stem):
    assert Stemmer(stemmer)(word) == stem


def _rouge_f(hypothesis: str, reference: str, lang: str, stemmer: str = "auto") -> dict:
    scores = METRICS["rouge"](stemmer=stemmer).score(Sample(hypothesis, (reference,), "", lang,
                                                            lang))
    return {k: v for k, v in scores.items() if k.endswith("_f")}


GERMAN = ("Die Größe der Bäume überrascht: Über 3,5 Millionen Äpfel hängen daran. "
          "Die Straße ist gesperrt.")
FOLDINGS = {
    "ae": str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}),
    "a": str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"}),
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_vulgar_fraction_is_not_glued_to_the_digits_before_it(lang):
    assert _rouge_f("111", "11½", lang)["rouge1_f"] == 0
    assert _rouge_f("11", "11½", lang)["rouge1_f"] == pytest.approx(100 * 2 / 3)
    assert _rouge_f("11½", "11½", lang)["rouge1_f"] == pytest.approx(100)


def test_german_percent_sign_and_word_are_the_same_words():
    assert _rouge_f("Der Umsatz stieg um 50 %.", "Der Umsatz stieg um 50 Prozent.", "de"
                    )["rouge1_f"] == pytest.approx(100)


def test_german_sentence_scores_100_against_itself():
    assert all(v == pytest.approx(100) for v in _rouge_f(GERMAN, GERMAN, "de").values())


@pytest.mark.parametrize("folding", sorted(FOLDINGS))
@pytest.mark.parametrize("stemmer", ["auto", "none"])
def test_umlauts_folded_to_ascii_are_not_a_match(folding, stemmer):
    folded = GERMAN.translate(FOLDINGS[folding])
    scores = _rouge_f(folded, GERMAN, "de", stemmer)
    assert all(v < 100 for v in scores.values()), scores


def test_rouge_score_package_cannot_tell_umlauts_apart_but_we_can():
    from rouge_score import rouge_scorer

    a, b = "Die Größe über Äpfel", "Grüße über Öpfel die"
    package = rouge_scorer.RougeScorer(["rouge1"]).score(a, b)["rouge1"].fmeasure
    assert package == pytest.approx(1.0)  # both become "die gr e ber pfel"
    # we match "die" and "über" only: 2 of 4 words on each side
    assert _rouge_f(b, a, "de")["rouge1_f"] == pytest.approx(50)


@pytest.mark.parametrize(("word", "inflected"), [
    ("Stadt", "Städte"), ("Land", "Länder"), ("Fluss", "Flüsse"), ("hoch", "höchste"),
    ("Europa", "europäisch"), ("groß", "größer"), ("groß", "Größe"), ("Baum", "Bäume"),
    ("Österreich", "österreichischer"), ("möglich", "mögliche"),
])
def test_umlaut_inflections_match_as_in_plain_snowball(word, inflected):
    assert _rouge_f(word, inflected, "de")["rouge1_f"] == pytest.approx(100)
    assert _rouge_f(word, inflected, "de", "snowball")["rouge1_f"] == pytest.approx(100)


@pytest.mark.parametrize(("word", "folded"), [
    ("schön", "schon"), ("über", "uber"), ("Glück", "Gluck"), ("Äpfel", "Apfel"),
    ("hängt", "hangt"), ("schräg", "schrag"),
])
def test_an_umlaut_of_an_uninflected_word_is_part_of_the_word(word, folded):
    assert _rouge_f(folded, word, "de")["rouge1_f"] == 0
    assert _rouge_f(folded, word, "de", "snowball")["rouge1_f"] == pytest.approx(100)


def test_the_german_rule_is_in_the_signature():
    from summarise.eval.text import GERMAN_UMLAUT_RULE, describe_stemmers

    assert f"de=snowball-german+{GERMAN_UMLAUT_RULE}@" in describe_stemmers("auto")
    assert GERMAN_UMLAUT_RULE in METRICS["rouge"]().signature()


def test_plain_snowball_option_conflates_umlauts_as_documented():
    folded = GERMAN.translate(FOLDINGS["a"]).replace("ß", "ss")
    assert _rouge_f(folded, GERMAN, "de", "snowball")["rouge1_f"] > _rouge_f(
        folded, GERMAN, "de", "auto")["rouge1_f"]


def test_multiple_references_take_the_best_per_variant():
    rouge = METRICS["rouge"]()
    sample = Sample("the cat sat on the mat", ("a dog barked", "the cat sat on a mat"), "",
                    "en", "en")
    alone = rouge.score(Sample(sample.hypothesis, sample.references[1:], "", "en", "en"))
    assert rouge.score(sample) == alone


# --- agreement with Google's rouge-score on real English data (Porter stemmer) --------------

def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _agreement(records: list[dict], use_stemmer: bool) -> dict[str, list[float]]:
    from rouge_score import rouge_scorer

    package = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=use_stemmer)
    ours = METRICS["rouge"](stemmer="auto" if use_stemmer else "none")
    deltas: dict[str, list[float]] = {"rouge1": [], "rouge2": [], "rougeL": []}
    for record in records:
        prediction = lead_summary(record["text"], "en", 3)
        references = record.get("references") or [record["summary"]]
        theirs = package.score_multi(references, prediction)
        mine = ours.score(Sample(prediction, tuple(references), record["text"], "en", "en"))
        for variant, values in deltas.items():
            values.append(mine[f"{variant}_f"] - 100 * theirs[variant].fmeasure)
    return deltas


def test_equals_rouge_score_exactly_on_ascii_text_without_stemming():
    records = [r for r in _records(EVAL_DATA / "en-news.slice.jsonl")
               if (r["text"][:1500] + "".join(r.get("references") or [r["summary"]])).isascii()]
    assert len(records) >= 5
    deltas = _agreement(records, use_stemmer=False)
    assert all(abs(d) < 1e-9 for values in deltas.values() for d in values)


def test_analyzer_splits_german_sentences_for_lsum():
    sentences = Analyzer.for_lang("de").sentence_tokens(
        "Putin kommt am 18. Juni, z. B. zu Dr. Kim. Er bleibt am 19. und 20. Juni.")
    assert len(sentences) == 2
