# One environment of the EU Azure topology (DEP-3). Apply it once per stage with its own state and parameter file:
#   terraform -chdir=deploy/azure/environment apply -var-file=dev.tfvars   (and prod.tfvars, with a separate state)
# Each stage has its own resource group, network, storage accounts, database, cache, AI account and Key Vault: dev and
# prod share nothing but the administration hub (../hub), which holds only the VPN gateway and private DNS.

terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "azurerm" {
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
  # No shared keys anywhere: the provider talks to storage data planes with Entra ID too.
  storage_use_azuread = true
}

data "azurerm_client_config" "current" {}

locals {
  name = "${var.name_prefix}-${var.stage}"
  # Storage account and Key Vault names: lowercase letters and digits only, globally unique.
  compact = replace("${var.name_prefix}${var.stage}${var.unique_suffix}", "-", "")
  tags = {
    application = "interview-analyzer"
    stage       = var.stage
  }
}

resource "azurerm_resource_group" "env" {
  name     = "${local.name}-rg"
  location = var.location
  tags     = local.tags
}

# Deletion lock: a mistaken `terraform destroy` or portal click cannot remove the environment.
resource "azurerm_management_lock" "env" {
  name       = "do-not-delete"
  scope      = azurerm_resource_group.env.id
  lock_level = "CanNotDelete"
  notes      = "Interview Analyzer ${var.stage}: remove this lock deliberately before deleting anything."
}

resource "azurerm_log_analytics_workspace" "env" {
  name                = "${local.name}-logs"
  location            = azurerm_resource_group.env.location
  resource_group_name = azurerm_resource_group.env.name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}
