//! The provider's configuration block, in hashicorp/aws's conventions: its schema, and its
//! decoding into the AWS settings with a diagnostic at each bad setting. aws/config.rs turns the
//! settings into an SDK configuration and knows nothing of schemas or diagnostics.

use aws_config::retry::RetryMode;

use crate::aws::config::{AssumeRole, AwsSettings};
use crate::tfplugin::{Attribute as A, Block, Diagnostic, Diagnostics, NestedBlock, Schema};
use crate::value::{AttributePath, Type, Value};

/// Services whose endpoint can be overridden, under hashicorp/aws's names.
pub const ENDPOINT_SERVICES: &[&str] = &[
    "applicationautoscaling",
    "cloudwatch",
    "codedeploy",
    "ec2",
    "ecs",
    "elbv2",
    "iam",
    "logs",
    "servicediscovery",
    "sts",
];

pub fn provider_schema() -> Schema {
    let mut endpoints = Block::new(
        "Custom endpoint URLs per service, for emulators such as LocalStack or moto. `AWS_ENDPOINT_URL` \
         and `AWS_ENDPOINT_URL_<SERVICE>` work as well.",
    );
    for service in ENDPOINT_SERVICES {
        endpoints = endpoints.attribute(A::optional(
            service,
            Type::String,
            &format!("Endpoint URL for the `{service}` API."),
        ));
    }
    Schema {
        version: 0,
        block: Block::new("AWS connection settings, as the hashicorp/aws provider takes them.")
            .attribute(A::optional(
                "region",
                Type::String,
                "AWS region. Defaults to `AWS_REGION` / `AWS_DEFAULT_REGION` or the profile's region.",
            ))
            .attribute(A::optional(
                "profile",
                Type::String,
                "Named profile from the shared config and credentials files. Defaults to `AWS_PROFILE`.",
            ))
            .attribute(A::optional(
                "shared_config_files",
                Type::list(Type::String),
                "Paths of shared config files. Defaults to `~/.aws/config`.",
            ))
            .attribute(A::optional(
                "shared_credentials_files",
                Type::list(Type::String),
                "Paths of shared credentials files. Defaults to `~/.aws/credentials`.",
            ))
            .attribute(A::optional(
                "access_key",
                Type::String,
                "Static access key ID. Prefer the environment or a profile.",
            ))
            .attribute(A::optional("secret_key", Type::String, "Static secret access key.").sensitive())
            .attribute(A::optional("token", Type::String, "Session token for temporary static credentials.").sensitive())
            .attribute(A::optional(
                "max_retries",
                Type::Number,
                "Maximum retries of a throttled or transiently failed AWS call, with exponential backoff. \
                 Defaults to `AWS_MAX_ATTEMPTS` - 1 when that is set, else 25 (hashicorp/aws's default).",
            ))
            .attribute(A::optional(
                "retry_mode",
                Type::String,
                "`standard` (exponential backoff with jitter) or `adaptive` (also slows the client's own \
                 request rate while AWS throttles it). Defaults to `AWS_RETRY_MODE`, else `standard`, as in \
                 hashicorp/aws.",
            ))
            .attribute(A::optional(
                "skip_credentials_validation",
                Type::Bool,
                "Skip the STS GetCallerIdentity call that checks credentials when the provider is configured.",
            ))
            .block(NestedBlock::optional_single(
                "assume_role",
                Block::new("An IAM role to assume for every call.")
                    .attribute(A::required("role_arn", Type::String, "ARN of the role to assume."))
                    .attribute(A::optional("session_name", Type::String, "Session name for the assumed role."))
                    .attribute(A::optional(
                        "external_id",
                        Type::String,
                        "External ID the role's trust policy requires.",
                    )),
            ))
            .block(NestedBlock::optional_single(
                "default_tags",
                Block::new("Tags applied to every resource this provider creates.")
                    .attribute(A::optional("tags", Type::map(Type::String), "The tags.")),
            ))
            .block(NestedBlock::optional_single("endpoints", endpoints)),
    }
}

const UNKNOWN_SETTING: &str = "Provider setting unknown during plan";

/// A string setting, refusing values unknown at configure time.
fn string_setting(v: &Value, path: &AttributePath, diags: &mut Diagnostics) -> Option<String> {
    match v {
        Value::Unknown(_) => {
            diags.push(
                Diagnostic::error(
                    UNKNOWN_SETTING,
                    "This provider setting depends on a value that is only known after apply. Provider settings \
                     must be known when planning; use a value known in advance.",
                )
                .at(path.clone()),
            );
            None
        }
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn string_list(v: &Value, path: &AttributePath, diags: &mut Diagnostics) -> Vec<String> {
    v.elements()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| string_setting(e, &path.join_index(i), diags))
        .collect()
}

/// For ValidateProviderConfig, where values may still be unknown.
pub fn settings_allowing_unknown(config: &Value) -> Result<AwsSettings, Diagnostics> {
    match settings(config) {
        Ok(s) => Ok(s),
        Err(d) => {
            let rest: Diagnostics = d
                .into_iter()
                .filter(|d| d.summary != UNKNOWN_SETTING)
                .collect();
            if rest.has_errors() {
                Err(rest)
            } else {
                Ok(AwsSettings::default())
            }
        }
    }
}

/// For ConfigureProvider: every setting must be known.
pub fn settings(config: &Value) -> Result<AwsSettings, Diagnostics> {
    let mut diags = Diagnostics::new();
    let root = AttributePath::root();
    let s = |name: &str, diags: &mut Diagnostics| {
        string_setting(config.get(name), &root.join_attr(name), diags)
    };
    let mut settings = AwsSettings {
        region: s("region", &mut diags),
        profile: s("profile", &mut diags),
        access_key: s("access_key", &mut diags),
        secret_key: s("secret_key", &mut diags),
        token: s("token", &mut diags),
        shared_config_files: string_list(
            config.get("shared_config_files"),
            &root.join_attr("shared_config_files"),
            &mut diags,
        ),
        shared_credentials_files: string_list(
            config.get("shared_credentials_files"),
            &root.join_attr("shared_credentials_files"),
            &mut diags,
        ),
        skip_credentials_validation: config
            .get("skip_credentials_validation")
            .as_bool()
            .unwrap_or(false),
        ..AwsSettings::default()
    };
    match config.get("max_retries") {
        Value::Null | Value::Unknown(_) => {}
        v => match v
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n <= 100)
        {
            Some(n) => settings.max_retries = Some(n),
            None => diags.push(
                Diagnostic::error(
                    "Invalid max_retries",
                    "max_retries must be a whole number from 0 to 100.",
                )
                .at(root.join_attr("max_retries")),
            ),
        },
    }
    if let Some(mode) = s("retry_mode", &mut diags) {
        match mode.parse::<RetryMode>() {
            Ok(m) => settings.retry_mode = Some(m),
            Err(_) => diags.push(
                Diagnostic::error(
                    "Invalid retry_mode",
                    format!("retry_mode is \"standard\" or \"adaptive\", not {mode:?}."),
                )
                .at(root.join_attr("retry_mode")),
            ),
        }
    }
    if settings.access_key.is_some() != settings.secret_key.is_some() {
        diags.push(
            Diagnostic::error(
                "Incomplete static credentials",
                "access_key and secret_key must be set together.",
            )
            .at(root.join_attr(if settings.access_key.is_some() {
                "secret_key"
            } else {
                "access_key"
            })),
        );
    }
    let ar = config.get("assume_role");
    if !ar.is_null() {
        let at = root.join_attr("assume_role");
        let role_arn = string_setting(ar.get("role_arn"), &at.join_attr("role_arn"), &mut diags);
        match role_arn {
            Some(arn) if arn.starts_with("arn:") && arn.contains(":role/") => {
                settings.assume_role = Some(AssumeRole {
                    role_arn: arn,
                    session_name: string_setting(
                        ar.get("session_name"),
                        &at.join_attr("session_name"),
                        &mut diags,
                    ),
                    external_id: string_setting(
                        ar.get("external_id"),
                        &at.join_attr("external_id"),
                        &mut diags,
                    ),
                });
            }
            Some(arn) => diags.push(
                Diagnostic::error(
                    "Invalid role ARN",
                    format!("{arn:?} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)."),
                )
                .at(at.join_attr("role_arn")),
            ),
            None if ar.get("role_arn").is_unknown() => {}
            None => diags.push(
                Diagnostic::error("Missing role ARN", "assume_role needs role_arn.")
                    .at(at.join_attr("role_arn")),
            ),
        }
    }
    if let Some(tags) = config.get("default_tags").get("tags").entries() {
        for (k, v) in tags {
            let at = root.join_attr("default_tags").join_attr("tags").join_key(k);
            if let Some(v) = string_setting(v, &at, &mut diags) {
                if let Some(problem) = crate::service::tag_checks::tag_problem(k, &v) {
                    diags.push(Diagnostic::error("Invalid tag", problem).at(at));
                }
                settings.default_tags.insert(k.clone(), v);
            }
        }
    }
    let endpoints = config.get("endpoints");
    for service in ENDPOINT_SERVICES {
        let path = root.join_attr("endpoints").join_attr(service);
        if let Some(url) = string_setting(endpoints.get(service), &path, &mut diags) {
            if url.starts_with("http://") || url.starts_with("https://") {
                settings.endpoints.insert((*service).to_owned(), url);
            } else {
                diags.push(
                    Diagnostic::error(
                        "Invalid endpoint URL",
                        format!("{url:?} is not an http:// or https:// URL."),
                    )
                    .at(path),
                );
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn config(entries: Vec<(&str, Value)>) -> Value {
        let ty = provider_schema().value_type();
        let Type::Object(attrs) = ty else {
            unreachable!()
        };
        let mut m: BTreeMap<String, Value> =
            attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
        for (k, v) in entries {
            m.insert(k.to_owned(), v);
        }
        Value::Object(m)
    }

    #[test]
    fn settings_follow_hashicorp_aws_names() {
        let s = settings(&config(vec![
            ("region", Value::string("eu-west-1")),
            ("max_retries", Value::int(1)),
            (
                "endpoints",
                Value::object([("ecs", Value::string("http://127.0.0.1:5000"))]),
            ),
            (
                "default_tags",
                Value::object([(
                    "tags",
                    Value::Map([("team".to_owned(), Value::string("payments"))].into()),
                )]),
            ),
        ]))
        .unwrap();
        assert_eq!(s.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.max_retries, Some(1));
        assert_eq!(s.endpoints["ecs"], "http://127.0.0.1:5000");
        assert_eq!(s.default_tags["team"], "payments");
    }

    #[test]
    fn bad_settings_point_at_their_attribute() {
        let err = settings(&config(vec![
            ("access_key", Value::string("AKIA")),
            (
                "endpoints",
                Value::object([("iam", Value::string("localhost:5000"))]),
            ),
            (
                "assume_role",
                Value::object([("role_arn", Value::string("arn:aws:iam::1:user/x"))]),
            ),
        ]))
        .unwrap_err();
        let paths: Vec<String> = err
            .iter()
            .filter_map(|d| d.attribute.as_ref())
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            paths,
            ["secret_key", "assume_role.role_arn", "endpoints.iam"]
        );
    }

    #[test]
    fn unknown_settings_are_refused_at_configure() {
        let err = settings(&config(vec![("region", Value::unknown())])).unwrap_err();
        assert!(err.iter().any(|d| d.summary.contains("unknown")));
    }

    #[test]
    fn an_unknown_retry_mode_is_refused() {
        assert!(settings(&config(vec![("retry_mode", Value::string("legacy"))])).is_err());
    }
}
