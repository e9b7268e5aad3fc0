"""Terraform for AWS (hashicorp/aws ~> 5.0): one builder per resource type, plus the wiring of connections —
security group rules between tiers, subnet placement, environment variables pointing compute at what it
uses, IAM policies for that access, and event sources (SQS/Kinesis/EventBridge/Scheduler → Lambda)."""

from typing import Any

from workspaces.generators.hcl import Block, Raw, block, interpolate
from workspaces.generators.plan import Item, Plan
from workspaces.generators.terraform import (
    TerraformGenerator,
    cloud,
    cloud_text,
    hcl_object,
    ref,
    ref_name,
    region_variable,
    terraform_files,
)

PROVIDER_VERSION = "~> 5.0"
INSTANCE_TYPES = ("virtual_machine", "web_compute", "app_compute", "bastion_host")
FUNCTIONS = ("function_compute",)
CONTAINERS = ("container_instances",)
LOAD_BALANCERS = ("application_gateway", "internal_load_balancer", "load_balancer")
DATABASES = ("relational_database", "sql_database")
# Resource types that get their own security group when they sit in a VPC.
GUARDED = (*INSTANCE_TYPES, *CONTAINERS, *FUNCTIONS, *DATABASES, "cache_store", "application_gateway",
           "internal_load_balancer", "kubernetes_cluster")  # fmt: skip
PORTS = {"relational_database": 5432, "sql_database": 5432, "cache_store": 6379}
ASSUME = {
    "lambda": "lambda.amazonaws.com",
    "ec2": "ec2.amazonaws.com",
    "ecs": "ecs-tasks.amazonaws.com",
    "eks": "eks.amazonaws.com",
    "scheduler": "scheduler.amazonaws.com",
    "apprunner": "tasks.apprunner.amazonaws.com",
}


def _assume_policy(service: str) -> Raw:
    return Raw(
        'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", '
        f'Principal = {{ Service = "{service}" }} }}] }})'
    )


class AwsTerraform(TerraformGenerator):
    def tags(self, item: Item) -> dict[str, Any]:
        return {"Name": cloud(item)}

    def security_group(self, item: Item) -> Raw | None:
        network = self.plan.network(item)
        if item.type not in GUARDED or network is None:
            return None
        return ref(item, "aws_security_group")

    def subnet_ids(self, item: Item) -> Raw:
        subnet = self.plan.subnet(item)
        if subnet is not None and item.type not in (*DATABASES, "cache_store", "kubernetes_cluster", *LOAD_BALANCERS):
            return Raw(f"[aws_subnet.{subnet.name}.id]")
        network = self.plan.network(item)
        subnets = self.plan.subnets_of(network) if network else []
        return Raw("[" + ", ".join(f"aws_subnet.{s.name}.id" for s in subnets) + "]")

    def environment(self, item: Item) -> dict[str, Any]:
        """Variables that point a compute block at what it connects to."""
        env: dict[str, Any] = {}
        for target in self.plan.targets(item):
            key = target.name.upper()
            if target.type in DATABASES:
                env[f"{key}_HOST"] = ref(target, "aws_db_instance", "address")
                env[f"{key}_PORT"] = "5432"
            elif target.type == "cache_store":
                env[f"{key}_HOST"] = Raw(f"aws_elasticache_cluster.{target.name}.cache_nodes[0].address")
            elif target.type == "blob_storage":
                env[f"{key}_BUCKET"] = ref(target, "aws_s3_bucket", "bucket")
            elif target.type == "cosmos_db":
                env[f"{key}_TABLE"] = ref(target, "aws_dynamodb_table", "name")
            elif target.type == "message_queue":
                env[f"{key}_QUEUE_URL"] = ref(target, "aws_sqs_queue", "url")
            elif target.type == "event_hub":
                env[f"{key}_STREAM"] = ref(target, "aws_kinesis_stream", "name")
            elif target.type == "event_bus":
                env[f"{key}_EVENT_BUS"] = ref(target, "aws_cloudwatch_event_bus", "name")
            elif target.type in ("key_vault",):
                env[f"{key}_KEY_ID"] = ref(target, "aws_kms_key", "key_id")
            elif target.type == "secret_store":
                env[f"{key}_SECRET_ARN"] = ref(target, "aws_secretsmanager_secret", "arn")
            elif target.type == "monitoring":
                env[f"{key}_LOG_GROUP"] = ref(target, "aws_cloudwatch_log_group", "name")
        return env

    def access_statements(self, item: Item) -> list[str]:
        """IAM statements (HCL object expressions) for what the block connects to, and what feeds it."""
        statements = []
        access = {
            "blob_storage": ("aws_s3_bucket", '["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]',
                             "[{arn}, \"${{{arn}}}/*\"]"),
            "cosmos_db": ("aws_dynamodb_table", '["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", '
                          '"dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan"]', "[{arn}]"),
            "message_queue": ("aws_sqs_queue", '["sqs:SendMessage"]', "[{arn}]"),
            "event_hub": ("aws_kinesis_stream", '["kinesis:PutRecord", "kinesis:PutRecords"]', "[{arn}]"),
            "event_bus": ("aws_cloudwatch_event_bus", '["events:PutEvents"]', "[{arn}]"),
            "key_vault": ("aws_kms_key", '["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]', "[{arn}]"),
            "secret_store": ("aws_secretsmanager_secret", '["secretsmanager:GetSecretValue"]', "[{arn}]"),
            "monitoring": ("aws_cloudwatch_log_group", '["logs:CreateLogStream", "logs:PutLogEvents"]',
                           "[\"${{{arn}}}:*\"]"),
        }  # fmt: skip
        for target in self.plan.targets(item):
            if target.type in access:
                kind, actions, resources = access[target.type]
                arn = f"{kind}.{target.name}.arn"
                statements.append(f'{{ Effect = "Allow", Action = {actions}, Resource = {resources.format(arn=arn)} }}')
        if item.type == "scheduler":
            for function in self.plan.targets(item, *FUNCTIONS):
                arn = f"aws_lambda_function.{function.name}.arn"
                statements.append(f'{{ Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = [{arn}] }}')
        for source in self.plan.sources(item, "message_queue", "event_hub"):
            if source.type == "message_queue":
                actions = '["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]'
                arn = f"aws_sqs_queue.{source.name}.arn"
            else:
                actions = (
                    '["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListShards"]'
                )
                arn = f"aws_kinesis_stream.{source.name}.arn"
            statements.append(f'{{ Effect = "Allow", Action = {actions}, Resource = [{arn}] }}')
        return statements

    def role(self, item: Item, service: str) -> str:
        """An IAM role for the block, with a policy for its connections; returns the role's address."""
        self.add(
            block(
                "resource",
                "aws_iam_role",
                item.name,
                name=cloud(item),
                assume_role_policy=_assume_policy(ASSUME[service]),
            )
        )
        statements = self.access_statements(item)
        if statements:
            policy = ", ".join(statements)
            self.add(
                block(
                    "resource",
                    "aws_iam_role_policy",
                    item.name,
                    name=cloud(item, "-access"),
                    role=ref(item, "aws_iam_role"),
                    policy=Raw(f'jsonencode({{ Version = "2012-10-17", Statement = [{policy}] }})'),
                )
            )
        return f"aws_iam_role.{item.name}"

    def attach(self, role_name: str, suffix: str, policy_arn: str) -> None:
        """Attach an AWS-managed policy to the role `aws_iam_role.<role_name>`."""
        self.add(
            block(
                "resource",
                "aws_iam_role_policy_attachment",
                f"{role_name}_{suffix}",
                role=Raw(f"aws_iam_role.{role_name}.name"),
                policy_arn=policy_arn,
            )
        )

    # -- containers ---------------------------------------------------------------------------

    def virtual_network(self, item: Item) -> None:
        index = self.plan.index_of(item) - 1
        self.add(
            block(
                "resource",
                "aws_vpc",
                item.name,
                cidr_block=f"10.{index}.0.0/16",
                enable_dns_support=True,
                enable_dns_hostnames=True,
                tags=self.tags(item),
            )
        )
        self.output(item, ref(item, "aws_vpc"))

    def subnet(self, item: Item) -> None:
        network = self.plan.network(item)
        index = self.plan.index_of(item)
        vpc_index = self.plan.index_of(network) - 1
        public = "public" in (item.node.get("roles") or []) or any(
            self.plan.has_external_source(child) for child in self.plan.resources if self.plan.parent(child) is item
        )
        self.need_data("azs", block("data", "aws_availability_zones", "available", state="available"))
        self.add(
            block(
                "resource",
                "aws_subnet",
                item.name,
                vpc_id=ref(network, "aws_vpc"),
                cidr_block=f"10.{vpc_index}.{index}.0/24",
                availability_zone=Raw(f"element(data.aws_availability_zones.available.names, {index - 1})"),
                map_public_ip_on_launch=public,
                tags=self.tags(item),
            )
        )
        self.output(item, ref(item, "aws_subnet"))

    # -- network and security -------------------------------------------------------------------

    def before_resources(self) -> None:
        """One group per guarded block, ingress from the blocks connected to it, egress anywhere."""
        for item in self.plan.resources:
            group = self.security_group(item)
            if group is None:
                continue
            self.add(
                block(
                    "resource",
                    "aws_security_group",
                    item.name,
                    name=cloud(item),
                    description=f"{item.node.get('name') or item.name} ({item.type})",
                    vpc_id=ref(self.plan.network(item), "aws_vpc"),
                    tags=self.tags(item),
                ),
                block(
                    "resource",
                    "aws_vpc_security_group_egress_rule",
                    f"{item.name}_all",
                    security_group_id=group,
                    ip_protocol="-1",
                    cidr_ipv4="0.0.0.0/0",
                ),
            )
            port = PORTS.get(item.type, 443 if item.type in LOAD_BALANCERS else 80)
            if self.plan.has_external_source(item):
                self.add(
                    block(
                        "resource",
                        "aws_vpc_security_group_ingress_rule",
                        f"{item.name}_from_internet",
                        security_group_id=group,
                        ip_protocol="tcp",
                        from_port=port,
                        to_port=port,
                        cidr_ipv4="0.0.0.0/0",
                    )
                )
            for source in self.plan.sources(item):
                source_group = self.security_group(source)
                if source_group is None:
                    continue
                self.add(
                    block(
                        "resource",
                        "aws_vpc_security_group_ingress_rule",
                        f"{item.name}_from_{source.name}",
                        security_group_id=group,
                        ip_protocol="tcp",
                        from_port=port,
                        to_port=port,
                        referenced_security_group_id=source_group,
                    )
                )

    def network_security_group(self, item: Item) -> None:
        network = self.plan.network(item)
        self.add(
            block(
                "resource",
                "aws_security_group",
                item.name,
                name=cloud(item),
                description="Security group drawn on the canvas",
                vpc_id=ref(network, "aws_vpc"),
                tags=self.tags(item),
            )
        )
        self.output(item, ref(item, "aws_security_group"))

    def nat_gateway(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        self.add(
            block("resource", "aws_eip", item.name, domain="vpc", tags=self.tags(item)),
            block(
                "resource",
                "aws_nat_gateway",
                item.name,
                allocation_id=ref(item, "aws_eip"),
                subnet_id=ref(subnet, "aws_subnet"),
                tags=self.tags(item),
            ),
        )
        self.output(item, ref(item, "aws_nat_gateway"))

    outbound_access = nat_gateway

    def public_ip(self, item: Item) -> None:
        self.add(block("resource", "aws_eip", item.name, domain="vpc", tags=self.tags(item)))
        self.output(item, ref(item, "aws_eip", "public_ip"), "public_ip")

    def route_table(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        self.add(
            block(
                "resource",
                "aws_route_table",
                item.name,
                vpc_id=ref(self.plan.network(item), "aws_vpc"),
                tags=self.tags(item),
            ),
            block(
                "resource",
                "aws_route_table_association",
                item.name,
                subnet_id=ref(subnet, "aws_subnet"),
                route_table_id=ref(item, "aws_route_table"),
            ),
        )
        self.output(item, ref(item, "aws_route_table"))

    def private_endpoint(self, item: Item) -> None:
        targets = self.plan.targets(item) or self.plan.sources(item)
        services = {"blob_storage": "s3", "cosmos_db": "dynamodb", "message_queue": "sqs",
                    "secret_store": "secretsmanager", "key_vault": "kms", "event_hub": "kinesis-streams"}  # fmt: skip
        service = next((services[t.type] for t in targets if t.type in services), "s3")
        gateway = service in ("s3", "dynamodb")
        self.add(
            block(
                "resource",
                "aws_vpc_endpoint",
                item.name,
                vpc_id=ref(self.plan.network(item), "aws_vpc"),
                service_name=Raw(f'"com.amazonaws.${{var.region}}.{service}"'),
                vpc_endpoint_type="Gateway" if gateway else "Interface",
                subnet_ids=None if gateway else Raw(f"[aws_subnet.{self.plan.subnet(item).name}.id]"),
                tags=self.tags(item),
            )
        )
        self.output(item, ref(item, "aws_vpc_endpoint"))

    def firewall_security(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "aws_networkfirewall_firewall_policy",
                item.name,
                name=cloud(item),
            ).block(
                block(
                    "firewall_policy",
                    stateless_default_actions=["aws:forward_to_sfe"],
                    stateless_fragment_default_actions=["aws:forward_to_sfe"],
                )
            ),
            block(
                "resource",
                "aws_networkfirewall_firewall",
                item.name,
                name=cloud(item),
                firewall_policy_arn=ref(item, "aws_networkfirewall_firewall_policy", "arn"),
                vpc_id=ref(self.plan.network(item), "aws_vpc"),
            ).block(block("subnet_mapping", subnet_id=ref(self.plan.subnet(item), "aws_subnet"))),
        )
        self.output(item, ref(item, "aws_networkfirewall_firewall"))

    def key_vault(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "aws_kms_key",
                item.name,
                description=cloud(item),
                enable_key_rotation=True,
                deletion_window_in_days=30,
            )
        )
        self.output(item, ref(item, "aws_kms_key", "arn"), "arn")

    def secret_store(self, item: Item) -> None:
        self.add(block("resource", "aws_secretsmanager_secret", item.name, name=cloud(item)))
        self.output(item, ref(item, "aws_secretsmanager_secret", "arn"), "arn")

    def identity_access(self, item: Item) -> None:
        self.role(item, "ec2")
        self.output(item, ref(item, "aws_iam_role", "arn"), "arn")

    managed_identity = identity_access
    service_account = identity_access

    def monitoring(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "aws_cloudwatch_log_group",
                item.name,
                name=Raw(f'"/${{var.project_name}}/{item.name}"'),
                retention_in_days=30,
            )
        )
        self.output(item, ref(item, "aws_cloudwatch_log_group", "arn"), "arn")

    # -- compute --------------------------------------------------------------------------------

    def virtual_machine(self, item: Item) -> None:
        self.need_data(
            "ami",
            block(
                "data",
                "aws_ssm_parameter",
                "al2023",
                name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            ),
        )
        self.role(item, "ec2")
        self.add(
            block(
                "resource",
                "aws_iam_instance_profile",
                item.name,
                name=cloud(item),
                role=ref(item, "aws_iam_role", "name"),
            )
        )
        user_data = self.startup_script(item, self.environment(item))
        instance = block(
            "resource",
            "aws_instance",
            item.name,
            count=item.count if item.count > 1 else None,
            ami=Raw("data.aws_ssm_parameter.al2023.value"),
            instance_type=item.config.get("instanceType", "t3.micro"),
            subnet_id=ref(self.plan.subnet(item), "aws_subnet"),
            vpc_security_group_ids=[self.security_group(item)],
            iam_instance_profile=ref(item, "aws_iam_instance_profile", "name"),
            user_data=user_data,
            tags=self.tags(item),
        )
        instance.block(block("metadata_options", http_tokens="required"))
        self.add(instance)
        self.output(item, Raw(f"aws_instance.{item.name}[*].id") if item.count > 1 else ref(item, "aws_instance"))

    web_compute = virtual_machine
    app_compute = virtual_machine
    bastion_host = virtual_machine

    def function_compute(self, item: Item) -> None:
        role = self.role(item, "lambda")
        self.attach(item.name, "basic", "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
        package = f"{item.name}_package"
        self.variable(
            package, f"Path of the deployment zip of {item.node.get('name') or item.name}.", f"build/{item.name}.zip"
        )
        function = block(
            "resource",
            "aws_lambda_function",
            item.name,
            function_name=cloud(item),
            role=Raw(f"{role}.arn"),
            runtime=item.config.get("runtime", "python3.12"),
            handler=item.config.get("handler", "app.handler"),
            filename=Raw(f"var.{package}"),
            source_code_hash=Raw(f"filebase64sha256(var.{package})"),
            timeout=30,
        )
        env = self.environment(item)
        if env:
            function.block(Block("environment").attr("variables", env))
        group = self.security_group(item)
        if group is not None:
            function.block(block("vpc_config", subnet_ids=self.subnet_ids(item), security_group_ids=[group]))
        self.add(function)
        self.output(item, ref(item, "aws_lambda_function", "arn"), "arn")

    def container_instances(self, item: Item) -> None:
        image = f"{item.name}_image"
        self.variable(
            image,
            f"Container image of {item.node.get('name') or item.name}.",
            item.config.get("image", "public.ecr.aws/nginx/nginx:stable"),
        )
        role = self.role(item, "ecs")
        self.attach(item.name, "execution", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        self.add(block("resource", "aws_ecs_cluster", item.name, name=cloud(item)))
        env = [{"name": key, "value": value} for key, value in self.environment(item).items()]
        container = {"name": item.name, "image": Raw(f"var.{image}"), "essential": True,
                     "portMappings": [{"containerPort": 80}], "environment": env}  # fmt: skip
        self.add(
            block(
                "resource",
                "aws_ecs_task_definition",
                item.name,
                family=cloud(item),
                requires_compatibilities=["FARGATE"],
                network_mode="awsvpc",
                cpu="256",
                memory="512",
                execution_role_arn=Raw(f"{role}.arn"),
                task_role_arn=Raw(f"{role}.arn"),
                container_definitions=Raw(f"jsonencode([{hcl_object(container)}])"),
            )
        )
        service = block(
            "resource",
            "aws_ecs_service",
            item.name,
            name=cloud(item),
            cluster=ref(item, "aws_ecs_cluster"),
            task_definition=ref(item, "aws_ecs_task_definition", "arn"),
            desired_count=max(item.count, 1),
            launch_type="FARGATE",
        )
        if self.plan.network(item) is not None:
            service.block(
                block(
                    "network_configuration", subnets=self.subnet_ids(item), security_groups=[self.security_group(item)]
                )
            )
        for balancer in self.plan.sources(item, *LOAD_BALANCERS):
            service.block(
                block(
                    "load_balancer",
                    target_group_arn=Raw(f"aws_lb_target_group.{balancer.name}_{item.name}.arn"),
                    container_name=item.name,
                    container_port=80,
                )
            )
        self.add(service)
        self.output(item, ref(item, "aws_ecs_service"))

    def app_service(self, item: Item) -> None:
        image = f"{item.name}_image"
        self.variable(
            image,
            f"Public ECR image of {item.node.get('name') or item.name}.",
            item.config.get("image", "public.ecr.aws/nginx/nginx:stable"),
        )
        role = self.role(item, "apprunner")
        configuration = block("image_configuration", port="80")
        env = self.environment(item)
        if env:
            configuration.attr("runtime_environment_variables", env)
        repository = block("image_repository", image_identifier=Raw(f"var.{image}"), image_repository_type="ECR_PUBLIC")
        repository.block(configuration)
        self.add(
            block("resource", "aws_apprunner_service", item.name, service_name=cloud(item))
            .block(block("source_configuration", auto_deployments_enabled=False).block(repository))
            .block(block("instance_configuration", instance_role_arn=Raw(f"{role}.arn")))
        )
        self.output(item, ref(item, "aws_apprunner_service", "service_url"), "url")

    def kubernetes_cluster(self, item: Item) -> None:
        cluster_role = self.role(item, "eks")
        self.attach(item.name, "cluster", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
        cluster = block("resource", "aws_eks_cluster", item.name, name=cloud(item), role_arn=Raw(f"{cluster_role}.arn"))
        cluster.block(
            block("vpc_config", subnet_ids=self.subnet_ids(item), security_group_ids=[self.security_group(item)])
        )
        cluster.attr("depends_on", [Raw(f"aws_iam_role_policy_attachment.{item.name}_cluster")])
        nodes = f"{item.name}_nodes"
        self.add(
            cluster,
            block(
                "resource",
                "aws_iam_role",
                nodes,
                name=cloud(item, "-nodes"),
                assume_role_policy=_assume_policy(ASSUME["ec2"]),
            ),
        )
        for policy in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"):
            self.attach(nodes, policy.lower(), f"arn:aws:iam::aws:policy/{policy}")
        group = block(
            "resource",
            "aws_eks_node_group",
            item.name,
            cluster_name=ref(item, "aws_eks_cluster", "name"),
            node_group_name=cloud(item),
            node_role_arn=Raw(f"aws_iam_role.{nodes}.arn"),
            subnet_ids=self.subnet_ids(item),
            instance_types=[item.config.get("instanceType", "t3.medium")],
        )
        group.block(
            block("scaling_config", desired_size=max(item.count, 2), min_size=1, max_size=max(item.count, 2) * 2)
        )
        self.add(group)
        self.output(item, ref(item, "aws_eks_cluster", "endpoint"), "endpoint")

    # -- delivery -------------------------------------------------------------------------------

    def application_gateway(self, item: Item) -> None:
        internal = item.type == "internal_load_balancer"
        network = item.type == "load_balancer"
        self.add(
            block(
                "resource",
                "aws_lb",
                item.name,
                name=Raw(f'substr("{cloud_text(item)}", 0, 32)'),
                internal=internal,
                load_balancer_type="network" if network else "application",
                security_groups=None if network else [self.security_group(item)],
                subnets=self.subnet_ids(item),
            )
        )
        protocol = "TCP" if network else "HTTP"
        first = None
        for target in self.plan.targets(item):
            target_type = {"function_compute": "lambda", "container_instances": "ip"}.get(target.type, "instance")
            group_name = f"{item.name}_{target.name}"
            self.add(
                block(
                    "resource",
                    "aws_lb_target_group",
                    group_name,
                    name=Raw(f'substr("${{var.project_name}}-{group_name.replace("_", "-")}", 0, 32)'),
                    target_type=target_type,
                    port=None if target_type == "lambda" else 80,
                    protocol=None if target_type == "lambda" else protocol,
                    vpc_id=None if target_type == "lambda" else ref(self.plan.network(item), "aws_vpc"),
                )
            )
            first = first or group_name
            if target_type == "lambda":
                self._invoke(
                    group_name,
                    item,
                    target,
                    "elasticloadbalancing.amazonaws.com",
                    ref_name("aws_lb_target_group", group_name, "arn"),
                )
                self.add(
                    block(
                        "resource",
                        "aws_lb_target_group_attachment",
                        group_name,
                        target_group_arn=ref_name("aws_lb_target_group", group_name, "arn"),
                        target_id=ref(target, "aws_lambda_function", "arn"),
                        depends_on=[Raw(f"aws_lambda_permission.{group_name}")],
                    ),
                )
            elif target_type == "instance" and target.type in INSTANCE_TYPES:
                several = target.count > 1
                instance = (
                    f"aws_instance.{target.name}[count.index].id" if several else f"aws_instance.{target.name}.id"
                )
                self.add(
                    block(
                        "resource",
                        "aws_lb_target_group_attachment",
                        group_name,
                        count=target.count if several else None,
                        target_group_arn=ref_name("aws_lb_target_group", group_name, "arn"),
                        target_id=Raw(instance),
                        port=80,
                    )
                )
        listener = block(
            "resource",
            "aws_lb_listener",
            item.name,
            load_balancer_arn=ref(item, "aws_lb", "arn"),
            port=80,
            protocol=protocol,
        )
        if first:
            listener.block(
                block("default_action", type="forward", target_group_arn=ref_name("aws_lb_target_group", first, "arn"))
            )
        else:
            listener.block(
                block("default_action", type="fixed-response").block(
                    block("fixed_response", content_type="text/plain", status_code="404")
                )
            )
        self.add(listener)
        self.output(item, ref(item, "aws_lb", "dns_name"), "dns_name")

    internal_load_balancer = application_gateway
    load_balancer = application_gateway

    def api_gateway(self, item: Item) -> None:
        self.add(block("resource", "aws_apigatewayv2_api", item.name, name=cloud(item), protocol_type="HTTP"))
        for target in self.plan.targets(item):
            if target.type == "function_compute":
                uri = ref(target, "aws_lambda_function", "invoke_arn")
                integration_type = "AWS_PROXY"
                self._invoke(
                    f"{item.name}_{target.name}",
                    item,
                    target,
                    "apigateway.amazonaws.com",
                    interpolate(ref(item, "aws_apigatewayv2_api", "execution_arn"), "/*/*"),
                )
            elif target.type in LOAD_BALANCERS:
                uri = Raw(f'"http://${{aws_lb.{target.name}.dns_name}}"')
                integration_type = "HTTP_PROXY"
            elif target.type == "app_service":
                uri = Raw(f'"https://${{aws_apprunner_service.{target.name}.service_url}}"')
                integration_type = "HTTP_PROXY"
            else:
                raise self.unsupported_connection(
                    item,
                    f"an AWS HTTP API can forward to functions, load balancers or App Runner, "
                    f"not to {target.type}; put a load balancer in front of it.",
                )
            self.add(
                block(
                    "resource",
                    "aws_apigatewayv2_integration",
                    f"{item.name}_{target.name}",
                    api_id=ref(item, "aws_apigatewayv2_api"),
                    integration_type=integration_type,
                    integration_uri=uri,
                    integration_method=None if integration_type == "AWS_PROXY" else "ANY",
                    payload_format_version="2.0" if integration_type == "AWS_PROXY" else None,
                ),
                block(
                    "resource",
                    "aws_apigatewayv2_route",
                    f"{item.name}_{target.name}",
                    api_id=ref(item, "aws_apigatewayv2_api"),
                    route_key="$default" if len(self.plan.targets(item)) == 1 else f"ANY /{target.name}/{{proxy+}}",
                    target=Raw(f'"integrations/${{aws_apigatewayv2_integration.{item.name}_{target.name}.id}}"'),
                ),
            )
        self.add(
            block(
                "resource",
                "aws_apigatewayv2_stage",
                item.name,
                api_id=ref(item, "aws_apigatewayv2_api"),
                name="$default",
                auto_deploy=True,
            )
        )
        self.output(item, ref(item, "aws_apigatewayv2_api", "api_endpoint"), "endpoint")

    def cdn_profile(self, item: Item) -> None:
        origins = self.plan.targets(item)
        if not origins:
            raise self.unsupported_connection(
                item, "a CloudFront distribution needs an origin; connect it to a bucket or load balancer."
            )
        origin = origins[0]
        distribution = block("resource", "aws_cloudfront_distribution", item.name, enabled=True, comment=cloud(item))
        if origin.type == "blob_storage":
            self.add(
                block(
                    "resource",
                    "aws_cloudfront_origin_access_control",
                    item.name,
                    name=cloud(item),
                    origin_access_control_origin_type="s3",
                    signing_behavior="always",
                    signing_protocol="sigv4",
                )
            )
            distribution.block(
                block(
                    "origin",
                    domain_name=ref(origin, "aws_s3_bucket", "bucket_regional_domain_name"),
                    origin_id=origin.name,
                    origin_access_control_id=ref(item, "aws_cloudfront_origin_access_control"),
                )
            )
        elif origin.type in LOAD_BALANCERS:
            distribution.block(
                block("origin", domain_name=ref(origin, "aws_lb", "dns_name"), origin_id=origin.name).block(
                    block(
                        "custom_origin_config",
                        http_port=80,
                        https_port=443,
                        origin_protocol_policy="http-only",
                        origin_ssl_protocols=["TLSv1.2"],
                    )
                )
            )
        else:
            raise self.unsupported_connection(
                item, f"CloudFront here fronts buckets and load balancers, not {origin.type}."
            )
        behaviour = block(
            "default_cache_behavior",
            target_origin_id=origin.name,
            viewer_protocol_policy="redirect-to-https",
            allowed_methods=["GET", "HEAD", "OPTIONS"],
            cached_methods=["GET", "HEAD"],
            cache_policy_id="658327ea-f89d-4fab-a63d-7e88639e58f6",
        )
        distribution.block(behaviour)
        distribution.block(Block("restrictions").block(block("geo_restriction", restriction_type="none")))
        distribution.block(block("viewer_certificate", cloudfront_default_certificate=True))
        self.add(distribution)
        self.output(item, ref(item, "aws_cloudfront_distribution", "domain_name"), "domain_name")

    front_door = cdn_profile

    def dns_zone(self, item: Item) -> None:
        self.add(block("resource", "aws_route53_zone", item.name, name=self.domain_variable(item)))
        self.output(item, ref(item, "aws_route53_zone", "zone_id"), "zone_id")

    # -- data -----------------------------------------------------------------------------------

    def blob_storage(self, item: Item) -> None:
        self.add(
            block("resource", "aws_s3_bucket", item.name, bucket_prefix=Raw(f'substr("{cloud_text(item)}-", 0, 37)')),
            block(
                "resource",
                "aws_s3_bucket_public_access_block",
                item.name,
                bucket=ref(item, "aws_s3_bucket"),
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            ),
        )
        self.output(item, ref(item, "aws_s3_bucket", "bucket"), "bucket")

    def relational_database(self, item: Item) -> None:
        self.need_db_variables()
        self.add(
            block("resource", "aws_db_subnet_group", item.name, name=cloud(item), subnet_ids=self.subnet_ids(item)),
            block(
                "resource",
                "aws_db_instance",
                item.name,
                identifier=cloud(item),
                engine="postgres",
                engine_version="16",
                instance_class=item.config.get("instanceClass", "db.t4g.micro"),
                allocated_storage=20,
                storage_encrypted=True,
                db_subnet_group_name=ref(item, "aws_db_subnet_group", "name"),
                vpc_security_group_ids=[self.security_group(item)],
                username=Raw("var.db_admin_username"),
                password=Raw("var.db_admin_password"),
                publicly_accessible=False,
                multi_az=item.count > 1,
                skip_final_snapshot=False,
                final_snapshot_identifier=Raw(f'"{cloud_text(item)}-final"'),
            ),
        )
        self.output(item, ref(item, "aws_db_instance", "address"), "address")

    sql_database = relational_database

    def cache_store(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "aws_elasticache_subnet_group",
                item.name,
                name=cloud(item),
                subnet_ids=self.subnet_ids(item),
            ),
            block(
                "resource",
                "aws_elasticache_cluster",
                item.name,
                cluster_id=Raw(f'substr("{cloud_text(item)}", 0, 40)'),
                engine="redis",
                node_type=item.config.get("nodeType", "cache.t4g.micro"),
                num_cache_nodes=1,
                subnet_group_name=ref(item, "aws_elasticache_subnet_group", "name"),
                security_group_ids=[self.security_group(item)],
            ),
        )
        self.output(item, Raw(f"aws_elasticache_cluster.{item.name}.cache_nodes[0].address"), "address")

    def cosmos_db(self, item: Item) -> None:
        table = block(
            "resource",
            "aws_dynamodb_table",
            item.name,
            name=cloud(item),
            billing_mode="PAY_PER_REQUEST",
            hash_key="pk",
            range_key="sk",
        )
        table.block(block("attribute", name="pk", type="S")).block(block("attribute", name="sk", type="S"))
        table.block(block("point_in_time_recovery", enabled=True))
        self.add(table)
        self.output(item, ref(item, "aws_dynamodb_table", "name"), "name")

    # -- messaging ------------------------------------------------------------------------------

    def message_queue(self, item: Item) -> None:
        self.add(block("resource", "aws_sqs_queue", item.name, name=cloud(item), sqs_managed_sse_enabled=True))
        for function in self.plan.targets(item, *FUNCTIONS):
            self.add(
                block(
                    "resource",
                    "aws_lambda_event_source_mapping",
                    f"{item.name}_{function.name}",
                    event_source_arn=ref(item, "aws_sqs_queue", "arn"),
                    function_name=ref(function, "aws_lambda_function", "arn"),
                    batch_size=10,
                )
            )
        self.output(item, ref(item, "aws_sqs_queue", "url"), "url")

    def event_hub(self, item: Item) -> None:
        stream = block(
            "resource",
            "aws_kinesis_stream",
            item.name,
            name=cloud(item),
            encryption_type="KMS",
            kms_key_id="alias/aws/kinesis",
        )
        stream.block(block("stream_mode_details", stream_mode="ON_DEMAND"))
        self.add(stream)
        for function in self.plan.targets(item, *FUNCTIONS):
            self.add(
                block(
                    "resource",
                    "aws_lambda_event_source_mapping",
                    f"{item.name}_{function.name}",
                    event_source_arn=ref(item, "aws_kinesis_stream", "arn"),
                    function_name=ref(function, "aws_lambda_function", "arn"),
                    starting_position="LATEST",
                )
            )
        self.output(item, ref(item, "aws_kinesis_stream", "arn"), "arn")

    def event_bus(self, item: Item) -> None:
        self.add(block("resource", "aws_cloudwatch_event_bus", item.name, name=cloud(item)))
        for target in self.plan.targets(item):
            rule = f"{item.name}_{target.name}"
            self.add(
                block(
                    "resource",
                    "aws_cloudwatch_event_rule",
                    rule,
                    name=Raw(f'substr("${{var.project_name}}-{rule.replace("_", "-")}", 0, 64)'),
                    event_bus_name=ref(item, "aws_cloudwatch_event_bus", "name"),
                    event_pattern=Raw('jsonencode({ source = [{ prefix = "" }] })'),
                )
            )
            self._invoke(rule, item, target, "events.amazonaws.com", ref_name("aws_cloudwatch_event_rule", rule, "arn"))
            self.add(
                block(
                    "resource",
                    "aws_cloudwatch_event_target",
                    rule,
                    rule=ref_name("aws_cloudwatch_event_rule", rule, "name"),
                    event_bus_name=ref(item, "aws_cloudwatch_event_bus", "name"),
                    arn=ref(target, "aws_lambda_function", "arn"),
                )
            )
        self.output(item, ref(item, "aws_cloudwatch_event_bus", "arn"), "arn")

    def scheduler(self, item: Item) -> None:
        targets = self.plan.targets(item)
        for target in targets:
            self._require_function(item, target)
        role = self.role(item, "scheduler")
        for target in targets:
            name = f"{item.name}_{target.name}"
            self.add(
                block(
                    "resource",
                    "aws_scheduler_schedule",
                    name,
                    name=Raw(f'substr("${{var.project_name}}-{name.replace("_", "-")}", 0, 64)'),
                    schedule_expression=item.config.get("schedule", "rate(5 minutes)"),
                )
                .block(block("flexible_time_window", mode="OFF"))
                .block(block("target", arn=ref(target, "aws_lambda_function", "arn"), role_arn=Raw(f"{role}.arn")))
            )
        self.output(item, Raw(f"{role}.arn"), "role_arn")

    def _require_function(self, item: Item, target: Item) -> None:
        if target.type not in FUNCTIONS:
            raise self.unsupported_connection(item, f"on AWS this wiring targets Lambda functions, not {target.type}.")

    def _invoke(self, name: str, item: Item, target: Item, principal: str, source_arn: Raw) -> None:
        """Let `item` (through `principal`) invoke the Lambda function `target`."""
        self._require_function(item, target)
        self.add(
            block(
                "resource",
                "aws_lambda_permission",
                name,
                action="lambda:InvokeFunction",
                function_name=ref(target, "aws_lambda_function", "function_name"),
                principal=principal,
                source_arn=source_arn,
            )
        )


def _versions() -> list[Block]:
    terraform = Block("terraform").attr("required_version", ">= 1.5.0")
    terraform.block(Block("required_providers").attr("aws", {"source": "hashicorp/aws", "version": PROVIDER_VERSION}))
    provider = block("provider", "aws", region=Raw("var.region"))
    provider.block(Block("default_tags").attr("tags", {"Project": Raw("var.project_name"), "ManagedBy": "blocksmith"}))
    return [terraform, provider]


def aws_terraform_files(plan: Plan, *, project_name: str, region: str, regions: tuple[str, ...]) -> dict[str, str]:
    return terraform_files(
        AwsTerraform(plan),
        versions=_versions(),
        project_name=project_name,
        leading_variables=[region_variable("AWS", region, regions)],
    )
