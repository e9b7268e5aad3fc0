"""Helpers for the generator tests: generate, parse with python-hcl2, index resources, and a "palette"
architecture holding every resource type of the catalog."""

import io

import hcl2

from tests.workspaces.architectures import connect, node, three_tier
from workspaces.architecture.catalog import EXTERNAL_TYPES, RESOURCE_KINDS
from workspaces.generators.generate import code_generate


def generate(architecture, provider: str, **options) -> dict[str, str]:
    files = code_generate(
        architecture,
        generator=options.pop("generator", "terraform"),
        provider=provider,
        project_name=options.pop("project_name", "shop"),
        **options,
    )
    return {file.path: file.content for file in files}


def _plain(value):
    """python-hcl2 keeps quotes around labels and strings and marks blocks; drop both for readable asserts."""
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items() if key != "__is_block__"}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def parsed(files: dict[str, str]) -> dict[str, dict]:
    return {path: _plain(hcl2.load(io.StringIO(content))) for path, content in files.items() if path.endswith(".tf")}


def resources_of(files: dict[str, str]) -> dict[str, dict]:
    """{"type.name": body} from main.tf; an address defined twice (which Terraform refuses) fails the test."""
    found = {}
    for entry in parsed(files)["main.tf"].get("resource", []):
        for kind, named in entry.items():
            for name, body in named.items():
                assert f"{kind}.{name}" not in found, f"{kind}.{name} is defined twice"
                found[f"{kind}.{name}"] = body
    return found


def variables_of(files: dict[str, str]) -> dict[str, dict]:
    return {name: body for entry in parsed(files)["variables.tf"]["variable"] for name, body in entry.items()}


def palette_architecture() -> dict:
    """Every resource type of the catalog, each subnet-bound type in a subnet of its own (some clouds reserve
    subnets for one service), with the connections some types need."""
    architecture = three_tier()
    architecture["connections"] = [c for c in architecture["connections"] if "ext-" not in c["from"]]
    x = 0
    for resource_type, kind in RESOURCE_KINDS.items():
        if kind.container or resource_type in EXTERNAL_TYPES:
            continue
        x += 3
        parent = {"virtual_network": "container-tmpl-vnet", None: None}.get(kind.parents[0])
        if kind.parents[0] == "subnet":
            parent = f"subnet-{resource_type}"
            subnet = node(parent, "subnet", "network", "container-tmpl-vnet", x=x + 40, z=20)
            subnet.update(kind="container", layer="subnet", frame={"width": 2, "height": 0.6, "depth": 2})
            architecture["nodes"].append(subnet)
        z = 12 if parent == "container-tmpl-vnet" else 0
        architecture["nodes"].append(node(f"all-{resource_type}", resource_type, kind.category, parent, x=x + 40, z=z))
    architecture["connections"] += [
        connect("all-cdn_profile", "all-blob_storage"),
        connect("all-front_door", "all-application_gateway"),
        connect("all-application_gateway", "all-virtual_machine"),
        connect("all-internal_load_balancer", "all-app_compute"),
        connect("all-load_balancer", "all-web_compute"),
        connect("all-api_gateway", "all-function_compute"),
        connect("all-message_queue", "all-function_compute", "event"),
        connect("all-scheduler", "all-function_compute", "event"),
        connect("all-event_bus", "all-function_compute", "event"),
        connect("all-event_hub", "all-app_service", "event"),
        connect("all-app_service", "all-cosmos_db"),
        connect("all-container_instances", "all-cache_store"),
    ]
    return architecture
