"""The app spec → its four documents: SPEC.md, DATA.md, ROUTES.md and ACCEPTANCE.md.

Each document is prose for people followed by one fenced YAML block for machines (the build engine
reads those blocks back with `read_documents`). The prose is written from the same data as the
blocks, so the two never disagree.
"""

import re
from typing import Any

import yaml

from workspaces.specs.text import humanize, join_words

DOCUMENT_NAMES = ("SPEC.md", "DATA.md", "ROUTES.md", "ACCEPTANCE.md")
_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)
_SERVER_FIELDS = (
    ("id", "integer", "assigned by the server"),
    ("created_at", "datetime", "set by the server"),
    ("updated_at", "datetime", "set by the server"),
)


def _yaml(data: dict[str, Any]) -> str:
    # libyaml's dumper and loader (CSafe*) are an order of magnitude faster on specs this size.
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=120)
    return "```yaml\n" + text + "```\n"


def _with_machine_block(lines: list[str], data: dict[str, Any]) -> str:
    return "\n".join(lines).rstrip() + "\n\n## Machine-readable\n\n" + _yaml(data)


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _roles(roles: list[str]) -> str:
    return ", ".join(roles) if roles else "nobody"


def _spec_md(spec: dict[str, Any], version: int) -> str:
    app, auth = spec["app"], spec["auth"]
    lines = [f"# {app['name']} — specification v{version}", "", app["summary"], "", "## Features", ""]
    lines += [f"- {feature}" for feature in app["features"]]
    lines += ["", "## People and access", ""]
    if auth["method"] == "none":
        lines.append("There is no sign-in: every route is public.")
    else:
        lines.append(
            f"People sign in with email and password (see ROUTES.md). Roles: {join_words(auth['roles'])}; "
            f"a newly registered account gets the `{auth['default_role']}` role."
        )
        lines += ["", "| Data | read | create | update | delete |", "|---|---|---|---|---|"]
        lines += [
            f"| {entity['name']} | "
            + " | ".join(_roles(entity["access"][op]) for op in ("read", "create", "update", "delete"))
            + " |"
            for entity in spec["entities"]
        ]
    lines += ["", "## Data", "", "The app keeps these records (fields and relations in DATA.md):", ""]
    lines += [f"- **{entity['name']}** — {entity['description']}" for entity in spec["entities"]]
    sections = [
        (
            "Live updates",
            ["Changes made by one person appear for everyone else without reloading."]
            if spec["realtime"]
            else ["Not needed in this version."],
        ),
        ("Integrations", spec["integrations"] or ["None in this version."]),
        ("Non-functional requirements", spec["non_functional"]),
        ("Assumptions", spec["assumptions"]),
    ]
    if spec["revision_notes"]:
        sections.append(("Revision notes", spec["revision_notes"]))
    for title, items in sections:
        lines += ["", f"## {title}", ""] + [f"- {item}" for item in items]
    lines += ["", "## API conventions", ""]
    conventions = spec["conventions"]
    lines += [
        f"- JSON uses {conventions['json']}; ids are {conventions['ids']}; timestamps are {conventions['timestamps']}.",
        f"- Authentication: `{conventions['auth_header']}`." if auth["method"] != "none" else "- No authentication.",
        "- Lists answer `{items, page, page_size, total}`; errors answer `{error: {code, message, field}}`.",
        "- Statuses: " + "; ".join(f"{code} {meaning}" for code, meaning in conventions["statuses"].items()) + ".",
    ]
    machine = {
        "spec": {
            "version": version,
            **{
                key: spec[key]
                for key in (
                    "app",
                    "auth",
                    "conventions",
                    "realtime",
                    "integrations",
                    "non_functional",
                    "assumptions",
                    "revision_notes",
                )
            },
            "entities": [entity["name"] for entity in spec["entities"]],
        }
    }
    return _with_machine_block(lines, machine)


def _data_md(spec: dict[str, Any]) -> str:
    lines = ["# Data model", "", "Every record also has `id`, `created_at` and `updated_at`, set by the server.", ""]
    for entity in spec["entities"]:
        lines += [
            f"## {entity['name']}",
            "",
            entity["description"],
            "",
            "| Field | Type | Required | Unique | Notes |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {name} | {kind} | yes | {'yes' if name == 'id' else 'no'} | {note} |"
            for name, kind, note in _SERVER_FIELDS[:1]
        ]
        for field in entity["fields"]:
            kind = f"enum ({', '.join(field['values'])})" if field["type"] == "enum" else field["type"]
            notes = [field.get("description", "")] + ([f"default {field['default']}"] if "default" in field else [])
            required, unique = ("yes" if field[flag] else "no" for flag in ("required", "unique"))
            lines.append(
                f"| {field['name']} | {kind} | {required} | {unique} | {_cell('; '.join(n for n in notes if n))} |"
            )
        for relation in entity["relations"]:
            lines.append(
                f"| {relation['name']}_id | → {relation['target']} | {'yes' if relation['required'] else 'no'} | no | "
                f"the {humanize(relation['target'])} it belongs to |"
            )
        lines += [f"| {name} | {kind} | yes | no | {note} |" for name, kind, note in _SERVER_FIELDS[1:]]
        lines.append("")
        if entity["relations"]:
            lines.append(
                "Belongs to: "
                + ", ".join(f"{relation['target']} (`{relation['name']}_id`)" for relation in entity["relations"])
                + "."
            )
        if entity["has_many"]:
            lines.append(
                "Has many: " + ", ".join(f"{child['entity']} (`{child['via']}`)" for child in entity["has_many"]) + "."
            )
        for action in entity["actions"]:
            sets = join_words([f"`{field}` = {value}" for field, value in action["sets"].items()])
            when = join_words(
                [
                    f"`{field}` is {join_words([str(v) for v in values], 'or')}"
                    for field, values in action["requires"].items()
                ]
            )
            lines.append(
                f"Action **{action['name']}**: {action['description']} Sets {sets}"
                + (f", only when {when}." if when else ".")
            )
        lines.append("")
    return _with_machine_block(lines, {"entities": spec["entities"]})


def _request_text(route: dict[str, Any]) -> str:
    if route["query"]:
        return "query: " + ", ".join(item["name"] for item in route["query"])
    if not route["request"]:
        return "—"
    return ", ".join(f"{field['name']}{'*' if field['required'] else ''}" for field in route["request"])


def _routes_md(spec: dict[str, Any]) -> str:
    lines = [
        "# API routes",
        "",
        "`*` marks required request fields. Auth `token` means `Authorization: Bearer <token>`; "
        "Roles lists who may call it.",
        "",
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for route in spec["routes"]:
        groups.setdefault(route["entity"], []).append(route)
    for entity, routes in groups.items():
        lines += [
            f"## {entity}",
            "",
            "| ID | Method | Path | Auth | Roles | Request | Response | Errors |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for route in routes:
            response = f"{route['response']['status']} {route['response']['body'] or ''}".strip()
            auth, who = ("token", _roles(route["roles"])) if route["auth"] else ("public", "anyone")
            lines.append(
                f"| {route['id']} | {route['method']} | `{route['path']}` | {auth} | {who} | "
                f"{_cell(_request_text(route))} | {_cell(response)} | {', '.join(map(str, route['errors']))} |"
            )
        lines.append("")
    return _with_machine_block(lines, {"routes": spec["routes"]})


def _acceptance_md(spec: dict[str, Any]) -> str:
    entity_of = {route["id"]: route["entity"] for route in spec["routes"]}
    lines = [
        "# Acceptance criteria",
        "",
        "Each criterion has a stable id, the routes it exercises, and executable steps (YAML below).",
        "",
    ]
    current = None
    for criterion in spec["acceptance"]:
        entity = entity_of[criterion["routes"][0]]
        if entity != current:
            lines += [f"## {entity}", ""]
            current = entity
        lines += [
            f"### {criterion['id']} — {criterion['title']}",
            "",
            f"Routes: {', '.join(criterion['routes'])}",
            "",
            f"- **Given** {criterion['given']}",
            f"- **When** {criterion['when']}",
            f"- **Then** {criterion['then']}",
            "",
        ]
    return _with_machine_block(lines, {"acceptance": spec["acceptance"]})


def render_documents(spec: dict[str, Any], version: int) -> dict[str, str]:
    return {
        "SPEC.md": _spec_md(spec, version),
        "DATA.md": _data_md(spec),
        "ROUTES.md": _routes_md(spec),
        "ACCEPTANCE.md": _acceptance_md(spec),
    }


def read_documents(documents: dict[str, str]) -> dict[str, Any]:
    """The machine-readable blocks of the four documents, merged: spec, entities, routes, acceptance."""
    merged: dict[str, Any] = {}
    for name in DOCUMENT_NAMES:
        blocks = _BLOCK.findall(documents[name])
        if len(blocks) != 1:
            raise ValueError(f"{name} must hold exactly one YAML block, found {len(blocks)}.")
        merged.update(yaml.load(blocks[0], Loader=yaml.CSafeLoader))
    return merged


def consistency_problems(documents: dict[str, str]) -> list[str]:
    """Where the four documents disagree, read back from their YAML blocks (empty when consistent)."""
    data = read_documents(documents)
    problems = []
    entities = {entity["name"]: entity for entity in data["entities"]}
    if data["spec"]["entities"] != list(entities):
        problems.append("SPEC.md and DATA.md list different entities.")
    routes = {route["id"]: route for route in data["routes"]}
    by_entity: dict[str, set[str]] = {}
    for route in data["routes"]:
        by_entity.setdefault(route["entity"], set()).add(route.get("action") or route["operation"])
        entity = entities.get(route["entity"])
        if entity is None:
            if route["entity"] != "User":
                problems.append(f"ROUTES.md {route['id']}: unknown entity {route['entity']}.")
            continue
        known = {field["name"] for field in entity["fields"]} | {
            f"{relation['name']}_id" for relation in entity["relations"]
        }
        for field in [*route["request"], *route["query"]]:
            if field["name"] not in known:
                problems.append(
                    f"ROUTES.md {route['id']}: {field['name']} is not a field of {entity['name']} in DATA.md."
                )
    for name, entity in entities.items():
        missing = {"list", "create", "retrieve"} - by_entity.get(name, set())
        missing |= {action["name"] for action in entity["actions"]} - by_entity.get(name, set())
        if missing:
            problems.append(f"ROUTES.md has no {', '.join(sorted(missing))} route for {name}.")
        for relation in entity["relations"]:
            if relation["target"] not in entities:
                problems.append(f"DATA.md {name}.{relation['name']} points at unknown {relation['target']}.")
    covered: set[str] = set()
    ids = [criterion["id"] for criterion in data["acceptance"]]
    if len(ids) != len(set(ids)) or not all(re.fullmatch(r"AC-\d{3}", criterion_id) for criterion_id in ids):
        problems.append("ACCEPTANCE.md ids must be unique and look like AC-001.")
    for criterion in data["acceptance"]:
        for route_id in criterion["routes"]:
            if route_id not in routes:
                problems.append(f"ACCEPTANCE.md {criterion['id']}: unknown route {route_id}.")
            covered.add(route_id)
        if not criterion["steps"]:
            problems.append(f"ACCEPTANCE.md {criterion['id']}: no steps.")
    for route_id in sorted(set(routes) - covered):
        problems.append(
            f"ACCEPTANCE.md has no criterion for {route_id} ({routes[route_id]['method']} {routes[route_id]['path']})."
        )
    return problems
