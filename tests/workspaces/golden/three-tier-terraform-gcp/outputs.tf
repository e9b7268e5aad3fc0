output "vnet_id" {
  value = google_compute_network.vnet.id
}

output "ingress_subnet_id" {
  value = google_compute_subnetwork.ingress_subnet.id
}

output "app_subnet_id" {
  value = google_compute_subnetwork.app_subnet.id
}

output "data_subnet_id" {
  value = google_compute_subnetwork.data_subnet.id
}

output "azure_application_gateway_address" {
  value = google_compute_global_address.azure_application_gateway.address
}

output "azure_vm_id" {
  value = google_compute_instance.azure_vm.id
}

output "azure_database_for_postgresql_private_ip" {
  value = google_sql_database_instance.azure_database_for_postgresql.private_ip_address
}

output "azure_blob_storage_name" {
  value = google_storage_bucket.azure_blob_storage.name
}
