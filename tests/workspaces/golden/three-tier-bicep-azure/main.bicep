targetScope = 'resourceGroup'

@description('Prefix of every resource name.')
param projectName string = 'shop'

@description('Azure region.')
@allowed([
  'eastus'
  'eastus2'
  'centralus'
  'northcentralus'
  'southcentralus'
  'westcentralus'
  'westus'
  'westus2'
  'westus3'
  'canadacentral'
  'canadaeast'
  'brazilsouth'
  'northeurope'
  'westeurope'
  'uksouth'
  'ukwest'
  'francecentral'
  'germanywestcentral'
  'norwayeast'
  'switzerlandnorth'
  'swedencentral'
  'polandcentral'
  'italynorth'
  'spaincentral'
  'uaenorth'
  'qatarcentral'
  'israelcentral'
  'southafricanorth'
  'australiaeast'
  'australiasoutheast'
  'centralindia'
  'southindia'
  'eastasia'
  'southeastasia'
  'japaneast'
  'japanwest'
  'koreacentral'
])
param location string = 'eastus'

@description('SSH public key of the virtual machines\' admin user.')
param adminSshPublicKey string

@description('Administrator login of the databases.')
param dbAdminUsername string = 'dbadmin'

@description('Administrator password of the databases.')
@secure()
param dbAdminPassword string

var ingress_subnet_nsg_rules = [
  {
    name: 'from-internet-80'
    properties: {
      priority: 100
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourcePortRange: '*'
      destinationPortRange: '80'
      sourceAddressPrefix: 'Internet'
      destinationAddressPrefix: '*'
    }
  }
  {
    name: 'from-gateway-manager-65200'
    properties: {
      priority: 110
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourcePortRange: '*'
      destinationPortRange: '65200-65535'
      sourceAddressPrefix: 'GatewayManager'
      destinationAddressPrefix: '*'
    }
  }
]

var app_subnet_nsg_rules = [
  {
    name: 'from-ingress-subnet-80'
    properties: {
      priority: 100
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourcePortRange: '*'
      destinationPortRange: '80'
      sourceAddressPrefix: '10.0.1.0/24'
      destinationAddressPrefix: '*'
    }
  }
]

var data_subnet_nsg_rules = [
  {
    name: 'from-app-subnet-5432'
    properties: {
      priority: 100
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourcePortRange: '*'
      destinationPortRange: '5432'
      sourceAddressPrefix: '10.0.2.0/24'
      destinationAddressPrefix: '*'
    }
  }
  {
    name: 'from-app-subnet-443'
    properties: {
      priority: 110
      direction: 'Inbound'
      access: 'Allow'
      protocol: 'Tcp'
      sourcePortRange: '*'
      destinationPortRange: '443'
      sourceAddressPrefix: '10.0.2.0/24'
      destinationAddressPrefix: '*'
    }
  }
]

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: '${projectName}-vnet'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.0.0.0/16'
      ]
    }
  }
}

resource ingress_subnet 'Microsoft.Network/virtualNetworks/subnets@2023-11-01' = {
  parent: vnet
  name: '${projectName}-ingress-subnet'
  properties: {
    addressPrefix: '10.0.1.0/24'
    networkSecurityGroup: {
      id: ingress_subnet_nsg.id
    }
  }
}

resource ingress_subnet_nsg 'Microsoft.Network/networkSecurityGroups@2023-11-01' = {
  name: '${projectName}-ingress-subnet-nsg'
  location: location
  properties: {
    securityRules: ingress_subnet_nsg_rules
  }
}

resource app_subnet 'Microsoft.Network/virtualNetworks/subnets@2023-11-01' = {
  parent: vnet
  name: '${projectName}-app-subnet'
  properties: {
    addressPrefix: '10.0.2.0/24'
    networkSecurityGroup: {
      id: app_subnet_nsg.id
    }
  }
  dependsOn: [
    ingress_subnet
  ]
}

resource app_subnet_nsg 'Microsoft.Network/networkSecurityGroups@2023-11-01' = {
  name: '${projectName}-app-subnet-nsg'
  location: location
  properties: {
    securityRules: app_subnet_nsg_rules
  }
}

resource data_subnet 'Microsoft.Network/virtualNetworks/subnets@2023-11-01' = {
  parent: vnet
  name: '${projectName}-data-subnet'
  properties: {
    addressPrefix: '10.0.3.0/24'
    networkSecurityGroup: {
      id: data_subnet_nsg.id
    }
  }
  dependsOn: [
    app_subnet
  ]
}

resource data_subnet_nsg 'Microsoft.Network/networkSecurityGroups@2023-11-01' = {
  name: '${projectName}-data-subnet-nsg'
  location: location
  properties: {
    securityRules: data_subnet_nsg_rules
  }
}

resource azure_application_gateway_ip 'Microsoft.Network/publicIPAddresses@2023-11-01' = {
  name: '${projectName}-azure-application-gateway-ip'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource azure_application_gateway 'Microsoft.Network/applicationGateways@2023-11-01' = {
  name: '${projectName}-azure-application-gateway'
  location: location
  properties: {
    sku: {
      name: 'Standard_v2'
      tier: 'Standard_v2'
      capacity: 2
    }
    gatewayIPConfigurations: [
      {
        name: 'gateway'
        properties: {
          subnet: {
            id: ingress_subnet.id
          }
        }
      }
    ]
    frontendIPConfigurations: [
      {
        name: 'public'
        properties: {
          publicIPAddress: {
            id: azure_application_gateway_ip.id
          }
        }
      }
    ]
    frontendPorts: [
      {
        name: 'http'
        properties: {
          port: 80
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'azure_vm'
        properties: {
          backendAddresses: []
        }
      }
    ]
    backendHttpSettingsCollection: [
      {
        name: 'azure_vm'
        properties: {
          port: 80
          protocol: 'Http'
          cookieBasedAffinity: 'Disabled'
          requestTimeout: 30
        }
      }
    ]
    httpListeners: [
      {
        name: 'http'
        properties: {
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/applicationGateways/frontendIPConfigurations', '${projectName}-azure-application-gateway', 'public')
          }
          frontendPort: {
            id: resourceId('Microsoft.Network/applicationGateways/frontendPorts', '${projectName}-azure-application-gateway', 'http')
          }
          protocol: 'Http'
        }
      }
    ]
    requestRoutingRules: [
      {
        name: 'http'
        properties: {
          priority: 10
          httpListener: {
            id: resourceId('Microsoft.Network/applicationGateways/httpListeners', '${projectName}-azure-application-gateway', 'http')
          }
          ruleType: 'Basic'
          backendAddressPool: {
            id: resourceId('Microsoft.Network/applicationGateways/backendAddressPools', '${projectName}-azure-application-gateway', 'azure_vm')
          }
          backendHttpSettings: {
            id: resourceId('Microsoft.Network/applicationGateways/backendHttpSettingsCollection', '${projectName}-azure-application-gateway', 'azure_vm')
          }
        }
      }
    ]
  }
}

resource azure_vm_nic 'Microsoft.Network/networkInterfaces@2023-11-01' = {
  name: '${projectName}-azure-vm-nic'
  location: location
  properties: {
    ipConfigurations: [
      {
        name: 'internal'
        properties: {
          subnet: {
            id: app_subnet.id
          }
          privateIPAllocationMethod: 'Dynamic'
          applicationGatewayBackendAddressPools: [
            {
              id: resourceId('Microsoft.Network/applicationGateways/backendAddressPools', '${projectName}-azure-application-gateway', 'azure_vm')
            }
          ]
        }
      }
    ]
  }
  dependsOn: [
    azure_application_gateway
  ]
}

resource azure_vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: '${projectName}-azure-vm'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    hardwareProfile: {
      vmSize: 'Standard_B2s'
    }
    osProfile: {
      computerName: 'azure-vm'
      adminUsername: 'azureuser'
      linuxConfiguration: {
        disablePasswordAuthentication: true
        ssh: {
          publicKeys: [
            {
              path: '/home/azureuser/.ssh/authorized_keys'
              keyData: adminSshPublicKey
            }
          ]
        }
      }
      customData: base64('#!/bin/bash\necho "AZURE_DATABASE_FOR_POSTGRESQL_HOST=${azure_database_for_postgresql.properties.fullyQualifiedDomainName}" >> /etc/environment\necho "AZURE_DATABASE_FOR_POSTGRESQL_PORT=5432" >> /etc/environment\necho "AZURE_BLOB_STORAGE_ACCOUNT_URL=${azure_blob_storage.properties.primaryEndpoints.blob}" >> /etc/environment\n')
    }
    storageProfile: {
      imageReference: {
        publisher: 'Canonical'
        offer: 'ubuntu-24_04-lts'
        sku: 'server'
        version: 'latest'
      }
      osDisk: {
        createOption: 'FromImage'
        managedDisk: {
          storageAccountType: 'Standard_LRS'
        }
      }
    }
    networkProfile: {
      networkInterfaces: [
        {
          id: azure_vm_nic.id
        }
      ]
    }
  }
}

resource azure_vm_azure_blob_storage_role 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(azure_blob_storage.id, azure_vm.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: azure_blob_storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: azure_vm.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource azure_database_for_postgresql 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${projectName}-azure-database-for-postgresql'
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: dbAdminUsername
    administratorLoginPassword: dbAdminPassword
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
    }
    network: {
      publicNetworkAccess: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource privatelink_postgresqlserver 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.postgres.database.azure.com'
  location: 'global'
}

resource privatelink_postgresqlserver_vnet 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: privatelink_postgresqlserver
  name: 'vnet'
  location: 'global'
  properties: {
    virtualNetwork: {
      id: vnet.id
    }
    registrationEnabled: false
  }
}

resource azure_database_for_postgresql_endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: '${projectName}-azure-database-for-postgresql-endpoint'
  location: location
  properties: {
    subnet: {
      id: data_subnet.id
    }
    privateLinkServiceConnections: [
      {
        name: 'connection'
        properties: {
          privateLinkServiceId: azure_database_for_postgresql.id
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }
}

resource azure_database_for_postgresql_endpoint_zone 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = {
  parent: azure_database_for_postgresql_endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'config'
        properties: {
          privateDnsZoneId: privatelink_postgresqlserver.id
        }
      }
    ]
  }
}

resource azure_blob_storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(replace(toLower('${projectName}azure-blob-storage'), '-', ''), 24)
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    publicNetworkAccess: 'Disabled'
  }
}

resource privatelink_blob 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.blob.core.windows.net'
  location: 'global'
}

resource privatelink_blob_vnet 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: privatelink_blob
  name: 'vnet'
  location: 'global'
  properties: {
    virtualNetwork: {
      id: vnet.id
    }
    registrationEnabled: false
  }
}

resource azure_blob_storage_endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: '${projectName}-azure-blob-storage-endpoint'
  location: location
  properties: {
    subnet: {
      id: data_subnet.id
    }
    privateLinkServiceConnections: [
      {
        name: 'connection'
        properties: {
          privateLinkServiceId: azure_blob_storage.id
          groupIds: [
            'blob'
          ]
        }
      }
    ]
  }
}

resource azure_blob_storage_endpoint_zone 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = {
  parent: azure_blob_storage_endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'config'
        properties: {
          privateDnsZoneId: privatelink_blob.id
        }
      }
    ]
  }
}

output vnet_id string = vnet.id

output ingress_subnet_id string = ingress_subnet.id

output app_subnet_id string = app_subnet.id

output data_subnet_id string = data_subnet.id

output azure_application_gateway_ip_address string = azure_application_gateway_ip.properties.ipAddress

output azure_vm_id string = azure_vm.id

output azure_database_for_postgresql_fqdn string = azure_database_for_postgresql.properties.fullyQualifiedDomainName

output azure_blob_storage_blob_endpoint string = azure_blob_storage.properties.primaryEndpoints.blob
