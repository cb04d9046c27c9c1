//! The plan-time network checks against the emulator: examples/codedeploy with the fixtures' VPC,
//! subnets, security group and ALB, and the diagnostics plan gives as the security group's
//! rules and the subnets change (the rules themselves are unit-tested in service::checks).

mod support;

use aws_sdk_ec2::types::{IpPermission, IpRange, UserIdGroupPair};
use support::{Aws, Emulator, Fixtures, Workdir};

const NOT_ADMITTED: &str = "Task security groups do not admit the load balancer";
const OPEN: &str = "Task security group open to the internet";

fn tcp_8080() -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(8080)
        .to_port(8080)
}

#[test]
fn plan_checks_the_security_groups_and_subnets_in_aws() {
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, "plan-checks");
    let aws = Aws::new(&emulator);
    let (runtime, ec2) = (&aws.runtime, &aws.ec2);
    let w = Workdir::new().with_env(emulator.aws_env());
    w.copy_example("codedeploy");
    w.write("terraform.tfvars", &fixtures.tfvars());
    // The fixtures' group is both the ALB's and the tasks', and admits itself on 8080.
    let sg = fixtures.json["security_group_ids"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let plan = || {
        let run = w.tofu(&["plan", "-no-color"]);
        (run.success(), run.text().replace('\n', " "))
    };
    let from_itself = || {
        tcp_8080()
            .user_id_group_pairs(UserIdGroupPair::builder().group_id(&sg).build())
            .build()
    };
    let (ok, text) = plan();
    assert!(ok, "{text}");
    assert!(
        !text.contains(NOT_ADMITTED) && !text.contains(OPEN),
        "{text}"
    );

    // Without that rule, nothing lets the load balancer reach the tasks.
    runtime
        .block_on(
            ec2.revoke_security_group_ingress()
                .group_id(&sg)
                .ip_permissions(from_itself())
                .send(),
        )
        .expect("RevokeSecurityGroupIngress");
    let (ok, text) = plan();
    assert!(ok, "warnings do not stop the plan: {text}");
    assert!(text.contains(NOT_ADMITTED), "{text}");
    assert!(text.contains("TCP port 8080"), "{text}");
    assert!(!text.contains(OPEN), "{text}");

    // Open to the world: the load balancer gets in, but so does everyone.
    let world = tcp_8080()
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build();
    runtime
        .block_on(
            ec2.authorize_security_group_ingress()
                .group_id(&sg)
                .ip_permissions(world.clone())
                .send(),
        )
        .expect("AuthorizeSecurityGroupIngress");
    let (ok, text) = plan();
    assert!(ok, "{text}");
    assert!(text.contains(OPEN), "{text}");
    assert!(text.contains("tcp 8080 from 0.0.0.0/0"), "{text}");
    assert!(!text.contains(NOT_ADMITTED), "{text}");

    // Only from the load balancer's group: what the seeds ask for, and no warning.
    runtime
        .block_on(
            ec2.revoke_security_group_ingress()
                .group_id(&sg)
                .ip_permissions(world)
                .send(),
        )
        .expect("RevokeSecurityGroupIngress");
    runtime
        .block_on(
            ec2.authorize_security_group_ingress()
                .group_id(&sg)
                .ip_permissions(from_itself())
                .send(),
        )
        .expect("AuthorizeSecurityGroupIngress");
    emulator.reset_requests();
    let (ok, text) = plan();
    assert!(ok, "{text}");
    assert!(
        !text.contains(NOT_ADMITTED) && !text.contains(OPEN),
        "{text}"
    );
    if emulator.embedded {
        let mut calls = emulator.requests();
        calls.sort();
        calls.dedup();
        assert_eq!(
            calls,
            [
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                // The cluster check.
                "ecs:DescribeClusters",
                "elasticloadbalancing:DescribeLoadBalancers",
                // The listener-rule priority check.
                "elasticloadbalancing:DescribeRules"
            ]
        );
    }

    // A subnet of another VPC: an error at network.subnets naming the subnet and its VPC.
    let (other_vpc, other_subnet) = runtime.block_on(async {
        let vpc = ec2
            .create_vpc()
            .cidr_block("10.41.0.0/16")
            .send()
            .await
            .expect("CreateVpc");
        let vpc = vpc
            .vpc()
            .and_then(|v| v.vpc_id())
            .unwrap_or_default()
            .to_owned();
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block("10.41.1.0/24")
            .availability_zone("us-east-1c")
            .send()
            .await
            .expect("CreateSubnet");
        let subnet = subnet
            .subnet()
            .and_then(|s| s.subnet_id())
            .unwrap_or_default()
            .to_owned();
        (vpc, subnet)
    });
    let first = fixtures.json["private_subnet_ids"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    w.write(
        "terraform.tfvars",
        &format!(
            "{}private_subnet_ids = [\"{first}\", \"{other_subnet}\"]\n",
            fixtures
                .tfvars()
                .lines()
                .filter(|l| !l.starts_with("private_subnet_ids"))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        ),
    );
    let (ok, text) = plan();
    assert!(!ok, "{text}");
    assert!(
        text.contains("Subnet outside the load balancer's VPC"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Subnet {other_subnet} is in {other_vpc}")),
        "{text}"
    );
}

/// The cluster check (ECS DescribeClusters at plan): a cluster without the capacity providers
/// the strategy names, or with Container Insights off, is said at plan; ECS (the strict
/// emulator, contract rule 8) refuses the service the same way at apply; a cluster that does
/// not exist is said too.
#[test]
fn plan_checks_the_cluster_in_aws() {
    let t = support::scenario::setup_example("plan-cluster", "basic");
    t.aws.run(async {
        t.aws
            .clients
            .ecs
            .create_cluster()
            .cluster_name("bare")
            .send()
            .await
            .expect("CreateCluster")
    });
    // The fixtures' cluster has both Fargate providers and Container Insights: no warning.
    let plan = t.tofu(&["plan"]);
    plan.assert_ok();
    let text = plan.text();
    for summary in [
        "Capacity provider not associated",
        "Container Insights is off",
        "Cluster not found",
    ] {
        assert!(!text.contains(summary), "{text}");
    }

    let plan = t.tofu(&["plan", "-var", "cluster=bare"]);
    plan.assert_ok();
    let text = plan.text().replace('\n', " ");
    assert!(
        text.contains("Capacity provider not associated with the cluster")
            && text.contains("refuses a service whose capacity provider strategy names FARGATE"),
        "{text}"
    );
    assert!(text.contains("Container Insights is off"), "{text}");
    // What the warning foretells: ECS refuses the service.
    let apply = t.tofu(&["apply", "-auto-approve", "-var", "cluster=bare"]);
    assert!(!apply.success());
    assert!(
        apply
            .text()
            .replace('\n', " ")
            .contains("not associated with the cluster"),
        "{}",
        apply.text()
    );
    t.tofu(&["destroy", "-auto-approve", "-var", "cluster=bare"])
        .assert_ok();
    assert_eq!(t.children_left(), Vec::<String>::new(), "children left");

    let plan = t.tofu(&["plan", "-var", "cluster=nowhere"]);
    plan.assert_ok();
    assert!(plan.text().contains("Cluster not found"), "{}", plan.text());
}
