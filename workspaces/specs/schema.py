"""What a provider must answer when asked for clarifying questions or for an app's domain model.

Both answers are checked twice: against the JSON Schema here, then by the `*_problems` functions for
what a schema cannot say (unique names, relations that point at real entities, enum values, roles
that exist). The domain model is the single source of a spec: routes, acceptance criteria and all
four documents are derived from it (`build.py`, `render.py`), so they agree by construction.
"""

from typing import Any

QUESTION_TYPES = ["single_choice", "multi_choice", "boolean", "text"]
CHOICE_TYPES = ("single_choice", "multi_choice")
FIELD_TYPES = ["string", "text", "integer", "decimal", "boolean", "date", "datetime", "email", "enum"]
AUTH_METHODS = ["email_password", "none"]
OPERATIONS = ["read", "create", "update", "delete"]
# Fields every record has; a model may not declare them.
RESERVED_FIELDS = {"id", "created_at", "updated_at"}
# URL paths the generated app uses for accounts.
RESERVED_PLURALS = {"auth", "users"}
# Values an action may set that are computed when it runs.
NOW, TODAY = "$now", "$today"

_IDENT = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
_ENTITY_NAME = {"type": "string", "pattern": "^[A-Z][A-Za-z0-9]{0,39}$"}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 2000}
_ROLES = {"type": "array", "items": _IDENT, "uniqueItems": True}
_SCALAR = {"type": ["string", "number", "boolean"]}

QUESTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["questions"],
    "properties": {
        "questions": {
            "type": "array",
            "minItems": 1,
            "maxItems": 12,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "question", "type"],
                "properties": {
                    "id": _IDENT,
                    "question": {"type": "string", "minLength": 5, "maxLength": 300},
                    "type": {"enum": QUESTION_TYPES},
                    "options": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 12,
                        "uniqueItems": True,
                        "items": {"type": "string", "minLength": 1, "maxLength": 120},
                    },
                },
            },
        }
    },
}

DOMAIN_MODEL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "app",
        "auth",
        "entities",
        "realtime",
        "integrations",
        "non_functional",
        "assumptions",
        "revision_notes",
    ],
    "properties": {
        "app": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "summary", "features"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "summary": _TEXT,
                "features": {"type": "array", "minItems": 1, "maxItems": 40, "items": _TEXT},
            },
        },
        "auth": {
            "type": "object",
            "additionalProperties": False,
            "required": ["method", "roles", "default_role"],
            "properties": {
                "method": {"enum": AUTH_METHODS},
                "roles": {**_ROLES, "minItems": 1, "maxItems": 10},
                "default_role": _IDENT,
            },
        },
        "entities": {
            "type": "array",
            "minItems": 1,
            "maxItems": 25,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "plural", "description", "fields", "relations", "access", "actions"],
                "properties": {
                    "name": _ENTITY_NAME,
                    "plural": _IDENT,
                    "description": _TEXT,
                    "fields": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 40,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "type", "required", "unique"],
                            "properties": {
                                "name": _IDENT,
                                "type": {"enum": FIELD_TYPES},
                                "required": {"type": "boolean"},
                                "unique": {"type": "boolean"},
                                "values": {"type": "array", "minItems": 2, "uniqueItems": True, "items": _IDENT},
                                "default": _SCALAR,
                                "description": {"type": "string", "maxLength": 500},
                            },
                        },
                    },
                    "relations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "target", "required"],
                            "properties": {"name": _IDENT, "target": _ENTITY_NAME, "required": {"type": "boolean"}},
                        },
                    },
                    "access": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": OPERATIONS,
                        "properties": dict.fromkeys(OPERATIONS, _ROLES),
                    },
                    "actions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "description", "sets", "requires", "roles"],
                            "properties": {
                                "name": _IDENT,
                                "description": _TEXT,
                                "sets": {"type": "object", "minProperties": 1, "additionalProperties": _SCALAR},
                                "requires": {
                                    "type": "object",
                                    "additionalProperties": {"type": "array", "minItems": 1, "items": _SCALAR},
                                },
                                "roles": _ROLES,
                            },
                        },
                    },
                },
            },
        },
        "realtime": {"type": "boolean"},
        "integrations": {"type": "array", "items": _TEXT},
        "non_functional": {"type": "array", "items": _TEXT},
        "assumptions": {"type": "array", "items": _TEXT},
        "revision_notes": {"type": "array", "items": _TEXT},
    },
}


def questions_problems(data: dict[str, Any]) -> list[str]:
    problems = []
    seen = set()
    for index, question in enumerate(data["questions"]):
        where = f"questions/{index} ({question['id']})"
        if question["id"] in seen:
            problems.append(f"{where}: the id is used twice.")
        seen.add(question["id"])
        has_options = bool(question.get("options"))
        if question["type"] in CHOICE_TYPES and not has_options:
            problems.append(f"{where}: a {question['type']} question needs options.")
        if question["type"] not in CHOICE_TYPES and has_options:
            problems.append(f"{where}: only choice questions have options.")
    return problems


def _value_problems(where: str, field: dict[str, Any], value: Any) -> list[str]:
    kind = field["type"]
    if value is None:
        return []
    valid = {
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "decimal": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "enum": value in (field.get("values") or []),
        "date": value == TODAY,
        "datetime": value == NOW,
    }.get(kind, isinstance(value, str))
    return [] if valid else [f"{where}: {value!r} is not a valid {kind} for {field['name']}."]


def domain_model_problems(model: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    roles = set(model["auth"]["roles"])
    if model["auth"]["method"] != "none" and "admin" not in roles:
        problems.append("auth: with sign-in, the roles must include admin (the first account, who manages the others).")
    if model["auth"]["default_role"] not in roles:
        problems.append(f"auth: default_role {model['auth']['default_role']!r} is not one of the roles.")
    names = [entity["name"] for entity in model["entities"]]
    plurals = [entity["plural"] for entity in model["entities"]]
    for label, values in (("name", names), ("plural", plurals)):
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            problems.append(f"entities: the {label} {', '.join(duplicates)} is used twice.")
    for entity in model["entities"]:
        where = f"entities/{entity['name']}"
        if entity["plural"] in RESERVED_PLURALS:
            problems.append(f"{where}: the plural {entity['plural']} is reserved for accounts; choose another.")
        fields = {field["name"]: field for field in entity["fields"]}
        if len(fields) != len(entity["fields"]):
            problems.append(f"{where}: two fields have the same name.")
        for name in sorted(RESERVED_FIELDS & fields.keys()):
            problems.append(f"{where}: {name} is reserved (every record has it).")
        for field in entity["fields"]:
            if (field["type"] == "enum") != bool(field.get("values")):
                problems.append(f"{where}/{field['name']}: enum fields, and only they, list values.")
            if "default" in field:
                problems += _value_problems(f"{where}/{field['name']}", field, field["default"])
        relation_names = [relation["name"] for relation in entity["relations"]]
        for relation in entity["relations"]:
            if relation["target"] not in names:
                problems.append(f"{where}: relation {relation['name']} points at unknown entity {relation['target']}.")
            if (
                relation["name"] in fields
                or f"{relation['name']}_id" in fields
                or relation_names.count(relation["name"]) > 1
            ):
                problems.append(f"{where}: relation {relation['name']} clashes with another field or relation.")
        for operation in ("read", "create"):
            if not entity["access"][operation]:
                problems.append(f"{where}: access.{operation} must name at least one role.")
        for operation, allowed in entity["access"].items():
            if set(allowed) - roles:
                problems.append(f"{where}: access.{operation} names unknown roles {sorted(set(allowed) - roles)}.")
        action_names = [action["name"] for action in entity["actions"]]
        for action in entity["actions"]:
            at = f"{where}/actions/{action['name']}"
            if action_names.count(action["name"]) > 1:
                problems.append(f"{at}: the action name is used twice.")
            if not action["roles"]:
                problems.append(f"{at}: at least one role must be allowed to do it.")
            if set(action["roles"]) - roles:
                problems.append(f"{at}: roles names unknown roles {sorted(set(action['roles']) - roles)}.")
            for name, value in {
                **action["sets"],
                **{k: v for k, values in action["requires"].items() for v in values},
            }.items():
                if name not in fields:
                    problems.append(f"{at}: {name} is not a field of {entity['name']}.")
                else:
                    problems += _value_problems(at, fields[name], value)
    problems += _required_relation_cycles(model)
    return problems


def _required_relation_cycles(model: dict[str, Any]) -> list[str]:
    """Required relations must not form a cycle, or no record of the cycle could ever be created."""
    needs = {
        entity["name"]: {relation["target"] for relation in entity["relations"] if relation["required"]}
        for entity in model["entities"]
    }
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in done or name not in needs:
            return []
        if name in visiting:
            return [f"entities: required relations form a cycle: {' → '.join([*path, name])}."]
        visiting.add(name)
        found = [problem for target in sorted(needs[name]) for problem in visit(target, [*path, name])]
        visiting.discard(name)
        done.add(name)
        return found

    return [problem for name in needs for problem in visit(name, [])][:1]
