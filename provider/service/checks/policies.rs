//! The task role's permissions: `task_role_policy_json` is an identity policy IAM accepts, and
//! `task_role_managed_policy_arns` are managed policy ARNs, within IAM's limit per role.

use serde_json::Value as Json;

use crate::service::facts;
use crate::value::{AttributePath, Value};

use super::shared::{Checker, path, strings};

/// IAM's limit on the managed policies attached to one role
/// ([`facts::MANAGED_POLICIES_PER_ROLE`]).
pub const MAX_MANAGED_POLICIES: usize = facts::MANAGED_POLICIES_PER_ROLE.max as usize;

impl Checker {
    pub(super) fn task_role_policy(&mut self, c: &Value) {
        let Some(text) = c.get("task_role_policy_json").as_str() else {
            return;
        };
        if let Some(problem) = policy_document_problem(text) {
            self.error(
                path(&["task_role_policy_json"]),
                "Invalid task role policy",
                format!(
                    "task_role_policy_json is not an IAM policy document the task role can take: {problem}. Give a \
                     document such as {{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \
                     [\"s3:GetObject\"], \"Resource\": [\"arn:aws:s3:::bucket/*\"]}}]}} (jsonencode() or an \
                     aws_iam_policy_document's json), or leave the attribute out for no application permissions."
                ),
            );
        }
    }

    /// Managed policy ARNs of IAM, within IAM's limit per role.
    pub(super) fn managed_policies(&mut self, c: &Value) {
        let arns = c.get("task_role_managed_policy_arns");
        for (i, arn) in strings(arns) {
            let parts: Vec<&str> = arn.splitn(6, ':').collect();
            let valid = matches!(
                parts.as_slice(),
                ["arn", partition, "iam", "", account, resource]
                    if !partition.is_empty()
                        && (*account == "aws" || (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())))
                        && resource.starts_with("policy/")
                        && resource.len() > "policy/".len()
            );
            if !valid {
                self.error(
                    AttributePath::attr("task_role_managed_policy_arns").join_index(i),
                    "Not a managed policy ARN",
                    format!(
                        "{arn:?} is not an IAM managed policy ARN: arn:aws:iam::aws:policy/<name> for AWS's, \
                         arn:aws:iam::<account>:policy/<name> for your own (check `managed-policies`)."
                    ),
                );
            }
        }
        if let Some(items) = arns.elements()
            && items.len() > MAX_MANAGED_POLICIES
        {
            self.error(
                AttributePath::attr("task_role_managed_policy_arns"),
                "Too many managed policies",
                format!(
                    "IAM attaches at most {MAX_MANAGED_POLICIES} managed policies to a role; got {}. Combine some \
                     into task_role_policy_json (check `managed-policies`).",
                    items.len()
                ),
            );
        }
    }
}

/// What keeps `text` from being an identity policy IAM accepts on the task role, if anything.
pub fn policy_document_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("it is empty".into());
    }
    let doc: Json = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return Some(format!("it is not valid JSON ({e})")),
    };
    let Some(doc) = doc.as_object() else {
        return Some("it is JSON but not an object".into());
    };
    if let Some(v) = doc.get("Version")
        && !matches!(v.as_str(), Some("2012-10-17" | "2008-10-17"))
    {
        return Some(format!(
            "its Version is {v}; IAM knows \"2012-10-17\" (current) and \"2008-10-17\""
        ));
    }
    let statements: Vec<&Json> = match doc.get("Statement") {
        None => return Some("it has no Statement".into()),
        Some(Json::Array(items)) if items.is_empty() => {
            return Some("its Statement list is empty".into());
        }
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one @ Json::Object(_)) => vec![one],
        Some(_) => return Some("its Statement is neither an object nor a list of objects".into()),
    };
    for (i, statement) in statements.iter().enumerate() {
        let Some(st) = statement.as_object() else {
            return Some(format!("statement {} is not an object", i + 1));
        };
        let which = match st.get("Sid").and_then(Json::as_str) {
            Some(sid) => format!("statement {sid:?}"),
            None => format!("statement {}", i + 1),
        };
        match st.get("Effect") {
            Some(Json::String(e)) if e == "Allow" || e == "Deny" => {}
            Some(e) => {
                return Some(format!(
                    "{which} has Effect {e}; it is \"Allow\" or \"Deny\""
                ));
            }
            None => return Some(format!("{which} has no Effect")),
        }
        if !st.contains_key("Action") && !st.contains_key("NotAction") {
            return Some(format!("{which} has no Action or NotAction"));
        }
        if !st.contains_key("Resource") && !st.contains_key("NotResource") {
            return Some(format!("{which} has no Resource or NotResource"));
        }
        if st.contains_key("Principal") || st.contains_key("NotPrincipal") {
            return Some(format!(
                "{which} names a Principal, which a policy attached to a role cannot (is it a trust policy?)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents() {
        for ok in [
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}"#,
            r#"{"Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::x"}}"#,
            r#"{"Version":"2008-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#,
        ] {
            assert_eq!(policy_document_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("{\"Statement\": [", "not valid JSON"),
            ("[]", "not an object"),
            (r#"{"Version":"2012-10-18","Statement":[]}"#, "Version"),
            (r#"{"Version":"2012-10-17"}"#, "no Statement"),
            (r#"{"Statement":[]}"#, "list is empty"),
            (r#"{"Statement":"Allow"}"#, "neither an object"),
            (r#"{"Statement":[1]}"#, "statement 1 is not an object"),
            (
                r#"{"Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}"#,
                "Effect \"allow\"",
            ),
            (
                r#"{"Statement":[{"Sid":"Read","Action":"s3:*","Resource":"*"}]}"#,
                "statement \"Read\" has no Effect",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
                "no Action",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#,
                "no Resource",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Principal":{"Service":"ecs-tasks.amazonaws.com"}}]}"#,
                "Principal",
            ),
        ] {
            let problem = policy_document_problem(bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem:?}");
        }
    }

    use crate::service::checks::testing::{error, run, s, strings};

    #[test]
    fn the_task_role_policy_rule_points_at_the_attribute() {
        let policy = |text: &str| {
            run(
                Checker::task_role_policy,
                &[("task_role_policy_json", s(text))],
            )
        };
        assert_eq!(
            policy(r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#),
            []
        );
        assert_eq!(
            policy(r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject"}}"#),
            [error("Invalid task role policy", "task_role_policy_json")]
        );
    }

    #[test]
    fn managed_policies_are_iam_policy_arns_at_most_20() {
        let arns = |items: &[&str]| {
            run(
                Checker::managed_policies,
                &[("task_role_managed_policy_arns", strings(items))],
            )
        };
        assert_eq!(
            arns(&[
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "arn:aws:iam::123456789012:policy/team/app-read",
                "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
            ]),
            []
        );
        for bad in [
            "arn:aws:iam::12345678901:policy/short-account",
            "arn:aws:iam::aws:role/ecsTaskExecutionRole",
            "arn:aws:iam::aws:policy/",
            "arn:aws:s3:::bucket",
            "ReadOnlyAccess",
        ] {
            assert_eq!(
                arns(&["arn:aws:iam::aws:policy/ReadOnlyAccess", bad]),
                [error(
                    "Not a managed policy ARN",
                    "task_role_managed_policy_arns[1]"
                )],
                "{bad}"
            );
        }
        let many: Vec<String> = (0..21)
            .map(|i| format!("arn:aws:iam::123456789012:policy/p{i}"))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(arns(&many[..20]), []);
        assert_eq!(
            arns(&many),
            [error(
                "Too many managed policies",
                "task_role_managed_policy_arns"
            )]
        );
    }
}
