# The same production Fargate service as examples/basic, built from the generated modules on
# the hashicorp/aws provider instead of the fargate_production_service resource.
#
# The network, the load balancer's listeners, the cluster and the Cloud Map namespace usually
# come from other configurations; here they are inputs (see variables.tf).

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

module "checkout" {
  source = "../../modules/fargate-production-service"

  name          = "checkout-api"
  cluster       = var.cluster
  desired_count = 4

  task = {
    cpu              = 512
    memory           = 1024
    cpu_architecture = "ARM64"
  }

  container = {
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
    health_check = {
      command      = ["CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"]
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

  load_balancer = {
    vpc_id                    = var.vpc_id
    production_listener_arn   = var.production_listener_arn
    test_listener_arn         = var.test_listener_arn
    deregistration_delay      = 30
    health_check_grace_period = 60
    health_check = {
      path     = "/healthz"
      matcher  = "200"
      interval = 15
      timeout  = 5
    }
  }

  # CodeDeploy, written out: the modules' default is ECS-native blue/green.
  deployment_strategy = "codedeploy"

  blue_green = {
    deployment_config        = "CodeDeployDefault.ECSAllAtOnce"
    termination_wait_minutes = 5
    auto_rollback_events     = ["DEPLOYMENT_FAILURE"]
  }

  service_discovery = {
    namespace_id = var.namespace_id
    dns_ttl      = 10
  }

  capacity_provider_strategy = [
    {
      capacity_provider = "FARGATE"
      base              = 2
      weight            = 1
    },
  ]

  autoscaling = {
    min                 = 4
    max                 = 40
    requests_per_target = 1000
    cpu_target          = 70
  }

  tags = {
    team = "payments"
  }
}
