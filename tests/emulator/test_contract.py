"""Unit tests of contract.py, the rules AWS enforces that moto does not, through boto3 against
the launched launcher (README.md lists the rules):

    "$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'

Each test builds its own world (a VPC, an ALB with a production listener on 80 and a test
listener on 8080 whose default actions are fixed responses, a blue and a green ip target group,
a rule on each listener forwarding to blue, a CODE_DEPLOY service and a deployment group), as the
provider's call flow does.
"""

import json
import os
import time
import unittest
import uuid
from unittest import mock

from botocore.exceptions import ClientError

from test_emulator import Launcher, ModuleLauncher

_module = ModuleLauncher()
_launcher = None

# The contract's defaults, restored before each test.
FAST = {"minute_seconds": 0.05, "step_seconds": 0.05, "iam_delay_seconds": 0}

NOT_FOUND = [
    {
        "Type": "fixed-response",
        "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"},
    }
]

CODEDEPLOY_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "codedeploy.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def setUpModule():
    global _launcher
    _launcher = _module.start()


def tearDownModule():
    _module.stop()


def forward(arn):
    return [{"Type": "forward", "TargetGroupArn": arn}]


def weights(actions):
    """{target group ARN: weight} of a rule's forward action (a scalar TargetGroupArn is 100)."""
    for action in actions:
        if action["Type"] != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups")
        if groups:
            return {g["TargetGroupArn"]: g.get("Weight", 1) for g in groups}
        return {action["TargetGroupArn"]: 100}
    return {}


class ContractTest(unittest.TestCase):
    def setUp(self):
        self.emulator = _launcher
        self.emulator.ok("POST", "/_emulator/faults/reset")
        self.emulator.ok("POST", "/_emulator/contract", FAST)
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 0})
        self.name = f"t{uuid.uuid4().hex[:8]}"

    def client(self, name):
        return self.emulator.client(name)

    def error(self, call, *args, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        return caught.exception.response["Error"]

    # The world, step by step.

    def network(self):
        ec2, elbv2 = self.client("ec2"), self.client("elbv2")
        self.vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [
            ec2.create_subnet(
                VpcId=self.vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"us-east-1{az}"
            )["Subnet"]["SubnetId"]
            for i, az in ((1, "a"), (2, "b"))
        ]
        self.sg = ec2.create_security_group(
            GroupName=self.name, Description="tasks", VpcId=self.vpc
        )["GroupId"]
        self.lb = elbv2.create_load_balancer(
            Name=self.name, Subnets=self.subnets, SecurityGroups=[self.sg], Scheme="internal"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        self.prod = elbv2.create_listener(
            LoadBalancerArn=self.lb, Protocol="HTTP", Port=80, DefaultActions=NOT_FOUND
        )["Listeners"][0]["ListenerArn"]
        self.test = elbv2.create_listener(
            LoadBalancerArn=self.lb, Protocol="HTTP", Port=8080, DefaultActions=NOT_FOUND
        )["Listeners"][0]["ListenerArn"]

    def target_group(self, colour, target_type="ip"):
        return self.client("elbv2").create_target_group(
            Name=f"{self.name}-{colour}",
            Protocol="HTTP",
            Port=8080,
            VpcId=self.vpc,
            TargetType=target_type,
        )["TargetGroups"][0]["TargetGroupArn"]

    def rules(self, target):
        elbv2 = self.client("elbv2")
        conditions = [{"Field": "path-pattern", "Values": [f"/{self.name}/*"]}]
        self.prod_rule = elbv2.create_rule(
            ListenerArn=self.prod, Priority=10, Conditions=conditions, Actions=forward(target)
        )["Rules"][0]["RuleArn"]
        self.test_rule = elbv2.create_rule(
            ListenerArn=self.test, Priority=10, Conditions=conditions, Actions=forward(target)
        )["Rules"][0]["RuleArn"]

    def task_definition(self, image="nginx:1"):
        return self.client("ecs").register_task_definition(
            family=self.name,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[
                {"name": "web", "image": image, "portMappings": [{"containerPort": 8080}]}
            ],
        )["taskDefinition"]["taskDefinitionArn"]

    def network_configuration(self):
        return {
            "awsvpcConfiguration": {
                "subnets": self.subnets,
                "securityGroups": [self.sg],
                "assignPublicIp": "DISABLED",
            }
        }

    def service(self, task_definition, target, **extra):
        ecs = self.client("ecs")
        self.cluster = self.name
        ecs.create_cluster(clusterName=self.cluster)
        return ecs.create_service(
            cluster=self.cluster,
            serviceName="web",
            taskDefinition=task_definition,
            desiredCount=2,
            launchType="FARGATE",
            platformVersion="1.4.0",
            deploymentController={"type": "CODE_DEPLOY"},
            loadBalancers=[{"targetGroupArn": target, "containerName": "web", "containerPort": 8080}],
            networkConfiguration=self.network_configuration(),
            **extra,
        )["service"]

    def role(self, trust=CODEDEPLOY_TRUST):
        return self.client("iam").create_role(
            RoleName=f"{self.name}-{uuid.uuid4().hex[:4]}", AssumeRolePolicyDocument=trust
        )["Role"]["Arn"]

    def group_request(self, role, config="CodeDeployDefault.ECSAllAtOnce", wait=5, test=True):
        pair = {
            "targetGroups": [{"name": f"{self.name}-blue"}, {"name": f"{self.name}-green"}],
            "prodTrafficRoute": {"listenerArns": [self.prod]},
        }
        if test:
            pair["testTrafficRoute"] = {"listenerArns": [self.test]}
        return dict(
            applicationName=self.name,
            deploymentGroupName=self.name,
            serviceRoleArn=role,
            deploymentConfigName=config,
            deploymentStyle={
                "deploymentType": "BLUE_GREEN",
                "deploymentOption": "WITH_TRAFFIC_CONTROL",
            },
            blueGreenDeploymentConfiguration={
                "terminateBlueInstancesOnDeploymentSuccess": {
                    "action": "TERMINATE",
                    "terminationWaitTimeInMinutes": wait,
                },
                "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
            },
            ecsServices=[{"serviceName": "web", "clusterName": self.cluster}],
            loadBalancerInfo={"targetGroupPairInfoList": [pair]},
        )

    def world(self, config="CodeDeployDefault.ECSAllAtOnce", wait=5, test=True):
        """The provider's call flow up to a deployable service."""
        self.network()
        self.blue = self.target_group("blue")
        self.green = self.target_group("green")
        self.rules(self.blue)
        self.first = self.task_definition()
        self.service(self.first, self.blue)
        codedeploy = self.client("codedeploy")
        codedeploy.create_application(applicationName=self.name, computePlatform="ECS")
        codedeploy.create_deployment_group(**self.group_request(self.role(), config, wait, test))

    def appspec(self, task_definition, **properties):
        props = {
            "TaskDefinition": task_definition,
            "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 8080},
            "PlatformVersion": "1.4.0",
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": self.subnets,
                    "SecurityGroups": [self.sg],
                    "AssignPublicIp": "DISABLED",
                }
            },
        }
        props.update(properties)
        return json.dumps(
            {
                "version": 0.0,
                "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": props}}],
            }
        )

    def deploy(self, task_definition, **properties):
        return self.client("codedeploy").create_deployment(
            applicationName=self.name,
            deploymentGroupName=self.name,
            revision={
                "revisionType": "AppSpecContent",
                "appSpecContent": {"content": self.appspec(task_definition, **properties)},
            },
        )["deploymentId"]

    def deployment(self, deployment_id):
        return self.client("codedeploy").get_deployment(deploymentId=deployment_id)[
            "deploymentInfo"
        ]

    def wait(self, deployment_id, timeout=10):
        """Polls GetDeployment until the deployment ends; its info."""
        deadline = time.monotonic() + timeout
        while True:
            info = self.deployment(deployment_id)
            if info["status"] in ("Succeeded", "Failed", "Stopped"):
                return info
            if time.monotonic() > deadline:
                self.fail(f"deployment {deployment_id} still {info['status']}")
            time.sleep(0.02)

    def wait_for(self, predicate, what, timeout=10):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}")
            time.sleep(0.02)

    def described(self):
        return self.client("ecs").describe_services(cluster=self.cluster, services=["web"])[
            "services"
        ][0]

    def rule_weights(self, rule_arn):
        rule = self.client("elbv2").describe_rules(RuleArns=[rule_arn])["Rules"][0]
        return weights(rule["Actions"])

    def primary(self):
        task_sets = self.described()["taskSets"]
        return next(t for t in task_sets if t["status"] == "PRIMARY")


class UpdateServiceTest(ContractTest):
    def setUp(self):
        super().setUp()
        self.world()

    def test_the_allowed_members_update(self):
        ecs = self.client("ecs")
        ecs.update_service(
            cluster=self.cluster,
            service="web",
            desiredCount=3,
            healthCheckGracePeriodSeconds=30,
            deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100},
            enableECSManagedTags=True,
            propagateTags="SERVICE",
        )
        service = self.described()
        self.assertEqual(service["desiredCount"], 3)
        self.assertEqual(self.primary()["computedDesiredCount"], 3)

    def test_codedeploy_members_are_refused(self):
        ecs = self.client("ecs")
        second = self.task_definition("nginx:2")
        tail = " on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment."
        cases = [
            ({"taskDefinition": second}, "Unable to update task definition"),
            ({"networkConfiguration": self.network_configuration()}, "Unable to update network parameters"),
            (
                {"loadBalancers": [{"targetGroupArn": self.green, "containerName": "web", "containerPort": 8080}]},
                "Unable to update load balancers",
            ),
            ({"platformVersion": "LATEST"}, "Unable to update platform version"),
            ({"serviceRegistries": [{"registryArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"}]}, "Unable to update service registries"),
            ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]}, "Unable to update capacity provider strategy"),
            ({"enableExecuteCommand": True}, "Unable to update enable execute command"),
            ({"forceNewDeployment": True}, "Unable to force a new deployment"),
            # Refused even beside allowed members, and nothing changes.
            ({"desiredCount": 5, "taskDefinition": second}, "Unable to update task definition"),
        ]
        for members, text in cases:
            with self.subTest(members=sorted(members)):
                error = self.error(ecs.update_service, cluster=self.cluster, service="web", **members)
                self.assertEqual(error["Code"], "InvalidParameterException")
                self.assertEqual(error["Message"], text + tail)
        service = self.described()
        self.assertEqual(service["taskDefinition"], self.first)
        self.assertEqual(service["desiredCount"], 2)

    def test_a_rolling_service_may_change_its_task_definition(self):
        ecs = self.client("ecs")
        ecs.create_service(cluster=self.cluster, serviceName="rolling", taskDefinition=self.first)
        second = self.task_definition("nginx:2")
        ecs.update_service(cluster=self.cluster, service="rolling", taskDefinition=second)

    def test_a_grace_period_needs_a_load_balancer(self):
        ecs = self.client("ecs")
        text = "Health check grace period is only valid for services configured to use load balancers"
        error = self.error(
            ecs.create_service,
            cluster=self.cluster,
            serviceName="worker",
            taskDefinition=self.first,
            healthCheckGracePeriodSeconds=30,
        )
        self.assertEqual((error["Code"], error["Message"]), ("InvalidParameterException", text))
        ecs.create_service(cluster=self.cluster, serviceName="worker", taskDefinition=self.first)
        error = self.error(
            ecs.update_service,
            cluster=self.cluster,
            service="worker",
            healthCheckGracePeriodSeconds=30,
        )
        self.assertEqual((error["Code"], error["Message"]), ("InvalidParameterException", text))
        ecs.update_service(cluster=self.cluster, service="worker", desiredCount=0)

    def test_an_inactive_service_cannot_be_updated(self):
        ecs = self.client("ecs")
        ecs.delete_service(cluster=self.cluster, service="web", force=True)
        error = self.error(ecs.update_service, cluster=self.cluster, service="web", desiredCount=0)
        self.assertEqual(error["Code"], "ServiceNotActiveException")


class CreateServiceTest(ContractTest):
    def setUp(self):
        super().setUp()
        self.network()
        self.client("ecs").create_cluster(clusterName=self.name)
        self.cluster = self.name

    def create(self, target, task_definition=None, **extra):
        return self.client("ecs").create_service(
            cluster=self.cluster,
            serviceName=f"s{uuid.uuid4().hex[:6]}",
            taskDefinition=task_definition or self.task_definition(),
            desiredCount=1,
            launchType="FARGATE",
            deploymentController={"type": "CODE_DEPLOY"},
            loadBalancers=[{"targetGroupArn": target, "containerName": "web", "containerPort": 8080}],
            networkConfiguration=self.network_configuration(),
            **extra,
        )["service"]

    def test_a_capacity_provider_the_cluster_lacks_is_refused(self):
        blue = self.target_group("blue")
        self.rules(blue)
        spot = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
        error = self.error(self.create, blue, capacityProviderStrategy=spot)
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertIn("not associated with the cluster (FARGATE_SPOT)", error["Message"])
        # Associated, it is taken; and UpdateService checks the same.
        ecs = self.client("ecs")
        ecs.put_cluster_capacity_providers(
            cluster=self.cluster,
            capacityProviders=["FARGATE_SPOT"],
            defaultCapacityProviderStrategy=[],
        )
        service = self.client("ecs").create_service(
            cluster=self.cluster,
            serviceName="spot",
            taskDefinition=self.task_definition(),
            desiredCount=1,
            capacityProviderStrategy=spot,
            networkConfiguration=self.network_configuration(),
        )["service"]
        self.assertEqual(service["capacityProviderStrategy"][0]["capacityProvider"], "FARGATE_SPOT")
        error = self.error(
            ecs.update_service,
            cluster=self.cluster,
            service="spot",
            capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        )
        self.assertIn("not associated with the cluster (FARGATE)", error["Message"])

    def test_a_target_group_behind_no_listener_is_refused(self):
        blue = self.target_group("blue")
        error = self.error(self.create, blue)
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertEqual(
            error["Message"],
            f"The target group with targetGroupArn {blue} does not have an associated load balancer.",
        )

    def test_a_rule_or_a_default_action_attaches_the_target_group(self):
        elbv2 = self.client("elbv2")
        blue, green = self.target_group("blue"), self.target_group("green")
        self.rules(blue)
        self.create(blue)
        # Through a weighted ForwardConfig on a default action too.
        elbv2.modify_listener(
            ListenerArn=self.test,
            DefaultActions=[
                {
                    "Type": "forward",
                    "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": green, "Weight": 1}]},
                }
            ],
        )
        self.create(green)

    def test_an_instance_target_group_does_not_fit_awsvpc(self):
        instance = self.target_group("inst", target_type="instance")
        self.rules(instance)
        error = self.error(self.create, instance)
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertEqual(
            error["Message"],
            f"The provided target group {instance} has target type instance, which is "
            "incompatible with the awsvpc network mode specified in the task definition.",
        )

    def test_a_code_deploy_service_needs_a_load_balancer(self):
        error = self.error(
            self.client("ecs").create_service,
            cluster=self.cluster,
            serviceName="nolb",
            taskDefinition=self.task_definition(),
            desiredCount=1,
            launchType="FARGATE",
            deploymentController={"type": "CODE_DEPLOY"},
            networkConfiguration=self.network_configuration(),
        )
        self.assertEqual(error["Code"], "InvalidParameterException")

    def test_the_service_starts_with_one_primary_task_set(self):
        blue = self.target_group("blue")
        self.rules(blue)
        task_definition = self.task_definition()
        service = self.create(blue, task_definition, platformVersion="1.4.0")
        described = self.client("ecs").describe_services(
            cluster=self.cluster, services=[service["serviceName"]]
        )["services"][0]
        [task_set] = described["taskSets"]
        self.assertEqual(task_set["status"], "PRIMARY")
        self.assertRegex(task_set["id"], r"^ecs-svc/\d{19}$")
        self.assertEqual(task_set["taskDefinition"], task_definition)
        self.assertEqual(task_set["loadBalancers"][0]["targetGroupArn"], blue)
        self.assertEqual(task_set["scale"], {"value": 100.0, "unit": "PERCENT"})
        self.assertEqual(task_set["computedDesiredCount"], 1)
        self.assertEqual(
            task_set["networkConfiguration"]["awsvpcConfiguration"]["subnets"], self.subnets
        )
        described_sets = self.client("ecs").describe_task_sets(
            cluster=self.cluster, service=service["serviceName"], taskSets=[task_set["taskSetArn"]]
        )["taskSets"]
        self.assertEqual([t["id"] for t in described_sets], [task_set["id"]])
        by_id = self.client("ecs").describe_task_sets(
            cluster=self.cluster, service=service["serviceName"], taskSets=[task_set["id"]]
        )["taskSets"]
        self.assertEqual([t["taskSetArn"] for t in by_id], [task_set["taskSetArn"]])

    def registry(self, *types):
        sd = self.client("servicediscovery")
        operation = sd.create_private_dns_namespace(Name=f"{self.name}.internal", Vpc=self.vpc)
        namespace = sd.get_operation(OperationId=operation["OperationId"])["Operation"][
            "Targets"
        ]["NAMESPACE"]
        return sd.create_service(
            Name=f"api{uuid.uuid4().hex[:4]}",
            NamespaceId=namespace,
            DnsConfig={"DnsRecords": [{"Type": t, "TTL": 10} for t in types]},
        )["Service"]["Arn"]

    def test_srv_registries_need_a_port_or_a_container_not_both(self):
        blue = self.target_group("blue")
        self.rules(blue)
        srv = self.registry("SRV")
        refused = [
            ({"registryArn": srv}, "require a value for 'port'"),
            ({"registryArn": srv, "port": 8080, "containerName": "web", "containerPort": 8080}, "cannot include both"),
            ({"registryArn": srv, "containerName": "web"}, "require both 'containerName' and 'containerPort'"),
        ]
        for registry, text in refused:
            with self.subTest(registry=sorted(registry)):
                error = self.error(self.create, blue, serviceRegistries=[registry])
                self.assertEqual(error["Code"], "InvalidParameterException")
                self.assertIn(text, error["Message"])
        self.create(blue, serviceRegistries=[{"registryArn": srv, "port": 8080}])
        self.create(
            blue,
            serviceRegistries=[{"registryArn": srv, "containerName": "web", "containerPort": 8080}],
        )

    def test_a_records_take_no_port(self):
        blue = self.target_group("blue")
        self.rules(blue)
        a = self.registry("A")
        error = self.error(
            self.create, blue, serviceRegistries=[{"registryArn": a, "containerName": "web", "containerPort": 8080}]
        )
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertEqual(
            error["Message"],
            "The values specified for serviceRegistries do not require a value for "
            "'containerPort'. Remove the value and retry.",
        )
        self.create(blue, serviceRegistries=[{"registryArn": a}])


class DeploymentTest(ContractTest):
    def test_a_deployment_progresses_and_swaps_blue_and_green(self):
        # Steps long enough that a loaded machine still sees the deployment Created first.
        step = 0.3
        self.emulator.ok("POST", "/_emulator/contract", {"step_seconds": step})
        self.world(wait=5)
        second = self.task_definition("nginx:2")
        start = time.monotonic()
        deployment_id = self.deploy(second)
        self.assertRegex(deployment_id, r"^d-[A-Z0-9]{9}$")
        self.assertEqual(self.deployment(deployment_id)["status"], "Created")

        # Install: a replacement task set on green beside the PRIMARY one on blue.
        def installed():
            return len(self.described()["taskSets"]) == 2

        self.wait_for(installed, "the replacement task set")
        replacement = next(t for t in self.described()["taskSets"] if t["status"] == "ACTIVE")
        self.assertEqual(replacement["taskDefinition"], second)
        self.assertEqual(replacement["loadBalancers"][0]["targetGroupArn"], self.green)
        self.assertEqual(replacement["externalId"], deployment_id)
        self.assertEqual(replacement["startedBy"], "CODE_DEPLOY")
        self.assertEqual(self.primary()["loadBalancers"][0]["targetGroupArn"], self.blue)

        info = self.wait(deployment_id)
        elapsed = time.monotonic() - start
        self.assertEqual(info["status"], "Succeeded", info)
        # The lifecycle's steps and the 5-minute termination wait (0.25 s here) came before
        # Succeeded, and scaled time kept it short.
        self.assertGreater(elapsed, 8 * step + 5 * 0.05)
        self.assertLess(elapsed, 8 * step + 5 * 0.05 + 10)
        self.assertTrue(info["instanceTerminationWaitTimeStarted"])
        self.assertEqual(info["deploymentOverview"]["Succeeded"], 1)

        # Both listeners' rules forward to green, weighted, naming both groups.
        for rule in (self.prod_rule, self.test_rule):
            self.assertEqual(self.rule_weights(rule), {self.green: 100, self.blue: 0})
            actions = self.client("elbv2").describe_rules(RuleArns=[rule])["Rules"][0]["Actions"]
            self.assertNotIn("TargetGroupArn", actions[0])
        # The fixed-response default actions are untouched.
        for listener in (self.prod, self.test):
            described = self.client("elbv2").describe_listeners(ListenerArns=[listener])
            self.assertEqual(described["Listeners"][0]["DefaultActions"][0]["Type"], "fixed-response")
        service = self.described()
        self.assertEqual(service["taskDefinition"], second)
        self.assertEqual(service["loadBalancers"][0]["targetGroupArn"], self.green)
        [task_set] = service["taskSets"]
        self.assertEqual(task_set["status"], "PRIMARY")
        self.assertEqual(task_set["id"], replacement["id"])

        # The next deployment goes back to blue.
        third = self.task_definition("nginx:3")
        self.assertEqual(self.wait(self.deploy(third))["status"], "Succeeded")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100, self.green: 0})
        self.assertEqual(self.described()["loadBalancers"][0]["targetGroupArn"], self.blue)

    def test_the_termination_wait_keeps_the_original_task_set(self):
        # Slow enough steps to see the DRAINING task set.
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.2, "step_seconds": 0.3})
        self.world(wait=2)
        deployment_id = self.deploy(self.task_definition("nginx:2"))

        def swapped():
            return self.primary()["loadBalancers"][0]["targetGroupArn"] == self.green

        self.wait_for(swapped, "the swap")

        def waiting():
            return self.deployment(deployment_id)["instanceTerminationWaitTimeStarted"]

        self.wait_for(waiting, "the termination wait")
        statuses = sorted(t["status"] for t in self.described()["taskSets"])
        self.assertEqual(statuses, ["ACTIVE", "PRIMARY"])
        self.assertEqual(self.deployment(deployment_id)["status"], "InProgress")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})

        def draining():
            return any(t["status"] == "DRAINING" for t in self.described()["taskSets"])

        self.wait_for(draining, "the original task set draining")
        self.assertEqual(self.wait(deployment_id)["status"], "Succeeded")
        self.assertEqual(len(self.described()["taskSets"]), 1)

    def test_a_canary_splits_production_traffic_first(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.2})
        self.world(config="CodeDeployDefault.ECSCanary10Percent5Minutes", wait=0)
        deployment_id = self.deploy(self.task_definition("nginx:2"))

        def split():
            return self.rule_weights(self.prod_rule) == {self.green: 10, self.blue: 90}

        self.wait_for(split, "the canary split")
        # Test traffic is already all green; production is split and blue stays PRIMARY.
        self.assertEqual(self.rule_weights(self.test_rule), {self.green: 100, self.blue: 0})
        self.assertEqual(self.primary()["loadBalancers"][0]["targetGroupArn"], self.blue)
        self.assertEqual(self.deployment(deployment_id)["status"], "InProgress")
        targets = self.client("codedeploy").batch_get_deployment_targets(
            deploymentId=deployment_id, targetIds=[f"{self.cluster}:web"]
        )["deploymentTargets"]
        ecs_target = targets[0]["ecsTarget"]
        self.assertEqual(ecs_target["status"], "InProgress")
        weights_by_label = {t["taskSetLabel"]: t["trafficWeight"] for t in ecs_target["taskSetsInfo"]}
        self.assertEqual(weights_by_label, {"Blue": 90.0, "Green": 10.0})
        events = {e["lifecycleEventName"]: e["status"] for e in ecs_target["lifecycleEvents"]}
        self.assertEqual(events["Install"], "Succeeded")
        self.assertEqual(events["AllowTraffic"], "InProgress")

        self.assertEqual(self.wait(deployment_id)["status"], "Succeeded")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})

    def test_linear_steps_through_the_percentages(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.3})
        self.world(wait=0)
        codedeploy = self.client("codedeploy")
        codedeploy.create_deployment_config(
            deploymentConfigName=f"{self.name}-linear",
            computePlatform="ECS",
            trafficRoutingConfig={
                "type": "TimeBasedLinear",
                "timeBasedLinear": {"linearPercentage": 25, "linearInterval": 1},
            },
        )
        config = codedeploy.get_deployment_config(deploymentConfigName=f"{self.name}-linear")
        self.assertEqual(
            config["deploymentConfigInfo"]["trafficRoutingConfig"]["type"], "TimeBasedLinear"
        )
        codedeploy.update_deployment_group(
            applicationName=self.name,
            currentDeploymentGroupName=self.name,
            deploymentConfigName=f"{self.name}-linear",
        )
        deployment_id = self.deploy(self.task_definition("nginx:2"))
        seen = []
        while self.deployment(deployment_id)["status"] not in ("Succeeded", "Failed"):
            green = self.rule_weights(self.prod_rule).get(self.green)
            if green is not None and green not in seen:
                seen.append(green)
            time.sleep(0.01)
        self.assertEqual(seen, [25, 50, 75, 100])
        # A configuration in use cannot be deleted.
        error = self.error(codedeploy.delete_deployment_config, deploymentConfigName=f"{self.name}-linear")
        self.assertEqual(error["Code"], "DeploymentConfigInUseException")

    def test_an_unknown_configuration_is_refused(self):
        self.world()
        error = self.error(
            self.client("codedeploy").update_deployment_group,
            applicationName=self.name,
            currentDeploymentGroupName=self.name,
            deploymentConfigName="CodeDeployDefault.ECSCanary50Percent1Minutes",
        )
        self.assertEqual(error["Code"], "DeploymentConfigDoesNotExistException")

    def test_a_second_deployment_while_one_is_active_is_refused(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 1})
        self.world(wait=5)
        first = self.deploy(self.task_definition("nginx:2"))
        error = self.error(self.deploy, self.task_definition("nginx:3"))
        self.assertEqual(error["Code"], "DeploymentLimitExceededException")
        self.assertEqual(
            error["Message"],
            f"The Deployment Group '{self.name}' already has an active Deployment '{first}'",
        )
        self.client("codedeploy").stop_deployment(deploymentId=first)

    def test_rules_that_do_not_forward_to_the_primary_group_refuse_the_deployment(self):
        self.world()
        # Someone points the test rule at green while blue is PRIMARY.
        self.client("elbv2").modify_rule(RuleArn=self.test_rule, Actions=forward(self.green))
        deployment_id = self.deploy(self.task_definition("nginx:2"))
        info = self.wait(deployment_id)
        self.assertEqual(info["status"], "Failed")
        self.assertEqual(
            info["errorInformation"]["message"],
            "The ELB could not be updated due to the following error: Primary taskset target "
            f"group must be behind listener {self.test}",
        )
        # Nothing changed.
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100})
        self.assertEqual(self.rule_weights(self.test_rule), {self.green: 100})
        self.assertEqual(len(self.described()["taskSets"]), 1)
        self.assertEqual(self.described()["taskDefinition"], self.first)

    def test_a_listener_with_no_rule_for_the_pair_refuses_the_deployment(self):
        self.world()
        self.client("elbv2").delete_rule(RuleArn=self.prod_rule)
        info = self.wait(self.deploy(self.task_definition("nginx:2")))
        self.assertEqual(info["status"], "Failed")
        self.assertIn(f"must be behind listener {self.prod}", info["errorInformation"]["message"])

    def test_an_injected_failure_rolls_back_after_install(self):
        self.world()
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 1})
        second = self.task_definition("nginx:2")
        deployment_id = self.deploy(second)
        info = self.wait(deployment_id)
        self.assertEqual(info["status"], "Failed")
        self.assertEqual(info["errorInformation"]["code"], "HEALTH_CONSTRAINTS")
        self.assertTrue(info["rollbackInfo"]["rollbackMessage"])
        service = self.described()
        self.assertEqual(service["taskDefinition"], self.first)
        self.assertEqual(service["loadBalancers"][0]["targetGroupArn"], self.blue)
        [task_set] = service["taskSets"]
        self.assertEqual(task_set["status"], "PRIMARY")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100})
        events = self.client("codedeploy").batch_get_deployment_targets(
            deploymentId=deployment_id, targetIds=[f"{self.cluster}:web"]
        )["deploymentTargets"][0]["ecsTarget"]["lifecycleEvents"]
        statuses = {e["lifecycleEventName"]: e["status"] for e in events}
        self.assertEqual(statuses["Install"], "Failed")
        self.assertEqual(statuses["AllowTraffic"], "Skipped")
        # Only the next one: the one after succeeds.
        self.assertEqual(self.wait(self.deploy(second))["status"], "Succeeded")

    def test_stop_deployment_rolls_back_split_traffic(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 1})
        self.world(config="CodeDeployDefault.ECSCanary10Percent5Minutes")
        deployment_id = self.deploy(self.task_definition("nginx:2"))

        def split():
            return self.rule_weights(self.prod_rule) == {self.green: 10, self.blue: 90}

        self.wait_for(split, "the canary split")
        codedeploy = self.client("codedeploy")
        codedeploy.stop_deployment(deploymentId=deployment_id)
        info = self.deployment(deployment_id)
        self.assertEqual(info["status"], "Stopped")
        self.assertTrue(info["rollbackInfo"]["rollbackMessage"])
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100})
        self.assertEqual(self.rule_weights(self.test_rule), {self.blue: 100})
        self.assertEqual(len(self.described()["taskSets"]), 1)
        error = self.error(codedeploy.stop_deployment, deploymentId=deployment_id)
        self.assertEqual(error["Code"], "DeploymentAlreadyCompletedException")

    def test_a_rollback_leaves_other_services_rules_alone(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 1})
        self.world(config="CodeDeployDefault.ECSCanary10Percent5Minutes")
        elbv2 = self.client("elbv2")
        other_blue, other_green = self.target_group("o-blue"), self.target_group("o-green")
        other = elbv2.create_rule(
            ListenerArn=self.prod,
            Priority=20,
            Conditions=[{"Field": "path-pattern", "Values": ["/other/*"]}],
            Actions=forward(other_blue),
        )["Rules"][0]["RuleArn"]
        deployment_id = self.deploy(self.task_definition("nginx:2"))
        self.wait_for(
            lambda: self.rule_weights(self.prod_rule) == {self.green: 10, self.blue: 90},
            "the canary split",
        )
        # The other service's rule is not this deployment's, and changes meanwhile.
        self.assertEqual(self.rule_weights(other), {other_blue: 100})
        elbv2.modify_rule(RuleArn=other, Actions=forward(other_green))
        self.client("codedeploy").stop_deployment(deploymentId=deployment_id)
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100})
        self.assertEqual(self.rule_weights(other), {other_green: 100})

    def ready_group(self, wait):
        self.client("codedeploy").update_deployment_group(
            applicationName=self.name,
            currentDeploymentGroupName=self.name,
            blueGreenDeploymentConfiguration={
                "terminateBlueInstancesOnDeploymentSuccess": {
                    "action": "TERMINATE",
                    "terminationWaitTimeInMinutes": 0,
                },
                "deploymentReadyOption": {
                    "actionOnTimeout": "STOP_DEPLOYMENT",
                    "waitTimeInMinutes": wait,
                },
            },
        )

    def test_stop_deployment_waits_ready_for_continue_deployment(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 1})
        self.world()
        self.ready_group(wait=60)
        deployment_id = self.deploy(self.task_definition("nginx:2"))
        self.wait_for(lambda: self.deployment(deployment_id)["status"] == "Ready", "Ready")
        # Test traffic is on green, production still on blue.
        self.assertEqual(self.rule_weights(self.test_rule), {self.green: 100, self.blue: 0})
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100})
        self.client("codedeploy").continue_deployment(
            deploymentId=deployment_id, deploymentWaitType="READY_WAIT"
        )
        self.assertEqual(self.wait(deployment_id)["status"], "Succeeded")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})

    def test_a_ready_wait_that_runs_out_stops_the_deployment(self):
        self.world()
        self.ready_group(wait=2)
        info = self.wait(self.deploy(self.task_definition("nginx:2")))
        self.assertEqual(info["status"], "Stopped")
        self.assertEqual(self.rule_weights(self.test_rule), {self.blue: 100})
        self.assertEqual(len(self.described()["taskSets"]), 1)

    def test_a_group_without_a_test_listener_skips_test_traffic(self):
        self.world(test=False, wait=0)
        deployment_id = self.deploy(self.task_definition("nginx:2"))
        self.assertEqual(self.wait(deployment_id)["status"], "Succeeded")
        codedeploy = self.client("codedeploy")
        [target] = codedeploy.list_deployment_targets(deploymentId=deployment_id)["targetIds"]
        events = codedeploy.get_deployment_target(deploymentId=deployment_id, targetId=target)[
            "deploymentTarget"
        ]["ecsTarget"]["lifecycleEvents"]
        statuses = {e["lifecycleEventName"]: e["status"] for e in events}
        self.assertEqual(statuses["AllowTestTraffic"], "Skipped")
        self.assertEqual(statuses["AfterAllowTraffic"], "Succeeded")
        # The test listener's rule was not the group's: untouched.
        self.assertEqual(self.rule_weights(self.test_rule), {self.blue: 100})

    def test_an_appspec_container_the_task_definition_lacks_fails_at_install(self):
        self.world()
        second = self.task_definition("nginx:2")
        info = self.wait(
            self.deploy(second, LoadBalancerInfo={"ContainerName": "api", "ContainerPort": 8080})
        )
        self.assertEqual(info["status"], "Failed")
        self.assertEqual(info["errorInformation"]["code"], "INVALID_REVISION")
        self.assertEqual(self.described()["taskDefinition"], self.first)
        self.assertEqual(len(self.described()["taskSets"]), 1)

    def test_a_yaml_appspec_deploys_too(self):
        self.world(wait=0)
        second = self.task_definition("nginx:2")
        content = (
            "version: 0.0\n"
            "Resources:\n"
            "  - TargetService:\n"
            "      Type: AWS::ECS::Service\n"
            "      Properties:\n"
            f"        TaskDefinition: \"{second}\"\n"
            "        LoadBalancerInfo:\n"
            "          ContainerName: web\n"
            "          ContainerPort: 8080\n"
        )
        deployment_id = self.client("codedeploy").create_deployment(
            applicationName=self.name,
            deploymentGroupName=self.name,
            revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": content}},
        )["deploymentId"]
        self.assertEqual(self.wait(deployment_id)["status"], "Succeeded")
        self.assertEqual(self.described()["taskDefinition"], second)

    def test_the_appspec_sets_network_platform_and_capacity_providers(self):
        self.world(wait=0)
        second = self.task_definition("nginx:2")
        deployment_id = self.deploy(
            second,
            PlatformVersion="LATEST",
            NetworkConfiguration={
                "AwsvpcConfiguration": {
                    "Subnets": self.subnets[:1],
                    "SecurityGroups": [self.sg],
                    "AssignPublicIp": "ENABLED",
                }
            },
            CapacityProviderStrategy=[{"CapacityProvider": "FARGATE_SPOT", "Base": 0, "Weight": 1}],
        )
        self.assertEqual(self.wait(deployment_id)["status"], "Succeeded")
        service = self.described()
        vpc = service["networkConfiguration"]["awsvpcConfiguration"]
        self.assertEqual(vpc["subnets"], self.subnets[:1])
        self.assertEqual(vpc["assignPublicIp"], "ENABLED")
        self.assertEqual(service["platformVersion"], "LATEST")
        task_set = self.primary()
        self.assertEqual(task_set["capacityProviderStrategy"][0]["capacityProvider"], "FARGATE_SPOT")

    def test_delete_service_removes_the_task_sets_and_fails_the_deployment(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 1})
        self.world(wait=5)
        ecs = self.client("ecs")
        deployment_id = self.deploy(self.task_definition("nginx:2"))
        self.wait_for(lambda: len(self.described()["taskSets"]) == 2, "the replacement")
        ecs.update_service(cluster=self.cluster, service="web", desiredCount=0)
        ecs.delete_service(cluster=self.cluster, service="web", force=True)
        service = self.described()
        self.assertEqual(service["status"], "INACTIVE")
        self.assertEqual(service.get("taskSets", []), [])
        self.assertEqual(self.deployment(deployment_id)["status"], "Failed")


class AlarmTest(ContractTest):
    """Deployment group alarms: alarmConfiguration is kept and checked, and an alarm in ALARM
    stops a running deployment (rolled back when autoRollbackConfiguration has
    DEPLOYMENT_STOP_ON_ALARM)."""

    ACTIVATED = (
        "One or more alarms have been activated according to the Amazon CloudWatch metrics you "
        "selected, and the affected deployments have been stopped. Activated alarms: "
    )

    def alarm(self, suffix="5xx"):
        name = f"{self.name}-{suffix}"
        self.client("cloudwatch").put_metric_alarm(
            AlarmName=name,
            MetricName="HTTPCode_Target_5XX_Count",
            Namespace="AWS/ApplicationELB",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanThreshold",
        )
        return name

    def configure(self, names, enabled=True, ignore=False, rollback=True):
        codedeploy = self.client("codedeploy")
        request = dict(
            applicationName=self.name,
            currentDeploymentGroupName=self.name,
            alarmConfiguration={
                "enabled": enabled,
                "ignorePollAlarmFailure": ignore,
                "alarms": [{"name": n} for n in names],
            },
        )
        if rollback:
            request["autoRollbackConfiguration"] = {
                "enabled": True,
                "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
            }
        codedeploy.update_deployment_group(**request)

    def set_state(self, name, state):
        self.emulator.ok("POST", "/_emulator/alarms", {"name": name, "state": state})

    def test_the_alarm_configuration_is_kept_and_checked(self):
        self.world()
        codedeploy = self.client("codedeploy")
        names = [self.alarm("a"), self.alarm("b")]
        self.configure(names)
        group = codedeploy.get_deployment_group(
            applicationName=self.name, deploymentGroupName=self.name
        )["deploymentGroupInfo"]
        self.assertEqual(
            group["alarmConfiguration"],
            {"enabled": True, "ignorePollAlarmFailure": False, "alarms": [{"name": n} for n in names]},
        )
        batch = codedeploy.batch_get_deployment_groups(
            applicationName=self.name, deploymentGroupNames=[self.name]
        )["deploymentGroupsInfo"][0]
        self.assertEqual(batch["alarmConfiguration"], group["alarmConfiguration"])
        cases = [
            ([f"x{i}" for i in range(11)], True, "AlarmsLimitExceededException",
             "The maximum number of alarms for a deployment group (10) was exceeded."),
            ([], True, "InvalidAlarmConfigException",
             "The alarm configuration is enabled, but the alarm list is empty."),
            (["same", "same"], True, "InvalidAlarmConfigException",
             "Two alarms with the same name have been specified."),
        ]
        for alarms, enabled, code, message in cases:
            with self.subTest(code=code, alarms=len(alarms)):
                error = self.error(self.configure, alarms, enabled=enabled)
                self.assertEqual((error["Code"], error["Message"]), (code, message))
        # CreateDeploymentGroup checks the same.
        request = self.group_request(self.role())
        request["deploymentGroupName"] = f"{self.name}-2"
        request["alarmConfiguration"] = {"enabled": True, "alarms": []}
        error = self.error(codedeploy.create_deployment_group, **request)
        self.assertEqual(error["Code"], "InvalidAlarmConfigException")

    def test_an_alarm_stops_the_deployment_and_rolls_back(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.2})
        self.world(wait=30)
        name = self.alarm()
        self.set_state(name, "OK")
        self.configure([name])
        second = self.task_definition("nginx:2")
        deployment_id = self.deploy(second)
        # Traffic shifted; the termination wait (6 s) is running.
        self.wait_for(
            lambda: self.deployment(deployment_id).get("instanceTerminationWaitTimeStarted"),
            "the termination wait",
        )
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})
        self.set_state(name, "ALARM")
        info = self.wait(deployment_id)
        self.assertEqual(info["status"], "Stopped")
        self.assertEqual(info["errorInformation"]["code"], "ALARM_ACTIVE")
        self.assertEqual(info["errorInformation"]["message"], self.ACTIVATED + f"<{name}>")
        self.assertTrue(info["rollbackInfo"]["rollbackMessage"])
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100})
        service = self.described()
        self.assertEqual(service["taskDefinition"], self.first)
        self.assertEqual([t["status"] for t in service["taskSets"]], ["PRIMARY"])

    def test_without_stop_on_alarm_rollback_the_deployment_only_stops(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.2})
        self.world(wait=30)
        name = self.alarm()
        self.configure([name], rollback=False)
        deployment_id = self.deploy(self.task_definition("nginx:2"))
        self.wait_for(
            lambda: self.deployment(deployment_id).get("instanceTerminationWaitTimeStarted"),
            "the termination wait",
        )
        self.set_state(name, "ALARM")
        info = self.wait(deployment_id)
        self.assertEqual(info["status"], "Stopped")
        self.assertEqual(info["errorInformation"]["code"], "ALARM_ACTIVE")
        self.assertEqual(info["rollbackInfo"], {})
        # Nothing moves back: production stays on green.
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})

    def test_an_alarm_that_does_not_exist_stops_unless_ignored(self):
        self.world(wait=0)
        self.configure([f"{self.name}-missing"])
        info = self.wait(self.deploy(self.task_definition("nginx:2")))
        self.assertEqual(info["status"], "Stopped")
        self.assertEqual(info["errorInformation"]["code"], "ALARM_ACTIVE")
        self.assertIn(f"<{self.name}-missing>", info["errorInformation"]["message"])
        self.assertEqual(self.described()["taskDefinition"], self.first)
        self.configure([f"{self.name}-missing"], ignore=True)
        info = self.wait(self.deploy(self.task_definition("nginx:3")))
        self.assertEqual(info["status"], "Succeeded")

    def test_alarms_that_stay_ok_or_are_disabled_let_it_succeed(self):
        self.world(wait=0)
        name = self.alarm()
        self.set_state(name, "ALARM")
        self.configure([name], enabled=False)
        self.assertEqual(self.wait(self.deploy(self.task_definition("nginx:2")))["status"], "Succeeded")
        self.set_state(name, "OK")
        self.configure([name])
        self.assertEqual(self.wait(self.deploy(self.task_definition("nginx:3")))["status"], "Succeeded")
        # {"fail": N} still fails a group with alarms, with its own code.
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 1})
        info = self.wait(self.deploy(self.task_definition("nginx:4")))
        self.assertEqual(info["status"], "Failed")
        self.assertEqual(info["errorInformation"]["code"], "HEALTH_CONSTRAINTS")


class IamTest(ContractTest):
    def setUp(self):
        super().setUp()
        self.network()
        self.blue, self.green = self.target_group("blue"), self.target_group("green")
        self.rules(self.blue)
        self.service(self.task_definition(), self.blue)
        self.client("codedeploy").create_application(applicationName=self.name, computePlatform="ECS")

    def test_a_new_role_cannot_be_assumed_yet(self):
        self.emulator.ok("POST", "/_emulator/contract", {"iam_delay_seconds": 1})
        codedeploy = self.client("codedeploy")
        role = self.role()
        error = self.error(codedeploy.create_deployment_group, **self.group_request(role))
        self.assertEqual(error["Code"], "InvalidRoleException")
        self.assertEqual(
            error["Message"],
            f"AWS CodeDeploy does not have the permissions required to assume the role {role}.",
        )
        time.sleep(1.1)
        codedeploy.create_deployment_group(**self.group_request(role))

    def test_a_role_that_does_not_trust_codedeploy_is_refused(self):
        codedeploy = self.client("codedeploy")
        ecs_trust = CODEDEPLOY_TRUST.replace("codedeploy.amazonaws.com", "ecs-tasks.amazonaws.com")
        role = self.role(ecs_trust)
        error = self.error(codedeploy.create_deployment_group, **self.group_request(role))
        self.assertEqual(error["Code"], "InvalidRoleException")
        missing = "arn:aws:iam::123456789012:role/nobody"
        error = self.error(codedeploy.create_deployment_group, **self.group_request(missing))
        self.assertEqual(error["Code"], "InvalidRoleException")
        # UpdateDeploymentGroup checks the role it is given too.
        codedeploy.create_deployment_group(**self.group_request(self.role()))
        error = self.error(
            codedeploy.update_deployment_group,
            applicationName=self.name,
            currentDeploymentGroupName=self.name,
            serviceRoleArn=role,
        )
        self.assertEqual(error["Code"], "InvalidRoleException")

    def test_a_changed_trust_policy_propagates_too(self):
        codedeploy, iam = self.client("codedeploy"), self.client("iam")
        role = self.role()
        codedeploy.create_deployment_group(**self.group_request(role))
        self.emulator.ok("POST", "/_emulator/contract", {"iam_delay_seconds": 5})
        iam.update_assume_role_policy(RoleName=role.split("/")[-1], PolicyDocument=CODEDEPLOY_TRUST)
        error = self.error(
            codedeploy.update_deployment_group,
            applicationName=self.name,
            currentDeploymentGroupName=self.name,
            serviceRoleArn=role,
        )
        self.assertEqual(error["Code"], "InvalidRoleException")


class MotoRulesTest(ContractTest):
    """Rules moto already enforces, pinned so an upgrade cannot lose them."""

    def test_a_target_group_in_use_cannot_be_deleted(self):
        self.network()
        blue = self.target_group("blue")
        self.rules(blue)
        elbv2 = self.client("elbv2")
        error = self.error(elbv2.delete_target_group, TargetGroupArn=blue)
        self.assertEqual(error["Code"], "ResourceInUse")
        self.assertEqual(
            error["Message"], f"Target group '{blue}' is currently in use by a listener or a rule"
        )
        elbv2.delete_rule(RuleArn=self.prod_rule)
        elbv2.delete_rule(RuleArn=self.test_rule)
        elbv2.delete_target_group(TargetGroupArn=blue)

    def test_a_role_with_policies_cannot_be_deleted(self):
        iam = self.client("iam")
        name = f"{self.name}-role"
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=CODEDEPLOY_TRUST)
        policy = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
        iam.attach_role_policy(RoleName=name, PolicyArn=policy)
        error = self.error(iam.delete_role, RoleName=name)
        self.assertEqual(error["Code"], "DeleteConflict")
        self.assertEqual(error["Message"], "Cannot delete entity, must detach all policies first.")
        iam.detach_role_policy(RoleName=name, PolicyArn=policy)
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}],
        }))
        error = self.error(iam.delete_role, RoleName=name)
        self.assertEqual(error["Code"], "DeleteConflict")
        self.assertEqual(error["Message"], "Cannot delete entity, must delete policies first.")
        iam.delete_role_policy(RoleName=name, PolicyName="inline")
        iam.delete_role(RoleName=name)

    def test_a_service_scaled_above_zero_needs_force_to_be_deleted(self):
        self.network()
        blue = self.target_group("blue")
        self.rules(blue)
        self.service(self.task_definition(), blue)
        ecs = self.client("ecs")
        error = self.error(ecs.delete_service, cluster=self.cluster, service="web")
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertEqual(error["Message"], "The service cannot be stopped while it is scaled above 0.")
        ecs.update_service(cluster=self.cluster, service="web", desiredCount=0)
        ecs.delete_service(cluster=self.cluster, service="web")

    def test_modify_rule_on_the_default_rule_is_the_listeners_default_action(self):
        self.network()
        blue = self.target_group("blue")
        elbv2 = self.client("elbv2")
        default = next(
            r for r in elbv2.describe_rules(ListenerArn=self.prod)["Rules"] if r["IsDefault"]
        )
        elbv2.modify_rule(RuleArn=default["RuleArn"], Actions=forward(blue))
        listener = elbv2.describe_listeners(ListenerArns=[self.prod])["Listeners"][0]
        self.assertEqual(weights(listener["DefaultActions"]), {blue: 100})


class TaskDefinitionTest(ContractTest):
    """Rule 11: RegisterTaskDefinition of a Fargate task with several containers."""

    def register(self, containers, volumes=None):
        request = dict(
            family=self.name,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="512",
            memory="1024",
            containerDefinitions=containers,
        )
        if volumes is not None:
            request["volumes"] = volumes
        return self.client("ecs").register_task_definition(**request)["taskDefinition"]

    def refused(self, containers, volumes=None):
        error = self.error(self.register, containers, volumes)
        self.assertEqual(error["Code"], "ClientException", error)
        return error["Message"]

    def test_a_task_of_an_app_a_router_and_an_efs_volume_is_accepted(self):
        task = self.register(
            [
                {
                    "name": "app",
                    "image": "app:1",
                    "dependsOn": [
                        {"containerName": "log_router", "condition": "START"},
                        {"containerName": "init", "condition": "SUCCESS"},
                    ],
                    "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"], "drop": ["ALL"]}},
                    "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch_logs"}},
                    "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],
                },
                {"name": "log_router", "image": "fluent-bit:2", "firelensConfiguration": {"type": "fluentbit"}},
                {"name": "init", "image": "busybox:1", "essential": False},
            ],
            [
                {
                    "name": "data",
                    "efsVolumeConfiguration": {
                        "fileSystemId": "fs-1",
                        "transitEncryption": "ENABLED",
                        "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"},
                    },
                }
            ],
        )
        self.assertEqual([c["name"] for c in task["containerDefinitions"]], ["app", "log_router", "init"])
        self.assertEqual(task["volumes"][0]["efsVolumeConfiguration"]["rootDirectory"], "/")

    def test_a_dependency_on_a_missing_container_is_refused(self):
        message = self.refused(
            [{"name": "app", "image": "app:1", "dependsOn": [{"containerName": "gone", "condition": "START"}]}]
        )
        self.assertEqual(message, "Cannot depend on container + 'gone' because it does not exist")

    def test_waiting_for_an_essential_container_to_exit_is_refused(self):
        for condition in ["SUCCESS", "COMPLETE"]:
            with self.subTest(condition=condition):
                message = self.refused(
                    [
                        {"name": "app", "image": "app:1", "dependsOn": [{"containerName": "init", "condition": condition}]},
                        {"name": "init", "image": "busybox:1"},
                    ]
                )
                self.assertIn("cannot be an essential container", message)

    def test_fargate_adds_only_sys_ptrace(self):
        message = self.refused(
            [{"name": "app", "image": "app:1", "linuxParameters": {"capabilities": {"add": ["NET_ADMIN"]}}}]
        )
        self.assertIn("SYS_PTRACE", message)

    def test_firelens_needs_exactly_one_router(self):
        firelens = {"logDriver": "awsfirelens", "options": {"Name": "stdout"}}
        message = self.refused([{"name": "app", "image": "app:1", "logConfiguration": firelens}])
        self.assertIn("no container has a firelensConfiguration", message)
        router = {"type": "fluentbit"}
        message = self.refused(
            [
                {"name": "a", "image": "fluent-bit:2", "firelensConfiguration": router},
                {"name": "b", "image": "fluent-bit:2", "firelensConfiguration": router},
            ]
        )
        self.assertIn("only one container with a firelensConfiguration", message)

    def test_efs_with_iam_or_an_access_point_needs_transit_encryption(self):
        container = [{"name": "app", "image": "app:1"}]
        for auth in [{"iam": "ENABLED"}, {"accessPointId": "fsap-1", "iam": "DISABLED"}]:
            with self.subTest(auth=auth):
                message = self.refused(
                    container,
                    [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "authorizationConfig": auth}}],
                )
                self.assertIn("transit encryption must be enabled", message)
        message = self.refused(
            container,
            [
                {
                    "name": "data",
                    "efsVolumeConfiguration": {
                        "fileSystemId": "fs-1",
                        "rootDirectory": "/srv",
                        "transitEncryption": "ENABLED",
                        "authorizationConfig": {"accessPointId": "fsap-1"},
                    },
                }
            ],
        )
        self.assertIn("root directory must be omitted", message)
        # Without IAM or an access point, plain NFS is allowed.
        self.register(container, [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}])


class SettingsTest(ContractTest):
    def test_the_settings_are_read_and_checked(self):
        answer = self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.5})
        self.assertEqual(answer["minute_seconds"], 0.5)
        self.assertEqual(
            self.emulator.ok("GET", "/_emulator/contract"),
            dict(FAST, minute_seconds=0.5, model_validation=True),
        )
        for body in [{"minute": 1}, {"step_seconds": -1}, {"iam_delay_seconds": "2"}, [],
                     {"model_validation": "no"}]:
            with self.subTest(body=body):
                status, answer = self.emulator.control("POST", "/_emulator/contract", body)
                self.assertEqual(status, 400, answer)
        self.assertEqual(self.emulator.ok("GET", "/_emulator/contract")["minute_seconds"], 0.5)

    def test_flags_and_environment_set_the_defaults(self):
        with mock.patch.dict(os.environ, {"FARGATE_EMULATOR_IAM_DELAY_SECONDS": "7"}):
            launcher = Launcher(["--minute-seconds", "0.25"])
        try:
            settings = launcher.ok("GET", "/_emulator/contract")
        finally:
            self.assertEqual(launcher.stop(), 0)
        self.assertEqual(
            settings,
            {
                "minute_seconds": 0.25,
                "step_seconds": 0.05,
                "iam_delay_seconds": 7.0,
                "model_validation": True,
            },
        )


if __name__ == "__main__":
    unittest.main()
