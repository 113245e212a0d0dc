"""Stride's benchmark: every figure of issue #6, measured on this machine in this run, with the machine noted.

What a runner runs is measured as a runner runs it, each in its own process with its own peak RSS:
`stride ingest` (seed corpus, again unchanged, and with `--scale N` a synthetic corpus N times larger,
each copy reworded so nothing deduplicates), `stride ask` (cold: a new process each time), `stride ui`
(answer latency through gradio_client, then Ctrl-C), `stride eval` (all 94 items) and `stride --help`.
In this process: retrieval latency p50/p95 (on the seed corpus, and on the N-times corpus with --scale) and
the retrieval eval, the embedded model's load time, first
token and decode speed on a fixed prompt, warm `ask`, and the answer eval's test split for Stride and for a
plain LangChain baseline (bench/baseline.py: dense-only Chroma top 4 stuffed into the prompt, no checks)
with the same model and judge, side by side with ratios; the first-token figures of those real answers.
Per embedded tier (issue 10; the quality tier only when installed): first sentence shown and answer p50/p95
over a few test-split questions with the model loaded, the model's first token, and `stride ask` cold with
its peak RSS.

Prints a table, the targets met or not, and writes bench/results/latest.json.
Leaves out: GPU runs and Ollama (not installable here).
"""

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.model_files import FAST, QUALITY  # noqa: E402
from assistant.retrieval_eval import evaluate, load_questions  # noqa: E402
from assistant.wiring import Stride  # noqa: E402


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


@dataclass
class Measured:
    """One process run to its end: its own wall time and peak RSS (from the launcher), exit status and output."""

    wall_ms: float
    peak_rss_mb: float
    returncode: int
    stdout: str


# A child's ru_maxrss starts at its parent's peak (Linux carries the old memory map's high-water mark
# across exec), so a child of this bench, which holds two models, would report at least the bench's
# size. The launcher is a small Python process that starts the real command and reports that
# grandchild's own peak, which starts from the launcher's few MB, and its wall time (so the launcher's
# own start-up, ~20 ms, is not counted). It passes Ctrl-C/TERM on.
LAUNCHER = """
import os, signal, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, lambda number, frame: child.send_signal(number))
_, status, usage = os.wait4(child.pid, 0)  # retried by Python when a passed-on signal interrupts it
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {(time.perf_counter() - started) * 1000}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def stride_process(args: list[str], env: dict) -> subprocess.Popen:
    # Output goes to a file, not a pipe: nothing may be left unread in a pipe that the child blocks on.
    out = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (it lives as long as the process; reap closes it)
    handle, rss_file = tempfile.mkstemp(prefix="stride-bench-rss-")
    os.close(handle)
    command = [sys.executable, "-c", LAUNCHER, rss_file, sys.executable, "-m", "assistant", *args]
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT, env={**os.environ, **env})
    process.output_file, process.rss_file = out, Path(rss_file)
    return process


def reap(process: subprocess.Popen) -> Measured:
    """Wait for the process; its peak RSS (ru_maxrss, KiB on Linux) and wall time are what the launcher wrote."""
    process.wait()
    try:
        peak_kib, wall_ms = (float(field) for field in process.rss_file.read_text().split())
        process.rss_file.unlink()
    except (OSError, ValueError):
        peak_kib = wall_ms = float("nan")  # the launcher was killed before it could write
    with process.output_file as out:
        out.seek(0)
        return Measured(wall_ms, peak_kib / 1024, process.returncode, out.read())


def run_stride(args: list[str], env: dict) -> Measured:
    return reap(stride_process(args, env))


def stride_env(corpus: Path, data_dir: Path) -> dict:
    return {"STRIDE_CORPUS_DIR": str(corpus), "STRIDE_DATA_DIR": str(data_dir), "STRIDE_BACKEND": "llama-cpp"}


def bench_ingest(env: dict) -> dict:
    """`stride ingest` of the seed corpus into an empty index, then again with nothing changed."""
    cold = run_stride(["ingest", "--json"], env)
    if cold.returncode:
        raise SystemExit(f"stride ingest failed (exit {cold.returncode})")
    unchanged = run_stride(["ingest", "--json"], env)
    return {
        "seed_chunks": json.loads(cold.stdout)["chunks_total"],
        "seed_ingest_process_ms": round(cold.wall_ms),
        "seed_ingest_peak_rss_mb": round(cold.peak_rss_mb),
        "seed_reingest_unchanged_process_ms": round(unchanged.wall_ms),
    }


def bench_scaled_ingest(work: Path, scale: int) -> dict:
    """`stride ingest` of a synthetic corpus `scale` times the seeds, in a new process (time and peak RSS)."""
    corpus = work / f"corpus-x{scale}"
    corpus.mkdir()
    for copy in range(scale):
        for path in (ROOT / "corpus").glob("*.txt"):
            text = path.read_text(encoding="utf-8")
            # Reword every copy a little so that no chunk id or vector is shared between copies.
            (corpus / f"{copy:04d}-{path.name}").write_text(
                text.replace(" the ", f" the{' ' * (copy % 3 + 1)}").replace("runners", f"runners {copy}")
            )
    # No model work: questions for 3,200 passages would take hours on 2 cores (README, Performance).
    run = run_stride(["ingest", "--json", "--no-model-work"], stride_env(corpus, work / f"x{scale}"))
    if run.returncode:
        raise SystemExit(f"stride ingest of the x{scale} corpus failed (exit {run.returncode})")
    report = json.loads(run.stdout)
    return {
        f"x{scale}_documents": report["documents_total"],
        f"x{scale}_chunks": report["chunks_total"],
        f"x{scale}_ingest_process_ms": round(run.wall_ms),
        f"x{scale}_ingest_peak_rss_mb": round(run.peak_rss_mb),
    }


def bench_scaled_retrieval(work: Path, scale: int, embeddings, questions, rounds: int) -> dict:
    """Warm retrieval latency on the synthetic corpus `bench_scaled_ingest` indexed (the lexical side grows
    with the corpus: rank-bm25 scored every passage in Python, 29 ms a query at 100x)."""
    settings = Settings(corpus_dir=work / f"corpus-x{scale}", data_dir=work / f"x{scale}", backend="llama-cpp")
    return bench_retrieval(Stride(settings, embeddings=embeddings), questions, rounds, prefix=f"x{scale}_")


def bench_retrieval(stride, questions, rounds: int, prefix: str = "") -> dict:
    stride.retriever.search("warm up", k=5)  # first call builds the lexical index and loads the model
    latencies = []
    for _ in range(rounds):
        for question in questions:
            _, ms = timed(lambda q=question: stride.retriever.search(q.question, k=5))
            latencies.append(ms)
    return {
        f"{prefix}retrieval_p50_ms": round(statistics.median(latencies), 2),
        f"{prefix}retrieval_p95_ms": round(percentile(latencies, 95), 2),
        f"{prefix}retrieval_queries": len(latencies),
    }


def bench_cli() -> dict:
    runs = [run_stride(["--help"], {}) for _ in range(5)]
    if any(run.returncode for run in runs):
        raise SystemExit("stride --help failed")
    return {"help_ms_median": round(statistics.median(run.wall_ms for run in runs))}


def bench_model(choice) -> dict:
    """Load time, time to first token and decode tokens/s of the embedded model on a ~400-token prompt."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from assistant.models import load_llama, make_chat_model

    _, load_ms = timed(lambda: load_llama(choice.model_path))
    chat = make_chat_model(choice, max_tokens=128)
    passage = (ROOT / "corpus" / "learn2run-strength-training-glutes.txt").read_text(encoding="utf-8")[3000:4800]
    messages = [
        SystemMessage("Answer from the passage."),
        HumanMessage(f"{passage}\n\nQuestion: How do I train my hips?"),
    ]
    llm, _ = load_llama(choice.model_path)
    prompt_tokens = len(llm.tokenize(str(messages).encode()))
    firsts, rates = [], []
    for _ in range(3):
        llm.reset()  # no shared prompt cache between runs
        started = time.perf_counter()
        first, pieces = None, []
        for chunk in chat.stream(messages):
            first = first or time.perf_counter()
            pieces.append(chunk.content)
        ended = time.perf_counter()
        generated = len(llm.tokenize("".join(pieces).encode(), add_bos=False))
        firsts.append((first - started) * 1000)
        rates.append(generated / max(1e-6, ended - first))
    return {"model": choice.model, "model_load_ms": round(load_ms), "prompt_tokens_approx": prompt_tokens,
            "first_token_ms_median": round(statistics.median(firsts)),
            "decode_tokens_per_s_median": round(statistics.median(rates), 1)}  # fmt: skip


def bench_ask(stride, env: dict) -> dict:
    """`stride ask` end to end: a new process each time (cold) and repeated asks in this process (warm)."""
    question = "How do I make single-leg stands harder?"
    cold = [run_stride(["ask", question, "--json"], env) for _ in range(3)]
    if any(run.returncode for run in cold):
        raise SystemExit("stride ask failed")
    stride.answerer.ask(question)  # warm up
    warm = [timed(lambda: stride.answerer.ask(question))[1] for _ in range(5)]
    return {"ask_cold_process_ms_median": round(statistics.median(run.wall_ms for run in cold)),
            "ask_warm_ms_median": round(statistics.median(warm)),
            "ask_process_peak_rss_mb": round(max(run.peak_rss_mb for run in cold))}  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_tier(stride, env: dict, tier, count: int, user_models: Path) -> dict:
    """One embedded tier answering real questions: warm in this process (the first `count` test-split
    questions, after one answer to load the model) and `stride ask` cold in its own process (peak RSS).

    The quality tier's joined file is linked from the user's data folder (never joined again here); a tier
    that is not installed is skipped. Keys are prefixed with the tier's role ("quality_first_sentence_p50_ms")."""
    from assistant import model_files
    from assistant.answer_eval import load_items

    models = Path(env["STRIDE_DATA_DIR"]) / "models"
    if tier.joined and not (models / tier.filename).exists():
        if not model_files.is_joined(tier, user_models / tier.filename):
            return {}
        models.mkdir(parents=True, exist_ok=True)
        (models / tier.filename).symlink_to(user_models / tier.filename)
    tiered = stride.with_settings(backend="llama-cpp", gguf=tier.preset)
    items = [i for i in load_items(ROOT / "eval" / "answers.jsonl") if i.split == "test"]
    questions = [i.turns[0] for i in items if i.expected == "answer" and len(i.turns) == 1][:count]
    tiered.answerer.ask(questions[-1])  # loads the model
    timings = [tiered.answerer.ask(q).timings_ms for q in questions]
    called = [t for t in timings if "first_model_token" in t]  # the model wrote (not declined, not quoted)
    cold = [run_stride(["ask", questions[0], "--json"], env | {"STRIDE_GGUF": tier.preset}) for _ in range(2)]
    figures = {
        "answers": len(timings),
        "first_sentence_p50_ms": statistics.median(t["first_token"] for t in timings),
        "first_sentence_p95_ms": percentile([t["first_token"] for t in timings], 95),
        "answer_p50_ms": statistics.median(t["total"] for t in timings),
        "answer_p95_ms": percentile([t["total"] for t in timings], 95),
        "model_first_token_p50_ms": statistics.median(t["first_model_token"] for t in called) if called else None,
        "ask_cold_process_ms_median": statistics.median(run.wall_ms for run in cold),
        "ask_process_peak_rss_mb": max(run.peak_rss_mb for run in cold),
    }
    return {f"{tier.role}_{key}": round(value) if value is not None else None for key, value in figures.items()}


def bench_ui(env: dict, questions: list[str]) -> dict:
    """`stride ui` in its own process; answer latency through gradio_client, and the server's peak RSS."""
    port = free_port()
    started = time.perf_counter()
    server = stride_process(["ui", "--port", str(port)], env)
    try:
        client = connect(f"http://127.0.0.1:{port}/")
        ready_ms = (time.perf_counter() - started) * 1000
        latencies = []
        for question in questions:
            client.submit(api_name="/clear").result(timeout=60)
            _, ms = timed(lambda q=question: client.submit(q, api_name="/ask").result(timeout=120))
            latencies.append(ms)
    finally:
        server.send_signal(signal.SIGINT)  # what Ctrl-C does; Gradio closes its server and exits
        measured = reap_within(server, timeout_s=20)
    return {"ui_ready_ms": round(ready_ms), "ui_answer_p50_ms": round(statistics.median(latencies)),
            "ui_answer_p95_ms": round(percentile(latencies, 95)), "ui_questions": len(latencies),
            "ui_process_peak_rss_mb": round(measured.peak_rss_mb)}  # fmt: skip


def connect(url: str, timeout_s: float = 120):
    """A gradio_client.Client once the page answers (the server imports Gradio and loads its parts first)."""
    import gradio_client

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return gradio_client.Client(url, verbose=False, analytics_enabled=False)
        except Exception:
            if time.monotonic() > deadline:
                raise SystemExit(f"stride ui did not answer at {url} within {timeout_s:.0f} s") from None
            time.sleep(0.5)


def reap_within(process: subprocess.Popen, timeout_s: float) -> Measured:
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)  # the launcher passes it on and still reports the peak
    return reap(process)


def bench_eval(env: dict, out: Path) -> dict:
    """The whole answer eval (`stride eval`, all 94 items) in its own process: wall time and peak RSS."""
    run = run_stride(["eval", "--json", "--out", str(out)], env)
    return {"eval_suite_process_s": round(run.wall_ms / 1000, 1), "eval_suite_peak_rss_mb": round(run.peak_rss_mb),
            "eval_suite_exit": run.returncode}  # fmt: skip


def bench_against_baseline(stride, choice) -> dict:
    """The answer eval's test split for Stride and for the plain LangChain baseline, same model, same judge."""
    from assistant.answer_eval import evaluate_items, load_items
    from assistant.models import make_chat_model
    from bench.baseline import StuffedBaseline

    items = [i for i in load_items(ROOT / "eval" / "answers.jsonl") if i.split == "test"]
    results = {}
    for name, answerer in (
        ("stride", stride.answerer),
        ("langchain_baseline", StuffedBaseline(stride, make_chat_model(choice), backend=choice.backend,
                                               model=choice.model)),
    ):  # fmt: skip
        report, ms = timed(lambda a=answerer: evaluate_items(a, items))
        keep = (
            "claim_recall",
            "critical_claim_recall",
            "forbidden_rate",
            "citation_label_precision",
            "citation_label_recall",
            "checker_citation_precision",
            "checker_citation_recall",
            "decline_accuracy",
            "false_refusal_rate",
            "refer_accuracy",
            "latency_p50_ms",
            "latency_p95_ms",
            "model_first_token_p50_ms",
            "model_first_token_p95_ms",
            "first_sentence_p50_ms",
            "first_sentence_p95_ms",
        )
        results[name] = {key: report["all"][key] for key in keep} | {"eval_wall_s": round(ms / 1000, 1)}
    results["ratios_stride_over_baseline"] = {
        key: round(results["stride"][key] / results["langchain_baseline"][key], 2)
        for key in (
            "claim_recall",
            "critical_claim_recall",
            "citation_label_precision",
            "citation_label_recall",
            "latency_p50_ms",
        )
        if results["stride"][key] and results["langchain_baseline"][key]
    }
    return results


TARGETS = {  # issue #6, for 2 cores with the embedded default: (key, limit, unit)
    "retrieval p95": ("retrieval_p95_ms", 20, "ms"),
    # What a runner waits for: the first checked sentence shown (timings_ms["first_token"] of an answer),
    # which comes after the model's first token because sentences are shown only once checked.
    "first sentence shown, p50 (warm)": ("first_sentence_p50_ms", 1000, "ms"),
    # Issue 10: per tier, on the test split's questions, model loaded.
    "fast tier: first sentence shown, p50 (warm)": ("fast_first_sentence_p50_ms", 1000, "ms"),
    "fast tier: stride ask, cold": ("fast_ask_cold_process_ms_median", 3000, "ms"),
    "quality tier: first sentence shown, p50 (warm)": ("quality_first_sentence_p50_ms", 4000, "ms"),
    "quality tier: answer p95 (warm)": ("quality_answer_p95_ms", 12000, "ms"),
    "stride ask, warm": ("ask_warm_ms_median", 3000, "ms"),
    "stride --help": ("help_ms_median", 300, "ms"),
    "seed ingest (new process)": ("seed_ingest_process_ms", 10000, "ms"),
    "eval suite (new process)": ("eval_suite_process_s", 480, "s"),
}
RSS_LIMIT_MB = 1024
# Shown beside the targets, with no limit: where the time to the first sentence goes.
INFORMATIONAL = {
    "model's first token in answers, p50": ("model_first_token_p50_ms", "ms"),
    "fast tier: answer p95 (warm)": ("fast_answer_p95_ms", "ms"),
    "fast tier: model's first token, p50": ("fast_model_first_token_p50_ms", "ms"),
    "quality tier: stride ask, cold": ("quality_ask_cold_process_ms_median", "ms"),
    "quality tier: model's first token, p50": ("quality_model_first_token_p50_ms", "ms"),
}


def verdicts(results: dict) -> list[dict]:
    """Each target of issue #6 that this run measured: the figure, the limit, met or not (None: no target)."""
    rows = [(name, key, limit, unit) for name, (key, limit, unit) in TARGETS.items()]
    rows += [(f"retrieval p95, {key.split('_')[0]} corpus", key, TARGETS["retrieval p95"][1], "ms")
             for key in results if key.startswith("x") and key.endswith("_retrieval_p95_ms")]  # fmt: skip
    # The 1 GB bound is the fast default's; the quality tier's 1.1 GB file is mapped into its process.
    rows += [(f"peak RSS: {key.removesuffix('_peak_rss_mb')}", key,
              None if key.startswith("quality_") else RSS_LIMIT_MB, "MB")
             for key in results if key.endswith("_peak_rss_mb")]  # fmt: skip
    rows += [(name, key, None, unit) for name, (key, unit) in INFORMATIONAL.items()]
    return [
        {"target": name, "value": results[key], "limit": limit, "unit": unit, "met": limit and results[key] < limit}
        for name, key, limit, unit in rows
        if results.get(key) is not None
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0, help="also ingest a synthetic corpus N times larger")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the eval questions for latency")
    parser.add_argument("--no-answers", action="store_true", help="skip the model, ask, UI and eval parts")
    parser.add_argument("--tier-questions", type=int, default=8, help="questions per tier for answer latency")
    args = parser.parse_args()

    questions = load_questions(ROOT / "eval" / "retrieval.jsonl")
    results: dict = {"machine": machine()}
    work = Path(tempfile.mkdtemp(prefix="stride-bench-"))
    env = stride_env(ROOT / "corpus", work / "seed")
    try:
        results.update(bench_ingest(env))
        results.update(bench_cli())

        from assistant.embeddings import MiniLMOnnxEmbeddings

        embeddings = MiniLMOnnxEmbeddings()
        _, load_ms = timed(lambda: embeddings.embed_query("load the model"))
        results |= {"embedding_model": embeddings.model_id, "embedding_load_and_first_query_ms": round(load_ms)}
        stride = Stride(Settings(corpus_dir=ROOT / "corpus", data_dir=work / "seed", backend="llama-cpp"),
                        embeddings=embeddings)  # fmt: skip
        results.update(bench_retrieval(stride, questions, args.rounds))
        report, eval_ms = timed(lambda: evaluate(stride.retriever, questions))
        results["retrieval_eval_ms"] = round(eval_ms)
        results["retrieval_eval"] = {mode: report[mode] for mode in ("hybrid", "dense", "bm25", "rrf")}
        if not args.no_answers:
            choice = stride.backend_choice
            results.update(bench_model(choice))
            results.update(bench_ask(stride, env))
            for tier in (FAST, QUALITY):  # the quality tier is measured when it is installed
                results.update(bench_tier(stride, env, tier, args.tier_questions, Settings().data_dir / "models"))
            results.update(bench_ui(env, [q.question for q in questions[:6]]))
            results.update(bench_eval(env, work / "eval"))
            results["answers_vs_langchain_baseline"] = compared = bench_against_baseline(stride, choice)
            # The first-token figures of real answers (warm: the model stays loaded between questions).
            results.update({key: value for key, value in compared["stride"].items() if "first_" in key})
        if args.scale:
            results.update(bench_scaled_ingest(work, args.scale))
            results.update(bench_scaled_retrieval(work, args.scale, embeddings, questions, args.rounds))
        results["bench_process_peak_rss_mb"] = round(peak_rss_mb())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["targets"] = verdicts(results)

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"machine: {results['machine']['cpu']} ({results['machine']['cores']} cores)")
    for key, value in results.items():
        if key not in ("machine", "retrieval_eval", "answers_vs_langchain_baseline", "targets"):
            print(f"  {key:<34} {value}")
    for name, metrics in results.get("answers_vs_langchain_baseline", {}).items():
        print(f"  {name:<34} " + "  ".join(f"{k} {v}" for k, v in metrics.items()))
    for mode, metrics in results["retrieval_eval"].items():
        print(f"  eval {mode:<29} " + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    print("targets (issue #6):")
    for row in results["targets"]:
        if row["limit"] is None:
            print(f"  {row['target']:<34} {row['value']:>8} {row['unit']:<3}   (no target)")
            continue
        verdict = "met" if row["met"] else "NOT MET"
        print(f"  {row['target']:<34} {row['value']:>8} {row['unit']:<3} < {row['limit']:<6} {verdict}")
    print(f"written to {out / 'latest.json'}")


if __name__ == "__main__":
    main()
