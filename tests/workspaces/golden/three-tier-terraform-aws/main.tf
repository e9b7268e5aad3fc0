data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

resource "aws_vpc" "vnet" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "${var.project_name}-vnet"
  }
}

resource "aws_subnet" "ingress_subnet" {
  vpc_id                  = aws_vpc.vnet.id
  cidr_block              = "10.0.1.0/24"
  availability_zone       = element(data.aws_availability_zones.available.names, 0)
  map_public_ip_on_launch = true
  tags = {
    Name = "${var.project_name}-ingress-subnet"
  }
}

resource "aws_subnet" "app_subnet" {
  vpc_id                  = aws_vpc.vnet.id
  cidr_block              = "10.0.2.0/24"
  availability_zone       = element(data.aws_availability_zones.available.names, 1)
  map_public_ip_on_launch = false
  tags = {
    Name = "${var.project_name}-app-subnet"
  }
}

resource "aws_subnet" "data_subnet" {
  vpc_id                  = aws_vpc.vnet.id
  cidr_block              = "10.0.3.0/24"
  availability_zone       = element(data.aws_availability_zones.available.names, 2)
  map_public_ip_on_launch = false
  tags = {
    Name = "${var.project_name}-data-subnet"
  }
}

resource "aws_security_group" "azure_application_gateway" {
  name        = "${var.project_name}-azure-application-gateway"
  description = "Azure Application Gateway (application_gateway)"
  vpc_id      = aws_vpc.vnet.id
  tags = {
    Name = "${var.project_name}-azure-application-gateway"
  }
}

resource "aws_vpc_security_group_egress_rule" "azure_application_gateway_all" {
  security_group_id = aws_security_group.azure_application_gateway.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "azure_application_gateway_from_internet" {
  security_group_id = aws_security_group.azure_application_gateway.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "azure_vm" {
  name        = "${var.project_name}-azure-vm"
  description = "Azure VM (virtual_machine)"
  vpc_id      = aws_vpc.vnet.id
  tags = {
    Name = "${var.project_name}-azure-vm"
  }
}

resource "aws_vpc_security_group_egress_rule" "azure_vm_all" {
  security_group_id = aws_security_group.azure_vm.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "azure_vm_from_azure_application_gateway" {
  security_group_id            = aws_security_group.azure_vm.id
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  referenced_security_group_id = aws_security_group.azure_application_gateway.id
}

resource "aws_security_group" "azure_database_for_postgresql" {
  name        = "${var.project_name}-azure-database-for-postgresql"
  description = "Azure Database for PostgreSQL (relational_database)"
  vpc_id      = aws_vpc.vnet.id
  tags = {
    Name = "${var.project_name}-azure-database-for-postgresql"
  }
}

resource "aws_vpc_security_group_egress_rule" "azure_database_for_postgresql_all" {
  security_group_id = aws_security_group.azure_database_for_postgresql.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "azure_database_for_postgresql_from_azure_vm" {
  security_group_id            = aws_security_group.azure_database_for_postgresql.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.azure_vm.id
}

resource "aws_lb" "azure_application_gateway" {
  name               = substr("${var.project_name}-azure-application-gateway", 0, 32)
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.azure_application_gateway.id]
  subnets            = [aws_subnet.ingress_subnet.id, aws_subnet.app_subnet.id, aws_subnet.data_subnet.id]
}

resource "aws_lb_target_group" "azure_application_gateway_azure_vm" {
  name        = substr("${var.project_name}-azure-application-gateway-azure-vm", 0, 32)
  target_type = "instance"
  port        = 80
  protocol    = "HTTP"
  vpc_id      = aws_vpc.vnet.id
}

resource "aws_lb_target_group_attachment" "azure_application_gateway_azure_vm" {
  target_group_arn = aws_lb_target_group.azure_application_gateway_azure_vm.arn
  target_id        = aws_instance.azure_vm.id
  port             = 80
}

resource "aws_lb_listener" "azure_application_gateway" {
  load_balancer_arn = aws_lb.azure_application_gateway.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.azure_application_gateway_azure_vm.arn
  }
}

resource "aws_iam_role" "azure_vm" {
  name               = "${var.project_name}-azure-vm"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "azure_vm" {
  name   = "${var.project_name}-azure-vm-access"
  role   = aws_iam_role.azure_vm.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"], Resource = [aws_s3_bucket.azure_blob_storage.arn, "${aws_s3_bucket.azure_blob_storage.arn}/*"] }] })
}

resource "aws_iam_instance_profile" "azure_vm" {
  name = "${var.project_name}-azure-vm"
  role = aws_iam_role.azure_vm.name
}

resource "aws_instance" "azure_vm" {
  ami                    = data.aws_ssm_parameter.al2023.value
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app_subnet.id
  vpc_security_group_ids = [aws_security_group.azure_vm.id]
  iam_instance_profile   = aws_iam_instance_profile.azure_vm.name
  user_data              = "#!/bin/bash\necho \"AZURE_DATABASE_FOR_POSTGRESQL_HOST=${aws_db_instance.azure_database_for_postgresql.address}\" >> /etc/environment\necho \"AZURE_DATABASE_FOR_POSTGRESQL_PORT=5432\" >> /etc/environment\necho \"AZURE_BLOB_STORAGE_BUCKET=${aws_s3_bucket.azure_blob_storage.bucket}\" >> /etc/environment\n"
  tags = {
    Name = "${var.project_name}-azure-vm"
  }

  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_db_subnet_group" "azure_database_for_postgresql" {
  name       = "${var.project_name}-azure-database-for-postgresql"
  subnet_ids = [aws_subnet.ingress_subnet.id, aws_subnet.app_subnet.id, aws_subnet.data_subnet.id]
}

resource "aws_db_instance" "azure_database_for_postgresql" {
  identifier                = "${var.project_name}-azure-database-for-postgresql"
  engine                    = "postgres"
  engine_version            = "16"
  instance_class            = "db.t4g.micro"
  allocated_storage         = 20
  storage_encrypted         = true
  db_subnet_group_name      = aws_db_subnet_group.azure_database_for_postgresql.name
  vpc_security_group_ids    = [aws_security_group.azure_database_for_postgresql.id]
  username                  = var.db_admin_username
  password                  = var.db_admin_password
  publicly_accessible       = false
  multi_az                  = false
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.project_name}-azure-database-for-postgresql-final"
}

resource "aws_s3_bucket" "azure_blob_storage" {
  bucket_prefix = substr("${var.project_name}-azure-blob-storage-", 0, 37)
}

resource "aws_s3_bucket_public_access_block" "azure_blob_storage" {
  bucket                  = aws_s3_bucket.azure_blob_storage.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
