"""The provider interface every AI feature uses.

A feature describes what it needs as a `StructuredRequest`: a purpose (which also names the built-in
handler), instructions for a language model, the input, the JSON Schema the answer must satisfy and,
optionally, a function returning the semantic problems of an answer that satisfies the schema.
`integrations.ai.services.ai_structured` runs it on the chosen provider, validates, asks for one
repair, and records the call.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rest_framework import status

from core.api.exceptions import ApplicationError


@dataclass(frozen=True)
class StructuredRequest:
    purpose: str
    instructions: str
    input: dict[str, Any]
    schema: dict[str, Any]
    validate: Callable[[dict[str, Any]], list[str]] | None = field(default=None, compare=False)
    # Sampling options for language models (flow LLM nodes set them); None leaves the model's default.
    temperature: float | None = None
    max_tokens: int | None = None


@dataclass(frozen=True)
class Completion:
    """What a provider answered: JSON text (language models) or data (the built-in provider)."""

    text: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass(frozen=True)
class Repair:
    """The previous answer and what was wrong with it, for the one repair attempt."""

    previous: str
    problems: list[str]


@dataclass(frozen=True)
class StructuredResult:
    data: dict[str, Any]
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    calls: int

    @property
    def usage(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "calls": self.calls,
        }


class ProviderError(Exception):
    """The provider failed to answer (HTTP error, timeout, unreachable)."""

    def __init__(self, message: str, *, rejected_key: bool = False):
        super().__init__(message)
        self.rejected_key = rejected_key


class GenerationFailed(ApplicationError):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    code = "GENERATION_FAILED"
