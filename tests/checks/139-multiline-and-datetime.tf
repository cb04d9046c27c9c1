# expect: error | Both multiline settings | container.log.multiline_pattern
resource "fargate_production_service" "svc" {
  name    = "corpus-svc"
  cluster = "prod"

  task {
    cpu    = 512
    memory = 1024
  }

  container {
    name          = "app"
    image         = "registry.example.com/app:1.4.2"
    port          = 8080
    stop_timeout  = 60
    drain_timeout = 25

    log {
      multiline_pattern = "^\\d{4}-"  #!
      datetime_format   = "%Y-%m-%d"
    }
  }

  network {
    subnets         = ["subnet-0a", "subnet-0b"]
    security_groups = ["sg-01"]
  }

  load_balancer {
    vpc_id                  = "vpc-01"
    production_listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2"
    test_listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/0467ef3c8400ae65"
    deregistration_delay    = 30
  }
}
