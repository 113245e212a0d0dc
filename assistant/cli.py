"""The `stride` command line (also `python -m assistant`).

Reads Settings once, builds the pipeline through `wiring.Stride`, and turns library errors (StrideError) into
one-line messages with a non-zero exit. Every command takes --json for machines. Heavy imports happen inside
the commands, so `stride --help` answers at once.

Leaves out: all behaviour; each command only calls the stage that does the work and prints the result.
"""

import contextlib
import json
import sys
import textwrap
from pathlib import Path

import click

EXIT_ERROR = 1


class StrideGroup(click.Group):
    """Turns library errors into a one-line message and exit status 1 instead of a traceback."""

    def invoke(self, ctx):
        from assistant.errors import StrideError

        try:
            return super().invoke(ctx)
        except StrideError as error:
            # One line whatever the message holds (a server's or a library's text may carry newlines).
            click.echo(f"Error: {' '.join(str(error).split())}", err=True)
            ctx.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)


def on_terminal() -> bool:
    """Whether a person is watching stdout (bars are drawn only then)."""
    return sys.stdout.isatty()


class ProgressBar:
    """A `Progress` callback (done, total) that draws a bar when stdout is a terminal, and nothing with --json
    or when stdout is a file or a pipe. The bar is made at the first report, when the total is known; work that
    never reports (nothing to do) draws nothing."""

    def __init__(self, label: str, *, quiet: bool = False) -> None:
        self.label = label
        self.enabled = not quiet and on_terminal()
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        if self._bar is None:
            # On stderr, so that stdout holds only the report (`stride ingest > log` on a terminal).
            self._bar = click.progressbar(length=total, label=self.label, show_pos=True, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)
        if done >= total:  # ends the line now: the next stage's bar starts on a line of its own
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *raised) -> None:
        if self._bar is not None:
            self._bar.__exit__(*raised)  # ends the bar's line, so what follows starts on its own


@click.group(cls=StrideGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="stride", prog_name="stride")
@click.pass_context
def cli(ctx):
    """Stride answers runners' strength-training questions from a curated corpus, with citations.

    Configuration comes from environment variables (STRIDE_CORPUS_DIR, STRIDE_DATA_DIR, STRIDE_CHROMA_URL,
    STRIDE_EMBEDDINGS, OLLAMA_HOST, ...): see the README.
    """
    from assistant.config import Settings
    from assistant.wiring import Stride

    ctx.obj = ctx.obj or Stride(Settings())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Build a fresh index from these documents and replace the old one.")
@click.option(
    "--model-work/--no-model-work",
    default=False,
    help="Let the writer model (Ollama or the quality tier) add names to the exercise cards: minutes per corpus "
    "(1-8 on the seeds, idle to busy cores), and on the seeds nothing it proposed passed the checks: off by default.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(stride, paths, rebuild, model_work, as_json):
    """Index the corpus folder (default) or the given files and folders.

    Only new or changed documents are embedded; documents deleted from an indexed folder are removed.
    Files Stride cannot read are skipped with the reason, and their previously indexed chunks are kept.
    """
    from assistant.index_corpus import index_corpus

    with (
        ProgressBar("Embedding passages", quiet=as_json) as embedding,
        ProgressBar("Exercise cards", quiet=as_json) as carding,
    ):
        report = index_corpus(stride, list(paths), rebuild=rebuild, progress=embedding)
        cards = stride.update_cards(model_work=model_work, progress=carding)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "cards": cards.as_dict()}, indent=2))
    else:
        _print_ingest(report)
        _print_cards(cards)
    if report.failed:
        sys.exit(EXIT_ERROR)


def _print_cards(cards) -> None:
    how = f"model {cards.writer} filled {cards.model_filled} passage(s)" if cards.writer else "rules only"
    click.echo(f"Exercise cards: {cards.cards} ({how}; {cards.built} passage(s) built, {cards.reused} cached).")
    if cards.writer and cards.proposed:
        click.echo(f"  the model proposed {cards.proposed} value(s); {len(cards.dropped)} failed their check")
    if cards.missing:
        click.echo(f"  {cards.missing}")


def _print_ingest(report) -> None:
    verb = "Rebuilt" if report.rebuilt else "Indexed"
    click.echo(f"{verb} {report.index_location}: {report.documents_total} documents, {report.chunks_total} chunks.")
    for label, sources in (
        ("added", report.sync.added),
        ("updated", report.sync.updated),
        ("removed", report.sync.removed),
    ):
        for source in sources:
            click.echo(f"  {label:<9} {source}")
    if report.sync.unchanged:
        click.echo(f"  unchanged {len(report.sync.unchanged)} document(s)")
    for skipped in report.skipped:
        click.echo(f"  skipped   {skipped.source}: {skipped.reason}")
    if report.moved_aside:
        click.echo(f"  the damaged index was moved to {report.moved_aside}")
    click.echo(f"Embedded {report.sync.chunks_embedded} chunk(s), reused {report.sync.chunks_reused}.")


@cli.command()
@click.argument("query")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50), help="How many passages.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of passages.")
@click.pass_obj
def search(stride, query, k, mode, as_json):
    """Print the passages that best match QUERY, ranked."""
    hits = stride.retriever.search(query, k=k, mode=mode)
    if as_json:
        click.echo(json.dumps([_hit_json(rank, hit) for rank, hit in enumerate(hits, 1)], indent=2))
        return
    if not hits:
        click.echo("No passages matched.")
    for rank, hit in enumerate(hits, 1):
        chunk = hit.chunk
        where = f"{chunk.title} — {chunk.section}" if chunk.section else chunk.title
        ranks = ", ".join(f"{name} #{r}" for name, r in (("dense", hit.dense_rank), ("bm25", hit.bm25_rank)) if r)
        click.echo(f"{rank}. {where}  [score {hit.score:.4f}; {ranks}]")
        click.echo(f"   {chunk.source}, characters {chunk.start}-{chunk.end}")
        for line in chunk.text.splitlines():
            click.echo(textwrap.fill(line, 100, initial_indent="   ", subsequent_indent="     "))
        click.echo()


def _hit_json(rank: int, hit) -> dict:
    chunk = hit.chunk
    return {
        "rank": rank,
        "id": chunk.id,
        "source": chunk.source,
        "title": chunk.title,
        "section": chunk.section,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
        "score": round(hit.score, 6),
        "dense_rank": hit.dense_rank,
        "bm25_rank": hit.bm25_rank,
        "dense_similarity": None if hit.dense_similarity is None else round(hit.dense_similarity, 4),
    }


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of documents.")
@click.pass_obj
def sources(stride, as_json):
    """List the indexed documents with their metadata and chunk counts."""
    found = stride.index.sources()
    if as_json:
        click.echo(json.dumps([vars(info) for info in found], indent=2))
        return
    if not found:
        click.echo("The index is empty: run `stride ingest`.")
    for info in found:
        details = ", ".join(f"{key}: {value}" for key, value in sorted(info.metadata.items()))
        click.echo(f"{info.source}  ({info.chunks} chunks)\n   {info.title}" + (f"\n   {details}" if details else ""))


@cli.command(name="eval")
@click.option("--retrieval", is_flag=True, help="Only the retrieval eval: hybrid vs dense vs BM25 (fast, no model).")
@click.option("--support", is_flag=True, help="Only the support check, on eval/support_labels.jsonl (no model).")
@click.option("--split", type=click.Choice(["dev", "test", "heldout", "all"]), default="all", show_default=True)
@click.option("--dataset", type=click.Path(path_type=Path), default=None, help="Default: eval/answers.jsonl.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Default: eval/results/<model key>.")
@click.option("--update-baseline", is_flag=True, help="Accept this run as the model's baseline (not past a hard gate).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics (with model, backend and tier) as JSON.")
@click.pass_obj
def evaluate(stride, retrieval, support, split, dataset, out, update_baseline, as_json):
    """Evaluate answers (claims, citations, declines) or, with --retrieval, retrieval alone.

    Each model is compared with its own baseline, eval/baselines/<model key>.json (SmolLM2, the fast tier, is
    what CI uses; STRIDE_GGUF picks another model). Writes report.md, results.json and categories.png to
    eval/results/<model key>/. Exits 1 on a hard gate (forbidden claim, undeclined off-topic question,
    unresolved citation, too many false refusals, a gated metric not measured) or a regression beyond the
    noise band; --update-baseline refuses, leaving the baseline as it was, when a hard gate fails.
    """
    if retrieval:
        _retrieval_eval(stride, dataset or Path("eval/retrieval.jsonl"), as_json)
        return
    if support:
        _support_eval(stride, dataset or Path("eval/support_labels.jsonl"), split, as_json)
        return
    if split == "heldout":
        raise click.UsageError("--split heldout is the support labels' split: use it with --support")
    if update_baseline and split != "all":
        raise click.UsageError("--update-baseline needs --split all: a baseline holds both splits")
    _answer_eval(stride, dataset or Path("eval/answers.jsonl"), split, out, update_baseline, as_json)


def _retrieval_eval(stride, dataset: Path, as_json: bool) -> None:
    from assistant.retrieval_eval import METRICS, MODES, evaluate, load_questions

    with ProgressBar("Searching", quiet=as_json) as progress:
        report = evaluate(stride.retriever, load_questions(dataset), progress=progress)
    if as_json:
        click.echo(json.dumps({key: value for key, value in report.items() if key != "per_question"}, indent=2))
        return
    click.echo(f"Retrieval on {report['questions']} questions ({dataset}):")
    click.echo(f"  {'split':<6}{'mode':<8}" + "".join(f"{metric:>10}" for metric in METRICS))
    for split, results in [("all", report), *report["splits"].items()]:
        for mode in MODES:
            click.echo(f"  {split:<6}{mode:<8}" + "".join(f"{results[mode][metric]:>10.3f}" for metric in METRICS))
    for broken in report["broken_labels"]:
        click.echo(f"  label matches no passage: {broken}")


def _support_eval(stride, dataset: Path, split: str, as_json: bool) -> None:
    from assistant.cite import SupportChecker
    from assistant.support_eval import exceeds, judge, load_labels, report

    if split == "test":
        raise click.UsageError("the support labels' splits are dev and heldout")
    items = [i for i in load_labels(dataset) if split == "all" or i.split == split]
    result = report(judge(SupportChecker(stride.embeddings, stride.thresholds), items), stride.thresholds.model)
    baseline_path = dataset.parent / "baselines" / "support.json"
    worse = exceeds(result, json.loads(baseline_path.read_text())) if baseline_path.is_file() else []
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(f"Support check on {len(items)} labelled sentences ({dataset}), {result['thresholds']} thresholds:")
        for name, figures in result["splits"].items():
            click.echo(f"  {name}: {_rates_line(figures)}")
            for group in ("by_origin", "by_kind"):
                for key, rates in figures[group].items():
                    click.echo(f"    {key:<20}{_rates_line(rates)}")
        for wrong in result["misjudged"]:
            click.echo(f"  {wrong['error']} [{wrong['id']} {wrong['split']} {wrong['kind']}] {wrong['sentence']}")
    for line in worse:
        click.echo(f"REGRESSION: {line}", err=True)
    if worse:
        sys.exit(EXIT_ERROR)


def _rates_line(rates: dict) -> str:
    def shown(rate, count, total):
        return "-" if rate is None else f"{rate:.3f} ({count}/{total})"

    return (
        f"false-pass {shown(rates['false_pass'], rates['passed_unsupported'], rates['unsupported'])}, "
        f"false-strip {shown(rates['false_strip'], rates['stripped_supported'], rates['supported'])}"
    )


def _answer_eval(stride, dataset: Path, split: str, out: Path | None, update_baseline: bool, as_json: bool) -> None:
    from assistant.answer_eval import evaluate_items, item_json, load_items, model_key
    from assistant.eval_report import baseline_of, hard_failures, regressions, write_outputs

    items = [i for i in load_items(dataset) if split == "all" or i.split == split]
    out = out or Path("eval/results") / model_key(stride.answerer.model)
    out.mkdir(parents=True, exist_ok=True)
    live = out / "items.jsonl"  # each item as it is judged: a long run can be followed, a stopped one read
    live.write_text("")

    with ProgressBar("Answering", quiet=as_json) as bar:

        def progress(done, total, result):
            with live.open("a", encoding="utf-8") as log:
                log.write(json.dumps(item_json(result), ensure_ascii=False) + "\n")
            bar(done, total)

        report = evaluate_items(stride.answerer, items, dataset.parent / "judge_labels.jsonl", progress)
    baseline_path = dataset.parent / "baselines" / f"{report['model_key']}.json"
    baseline = json.loads(baseline_path.read_text()) if baseline_path.is_file() else None
    report["baseline"] = str(baseline_path)
    paths = write_outputs(report, baseline, out)
    found = regressions(report, baseline)
    if as_json:
        click.echo(json.dumps({k: v for k, v in report.items() if k not in ("items", "categories")}, indent=2))
    else:
        click.echo((out / "report.md").read_text(encoding="utf-8").split("## Phrase judge")[0].rstrip())
        click.echo("Written: " + ", ".join(str(p) for p in paths.values()))
    if update_baseline:
        hard = hard_failures(report)
        if hard:
            click.echo(f"Error: baseline {baseline_path} not updated, a hard gate fails: {'; '.join(hard)}", err=True)
            sys.exit(EXIT_ERROR)
        baseline_path.parent.mkdir(parents=True, exist_ok=True)
        baseline_path.write_text(json.dumps(baseline_of(report), indent=2) + "\n")
        return
    for regression in found:
        click.echo(f"REGRESSION: {regression}", err=True)
    if found:
        sys.exit(EXIT_ERROR)


@cli.command()
@click.option("--muscle", default=None, help="Only cards for this muscle (the corpus's name or a phrase for it).")
@click.option("--equipment", default=None, help="Only cards that use this equipment.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of cards.")
@click.pass_obj
def exercises(stride, muscle, equipment, as_json):
    """List the exercise cards built at ingest: muscles, equipment, steps, harder, easier, cautions, sources."""
    from assistant.cards import Library

    library = Library.load(stride.cards_path)
    found = library.matching(muscle=muscle, equipment=equipment)
    if as_json:
        click.echo(json.dumps([card.as_json() for card in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No exercise cards match." if library.cards else "No exercise cards: the documents name none.")
    for card in found:
        _print_card(card)
    if library.missing:
        click.echo(f"Note: {library.missing}")


def _print_card(card) -> None:
    card_json = card.as_json()
    aliases = f" (also: {', '.join(card_json['aliases'])})" if card_json["aliases"] else ""
    click.echo(f"{card.name}{aliases}")
    for name in ("muscles", "equipment"):
        if card_json[name]:
            click.echo(f"   {name}: {', '.join(card_json[name])}")
    for name in ("steps", "cues", "harder", "easier", "cautions"):
        for number, text in enumerate(card_json[name], 1):
            label = f"{name}:" if number == 1 else ""
            click.echo(textwrap.fill(text, 100, initial_indent=f"   {label:<10}", subsequent_indent=" " * 13))
    if card.progression:
        click.echo(f"   where it fits: step {card.progression.number} of the corpus's order")
    sources = sorted({f"{s['source']}:{s['start']}-{s['end']}" for s in card_json["sources"] if s["field"] == "name"})
    click.echo(f"   from {', '.join(sources) or card_json['sources'][0]['source']}")


def _backend_options(command):
    command = click.option("--model", default=None, help="Model name (Ollama) or GGUF path/name (llama-cpp).")(command)
    return click.option(
        "--backend",
        type=click.Choice(["auto", "ollama", "llama-cpp"]),
        default=None,
        help="Who writes the answer (default: STRIDE_BACKEND, else auto).",
    )(command)


@cli.command()
@click.argument("question")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 20), help="Passages to retrieve.")
@_backend_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of streaming.")
@click.pass_obj
def ask(stride, question, k, backend, model, as_json):
    """Answer QUESTION from the corpus, citing the passages it uses."""
    stride = stride.with_settings(backend=backend, model=model)
    answerer = stride.answerer
    answerer.evidence = k
    if as_json:
        click.echo(json.dumps(answerer.ask(question).to_json(), indent=2, ensure_ascii=False))
        return
    _print_streamed(answerer.stream(question))


def _print_streamed(events, history: list[str] | None = None):
    from assistant.answer import Answer

    previous = ""
    for event in events:
        if isinstance(event, Answer):
            _print_answer_tail(event)
            return event
        if event.kind == "item":
            click.echo(f"\n- {event.render()}", nl=False)
        else:  # prose after a list's items starts a paragraph of its own
            click.echo(("\n\n" if previous == "item" else "") + event.render() + " ", nl=False)
        previous = event.kind
    return None


def _print_answer_tail(answer) -> None:
    if answer.refused:
        click.echo("\n\n".join(part for part in (answer.decline, answer.note) if part))
        return
    click.echo(f"\n\n{answer.note}" if answer.note else "")
    how = {
        "generated": f"written by {answer.model} ({answer.backend}); every sentence checked against its source",
        "extractive": "quoted from the sources: each sentence as its source says it"
        if not answer.sources_differ
        else "quoted from the sources, which differ",
    }[answer.grounding]
    if answer.citations:
        click.echo(click.style(f"({how})", dim=True))
    if answer.citations:
        click.echo("\nSources:")
    for citation in answer.citations:
        where = f"{citation.title} — {citation.section}" if citation.section else citation.title
        click.echo(f"[{citation.id}] {where} ({citation.source})")
        click.echo(textwrap.fill(f"“{citation.quote}”", 100, initial_indent="    ", subsequent_indent="    "))


@cli.command()
@_backend_options
@click.pass_obj
def chat(stride, backend, model):
    """Talk to Stride in the terminal; follow-ups ("and with a band?") build on the question before.

    Type /clear to forget the conversation, /quit (or Ctrl-D) to leave.
    """

    from assistant.errors import InputError

    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (arrow keys and history at the prompt)
    answerer = stride.with_settings(backend=backend, model=model).answerer
    click.echo(f"Stride ({answerer.model}, {answerer.backend}). Ask about what its sources cover.")
    history: list[str] = []
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            click.echo()
            return
        if question in ("/quit", "/exit"):
            return
        if question == "/clear":
            history.clear()
            click.echo("(conversation cleared)")
            continue
        if not question:
            continue
        try:
            answer = _print_streamed(answerer.stream(question, history))
        except InputError as error:
            click.echo(f"Error: {error}", err=True)
            continue
        if answer is not None and not answer.refused:
            history.append(answer.standalone_question)


@cli.command()
@_backend_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def doctor(stride, backend, model, as_json):
    """Show which model, embeddings and index Stride would use, and why."""
    from assistant import model_files
    from assistant.errors import StrideError

    stride = stride.with_settings(backend=backend, model=model)
    report: dict = {"corpus_dir": str(stride.settings.corpus_dir), "index": stride.index_location}
    try:
        choice = stride.backend_choice
        report.update(backend=choice.backend, model=choice.model, tier=choice.tier, backend_reason=choice.reason)
    except StrideError as error:
        report.update(backend=stride.settings.backend, model=None, tier=None, backend_reason=str(error))
    # Both embedded tiers, whichever was chosen: what is installed, and what `auto` would fall back to.
    for tier in model_files.TIERS.values():
        report[f"{tier.role}_tier"] = model_files.describe(tier, stride.models_dir)
    try:
        report["embeddings"] = stride.embeddings.model_id
        thresholds = stride.thresholds
        report["thresholds"] = "calibrated" if thresholds.calibrated else thresholds.calibration
        sources = stride.index.sources()
        report.update(documents=len(sources), passages=sum(s.chunks for s in sources))
    except StrideError as error:
        report.update(documents=None, passages=None, index_problem=str(error))
    corpus = stride.settings.corpus_dir
    report["corpus_files"] = sum(1 for p in corpus.rglob("*") if p.is_file()) if corpus.is_dir() else 0
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        click.echo(f"{key:<15} {value}")


@cli.command(name="ui")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to serve on (0.0.0.0: your whole network)."
)
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on.")
@click.option(
    "--feedback",
    "feedback_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSONL file that thumbs up/down are appended to [default: STRIDE_DATA_DIR/feedback.jsonl].",
)
@_backend_options
@click.pass_obj
def serve_ui(stride, host, port, feedback_path, backend, model):
    """Serve the chat page at http://HOST:PORT; open it in a browser. Ctrl-C stops it."""
    from ui.app import launch

    launch(stride.with_settings(backend=backend, model=model), host=host, port=port, feedback_path=feedback_path)


def main() -> None:
    cli(prog_name="stride")
