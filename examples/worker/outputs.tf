output "service_arn" {
  value = fargate_production_service.worker.service_arn
}

output "task_definition_arn" {
  value = fargate_production_service.worker.task_definition_arn
}

output "children" {
  value = fargate_production_service.worker.children
}
