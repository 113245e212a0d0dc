"""Errors a user can act on.

Library code raises these with a message that says what went wrong and what to do; the edges (CLI, UI,
eval) print the message on one line and exit non-zero. Anything else is a bug and may show a traceback.
"""


class StrideError(Exception):
    """Base class: the message is shown to the user as it is, so it must say what to do."""


class ConfigError(StrideError):
    """A setting (an environment variable) has a value Stride cannot use; the message names it and what it takes."""


class InputError(StrideError):
    """The user's input (a question, a path, a file) cannot be used."""


class IndexUnavailable(StrideError):
    """The index cannot be opened or read: missing, corrupted, locked or the server is down."""


class IndexDamaged(IndexUnavailable):
    """The index exists but cannot be read; `stride ingest --rebuild` moves it aside and starts anew."""


class IndexMismatch(StrideError):
    """The index was built with another embedding model or chunker and must be rebuilt."""


class ModelUnavailable(StrideError):
    """The chosen model backend cannot answer: server down, model not pulled, model file missing."""
