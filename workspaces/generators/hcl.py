"""A small HCL writer whose output is already in `terraform fmt` style.

Bodies are lists of attributes and nested blocks, written in the order given (so output is
deterministic). Runs of single-line attributes get their `=` aligned, as `terraform fmt` does;
a multi-line value or a nested block ends the run.
"""

import json
from dataclasses import dataclass, field
from typing import Any

INDENT = "  "


@dataclass(frozen=True)
class Raw:
    """An HCL expression written as is: a reference, a function call, a heredoc-free expression."""

    expression: str


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list[Any] = field(default_factory=list)  # (key, value) pairs and Blocks

    def attr(self, key: str, value: Any) -> "Block":
        self.body.append((key, value))
        return self

    def block(self, child: "Block") -> "Block":
        self.body.append(child)
        return self


def block(type_: str, *labels: str, **attributes: Any) -> Block:
    """A block whose attributes come from keyword arguments (in order); None values are left out."""
    return Block(type_, labels, [(key, value) for key, value in attributes.items() if value is not None])


def string(value: str) -> str:
    # JSON escaping is HCL's for quotes, backslashes and control characters; interpolation markers are escaped.
    return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


def interpolate(*parts: "str | Raw") -> Raw:
    """A string template: literal parts escaped, Raw parts interpolated as ${...}."""
    body = "".join(f"${{{part.expression}}}" if isinstance(part, Raw) else string(part)[1:-1] for part in parts)
    return Raw(f'"{body}"')


def _value(value: Any, depth: int) -> str:
    if isinstance(value, Raw):
        return value.expression
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item, depth) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = _attributes([(object_key(key), item) for key, item in value.items()], depth + 1)
        return "{\n" + inner + INDENT * depth + "}"
    raise TypeError(f"No HCL form for {value!r}")


def object_key(key: str) -> str:
    return key if key.replace("_", "a").replace("-", "a").isalnum() and not key[0].isdigit() else string(key)


def _attributes(pairs: list[tuple[str, Any]], depth: int) -> str:
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(key) for key, _ in run), default=0)
        lines.extend(f"{INDENT * depth}{key.ljust(width)} = {text}\n" for key, text in run)
        run.clear()

    for key, value in pairs:
        text = _value(value, depth)
        if "\n" in text:
            flush()
            lines.append(f"{INDENT * depth}{key} = {text}\n")
        else:
            run.append((key, text))
    flush()
    return "".join(lines)


def _body(items: list[Any], depth: int) -> str:
    parts: list[str] = []
    pairs: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, Block):
            if pairs:
                parts.append(_attributes(pairs, depth))
                pairs = []
            parts.append(render_block(item, depth))
        else:
            pairs.append(item)
    if pairs:
        parts.append(_attributes(pairs, depth))
    return "\n".join(parts)


def render_block(item: Block, depth: int = 0) -> str:
    header = " ".join([item.type, *(string(label) for label in item.labels)])
    if not item.body:
        return f"{INDENT * depth}{header} {{\n{INDENT * depth}}}\n"
    return f"{INDENT * depth}{header} {{\n{_body(item.body, depth + 1)}{INDENT * depth}}}\n"


def render(blocks: list[Block]) -> str:
    return "\n".join(render_block(item) for item in blocks)
