"""The support check's labelled data and its evaluation.

The labels file must be usable as it is: enough items, both splits, every kind of case and both model tiers,
and evidence that really is corpus text (so the checker is judged on what it would be given). The real
checker's rates on it must not rise above the committed baseline (eval/baselines/support.json).
"""

import json
from pathlib import Path

import pytest

from assistant.cite import SupportChecker
from assistant.clean import SiteResidue
from assistant.errors import InputError
from assistant.ingest import discover, load_document
from assistant.knowledge import load_knowledge
from assistant.support_eval import KINDS, SPLITS, Judged, SupportItem, exceeds, judge, load_labels, rates, report
from assistant.text import normalise, quote_parts
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "eval" / "support_labels.jsonl"
BASELINE = ROOT / "eval" / "baselines" / "support.json"
TIERS = {"smollm2-135m", "qwen2.5-coder-1.5b", "edited"}


def corpus_texts() -> dict[str, str]:
    """Each corpus document's passages as indexed (scrape residue removed), one normalised text per source."""
    texts = {}
    for folder in [CORPUS, ROOT / "eval" / "second-corpus" / "corpus"]:
        knowledge = load_knowledge(folder)
        site = SiteResidue(knowledge.residue_lines, knowledge.residue_sentences)
        for candidate in discover([folder], folder)[0]:
            chunks = load_document(candidate, site).chunks
            texts[candidate.source] = normalise(" ".join(chunk.text for chunk in chunks))
    return texts


def test_the_labels_cover_both_splits_every_kind_and_both_tiers():
    items = load_labels(LABELS)
    assert len(items) >= 200 and len({i.id for i in items}) == len(items)
    assert {i.split for i in items} == set(SPLITS)
    assert {i.kind for i in items} == set(KINDS)
    assert {i.origin for i in items} == TIERS
    for split in SPLITS:  # both labels in each split, so both rates can be measured on each
        assert {i.supported for i in items if i.split == split} == {True, False}


def test_every_evidence_text_is_found_in_a_corpus_document():
    texts = corpus_texts()
    for item in load_labels(LABELS):
        for evidence in item.evidence:
            document = texts[evidence["source"]]
            missing = [part for part in quote_parts(evidence["text"]) if normalise(part) not in document]
            assert missing == [], f"{item.id}: {missing[0]}"


def test_a_bad_label_line_is_one_clear_error(tmp_path):
    bad = tmp_path / "labels.jsonl"
    bad.write_text(json.dumps({"id": "x", "split": "test", "question": "q", "sentence": "s", "evidence": [],
                               "supported": True, "kind": "verbatim", "origin": "edited"}) + "\n")  # fmt: skip
    with pytest.raises(InputError, match=r"labels\.jsonl:1"):
        load_labels(bad)


def item(supported: bool, split: str = "dev", kind: str = "paraphrase", origin: str = "edited") -> SupportItem:
    return SupportItem("i", split, "q", "s", (), supported, kind, origin)


def test_false_pass_and_false_strip_count_against_their_own_label():
    judged = [
        Judged(item(False), True, ""),  # shown though unsupported: a false pass
        Judged(item(False), False, "no passage supports it"),
        Judged(item(True), False, "no passage supports it"),  # removed though supported: a false strip
        Judged(item(True), True, ""),
        Judged(item(True), True, ""),
        Judged(item(True), True, ""),
    ]
    figures = rates(judged)
    assert (figures["false_pass"], figures["false_strip"]) == (0.5, 0.25)
    result = report(judged)
    assert [m["error"] for m in result["misjudged"]] == ["false pass", "false strip"]
    assert result["splits"]["dev"]["by_origin"]["edited"]["false_strip"] == 0.25
    assert exceeds(result, {"splits": {"dev": {"false_pass": 0.4, "false_strip": 0.25}}}) == [
        "dev false_pass 0.500 > baseline 0.400"
    ]


@pytest.mark.integration
def test_the_real_checker_stays_within_its_baseline(embeddings):
    """All-MiniLM-L6-v2 with its calibrated thresholds, on both splits (thresholds were chosen on dev only)."""
    result = report(judge(SupportChecker(embeddings), load_labels(LABELS)))
    assert exceeds(result, json.loads(BASELINE.read_text())) == []
    assert set(result["splits"]) == set(SPLITS)
