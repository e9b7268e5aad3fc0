"""The built-in generator: an approved app spec → a small, real, standard-library Python JSON API.

The app (sqlite3 + wsgiref) has the entities of DATA.md, the routes of ROUTES.md, the sign-in and
roles of SPEC.md, a README, and one unittest per acceptance criterion of ACCEPTANCE.md. The work is
decomposed into tasks that each write their own part (paths that never overlap):

    core       the shared runtime (HTTP, SQLite, resources) and run.py
    data       app/schema.py: one table per entity
    auth       app/auth/: accounts, sign-in, roles (when the spec has sign-in)
    <plural>   app/resources/<plural>.py: one entity's routes and actions
    app        app/main.py: the application, wired from the modules above
    tests      tests/: the acceptance tests and their harness
    docs       README.md
"""

import json
from pathlib import Path
from typing import Any

from workspaces.specs.text import humanize

RUNTIME = Path(__file__).parent / "runtime"
SQL_TYPES = {"integer": "INTEGER", "decimal": "REAL", "boolean": "INTEGER"}


def _runtime(*paths: str) -> dict[str, str]:
    return {path: (RUNTIME / path).read_text() for path in paths}


def _task(
    number: int,
    slug: str,
    description: str,
    instructions: str,
    dependencies: list[str],
    scope: list[str],
    outputs: list[str],
):
    return {
        "id": f"task-{number:03d}",
        "slug": slug,
        "description": description,
        "instructions": instructions,
        "dependencies": dependencies,
        "pathScope": scope,
        "expectedOutputs": outputs,
    }


def decompose(spec: dict[str, Any]) -> dict[str, Any]:
    auth = spec["auth"]["method"] != "none"
    tasks = [
        _task(
            1,
            "core",
            "Runtime: HTTP routing, SQLite access, generic resources, run.py.",
            "Write the standard-library runtime every module builds on.",
            [],
            ["app/__init__.py", "app/core/**", "run.py"],
            ["app/core/http.py", "app/core/db.py", "app/core/resource.py", "run.py"],
        ),
        _task(
            2,
            "data",
            "Database schema: one table per entity of DATA.md.",
            "Write app/schema.py with a CREATE TABLE per entity: typed columns, required, unique, enums, foreign keys.",
            ["task-001"],
            ["app/schema.py"],
            ["app/schema.py"],
        ),
    ]
    if auth:
        tasks.append(
            _task(
                3,
                "auth",
                "Accounts, sign-in and roles.",
                f"Email and password accounts; roles {', '.join(spec['auth']['roles'])}; the first account is admin.",
                ["task-001", "task-002"],
                ["app/auth/**"],
                ["app/auth/accounts.py", "app/auth/config.py"],
            )
        )
    resource_ids = []
    for entity in spec["entities"]:
        number = len(tasks) + 1
        routes = [route["id"] for route in spec["routes"] if route["entity"] == entity["name"]]
        tasks.append(
            _task(
                number,
                f"{entity['plural'].replace('_', '-')}-routes",
                f"{entity['name']} routes {routes[0]} to {routes[-1]}.",
                f"Write app/resources/{entity['plural']}.py: the {humanize(entity['name'])} resource and its routes.",
                ["task-001", "task-002"],
                [f"app/resources/{entity['plural']}.py"],
                [f"app/resources/{entity['plural']}.py"],
            )
        )
        resource_ids.append(tasks[-1]["id"])
    app_number = len(tasks) + 1
    tasks.append(
        _task(
            app_number,
            "app",
            "Application: the routes wired on the schema.",
            "Write app/main.py: migrate the schema, register every route, build the WSGI app.",
            [*(["task-003"] if auth else []), *resource_ids],
            ["app/main.py", "app/resources/__init__.py"],
            ["app/main.py"],
        )
    )
    tasks.append(
        _task(
            app_number + 1,
            "tests",
            "Acceptance tests: one per criterion of ACCEPTANCE.md.",
            "Write tests/: the harness, the runner and one test per acceptance criterion.",
            [],
            ["tests/**"],
            ["tests/test_acceptance.py", "tests/criteria.json"],
        )
    )
    tasks.append(
        _task(
            app_number + 2,
            "docs",
            "README: how to run and test, routes, data.",
            "Write README.md.",
            [],
            ["README.md"],
            ["README.md"],
        )
    )
    return {"tasks": tasks, "mergeOrder": [task["id"] for task in tasks]}


# -- files --------------------------------------------------------------------------------------


def _schema(spec: dict[str, Any]) -> str:
    tables = {entity["name"]: entity["plural"] for entity in spec["entities"]}
    statements = []
    for entity in spec["entities"]:
        columns = ['    "id" INTEGER PRIMARY KEY AUTOINCREMENT']
        for field in entity["fields"]:
            column = f'    "{field["name"]}" {SQL_TYPES.get(field["type"], "TEXT")}'
            if field["required"]:
                column += " NOT NULL"
            if field["unique"]:
                column += " UNIQUE"
            if field["type"] == "enum":
                values = ", ".join(f"'{value}'" for value in field["values"])
                column += f' CHECK ("{field["name"]}" IN ({values}))'
            columns.append(column)
        for relation in entity["relations"]:
            column = f'    "{relation["name"]}_id" INTEGER'
            column += " NOT NULL" if relation["required"] else ""
            columns.append(f'{column} REFERENCES "{tables[relation["target"]]}" ("id")')
        columns += ['    "created_at" TEXT NOT NULL', '    "updated_at" TEXT NOT NULL']
        statements.append(f'CREATE TABLE IF NOT EXISTS "{entity["plural"]}" (\n' + ",\n".join(columns) + "\n);")
    body = "\n\n".join(statements)
    return f'"""The database schema: one table per entity of DATA.md."""\n\nSCHEMA = """\n{body}\n"""\n'


def _resource_module(spec: dict[str, Any], entity: dict[str, Any]) -> str:
    tables = {other["name"]: other["plural"] for other in spec["entities"]}
    constant = entity["plural"].upper()
    fields = []
    for field in entity["fields"]:
        options = [f"required={field['required']}", f"unique={field['unique']}"]
        if field.get("values"):
            options.append(f"values={tuple(field['values'])!r}")
        if "default" in field:
            options.append(f"default={field['default']!r}")
        fields.append(f"        Field({field['name']!r}, {field['type']!r}, {', '.join(options)}),")
    relations = [
        f"        Relation({relation['name']!r}, {tables[relation['target']]!r}, required={relation['required']}),"
        for relation in entity["relations"]
    ]
    actions = [
        f"        Action({action['name']!r}, sets={action['sets']!r}, requires={action['requires']!r}),"
        for action in entity["actions"]
    ]
    routes = [route for route in spec["routes"] if route["entity"] == entity["name"]]
    registrations = []
    for route in routes:
        handler = (
            f"{constant}.action({route['action']!r})"
            if route["operation"] == "action"
            else f"{constant}.{route['operation']}"
        )
        registrations.append(
            f"    router.add({route['method']!r}, {route['path']!r}, {handler}, auth={route['auth']}, "
            f"roles={tuple(route['roles'])!r}, route_id={route['id']!r})"
        )
    lines = [
        f'"""{entity["name"]}: {entity["description"]} Routes {routes[0]["id"]} to {routes[-1]["id"]} of ROUTES.md."""',
        "",
        "from app.core.resource import Action, Field, Relation, Resource",
        "",
        f"{constant} = Resource(",
        f"    {entity['name']!r},",
        f"    {entity['plural']!r},",
        "    fields=[",
        *fields,
        "    ],",
        "    relations=[",
        *relations,
        "    ],",
        "    actions=[",
        *actions,
        "    ],",
        ")",
        "",
        "",
        "def register(router):",
        *registrations,
        "",
    ]
    return "\n".join(lines)


def _main_module(spec: dict[str, Any]) -> str:
    auth = spec["auth"]["method"] != "none"
    modules = [entity["plural"] for entity in spec["entities"]]
    auth_ids = {
        route["operation"] if route["path"].startswith("/auth") else f"users_{route['operation']}": route["id"]
        for route in spec["routes"]
        if route["entity"] == "User"
    }
    lines = [
        '"""The application: the routes of ROUTES.md on the schema of DATA.md."""',
        "",
        *(["from app.auth import accounts"] if auth else []),
        "from app.core.db import connector, migrate",
        "from app.core.http import Router, make_wsgi_app",
        f"from app.resources import {', '.join(modules)}",
        "from app.schema import SCHEMA",
        "",
        "",
        'def create_app(db_path="app.db"):',
        f"    migrate(db_path, SCHEMA{' + accounts.SCHEMA' if auth else ''})",
        "    router = Router()",
        *([f"    accounts.register_routes(router, {auth_ids!r})"] if auth else []),
        f"    for module in ({', '.join(modules)},):",
        "        module.register(router)",
        "    return make_wsgi_app(router, connector(db_path))",
        "",
    ]
    return "\n".join(lines)


def _tests(spec: dict[str, Any]) -> dict[str, str]:
    criteria = {criterion["id"]: criterion["steps"] for criterion in spec["acceptance"]}
    methods = []
    for criterion in spec["acceptance"]:
        number = criterion["id"].split("-")[1]
        title = criterion["title"].replace('"', "'")
        methods += [
            f"    def test_ac_{number}(self):",
            f'        """{criterion["id"]} — {title}."""',
            f'        self.run_steps(CRITERIA["{criterion["id"]}"])',
            "",
        ]
    module = [
        '"""The acceptance criteria of ACCEPTANCE.md, one test each (steps in criteria.json)."""',
        "",
        "import json",
        "from pathlib import Path",
        "",
        "from tests.harness import AcceptanceCase",
        "",
        'CRITERIA = json.loads((Path(__file__).parent / "criteria.json").read_text())',
        "",
        "",
        "class AcceptanceTests(AcceptanceCase):",
        f"    AUTH = {spec['auth']['method'] != 'none'}",
        "",
        *methods,
    ]
    return {
        **_runtime("tests/__init__.py", "tests/harness.py", "tests/__main__.py"),
        "tests/test_acceptance.py": "\n".join(module).rstrip() + "\n",
        "tests/criteria.json": json.dumps(criteria, indent=1) + "\n",
    }


def _readme(spec: dict[str, Any]) -> str:
    app, auth = spec["app"], spec["auth"]
    lines = [
        f"# {app['name']}",
        "",
        app["summary"],
        "",
        "A JSON API generated by Blocksmith from the approved spec in `spec/`. Python 3.11+ and nothing else.",
        "",
        "## Run and test",
        "",
        "```sh",
        "python run.py --port 8000          # serves http://127.0.0.1:8000 (data in app.db)",
        "python -m tests                    # one test per acceptance criterion (ACCEPTANCE.md)",
        "```",
        "",
    ]
    if auth["method"] != "none":
        lines += [
            "## Sign-in",
            "",
            "`POST /auth/register {email, password, name}`, then `POST /auth/login` returns a token to send as",
            f"`Authorization: Bearer <token>`. The first account is `admin`; later ones get `{auth['default_role']}`;",
            f"admins change roles with `PATCH /users/{{id}}`. Roles: {', '.join(auth['roles'])}.",
            "",
        ]
    lines += ["## Routes", "", "| | Method | Path | Roles |", "|---|---|---|---|"]
    for route in spec["routes"]:
        who = ", ".join(route["roles"]) if route["auth"] else "public"
        lines.append(f"| {route['id']} | {route['method']} | `{route['path']}` | {who} |")
    lines += ["", "## Data", ""]
    for entity in spec["entities"]:
        fields = ", ".join(f"`{field['name']}`" for field in entity["fields"])
        lines.append(f"- **{entity['name']}** (`/{entity['plural']}`): {fields}")
    return "\n".join(lines) + "\n"


def task_files(spec: dict[str, Any], task: dict[str, Any]) -> dict[str, str]:
    """The files the built-in generator writes for one task of `decompose(spec)`."""
    slug = task["slug"]
    if slug == "core":
        return _runtime(
            "app/__init__.py",
            "app/core/__init__.py",
            "app/core/http.py",
            "app/core/db.py",
            "app/core/resource.py",
            "run.py",
        )
    if slug == "data":
        return {"app/schema.py": _schema(spec)}
    if slug == "auth":
        roles, default = tuple(spec["auth"]["roles"]), spec["auth"]["default_role"]
        config = f'"""Roles of SPEC.md."""\n\nROLES = {roles!r}\nDEFAULT_ROLE = {default!r}\n'
        return {**_runtime("app/auth/__init__.py", "app/auth/accounts.py"), "app/auth/config.py": config}
    if slug == "app":
        return {"app/main.py": _main_module(spec), "app/resources/__init__.py": '"""One module per entity."""\n'}
    if slug == "tests":
        return _tests(spec)
    if slug == "docs":
        return {"README.md": _readme(spec)}
    entity = next(entity for entity in spec["entities"] if f"{entity['plural'].replace('_', '-')}-routes" == slug)
    return {f"app/resources/{entity['plural']}.py": _resource_module(spec, entity)}
