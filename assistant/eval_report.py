"""Evaluation outputs: a markdown report, the JSON results, a per-category chart, and the baseline comparison.

Each model has its own committed baseline (eval/baselines/<model key>.json, the fast tier's being what CI
compares against) holding the metrics of its last accepted run; every run shows its change against it.
`regressions` names, per split, what broke a hard gate or moved further than the noise band (one or two
items' worth on a split of ~47 items) the wrong way:
- hard gates (`hard_gate_failures`; `stride eval --update-baseline` refuses to accept a run that fails one):
  no forbidden claim, every out-of-scope item declined, every citation resolved, false-refusal rate at most
  FALSE_REFUSAL_CAP, and every gated metric measured: a gated metric that comes back None fails, it is
  never skipped;
- noise-band gates against the baseline: claim recall, critical-claim recall, citation precision and recall
  against the hand labels, referral, retrieval recall@5 and MRR must not fall more than NOISE below it; the
  false-refusal rate must not rise more than NOISE above it. A gated metric the baseline lacks fails too.
The checker-based citation figures are reported but not gated: the checker that grades them also filtered
the answers.

Leaves out: running the evaluation (`answer_eval`).
"""

import json
from pathlib import Path

# Higher is better for these; for the rest (rates of bad things, latency) lower is better.
HIGHER_IS_BETTER = {"claim_recall", "critical_claim_recall", "citation_label_precision", "citation_label_recall",
                    "checker_citation_precision", "checker_citation_recall", "decline_accuracy", "refer_accuracy",
                    "recall@5", "mrr"}  # fmt: skip
# must not fall more than NOISE below the baseline
GATED = ("claim_recall", "critical_claim_recall", "citation_label_precision", "citation_label_recall",
         "refer_accuracy", "recall@5", "mrr")  # fmt: skip
GATED_LOWER = ("false_refusal_rate",)  # must not rise more than NOISE above the baseline
HARD = ("forbidden_rate", "decline_accuracy", "unresolved_citations", "false_refusal_rate")
NOISE = 0.05  # a move larger than this the wrong way on a gated metric is a regression
# Hard cap on declining answerable questions, whatever the baseline: past one in ten (3-4 of the ~35 answerable
# items of a split) the decline calibration is broken, not noisy. Both tiers' baselines are 0.
FALSE_REFUSAL_CAP = 0.10


def hard_gate_failures(metrics: dict) -> list[str]:
    """What breaks a hard gate in one split's metrics; a gated metric that is None (not measured) fails."""
    gated = dict.fromkeys((*HARD, *GATED, *GATED_LOWER))
    failures = [f"{metric} is None: a gated metric was not measured" for metric in gated if metrics.get(metric) is None]
    if metrics.get("forbidden_rate"):
        failures.append(f"forbidden claims in {metrics['forbidden_rate']:.1%} of answers (must be 0)")
    if metrics.get("decline_accuracy") is not None and metrics["decline_accuracy"] < 1.0:
        failures.append(f"decline accuracy {metrics['decline_accuracy']:.2f} (must be 1.0)")
    if metrics.get("unresolved_citations"):
        failures.append(f"{metrics['unresolved_citations']} citation(s) do not resolve to an indexed passage")
    refused = metrics.get("false_refusal_rate")
    if refused is not None and refused > FALSE_REFUSAL_CAP:
        failures.append(f"false-refusal rate {refused:.3f} (must be at most {FALSE_REFUSAL_CAP})")
    return failures


def hard_failures(report: dict) -> list[str]:
    """The hard-gate failures of every split in the report (what --update-baseline refuses to accept)."""
    return [f"{split}: {f}" for split in ("dev", "test") if split in report for f in hard_gate_failures(report[split])]


def regressions(report: dict, baseline: dict | None) -> list[str]:
    """Hard-gate failures, and gated metrics that moved more than NOISE the wrong way from the baseline (or
    that the baseline lacks), per split."""
    found = hard_failures(report)
    for split in ("dev", "test"):
        if split not in report:
            continue
        before = (baseline or {}).get(split, {})
        for metric in (*GATED, *GATED_LOWER):
            now, then = report[split].get(metric), before.get(metric)
            if now is None:
                continue  # already a hard-gate failure
            if then is None:
                found.append(f"{split}: {metric} has no baseline value to compare with")
            elif metric in GATED and now < then - NOISE:
                found.append(f"{split}: {metric} {now:.3f} < baseline {then:.3f} - {NOISE}")
            elif metric in GATED_LOWER and now > then + NOISE:
                found.append(f"{split}: {metric} {now:.3f} > baseline {then:.3f} + {NOISE}")
    return found


def baseline_of(report: dict) -> dict:
    return {split: report[split] for split in ("dev", "test", "all") if split in report} | {
        "backend": report.get("backend"), "model": report.get("model"), "tier": report.get("tier"),
    }  # fmt: skip


def write_outputs(report: dict, baseline: dict | None, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "results.json", "markdown": folder / "report.md", "chart": folder / "categories.png"}
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["markdown"].write_text(markdown(report, baseline), encoding="utf-8")
    if not write_chart(report, paths["chart"]):
        paths.pop("chart")
    return paths


def markdown(report: dict, baseline: dict | None) -> str:
    splits = [s for s in ("dev", "test", "all") if s in report]
    keys = [k for k in report[splits[0]] if k != "items"]
    title = f"{report.get('model')}, {report.get('backend')}, tier {report.get('tier')}"
    lines = [f"# Stride answer evaluation ({title})", ""]
    lines += ["| metric | " + " | ".join(splits) + " | change vs baseline (" + ", ".join(splits) + ") |"]
    lines += ["|---" * (len(splits) + 2) + "|"]
    for key in keys:
        values = " | ".join(_fmt(report[s].get(key)) for s in splits)
        changes = ", ".join(_change(report[s].get(key), (baseline or {}).get(s, {}).get(key)) for s in splits)
        lines.append(f"| {key} | {values} | {changes} |")
    lines += ["", "citation_label_*: citations against the hand-labelled supporting passages (gated); "
              "checker_citation_*: judged by the answer stage's own support checker (not gated)."]  # fmt: skip
    lines += _judge_lines(report.get("judge"))
    lines += [
        "",
        "## Per category (all splits)",
        "",
        "| category | items | claim recall | critical | citation label "
        "precision | citation label recall | declined right | extractive |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for category, m in report["categories"].items():
        lines.append(
            f"| {category} | {m['items']} | {_fmt(m['claim_recall'])} | {_fmt(m['critical_claim_recall'])} | "
            f"{_fmt(m.get('citation_label_precision'))} | {_fmt(m.get('citation_label_recall'))} | "
            f"{_fmt(m['decline_accuracy'])} | {_fmt(m['extractive_share'])} |"
        )
    found = regressions(report, baseline)
    lines += ["", "## Regressions", ""] + ([f"- {r}" for r in found] or ["None."])
    lines += ["", "## Worst items", ""]
    for item in sorted(report["items"], key=lambda i: i["score"])[:10]:
        if item["score"] >= 1.0:
            break
        lines += [f"### {item['id']} ({item['split']}, {item['category']}, expected {item['expected']}): "
                  f"score {item['score']:.2f}", "", f"**Q:** {item['question']}", "",
                  f"**A** ({item['grounding']}): {item['answer']}", "",
                  "Why: " + "; ".join(item["failures"]), ""]  # fmt: skip
    return "\n".join(lines) + "\n"


def _judge_lines(judge: dict | None) -> list[str]:
    if not judge:
        return []
    tiers = ", ".join(f"{tier} {t['agreement']:.0%} of {t['pairs']}" for tier, t in judge.get("tiers", {}).items())
    lines = ["", "## Phrase judge against hand labels", "",
             f"Agreement with {judge['pairs']} hand-labelled (answer, claim) pairs: {judge['agreement']:.0%}"
             + (f" (per tier: {tiers})." if tiers else ".")]  # fmt: skip
    if judge.get("disagreements"):
        lines += ["", "| tier | kind | claim | answer | hand label | judge |", "|---|---|---|---|---|---|"]
        for d in judge["disagreements"]:
            answer = " ".join(d["answer"].split()).replace("|", "\\|")
            lines.append(f"| {d['tier']} | {d['kind']} | {d['claim']} | {answer} | {d['label']} | {d['judge']} |")
    return lines


def write_chart(report: dict, path: Path) -> bool:
    """A bar chart of claim recall and citation precision per category; False if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    categories = list(report["categories"])
    series = {
        "claim recall": [report["categories"][c]["claim_recall"] for c in categories],
        "citation precision (labels)": [report["categories"][c].get("citation_label_precision") for c in categories],
        "declined right": [report["categories"][c]["decline_accuracy"] for c in categories],
    }
    figure, axes = plt.subplots(figsize=(10, 4.5))
    width = 0.27
    for offset, (name, values) in enumerate(series.items()):
        positions = [i + (offset - 1) * width for i in range(len(categories))]
        axes.bar(positions, [v if v is not None else 0 for v in values], width, label=name)
    axes.set_xticks(range(len(categories)), categories, rotation=30, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_title(f"Stride answer eval per category ({report.get('model')})")
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _change(now, then) -> str:
    if now is None or then is None or not isinstance(now, int | float):
        return "-"
    delta = now - then
    return "=" if abs(delta) < 1e-9 else f"{delta:+.3f}"
