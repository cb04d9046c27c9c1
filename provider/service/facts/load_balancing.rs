//! What a service behind a Network Load Balancer may use, beside the Application Load Balancer
//! facts of `facts.rs`: the target group and health check protocols, the health check codes,
//! CodeDeploy's one deployment configuration on an NLB, and the delay ECS adds to traffic shifts.

use super::{ELB_TARGET_GROUP, Enum, Range, shape};

const NLB_BLUE_GREEN: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb-resources-for-blue-green.md";
const NLB_HEALTH_CHECKS: &str = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html";

/// The target group protocols offered behind an Application Load Balancer: HTTP, the one the
/// health check defaults suit (ELBv2 `ProtocolEnum` has nine).
pub const ALB_TARGET_PROTOCOLS: Enum = Enum {
    values: &["HTTP"],
    model: shape("elbv2", "ProtocolEnum"),
    subset: true,
    source: ELB_TARGET_GROUP,
};

/// The target group protocols offered behind a Network Load Balancer: TCP and TLS, the stream
/// protocols a task's `tcp` port mapping serves. The ELBv2 model, `CreateTargetGroupInput.Protocol`:
/// "For Network Load Balancers, the supported protocols are TCP, TLS, UDP, TCP_UDP, QUIC, or
/// TCP_QUIC"; UDP and QUIC need a `udp` port mapping and are not offered yet.
pub const NLB_TARGET_PROTOCOLS: Enum = Enum {
    values: &["TCP", "TLS"],
    model: shape("elbv2", "ProtocolEnum"),
    subset: true,
    source: ELB_TARGET_GROUP,
};

/// A Network Load Balancer's health check protocols. ELBv2 model,
/// `CreateTargetGroupInput.HealthCheckProtocol`: "For Network Load Balancers and Gateway Load
/// Balancers, the default is TCP. ... The GENEVE, TLS, UDP, TCP_UDP, QUIC, and TCP_QUIC protocols
/// are not supported for health checks"; the NLB guide: "HTTP, HTTPS, and TCP. The default is
/// the TCP protocol."
pub const NLB_HEALTH_CHECK_PROTOCOLS: Enum = Enum {
    values: &["TCP", "HTTP", "HTTPS"],
    model: shape("elbv2", "ProtocolEnum"),
    subset: true,
    source: NLB_HEALTH_CHECKS,
};

/// The HTTP codes a Network Load Balancer's HTTP(S) health check matcher takes. ELBv2 model,
/// `Matcher.HttpCode`: "For target groups with a protocol of TCP, TCP_UDP, UDP, QUIC, TCP_QUIC,
/// or TLS the range is 200-599."
pub const NLB_HEALTH_CHECK_CODES: Range = Range {
    min: 200,
    max: 599,
    model: None,
    source: NLB_HEALTH_CHECKS,
};

/// The one CodeDeploy deployment configuration an ECS service behind a Network Load Balancer
/// may use. ECS guide, deployment-type-bluegreen: "When a Network Load Balancer is used, only
/// the CodeDeployDefault.ECSAllAtOnce deployment configuration is supported"; the CodeDeploy
/// guide, deployment-configurations, says the same.
pub const CODEDEPLOY_NLB_CONFIG: &str = "CodeDeployDefault.ECSAllAtOnce";

/// Where [`CODEDEPLOY_NLB_CONFIG`] comes from.
pub const CODEDEPLOY_NLB_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html";

/// The minutes ECS adds to each traffic-shift stage of a deployment behind a Network Load
/// Balancer, and the stages. The newest page (nlb-resources-for-blue-green.md, titled "...blue/
/// green, linear and canary deployments") lists TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT;
/// the older .html copies add PRE_SCALE_UP. The newest page is followed.
pub const NLB_SHIFT_DELAY_MINUTES: i64 = 10;

/// The stages [`NLB_SHIFT_DELAY_MINUTES`] applies to.
pub const NLB_DELAYED_STAGES: &[&str] = &["TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"];

/// Where [`NLB_SHIFT_DELAY_MINUTES`] comes from.
pub const NLB_SHIFT_DELAY_SOURCE: &str = NLB_BLUE_GREEN;
