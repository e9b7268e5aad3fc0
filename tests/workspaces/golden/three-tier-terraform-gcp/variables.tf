variable "project_name" {
  type        = string
  description = "Prefix of every resource name."
  default     = "shop"
}

variable "project_id" {
  type        = string
  description = "Google Cloud project to deploy into."
}

variable "region" {
  type        = string
  description = "GCP region."
  default     = "us-central1"

  validation {
    condition     = contains(["us-central1", "us-east1", "us-east4", "us-east5", "us-west1", "us-west2", "us-west3", "us-west4", "us-south1", "northamerica-northeast1", "northamerica-northeast2", "southamerica-east1", "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6", "europe-north1", "europe-central2", "asia-east1", "asia-east2", "asia-northeast1", "asia-south1", "asia-southeast1", "australia-southeast1", "me-west1"], var.region)
    error_message = "Choose a supported GCP region."
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
