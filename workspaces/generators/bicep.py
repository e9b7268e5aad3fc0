"""A small Bicep writer: parameters, variables, resources and outputs, written in the order given.

Objects and arrays are written one entry per line (valid in every Bicep version); strings are single-quoted
with Bicep's escapes, and `interpolate` builds `'…${expression}…'` templates.
"""

import re
from dataclasses import dataclass, field
from typing import Any

INDENT = "  "
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Words Bicep reserves or treats specially where a symbolic name stands.
KEYWORDS = {"metadata", "param", "var", "resource", "output", "module", "import", "using", "type", "func",
            "targetScope", "existing", "if", "for", "in", "true", "false", "null", "as", "with"}  # fmt: skip


@dataclass(frozen=True)
class Expr:
    """A Bicep expression written as is: a reference, a function call."""

    text: str


def symbol(name: str) -> str:
    """A symbolic name for a generated identifier (they are already `[a-z0-9_]`), clear of keywords."""
    return f"{name}_" if name in KEYWORDS else name


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("${", "\\${")
    return f"'{escaped}'"


def interpolate(*parts: "str | Expr") -> Expr:
    body = "".join(f"${{{part.text}}}" if isinstance(part, Expr) else quote(part)[1:-1] for part in parts)
    return Expr(f"'{body}'")


def _key(key: "str | Expr") -> str:
    if isinstance(key, Expr):
        return key.text
    return key if IDENTIFIER.match(key) else quote(key)


def value(item: Any, depth: int = 0) -> str:
    if isinstance(item, Expr):
        return item.text
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return str(item)
    if isinstance(item, str):
        return quote(item)
    if item is None:
        return "null"
    if isinstance(item, list | tuple):
        if not item:
            return "[]"
        lines = "".join(f"{INDENT * (depth + 1)}{value(entry, depth + 1)}\n" for entry in item)
        return f"[\n{lines}{INDENT * depth}]"
    if isinstance(item, dict):
        entries = {key: entry for key, entry in item.items() if entry is not None}
        if not entries:
            return "{}"
        lines = "".join(
            f"{INDENT * (depth + 1)}{_key(key)}: {value(entry, depth + 1)}\n" for key, entry in entries.items()
        )
        return f"{{\n{lines}{INDENT * depth}}}"
    raise TypeError(f"No Bicep form for {item!r}")


@dataclass
class Param:
    name: str
    type: str
    description: str
    default: Any = None
    secure: bool = False
    allowed: tuple[str, ...] = ()

    def render(self) -> str:
        lines = [f"@description({quote(self.description)})"]
        if self.secure:
            lines.append("@secure()")
        if self.allowed:
            lines.append(f"@allowed({value(list(self.allowed))})")
        default = f" = {value(self.default)}" if self.default is not None else ""
        lines.append(f"param {self.name} {self.type}{default}")
        return "\n".join(lines) + "\n"


@dataclass
class Resource:
    name: str
    type: str
    body: dict[str, Any] = field(default_factory=dict)
    count: int = 1  # more than 1: a loop over `i`

    def render(self) -> str:
        if self.count > 1:
            return f"resource {self.name} '{self.type}' = [for i in range(0, {self.count}): {value(self.body)}]\n"
        return f"resource {self.name} '{self.type}' = {value(self.body)}\n"


@dataclass
class Output:
    name: str
    type: str
    expression: Expr

    def render(self) -> str:
        return f"output {self.name} {self.type} = {self.expression.text}\n"


def render(*sections: list[Any]) -> str:
    return "\n".join(item.render() for section in sections for item in section)
