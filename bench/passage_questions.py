"""Experiment (issue 12, item 5): does indexing the questions each passage answers help retrieval?

A model is shown one passage at a time (never an eval file) and writes 3 questions a runner would ask that
the passage answers; their vectors are added to the index beside the passage, as its sentence windows are
(kind 'question', carrying the passage's id), so a hit on one returns the passage. The retrieval eval is run
on the same seed index without and with them, dev and test apart.

Measured with the quality tier (Qwen2.5-Coder-1.5B, 32 seed passages, 39 min on 2 shared cores at load
~15, ~73 s a passage): dev hybrid recall@5 0.873 -> 0.799, MRR 0.704 -> 0.663, so Stride does not write
them at ingest. The questions are kept in bench/passage-questions-qwen2.5-coder-1.5b.json (by passage
content hash), so the measurement reruns in seconds; `--write` asks the model for passages missing there.

Leaves out: other prompts and writers (the fast tier was measured once too: dev recall@5 0.873 -> 0.858,
MRR 0.704 -> 0.705), and other ways to combine a question's similarity with the passage's (README).
"""

import argparse
import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.index_corpus import index_corpus  # noqa: E402
from assistant.retrieval_eval import evaluate, load_questions  # noqa: E402
from assistant.retrieve import HybridRetriever  # noqa: E402
from assistant.wiring import Stride  # noqa: E402

QUESTIONS = Path(__file__).with_name("passage-questions-qwen2.5-coder-1.5b.json")
PROMPT_VERSION = "1"  # part of each passage's key: a new prompt asks every passage again
SYSTEM = (
    "You help index a strength-training guide for runners. Given one passage, write exactly 3 short "
    "questions that a runner might ask and that this passage answers. Use a runner's everyday words, not the "
    "passage's wording. One question per line, nothing else: no numbers, no answers."
)
_LEAD = re.compile(r"^(?:\s*(?:[-*•]|\d+[.):]|q\d*[.:)]|question\s*\d*[.:)]))+\s*", re.IGNORECASE)


def passage_key(section: str, text: str) -> str:
    return hashlib.sha256(f"{PROMPT_VERSION}\0{section}\0{text}".encode()).hexdigest()[:24]


def parse_questions(reply: str) -> list[str]:
    """One question a line, list markers dropped, ending in '?', 3-25 words, at most 3, no repeats."""
    found: list[str] = []
    for line in reply.splitlines():
        question = _LEAD.sub("", line).strip().strip('"“”').strip()
        if question.endswith("?") and 3 <= len(question.split()) <= 25 and question not in found:
            found.append(question)
    return found[:3]


def write_missing(stride, chunks, cache: dict) -> None:
    from langchain_core.messages import HumanMessage, SystemMessage

    for chunk in chunks:
        key = passage_key(chunk.section, chunk.text)
        if key in cache:
            continue
        passage = f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text
        reply = stride.chat_model.invoke([SystemMessage(SYSTEM), HumanMessage(f"Passage:\n{passage}\n\nQuestions:")])
        cache[key] = {"questions": parse_questions(str(reply.content)), "model": stride.backend_choice.model}
        QUESTIONS.write_text(json.dumps(cache, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"  {len(cache)} passages have questions", flush=True)


def add_questions(stride, cache: dict) -> int:
    """Question entries beside each passage, with the passage's metadata and kind 'question'."""
    collection = stride.index.require_collection()
    got = collection.get(where={"kind": "chunk"}, include=["documents", "metadatas"])
    ids, texts, metadatas = [], [], []
    for text, meta in zip(got["documents"], got["metadatas"], strict=True):
        for number, question in enumerate(
            cache.get(passage_key(meta.get("section", ""), text), {}).get("questions", [])
        ):
            ids.append(f"{meta['chunk']}:q{number}")
            texts.append(question)
            metadatas.append({**meta, "kind": "question"})
    if ids:
        collection.add(
            ids=ids, embeddings=stride.embeddings.embed_documents(texts), documents=texts, metadatas=metadatas
        )
    return len(ids)


def scores(stride, questions) -> dict:
    report = evaluate(HybridRetriever(stride.index, stride.embeddings), questions, modes=("hybrid", "dense"))
    return {split: report["splits"][split] for split in ("dev", "test")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="ask the model (STRIDE_GGUF / Ollama) for missing ones")
    args = parser.parse_args()
    cache = json.loads(QUESTIONS.read_text(encoding="utf-8")) if QUESTIONS.is_file() else {}
    eval_questions = load_questions(ROOT / "eval" / "retrieval.jsonl")
    with tempfile.TemporaryDirectory(prefix="stride-questions-") as work:
        stride = Stride(Settings(corpus_dir=ROOT / "corpus", data_dir=Path(work)))
        index_corpus(stride, [])
        if args.write:
            write_missing(stride, stride.index.chunks(), cache)
        without = scores(stride, eval_questions)
        added = add_questions(stride, cache)
        with_questions = scores(stride, eval_questions)
    print(f"{added} questions added for {len(stride.index.chunks())} passages")
    for split in ("dev", "test"):
        for mode in ("hybrid", "dense"):
            before, after = without[split][mode], with_questions[split][mode]
            print(f"  {split:<5}{mode:<7}" + "  ".join(f"{m} {before[m]:.3f} -> {after[m]:.3f}" for m in before))


if __name__ == "__main__":
    main()
