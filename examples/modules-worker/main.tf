# The worker of examples/worker (a queue consumer without a load balancer), built from the
# generated modules on the hashicorp/aws provider instead of the fargate_production_service
# resource. Without `load_balancer` the modules create no target group, listener rule or
# target-group alarm, and the module reads the cluster to know its region and account. Only the
# rolling strategy deploys without a load balancer: `tofu apply` of a new image is the
# roll-out, and the alarms named here roll it back (after the apply has returned; see the
# module's README).

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      managed_by = "opentofu"
    }
  }
}

module "worker" {
  source = "../../modules/fargate-production-service"

  name    = "checkout-worker"
  cluster = var.cluster

  task = {
    cpu              = 512
    memory           = 1024
    cpu_architecture = "ARM64"
  }

  container = {
    name         = "worker"
    image        = var.image
    command      = ["worker", "--queue", "checkout-orders"]
    stop_timeout = 120
    environment = {
      LOG_LEVEL = "info"
    }
    secrets = {
      DB_PASSWORD = var.db_password_secret_arn
    }
    health_check = {
      command      = ["CMD-SHELL", "curl -fsS http://localhost:9090/healthz || exit 1"]
      interval     = 15
      timeout      = 5
      retries      = 3
      start_period = 30
    }
    log = {
      retention_days = 14
    }
  }

  network = {
    subnets         = var.private_subnet_ids
    security_groups = var.security_group_ids
  }

  deployment_strategy = "rolling"

  ecs_deployment = {
    minimum_healthy_percent = 100
    maximum_percent         = 200
    circuit_breaker         = true
  }

  alarms = {
    names = var.rollback_alarm_names
  }

  desired_count = 2

  autoscaling = {
    min        = 2
    max        = 20
    cpu_target = 60
  }

  tags = {
    team = "payments"
  }
}
