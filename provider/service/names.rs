//! Child resource names, derived deterministically from the service's `name`. Where AWS limits
//! a name's length, the name is shortened and a hash of the full name is appended, so two
//! services never share a child name and the same service always gets the same one.

use sha2::{Digest, Sha256};

use super::facts;

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
    /// The role ECS assumes to move traffic between the target groups (ECS-native strategies).
    pub infrastructure_role: String,
    pub log_group: String,
    pub codedeploy_application: String,
    pub deployment_group: String,
    pub discovery_service: String,
    pub requests_policy: String,
    pub cpu_policy: String,
    pub memory_policy: String,
    pub alarm_5xx_blue: String,
    pub alarm_5xx_green: String,
    pub alarm_5xx_rate_blue: String,
    pub alarm_5xx_rate_green: String,
    pub alarm_latency_blue: String,
    pub alarm_latency_green: String,
    pub alarm_unhealthy_blue: String,
    pub alarm_unhealthy_green: String,
}

/// How many hex digits of SHA-256 a shortened name carries: stable across releases (unlike
/// std's hasher), and the module generator renders the same rule with Terraform's `sha256`.
pub const HASH_DIGITS: usize = 6;

fn short_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest
        .iter()
        .take(HASH_DIGITS / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How one child's name is derived from the service's name: `prefix` + name + `suffix`, and
/// where AWS limits the length, shortened with a hash (see [`bounded`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRule {
    /// The `ChildNames` field, also the key the generated modules use.
    pub field: &'static str,
    pub prefix: &'static str,
    pub suffix: &'static str,
    /// AWS's length limit; `None` where the name is used as it is.
    pub limit: Option<usize>,
}

impl NameRule {
    const fn bounded(field: &'static str, suffix: &'static str, limit: usize) -> NameRule {
        NameRule {
            field,
            prefix: "",
            suffix,
            limit: Some(limit),
        }
    }

    pub fn apply(&self, name: &str) -> String {
        match self.limit {
            Some(limit) => bounded(name, self.suffix, limit),
            None => format!("{}{name}{}", self.prefix, self.suffix),
        }
    }

    /// How many characters of the name a shortened name keeps.
    pub fn kept_characters(&self) -> Option<usize> {
        self.limit
            .map(|limit| limit.saturating_sub(self.suffix.len() + HASH_DIGITS + 1))
    }
}

/// Every child name, in `ChildNames` order.
pub const NAME_RULES: &[NameRule] = &[
    NameRule::bounded("task_family", "", facts::ECS_NAME.max),
    NameRule::bounded("ecs_service", "", facts::ECS_NAME.max),
    NameRule::bounded("blue_target_group", "-blue", facts::TARGET_GROUP_NAME.max),
    NameRule::bounded("green_target_group", "-green", facts::TARGET_GROUP_NAME.max),
    NameRule::bounded("execution_role", "-execution", facts::ROLE_NAME.max),
    NameRule::bounded("task_role", "-task", facts::ROLE_NAME.max),
    NameRule::bounded("codedeploy_role", "-codedeploy", facts::ROLE_NAME.max),
    NameRule::bounded("infrastructure_role", "-ecs-infra", facts::ROLE_NAME.max),
    NameRule {
        field: "log_group",
        prefix: "/ecs/",
        suffix: "",
        limit: None,
    },
    NameRule::bounded(
        "codedeploy_application",
        "",
        facts::CODEDEPLOY_APPLICATION_NAME.max,
    ),
    NameRule::bounded("deployment_group", "", facts::DEPLOYMENT_GROUP_NAME.max),
    NameRule::bounded("discovery_service", "", facts::DISCOVERY_SERVICE_NAME.max),
    NameRule::bounded(
        "requests_policy",
        "-requests",
        facts::SCALING_POLICY_NAME.max,
    ),
    NameRule::bounded("cpu_policy", "-cpu", facts::SCALING_POLICY_NAME.max),
    NameRule::bounded("memory_policy", "-memory", facts::SCALING_POLICY_NAME.max),
    NameRule::bounded("alarm_5xx_blue", "-5xx-blue", facts::ALARM_NAME.max),
    NameRule::bounded("alarm_5xx_green", "-5xx-green", facts::ALARM_NAME.max),
    NameRule::bounded(
        "alarm_5xx_rate_blue",
        "-5xx-rate-blue",
        facts::ALARM_NAME.max,
    ),
    NameRule::bounded(
        "alarm_5xx_rate_green",
        "-5xx-rate-green",
        facts::ALARM_NAME.max,
    ),
    NameRule::bounded("alarm_latency_blue", "-p99-blue", facts::ALARM_NAME.max),
    NameRule::bounded("alarm_latency_green", "-p99-green", facts::ALARM_NAME.max),
    NameRule::bounded(
        "alarm_unhealthy_blue",
        "-unhealthy-blue",
        facts::ALARM_NAME.max,
    ),
    NameRule::bounded(
        "alarm_unhealthy_green",
        "-unhealthy-green",
        facts::ALARM_NAME.max,
    ),
];

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

/// Derived listener rule priorities lie in `DERIVED_PRIORITY_BASE ..
/// DERIVED_PRIORITY_BASE + DERIVED_PRIORITY_SPAN`.
pub const DERIVED_PRIORITY_BASE: i64 = 10_000;
pub const DERIVED_PRIORITY_SPAN: i64 = 40_000;

/// A listener rule priority derived from the name (the first four bytes of its SHA-256, modulo
/// the span), for services that do not set one; user-chosen priorities below 10000 never
/// collide with derived ones.
pub fn derived_rule_priority(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    DERIVED_PRIORITY_BASE + i64::from(n) % DERIVED_PRIORITY_SPAN
}

impl ChildNames {
    pub fn for_service(name: &str) -> ChildNames {
        let n = |field: &str| {
            NAME_RULES
                .iter()
                .find(|r| r.field == field)
                .map(|r| r.apply(name))
                .unwrap_or_default()
        };
        ChildNames {
            task_family: n("task_family"),
            ecs_service: n("ecs_service"),
            blue_target_group: n("blue_target_group"),
            green_target_group: n("green_target_group"),
            execution_role: n("execution_role"),
            task_role: n("task_role"),
            codedeploy_role: n("codedeploy_role"),
            infrastructure_role: n("infrastructure_role"),
            log_group: n("log_group"),
            codedeploy_application: n("codedeploy_application"),
            deployment_group: n("deployment_group"),
            discovery_service: n("discovery_service"),
            requests_policy: n("requests_policy"),
            cpu_policy: n("cpu_policy"),
            memory_policy: n("memory_policy"),
            alarm_5xx_blue: n("alarm_5xx_blue"),
            alarm_5xx_green: n("alarm_5xx_green"),
            alarm_5xx_rate_blue: n("alarm_5xx_rate_blue"),
            alarm_5xx_rate_green: n("alarm_5xx_rate_green"),
            alarm_latency_blue: n("alarm_latency_blue"),
            alarm_latency_green: n("alarm_latency_green"),
            alarm_unhealthy_blue: n("alarm_unhealthy_blue"),
            alarm_unhealthy_green: n("alarm_unhealthy_green"),
        }
    }

    /// The names keyed by `NameRule::field`.
    pub fn by_field(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("task_family", &self.task_family),
            ("ecs_service", &self.ecs_service),
            ("blue_target_group", &self.blue_target_group),
            ("green_target_group", &self.green_target_group),
            ("execution_role", &self.execution_role),
            ("task_role", &self.task_role),
            ("codedeploy_role", &self.codedeploy_role),
            ("infrastructure_role", &self.infrastructure_role),
            ("log_group", &self.log_group),
            ("codedeploy_application", &self.codedeploy_application),
            ("deployment_group", &self.deployment_group),
            ("discovery_service", &self.discovery_service),
            ("requests_policy", &self.requests_policy),
            ("cpu_policy", &self.cpu_policy),
            ("memory_policy", &self.memory_policy),
            ("alarm_5xx_blue", &self.alarm_5xx_blue),
            ("alarm_5xx_green", &self.alarm_5xx_green),
            ("alarm_5xx_rate_blue", &self.alarm_5xx_rate_blue),
            ("alarm_5xx_rate_green", &self.alarm_5xx_rate_green),
            ("alarm_latency_blue", &self.alarm_latency_blue),
            ("alarm_latency_green", &self.alarm_latency_green),
            ("alarm_unhealthy_blue", &self.alarm_unhealthy_blue),
            ("alarm_unhealthy_green", &self.alarm_unhealthy_green),
        ]
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
    fn every_name_has_one_rule() {
        let n = ChildNames::for_service("a-service-name-long-enough-to-need-shortening");
        let fields: Vec<_> = n.by_field().iter().map(|(f, _)| *f).collect();
        let rules: Vec<_> = NAME_RULES.iter().map(|r| r.field).collect();
        assert_eq!(fields, rules);
        for (field, value) in n.by_field() {
            assert!(!value.is_empty(), "{field}");
        }
    }

    #[test]
    fn derived_priorities_are_stable_and_in_range() {
        let p = derived_rule_priority("checkout-api");
        assert_eq!(p, derived_rule_priority("checkout-api"));
        assert!((10_000..50_000).contains(&p));
        assert_ne!(p, derived_rule_priority("orders-api"));
    }
}
