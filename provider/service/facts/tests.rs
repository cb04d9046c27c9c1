//! The cross-check itself, on models written here: facts that agree pass, stale ones are named.

use serde_json::{Value as Json, json};

use super::*;

/// The shapes the facts name, written as the models state them today.
fn agreeing() -> Models {
    let mut models = Models::new();
    let mut put = |service: &str, shape: &str, body: Json| {
        let shapes = models
            .entry(service.to_owned())
            .or_insert_with(|| json!({}));
        shapes[shape] = body;
    };
    for (_, r) in RANGES {
        if let Some(m) = r.model {
            put(
                m.service,
                m.shape,
                json!({"type": "integer", "min": r.min, "max": r.max}),
            );
        }
    }
    // Full enums first: a part of one (PAUSE_STAGES of the hook stages) then agrees with it.
    let full = ENUMS.iter().filter(|(_, e)| !e.subset);
    for (_, e) in full.chain(ENUMS.iter().filter(|(_, e)| e.subset)) {
        if let Some(m) = e.model {
            if e.subset && ENUMS.iter().any(|(_, f)| !f.subset && f.model == Some(m)) {
                continue;
            }
            // Subsets of one shape (the protocols of each load balancer) together make it.
            let mut values: Vec<&str> = ENUMS
                .iter()
                .filter(|(_, f)| f.model == Some(m))
                .flat_map(|(_, f)| f.values.iter().copied())
                .collect();
            values.sort_unstable();
            values.dedup();
            if e.subset {
                values.push("SOMETHING_ELSE");
            }
            put(
                m.service,
                m.shape,
                json!({"type": "string", "enum": values}),
            );
        }
    }
    for (_, n) in NAME_LENGTHS {
        if let Some(m) = n.model {
            put(
                m.service,
                m.shape,
                json!({"type": "string", "min": 1, "max": n.max}),
            );
        }
    }
    models
}

#[test]
fn facts_that_agree_with_the_model_pass() {
    assert_eq!(disagreements(&agreeing()), Vec::<String>::new());
}

/// A stale rule: the model gained a value the provider does not know, lost one it offers,
/// or moved a bound. Each makes the cross-check fail, naming the fact.
#[test]
fn a_stale_fact_is_reported() {
    let mut models = agreeing();
    models.get_mut("ecs").expect("ecs")["DeploymentLifecycleHookStage"]["enum"]
        .as_array_mut()
        .expect("enum")
        .push(json!("NEW_STAGE"));
    models.get_mut("ecs").expect("ecs")["CPUArchitecture"]["enum"] = json!(["X86_64"]);
    models.get_mut("elbv2").expect("elbv2")["RulePriority"]["max"] = json!(99999);
    models.get_mut("iam").expect("iam")["roleNameType"]["max"] = json!(128);
    models.get_mut("ecs").expect("ecs")["CapacityProviderStrategyItemWeight"]["max"] = json!(10000);
    models
        .get_mut("logs")
        .expect("logs")
        .as_object_mut()
        .expect("shapes")
        .remove("LogGroupName");
    let found = disagreements(&models);
    for name in [
        "ECS_HOOK_STAGES",
        "CPU_ARCHITECTURES",
        "LISTENER_RULE_PRIORITY",
        "ROLE_NAME",
        "LOG_GROUP_NAME",
        "CAPACITY_PROVIDER_WEIGHT",
    ] {
        assert!(
            found.iter().any(|d| d.starts_with(&format!("{name}:"))),
            "{name} not reported: {found:#?}"
        );
    }
    assert_eq!(found.len(), 6, "{found:#?}");
}

#[test]
fn a_subset_may_leave_model_values_out_but_not_add_any() {
    let mut models = agreeing();
    models.get_mut("ecs").expect("ecs")["LogDriver"]["enum"] = json!(["awslogs", "splunk"]);
    assert_eq!(
        disagreements(&models),
        ["LOG_DRIVERS: [\"awsfirelens\"] not in ecs.LogDriver [\"awslogs\", \"splunk\"]"]
    );
}

#[test]
fn tag_characters_follow_the_models_pattern() {
    for ok in [
        "team",
        "cost-center",
        "a b",
        "k8s.io/name",
        "x=y+z@q:r_s",
        "Équipe",
        "名前",
    ] {
        assert!(ok.chars().all(tag_character_allowed), "{ok}");
    }
    for bad in ["a<b", "#x", "tab\there", "semi;colon", "star*", "quote\""] {
        assert!(!bad.chars().all(tag_character_allowed), "{bad}");
    }
}

#[test]
fn every_fact_names_its_source() {
    let sources = RANGES
        .iter()
        .map(|(n, r)| (*n, r.source))
        .chain(ENUMS.iter().map(|(n, e)| (*n, e.source)))
        .chain(NAME_LENGTHS.iter().map(|(n, l)| (*n, l.source)))
        .chain(INTEGER_SETS.iter().map(|(n, s)| (*n, s.source)))
        .chain([
            ("ALARM_WINDOW", ALARM_WINDOW.source),
            ("LINEAR_STEP_PERCENT", LINEAR_STEP_PERCENT.source),
            ("CANARY_PERCENT", CANARY_PERCENT.source),
        ]);
    for (name, source) in sources {
        assert!(
            source.starts_with("https://docs.aws.amazon.com/"),
            "{name}: {source}"
        );
    }
}

/// Every predefined metric a scaling policy of the expansion tracks, in either resolution, is
/// one the facts list (and so one the model's `MetricType` has).
#[test]
fn every_scaling_metric_the_expansion_tracks_is_a_listed_metric_type() {
    use crate::service::expand::ScalingMetric;
    for metric in ScalingMetric::ALL {
        for name in [
            Some(metric.predefined_metric()),
            metric.high_resolution_metric(),
        ]
        .into_iter()
        .flatten()
        {
            assert!(super::SCALING_METRIC_TYPES.values.contains(&name), "{name}");
        }
    }
}
