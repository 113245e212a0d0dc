"""Evaluation outputs: a markdown report, the JSON results, a per-category chart, and the baseline comparison.

The committed baseline (eval/baseline.json) holds the metrics of the last accepted run; every run shows its
change against it, and `regressions` names what dropped further than the noise band (one item's worth on a
split of ~45 items) or broke a hard gate. Hard gates: no forbidden claim, every out-of-scope item declined,
every citation resolved.

Leaves out: running the evaluation (`answer_eval`).
"""

import json
from pathlib import Path

# Higher is better for these; for the rest (rates of bad things, latency) lower is better.
HIGHER_IS_BETTER = {"claim_recall", "critical_claim_recall", "citation_precision", "citation_recall",
                    "decline_accuracy", "refer_accuracy", "recall@5", "mrr"}  # fmt: skip
GATED = ("claim_recall", "critical_claim_recall", "citation_precision", "citation_recall", "refer_accuracy")
NOISE = 0.05  # a drop larger than this on a gated metric is a regression


def hard_gate_failures(metrics: dict) -> list[str]:
    failures = []
    if metrics.get("forbidden_rate"):
        failures.append(f"forbidden claims in {metrics['forbidden_rate']:.1%} of answers (must be 0)")
    if metrics.get("decline_accuracy") is not None and metrics["decline_accuracy"] < 1.0:
        failures.append(f"decline accuracy {metrics['decline_accuracy']:.2f} (must be 1.0)")
    if metrics.get("unresolved_citations"):
        failures.append(f"{metrics['unresolved_citations']} citation(s) do not resolve to an indexed passage")
    return failures


def regressions(report: dict, baseline: dict | None) -> list[str]:
    """Hard-gate failures, and gated metrics that fell more than NOISE below the baseline, per split."""
    found = []
    for split in ("dev", "test"):
        if split not in report:
            continue
        found += [f"{split}: {failure}" for failure in hard_gate_failures(report[split])]
        before = (baseline or {}).get(split, {})
        for metric in GATED:
            now, then = report[split].get(metric), before.get(metric)
            if now is not None and then is not None and now < then - NOISE:
                found.append(f"{split}: {metric} {now:.3f} < baseline {then:.3f} - {NOISE}")
    return found


def baseline_of(report: dict) -> dict:
    return {split: report[split] for split in ("dev", "test", "all") if split in report} | {
        "backend": report.get("backend"), "model": report.get("model"),
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
    lines = [f"# Stride answer evaluation ({report.get('model')}, {report.get('backend')})", ""]
    lines += ["| metric | " + " | ".join(splits) + " | change vs baseline (" + ", ".join(splits) + ") |"]
    lines += ["|---" * (len(splits) + 2) + "|"]
    for key in keys:
        values = " | ".join(_fmt(report[s].get(key)) for s in splits)
        changes = ", ".join(_change(report[s].get(key), (baseline or {}).get(s, {}).get(key)) for s in splits)
        lines.append(f"| {key} | {values} | {changes} |")
    judge = report.get("judge")
    if judge:
        lines += ["", f"Phrase judge agreement with {judge['pairs']} hand-labelled (answer, claim) pairs: "
                  f"{judge['agreement']:.0%}."]  # fmt: skip
    lines += [
        "",
        "## Per category (all splits)",
        "",
        "| category | items | claim recall | critical | citation "
        "precision | citation recall | declined right | extractive |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for category, m in report["categories"].items():
        lines.append(
            f"| {category} | {m['items']} | {_fmt(m['claim_recall'])} | {_fmt(m['critical_claim_recall'])} | "
            f"{_fmt(m['citation_precision'])} | {_fmt(m['citation_recall'])} | {_fmt(m['decline_accuracy'])} | "
            f"{_fmt(m['extractive_share'])} |"
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
        "citation precision": [report["categories"][c]["citation_precision"] for c in categories],
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
