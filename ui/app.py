"""The chat page: Stride in a browser tab, answering through the same `Answerer.stream` as `stride ask`.

What the page does:
- streams each verified sentence into the chat as it is ready; a citation marker [n] is a link to the sources
  panel, which shows each cited passage (title, section, file) with the sentences the answer leans on marked;
- declines, safety notes and "the sources differ" answers are drawn differently from plain answers;
- follow-ups ("and with a band?") build on the tab's own conversation, kept in gr.State; a button clears it;
- a status line says which model answers and what is indexed, or what to do when either is missing;
- thumbs up/down on the last answer, with an optional comment, are appended to a local JSONL file;
- an Exercises tab lists the exercise cards built at ingest (`assistant.cards`), filtered by muscle and
  equipment, each with its steps, what makes it harder or easier, its cautions and the passage it comes
  from (title, section, file and the passage's text), under the corpus's "where do I start" order.

Nothing leaves the machine: Gradio's analytics are off, there is no share link, fonts are Gradio's bundled
ones, and the server binds 127.0.0.1 unless told otherwise.

Leaves out: the answering itself (`assistant.answer`), accounts and authentication, rating single sentences
or older answers, editing and retrying messages.
"""

import html
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

# Read by Gradio when it is imported (its launch telemetry checks only this), so it is set first.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import gradio as gr

from assistant.answer import Answer, Sentence
from assistant.cards import Library
from assistant.errors import InputError, ModelUnavailable, StrideError

log = logging.getLogger(__name__)

MAX_EXAMPLES = 4  # example buttons under the question box (the corpus author's `examples`, kept in the index)
# Answers in progress at once. Two keep both cores busy: one tab retrieves and checks sentences while the
# other's answer is written (the embedded model writes one answer at a time, under its lock in `models`).
# More would only split the same two cores; further questions wait in the queue, in order.
ASK_CONCURRENCY = 2
QUEUE_SIZE = 64  # questions waiting beyond this are turned away with Gradio's "queue is full"
SHOWN_QUESTION_CHARS = 400  # a pasted 100 kB message is echoed cut, not in full
MAX_COMMENT_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FEEDBACK_LOCK = threading.Lock()  # tabs rate at once; each line must land whole

THEME = gr.themes.Default(
    primary_hue="teal",
    neutral_hue="slate",
    font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 600, 700)), "ui-sans-serif", "system-ui", "sans-serif"],
)
CSS = """
.gradio-container { max-width: 1280px !important; }
#stride-title h1 { margin-bottom: 0; }
#stride-title p { margin-top: 2px; color: var(--body-text-color-subdued); }
.stride-status { font-size: 0.9em; padding: 6px 10px; border-radius: 8px;
  background: var(--background-fill-secondary); }
.stride-status .ok { color: #0f766e; font-weight: 600; }
.stride-status .problem { color: #b45309; font-weight: 600; }
.stride-status code { font-size: 0.95em; }
.stride-answer, .stride-question { white-space: normal; line-height: 1.55; }
a.stride-cite { text-decoration: none; font-weight: 600; font-size: 0.85em; vertical-align: super; padding: 0 1px; }
a.stride-cite:hover { text-decoration: underline; }
.stride-how { margin-top: 6px; font-size: 0.8em; color: var(--body-text-color-subdued); }
.stride-typing { color: var(--body-text-color-subdued); }
.stride-notice { border-radius: 8px; padding: 8px 12px; margin: 4px 0; border-left: 4px solid; }
.stride-notice b { display: block; margin-bottom: 2px; font-size: 0.95em; }
.stride-declined { background: #f1f5f9; border-color: #64748b; color: #334155; }
.stride-safety { background: #fff7ed; border-color: #ea580c; color: #7c2d12; }
.stride-input { background: #eff6ff; border-color: #3b82f6; color: #1e3a8a; }
.stride-error { background: #fef2f2; border-color: #dc2626; color: #7f1d1d; }
.stride-differ-head { font-weight: 600; margin-bottom: 6px; }
.stride-side { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; margin: 6px 0; }
.stride-side-title { font-size: 0.85em; font-weight: 600; color: var(--body-text-color-subdued); }
.stride-sources-empty { color: var(--body-text-color-subdued); font-size: 0.95em; padding: 8px 2px; }
.stride-turn h4 { margin: 4px 0 6px; font-size: 0.95em; }
.stride-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px;
  margin-bottom: 10px; scroll-margin-top: 8px; }
.stride-source:target { border-color: #0d9488; box-shadow: 0 0 0 2px #5eead4; }
.stride-source-title { font-weight: 600; }
.stride-source-n { color: #0f766e; margin-right: 6px; }
.stride-source-meta { font-size: 0.82em; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.stride-source blockquote { margin: 0; padding-left: 10px; border-left: 3px solid var(--border-color-primary);
  font-size: 0.92em; line-height: 1.5; }
.stride-source mark { background: #fef08a; color: inherit; padding: 0 1px; }
#stride-feedback-note { font-size: 0.9em; }
.stride-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.stride-card h3 { margin: 0 0 4px; font-size: 1.05em; }
.stride-card .stride-card-meta { font-size: 0.85em; color: var(--body-text-color-subdued); }
.stride-card h4 { margin: 6px 0 2px; font-size: 0.9em; }
.stride-card ol, .stride-card ul { margin: 0 0 0 1.2em; }
.stride-card details { margin-top: 6px; font-size: 0.9em; }
.stride-card blockquote { margin: 4px 0; padding-left: 10px; border-left: 3px solid var(--border-color-primary); }
.stride-start { border-left: 4px solid #0d9488; padding: 6px 12px; background: var(--background-fill-secondary);
  border-radius: 8px; }
.stride-caption p { margin: 0 0 -6px; font-size: 0.85em; color: var(--body-text-color-subdued); }
"""


@dataclass
class Session:
    """One browser tab's conversation (Gradio keeps one per tab, in gr.State)."""

    messages: list[dict] = field(default_factory=list)  # what the chat shows: {"role", "content"} dicts
    history: list[str] = field(default_factory=list)  # standalone questions of answered (not declined) turns
    answers: list[Answer] = field(default_factory=list)  # every finished answer: the sources panel, feedback
    busy: bool = False  # an answer is streaming into this tab


# -----------------------------------------------------------------------------
# the page


def build_app(stride, *, feedback_path: Path | None = None, concurrency: int = ASK_CONCURRENCY) -> gr.Blocks:
    """The chat page over one Stride; `launch` serves it (with the theme and CSS, which Gradio 6 takes there)."""
    feedback_path = Path(feedback_path or stride.settings.data_dir / "feedback.jsonl")
    known_passages = [_passage_count(stride)]  # what the retriever last saw, so a new `stride ingest` is noticed
    about, example_questions = _corpus_words(stride)
    ask = partial(answer_turn, stride)
    with gr.Blocks(title="Stride", analytics_enabled=False) as demo:
        session = gr.State(Session())
        gr.Markdown(
            "# Stride\nStrength training for runners, answered from its sources. Every sentence cites the passage "
            "it comes from: click a marker like [1] to see it.",
            elem_id="stride-title",
        )
        status = gr.HTML(elem_id="stride-status")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chat = gr.Chatbot(
                        label="Conversation",
                        height=420,
                        layout="bubble",
                        feedback_options=None,  # our own thumbs below take a comment and go to the JSONL file
                        buttons=["copy"],
                        placeholder=f"Ask about {about}"
                        + (", or pick an example below." if example_questions else "."),
                        elem_id="stride-chat",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            show_label=False,
                            placeholder=f"Ask a question, e.g. “{example_questions[0]}”"
                            if example_questions
                            else "Ask a question",
                            scale=5,
                            autofocus=True,
                            elem_id="stride-question",
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, min_width=80)
                    gr.Markdown("Try an example:", elem_classes="stride-caption", visible=bool(example_questions))
                    with gr.Row():
                        examples = [gr.Button(text, size="sm", variant="secondary") for text in example_questions]
                    with gr.Row(equal_height=True):
                        up = gr.Button("👍 Helpful", size="sm", scale=0, min_width=110)
                        down = gr.Button("👎 Not helpful", size="sm", scale=0, min_width=130)
                        comment = gr.Textbox(
                            show_label=False,
                            placeholder="Optional comment on the last answer",
                            scale=4,
                            container=False,
                        )
                        clear = gr.Button("Clear conversation", size="sm", scale=0, min_width=150)
                    feedback_note = gr.Markdown(elem_id="stride-feedback-note")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html([]), elem_id="stride-sources", max_height=640)

            with gr.Tab("Exercises", id="exercises"):
                muscle_names, equipment_names = exercise_filters(stride)
                with gr.Row():
                    muscle = gr.Dropdown(["Any", *muscle_names], value="Any", label="Muscle", elem_id="stride-muscle")
                    equipment = gr.Dropdown(
                        ["Any", *equipment_names], value="Any", label="Equipment", elem_id="stride-equipment"
                    )
                exercises = gr.HTML(elem_id="stride-exercises")

        outputs = [chat, sources, question, session]
        options = {"concurrency_limit": concurrency, "concurrency_id": "ask", "show_progress": "minimal"}
        events = [
            question.submit(ask, [question, session], outputs, api_name="ask", **options),
            send.click(ask, [question, session], outputs, api_visibility="private", **options),
        ]
        # A Button's value is its label, so each example button asks its own text.
        events += [b.click(ask, [b, session], outputs, api_visibility="private", **options) for b in examples]
        reset = {"fn": clear_session, "inputs": None, "outputs": [*outputs, feedback_note], "cancels": events}
        clear.click(**reset, api_name="clear", queue=False)
        # The chat's own trash icon must forget the follow-up history too, not only what is shown.
        chat.clear(**reset, api_visibility="private", queue=False)
        for button, rating, name in ((up, "up", "thumbs_up"), (down, "down", "thumbs_down")):
            rate = partial(rate_last_answer, feedback_path, rating)
            button.click(rate, [comment, session], [feedback_note, comment], api_name=name)
        demo.load(partial(status_html, stride, known_passages), None, status, api_name="status")
        show = partial(exercises_html, stride)
        demo.load(show, [muscle, equipment], exercises, api_name="exercises")
        for control in (muscle, equipment):
            control.change(show, [muscle, equipment], exercises, api_visibility="private")
    demo.queue(default_concurrency_limit=concurrency, max_size=QUEUE_SIZE)
    return demo


def launch(
    stride,
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    feedback_path: Path | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
) -> gr.Blocks:
    """Serve the chat page at http://host:port (local only by default); blocks unless prevent_thread_lock.

    The model is loaded before the server starts, so the first question does not wait for it; a model or
    index problem is shown on the page rather than stopping it.
    """
    if not quiet:
        print(html.unescape(re.sub(r"<[^>]+>", "", status_html(stride, [None]))))  # loads the model now, too
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(f"Serving on {host}: anyone who can reach this machine can use the page and read the sources.")
    demo = build_app(stride, feedback_path=feedback_path)
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            share=False,
            inbrowser=False,
            prevent_thread_lock=prevent_thread_lock,
            show_error=False,  # errors are answered in the chat; anything else is logged, not shown
            ssr_mode=False,  # server-side rendering would need Node
            mcp_server=False,
            pwa=False,
            footer_links=["api", "settings"],
            quiet=quiet,
            theme=THEME,
            css=CSS,
        )
    except OSError as error:  # Gradio's "Cannot find empty port in range"
        raise StrideError(f"cannot serve on {host}:{port} ({error}): choose another port with --port") from None
    return demo


# -----------------------------------------------------------------------------
# events


def answer_turn(stride, message: str, session: Session):
    """Stream one answer into the chat: yields (chat, sources panel, question box, session) as it grows."""
    if session.busy:  # an example clicked mid-answer: two answers would interleave in one chat
        gr.Warning("One question at a time: wait for the answer in progress.")
        yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return
    session.busy = True
    try:
        yield from _stream_answer(stride, message, session)
    finally:  # also when the answer is cancelled (Clear) or the tab goes away
        session.busy = False


def _stream_answer(stride, message: str, session: Session):
    number = len(session.answers) + 1  # this answer's citation anchors are #stride-a{number}-{n}
    session.messages += [
        {"role": "user", "content": question_html(message)},
        {"role": "assistant", "content": _pending_html([], number)},
    ]
    yield session.messages, gr.skip(), "", session
    shown: list[Sentence] = []
    try:
        for event in stride.answerer.stream(message, session.history):
            if isinstance(event, Answer):
                _finish(session, event)
                break
            shown.append(event)
            session.messages[-1]["content"] = _pending_html(shown, number)
            yield session.messages, gr.skip(), "", session
    except InputError as error:
        session.messages[-1]["content"] = notice_html("input", "", _sentence(str(error)))
    except StrideError as error:
        session.messages[-1]["content"] = notice_html("error", "Stride could not answer", _sentence(str(error)))
    except Exception:  # a bug: the log gets the traceback, the runner a sentence, the session lives on
        log.exception("answering %r failed", message[:200])
        text = "Something went wrong inside Stride while answering; the details are in the server's log."
        session.messages[-1]["content"] = notice_html("error", "Stride could not answer", text)
    yield session.messages, sources_html(session.answers), "", session


def _finish(session: Session, answer: Answer) -> None:
    session.answers.append(answer)
    session.messages[-1]["content"] = answer_html(answer, len(session.answers))
    if not answer.refused:  # a declined question is no context for the next one
        session.history.append(answer.standalone_question)


def clear_session():
    session = Session()
    return session.messages, sources_html([]), "", session, ""


def rate_last_answer(path: Path, rating: str, comment: str, session: Session) -> tuple[str, str]:
    """Append a rating of the tab's last answer to the feedback file; returns (note to show, comment box)."""
    if not session.answers:
        return "Ask a question first, then rate its answer.", comment
    try:
        record = save_feedback(path, session.answers[-1], rating, comment)
    except OSError as error:
        return f"Could not save the feedback to {path}: {error.strerror or error}.", comment
    thumb = "👍" if rating == "up" else "👎"
    return f"Thanks: {thumb} saved for “{_escape(_cut(record['question'], 80))}”.", ""


def save_feedback(path: Path, answer: Answer, rating: str, comment: str) -> dict:
    """One JSON line per rating: what was asked, what was answered and cited, by which model, and the verdict."""
    record = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "comment": (comment or "").strip()[:MAX_COMMENT_CHARS],
        "question": answer.question,
        "answer": answer.answer,
        "refused": answer.refused,
        "citations": [vars(c) for c in answer.citations],
        "model": answer.model,
        "backend": answer.backend,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with _FEEDBACK_LOCK, path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


# -----------------------------------------------------------------------------
# the status line


def status_html(stride, known_passages: list) -> str:
    """Which model answers and what is indexed; when either is missing, what to do about it."""
    model, model_ok = _model_status(stride)
    index, index_ok, passages = _index_status(stride)
    if passages != known_passages[0]:  # the index changed under us (e.g. `stride ingest` in another terminal)
        stride.retriever.refresh()
        known_passages[0] = passages
    parts = [_status_part(model, model_ok), _status_part(index, index_ok)]
    return f'<div class="stride-status">{" · ".join(parts)}</div>'


def _status_part(text: str, ok: bool) -> str:
    return f'<span class="{"ok" if ok else "problem"}">{"●" if ok else "⚠"}</span> {text}'


def _model_status(stride) -> tuple[str, bool]:
    try:
        answerer = stride.answerer  # builds the chat model (loading the embedded one): failures show here
    except ModelUnavailable as error:
        return f"No model can answer: {_escape(str(error))}", False
    except StrideError as error:  # the embeddings or the index the answerer is built on
        return f"Stride cannot answer yet: {_escape(str(error))}", False
    text = f"Model <code>{_escape(answerer.model)}</code> ({_escape(answerer.backend)})"
    choice = stride.__dict__.get("backend_choice")  # cached only when Stride chose the model (not injected)
    return (f"{text}: {_escape(choice.reason)}" if choice else text), True


def _index_status(stride) -> tuple[str, bool, int | None]:
    try:
        found = stride.index.sources()
    except StrideError as error:
        return f"The index cannot be read: {_escape(str(error))}", False, None
    if not found:
        return "The index is empty: run <code>stride ingest</code>, then reload this page.", False, 0
    passages = sum(info.chunks for info in found)
    text = f"{len(found)} documents, {passages} passages indexed"
    thresholds = stride.thresholds
    if not thresholds.calibrated:  # declines and checks are guesses with this embedding model
        return f"{text}; {_escape(thresholds.calibration)}", False, passages
    return text, True, passages


def _corpus_words(stride) -> tuple[str, list[str]]:
    """What the page says the corpus is about, and its example questions: from the index, as the corpus
    author wrote them in `stride.toml` (nothing, before an ingest or without the file)."""
    try:
        scope = stride.retriever.scope
    except StrideError:
        return "what Stride's sources cover", []
    return scope.about or "what Stride's sources cover", scope.examples[:MAX_EXAMPLES]


def _passage_count(stride) -> int | None:
    try:
        return sum(info.chunks for info in stride.index.sources())
    except StrideError:
        return None


# -----------------------------------------------------------------------------
# rendering (HTML kept on one line: a blank line would end the chat's HTML block and start Markdown)


def question_html(message: str) -> str:
    text = _CONTROL.sub(" ", message or "")
    if not text.strip():
        return '<div class="stride-question"><em>(empty message)</em></div>'
    shown = _escape(_cut(text.strip(), SHOWN_QUESTION_CHARS))
    if len(text) > SHOWN_QUESTION_CHARS:
        shown += f" <em>({len(text):,} characters in all)</em>"
    return f'<div class="stride-question">{shown.replace(chr(10), "<br>")}</div>'


def answer_html(answer: Answer, number: int) -> str:
    """The finished answer: plain cited sentences, a decline, or both sides when the sources differ."""
    if answer.refused:
        body = notice_html("declined", "Not covered by Stride's sources", _escape(answer.decline or ""))
    elif answer.sources_differ:
        body = _differ_html(answer, number)
    else:
        body = f"{_sentences_html(answer.sentences, number, answer.layout)}{_how_html(answer)}"
    if answer.note:
        body += notice_html("safety", "See a professional", _escape(answer.note))
    return f'<div class="stride-answer">{body}</div>'


def _pending_html(shown: list[Sentence], number: int) -> str:
    # The "…" stays inside the paragraph being written, so each update only adds to the one before.
    html = _sentences_html(shown, number, "list")
    typing = '<span class="stride-typing">…</span>'
    html = f"{html[:-4]} {typing}</p>" if html.endswith("</p>") else f"{html}<p>{typing}</p>"
    return f'<div class="stride-answer">{html}</div>'


def _sentences_html(sentences: list[Sentence], number: int, layout: str) -> str:
    """Prose sentences run together in a paragraph; a plan's items make a list (numbered when they are steps),
    each item's exercise (a card's name) in bold before its sentence; a forum post's words follow whose they are."""
    html, run, kind = [], [], ""
    for sentence in [*sentences, None]:
        this = "item" if sentence is not None and sentence.kind == "item" else "prose"
        if run and (sentence is None or this != kind):
            tag = ("ol" if layout == "steps" else "ul") if kind == "item" else "p"
            html.append(f"<{tag}>{''.join(run) if kind == 'item' else ' '.join(run)}</{tag}>")
            run = []
        if sentence is None:
            break
        kind, shown = this, _sentence_html(sentence.text, sentence.citations, number)
        if this == "item":
            title = f"<strong>{_escape(sentence.label)}</strong>: " if sentence.label else ""
            shown = f"<li>{title}{shown}</li>"
        elif sentence.label:  # a forum poster's words, said to be theirs
            shown = f"<em>{_escape(sentence.label)}</em>: {shown}"
        run.append(shown)
    return "".join(html)


def _differ_html(answer: Answer, number: int) -> str:
    head = " ".join(_escape(s.text) for s in answer.sentences if s.kind == "framing")
    sides = []
    for side in answer.sides:  # the document's title heads each box, the quote fills it
        sides.append(
            f'<div class="stride-side"><div class="stride-side-title">{_escape(side.label)}</div>'
            f"{_sentence_html(f'“{side.text}”', side.citations, number)}</div>"
        )
    return f'<div class="stride-differ"><div class="stride-differ-head">⚖️ {head}</div>{"".join(sides)}</div>'


def _how_html(answer: Answer) -> str:
    how = {
        "generated": f"Written by {answer.model} ({answer.backend}); every sentence checked against its source.",
        "extractive": "Quoted from the sources: each sentence as its source says it.",
    }.get(answer.grounding, "")
    return f'<div class="stride-how">{_escape(how)}</div>' if how and answer.citations else ""


def _sentence_html(text: str, citations, number: int) -> str:
    markers = "".join(
        f'<a class="stride-cite" href="#{_anchor(number, n)}" title="Source {n}">[{n}]</a>' for n in citations
    )
    return f"{_escape(text)}{markers}"


def notice_html(kind: str, title: str, body: str) -> str:
    """A boxed notice (kind: declined, safety, input, error); body is HTML already escaped."""
    head = f"<b>{_escape(title)}</b>" if title else ""
    return f'<div class="stride-notice stride-{kind}">{head}{body}</div>'


def sources_html(answers: list[Answer]) -> str:
    """The cited passages of each answer, newest first, each with the sentences the answer leans on marked."""
    turns = [(number, a) for number, a in enumerate(answers, 1) if a.citations]
    if not turns:
        return (
            '<div class="stride-sources-empty">The passages an answer cites appear here: title, section, file, '
            "and the quote with the supporting sentences highlighted.</div>"
        )
    sections = []
    for number, answer in reversed(turns):
        cards = "".join(_source_card(number, answer, c) for c in answer.citations)
        question = _escape(_cut(answer.question, 120))
        sections.append(f'<div class="stride-turn"><h4>Cited for “{question}”</h4>{cards}</div>')
    return "".join(sections)


def _source_card(number: int, answer: Answer, citation) -> str:
    support = [s.text for sentence in answer.sentences for s in sentence.support if s.citation == citation.id]
    where = " · ".join(_escape(part) for part in (citation.section, citation.source) if part)
    return (
        f'<div class="stride-source" id="{_anchor(number, citation.id)}">'
        f'<div class="stride-source-title"><span class="stride-source-n">[{citation.id}]</span>'
        f"{_escape(citation.title)}</div>"
        f'<div class="stride-source-meta">{where}</div>'
        f"<blockquote>{highlight_quote(citation.quote, support)}</blockquote></div>"
    )


def highlight_quote(quote: str, support: list[str]) -> str:
    """The quote as HTML, its sentences one per line, with those the answer rests on in <mark>.

    `support` is what the answer stage found supporting each sentence: a line of the quote, or two
    neighbouring lines joined, so a line is marked when it is part of one.
    """
    lines = quote.splitlines() or [quote]
    return " ".join(f"<mark>{_escape(line)}</mark>" if _supports(line, support) else _escape(line) for line in lines)


def _supports(line: str, support: list[str]) -> bool:
    return any(text == line or text.startswith(f"{line} ") or text.endswith(f" {line}") for text in support)


def _escape(text: str) -> str:
    # Text between tags only (nothing from a runner or a document goes into an attribute), so quotes stay
    # readable: "can't", not "can&#x27;t".
    return html.escape(text, quote=False)


def _anchor(number: int, citation: int) -> str:
    return f"stride-a{number}-{citation}"


def _sentence(text: str) -> str:
    """An error message as a sentence of its own: capitalised, with a full stop, HTML-escaped."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    finished = text.rstrip("'\"”’)").endswith((".", "!", "?"))  # "... e.g. 'Should I ...?'" is finished
    return _escape(text if finished else f"{text}.")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -----------------------------------------------------------------------------
# the Exercises tab

CARD_FIELDS = (
    ("steps", "How to do it", "ol"),
    ("cues", "Cues", "ul"),
    ("harder", "Harder", "ul"),
    ("easier", "Easier", "ul"),
    ("cautions", "Cautions", "ul"),
)


def _library(stride) -> Library | None:
    try:
        return Library.load(stride.cards_path)
    except StrideError:
        return None


def exercise_filters(stride) -> tuple[list[str], list[str]]:
    """The muscles and equipment the cards name, for the tab's two filters (none before the first ingest)."""
    library = _library(stride)
    return (library.names("muscles"), library.names("equipment")) if library else ([], [])


def exercises_html(stride, muscle: str | None, equipment: str | None) -> str:
    """The tab: where to start, then the cards that match the filters ("Any" is no filter)."""
    try:
        library = Library.load(stride.cards_path)
        cards = library.matching(
            muscle=None if muscle in (None, "", "Any") else muscle,
            equipment=None if equipment in (None, "", "Any") else equipment,
        )
    except StrideError as error:
        return notice_html("stride-input", "No exercise cards", _escape(str(error)))
    parts = [_progression_html(library)] if library.progression() else []
    if library.missing:
        parts.append(f'<p class="stride-card-meta">{_escape(library.missing)}</p>')
    parts += [_card_html(card) for card in cards] or ['<p class="stride-sources-empty">No card matches.</p>']
    return "".join(parts)


def _progression_html(library: Library) -> str:
    items = []
    for step in library.progression():
        names = f" <i>({_escape(', '.join(step.exercises))})</i>" if step.exercises else ""
        items.append(f"<li>{_escape(step.text)}{names}</li>")
    source = library.progression()[0].span.source
    return f'<div class="stride-start"><b>Where to start</b> ({_escape(source)})<ol>{"".join(items)}</ol></div>'


def _card_html(card) -> str:
    data = card.as_json()
    aliases = f" (also {_escape(', '.join(data['aliases']))})" if data["aliases"] else ""
    meta = [
        f"{label}: {_escape(', '.join(data[key]))}"
        for key, label in (("muscles", "Muscles"), ("equipment", "Equipment"))
        if data[key]
    ]
    if card.progression:
        meta.append(f"where to start: step {card.progression.number}")
    body = [f"<h3>{_escape(card.name)}{aliases}</h3>", f'<div class="stride-card-meta">{" · ".join(meta)}</div>']
    for key, title, tag in CARD_FIELDS:
        if data[key]:
            items = "".join(f"<li>{_escape(text)}</li>" for text in data[key])
            body.append(f"<h4>{title}</h4><{tag}>{items}</{tag}>")
    for passage in data["passages"]:
        where = " — ".join(p for p in (passage.get("title"), passage.get("section")) if p)
        span = f"{passage.get('source')}, characters {passage.get('start')}-{passage.get('end')}"
        text = "<br>".join(_escape(line) for line in (passage.get("text") or "").splitlines())
        body.append(
            f'<details><summary>Passage: {_escape(where)} <span class="stride-card-meta">({_escape(span)})</span>'
            f"</summary><blockquote>{text}</blockquote></details>"
        )
    return f'<div class="stride-card">{"".join(body)}</div>'
