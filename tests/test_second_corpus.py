"""A second corpus, on another subject (eval/second-corpus: calf, Achilles and foot strength for runners,
original writing with its own stride.toml): the same code, with no change, indexes it, describes it,
answers and declines its questions, and passes the seed eval's gates against its own baseline
(eval/second-corpus/baselines/<model>.json). So nothing Stride does depends on the seed documents."""

import json

import pytest

from assistant.answer import Answerer
from assistant.answer_eval import evaluate_items, load_items, model_key
from assistant.config import Settings
from assistant.eval_report import regressions, write_outputs
from assistant.index_corpus import index_corpus
from assistant.wiring import Stride
from tests.conftest import ROOT, answerer_over
from tests.fakes import ScriptedChat

pytestmark = pytest.mark.integration  # real embeddings, Chroma and (for the eval) SmolLM2

SECOND = ROOT / "eval" / "second-corpus"


@pytest.fixture(scope="module")
def second(tmp_path_factory, embeddings):
    stride = Stride(
        Settings(corpus_dir=SECOND / "corpus", data_dir=tmp_path_factory.mktemp("second")), embeddings=embeddings
    )
    report = index_corpus(stride, [])
    stride.update_cards(model_work=False)  # as `stride ingest` does: answers list its exercise cards
    return stride, report


def test_it_is_indexed_and_cleaned_with_its_own_knowledge(second):
    stride, report = second
    assert report.documents_total == 3 and not report.skipped
    text = " ".join(chunk.text for chunk in stride.index.chunks())
    for residue in ("Share this post", "Subscribe to our newsletter", "Back to blog", "Happy running"):
        assert residue.lower() not in text.lower(), residue
    assert "Sign up for a local 5K six weeks out" in text  # advice that looks like a sign-up box stays
    assert any(c.section == "People who stand all day" for c in stride.index.chunks())


def test_a_decline_describes_this_corpus_not_the_seed_one(second):
    stride, _ = second
    answerer = Answerer(stride.retriever, stride.embeddings, ScriptedChat(reply="", prompts=[]), backend="f", model="f")
    result = answerer.ask("How many carbs should I eat the night before a marathon?")
    assert result.refused and "calf" in result.decline.lower()
    assert "glute" not in result.decline.lower() and "hip" not in result.decline.lower()


def test_the_second_corpus_passes_the_seed_gates(second, embedded_chat, tmp_path):
    stride, _ = second
    choice, _ = embedded_chat
    answerer = answerer_over(stride, embedded_chat)
    report = evaluate_items(answerer, load_items(SECOND / "answers.jsonl"))
    baseline = json.loads((SECOND / "baselines" / f"{model_key(choice.model)}.json").read_text())
    write_outputs(report, baseline, tmp_path)
    found = regressions(report, baseline)
    assert found == [], "\n".join(found) + "\n\n" + (tmp_path / "report.md").read_text()
