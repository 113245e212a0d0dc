"""The package's shape: one stage per module, each importing only the stages before it.

Read from the source with `ast` (function-level imports count too), so nothing is imported or run.
A new module must be given its place in STAGES; the chat page must take what it shows from the `Answer`,
not recompute it with the retriever's or the checker's tools; and what is particular to the seed corpus
lives in its `stride.toml`, never in the code.
"""

import ast
import re
from pathlib import Path

from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parent.parent
# In pipeline order: the shared basics, then ingest, the index, retrieval, models, the answer and its eval,
# and last the edges that assemble them.
STAGES = [
    "errors",
    "text",
    "config",
    "knowledge",
    "zipped",
    "pdf_pages",
    "docx_text",
    "odt_text",
    "epub_text",
    "subtitles",
    "loaders",
    "clean",
    "ingest",
    "embeddings",
    "calibration",
    "scope",
    "index",
    "index_corpus",
    "retrieve",
    "retrieval_eval",
    "model_files",
    "models",
    "policy",
    "cite",
    "support_eval",
    "cards",
    "plan",
    "answer",
    "answer_eval",
    "eval_report",
    "wiring",
    "cli",
    "__main__",
]
# The chat page shows the answer and, in its Exercises tab, the cards built at ingest: both read, not recomputed.
UI_MAY_IMPORT = {"answer", "cards", "errors"}
SEED_DOCUMENTS = [
    "learn2run-strength-training-glutes.txt",
    "top-5-favorite-glute-exercises.txt",
    "glute-training-basics.txt",
]


def stride_imports(path: Path) -> set[str]:
    """The assistant modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "assistant":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assistant."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("assistant."))
    return found


def test_every_module_has_a_place_in_the_stage_order():
    modules = {path.stem for path in (ROOT / "assistant").glob("*.py")} - {"__init__"}
    assert modules - set(STAGES) == set(), "add the new module to STAGES, after the stages it uses"


def test_each_stage_imports_only_the_stages_before_it():
    later = {}
    for rank, name in enumerate(STAGES):
        path = ROOT / "assistant" / f"{name}.py"
        if path.exists():
            later[name] = {dep for dep in stride_imports(path) if dep in STAGES and STAGES.index(dep) >= rank}
    assert {name: deps for name, deps in later.items() if deps} == {}


def test_the_chat_page_reads_the_answer_and_recomputes_nothing():
    for path in (ROOT / "ui").glob("*.py"):
        assert stride_imports(path) <= UI_MAY_IMPORT, path.name


# Instagram's own embed text, which any scraped page with an embedded post carries: a generic rule, not the
# seeds' writing. Nothing else in the code may repeat four words in a row of a seed document.
GENERIC_EMBED_TEXT = {"view this post on", "this post on instagram", "a post shared by"}
SEED_RUN = 4


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))


def test_no_phrase_of_the_seed_documents_is_written_into_the_code():
    seeds = " ".join((CORPUS / name).read_text(encoding="utf-8") for name in SEED_DOCUMENTS)
    seed_words = words(seeds)
    runs = {" ".join(seed_words[i : i + SEED_RUN]) for i in range(len(seed_words) - SEED_RUN + 1)}
    copied = {}
    for path in [*(ROOT / "assistant").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        code = words(path.read_text(encoding="utf-8"))
        found = {" ".join(code[i : i + SEED_RUN]) for i in range(len(code) - SEED_RUN + 1)} & runs
        if found - GENERIC_EMBED_TEXT:
            copied[path.name] = sorted(found - GENERIC_EMBED_TEXT)
    assert copied == {}, "corpus knowledge belongs in the corpus's stride.toml, not in the code"
