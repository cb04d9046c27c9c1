"""Unit tests of nlb.py (README.md rule 14) through boto3 against the launched launcher: a
Network Load Balancer's ARNs, target groups that follow its listeners, the TCP health check's
limits, rules refused on its listeners, and ECS's listener-ARN form of productionListenerRule.

    "$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'
"""

import unittest
import uuid

from botocore.exceptions import ClientError

from test_emulator import ModuleLauncher

_module = ModuleLauncher()
_launcher = None


def setUpModule():
    global _launcher
    _launcher = _module.start()


def tearDownModule():
    _module.stop()


class NetworkLoadBalancerTest(unittest.TestCase):
    def setUp(self):
        self.name = f"n{uuid.uuid4().hex[:8]}"
        ec2, self.elbv2 = _launcher.client("ec2"), _launcher.client("elbv2")
        self.vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(
                VpcId=self.vpc, CidrBlock=f"10.50.{i}.0/24", AvailabilityZone=f"us-east-1{az}"
            )["Subnet"]["SubnetId"]
            for i, az in ((1, "a"), (2, "b"))
        ]
        self.nlb = self.elbv2.create_load_balancer(
            Name=self.name, Subnets=subnets, Scheme="internal", Type="network"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        self.parking = self.group("park")
        self.listener = self.elbv2.create_listener(
            LoadBalancerArn=self.nlb,
            Protocol="TCP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": self.parking}],
        )["Listeners"][0]["ListenerArn"]

    def group(self, suffix, **kwargs):
        return self.elbv2.create_target_group(
            Name=f"{self.name}-{suffix}", Protocol="TCP", Port=8080, VpcId=self.vpc, TargetType="ip",
            **kwargs,
        )["TargetGroups"][0]["TargetGroupArn"]

    def error(self, call, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(**kwargs)
        return caught.exception.response["Error"]

    def load_balancers_of(self, group):
        return self.elbv2.describe_target_groups(TargetGroupArns=[group])["TargetGroups"][0][
            "LoadBalancerArns"
        ]

    def test_arns_say_net(self):
        self.assertIn(":loadbalancer/net/", self.nlb)
        self.assertIn(":listener/net/", self.listener)

    def test_target_groups_follow_the_default_action(self):
        blue, green = self.group("blue"), self.group("green")
        self.assertEqual(self.load_balancers_of(blue), [])
        self.elbv2.modify_listener(
            ListenerArn=self.listener,
            DefaultActions=[
                {
                    "Type": "forward",
                    "ForwardConfig": {
                        "TargetGroups": [
                            {"TargetGroupArn": blue, "Weight": 1},
                            {"TargetGroupArn": green, "Weight": 0},
                        ]
                    },
                }
            ],
        )
        self.assertEqual(self.load_balancers_of(blue), [self.nlb])
        self.assertEqual(self.load_balancers_of(green), [self.nlb])
        # The group it forwarded to before is no longer in use, and can go.
        self.assertEqual(self.load_balancers_of(self.parking), [])

    def test_a_tcp_check_takes_no_path_or_matcher(self):
        error = self.error(
            self.elbv2.create_target_group,
            Name=f"{self.name}-x", Protocol="TCP", Port=8080, VpcId=self.vpc, TargetType="ip",
            HealthCheckPath="/health",
        )
        self.assertEqual(error["Message"], "Health check paths are not supported for TCP health checks")
        error = self.error(
            self.elbv2.modify_target_group, TargetGroupArn=self.parking, Matcher={"HttpCode": "200"}
        )
        self.assertEqual(error["Message"], "Health check matchers are not supported for TCP health checks")
        # An HTTP check on a TCP group takes both.
        self.group("http", HealthCheckProtocol="HTTP", HealthCheckPath="/health")

    def test_no_rules_on_an_nlb_listener(self):
        error = self.error(
            self.elbv2.create_rule,
            ListenerArn=self.listener,
            Priority=10,
            Conditions=[{"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.0/8"]}}],
            Actions=[{"Type": "forward", "TargetGroupArn": self.parking}],
        )
        self.assertIn("dual-stack Network Load Balancer", error["Message"])

    def test_ecs_takes_the_listener_of_an_nlb_and_a_rule_of_an_alb(self):
        ecs, iam = _launcher.client("ecs"), _launcher.client("iam")
        role = iam.create_role(
            RoleName=f"{self.name}-infra",
            AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
            '"Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
        )["Role"]["Arn"]
        blue, green = self.group("b"), self.group("g")
        ecs.create_cluster(clusterName=self.name)
        ecs.register_task_definition(
            family=self.name,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[
                {"name": "app", "image": "nginx", "portMappings": [{"containerPort": 8080}]}
            ],
        )
        wrong = self.listener.replace(":listener/net/", ":listener-rule/net/") + "/0123456789abcdef"
        error = self.error(
            ecs.create_service,
            cluster=self.name,
            serviceName=self.name,
            taskDefinition=self.name,
            desiredCount=1,
            launchType="FARGATE",
            deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1},
            loadBalancers=[
                {
                    "targetGroupArn": blue,
                    "containerName": "app",
                    "containerPort": 8080,
                    "advancedConfiguration": {
                        "alternateTargetGroupArn": green,
                        "productionListenerRule": wrong,
                        "roleArn": role,
                    },
                }
            ],
        )
        self.assertEqual(
            error["Message"],
            "productionListenerRule has an invalid ARN format. Must be RuleArn for ALB or ListenerArn "
            f"for NLB. Got: {wrong}",
        )


if __name__ == "__main__":
    unittest.main()
