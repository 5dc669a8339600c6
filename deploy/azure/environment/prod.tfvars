# Production: zone-redundant database and web plan, geo-redundant backups, ZRS storage. Separate state.
stage                          = "prod"
location                       = "westeurope"
openai_location                = "swedencentral"
unique_suffix                  = "p4m9"
address_space                  = "10.120.0.0/20"
site_hostname                  = "interviews.example.com"
container_image                = "example.azurecr.io/interview-analyzer@sha256:0000000000000000000000000000000000000000000000000000000000000000"
postgres_sku                   = "GP_Standard_D4ds_v5"
postgres_storage_mb            = 131072
postgres_admin_group_object_id = "00000000-0000-0000-0000-000000000000"
postgres_admin_group_name      = "interview-analyzer-prod-db-admins"
redis_sku                      = "Premium"
redis_capacity                 = 1
web_sku                        = "P1v3"
web_instances                  = 2
worker_replicas                = 2
openai_capacity                = 30
# Outputs of ../hub:
hub_vnet_id             = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ia-hub-rg/providers/Microsoft.Network/virtualNetworks/ia-hub-vnet"
hub_vnet_name           = "ia-hub-vnet"
hub_resource_group_name = "ia-hub-rg"
vpn_client_address_pool = "172.16.200.0/24"
private_dns_zone_ids = {
  "privatelink.postgres.database.azure.com" = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ia-hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com"
  "privatelink.blob.core.windows.net"       = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ia-hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
  "privatelink.redis.cache.windows.net"     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ia-hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.redis.cache.windows.net"
  "privatelink.openai.azure.com"            = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ia-hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com"
  "privatelink.vaultcore.azure.net"         = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ia-hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
  "privatelink.azurewebsites.net"           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ia-hub-rg/providers/Microsoft.Network/privateDnsZones/privatelink.azurewebsites.net"
}
