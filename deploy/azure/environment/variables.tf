variable "stage" {
  description = "dev or prod: each is a separate apply with its own state."
  type        = string
  validation {
    condition     = contains(["dev", "prod"], var.stage)
    error_message = "stage is dev or prod."
  }
}

variable "location" {
  description = "An EU region (candidate data never leaves the EU)."
  type        = string
  default     = "westeurope"
  validation {
    condition     = contains(["westeurope", "swedencentral", "northeurope", "germanywestcentral", "francecentral"], var.location)
    error_message = "Choose an EU region."
  }
}

variable "openai_location" {
  description = "EU region of the Azure OpenAI account (AI processing in EU regions)."
  type        = string
  default     = "swedencentral"
  validation {
    condition     = contains(["westeurope", "swedencentral", "francecentral", "germanywestcentral"], var.openai_location)
    error_message = "Choose an EU region for Azure OpenAI."
  }
}

variable "name_prefix" {
  type    = string
  default = "ia"
}

variable "unique_suffix" {
  description = "A few lowercase letters or digits that make storage and vault names globally unique."
  type        = string
}

variable "address_space" {
  description = "This environment's VNet; must not overlap the hub or the other environment."
  type        = string
}

variable "hub_vnet_id" {
  description = "Output hub_vnet_id of ../hub."
  type        = string
}

variable "hub_vnet_name" {
  type = string
}

variable "hub_resource_group_name" {
  type = string
}

variable "private_dns_zone_ids" {
  description = "Output private_dns_zone_ids of ../hub (zone name => id)."
  type        = map(string)
}

variable "vpn_client_address_pool" {
  description = "Output vpn_client_address_pool of ../hub: the only source of administrative access."
  type        = string
}

variable "container_image" {
  description = "The application image (Dockerfile at the repository root), by digest: registry/name@sha256:…"
  type        = string
}

variable "site_hostname" {
  description = "The public host name served through Front Door, e.g. interviews.example.com."
  type        = string
}

variable "postgres_sku" {
  type    = string
  default = "GP_Standard_D2ds_v5"
}

variable "postgres_storage_mb" {
  type    = number
  default = 65536
}

variable "postgres_admin_group_object_id" {
  description = "Entra ID group administering PostgreSQL (no password authentication)."
  type        = string
}

variable "postgres_admin_group_name" {
  type = string
}

variable "redis_sku" {
  type    = string
  default = "Premium"
}

variable "redis_capacity" {
  type    = number
  default = 1
}

variable "openai_deployment_model" {
  type    = string
  default = "gpt-4o-mini"
}

variable "openai_deployment_version" {
  type    = string
  default = "2024-07-18"
}

variable "openai_capacity" {
  type    = number
  default = 10
}

variable "web_sku" {
  type    = string
  default = "P1v3"
}

variable "web_instances" {
  type    = number
  default = 2
}

variable "worker_replicas" {
  type    = number
  default = 2
}

variable "blob_soft_delete_days" {
  type    = number
  default = 30
}

variable "log_retention_days" {
  type    = number
  default = 90
}
