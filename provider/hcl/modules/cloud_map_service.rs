//! The cloud-map-service submodule: the Cloud Map service the tasks register in.

use crate::service::expand::{
    CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD, ChildKey, DISCOVERY_CUSTOM_HEALTH_CHECK,
};
use crate::service::schema::{DNS_RECORD_TYPES, one_of_code};

use crate::hcl::model::{Module, Node, Output};

use super::parts::{resource, submodule, tags_variable, var};

/// The Cloud Map service's resource name, the child's address in this submodule
/// (`child_address`).
pub(super) const DISCOVERY_SERVICE: &str = "this";

pub(super) fn cloud_map_service() -> Module {
    let mut m = submodule(
        "cloud-map-service",
        vec![
            var("name", "string", "Name of the Cloud Map service."),
            var("namespace_id", "string", "Private DNS namespace."),
            var("dns_ttl", "number", "TTL of the DNS records."),
            var(
                "record_type",
                "string",
                &format!("{}.", one_of_code(DNS_RECORD_TYPES)),
            ),
            var("routing_policy", "string", "`MULTIVALUE` or `WEIGHTED`."),
            tags_variable(),
        ],
    );
    let mut service = resource(ChildKey::DiscoveryService.kind(), DISCOVERY_SERVICE)
        .expr("name", "var.name")
        .expr("tags", "var.tags")
        .block(
            Node::new("dns_config", &[])
                .expr("namespace_id", "var.namespace_id")
                .expr("routing_policy", "var.routing_policy")
                .block(
                    Node::new("dns_records", &[])
                        .expr("ttl", "var.dns_ttl")
                        .expr("type", "var.record_type"),
                ),
        );
    if DISCOVERY_CUSTOM_HEALTH_CHECK {
        // hashicorp/aws sends no custom health check for an empty block.
        service = service.block(Node::new("health_check_custom_config", &[]).expr(
            "failure_threshold",
            CUSTOM_HEALTH_CHECK_FAILURE_THRESHOLD.to_string(),
        ));
    }
    m.blocks = vec![service];
    m.outputs = vec![
        Output::new(
            "arn",
            "aws_service_discovery_service.this.arn",
            "ARN of the Cloud Map service.",
        ),
        Output::new(
            "id",
            "aws_service_discovery_service.this.id",
            "ID of the Cloud Map service.",
        ),
    ];
    m
}
