output "web_app_name" {
  value = azurerm_linux_web_app.web.name
}

output "front_door_host" {
  description = "Point the site's DNS (CNAME) here; add the custom domain to the Front Door endpoint."
  value       = azurerm_cdn_frontdoor_endpoint.site.host_name
}

output "storage_account" {
  value = azurerm_storage_account.private.name
}

output "key_vault" {
  value = azurerm_key_vault.secrets.name
}

output "postgres_host" {
  value = azurerm_postgresql_flexible_server.db.fqdn
}
