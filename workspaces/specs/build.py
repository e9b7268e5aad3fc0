"""Domain model → the full app spec: conventions, routes and acceptance criteria.

Everything here is derived, deterministically, from the domain model a provider produced, so the
routes cover exactly the entities and actions of the model and every acceptance criterion tests
routes that exist. Acceptance criteria carry machine-checkable steps for the build engine:

    steps:
      - as: member                 # a role, or "anonymous"
        request: {method: POST, path: /tasks, body: {title: Task title 1}}
        expect: {status: 201, body: {title: Task title 1}}
        save: task_1               # later steps may use "{task_1.id}"

`expect` may also hold `contains` (the list's items include these fields), `error_field` (the
error names this field) and `not_null` (these fields have values).
"""

import copy
from typing import Any

from workspaces.specs.schema import NOW, TODAY
from workspaces.specs.text import humanize, join_words, snake

ANONYMOUS = "anonymous"
UNKNOWN_ID = 999999
CONVENTIONS = {
    "json": "snake_case field names",
    "ids": "integers assigned by the server",
    "timestamps": "ISO-8601 in UTC (created_at, updated_at on every record)",
    "auth_header": "Authorization: Bearer <token from POST /auth/login>",
    "list_response": {
        "items": "the page of records, newest first",
        "page": "from 1",
        "page_size": "default 20, at most 100",
        "total": "all matching records",
    },
    "error_response": {
        "error": {"code": "e.g. validation_error", "message": "what went wrong", "field": "the failing field, when one"}
    },
    "statuses": {
        "400": "invalid input",
        "401": "missing or invalid token",
        "403": "the role may not do this",
        "404": "no such record",
        "409": "the record's state does not allow this, or a unique value is taken",
    },
}


class _Criteria:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, title: str, routes: list[str], given: str, when: str, then: str, steps: list[dict[str, Any]]) -> None:
        self.items.append(
            {
                "id": f"AC-{len(self.items) + 1:03d}",
                "title": title,
                "routes": routes,
                "given": given,
                "when": when,
                "then": then,
                "steps": steps,
            }
        )


def _sample(entity: dict[str, Any], field: dict[str, Any], n: int, variant: int = 0) -> Any:
    kind, name = field["type"], field["name"]
    label = humanize(entity["name"]).capitalize()
    if kind == "enum":
        return field["values"][variant % len(field["values"])]
    return {
        "string": f"{label} {humanize(name)} {n + variant * 100}",
        "text": f"About {humanize(entity['name'])} {n + variant * 100}.",
        "integer": n + variant,
        "decimal": round(10.5 * n + variant, 2),
        "boolean": variant % 2 == 0,
        "date": f"2030-01-{min(28, n + variant):02d}",
        "datetime": f"2030-01-{min(28, n + variant):02d}T09:00:00Z",
        "email": f"{snake(entity['name'])}{n + variant * 100}@example.com",
    }[kind]


class _SpecBuilder:
    def __init__(self, model: dict[str, Any]):
        self.model = model
        self.entities = {entity["name"]: entity for entity in model["entities"]}
        self.auth = model["auth"]["method"] != "none"
        self.roles = model["auth"]["roles"]
        self.default_role = model["auth"]["default_role"]
        self.routes: list[dict[str, Any]] = []
        self.route_ids: dict[tuple[str, str], str] = {}
        self.criteria = _Criteria()
        self.counter = 0

    # -- routes -----------------------------------------------------------------------------------

    def _route(
        self,
        key: tuple[str, str],
        method: str,
        path: str,
        *,
        entity: str,
        operation: str,
        roles: list[str],
        status: int,
        body: str | None,
        errors: list[int],
        auth: bool | None = None,
        request: list[dict[str, Any]] | None = None,
        query: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> None:
        """Record a route. With sign-in, it may answer 401, and 403 when some role is not allowed to call it."""
        auth = self.auth if auth is None else auth
        route_id = f"R-{len(self.routes) + 1:03d}"
        self.route_ids[key] = route_id
        self.routes.append(
            {
                "id": route_id,
                "method": method,
                "path": path,
                "entity": entity,
                "operation": operation,
                **extra,
                "auth": auth,
                "roles": roles,
                "request": request or [],
                "query": query or [],
                "response": {"status": status, "body": body},
                "errors": sorted(
                    {*errors, *([401] if auth else []), *([403] if auth and set(self.roles) - set(roles) else [])}
                ),
            }
        )

    def _request_fields(self, entity: dict[str, Any], *, partial: bool) -> list[dict[str, Any]]:
        fields = [
            {"name": field["name"], "type": field["type"], "required": field["required"] and not partial}
            | ({"values": field["values"]} if field.get("values") else {})
            for field in entity["fields"]
        ]
        fields += [
            {
                "name": f"{relation['name']}_id",
                "type": "integer",
                "required": relation["required"] and not partial,
                "references": relation["target"],
            }
            for relation in entity["relations"]
        ]
        return fields

    def _auth_routes(self) -> None:
        credentials = [
            {"name": "email", "type": "email", "required": True},
            {"name": "password", "type": "string", "required": True},
        ]
        user = {"entity": "User"}
        self._route(
            ("auth", "register"),
            "POST",
            "/auth/register",
            **user,
            operation="register",
            auth=False,
            roles=[],
            request=[*credentials, {"name": "name", "type": "string", "required": False}],
            status=201,
            body="User",
            errors=[400, 409],
        )
        self._route(
            ("auth", "login"),
            "POST",
            "/auth/login",
            **user,
            operation="login",
            auth=False,
            roles=[],
            request=credentials,
            status=200,
            body="{token, user}",
            errors=[400, 401],
        )
        self._route(
            ("auth", "me"),
            "GET",
            "/auth/me",
            **user,
            operation="me",
            roles=self.roles,
            status=200,
            body="User",
            errors=[],
        )
        if len(self.roles) > 1:
            self._route(
                ("users", "list"),
                "GET",
                "/users",
                **user,
                operation="list",
                roles=["admin"],
                status=200,
                body="User[]",
                errors=[],
            )
            self._route(
                ("users", "update"),
                "PATCH",
                "/users/{id}",
                **user,
                operation="update",
                roles=["admin"],
                request=[{"name": "role", "type": "enum", "required": True, "values": self.roles}],
                status=200,
                body="User",
                errors=[400, 404],
            )

    def build_routes(self) -> None:
        if self.auth:
            self._auth_routes()
        for entity in self.model["entities"]:
            name, base, access = entity["name"], f"/{entity['plural']}", entity["access"]
            item = f"{base}/{{id}}"
            filters = [{"name": f"{relation['name']}_id", "type": "integer"} for relation in entity["relations"]]
            filters += [
                {"name": field["name"], "type": "enum", "values": field["values"]}
                for field in entity["fields"]
                if field["type"] == "enum"
            ]
            operations = (
                ("list", "GET", base, access["read"], 200, f"{name}[]", [400], None, filters),
                (
                    "create",
                    "POST",
                    base,
                    access["create"],
                    201,
                    name,
                    [400, 409],
                    self._request_fields(entity, partial=False),
                    None,
                ),
                ("retrieve", "GET", item, access["read"], 200, name, [404], None, None),
                (
                    "update",
                    "PATCH",
                    item,
                    access["update"],
                    200,
                    name,
                    [400, 404, 409],
                    self._request_fields(entity, partial=True),
                    None,
                ),
                ("delete", "DELETE", item, access["delete"], 204, None, [404], None, None),
            )
            for operation, method, path, roles, status, body, errors, request, query in operations:
                # An operation no role may perform has no route.
                if roles:
                    self._route(
                        (name, operation),
                        method,
                        path,
                        entity=name,
                        operation=operation,
                        roles=roles,
                        status=status,
                        body=body,
                        errors=errors,
                        request=request,
                        query=query,
                    )
            for action in entity["actions"]:
                self._route(
                    (name, f"action:{action['name']}"),
                    "POST",
                    f"{item}/{action['name'].replace('_', '-')}",
                    entity=name,
                    operation="action",
                    action=action["name"],
                    roles=action["roles"],
                    status=200,
                    body=name,
                    errors=[404, 409],
                )

    # -- acceptance criteria ----------------------------------------------------------------------

    def _actor(self, allowed: list[str]) -> str:
        if not self.auth:
            return ANONYMOUS
        return self.default_role if self.default_role in allowed else (allowed[0] if allowed else "admin")

    def _body(self, entity: dict[str, Any], n: int, saved: dict[str, str]) -> dict[str, Any]:
        """Sample values for every field, except optional ones an action sets (returned_on stays empty)."""
        set_by_actions = {name for action in entity["actions"] for name in action["sets"]}
        body = {
            field["name"]: _sample(entity, field, n)
            for field in entity["fields"]
            if field["required"] or field["name"] not in set_by_actions
        }
        for relation in entity["relations"]:
            if relation["name"] in saved:
                body[f"{relation['name']}_id"] = f"{{{saved[relation['name']]}.id}}"
        return body

    def _create(
        self,
        entity: dict[str, Any],
        steps: list[dict[str, Any]],
        depth: int = 0,
        overrides: dict[str, Any] | None = None,
    ) -> str:
        """Append steps that create `entity` (and first what it requires); returns the name it is saved as."""
        saved: dict[str, str] = {}
        for relation in entity["relations"]:
            if relation["required"] and depth < len(self.entities):
                saved[relation["name"]] = self._create(self.entities[relation["target"]], steps, depth + 1)
        self.counter += 1
        alias = f"{snake(entity['name'])}_{self.counter}"
        body = {**self._body(entity, self.counter, saved), **(overrides or {})}
        steps.append(
            {
                "as": self._actor(entity["access"]["create"]),
                "request": {"method": "POST", "path": f"/{entity['plural']}", "body": body},
                "expect": {"status": 201, "body": {k: v for k, v in body.items() if not str(v).startswith("{")}},
                "save": alias,
            }
        )
        return alias

    def _with_existing(
        self, entity: dict[str, Any], overrides: dict[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], str]:
        steps: list[dict[str, Any]] = []
        alias = self._create(entity, steps, overrides=overrides)
        return steps, alias

    def build_auth_criteria(self) -> None:
        if not self.auth:
            return
        register, login, me = (self.route_ids[("auth", op)] for op in ("register", "login", "me"))
        email, password = "ada@example.com", "correct horse battery"
        account = {"email": email, "password": password, "name": "Ada"}
        sign_up = {"as": ANONYMOUS, "request": {"method": "POST", "path": "/auth/register", "body": account}}
        add = self.criteria.add
        add(
            "Register an account",
            [register],
            "no account exists for an email",
            "someone registers with it and a password",
            "the account is created (201) and its password is never returned",
            [{**sign_up, "expect": {"status": 201, "body": {"email": email}}}],
        )
        add(
            "An email can register only once",
            [register],
            "an account exists",
            "someone registers the same email again",
            "the request is refused with 409",
            [{**sign_up, "expect": {"status": 201}}, {**sign_up, "expect": {"status": 409}}],
        )
        add(
            "Sign in",
            [register, login],
            "an account exists",
            "its owner signs in with the right password",
            "a token is returned (200)",
            [
                {**sign_up, "expect": {"status": 201}},
                {
                    "as": ANONYMOUS,
                    "request": {
                        "method": "POST",
                        "path": "/auth/login",
                        "body": {"email": email, "password": password},
                    },
                    "expect": {"status": 200, "not_null": ["token"]},
                },
            ],
        )
        add(
            "A wrong password is refused",
            [register, login],
            "an account exists",
            "someone signs in with a wrong password",
            "the request is refused with 401",
            [
                {**sign_up, "expect": {"status": 201}},
                {
                    "as": ANONYMOUS,
                    "request": {
                        "method": "POST",
                        "path": "/auth/login",
                        "body": {"email": email, "password": "wrong password"},
                    },
                    "expect": {"status": 401},
                },
            ],
        )
        add(
            "See who is signed in",
            [me],
            f"a signed-in {self.default_role}",
            "they ask who they are",
            "their account is returned",
            [
                {
                    "as": self.default_role,
                    "request": {"method": "GET", "path": "/auth/me"},
                    "expect": {"status": 200, "body": {"role": self.default_role}},
                }
            ],
        )
        if len(self.roles) > 1:
            users = self.route_ids[("users", "list")]
            update = self.route_ids[("users", "update")]
            others = [role for role in self.roles if role != "admin"]
            add(
                "Only admins list accounts",
                [users],
                f"a signed-in {others[0]}",
                "they list the accounts",
                "the request is refused with 403",
                [{"as": others[0], "request": {"method": "GET", "path": "/users"}, "expect": {"status": 403}}],
            )
            add(
                "Admins change roles",
                [register, update],
                "an admin and a newly registered account",
                f"the admin gives the account the {self.roles[-1]} role",
                "the account has the new role (200)",
                [
                    {
                        "as": "admin",
                        "request": {"method": "GET", "path": "/auth/me"},
                        "expect": {"status": 200, "body": {"role": "admin"}},
                    },
                    {**sign_up, "expect": {"status": 201}, "save": "account"},
                    {
                        "as": "admin",
                        "request": {"method": "PATCH", "path": "/users/{account.id}", "body": {"role": self.roles[-1]}},
                        "expect": {"status": 200, "body": {"role": self.roles[-1]}},
                    },
                ],
            )

    def build_entity_criteria(self, entity: dict[str, Any]) -> None:
        name, label, base = entity["name"], humanize(entity["name"]), f"/{entity['plural']}"
        routes = {op: self.route_ids.get((name, op)) for op in ("list", "create", "retrieve", "update", "delete")}
        access = entity["access"]
        add = self.criteria.add
        creator = self._actor(access["create"])

        steps, alias = self._with_existing(entity)
        add(
            f"Create a {label}",
            [routes["create"]],
            f"a signed-in {creator}" if self.auth else "any client",
            f"they create a {label} with valid values",
            f"the {label} is stored and returned with an id (201)",
            steps,
        )

        required = next((field for field in entity["fields"] if field["required"]), None)
        enum = next((field for field in entity["fields"] if field["type"] == "enum"), None)
        link = next((relation for relation in entity["relations"] if relation["required"]), None)
        refusals = []
        if required:
            refusals.append(
                (
                    required["name"],
                    None,
                    f"A {label} needs its {humanize(required['name'])}",
                    f"a valid {label} without {humanize(required['name'])}",
                )
            )
        if enum:
            refusals.append(
                (
                    enum["name"],
                    "not_a_value",
                    f"A {label}'s {humanize(enum['name'])} must be one of its values",
                    f"a {label} whose {humanize(enum['name'])} is not one of {join_words(enum['values'], 'or')}",
                )
            )
        if link:
            refusals.append(
                (
                    f"{link['name']}_id",
                    UNKNOWN_ID,
                    f"A {label} must point at an existing {humanize(link['target'])}",
                    f"a {label} whose {link['name']}_id matches no {humanize(link['target'])}",
                )
            )
        for field, value, title, given in refusals:
            steps, _ = self._with_existing(entity)
            invalid = copy.deepcopy(steps[-1])
            invalid.pop("save")
            body = invalid["request"]["body"]
            if value is None:
                body.pop(field)
            else:
                body[field] = value
            invalid["expect"] = {"status": 400, "error_field": field}
            add(
                title,
                [routes["create"]],
                given,
                "it is submitted",
                f"it is refused with 400 naming {field}",
                [*steps[:-1], invalid],
            )

        reader = self._actor(access["read"])
        steps, alias = self._with_existing(entity)
        add(
            f"List {humanize(entity['plural'])}",
            [routes["list"]],
            f"a stored {label}",
            f"a {reader} lists {humanize(entity['plural'])}",
            f"the list (200) includes the {label}",
            [
                *steps,
                {
                    "as": reader,
                    "request": {"method": "GET", "path": base},
                    "expect": {"status": 200, "contains": {"id": f"{{{alias}.id}}"}},
                },
            ],
        )
        steps, alias = self._with_existing(entity)
        add(
            f"View a {label}",
            [routes["retrieve"]],
            f"a stored {label}",
            f"a {reader} asks for it by id",
            f"the {label} is returned (200)",
            [
                *steps,
                {
                    "as": reader,
                    "request": {"method": "GET", "path": f"{base}/{{{alias}.id}}"},
                    "expect": {"status": 200, "body": {"id": f"{{{alias}.id}}"}},
                },
            ],
        )
        add(
            f"An unknown {label} is not found",
            [routes["retrieve"]],
            f"no {label} with id {UNKNOWN_ID}",
            f"a {reader} asks for it",
            "the answer is 404",
            [{"as": reader, "request": {"method": "GET", "path": f"{base}/{UNKNOWN_ID}"}, "expect": {"status": 404}}],
        )

        # Prefer a field that is not unique; a unique one changes to another unique value.
        editable = next((field for field in entity["fields"] if not field["unique"]), entity["fields"][0])
        if access["update"]:
            editor = self._actor(access["update"])
            steps, alias = self._with_existing(entity)
            value = _sample(entity, editable, self.counter, variant=1)
            add(
                f"Update a {label}",
                [routes["update"]],
                f"a stored {label}",
                f"a {editor} changes its {humanize(editable['name'])}",
                "the change is saved and returned (200)",
                [
                    *steps,
                    {
                        "as": editor,
                        "request": {
                            "method": "PATCH",
                            "path": f"{base}/{{{alias}.id}}",
                            "body": {editable["name"]: value},
                        },
                        "expect": {"status": 200, "body": {editable["name"]: value}},
                    },
                ],
            )

        if access["delete"]:
            deleter = self._actor(access["delete"])
            steps, alias = self._with_existing(entity)
            add(
                f"Delete a {label}",
                [routes["delete"], routes["retrieve"]],
                f"a stored {label}",
                f"a {deleter} deletes it",
                f"the answer is 204 and the {label} is gone (404)",
                [
                    *steps,
                    {
                        "as": deleter,
                        "request": {"method": "DELETE", "path": f"{base}/{{{alias}.id}}"},
                        "expect": {"status": 204},
                    },
                    {
                        "as": deleter,
                        "request": {"method": "GET", "path": f"{base}/{{{alias}.id}}"},
                        "expect": {"status": 404},
                    },
                ],
            )

        if self.auth:
            add(
                f"{humanize(entity['plural']).capitalize()} need sign-in",
                [routes["list"]],
                "a client without a token",
                f"it lists {humanize(entity['plural'])}",
                "the answer is 401",
                [{"as": ANONYMOUS, "request": {"method": "GET", "path": base}, "expect": {"status": 401}}],
            )
            for operation, route in (("create", routes["create"]), ("delete", routes["delete"])):
                refused = next((role for role in self.roles if role not in access[operation]), None)
                if refused is None or not access[operation]:
                    continue
                steps, alias = self._with_existing(entity)
                request = (
                    {"method": "POST", "path": base, "body": steps[-1]["request"]["body"]}
                    if operation == "create"
                    else {"method": "DELETE", "path": f"{base}/{{{alias}.id}}"}
                )
                add(
                    f"A {refused} cannot {operation} a {label}",
                    [route],
                    f"a signed-in {refused}",
                    f"they try to {operation} a {label}",
                    "the request is refused with 403",
                    [*steps, {"as": refused, "request": request, "expect": {"status": 403}}],
                )

        for action in entity["actions"]:
            route = self.route_ids[(name, f"action:{action['name']}")]
            actor = self._actor(action["roles"])
            slug = action["name"].replace("_", "-")
            expected_body = {field: value for field, value in action["sets"].items() if value not in (NOW, TODAY)}
            computed = [field for field, value in action["sets"].items() if value in (NOW, TODAY)]
            expect = {"status": 200, "body": expected_body} | ({"not_null": computed} if computed else {})
            ready = {field: allowed[0] for field, allowed in action["requires"].items()}
            steps, alias = self._with_existing(entity, ready)
            call = {"as": actor, "request": {"method": "POST", "path": f"{base}/{{{alias}.id}}/{slug}"}}
            add(
                f"{humanize(action['name']).capitalize()} a {label}",
                [route],
                f"a stored {label}",
                f"a {actor} asks to {humanize(action['name'])} it",
                f"{action['description']} The {label} is returned (200) with "
                f"{join_words([f'{field} set' for field in action['sets']])}.",
                [*steps, {**call, "expect": expect}],
            )
            blocked = [
                field for field, allowed in action["requires"].items() if action["sets"].get(field) not in allowed
            ]
            if blocked:
                steps, alias = self._with_existing(entity, ready)
                call = {"as": actor, "request": {"method": "POST", "path": f"{base}/{{{alias}.id}}/{slug}"}}
                allowed = join_words([str(value) for value in action["requires"][blocked[0]]], "or")
                add(
                    f"{humanize(action['name']).capitalize()} applies only once",
                    [route],
                    f"a {label} that was already {humanize(action['name'])}ed",
                    f"a {actor} asks again",
                    f"the request is refused with 409 ({blocked[0]} is no longer {allowed})",
                    [*steps, {**call, "expect": {"status": 200}}, {**call, "expect": {"status": 409}}],
                )


def build_app_spec(model: dict[str, Any]) -> dict[str, Any]:
    builder = _SpecBuilder(model)
    builder.build_routes()
    builder.build_auth_criteria()
    for entity in model["entities"]:
        builder.build_entity_criteria(entity)
    children: dict[str, list[dict[str, str]]] = {}
    for entity in model["entities"]:
        for relation in entity["relations"]:
            children.setdefault(relation["target"], []).append(
                {"entity": entity["name"], "via": f"{relation['name']}_id"}
            )
    entities = [{**entity, "has_many": children.get(entity["name"], [])} for entity in model["entities"]]
    return {
        "app": model["app"],
        "auth": model["auth"],
        "conventions": CONVENTIONS,
        "entities": entities,
        "routes": builder.routes,
        "acceptance": builder.criteria.items,
        "realtime": model["realtime"],
        "integrations": model["integrations"],
        "non_functional": model["non_functional"],
        "assumptions": model["assumptions"],
        "revision_notes": model["revision_notes"],
    }
