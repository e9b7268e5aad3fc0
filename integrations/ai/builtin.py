"""The built-in provider: deterministic, offline, the default.

It is not a language model: each feature registers a Python handler for its purpose (in its app's
`ready()`), which turns the request's input into an answer that satisfies the same schema a model's
answer must.
"""

import json
from collections.abc import Callable
from typing import Any

from integrations.ai.base import Completion, Repair, StructuredRequest

BUILTIN = "builtin"

_handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def register_builtin(purpose: str, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    _handlers[purpose] = handler


class BuiltinProvider:
    name = BUILTIN

    def complete(self, request: StructuredRequest, repair: Repair | None = None) -> Completion:
        return Completion(text=json.dumps(_handlers[request.purpose](request.input)), model=BUILTIN)
