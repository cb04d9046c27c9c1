output "service_arn" {
  value = fargate_production_service.checkout.service_arn
}

output "task_definition_arn" {
  value = fargate_production_service.checkout.task_definition_arn
}

output "dns_name" {
  value = fargate_production_service.checkout.dns_name
}

output "live_target_group" {
  value = fargate_production_service.checkout.live_target_group
}

output "blue_target_group_arn" {
  value = fargate_production_service.checkout.blue_target_group_arn
}

output "green_target_group_arn" {
  value = fargate_production_service.checkout.green_target_group_arn
}

output "children" {
  value = fargate_production_service.checkout.children
}

output "running_images" {
  value = fargate_production_service.checkout.running_images
}
