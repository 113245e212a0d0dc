"""The plain LangChain baseline Stride is measured against: dense-only Chroma retrieval of whole passages, the
top k stuffed into one prompt, the model's text returned as the answer with every passage as its citation, and
no checks of any kind. It answers through the same `Answer` type so the same judge scores both.

Leaves out: everything Stride adds (vocabulary, BM25, windows, evidence selection, checks, declines, fallback).
Run alone (`python -m bench.baseline`, after `stride ingest`) it prints only the comparison bench.py makes.
"""

import time

from langchain_chroma import Chroma
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from assistant.answer import Answer, Citation, Sentence
from assistant.text import answer_sentences

PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "Answer the runner's question using the context."),
        ("human", "Context:\n{context}\n\nQuestion: {question}"),
    ]
)


class StuffedBaseline:
    def __init__(self, stride, chat_model, *, k: int = 4, backend: str = "llama-cpp", model: str = "") -> None:
        self.retriever = stride.retriever  # the evaluator reads the index through it
        self.embeddings = stride.embeddings
        self.store = Chroma(client=stride.client, collection_name=stride.settings.collection,
                            embedding_function=stride.embeddings)  # fmt: skip
        self.chain = PROMPT | chat_model | StrOutputParser()
        self.k, self.backend, self.model = k, backend, model

    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        started = time.perf_counter()
        documents = self.store.similarity_search(question, k=self.k, filter={"kind": "chunk"})
        retrieved = (time.perf_counter() - started) * 1000
        context = "\n\n".join(d.page_content for d in documents)
        text = self.chain.invoke({"context": context, "question": question})
        citations = [
            Citation(n, d.metadata["source"], d.metadata["title"], d.metadata.get("section", ""), d.page_content, 0.0)
            for n, d in enumerate(documents, 1)
        ]
        ids = [c.id for c in citations]
        sentences = [Sentence(s, tuple(ids)) for s in answer_sentences(text)]
        total = (time.perf_counter() - started) * 1000
        return Answer(question, text, False, "generated", citations, self.backend, self.model,
                      {"retrieve": retrieved, "first_token": total, "total": total},
                      standalone_question=question, sentences=sentences)  # fmt: skip


def main() -> None:
    """`python -m bench.baseline`: only the comparison of bench.py (the answer eval's test split, Stride and
    this baseline, same model and judge) on the index and model the environment configures, as JSON."""
    import json

    from assistant.config import Settings
    from assistant.wiring import Stride
    from bench.bench import bench_against_baseline, machine

    stride = Stride(Settings())
    results = bench_against_baseline(stride, stride.backend_choice)
    print(json.dumps({"machine": machine(), "model": stride.backend_choice.model, **results}, indent=2))


if __name__ == "__main__":
    main()
