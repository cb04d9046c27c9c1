# A service whose images a pipeline deploys (image_owner = "pipeline"): Terraform creates it
# from the image below, then CI registers revisions with new images and deploys them (for
# example `aws ecs register-task-definition` with this family and `aws ecs update-service`).
# Those revisions are not drift: `running_images` reports what runs, and the plan stays empty.
# A change of any other task definition setting here (memory, environment, a sidecar)
# registers a revision from the running images plus the change and rolls it out, so Terraform
# never reverts a release. Rolling updates with the circuit breaker; every strategy works the
# same way (under `codedeploy` the pipeline starts a CodeDeploy deployment instead).

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
  name        = "checkout-api"
  cluster     = var.cluster
  image_owner = "pipeline"

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
    deregistration_delay      = 30
    health_check_grace_period = 60

    health_check {
      path     = "/healthz"
      matcher  = "200"
      interval = 15
      timeout  = 5
    }
  }

  deployment_strategy = "rolling"

  ecs_deployment {
    minimum_healthy_percent = 100
    maximum_percent         = 200
    circuit_breaker         = true
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
