resource "azurerm_resource_group" "main" {
  name     = "${var.project_name}-rg"
  location = var.region
  tags = {
    Project   = var.project_name
    ManagedBy = "blocksmith"
  }
}

resource "azurerm_virtual_network" "vnet" {
  name                = "${var.project_name}-vnet"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "ingress_subnet" {
  name                 = "${var.project_name}-ingress-subnet"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "app_subnet" {
  name                 = "${var.project_name}-app-subnet"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_subnet" "data_subnet" {
  name                 = "${var.project_name}-data-subnet"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.0.3.0/24"]
}

resource "azurerm_network_security_group" "ingress_subnet_nsg" {
  name                = "${var.project_name}-ingress-subnet-nsg"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
}

resource "azurerm_subnet_network_security_group_association" "ingress_subnet" {
  subnet_id                 = azurerm_subnet.ingress_subnet.id
  network_security_group_id = azurerm_network_security_group.ingress_subnet_nsg.id
}

resource "azurerm_network_security_rule" "ingress_subnet_from_internet_80" {
  name                        = "ingress-subnet-from-internet-80"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "80"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.ingress_subnet_nsg.name
}

resource "azurerm_network_security_rule" "ingress_subnet_from_gateway_manager_65200" {
  name                        = "ingress-subnet-from-gateway-manager-65200"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "65200-65535"
  source_address_prefix       = "GatewayManager"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.ingress_subnet_nsg.name
}

resource "azurerm_network_security_group" "app_subnet_nsg" {
  name                = "${var.project_name}-app-subnet-nsg"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
}

resource "azurerm_subnet_network_security_group_association" "app_subnet" {
  subnet_id                 = azurerm_subnet.app_subnet.id
  network_security_group_id = azurerm_network_security_group.app_subnet_nsg.id
}

resource "azurerm_network_security_rule" "app_subnet_from_ingress_subnet_80" {
  name                        = "app-subnet-from-ingress-subnet-80"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "80"
  source_address_prefix       = "10.0.1.0/24"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.app_subnet_nsg.name
}

resource "azurerm_network_security_group" "data_subnet_nsg" {
  name                = "${var.project_name}-data-subnet-nsg"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
}

resource "azurerm_subnet_network_security_group_association" "data_subnet" {
  subnet_id                 = azurerm_subnet.data_subnet.id
  network_security_group_id = azurerm_network_security_group.data_subnet_nsg.id
}

resource "azurerm_network_security_rule" "data_subnet_from_app_subnet_5432" {
  name                        = "data-subnet-from-app-subnet-5432"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "5432"
  source_address_prefix       = "10.0.2.0/24"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.data_subnet_nsg.name
}

resource "azurerm_network_security_rule" "data_subnet_from_app_subnet_443" {
  name                        = "data-subnet-from-app-subnet-443"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "443"
  source_address_prefix       = "10.0.2.0/24"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.data_subnet_nsg.name
}

resource "azurerm_public_ip" "azure_application_gateway_ip" {
  name                = "${var.project_name}-azure-application-gateway-ip"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_application_gateway" "azure_application_gateway" {
  name                = "${var.project_name}-azure-application-gateway"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location

  sku {
    name     = "Standard_v2"
    tier     = "Standard_v2"
    capacity = 2
  }

  gateway_ip_configuration {
    name      = "gateway"
    subnet_id = azurerm_subnet.ingress_subnet.id
  }

  frontend_port {
    name = "http"
    port = 80
  }

  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.azure_application_gateway_ip.id
  }

  http_listener {
    name                           = "http"
    frontend_ip_configuration_name = "public"
    frontend_port_name             = "http"
    protocol                       = "Http"
  }

  backend_address_pool {
    name = "azure_vm"
  }

  backend_http_settings {
    name                  = "azure_vm"
    cookie_based_affinity = "Disabled"
    port                  = 80
    protocol              = "Http"
    request_timeout       = 30
  }

  request_routing_rule {
    name                       = "http"
    priority                   = 10
    http_listener_name         = "http"
    rule_type                  = "Basic"
    backend_address_pool_name  = "azure_vm"
    backend_http_settings_name = "azure_vm"
  }
}

resource "azurerm_network_interface_application_gateway_backend_address_pool_association" "azure_application_gateway_azure_vm" {
  network_interface_id    = azurerm_network_interface.azure_vm.id
  ip_configuration_name   = "internal"
  backend_address_pool_id = [for pool in azurerm_application_gateway.azure_application_gateway.backend_address_pool : pool.id if pool.name == "azure_vm"][0]
}

resource "azurerm_network_interface" "azure_vm" {
  name                = "${var.project_name}-azure-vm-nic"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.app_subnet.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_linux_virtual_machine" "azure_vm" {
  name                  = "${var.project_name}-azure-vm"
  resource_group_name   = azurerm_resource_group.main.name
  location              = azurerm_resource_group.main.location
  size                  = "Standard_B2s"
  admin_username        = "azureuser"
  network_interface_ids = [azurerm_network_interface.azure_vm.id]
  custom_data           = base64encode("#!/bin/bash\necho \"AZURE_DATABASE_FOR_POSTGRESQL_HOST=${azurerm_postgresql_flexible_server.azure_database_for_postgresql.fqdn}\" >> /etc/environment\necho \"AZURE_DATABASE_FOR_POSTGRESQL_PORT=5432\" >> /etc/environment\necho \"AZURE_BLOB_STORAGE_ACCOUNT_URL=${azurerm_storage_account.azure_blob_storage.primary_blob_endpoint}\" >> /etc/environment\n")

  admin_ssh_key {
    username   = "azureuser"
    public_key = var.admin_ssh_public_key
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Standard_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "ubuntu-24_04-lts"
    sku       = "server"
    version   = "latest"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "azure_vm_azure_blob_storage" {
  scope                = azurerm_storage_account.azure_blob_storage.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_linux_virtual_machine.azure_vm.identity[0].principal_id
}

resource "azurerm_postgresql_flexible_server" "azure_database_for_postgresql" {
  name                          = "${var.project_name}-azure-database-for-postgresql"
  resource_group_name           = azurerm_resource_group.main.name
  location                      = azurerm_resource_group.main.location
  version                       = "16"
  sku_name                      = "B_Standard_B1ms"
  storage_mb                    = 32768
  administrator_login           = var.db_admin_username
  administrator_password        = var.db_admin_password
  public_network_access_enabled = false
  backup_retention_days         = 7
}

resource "azurerm_private_dns_zone" "privatelink_postgresqlserver" {
  name                = "privatelink.postgres.database.azure.com"
  resource_group_name = azurerm_resource_group.main.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "privatelink_postgresqlserver_vnet" {
  name                  = "vnet"
  resource_group_name   = azurerm_resource_group.main.name
  private_dns_zone_name = azurerm_private_dns_zone.privatelink_postgresqlserver.name
  virtual_network_id    = azurerm_virtual_network.vnet.id
}

resource "azurerm_private_endpoint" "azure_database_for_postgresql_endpoint" {
  name                = "${var.project_name}-azure-database-for-postgresql-endpoint"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  subnet_id           = azurerm_subnet.data_subnet.id

  private_service_connection {
    name                           = "${var.project_name}-azure-database-for-postgresql-endpoint-psc"
    private_connection_resource_id = azurerm_postgresql_flexible_server.azure_database_for_postgresql.id
    subresource_names              = ["postgresqlServer"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [azurerm_private_dns_zone.privatelink_postgresqlserver.id]
  }
}

resource "azurerm_storage_account" "azure_blob_storage" {
  name                            = substr(replace("${var.project_name}-azure-blob-storage", "-", ""), 0, 24)
  resource_group_name             = azurerm_resource_group.main.name
  location                        = azurerm_resource_group.main.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false
}

resource "azurerm_private_dns_zone" "privatelink_blob" {
  name                = "privatelink.blob.core.windows.net"
  resource_group_name = azurerm_resource_group.main.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "privatelink_blob_vnet" {
  name                  = "vnet"
  resource_group_name   = azurerm_resource_group.main.name
  private_dns_zone_name = azurerm_private_dns_zone.privatelink_blob.name
  virtual_network_id    = azurerm_virtual_network.vnet.id
}

resource "azurerm_private_endpoint" "azure_blob_storage_endpoint" {
  name                = "${var.project_name}-azure-blob-storage-endpoint"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  subnet_id           = azurerm_subnet.data_subnet.id

  private_service_connection {
    name                           = "${var.project_name}-azure-blob-storage-endpoint-psc"
    private_connection_resource_id = azurerm_storage_account.azure_blob_storage.id
    subresource_names              = ["blob"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [azurerm_private_dns_zone.privatelink_blob.id]
  }
}
