output "service_arn" {
  value = module.checkout.service_arn
}

output "task_definition_arn" {
  value = module.checkout.task_definition_arn
}

output "blue_target_group_arn" {
  value = module.checkout.blue_target_group_arn
}

output "green_target_group_arn" {
  value = module.checkout.green_target_group_arn
}

output "children" {
  value = module.checkout.children
}

output "appspec" {
  value = module.checkout.appspec
}
