variable "region" {
  type    = string
  default = "us-east-1"
}

variable "cluster" {
  description = "Name or ARN of the ECS cluster."
  type        = string
}

variable "image" {
  description = "The image the service starts from, by digest (your first build's); the pipeline deploys the ones after it."
  type        = string
  default     = "public.ecr.aws/nginx/nginx@sha256:6784d4b4a8b9b2e1e5a4e1d7e3b2f2c4d8b5a1c6e9f0a3b7c2d1e4f5a6b7c8d9"
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
