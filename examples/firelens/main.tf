# A service whose application logs go through a FireLens log router (AWS for Fluent Bit) to
# CloudWatch Logs, with the application container hardened: it runs as a non-root user with
# every Linux capability dropped and a read-only root filesystem (task storage at /tmp).
#
# The router's own output goes to the service's log group (/ecs/checkout-api). The
# application's goes through the router's cloudwatch_logs output to the same group under its
# own stream prefix; the task role may write exactly there. The image is assumed to run as
# uid 1000 and to listen above port 1024, as dropping ALL capabilities requires.

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

  # The router writes to CloudWatch Logs as the task role.
  task_role_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "arn:aws:logs:${var.region}:*:log-group:/ecs/checkout-api:*"
    }]
  })

  container {
    name          = "app"
    image         = var.image
    port          = 8080
    stop_timeout  = 60
    drain_timeout = 25
    cpu           = 896
    memory        = 1792

    user                     = "1000:1000"
    readonly_root_filesystem = true
    drop_capabilities        = ["ALL"]

    # The router starts first and stops last, so no line is lost.
    depends_on = {
      log_router = "START"
    }

    mount_point {
      source_volume  = "tmp"
      container_path = "/tmp"
    }

    ulimit {
      name       = "nofile"
      soft_limit = 65535
      hard_limit = 65535
    }

    log {
      retention_days = 14
      driver         = "awsfirelens"
      options = {
        Name              = "cloudwatch_logs"
        region            = var.region
        log_group_name    = "/ecs/checkout-api"
        log_stream_prefix = "app/"
        auto_create_group = "false"
      }
    }
  }

  sidecar {
    name               = "log_router"
    image              = var.log_router_image
    cpu                = 128
    memory_reservation = 128

    firelens {
      type = "fluentbit"
      options = {
        "enable-ecs-log-metadata" = "true"
      }
    }
  }

  volume {
    name = "tmp"
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
