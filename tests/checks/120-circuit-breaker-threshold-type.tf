# expect: error | Unknown circuit breaker threshold type | ecs_deployment.circuit_breaker_threshold_type
resource "fargate_production_service" "svc" {
  name                = "corpus-svc"
  cluster             = "prod"
  deployment_strategy = "rolling"

  task {
    cpu    = 512
    memory = 1024
  }

  container {
    name          = "app"
    image         = "registry.example.com/app:1.4.2"
    stop_timeout  = 60
    drain_timeout = 25
  }

  network {
    subnets         = ["subnet-0a", "subnet-0b"]
    security_groups = ["sg-01"]
  }

  ecs_deployment {
    circuit_breaker_threshold_type = "PERCENT"  #!
  }
}
