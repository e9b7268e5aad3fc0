"""The three small languages a flow definition may use; none of them can run Python.

* Templates (`{{ input.name }}`): Jinja2's sandboxed environment, so a template can read the
  payload and use filters but not reach attributes that lead out of the data (`__class__`, …).
  A template that is exactly one `{{ expression }}` yields the value itself (a number stays a
  number, an object stays an object); anything else renders to text.
* Conditions (`input.status == 'escalate' and len(input.items) > 2`): simpleeval, which parses
  the expression and evaluates only literals, names, comparisons, boolean and arithmetic operators,
  subscripts and a few whitelisted functions — never `eval`.
* Transforms: JMESPath queries over the payload.
"""

import json
import re
from functools import lru_cache
from typing import Any

import jmespath
import simpleeval
from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment


class ExpressionError(ValueError):
    """An expression or template that does not parse, or fails on the data it got."""


_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<body>(?:(?!\}\}).)*)\}\}\s*$", re.DOTALL)


def _tojson(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _environment(undefined: type[Undefined]) -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(undefined=undefined, autoescape=False)
    environment.filters["tojson"] = _tojson
    return environment


_lenient = _environment(Undefined)
_strict = _environment(StrictUndefined)


@lru_cache(maxsize=512)
def _compiled(source: str):
    match = _SINGLE_EXPRESSION.match(source)
    if match:
        return "expression", _strict.compile_expression(match.group("body"), undefined_to_none=False)
    return "template", _lenient.from_string(source)


def check_template(source: str) -> None:
    try:
        _compiled(source)
    except TemplateError as exc:
        raise ExpressionError(f"template does not parse: {exc}") from exc


def render(value: Any, context: dict[str, Any]) -> Any:
    """Render every string inside `value` (str, list, dict) as a template against `context`."""
    if isinstance(value, str):
        if "{{" not in value and "{%" not in value:
            return value
        try:
            kind, compiled = _compiled(value)
            if kind == "expression":
                result = compiled(**context)
                return None if isinstance(result, Undefined) else result
            return compiled.render(**context)
        except TemplateError as exc:
            raise ExpressionError(f"template {value!r} failed: {exc}") from exc
    if isinstance(value, list):
        return [render(item, context) for item in value]
    if isinstance(value, dict):
        return {key: render(item, context) for key, item in value.items()}
    return value


_FUNCTIONS = {
    "len": len,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "sum": sum,
}


@lru_cache(maxsize=512)
def _parsed_expression(expression: str):
    try:
        return simpleeval.SimpleEval().parse(expression)
    except SyntaxError as exc:
        raise ExpressionError(f"expression {expression!r} does not parse: {exc.msg}") from exc


def check_expression(expression: str) -> None:
    _parsed_expression(expression)


def evaluate(expression: str, names: dict[str, Any]) -> Any:
    """Conditions and the calculate tool. simpleeval keeps its own guards (huge powers, long strings)."""
    evaluator = simpleeval.EvalWithCompoundTypes(names=names, functions=_FUNCTIONS)
    parsed = _parsed_expression(expression)
    try:
        return evaluator.eval(expression, previously_parsed=parsed)
    except Exception as exc:  # any failure of the user's expression (type, name, zero division) is reported
        raise ExpressionError(f"expression {expression!r} failed: {exc}") from exc


@lru_cache(maxsize=512)
def _jmespath(query: str):
    try:
        return jmespath.compile(query)
    except jmespath.exceptions.JMESPathError as exc:
        raise ExpressionError(f"JMESPath {query!r} does not parse: {exc}") from exc


def check_jmespath(query: str) -> None:
    _jmespath(query)


def search(query: str, data: Any) -> Any:
    try:
        return _jmespath(query).search(data)
    except jmespath.exceptions.JMESPathError as exc:
        raise ExpressionError(f"JMESPath {query!r} failed: {exc}") from exc
