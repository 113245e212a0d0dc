"""The answer eval: its judge (phrases, negation, citations), its reports and gates, and the CI run itself.

The last test runs the whole evaluation set through the real embedded model and fails on a hard gate
(forbidden claim, an off-topic question answered, a citation that resolves to no passage) or on a drop beyond
the noise band from the committed baseline (eval/baseline.json).
"""

import json

import pytest

from assistant.answer_eval import asserts, evaluate_items, judge_agreement, load_items, mentions
from assistant.eval_report import markdown, regressions, write_outputs
from tests.conftest import ROOT

EVAL = ROOT / "eval"


def test_required_claims_match_any_phrasing_case_and_quote_blind():
    assert mentions("“Don’t strengthen your hip flexors”", ["don't strengthen"])
    assert not mentions("Lengthen the calves.", ["hip flexors"])


def test_forbidden_claims_are_negation_aware():
    phrases = ["strengthen your hip flexors"]
    assert asserts("You should strengthen your hip flexors twice a week.", phrases)
    assert not asserts("Don’t strengthen your hip flexors.", phrases)
    assert not asserts("It is better not to strengthen your hip flexors.", phrases)
    assert asserts("Don't run. Strengthen your hip flexors instead.", phrases)  # the negation is elsewhere


def test_the_judge_agrees_with_the_hand_labels():
    result = judge_agreement(EVAL / "judge_labels.jsonl")
    assert result["pairs"] >= 20 and result["agreement"] >= 0.9


def test_the_dataset_is_complete():
    items = load_items(EVAL / "answers.jsonl")
    assert len(items) >= 80
    categories = {i.category for i in items}
    assert {
        "fact",
        "procedure",
        "guidance",
        "reasoning",
        "conflict",
        "out_of_scope",
        "safety",
        "adversarial",
        "multi_turn",
        "paraphrase",
    } <= categories
    for category in categories:
        splits = {i.split for i in items if i.category == category}
        assert splits == {"dev", "test"}, category


def fake_report(**dev):
    metrics = {
        "claim_recall": 0.5,
        "critical_claim_recall": 0.6,
        "citation_precision": 0.9,
        "citation_recall": 0.9,
        "refer_accuracy": 1.0,
        "forbidden_rate": 0.0,
        "decline_accuracy": 1.0,
        "unresolved_citations": 0,
    }
    return {
        "dev": {**metrics, **dev},
        "test": dict(metrics),
        "all": dict(metrics),
        "categories": {},
        "items": [],
        "model": "m",
        "backend": "b",
        "judge": None,
    }


def test_gates_and_noise_band():
    baseline = fake_report()
    assert regressions(fake_report(claim_recall=0.47), baseline) == []  # within the noise band
    assert regressions(fake_report(claim_recall=0.40), baseline) == ["dev: claim_recall 0.400 < baseline 0.500 - 0.05"]
    assert regressions(fake_report(forbidden_rate=0.02), None)[0].startswith("dev: forbidden claims")
    assert regressions(fake_report(decline_accuracy=0.9), baseline)[0].startswith("dev: decline accuracy")
    assert "Regressions" in markdown(fake_report(), baseline)


def test_outputs_are_written(tmp_path):
    report = fake_report()
    report["categories"] = {"fact": report["all"] | {"items": 1, "extractive_share": 1.0}}
    paths = write_outputs(report, None, tmp_path)
    assert json.loads(paths["json"].read_text())["dev"]["claim_recall"] == 0.5
    assert "| claim_recall |" in paths["markdown"].read_text()
    if "chart" in paths:
        assert paths["chart"].read_bytes()[:4] == b"\x89PNG"


@pytest.mark.integration
def test_the_eval_passes_its_gates_on_the_embedded_model(embedded_answerer, tmp_path):
    report = evaluate_items(embedded_answerer, load_items(EVAL / "answers.jsonl"), EVAL / "judge_labels.jsonl")
    baseline = json.loads((EVAL / "baseline.json").read_text())
    write_outputs(report, baseline, tmp_path)
    found = regressions(report, baseline)
    assert found == [], "\n".join(found) + "\n\n" + (tmp_path / "report.md").read_text()
