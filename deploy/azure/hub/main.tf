# The shared administration hub (DEP-3): only the point-to-site VPN gateway and the private DNS zones, peered
# privately to each environment (dev and prod are separate roots, see ../environment). Operators reach the private
# network only through this certificate-authenticated VPN; nothing administrative is exposed to the internet.

terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "location" {
  description = "An EU region (the white paper: West Europe; AI in EU regions)."
  type        = string
  default     = "westeurope"
  validation {
    condition     = contains(["westeurope", "swedencentral", "northeurope", "germanywestcentral", "francecentral"], var.location)
    error_message = "Candidate data never leaves the EU: choose an EU region."
  }
}

variable "name_prefix" {
  type    = string
  default = "ia"
}

variable "hub_address_space" {
  type    = string
  default = "10.100.0.0/22"
}

variable "vpn_client_address_pool" {
  description = "Addresses handed to operators' VPN clients; environments allow admin ports from this pool only."
  type        = string
  default     = "172.16.200.0/24"
}

variable "vpn_root_certificate_name" {
  type    = string
  default = "interview-analyzer-operators"
}

variable "vpn_root_certificate_public_data" {
  description = "Base64 public data of the operators' root certificate (no private key ever goes here)."
  type        = string
  sensitive   = true
}

locals {
  tags = {
    application = "interview-analyzer"
    component   = "admin-hub"
  }
  # Private DNS zones of every private endpoint the environments create; linked to each environment's VNet there.
  private_dns_zones = [
    "privatelink.postgres.database.azure.com",
    "privatelink.blob.core.windows.net",
    "privatelink.redis.cache.windows.net",
    "privatelink.openai.azure.com",
    "privatelink.vaultcore.azure.net",
    "privatelink.azurewebsites.net",
  ]
}

resource "azurerm_resource_group" "hub" {
  name     = "${var.name_prefix}-hub-rg"
  location = var.location
  tags     = local.tags
}

resource "azurerm_management_lock" "hub" {
  name       = "do-not-delete"
  scope      = azurerm_resource_group.hub.id
  lock_level = "CanNotDelete"
  notes      = "The VPN and private DNS every environment depends on."
}

resource "azurerm_virtual_network" "hub" {
  name                = "${var.name_prefix}-hub-vnet"
  location            = azurerm_resource_group.hub.location
  resource_group_name = azurerm_resource_group.hub.name
  address_space       = [var.hub_address_space]
  tags                = local.tags
}

# Azure requires this exact name for the VPN gateway's subnet; it carries no NSG by Azure's rules.
resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = azurerm_resource_group.hub.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = [cidrsubnet(var.hub_address_space, 5, 0)]
}

resource "azurerm_public_ip" "vpn" {
  name                = "${var.name_prefix}-hub-vpn-ip"
  location            = azurerm_resource_group.hub.location
  resource_group_name = azurerm_resource_group.hub.name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1", "2", "3"]
  tags                = local.tags
}

resource "azurerm_virtual_network_gateway" "vpn" {
  name                = "${var.name_prefix}-hub-vpn"
  location            = azurerm_resource_group.hub.location
  resource_group_name = azurerm_resource_group.hub.name
  type                = "Vpn"
  vpn_type            = "RouteBased"
  sku                 = "VpnGw1AZ"
  generation          = "Generation1"
  active_active       = false
  bgp_enabled         = false

  ip_configuration {
    name                          = "vpn"
    public_ip_address_id          = azurerm_public_ip.vpn.id
    private_ip_address_allocation = "Dynamic"
    subnet_id                     = azurerm_subnet.gateway.id
  }

  # Point-to-site, certificate authentication only (the white paper: certificate-based P2S VPN).
  vpn_client_configuration {
    address_space        = [var.vpn_client_address_pool]
    vpn_client_protocols = ["OpenVPN"]
    vpn_auth_types       = ["Certificate"]

    root_certificate {
      name             = var.vpn_root_certificate_name
      public_cert_data = var.vpn_root_certificate_public_data
    }
  }

  tags = local.tags
}

resource "azurerm_private_dns_zone" "zones" {
  for_each            = toset(local.private_dns_zones)
  name                = each.value
  resource_group_name = azurerm_resource_group.hub.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "hub" {
  for_each              = azurerm_private_dns_zone.zones
  name                  = "hub"
  resource_group_name   = azurerm_resource_group.hub.name
  private_dns_zone_name = each.value.name
  virtual_network_id    = azurerm_virtual_network.hub.id
  registration_enabled  = false
}

output "hub_vnet_id" {
  value = azurerm_virtual_network.hub.id
}

output "hub_vnet_name" {
  value = azurerm_virtual_network.hub.name
}

output "hub_resource_group_name" {
  value = azurerm_resource_group.hub.name
}

output "private_dns_zone_ids" {
  value = { for name, zone in azurerm_private_dns_zone.zones : name => zone.id }
}

output "vpn_client_address_pool" {
  value = var.vpn_client_address_pool
}
