//! Child resource names, derived deterministically from the service's `name`. Where AWS limits
//! a name's length, the name is shortened and a hash of the full name is appended, so two
//! services never share a child name and the same service always gets the same one.

use sha2::{Digest, Sha256};

/// Names of every child of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildNames {
    pub task_family: String,
    pub ecs_service: String,
    pub blue_target_group: String,
    pub green_target_group: String,
    pub execution_role: String,
    pub task_role: String,
    pub codedeploy_role: String,
    pub log_group: String,
    pub codedeploy_application: String,
    pub deployment_group: String,
    pub discovery_service: String,
    pub requests_policy: String,
    pub cpu_policy: String,
    pub memory_policy: String,
}

/// Six hex digits of SHA-256: stable across releases (unlike std's hasher).
fn short_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest.iter().take(3).map(|b| format!("{b:02x}")).collect()
}

/// `base` + `suffix` within `limit` characters: `base` is cut and followed by a hash of the
/// full name when the whole would not fit.
pub fn bounded(base: &str, suffix: &str, limit: usize) -> String {
    if base.len() + suffix.len() <= limit {
        return format!("{base}{suffix}");
    }
    let hash = short_hash(base);
    let keep = limit.saturating_sub(suffix.len() + hash.len() + 1);
    let cut: String = base.chars().take(keep).collect();
    format!("{}-{hash}{suffix}", cut.trim_end_matches('-'))
}

/// A listener rule priority in 10000..50000 derived from the name, for services that do not
/// set one; user-chosen priorities below 10000 never collide with derived ones.
pub fn derived_rule_priority(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    10_000 + i64::from(n % 40_000)
}

impl ChildNames {
    pub fn for_service(name: &str) -> ChildNames {
        ChildNames {
            task_family: bounded(name, "", 255),
            ecs_service: bounded(name, "", 255),
            blue_target_group: bounded(name, "-blue", 32),
            green_target_group: bounded(name, "-green", 32),
            execution_role: bounded(name, "-execution", 64),
            task_role: bounded(name, "-task", 64),
            codedeploy_role: bounded(name, "-codedeploy", 64),
            log_group: format!("/ecs/{name}"),
            codedeploy_application: bounded(name, "", 100),
            deployment_group: bounded(name, "", 100),
            discovery_service: bounded(name, "", 63),
            requests_policy: bounded(name, "-requests", 256),
            cpu_policy: bounded(name, "-cpu", 256),
            memory_policy: bounded(name, "-memory", 256),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_used_as_they_are() {
        let n = ChildNames::for_service("checkout-api");
        assert_eq!(n.blue_target_group, "checkout-api-blue");
        assert_eq!(n.green_target_group, "checkout-api-green");
        assert_eq!(n.execution_role, "checkout-api-execution");
        assert_eq!(n.log_group, "/ecs/checkout-api");
    }

    #[test]
    fn long_names_are_shortened_deterministically_and_stay_distinct() {
        let a = ChildNames::for_service("payments-reconciliation-worker-eu");
        let b = ChildNames::for_service("payments-reconciliation-worker-us");
        assert!(a.green_target_group.len() <= 32, "{}", a.green_target_group);
        assert!(a.blue_target_group.len() <= 32);
        assert_ne!(a.green_target_group, b.green_target_group);
        assert_eq!(
            a,
            ChildNames::for_service("payments-reconciliation-worker-eu")
        );
        assert!(a.green_target_group.ends_with("-green"));
        assert!(!a.green_target_group.contains("--"));
    }

    #[test]
    fn derived_priorities_are_stable_and_in_range() {
        let p = derived_rule_priority("checkout-api");
        assert_eq!(p, derived_rule_priority("checkout-api"));
        assert!((10_000..50_000).contains(&p));
        assert_ne!(p, derived_rule_priority("orders-api"));
    }
}
