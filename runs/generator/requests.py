"""The AI requests of a build, the same for every provider.

A language model gets the instructions below; the built-in provider runs the handlers registered
for the same purposes (`builtin_decomposition`, `builtin_operations`), which answer from the
built-in generator (there are no repair rounds with it: its code follows from the spec alone).
Either way the answer must satisfy the schema; a decomposition must also pass
`validate_decomposition` (no cycles, no overlapping path scopes).
"""

from typing import Any

from integrations.ai.base import StructuredRequest
from runs.decomposition import DecompositionError, validate_decomposition
from runs.generator import builtin

DECOMPOSE_PURPOSE = "build.decompose"
TASK_PURPOSE = "build.task"
REPAIR_PURPOSE = "build.repair"
MAX_TASKS = 30
MAX_OPERATIONS = 100
MAX_FILE_CHARS = 200_000

TARGET = """\
The application is a JSON API in Python 3.11 using only the standard library (sqlite3 and wsgiref):
`python run.py --port 8000` serves it and `python -m tests --report <path>` runs its tests, one
unittest per acceptance criterion of ACCEPTANCE.md (named `test_ac_<n>` for criterion AC-<n>), and
writes a JSON report {"criteria": {"AC-1": {"status": "passed" | "failed", "output": "..."}}}.
The tests run with no network and no third-party packages."""

DECOMPOSE_INSTRUCTIONS = f"""\
You plan how to build an application from its approved spec (the documents and the structured spec).
{TARGET}
Split the work into tasks that each write their own files: id (task-001, task-002, ...), a kebab-case
slug, a description, instructions precise enough to write the files without seeing the others (name
the modules, functions and interfaces the other tasks rely on), dependencies (ids of tasks whose files
this one builds on), pathScope (exact paths or directories ending in "/**"; no two tasks may share a
path) and expectedOutputs. mergeOrder lists every task after its dependencies."""

TASK_INSTRUCTIONS = f"""\
You write the files of one task of an application build. {TARGET}
The input holds the spec, the whole plan and your task. Answer with file operations: each has a path
(relative, inside your task's pathScope), an action (create, update or delete) and the full content
of the file for create and update. Writing outside the pathScope fails the task."""

REPAIR_INSTRUCTIONS = f"""\
An application build failed verification. {TARGET}
The input holds the spec, the current files and the acceptance criteria that failed with their test
output. Answer with the file operations that make every criterion pass: path (inside
allowedPathScopes), action (create, update or delete) and the full content for create and update."""

_TASK_SCHEMA = {
    "type": "object",
    "required": ["id", "slug", "description", "instructions", "dependencies", "pathScope", "expectedOutputs"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": r"^task-\d{3}$"},
        "slug": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]{0,39}$"},
        "description": {"type": "string", "minLength": 1, "maxLength": 500},
        "instructions": {"type": "string", "minLength": 1, "maxLength": 4000},
        "dependencies": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_TASKS},
        "pathScope": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 200},
            "minItems": 1,
            "maxItems": 20,
        },
        "expectedOutputs": {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 50},
    },
}

DECOMPOSITION_SCHEMA = {
    "type": "object",
    "required": ["tasks", "mergeOrder"],
    "additionalProperties": False,
    "properties": {
        "tasks": {"type": "array", "items": _TASK_SCHEMA, "minItems": 1, "maxItems": MAX_TASKS},
        "mergeOrder": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_TASKS},
    },
}

OPERATIONS_SCHEMA = {
    "type": "object",
    "required": ["operations"],
    "additionalProperties": False,
    "properties": {
        "operations": {
            "type": "array",
            "maxItems": MAX_OPERATIONS,
            "items": {
                "type": "object",
                "required": ["path", "action"],
                "additionalProperties": False,
                "properties": {
                    "path": {"type": "string", "minLength": 1, "maxLength": 300},
                    "action": {"enum": ["create", "update", "delete"]},
                    "content": {"type": "string", "maxLength": MAX_FILE_CHARS},
                },
            },
        }
    },
}


def _operations_problems(answer: dict[str, Any]) -> list[str]:
    return [
        f"operations/{index}: {operation['action']} needs the file's content."
        for index, operation in enumerate(answer["operations"])
        if operation["action"] != "delete" and "content" not in operation
    ]


def _decomposition_problems(answer: dict[str, Any]) -> list[str]:
    try:
        validate_decomposition(answer)
    except DecompositionError as exc:
        return [str(exc)]
    return []


def decompose_request(*, spec: dict[str, Any], documents: dict[str, str]) -> StructuredRequest:
    return StructuredRequest(
        purpose=DECOMPOSE_PURPOSE,
        instructions=DECOMPOSE_INSTRUCTIONS,
        input={"spec": spec, "documents": documents},
        schema=DECOMPOSITION_SCHEMA,
        validate=_decomposition_problems,
    )


def task_request(
    *, spec: dict[str, Any], documents: dict[str, str], plan: dict[str, Any], task: dict[str, Any]
) -> StructuredRequest:
    return StructuredRequest(
        purpose=TASK_PURPOSE,
        instructions=TASK_INSTRUCTIONS,
        input={"spec": spec, "documents": documents, "plan": plan, "task": task},
        schema=OPERATIONS_SCHEMA,
        validate=_operations_problems,
    )


def repair_request(
    *,
    spec: dict[str, Any],
    files: dict[str, str],
    failures: list[dict[str, Any]],
    output: str,
    scopes: list[str],
) -> StructuredRequest:
    return StructuredRequest(
        purpose=REPAIR_PURPOSE,
        instructions=REPAIR_INSTRUCTIONS,
        input={
            "spec": spec,
            "files": files,
            "failedCriteria": failures,
            "testOutput": output,
            "allowedPathScopes": scopes,
        },
        schema=OPERATIONS_SCHEMA,
        validate=_operations_problems,
    )


def builtin_decomposition(input: dict[str, Any]) -> dict[str, Any]:
    return builtin.decompose(input["spec"])


def builtin_operations(input: dict[str, Any]) -> dict[str, Any]:
    files = builtin.task_files(input["spec"], input["task"])
    return {"operations": [{"path": path, "action": "create", "content": content} for path, content in files.items()]}
