# The edge (DEP-3): Azure Front Door Premium with a WAF policy in prevention mode in front of the web app (reached
# over Private Link, so the app has no public endpoint), and a separate public storage account for downloads
# (releases, documents meant for anyone) served through the same Front Door. The two storage planes never mix: the
# candidate-data account above is a different account with different network rules.

resource "azurerm_cdn_frontdoor_profile" "edge" {
  name                     = "${local.name}-edge"
  resource_group_name      = azurerm_resource_group.env.name
  sku_name                 = "Premium_AzureFrontDoor" # Private Link origins and managed WAF rule sets
  response_timeout_seconds = 120
  tags                     = local.tags
}

resource "azurerm_cdn_frontdoor_firewall_policy" "waf" {
  name                              = replace("${local.name}waf", "-", "")
  resource_group_name               = azurerm_resource_group.env.name
  sku_name                          = azurerm_cdn_frontdoor_profile.edge.sku_name
  enabled                           = true
  mode                              = "Prevention"
  request_body_check_enabled        = true
  custom_block_response_status_code = 403

  managed_rule {
    type    = "Microsoft_DefaultRuleSet"
    version = "2.1"
    action  = "Block"
  }

  managed_rule {
    type    = "Microsoft_BotManagerRuleSet"
    version = "1.1"
    action  = "Block"
  }

  # A second, coarse rate limit in front of the product's own per-IP and per-account limits (SEC-RL).
  custom_rule {
    name                           = "ratelimitsignin"
    enabled                        = true
    priority                       = 100
    type                           = "RateLimitRule"
    rate_limit_duration_in_minutes = 1
    rate_limit_threshold           = 100
    action                         = "Block"
    match_condition {
      match_variable = "RequestUri"
      operator       = "Contains"
      match_values   = ["/accounts/login/", "/api/v1/auth/token", "/admin/login/"]
    }
  }

  tags = local.tags
}

resource "azurerm_cdn_frontdoor_endpoint" "site" {
  name                     = "${local.name}-site"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.edge.id
  tags                     = local.tags
}

resource "azurerm_cdn_frontdoor_origin_group" "web" {
  name                     = "web"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.edge.id
  session_affinity_enabled = false

  load_balancing {
    sample_size                 = 4
    successful_samples_required = 3
  }

  health_probe {
    path                = "/healthz"
    protocol            = "Https"
    interval_in_seconds = 30
    request_type        = "GET"
  }
}

resource "azurerm_cdn_frontdoor_origin" "web" {
  name                           = "web"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.web.id
  enabled                        = true
  host_name                      = azurerm_linux_web_app.web.default_hostname
  origin_host_header             = azurerm_linux_web_app.web.default_hostname
  certificate_name_check_enabled = true
  https_port                     = 443
  http_port                      = 80

  private_link {
    request_message        = "Front Door to the Interview Analyzer web app"
    location               = azurerm_resource_group.env.location
    private_link_target_id = azurerm_linux_web_app.web.id
    target_type            = "sites"
  }
}

resource "azurerm_cdn_frontdoor_route" "web" {
  name                          = "web"
  cdn_frontdoor_endpoint_id     = azurerm_cdn_frontdoor_endpoint.site.id
  cdn_frontdoor_origin_group_id = azurerm_cdn_frontdoor_origin_group.web.id
  cdn_frontdoor_origin_ids      = [azurerm_cdn_frontdoor_origin.web.id]
  patterns_to_match             = ["/*"]
  supported_protocols           = ["Http", "Https"]
  https_redirect_enabled        = true # plain HTTP is redirected to HTTPS at the edge too
  forwarding_protocol           = "HttpsOnly"
  link_to_default_domain        = true
}

resource "azurerm_cdn_frontdoor_security_policy" "waf" {
  name                     = "waf"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.edge.id

  security_policies {
    firewall {
      cdn_frontdoor_firewall_policy_id = azurerm_cdn_frontdoor_firewall_policy.waf.id
      association {
        domain {
          cdn_frontdoor_domain_id = azurerm_cdn_frontdoor_endpoint.site.id
        }
        patterns_to_match = ["/*"]
      }
    }
  }
}

# --- Public downloads: a separate account, private network, served only through Front Door ---------------------

resource "azurerm_storage_account" "downloads" {
  #checkov:skip=CKV_AZURE_206:public downloads are re-publishable release files; ZRS is enough
  #checkov:skip=CKV_AZURE_33:the queue service is not used
  #checkov:skip=CKV2_AZURE_33:reached only through Front Door's Private Link origin (a shared private link, not a private endpoint resource); public network access is off
  #checkov:skip=CKV2_AZURE_1:holds only public release files; platform-managed plus infrastructure encryption
  name                              = "${local.compact}dl"
  location                          = azurerm_resource_group.env.location
  resource_group_name               = azurerm_resource_group.env.name
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = "ZRS"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  public_network_access_enabled     = false # public content, but only through Front Door's Private Link origin
  allow_nested_items_to_be_public   = false
  cross_tenant_replication_enabled  = false
  infrastructure_encryption_enabled = true
  local_user_enabled                = false

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

resource "azurerm_storage_container" "downloads" {
  #checkov:skip=CKV2_AZURE_21:logged through diagnostic settings (logging.tf); storage insights would need an account key
  name                  = "downloads"
  storage_account_id    = azurerm_storage_account.downloads.id
  container_access_type = "private"
}

resource "azurerm_cdn_frontdoor_origin_group" "downloads" {
  name                     = "downloads"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.edge.id
  load_balancing {}
}

resource "azurerm_cdn_frontdoor_origin" "downloads" {
  name                           = "downloads"
  cdn_frontdoor_origin_group_id  = azurerm_cdn_frontdoor_origin_group.downloads.id
  enabled                        = true
  host_name                      = azurerm_storage_account.downloads.primary_blob_host
  origin_host_header             = azurerm_storage_account.downloads.primary_blob_host
  certificate_name_check_enabled = true

  private_link {
    request_message        = "Front Door to the public downloads account"
    target_type            = "blob"
    location               = azurerm_resource_group.env.location
    private_link_target_id = azurerm_storage_account.downloads.id
  }
}

resource "azurerm_cdn_frontdoor_route" "downloads" {
  name                          = "downloads"
  cdn_frontdoor_endpoint_id     = azurerm_cdn_frontdoor_endpoint.site.id
  cdn_frontdoor_origin_group_id = azurerm_cdn_frontdoor_origin_group.downloads.id
  cdn_frontdoor_origin_ids      = [azurerm_cdn_frontdoor_origin.downloads.id]
  patterns_to_match             = ["/downloads/*"]
  supported_protocols           = ["Http", "Https"]
  https_redirect_enabled        = true
  forwarding_protocol           = "HttpsOnly"
  link_to_default_domain        = true
}
