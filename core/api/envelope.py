"""The response envelope of DESIGN.md §4.

Views return plain data; the renderer wraps it as `{"success": true, "data": …}`. Bodies that are
already complete envelopes (paginated lists, errors) are built as `Envelope` so the renderer
leaves them alone.
"""

from typing import Any


class Envelope(dict):
    """A response body that is already a complete envelope."""


def error_envelope(code: str, message: str, details: dict[str, Any] | None = None) -> Envelope:
    return Envelope(success=False, error={"code": code, "message": message, "details": details or {}})
