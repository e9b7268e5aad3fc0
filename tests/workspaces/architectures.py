"""Architectures for tests: CloudBlocks' own templates (tests/workspaces/corpus) and small hand-made ones."""

import copy
import json
from pathlib import Path

CORPUS_DIR = Path(__file__).with_name("corpus")
CORPUS = {path.name.removesuffix(".azure.json"): path for path in sorted(CORPUS_DIR.glob("*.json"))}


def corpus(name: str) -> dict:
    return json.loads(CORPUS[name].read_text())


def node(node_id: str, resource_type: str, category: str, parent: str | None, x: int = 0, z: int = 0, **extra) -> dict:
    return {
        "id": node_id,
        "name": node_id.replace("-", " ").title(),
        "kind": "resource",
        "layer": "resource",
        "resourceType": resource_type,
        "category": category,
        "provider": extra.pop("provider", "azure"),
        "parentId": parent,
        "position": {"x": x, "y": 0.5, "z": z},
        "metadata": {},
        **extra,
    }


def connect(source: str, target: str, semantic: str = "data", connection_id: str | None = None) -> dict:
    return {
        "id": connection_id or f"conn-{source}-{target}",
        "from": f"endpoint-{source}-output-{semantic}",
        "to": f"endpoint-{target}-input-{semantic}",
        "metadata": {},
    }


def three_tier() -> dict:
    """A copy of CloudBlocks' three-tier template, free to change."""
    return copy.deepcopy(corpus("template-three-tier"))
