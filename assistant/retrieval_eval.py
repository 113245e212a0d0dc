"""Retrieval evaluation: how well each retriever finds the hand-labelled passages for runners' questions.

The dataset (`eval/retrieval.jsonl`) gives, per question, the relevant passages as (source, a verbatim
phrase from the passage). A retrieved chunk is relevant to a label when it comes from that source and
contains the phrase (whitespace and quote styles normalised), so labels survive changes to chunk sizes.
Metrics, averaged over questions:
- recall@k: share of a question's labelled passages found in the top k;
- MRR: 1 / rank of the first relevant chunk (0 if none in the top 10);
- nDCG@5: binary gains, ideal ranking = all labelled passages first.
A label that matches no indexed chunk at all is reported as broken, since it would silently cap recall.

Leaves out: answer quality (claims, citations, abstention): that is the answer evaluation.
"""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from assistant.errors import InputError
from assistant.index import Progress
from assistant.retrieve import MODES, HybridRetriever
from assistant.text import normalise

T = TypeVar("T")

METRICS = ("recall@1", "recall@5", "mrr", "ndcg@5")
DEPTH = 10


@dataclass(frozen=True)
class Label:
    source: str
    contains: str


@dataclass(frozen=True)
class Question:
    id: str
    split: str  # "dev" (tune on it) or "test" (report only)
    question: str
    relevant: tuple[Label, ...]


def read_dataset(path: Path, kind: str, build: Callable[[dict], T], required: str = "") -> list[T]:
    """One item per non-blank line of a JSONL file, made by `build`; a bad line is an InputError naming it, and
    so is a file with no items when `required` names what it must hold."""
    if not path.is_file():
        raise InputError(f"{path}: no {kind} dataset there")
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(build(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise InputError(f"{path}:{number}: not a valid item ({error})") from None
    if required and not items:
        raise InputError(f"{path}: no {required} in it")
    return items


def load_questions(path: Path) -> list[Question]:
    return read_dataset(path, "retrieval", _question, required="questions")


def _question(item: dict) -> Question:
    labels = tuple(Label(r["source"], r["contains"]) for r in item["relevant"])
    return Question(item["id"], item.get("split", "dev"), item["question"], labels)


def is_match(label: Label, source: str, text: str) -> bool:
    return source == label.source and normalise(label.contains) in normalise(text)


def broken_labels(questions: list[Question], chunks) -> list[tuple[str, Label]]:
    """Labels no indexed chunk satisfies (a typo, or a passage the cleaner dropped)."""
    return [
        (q.id, label)
        for q in questions
        for label in q.relevant
        if not any(is_match(label, c.source, c.text) for c in chunks)
    ]


def score_ranking(question: Question, ranked: list[tuple[str, str]]) -> dict[str, float]:
    """Metrics for one question, given the ranked (source, text) of what was retrieved."""
    first_rank_of_label = {}
    for rank, (source, text) in enumerate(ranked, 1):
        for label in question.relevant:
            if label not in first_rank_of_label and is_match(label, source, text):
                first_rank_of_label[label] = rank
    relevant_ranks = sorted(
        rank
        for rank, (source, text) in enumerate(ranked, 1)
        if any(is_match(label, source, text) for label in question.relevant)
    )
    total = len(question.relevant)
    dcg = sum(1 / math.log2(rank + 1) for rank in relevant_ranks if rank <= 5)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(total, 5) + 1))
    return {
        "recall@1": sum(r <= 1 for r in first_rank_of_label.values()) / total,
        "recall@5": sum(r <= 5 for r in first_rank_of_label.values()) / total,
        "mrr": 1 / relevant_ranks[0] if relevant_ranks else 0.0,
        "ndcg@5": min(1.0, dcg / ideal) if ideal else 0.0,
    }


def evaluate(
    retriever: HybridRetriever, questions: list[Question], modes=MODES, progress: Progress | None = None
) -> dict:
    """Metrics per mode over all questions, and per split:

    {"questions": n, mode: {metric: value}, ..., "splits": {"dev": {"questions": n, mode: {...}}, ...},
     "broken_labels": [...], "per_question": {id: {mode: {metric: value}}}}
    progress: told (questions done, questions in all) after each question.
    """
    broken = broken_labels(questions, retriever.index.chunks())
    per_question: dict[str, dict] = {}
    for done, question in enumerate(questions, 1):
        for mode in modes:
            hits = retriever.search(question.question, k=DEPTH, mode=mode)
            per_question.setdefault(question.id, {})[mode] = score_ranking(
                question, [(h.chunk.source, h.chunk.text) for h in hits]
            )
        if progress:
            progress(done, len(questions))
    report: dict = {"questions": len(questions), **_averages(questions, per_question, modes), "splits": {}}
    for split in sorted({q.split for q in questions}):
        members = [q for q in questions if q.split == split]
        report["splits"][split] = {"questions": len(members), **_averages(members, per_question, modes)}
    report["broken_labels"] = [f"{qid}: {label.source} / {label.contains!r}" for qid, label in broken]
    report["per_question"] = per_question
    return report


def _averages(questions: list[Question], per_question: dict, modes) -> dict:
    return {
        mode: {m: round(sum(per_question[q.id][mode][m] for q in questions) / len(questions), 4) for m in METRICS}
        for mode in modes
    }
