variable "project_name" {
  type        = string
  description = "Prefix of every resource name."
  default     = "shop"
}

variable "region" {
  type        = string
  description = "AWS region."
  default     = "us-east-1"

  validation {
    condition     = contains(["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "me-south-1", "af-south-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-east-1"], var.region)
    error_message = "Choose a supported AWS region."
  }
}

variable "db_admin_username" {
  type        = string
  description = "Administrator login of the databases."
  default     = "dbadmin"
}

variable "db_admin_password" {
  type        = string
  description = "Administrator password of the databases."
  sensitive   = true
}
