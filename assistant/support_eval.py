"""The support check's own evaluation: how often it shows what the sources do not say, and removes what they do.

`eval/support_labels.jsonl` holds sentences that both model tiers really wrote (and real sentences altered by
hand into hard cases), each with the passages the checker was given and a label read by a person: does the
evidence say this? The checker (`cite.SupportChecker`, with the embedding model's thresholds) judges each, and
- false-pass = unsupported sentences it would show / all unsupported sentences,
- false-strip = supported sentences it would remove / all supported sentences,
per split (the thresholds are chosen on `dev`; `heldout` is only reported), per model tier that wrote the
sentence, and per kind of case (verbatim, paraphrase, verdict, addition, wrong passage, swap, other), with the
misjudged items listed.

Leaves out: the answer stage's own filters after the checker (relevance to the question, an echoed premise,
the passage that answers best, diagnoses): those decide what a sentence is for, not whether it is true to
its source. Labels are one person's reading.
"""

from dataclasses import dataclass
from pathlib import Path

from assistant.cite import Passage, SupportChecker
from assistant.retrieval_eval import read_dataset

SPLITS = ("dev", "heldout")
KINDS = ("verbatim", "paraphrase", "verdict", "addition", "wrong_passage", "swap", "other")


@dataclass(frozen=True)
class SupportItem:
    id: str
    split: str
    question: str
    sentence: str
    evidence: tuple[dict, ...]  # {"source", "title", "section", "text": one evidence unit a line}
    supported: bool
    kind: str
    origin: str  # the model tier that wrote the sentence, or "edited"

    def passages(self) -> list[Passage]:
        """The evidence as the checker was given it: numbered passages whose units are the text's lines."""
        return [
            Passage(n, e["source"], e.get("title", ""), e.get("section", ""), e["text"], 0.0, e["text"].splitlines())
            for n, e in enumerate(self.evidence, 1)
        ]


@dataclass(frozen=True)
class Judged:
    item: SupportItem
    shown: bool
    reason: str

    @property
    def wrong(self) -> bool:
        return self.shown != self.item.supported


def load_labels(path: Path) -> list[SupportItem]:
    return read_dataset(path, "support label", _item, required="labelled sentences")


def _item(raw: dict) -> SupportItem:
    if raw["split"] not in SPLITS or raw["kind"] not in KINDS or not isinstance(raw["supported"], bool):
        raise TypeError(f"split must be one of {SPLITS}, kind one of {KINDS}, supported true or false")
    evidence = tuple(
        {"source": e["source"], "title": e.get("title", ""), "section": e.get("section", ""), "text": e["text"]}
        for e in raw["evidence"]
    )
    fields = (raw["id"], raw["split"], raw["question"], raw["sentence"])
    return SupportItem(*fields, evidence, raw["supported"], raw["kind"], raw["origin"])


def judge(checker: SupportChecker, items: list[SupportItem]) -> list[Judged]:
    """Each item's sentence checked on its own against its evidence, with its question."""
    judged = []
    for item in items:
        result = checker.check([item.sentence], item.passages(), question=item.question)[0]
        judged.append(Judged(item, result.supported, result.reason))
    return judged


def rates(judged: list[Judged]) -> dict:
    """false_pass and false_strip (None when there is nothing to count them on), with their counts."""
    unsupported = [j for j in judged if not j.item.supported]
    supported = [j for j in judged if j.item.supported]
    passed = sum(j.shown for j in unsupported)
    stripped = sum(not j.shown for j in supported)
    return {
        "items": len(judged),
        "unsupported": len(unsupported),
        "supported": len(supported),
        "false_pass": round(passed / len(unsupported), 4) if unsupported else None,
        "false_strip": round(stripped / len(supported), 4) if supported else None,
        "passed_unsupported": passed,
        "stripped_supported": stripped,
    }


def report(judged: list[Judged], thresholds_model: str = "") -> dict:
    """Rates per split, and within each split per origin and per kind, with the misjudged items."""
    splits = {}
    for split in SPLITS:
        part = [j for j in judged if j.item.split == split]
        if not part:
            continue
        splits[split] = {
            **rates(part),
            "by_origin": _grouped(part, lambda j: j.item.origin),
            "by_kind": _grouped(part, lambda j: j.item.kind),
        }
    misjudged = [
        {
            "id": j.item.id,
            "split": j.item.split,
            "origin": j.item.origin,
            "kind": j.item.kind,
            "labelled": "supported" if j.item.supported else "unsupported",
            "error": "false strip" if j.item.supported else "false pass",
            "sentence": j.item.sentence,
            "reason": j.reason,
        }
        for j in judged
        if j.wrong
    ]
    return {"thresholds": thresholds_model, "splits": splits, "misjudged": misjudged}


def _grouped(judged: list[Judged], key) -> dict:
    groups: dict[str, list[Judged]] = {}
    for j in judged:
        groups.setdefault(key(j), []).append(j)
    return {name: rates(group) for name, group in sorted(groups.items())}


def exceeds(measured: dict, baseline: dict) -> list[str]:
    """Each split's rate that is above the baseline's (the committed eval/baselines/support.json)."""
    worse = []
    for split, figures in baseline.get("splits", {}).items():
        for rate in ("false_pass", "false_strip"):
            now = measured["splits"].get(split, {}).get(rate)
            if now is not None and figures.get(rate) is not None and now > figures[rate]:
                worse.append(f"{split} {rate} {now:.3f} > baseline {figures[rate]:.3f}")
    return worse
