# A TCP service behind a Network Load Balancer, rolled out by ECS-native canary: 10 % of the
# connections reach the new tasks for ten minutes, then the rest. ECS adds ten minutes to each
# traffic shift behind an NLB, so a roll-out here takes about 35 minutes on AWS.
#
# An NLB listener routes by port alone, so the service takes over each listener's default action.
# Create the listeners forwarding to an empty target group of your own; the resource records it on
# its blue target group and points the listener back at it on destroy.

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
  name    = "ledger-tcp"
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

  # Listeners of a Network Load Balancer: TCP target groups with a TCP health check.
  load_balancer {
    vpc_id                    = var.vpc_id
    production_listener_arn   = var.production_listener_arn
    test_listener_arn         = var.test_listener_arn
    target_protocol           = "TCP"
    deregistration_delay      = 30
    health_check_grace_period = 60

    health_check {
      protocol = "TCP"
      interval = 10
      timeout  = 5
    }
  }

  deployment_strategy = "canary"

  ecs_deployment {
    canary_percent    = 10
    canary_minutes    = 10
    bake_time_minutes = 5
  }

  # An NLB publishes no HTTP codes or response times: behind one the service's own alarm counts
  # unhealthy targets (the HTTP alarms' settings do not apply).
  alarms {
    unhealthy_hosts = 1
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
    min        = 4
    max        = 40
    cpu_target = 70
  }

  tags = {
    team = "payments"
  }
}
