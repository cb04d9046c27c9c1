//! The ARNs a configuration hands us, parsed once: the checks say precisely what is wrong with
//! one, and the plan-time lookups follow a listener to its load balancer without an API call.

/// An Application or Network Load Balancer listener:
/// `arn:<partition>:elasticloadbalancing:<region>:<account>:listener/{app,net}/<lb-name>/<lb-id>/<listener-id>`
/// (AWS's Service Authorization Reference for Elastic Load Balancing V2, resource type
/// `listener/app` and `listener/net`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerArn {
    pub kind: LoadBalancerKind,
    pub partition: String,
    pub region: String,
    pub account_id: String,
    pub load_balancer_name: String,
    pub load_balancer_id: String,
    pub listener_id: String,
}

/// The load balancers a service can sit behind, told apart by their listeners' ARNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadBalancerKind {
    /// An Application Load Balancer: HTTP target groups, a forwarding rule per service on a
    /// shared listener.
    Application,
    /// A Network Load Balancer: TCP or TLS target groups; a listener routes by port alone, so a
    /// service takes over the whole listener's default action (ECS's `productionListenerRule`
    /// is then the listener's ARN: "listener (in the case for an Network Load Balancer)",
    /// ECS API model, `AdvancedConfiguration`).
    Network,
}

impl LoadBalancerKind {
    /// The segment of the ARNs of this kind's load balancers and listeners.
    pub fn arn_segment(self) -> &'static str {
        match self {
            LoadBalancerKind::Application => "app",
            LoadBalancerKind::Network => "net",
        }
    }

    /// What messages call it.
    pub fn name(self) -> &'static str {
        match self {
            LoadBalancerKind::Application => "Application Load Balancer",
            LoadBalancerKind::Network => "Network Load Balancer",
        }
    }

    /// The CloudWatch namespace of this kind's metrics.
    pub fn metrics_namespace(self) -> &'static str {
        match self {
            LoadBalancerKind::Application => "AWS/ApplicationELB",
            LoadBalancerKind::Network => "AWS/NetworkELB",
        }
    }

    /// The kind of the listener `arn` names; `None` when it is not an ALB or NLB listener.
    pub fn of_listener(arn: &str) -> Option<LoadBalancerKind> {
        ListenerArn::parse(arn).ok().map(|l| l.kind)
    }
}

/// The form the error messages show.
pub const LISTENER_ARN_FORM: &str = "arn:<partition>:elasticloadbalancing:<region>:<account>:listener/<app|net>/<lb-name>/<lb-id>/<listener-id>";

impl ListenerArn {
    /// Parses an ALB or NLB listener ARN, or says in a few words what the string is instead.
    pub fn parse(arn: &str) -> Result<ListenerArn, String> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let ["arn", partition, service, region, account, resource] = parts.as_slice() else {
            return Err("it is not an ARN".into());
        };
        if *service != "elasticloadbalancing" {
            return Err(format!(
                "it is an ARN of the {service:?} service, not of Elastic Load Balancing"
            ));
        }
        if partition.is_empty() || region.is_empty() {
            return Err("its partition or Region is empty".into());
        }
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("its account {account:?} is not 12 digits"));
        }
        let segments: Vec<&str> = resource.split('/').collect();
        match segments.as_slice() {
            ["listener", segment @ ("app" | "net"), name, lb_id, listener_id]
                if [name, lb_id, listener_id].iter().all(|s| !s.is_empty()) =>
            {
                Ok(ListenerArn {
                    kind: if *segment == "app" {
                        LoadBalancerKind::Application
                    } else {
                        LoadBalancerKind::Network
                    },
                    partition: (*partition).to_owned(),
                    region: (*region).to_owned(),
                    account_id: (*account).to_owned(),
                    load_balancer_name: (*name).to_owned(),
                    load_balancer_id: (*lb_id).to_owned(),
                    listener_id: (*listener_id).to_owned(),
                })
            }
            ["listener", "gwy", ..] => Err(
                "it is a Gateway Load Balancer listener, which sends traffic to network appliances, not to tasks"
                    .into(),
            ),
            ["listener", ..] => Err(
                "its listener part is not listener/<app|net>/<lb-name>/<lb-id>/<listener-id>".into(),
            ),
            ["listener-rule", ..] => Err("it is a listener rule, not a listener".into()),
            ["loadbalancer", ..] => Err("it is a load balancer, not one of its listeners".into()),
            ["targetgroup", ..] => Err("it is a target group, not a listener".into()),
            _ => Err(format!("{resource:?} is not a listener")),
        }
    }

    /// The ARN of the load balancer this listener belongs to.
    pub fn load_balancer_arn(&self) -> String {
        format!(
            "arn:{}:elasticloadbalancing:{}:{}:loadbalancer/{}/{}/{}",
            self.partition,
            self.region,
            self.account_id,
            self.kind.arn_segment(),
            self.load_balancer_name,
            self.load_balancer_id
        )
    }
}

/// The listener a listener rule belongs to, from the rule's ARN
/// (`…:listener-rule/app/<lb>/<id>/<listener>/<rule>` → `…:listener/app/<lb>/<id>/<listener>`);
/// a listener's own ARN is its own listener (ECS names an NLB's listener, not a rule).
pub fn listener_of_rule(rule_arn: &str) -> Option<String> {
    if let Ok(listener) = ListenerArn::parse(rule_arn) {
        return Some(
            format!("{}/{}", listener.load_balancer_arn(), listener.listener_id).replacen(
                ":loadbalancer/",
                ":listener/",
                1,
            ),
        );
    }
    let (head, path) = rule_arn.split_once(":listener-rule/")?;
    let (listener, rule) = path.rsplit_once('/')?;
    if rule.is_empty() || listener.split('/').count() != 4 {
        return None;
    }
    Some(format!("{head}:listener/{listener}"))
}

/// Where a secret reference lives: Secrets Manager or SSM Parameter Store, Region and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretArn {
    pub store: SecretStore,
    pub region: String,
    pub account_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStore {
    SecretsManager,
    ParameterStore,
}

impl SecretArn {
    /// A Secrets Manager secret ARN (optionally with a JSON key, stage and version after it) or
    /// an SSM parameter ARN; `None` for anything else.
    pub fn parse(arn: &str) -> Option<SecretArn> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let ["arn", partition, service, region, account, resource] = parts.as_slice() else {
            return None;
        };
        if partition.is_empty()
            || region.is_empty()
            || account.len() != 12
            || !account.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let store = match *service {
            "secretsmanager" => resource
                .strip_prefix("secret:")
                .filter(|r| !r.is_empty())
                .map(|_| SecretStore::SecretsManager),
            "ssm" => resource
                .strip_prefix("parameter/")
                .filter(|r| !r.is_empty())
                .map(|_| SecretStore::ParameterStore),
            _ => None,
        }?;
        Some(SecretArn {
            store,
            region: (*region).to_owned(),
            account_id: (*account).to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_arn_names_its_listener() {
        assert_eq!(
            listener_of_rule(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
            )
            .as_deref(),
            Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2")
        );
        assert_eq!(
            listener_of_rule("arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/b/c"),
            None
        );
        let nlb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";
        assert_eq!(listener_of_rule(nlb).as_deref(), Some(nlb));
    }

    const LISTENER: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2";

    #[test]
    fn an_alb_listener_and_its_load_balancer() {
        let l = ListenerArn::parse(LISTENER).expect("valid");
        assert_eq!(l.region, "eu-west-1");
        assert_eq!(l.account_id, "123456789012");
        assert_eq!(
            l.load_balancer_arn(),
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/edge/50dc6c495c0c9188"
        );
    }

    #[test]
    fn an_nlb_listener_and_its_load_balancer() {
        let l = ListenerArn::parse(&LISTENER.replace("/app/", "/net/")).expect("valid");
        assert_eq!(l.kind, LoadBalancerKind::Network);
        assert_eq!(
            l.load_balancer_arn(),
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/edge/50dc6c495c0c9188"
        );
        assert_eq!(
            LoadBalancerKind::of_listener(LISTENER),
            Some(LoadBalancerKind::Application)
        );
    }

    #[test]
    fn what_is_not_a_listener_says_what_it_is() {
        let why = |arn: &str| ListenerArn::parse(arn).expect_err(arn);
        assert!(why(&LISTENER.replace("/app/", "/gwy/")).contains("Gateway Load Balancer"));
        assert!(why(&LISTENER.replace("/app/", "/xyz/")).contains("listener part"));
        assert!(why("nonsense").contains("not an ARN"));
        assert!(why("arn:aws:ecs:eu-west-1:123456789012:cluster/x").contains("\"ecs\""));
        assert!(
            why("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/edge/50dc6c495c0c9188")
                .contains("load balancer, not")
        );
        assert!(why(&LISTENER.replace("123456789012", "1234")).contains("12 digits"));
        assert!(why(&LISTENER.replace("/f2f7dc8efc522ab2", "")).contains("listener part"));
        assert!(why(&LISTENER.replace("/f2f7dc8efc522ab2", "/")).contains("listener part"));
        assert!(why(&LISTENER.replace(":listener/", ":listener-rule/")).contains("rule"));
    }

    #[test]
    fn secret_references() {
        let s = SecretArn::parse(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
        )
        .expect("secret with a JSON key");
        assert_eq!(
            (s.store, s.region.as_str(), s.account_id.as_str()),
            (SecretStore::SecretsManager, "us-east-1", "123456789012")
        );
        let p = SecretArn::parse("arn:aws:ssm:eu-west-1:123456789012:parameter/app/db")
            .expect("parameter");
        assert_eq!(p.store, SecretStore::ParameterStore);
        for bad in [
            "hunter2",
            "arn:aws:s3:::bucket/key",
            "arn:aws:secretsmanager:us-east-1:12345:secret:x",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
            "arn:aws:ssm::123456789012:parameter/x",
        ] {
            assert!(SecretArn::parse(bad).is_none(), "{bad}");
        }
    }
}
