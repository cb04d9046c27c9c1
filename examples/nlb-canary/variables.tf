variable "region" {
  type    = string
  default = "us-east-1"
}

variable "cluster" {
  description = "Name or ARN of the ECS cluster."
  type        = string
}

variable "image" {
  description = "Container image; an immutable tag or a digest."
  type        = string
  default     = "public.ecr.aws/nginx/nginx:1.27.3"
}

variable "db_password_secret_arn" {
  description = "Secrets Manager ARN of the database password."
  type        = string
  default     = "arn:aws:secretsmanager:us-east-1:123456789012:secret:checkout/db-password-AbCdEf"
}

variable "private_subnet_ids" {
  description = "Private subnets in at least two Availability Zones."
  type        = list(string)
}

variable "security_group_ids" {
  type = list(string)
}

variable "vpc_id" {
  type = string
}

variable "production_listener_arn" {
  type = string
}

variable "test_listener_arn" {
  type = string
}

variable "namespace_id" {
  description = "Cloud Map private DNS namespace ID."
  type        = string
}
