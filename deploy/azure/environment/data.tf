# The data tier is private by construction (DEP-3): PostgreSQL, the candidate-data storage account, Redis, Azure OpenAI
# and Key Vault all have public network access disabled and are reachable only through private endpoints in the data
# subnet, resolved through the hub's private DNS zones. Storage and Azure OpenAI accept only Entra ID (the app's
# managed identity, no keys); PostgreSQL and Redis are reached with credentials kept in Key Vault (the product's
# database and broker URLs carry a password; Entra tokens for them are not supported by the product yet).

# --- PostgreSQL Flexible Server: private endpoint, no public access, TLS 1.2; Entra ID administrators ---------------

resource "random_password" "postgres_bootstrap" {
  length  = 40
  special = false
}

resource "azurerm_postgresql_flexible_server" "db" {
  #checkov:skip=CKV_AZURE_136:geo-redundant backups are on in prod (stage == prod); dev holds no production data
  name                          = "${local.name}-pg-${var.unique_suffix}"
  location                      = azurerm_resource_group.env.location
  resource_group_name           = azurerm_resource_group.env.name
  version                       = "16"
  sku_name                      = var.postgres_sku
  storage_mb                    = var.postgres_storage_mb
  auto_grow_enabled             = true
  backup_retention_days         = var.stage == "prod" ? 35 : 7
  geo_redundant_backup_enabled  = var.stage == "prod"
  public_network_access_enabled = false
  zone                          = "1"

  # Administrators sign in with Entra ID over the VPN; the application's own role (created by an administrator,
  # see deploy/README.md) uses a password stored only in Key Vault as DATABASE_URL.
  administrator_login    = "ia_bootstrap"
  administrator_password = random_password.postgres_bootstrap.result
  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = true
    tenant_id                     = data.azurerm_client_config.current.tenant_id
  }

  dynamic "high_availability" {
    for_each = var.stage == "prod" ? [1] : []
    content {
      mode                      = "ZoneRedundant"
      standby_availability_zone = "2"
    }
  }

  tags = local.tags
}

resource "azurerm_postgresql_flexible_server_active_directory_administrator" "db" {
  server_name         = azurerm_postgresql_flexible_server.db.name
  resource_group_name = azurerm_resource_group.env.name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  object_id           = var.postgres_admin_group_object_id
  principal_name      = var.postgres_admin_group_name
  principal_type      = "Group"
}

resource "azurerm_postgresql_flexible_server_configuration" "require_tls" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.db.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_configuration" "tls_version" {
  name      = "ssl_min_protocol_version"
  server_id = azurerm_postgresql_flexible_server.db.id
  value     = "TLSv1.2"
}

resource "azurerm_postgresql_flexible_server_configuration" "log_connections" {
  name      = "log_connections"
  server_id = azurerm_postgresql_flexible_server.db.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_configuration" "log_disconnections" {
  name      = "log_disconnections"
  server_id = azurerm_postgresql_flexible_server.db.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_configuration" "log_checkpoints" {
  name      = "log_checkpoints"
  server_id = azurerm_postgresql_flexible_server.db.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_configuration" "connection_throttling" {
  name      = "connection_throttle.enable"
  server_id = azurerm_postgresql_flexible_server.db.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_database" "app" {
  name      = "interview_analyzer"
  server_id = azurerm_postgresql_flexible_server.db.id
  charset   = "UTF8"
  collation = "en_US.utf8"
  lifecycle {
    prevent_destroy = true
  }
}

# --- Candidate-data storage: private, identity-only, soft delete -------------------------------------------------

resource "azurerm_storage_account" "private" {
  #checkov:skip=CKV_AZURE_206:prod uses ZRS, dev LRS: copies stay in the region so an erasure (RET-4) leaves no replica elsewhere; soft delete and versioning cover mistakes
  #checkov:skip=CKV_AZURE_33:the queue service is not used (Dramatiq runs on Redis)
  #checkov:skip=CKV2_AZURE_1:encrypted at rest with platform-managed AES-256 plus infrastructure (double) encryption; customer-managed keys are an operator option, see deploy/README.md
  name                              = "${local.compact}data"
  location                          = azurerm_resource_group.env.location
  resource_group_name               = azurerm_resource_group.env.name
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = var.stage == "prod" ? "ZRS" : "LRS"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  shared_access_key_enabled         = false # only managed identities with role assignments (DEP-1)
  default_to_oauth_authentication   = true
  public_network_access_enabled     = false
  allow_nested_items_to_be_public   = false
  cross_tenant_replication_enabled  = false
  infrastructure_encryption_enabled = true
  local_user_enabled                = false
  sftp_enabled                      = false

  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = var.blob_soft_delete_days
    }
    container_delete_retention_policy {
      days = var.blob_soft_delete_days
    }
  }

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  sas_policy {
    expiration_period = "00.01:00:00"
  }

  tags = local.tags
}

resource "azurerm_storage_container" "candidates" {
  #checkov:skip=CKV2_AZURE_21:blob reads, writes and deletes are logged through diagnostic settings (logging.tf); storage insights would need an account key, which is disabled
  name                  = "interview-analyzer"
  storage_account_id    = azurerm_storage_account.private.id
  container_access_type = "private"
}

# --- Redis: TLS only, private endpoint --------------------------------------------------------------------------------

resource "azurerm_redis_cache" "broker" {
  name                          = "${local.name}-redis-${var.unique_suffix}"
  location                      = azurerm_resource_group.env.location
  resource_group_name           = azurerm_resource_group.env.name
  sku_name                      = var.redis_sku
  family                        = var.redis_sku == "Premium" ? "P" : "C"
  capacity                      = var.redis_capacity
  non_ssl_port_enabled          = false
  minimum_tls_version           = "1.2"
  public_network_access_enabled = false
  redis_configuration {
    active_directory_authentication_enabled = true
  }
  tags = local.tags
}

# --- Azure OpenAI in an EU region: no key authentication, private endpoint --------------------------------------------

resource "azurerm_cognitive_account" "openai" {
  #checkov:skip=CKV_AZURE_247:outbound access is restricted with no allowed FQDN at all, stricter than the check's allow-list
  #checkov:skip=CKV2_AZURE_22:encrypted with platform-managed keys; prompts are not stored by the product's calls; customer-managed keys are an operator option
  name                          = "${local.name}-openai-${var.unique_suffix}"
  location                      = var.openai_location
  resource_group_name           = azurerm_resource_group.env.name
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = "${local.name}-openai-${var.unique_suffix}"
  local_auth_enabled            = false
  public_network_access_enabled = false
  outbound_network_access_restricted = true

  identity {
    type = "SystemAssigned"
  }

  network_acls {
    default_action = "Deny"
  }

  tags = local.tags
}

resource "azurerm_cognitive_deployment" "chat" {
  name                 = var.openai_deployment_model
  cognitive_account_id = azurerm_cognitive_account.openai.id
  model {
    format  = "OpenAI"
    name    = var.openai_deployment_model
    version = var.openai_deployment_version
  }
  sku {
    name     = "Standard"
    capacity = var.openai_capacity
  }
}

# --- Key Vault: purge protection, 90-day soft delete, RBAC, private endpoint ---------------------------------------

resource "azurerm_key_vault" "secrets" {
  name                          = "${local.compact}kv"
  location                      = azurerm_resource_group.env.location
  resource_group_name           = azurerm_resource_group.env.name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "premium"
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  rbac_authorization_enabled    = true
  public_network_access_enabled = false

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }

  tags = local.tags
}

# Secrets the application reads at start through Key Vault references (its identity may read exactly these).
# Values that are not derived here are set by operators over the VPN (deploy/README.md), never in this code.
locals {
  operator_secrets = ["django-secret-key", "database-url", "email-url", "stripe-secret-key", "stripe-webhook-secret"]
}

resource "azurerm_key_vault_secret" "operator" {
  for_each        = toset(local.operator_secrets)
  name            = each.value
  value           = "set-by-operator"
  key_vault_id    = azurerm_key_vault.secrets.id
  content_type    = "text/plain"
  expiration_date = "2027-12-31T00:00:00Z"
  lifecycle {
    ignore_changes = [value, expiration_date]
  }
}

resource "azurerm_key_vault_secret" "broker_url" {
  name            = "dramatiq-broker-url"
  value           = "rediss://:${azurerm_redis_cache.broker.primary_access_key}@${azurerm_redis_cache.broker.hostname}:6380/0"
  key_vault_id    = azurerm_key_vault.secrets.id
  content_type    = "text/plain"
  expiration_date = "2027-12-31T00:00:00Z"
}

# --- Private endpoints in the data subnet, registered in the hub's private DNS ----------------------------------

locals {
  private_endpoints = {
    postgres = {
      resource_id = azurerm_postgresql_flexible_server.db.id
      subresource = "postgresqlServer"
      dns_zone    = "privatelink.postgres.database.azure.com"
    }
    blob = {
      resource_id = azurerm_storage_account.private.id
      subresource = "blob"
      dns_zone    = "privatelink.blob.core.windows.net"
    }
    redis = {
      resource_id = azurerm_redis_cache.broker.id
      subresource = "redisCache"
      dns_zone    = "privatelink.redis.cache.windows.net"
    }
    openai = {
      resource_id = azurerm_cognitive_account.openai.id
      subresource = "account"
      dns_zone    = "privatelink.openai.azure.com"
    }
    vault = {
      resource_id = azurerm_key_vault.secrets.id
      subresource = "vault"
      dns_zone    = "privatelink.vaultcore.azure.net"
    }
  }
}

resource "azurerm_private_endpoint" "data" {
  for_each            = local.private_endpoints
  name                = "${local.name}-${each.key}-pe"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  subnet_id           = azurerm_subnet.data.id

  private_service_connection {
    name                           = "${local.name}-${each.key}"
    private_connection_resource_id = each.value.resource_id
    subresource_names              = [each.value.subresource]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "hub"
    private_dns_zone_ids = [var.private_dns_zone_ids[each.value.dns_zone]]
  }

  tags = local.tags
}
