output "vnet_id" {
  value = azurerm_virtual_network.vnet.id
}

output "ingress_subnet_id" {
  value = azurerm_subnet.ingress_subnet.id
}

output "app_subnet_id" {
  value = azurerm_subnet.app_subnet.id
}

output "data_subnet_id" {
  value = azurerm_subnet.data_subnet.id
}

output "azure_application_gateway_ip_address" {
  value = azurerm_public_ip.azure_application_gateway_ip.ip_address
}

output "azure_vm_id" {
  value = azurerm_linux_virtual_machine.azure_vm.id
}

output "azure_database_for_postgresql_fqdn" {
  value = azurerm_postgresql_flexible_server.azure_database_for_postgresql.fqdn
}

output "azure_blob_storage_blob_endpoint" {
  value = azurerm_storage_account.azure_blob_storage.primary_blob_endpoint
}
