//! The tags the provider writes on children for itself: ownership, so a child found by name
//! is adopted only by its own service, and settings AWS must remember for an import.

use super::cluster_name;

/// Tag that marks a child as this provider's, naming the service it belongs to
/// (`<cluster name>/<service name>`): a child found by its derived name is adopted only when it
/// carries this service's value, so a lost state never takes over someone else's resource.
pub const OWNER_TAG: &str = "fargate:service";

/// The owner tag's value for a service.
pub fn owner_value(cluster: &str, name: &str) -> String {
    format!("{}/{name}", cluster_name(cluster))
}

/// Service tag that keeps `drain_timeout`, a setting only the plan-time checks use, so an
/// import can restore it.
pub const DRAIN_TIMEOUT_TAG: &str = "fargate:drain_timeout";
