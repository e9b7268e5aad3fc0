"""What the Terraform generators share: the collected blocks, variables and outputs, cloud names, and the
assembly of the four files."""

from typing import Any

from workspaces.generators.hcl import Block, Raw, block, interpolate, object_key, render, string
from workspaces.generators.plan import GenerationError, Item, Plan


class TerraformGenerator:
    """Subclasses define one method per resource type, named after it, that adds the block's resources."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.blocks: list[Block] = []
        self.variables: list[Block] = []
        self.outputs: list[Block] = []
        self.data: dict[str, Block] = {}

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def need_data(self, key: str, item: Block) -> None:
        self.data.setdefault(key, item)

    def variable(self, name: str, description: str, default: Any = None, sensitive: bool = False) -> None:
        if any(existing.labels == (name,) for existing in self.variables):
            return
        self.variables.append(
            block(
                "variable",
                name,
                type=Raw("string"),
                description=description,
                default=default,
                sensitive=sensitive or None,
            )
        )

    def output(self, item: Item, value: Raw, suffix: str = "id") -> None:
        self.outputs.append(block("output", f"{item.name}_{suffix}", value=value))

    def need_db_variables(self) -> None:
        self.variable("db_admin_username", "Administrator login of the databases.", "dbadmin")
        self.variable("db_admin_password", "Administrator password of the databases.", sensitive=True)

    def domain_variable(self, item: Item) -> Raw:
        """DNS zones take their domain from a variable (defaulting to the block's `domain` config)."""
        variable = f"{item.name}_domain"
        self.variable(
            variable, f"Domain name of the {item.node.get('name') or item.name} zone.", item.config.get("domain")
        )
        return Raw(f"var.{variable}")

    def startup_script(self, item: Item, environment: dict[str, Any]) -> Raw | None:
        """A shell script writing the block's connection settings to /etc/environment at first boot."""
        if not environment:
            return None
        parts: list[str | Raw] = ["#!/bin/bash\n"]
        for key, value in environment.items():
            parts += [f'echo "{key}=', value, '" >> /etc/environment\n']
        return interpolate(*parts)

    def unsupported_connection(self, item: Item, message: str) -> GenerationError:
        return GenerationError(
            f"{item.node.get('name') or item.name}: {message}", target_id=item.id, code="UNSUPPORTED_CONNECTION"
        )

    def generate(self) -> None:
        for item in self.plan.containers:
            getattr(self, item.type)(item)
        self.before_resources()
        for item in self.plan.resources:
            getattr(self, item.type)(item)

    def before_resources(self) -> None:
        """Wiring that spans blocks (security groups, firewall rules) and must exist before the resources."""


def ref(item: Item, kind: str, attribute: str = "id") -> Raw:
    return Raw(f"{kind}.{item.name}.{attribute}")


def ref_name(kind: str, name: str, attribute: str) -> Raw:
    return Raw(f"{kind}.{name}.{attribute}")


def cloud_text(item: Item, suffix: str = "") -> str:
    """The cloud name as template text, for use inside larger expressions."""
    return "${var.project_name}-" + item.slug + suffix


def cloud(item: Item, suffix: str = "") -> Raw:
    """The resource's name in the cloud: the project name, then the block's identifier with dashes."""
    return interpolate(Raw("var.project_name"), f"-{item.slug}{suffix}")


def hcl_object(value: Any) -> str:
    """An HCL object/tuple expression on one line (for jsonencode arguments)."""
    if isinstance(value, Raw):
        return value.expression
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{object_key(key)} = {hcl_object(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(hcl_object(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return string(value)


def region_variable(provider: str, region: str, regions: tuple[str, ...]) -> Block:
    return block("variable", "region", type=Raw("string"), description=f"{provider} region.", default=region).block(
        block(
            "validation",
            condition=Raw(f"contains({hcl_object(list(regions))}, var.region)"),
            error_message=f"Choose a supported {provider} region.",
        )
    )


def terraform_files(
    generator: TerraformGenerator, *, versions: list[Block], project_name: str, leading_variables: list[Block]
) -> dict[str, str]:
    generator.generate()
    variables = [
        block(
            "variable",
            "project_name",
            type=Raw("string"),
            description="Prefix of every resource name.",
            default=project_name,
        ),
        *leading_variables,
        *generator.variables,
    ]
    return {
        "versions.tf": render(versions),
        "main.tf": render([*generator.data.values(), *generator.blocks]),
        "variables.tf": render(variables),
        "outputs.tf": render(generator.outputs),
    }
