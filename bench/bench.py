"""Stride's benchmark: ingest, retrieval latency, CLI start-up and the retrieval eval, on this machine.

Prints a table and writes bench/results/latest.json. Every figure is measured here, in this run; the machine
(CPU model, cores) is recorded beside them. Run with `make bench`; `--scale N` also ingests a synthetic corpus
N times the seed corpus (each copy reworded so nothing deduplicates) to show how ingest cost grows.

The answering half: the embedded model's load time, time to first token and decode speed; `stride ask` wall time
in a new process (cold) and in a warm one; the chat page's answer latency through gradio_client; and the answer
eval (test split) for Stride and for a plain LangChain baseline (bench/baseline.py: dense-only Chroma top 4
stuffed into the prompt, no checks) on the same questions with the same model, side by side with ratios.

Leaves out: GPU runs and Ollama (not installable here).
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.index_corpus import index_corpus  # noqa: E402
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


def bench_ingest(work: Path, embeddings) -> dict:
    stride = Stride(Settings(corpus_dir=ROOT / "corpus", data_dir=work / "seed"), embeddings=embeddings)
    report, cold_ms = timed(lambda: index_corpus(stride, []))
    _, unchanged_ms = timed(lambda: index_corpus(stride, []))
    return {
        "seed_ingest_ms": round(cold_ms),
        "seed_reingest_unchanged_ms": round(unchanged_ms),
        "seed_chunks": report.chunks_total,
        "stride": stride,
    }


def bench_scaled_ingest(work: Path, embeddings, scale: int) -> dict:
    corpus = work / f"corpus-x{scale}"
    corpus.mkdir()
    for copy in range(scale):
        for path in (ROOT / "corpus").glob("*.txt"):
            text = path.read_text(encoding="utf-8")
            # Reword every copy a little so that no chunk id or vector is shared between copies.
            (corpus / f"{copy:04d}-{path.name}").write_text(
                text.replace(" the ", f" the{' ' * (copy % 3 + 1)}").replace("runners", f"runners {copy}")
            )
    stride = Stride(Settings(corpus_dir=corpus, data_dir=work / f"x{scale}"), embeddings=embeddings)
    report, ms = timed(lambda: index_corpus(stride, []))
    return {
        f"x{scale}_documents": report.documents_total,
        f"x{scale}_chunks": report.chunks_total,
        f"x{scale}_ingest_ms": round(ms),
    }


def bench_retrieval(stride, questions, rounds: int) -> dict:
    stride.retriever.search("warm up", k=5)  # first call builds the lexical index and loads the model
    latencies = []
    for _ in range(rounds):
        for question in questions:
            _, ms = timed(lambda q=question: stride.retriever.search(q.question, k=5))
            latencies.append(ms)
    return {
        "retrieval_p50_ms": round(statistics.median(latencies), 2),
        "retrieval_p95_ms": round(percentile(latencies, 95), 2),
        "retrieval_queries": len(latencies),
    }


def bench_cli() -> dict:
    runs = []
    for _ in range(5):
        _, ms = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "assistant", "--help"], capture_output=True, check=True, cwd=ROOT
            )
        )
        runs.append(ms)
    return {"help_ms_median": round(statistics.median(runs))}


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


def bench_ask(stride, data_dir: Path) -> dict:
    """`stride ask` end to end: a new process each time (cold) and repeated asks in this process (warm)."""
    question = "How do I make single-leg stands harder?"
    env = {**os.environ, "STRIDE_DATA_DIR": str(data_dir), "STRIDE_BACKEND": "llama-cpp",
           "STRIDE_CORPUS_DIR": str(ROOT / "corpus")}  # fmt: skip
    cold = []
    for _ in range(3):
        _, ms = timed(lambda: subprocess.run([sys.executable, "-m", "assistant", "ask", question, "--json"],
                                             capture_output=True, check=True, cwd=ROOT, env=env))  # fmt: skip
        cold.append(ms)
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stride.answerer.ask(question)  # warm up
    warm = [timed(lambda: stride.answerer.ask(question))[1] for _ in range(5)]
    return {"ask_cold_ms_median": round(statistics.median(cold)), "ask_warm_ms_median": round(statistics.median(warm)),
            "ask_process_peak_rss_mb": round(child_rss)}  # fmt: skip


def bench_ui(stride, questions: list[str]) -> dict:
    """Answer latency through the chat page (gradio_client against the real app on 127.0.0.1)."""
    import socket

    import gradio_client

    from ui.app import launch

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = launch(stride, port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False)
        latencies = []
        for question in questions:
            client.submit(api_name="/clear").result(timeout=60)
            _, ms = timed(lambda q=question: client.submit(q, api_name="/ask").result(timeout=120))
            latencies.append(ms)
    finally:
        demo.close()
    return {"ui_answer_p50_ms": round(statistics.median(latencies)),
            "ui_answer_p95_ms": round(percentile(latencies, 95)), "ui_questions": len(latencies)}  # fmt: skip


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
            "citation_precision",
            "citation_recall",
            "decline_accuracy",
            "false_refusal_rate",
            "refer_accuracy",
            "latency_p50_ms",
            "latency_p95_ms",
        )
        results[name] = {key: report["all"][key] for key in keep} | {"eval_wall_s": round(ms / 1000, 1)}
    results["ratios_stride_over_baseline"] = {
        key: round(results["stride"][key] / results["langchain_baseline"][key], 2)
        for key in ("claim_recall", "critical_claim_recall", "citation_precision", "latency_p50_ms")
        if results["stride"][key] and results["langchain_baseline"][key]
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0, help="also ingest a synthetic corpus N times larger")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the eval questions for latency")
    parser.add_argument("--no-answers", action="store_true", help="skip the model, ask, UI and baseline parts")
    args = parser.parse_args()

    from assistant.embeddings import MiniLMOnnxEmbeddings

    embeddings = MiniLMOnnxEmbeddings()
    _, model_load_ms = timed(lambda: embeddings.embed_query("load the model"))
    questions = load_questions(ROOT / "eval" / "retrieval.jsonl")
    results: dict = {
        "machine": machine(),
        "embedding_model": embeddings.model_id,
        "model_load_and_first_query_ms": round(model_load_ms),
    }
    work = Path(tempfile.mkdtemp(prefix="stride-bench-"))
    try:
        ingest = bench_ingest(work, embeddings)
        stride = ingest.pop("stride")
        results.update(ingest)
        results.update(bench_retrieval(stride, questions, args.rounds))
        report, eval_ms = timed(lambda: evaluate(stride.retriever, questions))
        results["retrieval_eval_ms"] = round(eval_ms)
        results["retrieval_eval"] = {mode: report[mode] for mode in ("hybrid", "dense", "bm25", "rrf")}
        results.update(bench_cli())
        results["peak_rss_after_retrieval_mb"] = round(peak_rss_mb())
        if not args.no_answers:
            answering = Stride(stride.settings.model_copy(update={"backend": "llama-cpp"}), embeddings=embeddings)
            choice = answering.backend_choice
            results["embedded_model"] = bench_model(choice)
            results.update(bench_ask(answering, work / "seed"))
            results.update(bench_ui(answering, [q.question for q in questions[:6]]))
            results["peak_rss_after_ui_mb"] = round(peak_rss_mb())
            results["answers_vs_langchain_baseline"] = bench_against_baseline(answering, choice)
        if args.scale:
            results.update(bench_scaled_ingest(work, embeddings, args.scale))
        results["peak_rss_mb"] = round(peak_rss_mb())
    finally:
        shutil.rmtree(work, ignore_errors=True)

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"machine: {results['machine']['cpu']} ({results['machine']['cores']} cores)")
    for key, value in results.items():
        if key not in ("machine", "retrieval_eval", "answers_vs_langchain_baseline"):
            print(f"  {key:<34} {value}")
    for name, metrics in results.get("answers_vs_langchain_baseline", {}).items():
        print(f"  {name:<34} " + "  ".join(f"{k} {v}" for k, v in metrics.items()))
    for mode, metrics in results["retrieval_eval"].items():
        print(f"  eval {mode:<29} " + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    print(f"written to {out / 'latest.json'}")


if __name__ == "__main__":
    main()
