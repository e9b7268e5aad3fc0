output "vnet_id" {
  value = aws_vpc.vnet.id
}

output "ingress_subnet_id" {
  value = aws_subnet.ingress_subnet.id
}

output "app_subnet_id" {
  value = aws_subnet.app_subnet.id
}

output "data_subnet_id" {
  value = aws_subnet.data_subnet.id
}

output "azure_application_gateway_dns_name" {
  value = aws_lb.azure_application_gateway.dns_name
}

output "azure_vm_id" {
  value = aws_instance.azure_vm.id
}

output "azure_database_for_postgresql_address" {
  value = aws_db_instance.azure_database_for_postgresql.address
}

output "azure_blob_storage_bucket" {
  value = aws_s3_bucket.azure_blob_storage.bucket
}
