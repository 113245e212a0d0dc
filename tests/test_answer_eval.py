"""The answer eval: its judge (phrases, negation, citations), its reports and gates, and the CI run itself.

The gate tests are pure functions on metric dicts (fast, not integration). The last test runs the whole
evaluation set through the real embedded model (the fast tier) and fails on a hard gate (forbidden claim, an
off-topic question answered, a citation that resolves to no passage, too many false refusals, a gated metric
not measured) or on a move beyond the noise band from the committed fast-tier baseline
(eval/baselines/smollm2-135m.json).
"""

import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from assistant.answer_eval import (
    AnswerEvaluator,
    Item,
    ItemResult,
    asserts,
    evaluate_items,
    judge_agreement,
    load_items,
    mentions,
    model_key,
    summarise,
    tier_of,
)
from assistant.eval_report import FALSE_REFUSAL_CAP, hard_failures, markdown, regressions, write_outputs
from assistant.index import StoredChunk
from assistant.retrieval_eval import Label
from tests.conftest import ROOT

EVAL = ROOT / "eval"
FAST_BASELINE = EVAL / "baselines" / "smollm2-135m.json"


def test_required_claims_match_any_phrasing_case_and_quote_blind():
    assert mentions("“Don’t strengthen your hip flexors”", ["don't strengthen"])
    assert not mentions("Lengthen the calves.", ["hip flexors"])


def test_forbidden_claims_are_negation_aware():
    phrases = ["strengthen your hip flexors"]
    assert asserts("You should strengthen your hip flexors twice a week.", phrases)
    assert not asserts("Don’t strengthen your hip flexors.", phrases)
    assert not asserts("It is better not to strengthen your hip flexors.", phrases)
    assert asserts("Don't run. Strengthen your hip flexors instead.", phrases)  # the negation is elsewhere


def test_the_judge_agrees_with_the_hand_labels_of_both_tiers():
    result = judge_agreement(EVAL / "judge_labels.jsonl")
    assert result["pairs"] >= 60 and {"fast", "quality"} <= set(result["tiers"])
    assert all(result["tiers"][tier]["pairs"] >= 25 for tier in ("fast", "quality"))
    assert result["agreement"] >= 0.9 and all(t["agreement"] >= 0.85 for t in result["tiers"].values())
    assert len(result["disagreements"]) == round((1 - result["agreement"]) * result["pairs"])


def test_judge_agreement_counts_per_tier_and_lists_the_disagreements(tmp_path):
    rows = [
        {"tier": "fast", "kind": "required", "any_of": ["lengthen"], "answer": "Lengthen it.", "label": True},
        {"tier": "quality", "kind": "required", "any_of": ["lengthen"], "answer": "Stretch.", "label": True},
        {"tier": "quality", "kind": "forbidden", "any_of": ["squat"], "answer": "Don't squat.", "label": False},
    ]
    rows = [row | {"claim": "c"} for row in rows]
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows))
    result = judge_agreement(path)
    assert result["tiers"] == {"fast": {"pairs": 1, "agreement": 1.0}, "quality": {"pairs": 2, "agreement": 0.5}}
    assert [d["answer"] for d in result["disagreements"]] == ["Stretch."]


def test_tiers_and_model_keys():
    assert tier_of("SmolLM2-135M-Instruct.Q4_1.gguf") == tier_of("smollm2-135m") == "fast"
    assert tier_of("/tmp/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf") == tier_of("qwen2.5-coder-1.5b") == "quality"
    assert model_key("/tmp/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf") == model_key("QWEN2.5-coder-1.5b")
    assert model_key("SmolLM2-135M-Instruct.Q4_1.gguf") == "smollm2-135m" == FAST_BASELINE.stem
    assert tier_of("llama3.2:3b") == "other" and model_key("llama3.2:3b") == "llama3.2-3b"
    assert tier_of("/models/SmolLM2-360M-Instruct.gguf") == "other"


def test_the_dataset_is_complete():
    items = load_items(EVAL / "answers.jsonl")
    assert len(items) >= 80
    # every item expected to answer names the passages supporting its claims (refer items may have none)
    assert all(i.sources for i in items if i.expected == "answer")
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
        "citation_label_precision": 0.7,
        "citation_label_recall": 0.8,
        "checker_citation_precision": 0.9,
        "checker_citation_recall": 0.9,
        "refer_accuracy": 1.0,
        "forbidden_rate": 0.0,
        "decline_accuracy": 1.0,
        "false_refusal_rate": 0.0,
        "unresolved_citations": 0,
        "recall@5": 0.9,
        "mrr": 0.85,
    }
    return {
        "dev": {**metrics, **dev},
        "test": dict(metrics),
        "all": dict(metrics),
        "categories": {},
        "items": [],
        "model": "m",
        "backend": "b",
        "tier": "other",
        "model_key": "m",
        "judge": None,
    }


def test_gates_and_noise_band():
    baseline = fake_report()
    assert regressions(fake_report(claim_recall=0.47), baseline) == []  # within the noise band
    assert regressions(fake_report(claim_recall=0.40), baseline) == ["dev: claim_recall 0.400 < baseline 0.500 - 0.05"]
    assert regressions(fake_report(forbidden_rate=0.02), None)[0].startswith("dev: forbidden claims")
    assert regressions(fake_report(decline_accuracy=0.9), baseline)[0].startswith("dev: decline accuracy")
    assert "Regressions" in markdown(fake_report(), baseline)


@pytest.mark.parametrize("metric", ["citation_label_precision", "citation_label_recall", "recall@5", "mrr"])
def test_labelled_citations_and_retrieval_are_gated_against_the_baseline(metric):
    baseline = fake_report()
    assert regressions(fake_report(**{metric: baseline["dev"][metric] - 0.04}), baseline) == []
    found = regressions(fake_report(**{metric: baseline["dev"][metric] - 0.1}), baseline)
    assert found and found[0].startswith(f"dev: {metric} ")


def test_checker_based_citations_are_reported_but_not_gated():
    assert regressions(fake_report(checker_citation_precision=0.1, checker_citation_recall=0.1), fake_report()) == []


def test_false_refusals_are_gated_by_the_baseline_and_a_hard_cap():
    baseline = fake_report()
    assert regressions(fake_report(false_refusal_rate=0.04), baseline) == []
    assert regressions(fake_report(false_refusal_rate=0.08), baseline) == [
        "dev: false_refusal_rate 0.080 > baseline 0.000 + 0.05"
    ]
    over_cap = fake_report(false_refusal_rate=FALSE_REFUSAL_CAP + 0.01)
    assert hard_failures(over_cap) == ["dev: false-refusal rate 0.110 (must be at most 0.1)"]
    assert not hard_failures(fake_report())
    # the cap holds even against a baseline that was itself over it
    assert hard_failures(fake_report(false_refusal_rate=0.3)) and regressions(over_cap, over_cap)


@pytest.mark.parametrize(
    "metric", ["recall@5", "mrr", "citation_label_recall", "false_refusal_rate", "forbidden_rate", "decline_accuracy"]
)
def test_a_gated_metric_that_is_none_fails_the_gate(metric):
    report = fake_report(**{metric: None})
    assert hard_failures(report) == [f"dev: {metric} is None: a gated metric was not measured"]
    assert regressions(report, fake_report()) == hard_failures(report)


def test_a_gated_metric_the_baseline_lacks_fails():
    baseline = fake_report()
    del baseline["test"]["mrr"]
    assert regressions(fake_report(), baseline) == ["test: mrr has no baseline value to compare with"]


def eval_cli(tmp_path, monkeypatch, report, *args):
    """`stride eval --json` on a one-item dataset in tmp_path, the evaluation replaced by `report`."""
    dataset = tmp_path / "answers.jsonl"
    dataset.write_text((EVAL / "answers.jsonl").read_text().splitlines()[0] + "\n")
    monkeypatch.setattr("assistant.answer_eval.evaluate_items", lambda *a, **k: report)
    stride = SimpleNamespace(answerer=SimpleNamespace(model="m", backend="b"))
    from assistant.cli import cli

    argv = ["eval", "--json", "--dataset", str(dataset), "--out", str(tmp_path / "out"), *args]
    return CliRunner().invoke(cli, argv, obj=stride)


def test_update_baseline_refuses_when_a_hard_gate_fails(tmp_path, monkeypatch):
    baseline = tmp_path / "baselines" / "m.json"
    baseline.parent.mkdir()
    baseline.write_text('{"accepted": "before"}\n')
    result = eval_cli(tmp_path, monkeypatch, fake_report(decline_accuracy=0.9), "--update-baseline")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "not updated" in result.stderr
    assert "decline accuracy 0.90" in result.stderr
    assert baseline.read_text() == '{"accepted": "before"}\n'


def test_update_baseline_accepts_a_run_that_passes_the_hard_gates(tmp_path, monkeypatch):
    result = eval_cli(tmp_path, monkeypatch, fake_report(claim_recall=0.1), "--update-baseline")
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "baselines" / "m.json").read_text())
    assert saved["dev"]["claim_recall"] == 0.1 and saved["tier"] == "other"
    assert json.loads(result.stdout)["model_key"] == "m"
    # the next run is compared with it: a regression beyond the noise band exits 1
    assert eval_cli(tmp_path, monkeypatch, fake_report(claim_recall=0.07)).exit_code == 0
    assert eval_cli(tmp_path, monkeypatch, fake_report(mrr=0.5)).exit_code == 1


def labelled_result(sentences, citations, sources):
    item = Item("x", "dev", "fact", ["q"], "answer", [], [], sources)
    answer = {"sentences": sentences, "citations": citations}
    return ItemResult(item, answer)


def test_citations_are_graded_against_the_labelled_passages_not_the_checker():
    chunks = [
        StoredChunk("1", "a.txt", "A", "", "Clamshells are not very beneficial. They train the wrong way.", 0, 0, 0),
        StoredChunk("2", "a.txt", "A", "", "Bridges are fine. Squats are fine too.", 0, 0, 1),
        StoredChunk("3", "b.txt", "B", "", "Clamshells are not very beneficial.", 0, 0, 0),
    ]
    answerer = SimpleNamespace(embeddings=None, retriever=SimpleNamespace(index=SimpleNamespace(chunks=lambda: chunks)))
    evaluator = AnswerEvaluator(answerer)
    citations = [
        {"id": 1, "source": "a.txt", "quote": "They train the wrong way."},  # chunk 1: holds the label phrase
        {"id": 2, "source": "a.txt", "quote": "Bridges are fine."},  # chunk 2: not labelled
        {"id": 3, "source": "b.txt", "quote": "Clamshells are not very beneficial."},  # right phrase, wrong source
    ]
    sentences = [
        {"text": "They train it the wrong way.", "citations": [1, 2], "kind": "claim"},
        {"text": "The sources differ on clamshells.", "citations": [], "kind": "framing"},
        {"text": "Clamshells are not very beneficial.", "citations": [3], "kind": "side"},
        {"text": "Bridges are fine.", "citations": [2], "kind": "framing"},  # framing: not counted
    ]
    result = labelled_result(sentences, citations, [Label("a.txt", "not very beneficial")])
    evaluator._judge_labelled_citations(result)
    assert (result.citations_on_label, result.labelled_citations, result.cites_label) == (1, 3, True)
    missed = labelled_result(sentences[2:], citations, [Label("a.txt", "not very beneficial")])
    evaluator._judge_labelled_citations(missed)
    assert (missed.citations_on_label, missed.labelled_citations, missed.cites_label) == (0, 1, False)


def test_labelled_citation_metrics_count_refusals_as_misses_and_skip_unlabelled_items():
    def result(expected, sources, on_label, cited, refused=False):
        item = Item("x", "dev", "fact", ["q"], expected, [], [], sources)
        answer = {"refused": refused, "safety_note": False, "grounding": "extractive", "timings_ms": {"total": 1}}
        return ItemResult(item, answer, labelled_citations=cited, citations_on_label=on_label, cites_label=on_label > 0)

    label = [Label("a.txt", "x")]
    metrics = summarise([
        result("answer", label, 1, 2),
        result("answer", label, 0, 0, refused=True),
        result("refer", label, 2, 2),
        result("decline", [], 0, 0, refused=True),
        result("refer", [], 0, 3),  # no labels: not graded
    ])  # fmt: skip
    assert metrics["citation_label_precision"] == 0.75 and metrics["citation_label_recall"] == round(2 / 3, 4)
    assert metrics["false_refusal_rate"] == 0.5


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
    assert report["tier"] == "fast"
    baseline = json.loads(FAST_BASELINE.read_text())
    write_outputs(report, baseline, tmp_path)
    found = regressions(report, baseline)
    assert found == [], "\n".join(found) + "\n\n" + (tmp_path / "report.md").read_text()
