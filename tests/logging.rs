//! awslogs' details through the real tofu against the emulator, asserted through the ECS API:
//! a stream prefix and a multiline pattern reach the application's container definition (not
//! the sidecars'), plan empty after the apply and after an import, and moving to a datetime
//! format rolls out a revision with it and without the pattern.

mod support;

use support::scenario::{Setup, setup_example};

/// The awslogs options of the application's container in the revision the service runs.
fn app_log_options(t: &Setup) -> std::collections::BTreeMap<String, String> {
    let revision = t
        .ecs_service()
        .task_definition()
        .unwrap_or_default()
        .to_owned();
    t.aws.run(async {
        let def = fargate_provider::aws::task_definition::read(&t.aws.clients, &revision)
            .await
            .expect("read the revision")
            .expect("the revision");
        def.app().map(|c| c.log_options.clone()).unwrap_or_default()
    })
}

#[test]
fn a_stream_prefix_and_a_multiline_pattern_reach_the_application_container() {
    let t = setup_example("logs", "rolling");
    t.edit_main(
        "    log {\n      retention_days = 14\n",
        "    log {\n      retention_days    = 14\n      stream_prefix     = \"checkout\"\n      multiline_pattern = \"^\\\\d{4}-\\\\d{2}-\\\\d{2}\"\n",
    );
    t.apply(&[]);
    let options = app_log_options(&t);
    assert_eq!(
        options.get("awslogs-stream-prefix").map(String::as_str),
        Some("checkout")
    );
    assert_eq!(
        options.get("awslogs-multiline-pattern").map(String::as_str),
        Some("^\\d{4}-\\d{2}-\\d{2}"),
        "{options:?}"
    );
    assert!(!options.contains_key("awslogs-datetime-format"));
    t.assert_plans_empty(&[]);
    t.assert_import_plans_nothing(&[]);

    // A datetime format instead of the pattern: a new revision with it, the pattern gone.
    t.edit_main(
        "      multiline_pattern = \"^\\\\d{4}-\\\\d{2}-\\\\d{2}\"\n",
        "      datetime_format   = \"%Y-%m-%dT%H:%M:%S\"\n",
    );
    t.apply(&[]);
    let options = app_log_options(&t);
    assert_eq!(
        options.get("awslogs-datetime-format").map(String::as_str),
        Some("%Y-%m-%dT%H:%M:%S")
    );
    assert!(
        !options.contains_key("awslogs-multiline-pattern"),
        "{options:?}"
    );
    t.assert_plans_empty(&[]);
    t.tofu(&["destroy", "-auto-approve"]).assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");
}
