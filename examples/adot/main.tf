# A service that sends traces and metrics through an AWS Distro for OpenTelemetry (ADOT)
# collector beside it: the application exports OTLP to localhost, the collector forwards
# traces to X-Ray and metrics to CloudWatch (its ecs-cloudwatch-xray configuration). The task
# role gets the two AWS managed policies the collector needs; the collector is not essential,
# so the application keeps serving if it stops. Operators can open a shell in a task with
# `aws ecs execute-command` (ECS Exec).

terraform {
  required_providers {
    fargate = {
      source = "terraform-provider-fargate/fargate"
    }
  }
}

provider "fargate" {
  region = var.region
}

resource "fargate_production_service" "checkout" {
  name    = "checkout-api"
  cluster = var.cluster

  task {
    cpu    = 1024
    memory = 2048
  }

  task_role_managed_policy_arns = [
    "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
  ]

  enable_execute_command = true

  container {
    name          = "app"
    image         = var.image
    port          = 8080
    stop_timeout  = 60
    drain_timeout = 25

    environment = {
      OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4317"
      OTEL_SERVICE_NAME           = "checkout-api"
    }

    depends_on = {
      aws-otel-collector = "START"
    }

    log {
      retention_days = 14
    }
  }

  sidecar {
    name               = "aws-otel-collector"
    image              = var.collector_image
    command            = ["--config=/etc/ecs/ecs-cloudwatch-xray.yaml"]
    essential          = false
    cpu                = 256
    memory_reservation = 256

    port_mapping {
      container_port = 4317
    }
    port_mapping {
      container_port = 4318
    }
    port_mapping {
      container_port = 2000
      protocol       = "udp"
    }

    health_check {
      command      = ["/healthcheck"]
      interval     = 10
      timeout      = 5
      start_period = 10
    }
  }

  network {
    subnets         = var.private_subnet_ids
    security_groups = var.security_group_ids
  }

  load_balancer {
    vpc_id                  = var.vpc_id
    production_listener_arn = var.production_listener_arn
    test_listener_arn       = var.test_listener_arn
    deregistration_delay    = 30

    health_check {
      path = "/healthz"
    }
  }

  service_discovery {
    namespace_id = var.namespace_id
  }

  desired_count = 2
}
