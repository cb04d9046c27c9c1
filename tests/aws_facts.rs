//! The AWS facts the checks and the modules encode (provider/service/facts.rs) against AWS's
//! own API models: the botocore models of the emulator's pinned venv. An enum value, a range
//! or a name length that AWS changed in its models fails here, naming the fact, instead of
//! shipping as a stale rule.

use std::collections::BTreeMap;
use std::process::Command;

use fargate_provider::service::facts;

/// The `shapes` of each model the facts name, and botocore's version, read by the venv's
/// Python (the models are gzipped JSON inside botocore).
fn pinned_models() -> (String, facts::Models) {
    let python = std::env::var("MOTO_PYTHON")
        .expect("MOTO_PYTHON is not set: run the tests through tools/test.sh");
    let script = "import json, sys, botocore\n\
                  from botocore.loaders import create_loader\n\
                  loader = create_loader()\n\
                  shapes = {s: loader.load_service_model(s, 'service-2')['shapes'] for s in sys.argv[1:]}\n\
                  print(json.dumps({'version': botocore.__version__, 'shapes': shapes}))";
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(facts::model_services())
        .output()
        .expect("run the venv's Python");
    assert!(
        out.status.success(),
        "loading the models failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("models JSON");
    let version = json["version"].as_str().unwrap_or_default().to_owned();
    let shapes: BTreeMap<String, serde_json::Value> =
        serde_json::from_value(json["shapes"].clone()).expect("shapes by service");
    (version, shapes)
}

#[test]
fn every_fact_the_models_state_agrees_with_the_pinned_models() {
    let (version, models) = pinned_models();
    assert!(!version.is_empty(), "botocore's version");
    let checked = facts::RANGES
        .iter()
        .filter(|(_, f)| f.model.is_some())
        .count()
        + facts::ENUMS
            .iter()
            .filter(|(_, f)| f.model.is_some())
            .count()
        + facts::NAME_LENGTHS
            .iter()
            .filter(|(_, f)| f.model.is_some())
            .count();
    eprintln!(
        "{checked} facts checked against botocore {version}'s models of {:?}",
        facts::model_services()
    );
    assert_eq!(facts::disagreements(&models), Vec::<String>::new());
}
