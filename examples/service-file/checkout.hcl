# The settings of one service, written like the body of a fargate_production_service block.
# `terraform-provider-fargate generate service --from examples/service-file/checkout.hcl`
# checks them and prints the module call to copy.

name    = "checkout-api"
cluster = "prod-cluster"

task {
  cpu    = 512
  memory = 1024
}

container {
  name          = "app"
  image         = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.42.0"
  port          = 8080
  stop_timeout  = 60
  drain_timeout = 25
}

network {
  subnets         = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
  security_groups = ["sg-0123456789abcdef0"]
}

load_balancer {
  vpc_id                  = "vpc-0123456789abcdef0"
  production_listener_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2"
  test_listener_arn       = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shared/50dc6c495c0c9188/0467ef3c8400ae65"
  deregistration_delay    = 30
}

autoscaling {
  min        = 2
  max        = 10
  cpu_target = 70
}
