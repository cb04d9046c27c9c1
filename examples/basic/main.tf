# One production Fargate service behind an existing ALB, deployed with ECS-native blue/green: ECS
# itself moves all production traffic from the live target group to the new tasks' group by
# rewriting the listener rules' weights, bakes for five minutes with the old tasks still up, and
# rolls back if one of the service's alarms fires. No CodeDeploy application, group or role; an
# infrastructure role lets ECS change the rules.
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

  # deployment_strategy is left out: a new service gets "blue_green", ECS-native blue/green
  # (examples/ecs-linear and examples/ecs-canary move traffic in steps; examples/codedeploy
  # deploys through CodeDeploy).

  ecs_deployment {
    bake_time_minutes = 5
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
