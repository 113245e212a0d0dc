"""Stride's benchmark: ingest, retrieval latency, CLI start-up and the retrieval eval, on this machine.

Prints a table and writes bench/results/latest.json. Every figure is measured here, in this run; the machine
(CPU model, cores) is recorded beside them. Run with `make bench`; `--scale N` also ingests a synthetic corpus
N times the seed corpus (each copy reworded so nothing deduplicates) to show how ingest cost grows.

Leaves out (until the answering stage exists): model latency and the LangChain baseline comparison.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0, help="also ingest a synthetic corpus N times larger")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the eval questions for latency")
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
        if key not in ("machine", "retrieval_eval"):
            print(f"  {key:<34} {value}")
    for mode, metrics in results["retrieval_eval"].items():
        print(f"  eval {mode:<29} " + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    print(f"written to {out / 'latest.json'}")


if __name__ == "__main__":
    main()
