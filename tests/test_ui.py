"""The chat page as a client sees it: the real Gradio server on 127.0.0.1, driven through gradio_client.

The rendering is checked directly first. The server tests answer with a scripted chat model over the
session's real index (fast, and the checks, retrieval and rendering are all real); one answers with the real
embedded model, and one starts the page with neither a model nor an index. Every call is bounded by a timeout.
"""

import json
from datetime import datetime
from threading import Thread
from types import SimpleNamespace

import pytest

from assistant.config import Settings
from assistant.wiring import Stride
from tests.conftest import free_port
from tests.fakes import ScriptedChat

gradio_client = pytest.importorskip("gradio_client", reason="gradio is not installed")
integration = pytest.mark.integration  # every test that starts the server (and so loads the models)

TIMEOUT = 30  # seconds for one scripted answer (usually 1-3 s)
REAL_TIMEOUT = 120  # seconds for one answer by the embedded 135M model on two cores (usually 10-25 s)
# Supported by the hip-flexor passage, so that question gets a "generated" answer; for any other question
# the checks reject it and the answer is quoted from the sources instead.
REPLY = (
    "The best exercise for the front muscles of the hip is lengthening, not strengthening [1]. "
    "Tightness of the hip flexors can limit hip extension [1]."
)


def serve(stride, feedback_path):
    from ui.app import launch

    port = free_port()
    demo = launch(stride, port=port, feedback_path=feedback_path, prevent_thread_lock=True, quiet=True)
    return demo, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def scripted(seed_stride, tmp_path_factory):
    chat = ScriptedChat(reply=REPLY)
    stride = Stride(seed_stride.settings, embeddings=seed_stride.embeddings, client=seed_stride.client, chat_model=chat)
    feedback = tmp_path_factory.mktemp("ui") / "feedback.jsonl"
    demo, url = serve(stride, feedback)
    yield SimpleNamespace(url=url, feedback=feedback, chat=chat)
    demo.close()


def connect(url: str):
    """A new client is a new browser tab: its own session, so its own conversation."""
    return gradio_client.Client(url, verbose=False, analytics_enabled=False, download_files=False)


def ask(client, message: str, timeout: float = TIMEOUT):
    """Every output the answer streamed, the last one complete: [(chat, sources panel, question box), ...]."""
    job = client.submit(message, api_name="/ask")
    job.result(timeout=timeout)
    return job.outputs()


def last_reply(outputs) -> str:
    chat = outputs[-1][0]
    return chat[-1]["content"][0]["text"]


def test_quotes_mark_the_sentences_the_answer_rests_on():
    from ui.app import highlight_quote

    # The answer stage hands over the passage text that supports each sentence: one line of the quote, or two
    # neighbouring lines joined; the page marks exactly those lines and matches no words of its own.
    quote = "Tightness limits hip extension.\nAs such, the best exercise for the hip flexors is lengthening.\nRun tall."
    marked = highlight_quote(quote, ["As such, the best exercise for the hip flexors is lengthening."])
    assert marked == (
        "Tightness limits hip extension. <mark>As such, the best exercise for the hip flexors is lengthening.</mark>"
        " Run tall."
    )
    joined = "Tightness limits hip extension. As such, the best exercise for the hip flexors is lengthening."
    pair = highlight_quote(quote, [joined])
    assert pair.count("<mark>") == 2 and "<mark>Run tall.</mark>" not in pair
    assert "<mark>" not in highlight_quote(quote, ["the best exercise"])  # a fragment of a line supports nothing


def test_runner_and_document_text_is_escaped():
    from assistant.answer import Answer, Citation, Sentence, Support
    from ui.app import answer_html, question_html, sources_html

    assert "<script>" not in question_html("<script>alert(1)</script> and my hip?")
    assert "(100,000 characters in all)" in question_html("x" * 100_000)
    citation = Citation(1, "a<b>.txt", "T<i>", "S", "Quote <img src=x>.", 1.0)
    answer = Answer("q<b>?", "A <b>bold</b> claim. [1]", False, "extractive", [citation], "fake", "m", {})
    answer.sentences = [Sentence("A <b>bold</b> claim.", (1,), support=(Support(1, "Quote <img src=x>."),))]
    rendered = answer_html(answer, 1) + sources_html([answer])
    assert "<b>bold</b>" not in rendered and "<img" not in rendered and "<i>" not in rendered
    assert 'href="#stride-a1-1"' in rendered and 'id="stride-a1-1"' in rendered


@integration
def test_a_question_streams_a_cited_answer_and_its_sources(scripted):
    outputs = ask(connect(scripted.url), "Should I strengthen my hip flexors?")
    replies = [chat[-1]["content"][0]["text"] for chat, *_ in outputs]
    assert len(outputs) >= 3  # the question shown at once, then sentence by sentence
    assert "stride-typing" in replies[0] and "stride-typing" not in replies[-1]
    assert replies[1] in replies[2] or replies[1].split("<span")[0] in replies[2]  # grows, never rewritten

    reply, sources, question_box = outputs[-1][0][-1]["content"][0]["text"], outputs[-1][1], outputs[-1][2]
    assert "lengthening, not strengthening" in reply
    assert 'class="stride-cite" href="#stride-a1-1"' in reply
    assert "checked against its source" in reply  # the model's sentences passed: a generated answer
    assert 'id="stride-a1-1"' in sources and "learn2run-strength-training-glutes.txt" in sources
    assert "Hip flexors" in sources and "Strength Training for Runners: Glutes" in sources
    assert "<mark>As such, the best exercise for the front muscles of the hip is lengthening" in sources
    assert question_box == ""


@integration
def test_an_off_topic_question_is_declined_in_a_notice(scripted):
    outputs = ask(connect(scripted.url), "What pace should I run my first marathon at?")
    reply = last_reply(outputs)
    assert "stride-declined" in reply and "can't answer" in reply and "the hip and glute muscles" in reply
    assert "stride-cite" not in reply and "stride-source" not in outputs[-1][1].replace("stride-sources", "")


@integration
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "The question is empty"),
        (" \n\t  ", "The question is empty"),
        ("\x00\x07\x1b", "The question is empty"),
        ("x" * 100_000, "The question is too long"),
    ],
    ids=["empty", "whitespace", "control-characters", "100kB"],
)
def test_odd_messages_get_a_friendly_reply(scripted, message, expected):
    outputs = ask(connect(scripted.url), message)
    chat = outputs[-1][0]
    reply = chat[-1]["content"][0]["text"]
    assert "stride-input" in reply and expected in reply
    assert "Traceback" not in reply
    assert len(chat[-2]["content"][0]["text"]) < 1000  # the question is echoed, cut if it is long


@integration
def test_control_characters_inside_a_real_question_are_ignored(scripted):
    reply = last_reply(ask(connect(scripted.url), "Should I\x00 strengthen my hip flexors?\x07"))
    assert "stride-cite" in reply and "lengthening" in reply


@integration
def test_follow_ups_build_on_the_tab_s_own_conversation_until_cleared(scripted):
    prompts = scripted.chat.prompts
    tab, other_tab = connect(scripted.url), connect(scripted.url)
    ask(tab, "What makes single-leg stands harder?")  # prose, which the model writes ("how do I" steps are quoted)
    outputs = ask(tab, "and with a band?")
    assert "Question: What makes single-leg stands harder? and with a band?" in prompts[-1][-1].content
    assert "Fitness bands" in outputs[-1][1]  # the follow-up was answered about bands on one leg
    assert 'id="stride-a2-1"' in outputs[-1][1] and 'id="stride-a1-1"' in outputs[-1][1]  # both answers' sources

    before = len(prompts)
    ask(other_tab, "and with a band?")  # another tab has no conversation to build on
    tab.submit(api_name="/clear").result(timeout=TIMEOUT)
    ask(tab, "and with a band?")  # nor has a cleared one
    assert all("single-leg" not in p[-1].content for p in prompts[before:])


@integration
def test_tabs_asking_at_once_each_get_their_own_answer(scripted):
    questions = {
        "How do I do the glute push-off?": "Glute Push-off",
        "Should I strengthen my hip flexors?": "Hip flexors",
    }
    results: dict[str, list] = {}

    def run(question):
        results[question] = ask(connect(scripted.url), question)

    threads = [Thread(target=run, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    for question, section in questions.items():
        chat, sources, _ = results[question][-1]
        assert chat[0]["content"][0]["text"].endswith(f"{question}</div>")
        assert section in sources and "stride-cite" in last_reply(results[question])


@integration
def test_feedback_is_appended_to_the_jsonl_file(scripted):
    tab = connect(scripted.url)
    note, _ = tab.submit("", api_name="/thumbs_up").result(timeout=TIMEOUT)
    assert "Ask a question first" in note
    ask(tab, "Should I strengthen my hip flexors?")
    note, comment_box = tab.submit("Clear, but say how to lengthen them", api_name="/thumbs_down").result(TIMEOUT)
    assert note.startswith("Thanks") and comment_box == ""

    record = json.loads(scripted.feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert record["rating"] == "down" and record["comment"] == "Clear, but say how to lengthen them"
    assert record["question"] == "Should I strengthen my hip flexors?"
    assert "lengthening" in record["answer"] and record["refused"] is False
    assert record["citations"][0]["source"] == "learn2run-strength-training-glutes.txt"
    assert record["citations"][0]["quote"]
    assert (record["model"], record["backend"]) == ("ScriptedChat", "fake")
    assert datetime.fromisoformat(record["timestamp"]).tzinfo is not None


@integration
def test_the_real_embedded_model_answers_through_the_page(seed_stride, tmp_path):
    stride = seed_stride.with_settings(backend="llama-cpp")  # nothing injected but the embeddings
    demo, url = serve(stride, tmp_path / "feedback.jsonl")
    try:
        tab = connect(url)
        status = tab.submit(api_name="/status").result(timeout=TIMEOUT)
        assert "SmolLM2-135M-Instruct" in status and "(llama-cpp)" in status and "32 passages indexed" in status
        outputs = ask(tab, "How do I do the glute push-off?", timeout=REAL_TIMEOUT)
        reply, sources = last_reply(outputs), outputs[-1][1]
        assert "staggered stance" in reply.lower() and 'href="#stride-a1-1"' in reply
        assert "top-5-favorite-glute-exercises.txt" in sources and "<mark>" in sources
        tab.submit("", api_name="/thumbs_up").result(timeout=TIMEOUT)
        record = json.loads((tmp_path / "feedback.jsonl").read_text(encoding="utf-8"))
        assert record["backend"] == "llama-cpp" and record["model"].endswith(".gguf")
    finally:
        demo.close()


@integration
def test_the_page_loads_and_says_what_to_do_without_a_model_or_an_index(embeddings, tmp_path):
    import httpx

    # Ollama asked for at an address where nothing listens, and an index folder that was never filled.
    settings = Settings(
        corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data", backend="ollama", ollama_host="http://127.0.0.1:9"
    )
    demo, url = serve(Stride(settings, embeddings=embeddings), None)
    try:
        assert httpx.get(url, timeout=TIMEOUT).status_code == 200
        tab = connect(url)
        status = tab.submit(api_name="/status").result(timeout=TIMEOUT)
        assert "No model can answer" in status and "ollama serve" in status
        assert "The index is empty" in status and "stride ingest" in status
        reply = last_reply(ask(tab, "Should I strengthen my hip flexors?"))
        assert "stride-error" in reply and "ollama serve" in reply
    finally:
        demo.close()


def test_steps_are_one_numbered_list_with_what_comes_before_and_after_them_as_paragraphs():
    from assistant.answer import Answer, Sentence, _plain_text
    from ui.app import answer_html

    sentences = [
        Sentence("You need a band.", (1,)),
        Sentence("Loop the band.", (1,), kind="item"),
        Sentence("Step in.", (1,), kind="item"),
        Sentence("Dose: 5 x 45 s.", (1,)),
        Sentence("Cues: sit back.", (1,)),
    ]
    text = _plain_text(sentences, None, None, "steps")
    assert (
        text
        == "You need a band. [1]\n\n1. Loop the band. [1]\n2. Step in. [1]\n\nDose: 5 x 45 s. [1] Cues: sit back. [1]"
    )
    answer = Answer("q?", text, False, "extractive", [], "fake", "m", {}, layout="steps")
    answer.sentences = sentences
    html = answer_html(answer, 1)
    assert html.count("<ol>") == 1 and html.count("<li>") == 2 and html.count("<p>") == 2


def test_a_card_item_opening_with_its_exercises_name_does_not_repeat_it():
    from assistant.answer import Sentence

    assert Sentence("Tandem stance: stand heel to toe.", (1,), kind="item", title="Tandem stance").render() == (
        "Tandem stance: stand heel to toe. [1]"
    )
    assert Sentence("Stand heel to toe.", (1,), kind="item", title="Tandem stance").render() == (
        "Tandem stance: Stand heel to toe. [1]"
    )


def test_a_forum_posts_words_are_shown_as_the_posters_in_text_and_on_the_page():
    from assistant.answer import Answer, Sentence
    from ui.app import answer_html

    own = Sentence("Two sessions a week.", (1,))
    posted = Sentence("Do hill sprints every day.", (2,), poster="hillbilly_bob")
    side = Sentence("Sprint uphill.", (2,), kind="side", title="Are hill sprints worth it?", poster="runner_ann")
    assert posted.render() == "A forum post by hillbilly_bob: Do hill sprints every day. [2]"
    assert Sentence("Do it.", (2,), poster="").render() == "A forum post: Do it. [2]"
    assert side.render() == "Are hill sprints worth it? (a forum post by runner_ann): “Sprint uphill.” [2]"
    assert own.render() == "Two sessions a week. [1]"
    answer = Answer("q?", "", False, "extractive", [], "fake", "m", {})
    answer.sentences = [own, posted]
    html = answer_html(answer, 1)
    assert "<em>A forum post by hillbilly_bob</em>: Do hill sprints every day." in html
    assert html.count("<em>") == 1
