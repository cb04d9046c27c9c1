# A production service whose roll-outs stop for a person before production traffic moves:
# ECS-native blue/green with a pause hook at PRE_PRODUCTION_TRAFFIC_SHIFT. The new tasks are up
# and serve the test listener; production still reaches the old ones. Whoever checks the new
# revision continues the deployment, or rolls it back, with the commands the apply logs
# (TF_LOG=WARN shows them):
#
#   aws ecs continue-service-deployment --service-deployment-arn <arn> --hook-id <id> --action CONTINUE
#   aws ecs continue-service-deployment --service-deployment-arn <arn> --hook-id <id> --action ROLLBACK
#
# `tofu apply` waits through the pause. Here nobody acting for 30 minutes continues the
# deployment (a veto window); leave `pause_timeout_action` at its default, ROLLBACK, for a gate
# that needs an explicit yes. A rolled-back deployment fails the apply and the state keeps the
# revision that runs.
#
# The network, the load balancer's listeners, the cluster and the Cloud Map namespace usually
# come from other configurations; here they are inputs (see variables.tf).

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

resource "fargate_production_service" "checkout" {
  name    = "checkout-api"
  cluster = var.cluster

  task {
    cpu              = 512
    memory           = 1024
    cpu_architecture = "ARM64"
  }

  container {
    name          = "app"
    image         = var.image
    port          = 8080
    stop_timeout  = 60
    drain_timeout = 25

    environment = {
      LOG_LEVEL = "info"
    }
    secrets = {
      DB_PASSWORD = var.db_password_secret_arn
    }

    health_check {
      command      = ["CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"]
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

  load_balancer {
    vpc_id                    = var.vpc_id
    production_listener_arn   = var.production_listener_arn
    test_listener_arn         = var.test_listener_arn
    deregistration_delay      = 30
    health_check_grace_period = 60

    health_check {
      path     = "/healthz"
      matcher  = "200"
      interval = 15
      timeout  = 5
    }
  }

  ecs_deployment {
    bake_time_minutes     = 5
    pause_at              = ["PRE_PRODUCTION_TRAFFIC_SHIFT"]
    pause_timeout_minutes = 30
    pause_timeout_action  = "CONTINUE"
  }

  alarms {
    target_5xx_count     = 10
    response_time_p99_ms = 2000
  }

  service_discovery {
    namespace_id = var.namespace_id
    dns_ttl      = 10
  }

  desired_count = 4

  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 2
    weight            = 1
  }

  autoscaling {
    min                 = 4
    max                 = 40
    requests_per_target = 1000
    cpu_target          = 70
  }

  tags = {
    team = "payments"
  }
}
