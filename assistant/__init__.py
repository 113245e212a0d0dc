"""Stride: answers runners' strength-training questions from a curated corpus, with citations.

The package is a pipeline of stages, one module each, every stage depending only on the ones before it:
ingest (files -> cleaned, sectioned chunks), embeddings (text -> vectors), index (chunks -> Chroma),
retrieve (question -> ranked passages). Configuration lives in `config` and is read once, at the edge
(`cli`), then passed inward.
"""

__version__ = "0.1.0"
