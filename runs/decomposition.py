"""Task graphs: path scopes and the checks every decomposition must pass.

A task's `pathScope` lists the files it may write: exact paths ("app/main.py") or whole directories
("app/core/**"). Two tasks may not share a path, so their branches merge without conflicts; the
dependencies must form a DAG; `mergeOrder` lists every task after its dependencies.
"""

from collections.abc import Iterable
from typing import Any

TASK_FIELDS = ("id", "slug", "description", "instructions", "dependencies", "pathScope", "expectedOutputs")


class DecompositionError(ValueError):
    pass


def in_scope(path: str, scope: Iterable[str]) -> bool:
    return any(path == pattern or (pattern.endswith("/**") and path.startswith(pattern[:-2])) for pattern in scope)


def _patterns_overlap(a: str, b: str) -> bool:
    def covers(pattern: str, other: str) -> bool:
        # A directory pattern covers any path or directory pattern below it.
        return pattern.endswith("/**") and (other.startswith(pattern[:-2]) or other == pattern[:-3])

    return a == b or covers(a, b) or covers(b, a)


def validate_decomposition(plan: dict[str, Any]) -> list[str]:
    """The decomposition's tasks in a valid merge order; DecompositionError naming the first problem."""
    tasks = plan.get("tasks") or []
    if not tasks:
        raise DecompositionError("The decomposition has no tasks.")
    by_id: dict[str, dict[str, Any]] = {}
    for task in tasks:
        missing = [field for field in TASK_FIELDS if field not in task]
        if missing:
            raise DecompositionError(f"Task {task.get('id', '?')} lacks {', '.join(missing)}.")
        if task["id"] in by_id:
            raise DecompositionError(f"Two tasks have the id {task['id']}.")
        if not task["pathScope"]:
            raise DecompositionError(f"Task {task['id']} has an empty path scope.")
        for pattern in task["pathScope"]:
            if pattern.startswith("/") or ".." in pattern.split("/") or pattern in ("**", ""):
                raise DecompositionError(f"Task {task['id']} has an unsafe path scope {pattern!r}.")
        by_id[task["id"]] = task
    for task in tasks:
        unknown = [dependency for dependency in task["dependencies"] if dependency not in by_id]
        if unknown:
            raise DecompositionError(f"Task {task['id']} depends on unknown {', '.join(unknown)}.")
    for index, first in enumerate(tasks):
        for second in tasks[index + 1 :]:
            for a in first["pathScope"]:
                for b in second["pathScope"]:
                    if _patterns_overlap(a, b):
                        raise DecompositionError(
                            f"Tasks {first['id']} and {second['id']} both claim {a if a == b else f'{a} and {b}'}."
                        )
    _check_acyclic(by_id)
    order = plan.get("mergeOrder") or []
    if sorted(order) != sorted(by_id):
        raise DecompositionError("mergeOrder must list every task exactly once.")
    position = {task_id: index for index, task_id in enumerate(order)}
    for task in tasks:
        for dependency in task["dependencies"]:
            if position[dependency] > position[task["id"]]:
                raise DecompositionError(f"mergeOrder puts {task['id']} before its dependency {dependency}.")
    return order


def _check_acyclic(by_id: dict[str, dict[str, Any]]) -> None:
    state: dict[str, str] = {}

    def visit(task_id: str, path: list[str]) -> None:
        if state.get(task_id) == "done":
            return
        if state.get(task_id) == "visiting":
            raise DecompositionError(f"The dependencies have a cycle: {' → '.join([*path, task_id])}.")
        state[task_id] = "visiting"
        for dependency in by_id[task_id]["dependencies"]:
            visit(dependency, [*path, task_id])
        state[task_id] = "done"

    for task_id in by_id:
        visit(task_id, [])
