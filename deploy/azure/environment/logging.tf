# Audit logs into the environment's Log Analytics workspace (OPS-1): every read, write and delete of candidate blobs,
# Key Vault access, the database's logs, and the edge's WAF decisions.

locals {
  diagnostics = {
    candidate-blobs = { target = "${azurerm_storage_account.private.id}/blobServices/default", categories = ["StorageRead", "StorageWrite", "StorageDelete"] }
    download-blobs  = { target = "${azurerm_storage_account.downloads.id}/blobServices/default", categories = ["StorageWrite", "StorageDelete"] }
    key-vault       = { target = azurerm_key_vault.secrets.id, categories = ["AuditEvent"] }
    postgres        = { target = azurerm_postgresql_flexible_server.db.id, categories = ["PostgreSQLLogs"] }
    front-door      = { target = azurerm_cdn_frontdoor_profile.edge.id, categories = ["FrontDoorAccessLog", "FrontDoorWebApplicationFirewallLog"] }
    web             = { target = azurerm_linux_web_app.web.id, categories = ["AppServiceHTTPLogs", "AppServiceConsoleLogs", "AppServiceAuditLogs"] }
  }
}

resource "azurerm_monitor_diagnostic_setting" "audit" {
  for_each                   = local.diagnostics
  name                       = "audit-${each.key}"
  target_resource_id         = each.value.target
  log_analytics_workspace_id = azurerm_log_analytics_workspace.env.id

  dynamic "enabled_log" {
    for_each = each.value.categories
    content {
      category = enabled_log.value
    }
  }
}
