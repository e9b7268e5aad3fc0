using './main.bicep'

param projectName = 'shop'
param location = 'eastus'
param adminSshPublicKey = readEnvironmentVariable('ADMIN_SSH_PUBLIC_KEY')
param dbAdminUsername = 'dbadmin'
param dbAdminPassword = readEnvironmentVariable('DB_ADMIN_PASSWORD')
