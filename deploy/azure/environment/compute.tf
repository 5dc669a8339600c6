# Processes (DEP-2): the web process (gunicorn) on App Service for containers, reachable only through its private
# endpoint (Front Door Private Link); Dramatiq workers and the periodic scheduler as Container Apps in the worker
# subnet's internal environment, with no ingress at all. Every process has a system-assigned managed identity with
# least-privilege role assignments on exactly the resources it uses.

locals {
  kv_ref = { for name in concat(local.operator_secrets, ["dramatiq-broker-url"]) :
    name => "@Microsoft.KeyVault(VaultName=${azurerm_key_vault.secrets.name};SecretName=${name})"
  }
  app_settings = {
    DJANGO_ENV                      = "production"
    DJANGO_ALLOWED_HOSTS            = var.site_hostname
    SITE_URL                        = "https://${var.site_hostname}"
    TRUSTED_PROXY_HOPS              = "1"
    AZURE_STORAGE_ACCOUNT_NAME      = azurerm_storage_account.private.name
    AZURE_STORAGE_CONTAINER         = azurerm_storage_container.candidates.name
    AZURE_OPENAI_ENDPOINT           = "https://${azurerm_cognitive_account.openai.custom_subdomain_name}.openai.azure.com/"
    AI_PROVIDER                     = "openai"
    OPENAI_MODEL                    = azurerm_cognitive_deployment.chat.name
    OUTBOUND_ALLOWED_HOSTS          = "${azurerm_cognitive_account.openai.custom_subdomain_name}.openai.azure.com"
    WEBSITES_PORT                   = "8000"
    WEBSITES_ENABLE_APP_SERVICE_STORAGE = "false"
  }
  secret_settings = {
    DJANGO_SECRET_KEY     = local.kv_ref["django-secret-key"]
    DATABASE_URL          = local.kv_ref["database-url"]
    EMAIL_URL             = local.kv_ref["email-url"]
    STRIPE_SECRET_KEY     = local.kv_ref["stripe-secret-key"]
    STRIPE_WEBHOOK_SECRET = local.kv_ref["stripe-webhook-secret"]
    DRAMATIQ_BROKER_URL   = local.kv_ref["dramatiq-broker-url"]
  }
}

# --- Web ------------------------------------------------------------------------------------------------------------

resource "azurerm_service_plan" "web" {
  #checkov:skip=CKV_AZURE_225:zone balancing is on in prod (zone_balancing_enabled = stage == prod); dev runs one instance
  name                   = "${local.name}-plan"
  location               = azurerm_resource_group.env.location
  resource_group_name    = azurerm_resource_group.env.name
  os_type                = "Linux"
  sku_name               = var.web_sku
  worker_count           = var.web_instances
  zone_balancing_enabled = var.stage == "prod"
  tags                   = local.tags
}

resource "azurerm_linux_web_app" "web" {
  #checkov:skip=CKV_AZURE_17:candidates and recruiters use browsers; authentication is the product's own (allauth, SSO, MFA), not TLS client certificates
  #checkov:skip=CKV_AZURE_13:App Service Authentication would sit in front of public candidate links and webhooks; the product authenticates every request itself
  #checkov:skip=CKV_AZURE_88:the app keeps no files on the instance; all data is in Blob Storage through managed identity
  #checkov:skip=CKV_AZURE_65:detailed error pages are off on purpose (SEC-HDR: no stack traces or versions to visitors); errors go to the logs
  name                          = "${local.name}-web-${var.unique_suffix}"
  location                      = azurerm_resource_group.env.location
  resource_group_name           = azurerm_resource_group.env.name
  service_plan_id               = azurerm_service_plan.web.id
  https_only                    = true
  public_network_access_enabled = false # only Front Door, through the private endpoint below
  virtual_network_subnet_id     = azurerm_subnet.app.id
  client_certificate_enabled    = false
  ftp_publish_basic_authentication_enabled       = false
  webdeploy_publish_basic_authentication_enabled = false
  key_vault_reference_identity_id                = null # the system-assigned identity reads the Key Vault references

  identity {
    type = "SystemAssigned"
  }

  site_config {
    always_on                               = true
    ftps_state                              = "Disabled"
    http2_enabled                           = true
    minimum_tls_version                     = "1.2"
    scm_minimum_tls_version                 = "1.2"
    vnet_route_all_enabled                  = true
    health_check_path                       = "/healthz"
    health_check_eviction_time_in_min       = 5
    container_registry_use_managed_identity = true
    application_stack {
      docker_image_name = var.container_image
    }
  }

  app_settings = merge(local.app_settings, local.secret_settings)

  logs {
    detailed_error_messages = false
    failed_request_tracing  = true
    http_logs {
      file_system {
        retention_in_days = 7
        retention_in_mb   = 100
      }
    }
  }

  tags = local.tags
}

resource "azurerm_private_endpoint" "web" {
  name                = "${local.name}-web-pe"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  subnet_id           = azurerm_subnet.frontend.id

  private_service_connection {
    name                           = "${local.name}-web"
    private_connection_resource_id = azurerm_linux_web_app.web.id
    subresource_names              = ["sites"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "hub"
    private_dns_zone_ids = [var.private_dns_zone_ids["privatelink.azurewebsites.net"]]
  }

  tags = local.tags
}

# --- Workers and the scheduler ------------------------------------------------------------------------------------

resource "azurerm_container_app_environment" "workers" {
  name                           = "${local.name}-workers"
  location                       = azurerm_resource_group.env.location
  resource_group_name            = azurerm_resource_group.env.name
  log_analytics_workspace_id     = azurerm_log_analytics_workspace.env.id
  infrastructure_subnet_id       = azurerm_subnet.worker.id
  internal_load_balancer_enabled = true
  zone_redundancy_enabled        = var.stage == "prod"
  workload_profile {
    name                  = "Consumption"
    workload_profile_type = "Consumption"
  }
  tags = local.tags
}

locals {
  background_processes = {
    # `python manage.py rundramatiq`: the Dramatiq workers (transcription, analysis, retention erasure, webhooks).
    worker = {
      command  = ["python", "manage.py", "rundramatiq", "--processes", "1", "--threads", "4"]
      replicas = var.worker_replicas
      cpu      = 2
      memory   = "4Gi"
    }
    # The periodic scheduler (retention sweeps and warnings): exactly one.
    scheduler = {
      command  = ["python", "manage.py", "scheduler"]
      replicas = 1
      cpu      = 0.25
      memory   = "0.5Gi"
    }
  }
}

resource "azurerm_container_app" "background" {
  for_each                     = local.background_processes
  name                         = "${local.name}-${each.key}"
  container_app_environment_id = azurerm_container_app_environment.workers.id
  resource_group_name          = azurerm_resource_group.env.name
  revision_mode                = "Single"
  workload_profile_name        = "Consumption"

  identity {
    type = "SystemAssigned"
  }

  dynamic "secret" {
    for_each = local.secret_settings
    content {
      name                = lower(replace(secret.key, "_", "-"))
      key_vault_secret_id = "${azurerm_key_vault.secrets.vault_uri}secrets/${regex("SecretName=([^)]+)", secret.value)[0]}"
      identity            = "System"
    }
  }

  template {
    min_replicas = each.value.replicas
    max_replicas = each.value.replicas
    container {
      name    = each.key
      image   = var.container_image
      command = each.value.command
      cpu     = each.value.cpu
      memory  = each.value.memory

      dynamic "env" {
        for_each = local.app_settings
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secret_settings
        content {
          name        = env.key
          secret_name = lower(replace(env.key, "_", "-"))
        }
      }
    }
  }

  tags = local.tags
}

# --- Least-privilege role assignments -----------------------------------------------------------------------------

locals {
  principals = merge(
    { web = azurerm_linux_web_app.web.identity[0].principal_id },
    { for name, app in azurerm_container_app.background : name => app.identity[0].principal_id },
  )
}

# Candidate data: read and write blobs in the one container, nothing else in the account.
resource "azurerm_role_assignment" "blob" {
  for_each             = local.principals
  scope                = azurerm_storage_container.candidates.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = each.value
}

# Secrets: read exactly the secrets the process uses (per-secret scope, not the whole vault).
resource "azurerm_role_assignment" "secrets" {
  for_each = {
    for pair in setproduct(keys(local.principals), concat(local.operator_secrets, ["dramatiq-broker-url"])) :
    "${pair[0]}/${pair[1]}" => { principal = local.principals[pair[0]], secret = pair[1] }
  }
  scope                = "${azurerm_key_vault.secrets.id}/secrets/${each.value.secret}"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = each.value.principal
}

# Azure OpenAI: call the deployments with the identity (no API key exists: local auth is off).
resource "azurerm_role_assignment" "openai" {
  for_each             = local.principals
  scope                = azurerm_cognitive_account.openai.id
  role_definition_name = "Cognitive Services OpenAI User"
  principal_id         = each.value
}
