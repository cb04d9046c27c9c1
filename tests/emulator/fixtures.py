"""Creates (or removes) what a fargate_production_service needs to exist already: a VPC with two
subnets in two Availability Zones, a security group, an internal ALB with a production and a
test listener, an internal NLB with a production and a test listener (each forwarding to an
empty "parking" target group, which a service takes the listener over from and hands it back
to), an ECS cluster and a Cloud Map private DNS namespace.

    fixtures.py create <prefix>     prints the IDs as JSON (the variables of examples/basic)
    fixtures.py destroy <json-file> removes what `create` made

Uses boto3 against AWS_ENDPOINT_URL (the embedded emulator, LocalStack Pro or a real account).
"""

import json
import os
import sys
import time

import boto3


def client(name):
    return boto3.client(name, region_name=os.environ.get("AWS_REGION", "us-east-1"))


def create(prefix):
    ec2, elbv2, ecs, sd = client("ec2"), client("elbv2"), client("ecs"), client("servicediscovery")
    region = ec2.meta.region_name
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"{region}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName=f"{prefix}-tasks", Description="tasks", VpcId=vpc)[
        "GroupId"
    ]
    # The group is the ALB's and the tasks': it admits itself on examples/basic's container port,
    # so the load balancer reaches the tasks (what the plan-time security group check wants).
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": sg}]}
        ],
    )
    lb = elbv2.create_load_balancer(
        Name=f"{prefix}-alb"[:32], Subnets=subnets, SecurityGroups=[sg], Scheme="internal", Type="application"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    not_found = [
        {
            "Type": "fixed-response",
            "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "no route"},
        }
    ]
    production = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=not_found)[
        "Listeners"
    ][0]["ListenerArn"]
    test = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=8080, DefaultActions=not_found)[
        "Listeners"
    ][0]["ListenerArn"]
    nlb = elbv2.create_load_balancer(
        Name=f"{prefix}-nlb"[:32], Subnets=subnets, SecurityGroups=[sg], Scheme="internal", Type="network"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    nlb_listeners, parking = {}, []
    for role, port in (("production", 80), ("test", 8080)):
        group = elbv2.create_target_group(
            Name=f"{prefix}-park-{role[:4]}"[:32], Protocol="TCP", Port=8080, VpcId=vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        parking.append(group)
        nlb_listeners[role] = elbv2.create_listener(
            LoadBalancerArn=nlb,
            Protocol="TCP",
            Port=port,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
        )["Listeners"][0]["ListenerArn"]
    # Fargate's capacity providers are associated with the cluster, as a service's capacity
    # provider strategy needs; Container Insights on, as seed 003 advises.
    cluster = ecs.create_cluster(
        clusterName=f"{prefix}-cluster",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        settings=[{"name": "containerInsights", "value": "enabled"}],
    )["cluster"]["clusterName"]
    operation = sd.create_private_dns_namespace(Name=f"{prefix}.internal", Vpc=vpc)["OperationId"]
    namespace = None
    for _ in range(60):
        op = sd.get_operation(OperationId=operation)["Operation"]
        if op["Status"] == "SUCCESS":
            namespace = op["Targets"]["NAMESPACE"]
            break
        if op["Status"] == "FAIL":
            raise SystemExit(f"namespace creation failed: {op}")
        time.sleep(1)
    return {
        "cluster": cluster,
        "private_subnet_ids": subnets,
        "security_group_ids": [sg],
        "vpc_id": vpc,
        "production_listener_arn": production,
        "test_listener_arn": test,
        "namespace_id": namespace,
        "load_balancer_arn": lb,
        "nlb_production_listener_arn": nlb_listeners["production"],
        "nlb_test_listener_arn": nlb_listeners["test"],
        "network_load_balancer_arn": nlb,
        "parking_target_group_arns": parking,
    }


def destroy(ids):
    ec2, elbv2, ecs, sd = client("ec2"), client("elbv2"), client("ecs"), client("servicediscovery")
    for listener in (ids["production_listener_arn"], ids["test_listener_arn"]):
        elbv2.delete_listener(ListenerArn=listener)
    elbv2.delete_load_balancer(LoadBalancerArn=ids["load_balancer_arn"])
    for listener in (ids["nlb_production_listener_arn"], ids["nlb_test_listener_arn"]):
        elbv2.delete_listener(ListenerArn=listener)
    for group in ids["parking_target_group_arns"]:
        elbv2.delete_target_group(TargetGroupArn=group)
    elbv2.delete_load_balancer(LoadBalancerArn=ids["network_load_balancer_arn"])
    ecs.delete_cluster(cluster=ids["cluster"])
    sd.delete_namespace(Id=ids["namespace_id"])
    for sg in ids["security_group_ids"]:
        ec2.delete_security_group(GroupId=sg)
    for subnet in ids["private_subnet_ids"]:
        ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=ids["vpc_id"])


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("create", "destroy"):
        raise SystemExit(__doc__)
    if sys.argv[1] == "create":
        print(json.dumps(create(sys.argv[2])))
    else:
        with open(sys.argv[2]) as f:
            destroy(json.load(f))


if __name__ == "__main__":
    main()
