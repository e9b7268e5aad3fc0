variable "project_name" {
  type        = string
  description = "Prefix of every resource name."
  default     = "shop"
}

variable "subscription_id" {
  type        = string
  description = "Azure subscription to deploy into."
}

variable "region" {
  type        = string
  description = "Azure region."
  default     = "eastus"

  validation {
    condition     = contains(["eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus", "westus", "westus2", "westus3", "canadacentral", "canadaeast", "brazilsouth", "northeurope", "westeurope", "uksouth", "ukwest", "francecentral", "germanywestcentral", "norwayeast", "switzerlandnorth", "swedencentral", "polandcentral", "italynorth", "spaincentral", "uaenorth", "qatarcentral", "israelcentral", "southafricanorth", "australiaeast", "australiasoutheast", "centralindia", "southindia", "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral"], var.region)
    error_message = "Choose a supported Azure region."
  }
}

variable "admin_ssh_public_key" {
  type        = string
  description = "SSH public key of the virtual machines' admin user."
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
