//! The secret rules of every container: `secrets` values are secret or parameter ARNs, one in
//! another account or Region names what the execution role then needs, and an environment
//! variable that looks like a credential belongs in `secrets`.

use crate::service::arn::{ListenerArn, SecretArn, SecretStore};
use crate::value::{AttributePath, Value};

use super::shared::{Checker, container_blocks};

/// Environment variable names that look like they hold a credential.
const CREDENTIAL_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

impl Checker {
    pub(super) fn secrets(&mut self, c: &Value) {
        // The production listener tells the service's account and Region.
        let service = c
            .get("load_balancer")
            .get("production_listener_arn")
            .as_str()
            .and_then(|arn| ListenerArn::parse(arn).ok());
        for (at, container) in container_blocks(c) {
            self.container_secrets(container, &at, service.as_ref());
        }
    }

    fn container_secrets(
        &mut self,
        container: &Value,
        block: &AttributePath,
        service: Option<&ListenerArn>,
    ) {
        if let Some(secrets) = container.get("secrets").entries() {
            for (key, v) in secrets {
                let Some(arn) = v.as_str() else { continue };
                let at = block.join_attr("secrets").join_key(key);
                match SecretArn::parse(arn) {
                    Some(secret) => {
                        if let Some(service) = service
                            && let Some(why) = secret_placement_problem(&secret, service)
                        {
                            self.warning(
                                at,
                                "Secret in another account or Region",
                                format!("{key} refers to {arn}. {why}"),
                            );
                        }
                    }
                    None => self.error(
                        at,
                        "Secret value is not a secret ARN",
                        format!(
                            "secrets values are references, read by the execution role when a task starts: a Secrets \
                             Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM \
                             parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>). {key} holds something \
                             else; never put the secret itself here."
                        ),
                    ),
                }
            }
        }
        if let Some(env) = container.get("environment").entries() {
            for (key, v) in env {
                let upper = key.to_ascii_uppercase();
                if v.as_str().is_some_and(|s| !s.is_empty())
                    && CREDENTIAL_WORDS.iter().any(|w| upper.contains(w))
                {
                    self.warning(
                        block.join_attr("environment").join_key(key),
                        "Credential in a plain environment variable",
                        format!(
                            "{key} looks like a credential, and environment values are stored in plain text in the task \
                             definition and in the state. Put it in Secrets Manager or SSM and reference it in \
                             the container's secrets instead."
                        ),
                    );
                }
            }
        }
    }
}

/// Why a secret outside the service's account or Region may not reach the task, naming what
/// the execution role needs there; `None` when it lives beside the service.
pub fn secret_placement_problem(secret: &SecretArn, service: &ListenerArn) -> Option<String> {
    let other_account = secret.account_id != service.account_id;
    let other_region = secret.region != service.region;
    if !other_account && !other_region {
        return None;
    }
    let here = format!("account {} in {}", service.account_id, service.region);
    let there = format!("account {} in {}", secret.account_id, secret.region);
    let own_kms = format!(
        "The execution role this resource creates may kms:Decrypt only keys of account {} in {}, so a \
         customer-managed key there must grant kms:Decrypt to the execution role in its key policy.",
        service.account_id, service.region
    );
    Some(match (secret.store, other_account) {
        (SecretStore::SecretsManager, true) => format!(
            "The service runs in {here}, the secret is in {there}. The execution role reads it only if the \
             secret's resource policy allows the execution role secretsmanager:GetSecretValue and the secret is \
             encrypted with a customer-managed KMS key whose key policy allows the execution role kms:Decrypt (the \
             aws/secretsmanager key cannot be used from another account). {own_kms}"
        ),
        (SecretStore::SecretsManager, false) => format!(
            "The service runs in {here}, the secret is in {there}. ECS reads it there by its full ARN; if the \
             secret uses a customer-managed KMS key, the execution role needs kms:Decrypt on that key in {}. \
             {own_kms} A replica of the secret in {} avoids both.",
            secret.region, service.region
        ),
        (SecretStore::ParameterStore, true) => format!(
            "The service runs in {here}, the parameter is in {there}. A parameter of another account is readable \
             only when it is an advanced-tier parameter shared with this account through AWS RAM, and a \
             SecureString's customer-managed KMS key must allow the execution role kms:Decrypt. {own_kms}"
        ),
        (SecretStore::ParameterStore, false) => format!(
            "The service runs in {here}, the parameter is in {there}. ECS finds a parameter of another Region only \
             by its full ARN (a name alone resolves in {} only), and a SecureString's customer-managed KMS key in \
             {} must allow the execution role kms:Decrypt. {own_kms}",
            service.region, secret.region
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_elsewhere_name_what_the_execution_role_needs() {
        let service = ListenerArn::parse(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2",
        )
        .expect("listener");
        let problem = |arn: &str| {
            secret_placement_problem(&SecretArn::parse(arn).expect(arn), &service)
                .unwrap_or_default()
        };
        assert_eq!(
            problem("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
            ""
        );
        let other_account =
            problem("arn:aws:secretsmanager:us-east-1:210987654321:secret:db-AbCdEf");
        assert!(
            other_account.contains("resource policy") && other_account.contains("kms:Decrypt"),
            "{other_account}"
        );
        let other_region =
            problem("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf");
        assert!(other_region.contains("replica"), "{other_region}");
        let parameter = problem("arn:aws:ssm:eu-west-1:123456789012:parameter/db");
        assert!(parameter.contains("full ARN"), "{parameter}");
        let shared = problem("arn:aws:ssm:us-east-1:210987654321:parameter/db");
        assert!(shared.contains("AWS RAM"), "{shared}");
    }

    use crate::service::checks::testing::{Seen, block, error, list, map, run, s, warning};

    fn secrets(entries: &[(&str, Value)]) -> Vec<Seen> {
        run(Checker::secrets, &[("container.secrets", map(entries))])
    }

    #[test]
    fn secrets_are_secret_or_parameter_arns() {
        assert_eq!(
            secrets(&[
                (
                    "DB",
                    s("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf")
                ),
                (
                    "KEY",
                    s("arn:aws:ssm:us-east-1:123456789012:parameter/app/key")
                ),
            ]),
            []
        );
        for bad in [
            "hunter2",
            "arn:aws:s3:::bucket/db",
            "arn:aws:secretsmanager:us-east-1:123456789012:db",
        ] {
            assert_eq!(
                secrets(&[("DB", s(bad))]),
                [error(
                    "Secret value is not a secret ARN",
                    "container.secrets[\"DB\"]"
                )],
                "{bad}"
            );
        }
        let sidecar = run(
            Checker::secrets,
            &[(
                "sidecar",
                list(vec![block(&[("secrets", map(&[("T", s("t0k3n"))]))])]),
            )],
        );
        assert_eq!(
            sidecar,
            [error(
                "Secret value is not a secret ARN",
                "sidecar[0].secrets[\"T\"]"
            )]
        );
    }

    #[test]
    fn a_secret_elsewhere_is_a_warning_only_beside_a_known_listener() {
        let elsewhere = (
            "DB",
            s("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
        );
        let listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";
        assert_eq!(
            run(
                Checker::secrets,
                &[
                    ("load_balancer.production_listener_arn", s(listener)),
                    ("container.secrets", map(std::slice::from_ref(&elsewhere))),
                ]
            ),
            [warning(
                "Secret in another account or Region",
                "container.secrets[\"DB\"]"
            )]
        );
        assert_eq!(
            run(
                Checker::secrets,
                &[
                    (
                        "load_balancer.production_listener_arn",
                        s(&listener.replace("us-east-1", "eu-west-1"))
                    ),
                    ("container.secrets", map(std::slice::from_ref(&elsewhere))),
                ]
            ),
            []
        );
        assert_eq!(secrets(&[elsewhere]), []);
    }

    #[test]
    fn a_credential_in_the_environment_is_a_warning() {
        let env = |entries: &[(&str, Value)]| {
            run(Checker::secrets, &[("container.environment", map(entries))])
        };
        for name in [
            "DB_PASSWORD",
            "api_key",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            let at = format!("container.environment[{name:?}]");
            assert_eq!(
                env(&[(name, s("x"))]),
                [warning("Credential in a plain environment variable", &at)],
                "{name}"
            );
        }
        // An empty value holds nothing; other names are configuration.
        assert_eq!(
            env(&[
                ("DB_PASSWORD", s("")),
                ("LOG_LEVEL", s("info")),
                ("DB_HOST", s("db"))
            ]),
            []
        );
    }
}
