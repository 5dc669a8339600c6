# Network (DEP-3): separate subnets for the application, the asynchronous workers, the data services' private
# endpoints and the web app's inbound private endpoint. Every subnet has a network security group whose last inbound
# rule denies everything; the data subnet accepts only the ports the product uses, only from the application and
# worker subnets or the operators' VPN pool.

locals {
  subnets = {
    app      = cidrsubnet(var.address_space, 4, 0) # web app VNet integration (outbound)
    worker   = cidrsubnet(var.address_space, 4, 1) # Container Apps environment: workers and scheduler
    data     = cidrsubnet(var.address_space, 4, 2) # private endpoints of PostgreSQL, Redis, Blob, Key Vault, OpenAI
    frontend = cidrsubnet(var.address_space, 4, 3) # the web app's own private endpoint, reached by Front Door
  }
  # worker subnet for a Container Apps environment with workload profiles needs at least /27; /24 leaves room.
}

resource "azurerm_virtual_network" "env" {
  name                = "${local.name}-vnet"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  address_space       = [var.address_space]
  tags                = local.tags
}

resource "azurerm_subnet" "app" {
  name                 = "app"
  resource_group_name  = azurerm_resource_group.env.name
  virtual_network_name = azurerm_virtual_network.env.name
  address_prefixes     = [local.subnets.app]
  delegation {
    name = "web"
    service_delegation {
      name    = "Microsoft.Web/serverFarms"
      actions = ["Microsoft.Network/virtualNetworks/subnets/action"]
    }
  }
}

resource "azurerm_subnet" "worker" {
  name                 = "worker"
  resource_group_name  = azurerm_resource_group.env.name
  virtual_network_name = azurerm_virtual_network.env.name
  address_prefixes     = [local.subnets.worker]
  delegation {
    name = "container-apps"
    service_delegation {
      name    = "Microsoft.App/environments"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet" "data" {
  name                              = "data"
  resource_group_name               = azurerm_resource_group.env.name
  virtual_network_name              = azurerm_virtual_network.env.name
  address_prefixes                  = [local.subnets.data]
  private_endpoint_network_policies = "Enabled" # NSG rules apply to the private endpoints in this subnet
}

resource "azurerm_subnet" "frontend" {
  name                              = "frontend"
  resource_group_name               = azurerm_resource_group.env.name
  virtual_network_name              = azurerm_virtual_network.env.name
  address_prefixes                  = [local.subnets.frontend]
  private_endpoint_network_policies = "Enabled"
}

# --- Network security groups: explicit allows, then deny all -----------------------------------------------------

resource "azurerm_network_security_group" "app" {
  name                = "${local.name}-app-nsg"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  tags                = local.tags

  # The app subnet carries only the web app's outbound VNet integration: nothing comes in.
  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "worker" {
  name                = "${local.name}-worker-nsg"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  tags                = local.tags

  # Container Apps' own infrastructure load balancer probes the environment.
  security_rule {
    name                       = "allow-azure-load-balancer"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "AzureLoadBalancer"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "data" {
  name                = "${local.name}-data-nsg"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  tags                = local.tags

  # PostgreSQL 5432, Redis 6380 (TLS only), HTTPS 443 for Blob, Key Vault and Azure OpenAI.
  security_rule {
    name                         = "allow-app-and-worker-to-data"
    priority                     = 100
    direction                    = "Inbound"
    access                       = "Allow"
    protocol                     = "Tcp"
    source_port_range            = "*"
    destination_port_ranges      = ["5432", "6380", "443"]
    source_address_prefixes      = [local.subnets.app, local.subnets.worker]
    destination_address_prefixes = [local.subnets.data]
  }

  security_rule {
    name                         = "allow-operators-vpn-to-data"
    priority                     = 110
    direction                    = "Inbound"
    access                       = "Allow"
    protocol                     = "Tcp"
    source_port_range            = "*"
    destination_port_ranges      = ["5432", "6380", "443"]
    source_address_prefix        = var.vpn_client_address_pool
    destination_address_prefixes = [local.subnets.data]
  }

  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "frontend" {
  name                = "${local.name}-frontend-nsg"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  tags                = local.tags

  # Front Door reaches the web app's private endpoint over Private Link; operators may reach it over the VPN.
  security_rule {
    name                         = "allow-https-from-vpn"
    priority                     = 100
    direction                    = "Inbound"
    access                       = "Allow"
    protocol                     = "Tcp"
    source_port_range            = "*"
    destination_port_range       = "443"
    source_address_prefix        = var.vpn_client_address_pool
    destination_address_prefixes = [local.subnets.frontend]
  }

  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}

resource "azurerm_subnet_network_security_group_association" "worker" {
  subnet_id                 = azurerm_subnet.worker.id
  network_security_group_id = azurerm_network_security_group.worker.id
}

resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.data.id
  network_security_group_id = azurerm_network_security_group.data.id
}

resource "azurerm_subnet_network_security_group_association" "frontend" {
  subnet_id                 = azurerm_subnet.frontend.id
  network_security_group_id = azurerm_network_security_group.frontend.id
}

# --- Private peering to the administration hub (VPN and private DNS only) ------------------------------------------

resource "azurerm_virtual_network_peering" "to_hub" {
  name                         = "to-hub"
  resource_group_name          = azurerm_resource_group.env.name
  virtual_network_name         = azurerm_virtual_network.env.name
  remote_virtual_network_id    = var.hub_vnet_id
  allow_forwarded_traffic      = false
  allow_gateway_transit        = false
  use_remote_gateways          = true # operators' VPN clients reach this environment through the hub's gateway
  allow_virtual_network_access = true
}

resource "azurerm_virtual_network_peering" "from_hub" {
  name                         = "to-${local.name}"
  resource_group_name          = var.hub_resource_group_name
  virtual_network_name         = var.hub_vnet_name
  remote_virtual_network_id    = azurerm_virtual_network.env.id
  allow_forwarded_traffic      = false
  allow_gateway_transit        = true
  use_remote_gateways          = false
  allow_virtual_network_access = true
}

# The hub's private DNS zones resolve this environment's private endpoints from inside its VNet.
resource "azurerm_private_dns_zone_virtual_network_link" "env" {
  for_each              = var.private_dns_zone_ids
  name                  = local.name
  resource_group_name   = var.hub_resource_group_name
  private_dns_zone_name = each.key
  virtual_network_id    = azurerm_virtual_network.env.id
  registration_enabled  = false
}
