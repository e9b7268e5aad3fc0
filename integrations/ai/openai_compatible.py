"""Any OpenAI-compatible chat completions endpoint (OpenAI, xAI, Ollama, vLLM, …) through the openai SDK."""

import json

import httpx2
import openai
from django.conf import settings

from integrations.ai.base import Completion, ProviderError, Repair, StructuredRequest
from integrations.outbound import guarded_http_client

_JSON_ONLY = "Answer with a single JSON object that satisfies the JSON Schema given below, and nothing else."


class OpenAICompatibleProvider:
    def __init__(self, *, name: str, base_url: str, api_key: str, model: str, guarded: bool, timeout: float):
        self.name = name
        self.model = model
        self.timeout = timeout
        # A user-supplied base URL may only reach public addresses (integrations.outbound).
        http_client = guarded_http_client(timeout=timeout) if guarded else httpx2.Client(timeout=timeout)
        self.client = openai.OpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=settings.AI_MAX_RETRIES,
            http_client=http_client,
        )

    def complete(self, request: StructuredRequest, repair: Repair | None = None) -> Completion:
        messages = [
            {"role": "system", "content": f"{request.instructions}\n\n{_JSON_ONLY}\n{json.dumps(request.schema)}"},
            {"role": "user", "content": json.dumps(request.input)},
        ]
        if repair is not None:
            messages += [
                {"role": "assistant", "content": repair.previous},
                {
                    "role": "user",
                    "content": "That answer is not valid:\n- "
                    + "\n- ".join(repair.problems)
                    + "\nAnswer again with the corrected JSON object only.",
                },
            ]
        options = {}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        if request.max_tokens is not None:
            options["max_tokens"] = request.max_tokens
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                **options,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": request.purpose.replace(".", "_"), "schema": request.schema},
                },
            )
        except openai.OpenAIError as exc:
            raise _provider_error(self.name, exc, self.timeout) from exc
        usage = response.usage
        return Completion(
            text=response.choices[0].message.content or "",
            model=response.model or self.model,
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
        )

    def check_key(self) -> None:
        """A cheap authenticated call (listing models); ProviderError when the key or endpoint fails."""
        try:
            self.client.models.list()
        except openai.OpenAIError as exc:
            raise _provider_error(self.name, exc, self.timeout) from exc


def _detail(exc: openai.APIStatusError) -> str:
    """The provider's own message ({"error": {"message": …}}), not the SDK's wrapper text."""
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else body.get("message")
        if message:
            return str(message)
    return exc.message


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None or (exc.__context__ is not None and not exc.__suppress_context__):
        exc = exc.__cause__ or exc.__context__
    return exc


def _provider_error(name: str, exc: openai.OpenAIError, timeout: float) -> ProviderError:
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderError(f"{name} rejected the API key ({exc.status_code}): {_detail(exc)}", rejected_key=True)
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError(f"{name} did not answer within {timeout:g} seconds.")
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError(f"{name} could not be reached: {_root_cause(exc)}")
    if isinstance(exc, openai.APIStatusError):
        return ProviderError(f"{name} answered HTTP {exc.status_code}: {_detail(exc)}")
    return ProviderError(f"{name} failed: {exc}")
