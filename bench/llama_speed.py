"""The embedded model's speed settings, compared on plan-shaped prompts (issue 10, item 5).

Every setting is a llama_cpp.Llama built the way `models.load_llama` builds it, with one thing changed:
thread counts, prompt-lookup decoding (`LlamaPromptLookupDecoding` as draft_model: answers copy from the
evidence, so the next tokens are often a run of the prompt's), n_batch. Each answers the same questions
(bench.structured's cases, the markers prompt) in turn, round after round, so load on the shared cores falls
on all settings alike; reported per setting: min and median over the rounds of the median answer's model
first token, first complete sentence and total time, decode tokens/s, CPU seconds per answer, and whether
its answers are the same text as the first setting's (greedy decoding: a faster setting must not change
them).

The system prompt's KV state is reused across questions by llama-cpp-python itself (`Llama.generate` keeps
the longest common prefix of the last prompt), so every setting gets it; `--cold` resets the model before
each answer to show what that saves.

    python -m bench.llama_speed --tier qwen2.5-coder-1.5b --questions 6 --rounds 2 [--settings a,b]

Leaves out: Ollama, GPU offload.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.text import complete_sentences  # noqa: E402
from bench.structured import MAX_TOKENS, PROMPTS, build_cases  # noqa: E402


def settings(threads: int) -> dict[str, dict]:
    """name -> Llama keyword arguments (besides model_path, n_ctx, seed, verbose); "draft" -> prompt lookup."""
    today = {"n_threads": max(1, threads - 1), "n_threads_batch": threads}
    return {
        "today": today,
        "lookup10": today | {"draft": 10},
        "lookup4": today | {"draft": 4},
        "threads-all": {"n_threads": threads, "n_threads_batch": threads},
        "batch-one-thread": {"n_threads": 1, "n_threads_batch": 1},
        "lookup10-one-thread": {"n_threads": 1, "n_threads_batch": 1, "draft": 10},
        "n_batch128": today | {"n_batch": 128},
    }


def build(path: Path, options: dict, n_ctx: int):
    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    options = dict(options)
    draft = options.pop("draft", None)
    if draft:
        options["draft_model"] = LlamaPromptLookupDecoding(num_pred_tokens=draft)
    return Llama(model_path=str(path), n_ctx=n_ctx, seed=42, verbose=False, **options)


def answer(llm, case, cold: bool) -> dict:
    if cold:
        llm.reset()
    messages = [{"role": "system", "content": PROMPTS["markers"]}, {"role": "user", "content": case.prompt()}]
    started, cpu_started = time.perf_counter(), time.process_time()
    first_token = first_sentence = None
    text = ""
    for part in llm.create_chat_completion(
        messages, stream=True, temperature=0.0, max_tokens=MAX_TOKENS, repeat_penalty=1.1, seed=42
    ):
        piece = part["choices"][0]["delta"].get("content") or ""
        if piece and first_token is None:
            first_token = time.perf_counter() - started
        text += piece
        if first_sentence is None and complete_sentences(text)[0]:
            first_sentence = time.perf_counter() - started
    total = time.perf_counter() - started
    generated = len(llm.tokenize(text.encode(), add_bos=False))
    return {
        "first_token_s": first_token or total,
        "first_sentence_s": first_sentence or total,
        "total_s": total,
        "tokens_per_s": generated / max(1e-6, total - (first_token or total)),
        "cpu_s": time.process_time() - cpu_started,
        "text": text,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="qwen2.5-coder-1.5b")
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--settings", default="", help="comma-separated names (default: all)")
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--cold", action="store_true", help="reset the model before each answer")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "llama_speed.json")
    args = parser.parse_args()

    from assistant.config import Settings
    from assistant.embeddings import default_threads
    from assistant.models import embedded_choice
    from assistant.wiring import Stride

    stride = Stride(Settings())
    cases = build_cases(stride, args.questions)
    path = Path(embedded_choice(args.tier, "bench", stride.models_dir).model_path)
    table = settings(default_threads())
    names = [n for n in args.settings.split(",") if n] or list(table)
    models = {name: build(path, table[name], args.n_ctx) for name in names}
    rounds: dict[str, list[list[dict]]] = {name: [] for name in names}
    for _ in range(args.rounds):
        for name in names:  # interleaved, so a burst of load elsewhere does not fall on one setting only
            rounds[name].append([answer(models[name], case, args.cold) for case in cases])
            print(name, [round(r["total_s"], 1) for r in rounds[name][-1]], file=sys.stderr, flush=True)
            write_report(args, table, rounds)  # after every setting: a run stopped early keeps what it measured


def write_report(args, table: dict, rounds: dict[str, list[list[dict]]]) -> None:
    names = [name for name, runs in rounds.items() if runs]
    reference = [r["text"] for r in rounds[names[0]][0]]
    report = {"tier": args.tier, "questions": args.questions, "cold": args.cold, "settings": {}}
    for name in names:
        same = [r["text"] for r in rounds[name][0]] == reference
        row = {"options": table[name], "rounds": len(rounds[name]), "same_text_as_" + names[0]: same}
        for key in ("first_token_s", "first_sentence_s", "total_s", "tokens_per_s", "cpu_s"):
            medians = [statistics.median(r[key] for r in runs) for runs in rounds[name]]
            row[key] = {"min": round(min(medians), 2), "median": round(statistics.median(medians), 2)}
        report["settings"][name] = row
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
