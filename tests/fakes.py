"""Fake chat models for unit tests of the answering wiring (the real model runs in the integration tests)."""

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult


class ScriptedChat(BaseChatModel):
    """Answers every prompt with the same text, streamed word by word, and remembers what it was asked."""

    reply: str = ""
    prompts: list = []  # noqa: RUF012  (pydantic copies field defaults per instance)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.prompts.append(messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(messages)
        for index, word in enumerate(self.reply.split(" ")):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word if index == 0 else " " + word))


class ExplodingChat(ScriptedChat):
    """Fails the test if the model is asked anything (for questions that must be declined before it)."""

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        raise AssertionError("the model should not have been called")

    _generate = _stream
