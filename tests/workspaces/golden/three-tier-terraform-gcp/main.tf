resource "google_compute_network" "vnet" {
  name                    = "${var.project_name}-vnet"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "ingress_subnet" {
  name                     = "${var.project_name}-ingress-subnet"
  region                   = var.region
  network                  = google_compute_network.vnet.id
  ip_cidr_range            = "10.0.1.0/24"
  private_ip_google_access = true
}

resource "google_compute_subnetwork" "app_subnet" {
  name                     = "${var.project_name}-app-subnet"
  region                   = var.region
  network                  = google_compute_network.vnet.id
  ip_cidr_range            = "10.0.2.0/24"
  private_ip_google_access = true
}

resource "google_compute_subnetwork" "data_subnet" {
  name                     = "${var.project_name}-data-subnet"
  region                   = var.region
  network                  = google_compute_network.vnet.id
  ip_cidr_range            = "10.0.3.0/24"
  private_ip_google_access = true
}

resource "google_compute_firewall" "azure_vm_from_azure_application_gateway" {
  name          = substr("${var.project_name}-azure-vm-from-azure-application-gateway", 0, 63)
  network       = google_compute_network.vnet.id
  direction     = "INGRESS"
  target_tags   = ["azure-vm"]
  source_ranges = ["35.191.0.0/16", "130.211.0.0/22"]

  allow {
    protocol = "tcp"
    ports    = ["80"]
  }
}

resource "google_compute_instance_group" "azure_application_gateway_azure_vm" {
  name      = substr("${var.project_name}-azure-application-gateway-azure-vm", 0, 63)
  zone      = "${var.region}-a"
  instances = [google_compute_instance.azure_vm.self_link]

  named_port {
    name = "http"
    port = 80
  }
}

resource "google_compute_health_check" "azure_application_gateway_azure_vm" {
  name = substr("${var.project_name}-azure-application-gateway-azure-vm", 0, 63)

  tcp_health_check {
    port = 80
  }
}

resource "google_compute_backend_service" "azure_application_gateway_azure_vm" {
  name          = substr("${var.project_name}-azure-application-gateway-azure-vm", 0, 63)
  protocol      = "HTTP"
  port_name     = "http"
  health_checks = [google_compute_health_check.azure_application_gateway_azure_vm.id]

  backend {
    group = google_compute_instance_group.azure_application_gateway_azure_vm.id
  }

  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_compute_global_address" "azure_application_gateway" {
  name = "${var.project_name}-azure-application-gateway"
}

resource "google_compute_url_map" "azure_application_gateway" {
  name            = "${var.project_name}-azure-application-gateway"
  default_service = google_compute_backend_service.azure_application_gateway_azure_vm.id
}

resource "google_compute_target_http_proxy" "azure_application_gateway" {
  name    = "${var.project_name}-azure-application-gateway"
  url_map = google_compute_url_map.azure_application_gateway.id
}

resource "google_compute_global_forwarding_rule" "azure_application_gateway" {
  name                  = "${var.project_name}-azure-application-gateway"
  target                = google_compute_target_http_proxy.azure_application_gateway.id
  port_range            = "80"
  ip_address            = google_compute_global_address.azure_application_gateway.address
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_service_account" "azure_vm" {
  account_id   = substr("${var.project_name}-azure-vm", 0, 30)
  display_name = "Azure VM"
}

resource "google_project_iam_member" "azure_vm_azure_database_for_postgresql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.azure_vm.email}"
}

resource "google_storage_bucket_iam_member" "azure_vm_azure_blob_storage" {
  bucket = google_storage_bucket.azure_blob_storage.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.azure_vm.email}"
}

resource "google_compute_instance" "azure_vm" {
  name                    = "${var.project_name}-azure-vm"
  machine_type            = "e2-small"
  zone                    = "${var.region}-a"
  tags                    = ["azure-vm"]
  metadata_startup_script = "#!/bin/bash\necho \"AZURE_DATABASE_FOR_POSTGRESQL_HOST=${google_sql_database_instance.azure_database_for_postgresql.private_ip_address}\" >> /etc/environment\necho \"AZURE_DATABASE_FOR_POSTGRESQL_PORT=5432\" >> /etc/environment\necho \"AZURE_BLOB_STORAGE_BUCKET=${google_storage_bucket.azure_blob_storage.name}\" >> /etc/environment\n"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.app_subnet.id
  }

  service_account {
    email  = google_service_account.azure_vm.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot = true
  }
}

resource "google_compute_global_address" "vnet_private_services" {
  name          = "${var.project_name}-vnet-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.vnet.id
}

resource "google_service_networking_connection" "vnet_private_services" {
  network                 = google_compute_network.vnet.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.vnet_private_services.name]
}

resource "google_sql_database_instance" "azure_database_for_postgresql" {
  name                = "${var.project_name}-azure-database-for-postgresql"
  region              = var.region
  database_version    = "POSTGRES_16"
  deletion_protection = true
  depends_on          = [google_service_networking_connection.vnet_private_services]

  settings {
    tier              = "db-custom-1-3840"
    availability_type = "ZONAL"

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.vnet.id
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }
  }
}

resource "google_sql_user" "azure_database_for_postgresql" {
  instance = google_sql_database_instance.azure_database_for_postgresql.name
  name     = var.db_admin_username
  password = var.db_admin_password
}

resource "google_storage_bucket" "azure_blob_storage" {
  name                        = substr("${var.project_id}-${var.project_name}-azure-blob-storage", 0, 63)
  location                    = upper(var.region)
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }
}
