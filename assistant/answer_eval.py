"""Answer evaluation: does Stride give the expected guidance, cite it properly and decline what it should?

Each item of `eval/answers.jsonl` (hand-written; see eval/README.md) is asked through the same `Answerer` as
`stride ask` (multi-turn items turn by turn, with history) and judged offline, without a hosted model:
- claims: a required claim is met when the answer contains one of its accepted phrasings; a forbidden claim
  counts only when a phrasing appears without a negation just before it in the same sentence, so "don't
  run through the pain" never counts as recommending running through it;
- citations against hand labels (gated): each answerable item lists the passages that support its expected
  claims (`expected_sources`: source + a verbatim phrase, as in the retrieval eval). Every citation shown on
  a claim (or disagreement-side) sentence is resolved to its indexed passage (source + quote) and counts as
  right when that passage holds a label's phrase. citation_label_precision = share of those citations that
  point at a labelled passage; citation_label_recall = share of labelled items whose answer cites at least
  one labelled passage (a refused answer cites none). Neither depends on how Stride chose its citations;
- checker-based citations, in the ALCE sense (reported, not gated): checker_citation_recall = share of claim
  sentences supported by the passages they cite; checker_citation_precision = share of citations that
  support their sentence on their own. Support is judged by the same SupportChecker that filtered the
  answer, so an answer of quoted source sentences scores ~1 by construction: these only say the checker is
  consistent with itself;
- every citation must resolve: its source is indexed and its quote is found in an indexed passage;
- behaviour: out-of-scope items must be declined (decline accuracy); answerable items must not be
  (false-refusal rate); "refer" items must carry the clinician note;
- retrieval recall@5 and MRR of the expected source passages, extractive share, latency p50/p95.
The phrase judge is itself checked against hand-labelled (answer, claim) pairs in eval/judge_labels.jsonl,
drawn from real answers of both model tiers; agreement is reported per tier (`tier` of each row).

Leaves out: writing reports and charts (`eval_report`) and any model-based judging.
"""

import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.cite import Passage, SupportChecker
from assistant.model_files import TIERS as EMBEDDED_TIERS
from assistant.model_files import Tier
from assistant.retrieval_eval import Label, Question, is_match, read_dataset, score_ranking
from assistant.text import NEGATION, answer_sentences, normalise, quote_parts

CITED_KINDS = ("claim", "item", "side")  # sentences whose citations must support them; "framing" cites nothing
METRIC_KEYS = (
    "claim_recall", "critical_claim_recall", "forbidden_rate", "citation_label_precision", "citation_label_recall",
    "checker_citation_precision", "checker_citation_recall", "decline_accuracy", "false_refusal_rate",
    "refer_accuracy", "unresolved_citations", "extractive_share",
    "recall@5", "mrr", "latency_p50_ms", "latency_p95_ms",
)  # fmt: skip


@dataclass
class Item:
    id: str
    split: str
    category: str
    turns: list[str]
    expected: str  # "answer", "decline" or "refer"
    required: list[dict]
    forbidden: list[dict]
    sources: list[Label]


@dataclass
class ItemResult:
    item: Item
    answer: dict
    required_met: list[bool] = field(default_factory=list)
    critical_met: list[bool] = field(default_factory=list)
    forbidden_hits: list[str] = field(default_factory=list)
    supported_sentences: int = 0
    claim_sentences: int = 0
    precise_citations: int = 0
    citations: int = 0
    unresolved: list[str] = field(default_factory=list)
    labelled_citations: int = 0  # citations on claim sentences of an item with expected_sources
    citations_on_label: int = 0  # of those, citations whose passage holds a label's phrase
    cites_label: bool = False
    retrieval: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """0..1 for ranking the worst items: behaviour, critical claims, forbidden claims, citations."""
        if self.failures and any(f.startswith(("should have", "forbidden", "unresolved")) for f in self.failures):
            return 0.0
        critical = sum(self.critical_met) / len(self.critical_met) if self.critical_met else 1.0
        recall = sum(self.required_met) / len(self.required_met) if self.required_met else 1.0
        return 0.6 * critical + 0.4 * recall


def load_items(path: Path) -> list[Item]:
    return read_dataset(path, "answer", _item)


def _item(raw: dict) -> Item:
    return Item(
        raw["id"],
        raw["split"],
        raw["category"],
        raw.get("turns") or [raw["question"]],
        raw["expected_behavior"],
        raw.get("required_claims", []),
        raw.get("forbidden_claims", []),
        [Label(s["source"], s["contains"]) for s in raw.get("expected_sources", [])],
    )


def mentions(text: str, phrases: list[str]) -> bool:
    lowered = normalise(text)
    return any(normalise(phrase) in lowered for phrase in phrases)


def asserts(text: str, phrases: list[str]) -> str | None:
    """The first phrase stated without a negation shortly before it in its sentence, else None."""
    for sentence in (normalise(s) for s in answer_sentences(text)):
        for phrase in phrases:
            start = sentence.find(normalise(phrase))
            while start != -1:
                before = sentence[max(0, start - 40) : start]
                if not NEGATION.search(before):
                    return phrase
                start = sentence.find(normalise(phrase), start + 1)
    return None


def judge_verdict(row: dict) -> bool:
    """The phrase judge on one (answer, claim) pair: is a required claim made / a forbidden one asserted?"""
    if row["kind"] == "required":
        return mentions(row["answer"], row["any_of"])
    return bool(asserts(row["answer"], row["any_of"]))


def judge_agreement(path: Path) -> dict:
    """How often the phrase judge agrees with hand labels of (answer, claim) pairs, overall and per tier
    (the model tier whose real answer the pair comes from; "hand-written" for constructed answers), and the
    pairs where it does not."""
    rows = read_dataset(path, "judge label", dict)
    verdicts = [judge_verdict(row) for row in rows]
    tiers: dict[str, list[bool]] = {}
    for row, verdict in zip(rows, verdicts, strict=True):
        tiers.setdefault(row.get("tier", "hand-written"), []).append(verdict == row["label"])
    agree = sum(verdict == row["label"] for row, verdict in zip(rows, verdicts, strict=True))
    return {
        "pairs": len(rows),
        "agreement": _ratio(agree, len(rows)),
        "tiers": {tier: {"pairs": len(a), "agreement": _ratio(sum(a), len(a))} for tier, a in sorted(tiers.items())},
        "disagreements": [
            {
                "tier": row.get("tier", "hand-written"),
                "kind": row["kind"],
                "claim": row["claim"],
                "answer": row["answer"],
                "label": row["label"],
                "judge": verdict,
            }
            for row, verdict in zip(rows, verdicts, strict=True)
            if verdict != row["label"]
        ],
    }


def _embedded_tier(model: str | None) -> Tier | None:
    """The embedded tier a model name is (its preset, GGUF file name or a path to that file), else None."""
    name = Path(model or "").name.lower()
    return next((t for t in EMBEDDED_TIERS.values() if name in (t.preset, t.filename.lower())), None)


def tier_of(model: str | None) -> str:
    """ "fast" or "quality" for the embedded tiers, "other" for any other model."""
    tier = _embedded_tier(model)
    return tier.role if tier else "other"


def model_key(model: str | None) -> str:
    """The name of the model's results folder and baseline (eval/baselines/<key>.json): a tier's preset
    ("smollm2-135m", "qwen2.5-coder-1.5b"), else the model's own name made safe for a file name."""
    tier = _embedded_tier(model)
    if tier:
        return tier.preset
    stem = Path(model or "unknown").name.lower().removesuffix(".gguf")
    return re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-.") or "unknown"


class AnswerEvaluator:
    """Runs items through an Answerer and judges them; one instance per evaluation run."""

    def __init__(self, answerer) -> None:
        self.answerer = answerer
        self.checker = SupportChecker(answerer.embeddings)
        self._chunks = None

    def run(self, items: list[Item], progress=None) -> list[ItemResult]:
        results = []
        for number, item in enumerate(items, 1):
            results.append(self.judge(item, self.ask(item)))
            if progress:
                progress(number, len(items), results[-1])
        return results

    def ask(self, item: Item):
        history: list[str] = []
        answer = None
        for turn in item.turns:
            answer = self.answerer.ask(turn, history)
            if not answer.refused:
                history.append(answer.standalone_question)
        return answer

    def judge(self, item: Item, answer) -> ItemResult:
        result = ItemResult(item, answer.to_json())
        text = answer.answer
        if item.expected == "decline":
            if not answer.refused:
                result.failures.append("should have declined")
        elif item.expected == "refer":
            if not answer.safety_note:
                result.failures.append("should have referred to a clinician")
        elif answer.refused:
            result.failures.append("should have answered, but declined")
        for claim in item.required:
            met = mentions(text, claim["any_of"])
            result.required_met.append(met)
            if claim.get("critical"):
                result.critical_met.append(met)
            if not met:
                result.failures.append(f"missing claim: {claim['claim']}")
        for claim in item.forbidden:
            hit = asserts(text, claim["any_of"])
            if hit:
                result.forbidden_hits.append(claim["claim"])
                result.failures.append(f"forbidden claim: {claim['claim']} ({hit!r})")
        self._judge_citations(result, answer)
        if item.sources:
            self._judge_labelled_citations(result)
            if not result.cites_label:
                result.failures.append("cites no labelled passage")
            hits = self.answerer.retriever.search(answer.standalone_question or item.turns[-1], k=10)
            question = Question(item.id, item.split, item.turns[-1], tuple(item.sources))
            result.retrieval = score_ranking(question, [(h.chunk.source, h.chunk.text) for h in hits])
        return result

    def _judge_citations(self, result: ItemResult, answer) -> None:
        by_id = {c.id: c for c in answer.citations}
        for citation in answer.citations:
            if not self._resolves(citation):
                result.unresolved.append(f"[{citation.id}] {citation.source}")
        if result.unresolved:
            result.failures.append(f"unresolved citations: {', '.join(result.unresolved)}")
        for sentence in result.answer["sentences"]:
            if sentence["kind"] not in CITED_KINDS:
                continue
            result.claim_sentences += 1
            claim = sentence["text"]  # a side's text is its bare quote: nothing to take apart
            cited = [by_id[n] for n in sentence["citations"] if n in by_id]
            passages = [Passage(n, c.source, c.title, c.section, c.quote, c.score) for n, c in enumerate(cited, 1)]
            if passages and self.checker.support(claim, _joined(passages)) > 0:
                result.supported_sentences += 1
            for passage in passages:
                result.citations += 1
                result.precise_citations += self.checker.support(claim, passage) > 0

    def _judge_labelled_citations(self, result: ItemResult) -> None:
        """Citations on claim sentences against the item's labelled passages (from the answer's JSON)."""
        by_id = {c["id"]: c for c in result.answer["citations"]}
        for sentence in result.answer["sentences"]:
            if sentence["kind"] not in CITED_KINDS:
                continue
            for number in sentence["citations"]:
                citation = by_id.get(number)
                passages = self._passages_of(citation["source"], citation["quote"]) if citation else []
                right = any(is_match(label, c.source, c.text) for c in passages for label in result.item.sources)
                result.labelled_citations += 1
                result.citations_on_label += right
                result.cites_label |= right

    def _resolves(self, citation) -> bool:
        return bool(self._passages_of(citation.source, citation.quote))

    def _passages_of(self, source: str, quote: str) -> list:
        """The indexed chunks of `source` that hold every line of the quote (a citation's passage)."""
        if self._chunks is None:
            self._chunks = self.answerer.retriever.index.chunks()
        lines = [normalise(line) for line in quote.splitlines()]
        return [
            c
            for c in self._chunks
            if c.source == source and all(_contains_all(normalise(c.text), line) for line in lines)
        ]


def summarise(results: list[ItemResult]) -> dict:
    """The metrics over a set of item results (a split, a category or all)."""
    answerable = [r for r in results if r.item.expected != "decline"]
    out_of_scope = [r for r in results if r.item.expected == "decline"]
    refer = [r for r in results if r.item.expected == "refer"]
    expected_answer = [r for r in results if r.item.expected == "answer"]
    required = [met for r in answerable for met in r.required_met]
    critical = [met for r in answerable for met in r.critical_met]
    latencies = [r.answer["timings_ms"]["total"] for r in results]
    # From the question to the model's first token (answers that called a model: the fast tier's do not), and to
    # the first sentence the runner sees (checked model text or a quote from the plan): every answer given.
    called_model = [r.answer["timings_ms"] for r in results if "first_model_token" in r.answer["timings_ms"]]
    model_firsts = [timings["first_model_token"] for timings in called_model]
    shown_firsts = [r.answer["timings_ms"].get("first_token", 0.0) for r in results if not r.answer["refused"]]
    with_retrieval = [r.retrieval for r in results if r.retrieval]
    not_refused = [r for r in results if not r.answer["refused"]]
    labelled = [r for r in results if r.item.sources and r.item.expected != "decline"]
    return {
        "items": len(results),
        "claim_recall": _ratio(sum(required), len(required)),
        "critical_claim_recall": _ratio(sum(critical), len(critical)),
        "forbidden_rate": _ratio(sum(bool(r.forbidden_hits) for r in results), len(results)),
        "citation_label_precision": _ratio(
            sum(r.citations_on_label for r in labelled), sum(r.labelled_citations for r in labelled)
        ),
        "citation_label_recall": _ratio(sum(r.cites_label for r in labelled), len(labelled)),
        "checker_citation_precision": _ratio(
            sum(r.precise_citations for r in results), sum(r.citations for r in results)
        ),
        "checker_citation_recall": _ratio(
            sum(r.supported_sentences for r in results), sum(r.claim_sentences for r in results)
        ),
        "decline_accuracy": _ratio(sum(r.answer["refused"] for r in out_of_scope), len(out_of_scope)),
        "false_refusal_rate": _ratio(sum(r.answer["refused"] for r in expected_answer), len(expected_answer)),
        "refer_accuracy": _ratio(sum(r.answer["safety_note"] for r in refer), len(refer)),
        "unresolved_citations": sum(len(r.unresolved) for r in results),
        "extractive_share": _ratio(sum(r.answer["grounding"] == "extractive" for r in not_refused), len(not_refused)),
        "recall@5": _ratio(sum(m["recall@5"] for m in with_retrieval), len(with_retrieval)),
        "mrr": _ratio(sum(m["mrr"] for m in with_retrieval), len(with_retrieval)),
        "latency_p50_ms": _p50(latencies),
        "latency_p95_ms": _p95(latencies),
        "model_first_token_p50_ms": _p50(model_firsts),
        "model_first_token_p95_ms": _p95(model_firsts),
        "first_sentence_p50_ms": _p50(shown_firsts),
        "first_sentence_p95_ms": _p95(shown_firsts),
    }


def _p50(values: list[float]) -> int | None:
    return round(statistics.median(values)) if values else None


def _p95(values: list[float]) -> int | None:
    return round(_percentile(values, 95)) if values else None


def evaluate_items(answerer, items: list[Item], judge_labels: Path | None = None, progress=None) -> dict:
    """{"all": metrics, "dev": ..., "test": ..., "categories": {split: {category: metrics}}, "items": [...]}."""
    started = time.perf_counter()
    results = AnswerEvaluator(answerer).run(items, progress)
    report: dict = {"all": summarise(results)}
    for split in sorted({r.item.split for r in results}):
        report[split] = summarise([r for r in results if r.item.split == split])
    report["categories"] = {
        category: summarise([r for r in results if r.item.category == category])
        for category in sorted({r.item.category for r in results})
    }
    report["items"] = [item_json(r) for r in results]
    report["judge"] = judge_agreement(judge_labels) if judge_labels and judge_labels.is_file() else None
    report["backend"], report["model"] = answerer.backend, answerer.model
    report["tier"], report["model_key"] = tier_of(answerer.model), model_key(answerer.model)
    report["wall_time_s"] = round(time.perf_counter() - started, 1)
    return report


def item_json(result: ItemResult) -> dict:
    """One judged item for the reports (and the live log of a long run)."""
    return {
        "id": result.item.id, "split": result.item.split, "category": result.item.category,
        "question": " / ".join(result.item.turns), "expected": result.item.expected, "score": round(result.score, 3),
        "answer": result.answer["answer"], "grounding": result.answer["grounding"],
        "failures": result.failures, "total_ms": result.answer["timings_ms"]["total"],
        "labelled_citations": result.labelled_citations, "citations_on_label": result.citations_on_label,
        "cites_label": result.cites_label if result.item.sources else None,
        "sentences": result.answer["sentences"],
        "citations": [{"id": c["id"], "source": c["source"], "quote": c["quote"]} for c in result.answer["citations"]],
    }  # fmt: skip


def _joined(passages: list[Passage]) -> Passage:
    sentences = [s for p in passages for s in p.sentences]
    return Passage(0, "", "", "", " ".join(sentences), 0.0, sentences)


def _contains_all(haystack: str, quote: str) -> bool:
    """Every sentence of the quote (the evidence shown is a selection of the passage's sentences) is there."""
    return all(part in haystack for part in quote_parts(quote))


def _ratio(numerator: float, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]
