output "service_arn" {
  value = module.worker.service_arn
}

output "task_definition_arn" {
  value = module.worker.task_definition_arn
}

output "children" {
  value = module.worker.children
}
