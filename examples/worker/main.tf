# A worker (a queue consumer): no load balancer, so no target groups, listener rules or test
# listener. Only the rolling strategy deploys without one: ECS starts new tasks beside the old
# ones (never below the desired count, at most twice it), the circuit breaker rolls back tasks that
# keep failing to start, and the alarms named here (the queue's, managed elsewhere) roll back a
# release that stops draining it.

terraform {
  required_providers {
    fargate = {
      source = "terraform-provider-fargate/fargate"
    }
  }
}

provider "fargate" {
  region = var.region

  default_tags {
    tags = {
      managed_by = "opentofu"
    }
  }
}

resource "fargate_production_service" "worker" {
  name    = "checkout-worker"
  cluster = var.cluster

  task {
    cpu              = 512
    memory           = 1024
    cpu_architecture = "ARM64"
  }

  container {
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

    health_check {
      command      = ["CMD-SHELL", "curl -fsS http://localhost:9090/healthz || exit 1"]
      interval     = 15
      timeout      = 5
      retries      = 3
      start_period = 30
    }

    log {
      retention_days = 14
    }
  }

  network {
    subnets         = var.private_subnet_ids
    security_groups = var.security_group_ids
  }

  deployment_strategy = "rolling"

  ecs_deployment {
    minimum_healthy_percent = 100
    maximum_percent         = 200
    circuit_breaker         = true
  }

  alarms {
    names = var.rollback_alarm_names
  }

  desired_count = 2

  autoscaling {
    min        = 2
    max        = 20
    cpu_target = 60
  }

  tags = {
    team = "payments"
  }
}
