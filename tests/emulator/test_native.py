"""Unit tests of native.py, ECS-controller deployments (ROLLING, BLUE_GREEN, LINEAR, CANARY), through
boto3 against the launched launcher (README.md, "ECS-native deployments"):

    "$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'

The world is test_contract's (a VPC, an ALB with a production listener on 80 and a test listener
on 8080, a blue and a green ip target group) with a production and a test rule that forward to
both groups, blue at weight 100 and green at 0, an infrastructure role that trusts
ecs.amazonaws.com, and an ECS-controller service whose load balancer names both groups in its
advancedConfiguration.
"""

import json
import time
import unittest
import uuid

import native
from botocore.exceptions import ClientError

from test_contract import CODEDEPLOY_TRUST, FAST, ContractTest, forward
from test_emulator import ModuleLauncher

_module = ModuleLauncher()
_launcher = None

ECS_TRUST = CODEDEPLOY_TRUST.replace("codedeploy.amazonaws.com", "ecs.amazonaws.com")
ENDED = ("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
CIRCUIT_BREAKER = "ECS deployment circuit breaker: tasks failed to start."
BOTH_GROUPS = (
    "Both targetGroup and alternateTargetGroup must be associated with the "
    "productionListenerRule or testListenerRule"
)


def setUpModule():
    global _launcher
    _launcher = _module.start()


def tearDownModule():
    _module.stop()


def both(blue, green, blue_weight=100):
    return [
        {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": [
                    {"TargetGroupArn": blue, "Weight": blue_weight},
                    {"TargetGroupArn": green, "Weight": 100 - blue_weight},
                ]
            },
        }
    ]


class NativeTest(ContractTest):
    def setUp(self):
        self.emulator = _launcher
        self.emulator.ok("POST", "/_emulator/faults/reset")
        self.emulator.ok("POST", "/_emulator/contract", FAST)
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 0})
        self.name = f"n{uuid.uuid4().hex[:8]}"

    # The world.

    def pair_rules(self, actions=None):
        elbv2 = self.client("elbv2")
        conditions = [{"Field": "path-pattern", "Values": [f"/{self.name}/*"]}]
        actions = actions or both(self.blue, self.green)
        self.prod_rule = elbv2.create_rule(
            ListenerArn=self.prod, Priority=10, Conditions=conditions, Actions=actions
        )["Rules"][0]["RuleArn"]
        self.test_rule = elbv2.create_rule(
            ListenerArn=self.test, Priority=10, Conditions=conditions, Actions=actions
        )["Rules"][0]["RuleArn"]

    def infrastructure_role(self, trust=ECS_TRUST):
        return self.client("iam").create_role(
            RoleName=f"{self.name}-infra-{uuid.uuid4().hex[:4]}", AssumeRolePolicyDocument=trust
        )["Role"]["Arn"]

    def load_balancer(self, test=True, role=None):
        advanced = {
            "alternateTargetGroupArn": self.green,
            "productionListenerRule": self.prod_rule,
            "roleArn": role or self.role_arn,
        }
        if test:
            advanced["testListenerRule"] = self.test_rule
        return {
            "targetGroupArn": self.blue,
            "containerName": "web",
            "containerPort": 8080,
            "advancedConfiguration": advanced,
        }

    def create(self, config, load_balancers=None, name="web", **extra):
        return self.client("ecs").create_service(
            cluster=self.cluster,
            serviceName=name,
            taskDefinition=self.first,
            desiredCount=2,
            launchType="FARGATE",
            deploymentController={"type": "ECS"},
            deploymentConfiguration=config,
            networkConfiguration=self.network_configuration(),
            **({"loadBalancers": load_balancers} if load_balancers is not None else {}),
            **extra,
        )["service"]

    def native_world(self, config=None, test=True, rules=None):
        """A service deployed with `config` behind the pair of rules; its first deployment done."""
        self.network()
        self.blue = self.target_group("blue")
        self.green = self.target_group("green")
        self.pair_rules(rules)
        self.role_arn = self.infrastructure_role()
        self.first = self.task_definition()
        self.cluster = self.name
        self.client("ecs").create_cluster(clusterName=self.cluster)
        config = config or {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 2}
        service = self.create(config, [self.load_balancer(test)])
        self.wait_deployment(service["currentServiceDeployment"])
        return service

    def rolling_world(self, config=None):
        self.network()
        self.first = self.task_definition()
        self.cluster = self.name
        self.client("ecs").create_cluster(clusterName=self.cluster)
        service = self.create(config or {"strategy": "ROLLING"})
        self.wait_deployment(service["currentServiceDeployment"])
        return service

    # Deployments.

    def update(self, **members):
        return self.client("ecs").update_service(cluster=self.cluster, service="web", **members)[
            "service"
        ]

    def deploy(self, image="nginx:2", **members):
        """UpdateService with a new task definition; the new service deployment's ARN."""
        self.second = self.task_definition(image)
        service = self.update(taskDefinition=self.second, **members)
        return service["currentServiceDeployment"]

    def service_deployment(self, arn):
        [deployment] = self.client("ecs").describe_service_deployments(
            serviceDeploymentArns=[arn]
        )["serviceDeployments"]
        return deployment

    def wait_deployment(self, arn, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            deployment = self.service_deployment(arn)
            if deployment["status"] in ENDED:
                return deployment
            if time.monotonic() > deadline:
                self.fail(f"service deployment {arn} still {deployment['status']}")
            time.sleep(0.02)

    def revision(self, arn):
        [revision] = self.client("ecs").describe_service_revisions(serviceRevisionArns=[arn])[
            "serviceRevisions"
        ]
        return revision

    def alarm(self, state="OK"):
        name = f"{self.name}-5xx"
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
        self.emulator.ok("POST", "/_emulator/alarms", {"name": name, "state": state})
        return name


class CreateServiceTest(NativeTest):
    def test_the_configuration_is_kept_and_the_first_deployment_completes(self):
        config = {
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 3,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "alarms": {"alarmNames": ["a"], "enable": True, "rollback": True},
            "lifecycleHooks": [],
        }
        created = self.native_world(config)
        service = self.described()
        kept = service["deploymentConfiguration"]
        for member, value in config.items():
            if value:
                self.assertEqual(kept[member], value, member)
        self.assertEqual((kept["maximumPercent"], kept["minimumHealthyPercent"]), (200, 100))
        advanced = service["loadBalancers"][0]["advancedConfiguration"]
        self.assertEqual(advanced["alternateTargetGroupArn"], self.green)
        self.assertEqual(advanced["productionListenerRule"], self.prod_rule)
        self.assertEqual(advanced["testListenerRule"], self.test_rule)
        [deployment] = service["deployments"]
        self.assertRegex(deployment["id"], r"^ecs-svc/\d{19}$")
        self.assertEqual((deployment["status"], deployment["rolloutState"]), ("PRIMARY", "COMPLETED"))
        self.assertEqual(deployment["rolloutStateReason"], f"ECS deployment {deployment['id']} completed.")
        self.assertEqual(service["runningCount"], 2)
        self.assertEqual(service["currentServiceDeployment"], created["currentServiceDeployment"])
        [brief] = self.client("ecs").list_service_deployments(cluster=self.cluster, service="web")[
            "serviceDeployments"
        ]
        self.assertEqual(brief["status"], "SUCCESSFUL")
        self.assertRegex(
            brief["serviceDeploymentArn"],
            rf"^arn:aws:ecs:us-east-1:\d{{12}}:service-deployment/{self.cluster}/web/[A-Za-z0-9]{{21}}$",
        )
        first = self.service_deployment(brief["serviceDeploymentArn"])
        self.assertEqual(first["sourceServiceRevisions"], [])
        revision = self.revision(first["targetServiceRevision"]["arn"])
        self.assertEqual(revision["taskDefinition"], self.first)
        self.assertEqual(
            revision["resolvedConfiguration"]["loadBalancers"],
            [{"targetGroupArn": self.blue, "productionListenerRule": self.prod_rule}],
        )
        self.assertEqual(revision["containerImages"], [{"containerName": "web", "image": "nginx:1"}])

    def test_the_configuration_is_checked(self):
        self.network()
        self.blue, self.green = self.target_group("blue"), self.target_group("green")
        self.pair_rules()
        self.role_arn = self.infrastructure_role()
        self.first = self.task_definition()
        self.cluster = self.name
        self.client("ecs").create_cluster(clusterName=self.cluster)
        untrusting = self.infrastructure_role(CODEDEPLOY_TRUST)
        refused = [
            ({"strategy": "BLUE_GREEN"}, [self.load_balancer()],
             "bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy."),
            ({"strategy": "LINEAR", "linearConfiguration": {"stepPercent": 1.0}}, [self.load_balancer()],
             "linearConfiguration.stepPercent must be from 3 to 100, got 1.0."),
            ({"strategy": "CANARY", "canaryConfiguration": {"canaryBakeTimeInMinutes": 2000}}, [self.load_balancer()],
             "canaryConfiguration.canaryBakeTimeInMinutes must be from 0 to 1440, got 2000."),
            ({"strategy": "LINEAR"}, [{"targetGroupArn": self.blue, "containerName": "web", "containerPort": 8080}],
             f"The LINEAR deployment strategy requires an advancedConfiguration for load balancer "
             f"target group {self.blue}."),
            ({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1}, [self.load_balancer(role=untrusting)],
             "Unable to assume role and validate the specified targetGroupArn. Please verify that "
             "the ECS service role being passed has the proper permissions."),
        ]
        for config, load_balancers, message in refused:
            with self.subTest(message=message):
                error = self.error(self.create, config, load_balancers)
                self.assertEqual(error["Code"], "InvalidParameterException")
                self.assertEqual(error["Message"], message)

    def test_a_new_infrastructure_role_cannot_be_assumed_yet(self):
        self.emulator.ok("POST", "/_emulator/contract", {"iam_delay_seconds": 1})
        self.network()
        self.blue, self.green = self.target_group("blue"), self.target_group("green")
        self.pair_rules()
        self.role_arn = self.infrastructure_role()
        self.first = self.task_definition()
        self.cluster = self.name
        self.client("ecs").create_cluster(clusterName=self.cluster)
        config = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0}
        error = self.error(self.create, config, [self.load_balancer()])
        self.assertEqual(error["Code"], "InvalidParameterException")
        time.sleep(1.1)
        self.create(config, [self.load_balancer()])


class RollingTest(NativeTest):
    def test_a_new_task_definition_rolls_out(self):
        self.rolling_world()
        # Steps long enough that a loaded machine still sees the deployment in progress.
        self.emulator.ok("POST", "/_emulator/contract", {"step_seconds": 0.3})
        arn = self.deploy()
        service = self.described()
        new, old = service["deployments"]
        self.assertEqual((new["status"], new["rolloutState"]), ("PRIMARY", "IN_PROGRESS"))
        self.assertEqual(new["rolloutStateReason"], f"ECS deployment {new['id']} in progress.")
        self.assertEqual(new["taskDefinition"], self.second)
        self.assertEqual((old["status"], old["taskDefinition"]), ("ACTIVE", self.first))
        deployment = self.wait_deployment(arn)
        self.assertEqual(deployment["status"], "SUCCESSFUL")
        self.assertNotIn("lifecycleStage", deployment)
        self.assertEqual(deployment["deploymentCircuitBreaker"]["status"], "DISABLED")
        [source] = deployment["sourceServiceRevisions"]
        self.assertEqual(self.revision(source["arn"])["taskDefinition"], self.first)
        self.assertEqual(self.revision(deployment["targetServiceRevision"]["arn"])["taskDefinition"], self.second)
        service = self.described()
        [done] = service["deployments"]
        self.assertEqual((done["id"], done["rolloutState"]), (new["id"], "COMPLETED"))
        self.assertEqual(service["taskDefinition"], self.second)
        self.assertEqual(service["currentServiceDeployment"], arn)

    def test_a_task_definition_named_by_family_and_revision_is_reported_as_its_arn(self):
        self.rolling_world()
        self.second = self.task_definition("nginx:2")
        family_revision = self.second.split("/")[-1]
        arn = self.update(taskDefinition=family_revision)["currentServiceDeployment"]
        self.assertEqual(self.described()["taskDefinition"], self.second)
        deployment = self.wait_deployment(arn)
        self.assertEqual(
            self.revision(deployment["targetServiceRevision"]["arn"])["taskDefinition"], self.second
        )

    def test_the_circuit_breaker_rolls_back(self):
        self.rolling_world({"strategy": "ROLLING", "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
        # Steps long enough to see the failed deployment before it drains.
        self.emulator.ok("POST", "/_emulator/contract", {"step_seconds": 0.4})
        before = self.described()["deployments"][0]["id"]
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 1})
        arn = self.deploy()

        def failed():
            return any(d["rolloutState"] == "FAILED" for d in self.described()["deployments"])

        self.wait_for(failed, "the circuit breaker")
        service = self.described()
        primary, failing = service["deployments"]
        self.assertEqual((failing["status"], failing["rolloutState"]), ("ACTIVE", "FAILED"))
        self.assertEqual(failing["rolloutStateReason"], CIRCUIT_BREAKER)
        self.assertEqual(failing["failedTasks"], 3)
        self.assertEqual(primary["taskDefinition"], self.first)
        self.assertEqual(
            primary["rolloutStateReason"],
            f"ECS deployment circuit breaker: rolling back to deploymentId {before}.",
        )
        self.assertEqual(service["taskDefinition"], self.first)
        deployment = self.wait_deployment(arn)
        self.assertEqual(deployment["status"], "ROLLBACK_SUCCESSFUL")
        self.assertEqual(deployment["statusReason"], CIRCUIT_BREAKER)
        self.assertEqual(deployment["rollback"]["reason"], CIRCUIT_BREAKER)
        self.assertEqual(deployment["rollback"]["serviceRevisionArn"], deployment["sourceServiceRevisions"][0]["arn"])
        self.assertEqual(
            deployment["deploymentCircuitBreaker"], {"status": "TRIGGERED", "failureCount": 3, "threshold": 3}
        )
        self.wait_for(lambda: len(self.described()["deployments"]) == 1, "the failed deployment to drain")
        [back] = self.described()["deployments"]
        self.assertEqual((back["taskDefinition"], back["rolloutState"]), (self.first, "COMPLETED"))

    def test_a_count_threshold_trips_after_exactly_that_many_failed_tasks(self):
        breaker = {
            "enable": True,
            "rollback": True,
            "thresholdConfiguration": {"type": "COUNT", "value": 5},
            "resetOnHealthyTask": False,
        }
        self.rolling_world({"strategy": "ROLLING", "deploymentCircuitBreaker": breaker})
        self.assertEqual(self.described()["deploymentConfiguration"]["deploymentCircuitBreaker"], breaker)
        # Four failed launches, then the tasks start: the deployment succeeds.
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 1, "failed_tasks": 4})
        survived = self.wait_deployment(self.deploy())
        self.assertEqual(survived["status"], "SUCCESSFUL")
        self.assertEqual(
            survived["deploymentCircuitBreaker"], {"status": "MONITORING_COMPLETE", "failureCount": 4, "threshold": 5}
        )
        # Five: the circuit breaker trips at the fifth.
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 1, "failed_tasks": 5})
        tripped = self.wait_deployment(self.deploy("nginx:3"))
        self.assertEqual((tripped["status"], tripped["statusReason"]), ("ROLLBACK_SUCCESSFUL", CIRCUIT_BREAKER))
        self.assertEqual(
            tripped["deploymentCircuitBreaker"], {"status": "TRIGGERED", "failureCount": 5, "threshold": 5}
        )

    def test_the_threshold_types_follow_the_desired_count(self):
        threshold = native._breaker_threshold
        self.assertEqual(threshold(None, 2), 3)
        self.assertEqual(threshold({"type": "BOUNDED_PERCENT", "value": 50}, 25), 13)
        self.assertEqual(threshold({"type": "BOUNDED_PERCENT", "value": 50}, 1000), 200)
        self.assertEqual(threshold({"type": "UNBOUNDED_PERCENT", "value": 50}, 1000), 500)
        self.assertEqual(threshold({"type": "UNBOUNDED_PERCENT", "value": 50}, 1), 1)
        self.assertEqual(threshold({"type": "COUNT", "value": 7}, 400), 7)

    def test_the_circuit_breaker_without_rollback_stops(self):
        self.rolling_world({"strategy": "ROLLING", "deploymentCircuitBreaker": {"enable": True, "rollback": False}})
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 1})
        arn = self.deploy()
        deployment = self.wait_deployment(arn)
        self.assertEqual((deployment["status"], deployment["statusReason"]), ("STOPPED", CIRCUIT_BREAKER))
        primary, old = self.described()["deployments"]
        self.assertEqual((primary["status"], primary["rolloutState"]), ("PRIMARY", "FAILED"))
        self.assertEqual((old["status"], old["taskDefinition"]), ("ACTIVE", self.first))

    def test_without_the_circuit_breaker_a_failing_deployment_keeps_trying(self):
        self.rolling_world()
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 1})
        stuck = self.deploy()
        time.sleep(0.5)
        deployment = self.service_deployment(stuck)
        self.assertEqual(deployment["status"], "IN_PROGRESS")
        self.assertGreater(self.described()["deployments"][0]["failedTasks"], 3)
        # A newer deployment supersedes it.
        fixed = self.deploy("nginx:3")
        self.assertEqual(self.wait_deployment(fixed)["status"], "SUCCESSFUL")
        self.assertEqual(self.service_deployment(stuck)["status"], "STOPPED")
        self.assertEqual(self.described()["taskDefinition"], self.second)
        statuses = self.client("ecs").list_service_deployments(
            cluster=self.cluster, service="web", status=["STOPPED"]
        )["serviceDeployments"]
        self.assertEqual([b["serviceDeploymentArn"] for b in statuses], [stuck])

    def test_an_alarm_rolls_a_rolling_deployment_back(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 1.5})
        name = f"{self.name}-5xx"
        self.rolling_world({
            "strategy": "ROLLING",
            "alarms": {"alarmNames": [name], "enable": True, "rollback": True},
        })
        self.alarm()
        arn = self.deploy()
        self.wait_for(lambda: self.described()["deployments"][0]["runningCount"] == 2, "the new tasks")
        # Monitoring: the alarm's period x evaluation periods (1 minute) after the tasks are up.
        self.assertEqual(self.service_deployment(arn)["status"], "IN_PROGRESS")
        self.emulator.ok("POST", "/_emulator/alarms", {"name": name, "state": "ALARM"})
        deployment = self.wait_deployment(arn)
        self.assertEqual(deployment["status"], "ROLLBACK_SUCCESSFUL")
        self.assertEqual(deployment["alarms"]["triggeredAlarmNames"], [name])
        self.assertEqual(deployment["alarms"]["status"], "TRIGGERED")
        self.assertIn(name, deployment["statusReason"])
        self.assertEqual(self.described()["taskDefinition"], self.first)

    def test_desired_count_alone_starts_no_deployment(self):
        self.rolling_world()
        before = self.described()["currentServiceDeployment"]
        service = self.update(desiredCount=4)
        self.assertEqual(service["currentServiceDeployment"], before)
        [primary] = self.described()["deployments"]
        self.assertEqual((primary["desiredCount"], primary["runningCount"]), (4, 4))
        forced = self.update(forceNewDeployment=True)["currentServiceDeployment"]
        self.assertNotEqual(forced, before)
        self.assertEqual(self.wait_deployment(forced)["status"], "SUCCESSFUL")


class MonitoringTest(NativeTest):
    """20-second metrics: the service's monitoring configuration is part of its revision, and
    a HighResolution scaling policy needs its metric published every 20 seconds first."""

    HIGH = {"metricConfigurations": [{"metricNames": ["CPUUtilization"], "resolutionSeconds": 20}]}

    def put_cpu_policy(self, metric):
        scaling = self.client("application-autoscaling")
        resource = f"service/{self.cluster}/web"
        scaling.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=1,
            MaxCapacity=4,
        )
        return scaling.put_scaling_policy(
            PolicyName=f"{self.name}-cpu",
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension="ecs:service:DesiredCount",
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 60.0,
                "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            },
        )

    def running_revision(self):
        [summary] = self.described()["currentServiceRevisions"]
        return self.revision(summary["arn"])

    def test_the_resolution_is_kept_on_the_revision_and_a_change_rolls_out(self):
        self.rolling_world()
        self.assertNotIn("monitoring", self.running_revision())
        high = "ECSServiceAverageCPUUtilizationHighResolution"
        with self.assertRaises(ClientError) as refused:
            self.put_cpu_policy(high)
        self.assertEqual(refused.exception.response["Error"]["Code"], "ValidationException")
        self.put_cpu_policy("ECSServiceAverageCPUUtilization")
        arn = self.update(monitoring=self.HIGH)["currentServiceDeployment"]
        self.assertEqual(self.wait_deployment(arn)["status"], "SUCCESSFUL")
        self.assertEqual(self.running_revision()["monitoring"], self.HIGH)
        self.put_cpu_policy(high)

    def test_only_cpu_and_memory_at_20_or_60_seconds(self):
        self.rolling_world()
        for wrong in (
            {"metricNames": ["RequestCount"], "resolutionSeconds": 20},
            {"metricNames": ["CPUUtilization"], "resolutionSeconds": 30},
        ):
            with self.assertRaises(ClientError) as refused:
                self.update(monitoring={"metricConfigurations": [wrong]})
            self.assertEqual(
                refused.exception.response["Error"]["Code"], "InvalidParameterException", wrong
            )


class PauseTest(NativeTest):
    """Pause hooks: the deployment waits at the stage until ContinueServiceDeployment, or its
    timeout, decides."""

    PAUSE = {
        "strategy": "BLUE_GREEN",
        "bakeTimeInMinutes": 0,
        "lifecycleHooks": [
            {
                "targetType": "PAUSE",
                "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
                "timeoutConfiguration": {"timeoutInMinutes": 600, "action": "ROLLBACK"},
            }
        ],
    }

    def paused(self, arn):
        """The hook the deployment awaits, once it does."""
        found = []

        def check():
            for hook in self.service_deployment(arn).get("lifecycleHookDetails") or []:
                if hook["status"] == "AWAITING_ACTION":
                    found.append(hook)
                    return True
            return False

        self.wait_for(check, "the pause", timeout=20)
        return found[0]

    def continue_(self, arn, hook, action):
        return self.client("ecs").continue_service_deployment(
            serviceDeploymentArn=arn, hookId=hook, action=action
        )

    def test_a_paused_deployment_waits_and_continues(self):
        self.native_world(self.PAUSE)
        arn = self.deploy()
        hook = self.paused(arn)
        self.assertEqual((hook["targetType"], hook["timeoutAction"]), ("PAUSE", "ROLLBACK"))
        deployment = self.service_deployment(arn)
        self.assertEqual(
            (deployment["status"], deployment["lifecycleStage"]),
            ("IN_PROGRESS", "PRE_PRODUCTION_TRAFFIC_SHIFT"),
        )
        # Production traffic has not moved while it waits.
        self.assertEqual(self.rule_weights(self.prod_rule).get(self.green), 0)
        with self.assertRaises(ClientError) as refused:
            self.continue_(arn, "ecs-pause-unknown", "CONTINUE")
        self.assertEqual(refused.exception.response["Error"]["Code"], "InvalidParameterException")
        self.continue_(arn, hook["hookId"], "CONTINUE")
        self.assertEqual(self.wait_deployment(arn)["status"], "SUCCESSFUL")
        [detail] = self.service_deployment(arn)["lifecycleHookDetails"]
        self.assertEqual(detail["status"], "SUCCEEDED")

    def test_a_paused_deployment_rolled_back_keeps_the_old_revision(self):
        self.native_world(self.PAUSE)
        arn = self.deploy()
        hook = self.paused(arn)
        self.continue_(arn, hook["hookId"], "ROLLBACK")
        self.assertEqual(self.wait_deployment(arn)["status"], "ROLLBACK_SUCCESSFUL")
        self.assertEqual(self.described()["taskDefinition"], self.first)

    def test_a_pause_nobody_acts_on_takes_its_timeout_action(self):
        config = json.loads(json.dumps(self.PAUSE))
        config["lifecycleHooks"][0]["timeoutConfiguration"] = {"timeoutInMinutes": 2, "action": "ROLLBACK"}
        self.native_world(config)
        arn = self.deploy()
        self.assertEqual(self.wait_deployment(arn)["status"], "ROLLBACK_SUCCESSFUL")
        [detail] = self.service_deployment(arn)["lifecycleHookDetails"]
        self.assertEqual(detail["status"], "TIMED_OUT")

    def test_a_pause_takes_no_target_and_no_traffic_shift_stage(self):
        self.native_world()
        for i, hook in enumerate((
            {"targetType": "PAUSE", "lifecycleStages": ["PRODUCTION_TRAFFIC_SHIFT"]},
            {"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"], "hookTargetArn": "arn:aws:lambda:us-east-1:123456789012:function:f"},
        )):
            with self.assertRaises(ClientError) as refused:
                self.create(
                    {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0, "lifecycleHooks": [hook]},
                    [self.load_balancer()],
                    name=f"other{i}",
                )
            self.assertEqual(refused.exception.response["Error"]["Code"], "InvalidParameterException", hook)


class TrafficTest(NativeTest):
    def test_blue_green_shifts_test_then_production_and_bakes(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.5, "step_seconds": 0.3})
        self.native_world({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 2})
        arn = self.deploy()
        seen = []

        def observe():
            deployment = self.service_deployment(arn)
            snapshot = (
                deployment.get("lifecycleStage"),
                self.rule_weights(self.test_rule).get(self.green),
                self.rule_weights(self.prod_rule).get(self.green),
            )
            if not seen or seen[-1] != snapshot:
                seen.append(snapshot)
            return deployment["status"] in ENDED

        self.wait_for(observe, "the deployment", timeout=20)
        self.assertEqual(self.service_deployment(arn)["status"], "SUCCESSFUL")
        stages = [s for s, _t, _p in seen]
        for stage in ("SCALE_UP", "TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME"):
            self.assertIn(stage, stages)
        # Test traffic moved before production traffic, production all at once.
        test_first = next(i for i, (_s, t, _p) in enumerate(seen) if t == 100)
        prod_first = next(i for i, (_s, _t, p) in enumerate(seen) if p == 100)
        self.assertLess(test_first, prod_first)
        self.assertEqual({p for _s, _t, p in seen}, {0, 100})
        bake = next(snapshot for snapshot in seen if snapshot[0] == "BAKE_TIME")
        self.assertEqual(bake[2], 100)
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})
        deployment = self.service_deployment(arn)
        target = self.revision(deployment["targetServiceRevision"]["arn"])
        self.assertEqual(target["resolvedConfiguration"]["loadBalancers"][0]["targetGroupArn"], self.green)
        self.assertEqual(deployment["targetServiceRevision"]["requestedProductionTrafficWeight"], 100.0)
        service = self.described()
        self.assertEqual(service["taskDefinition"], self.second)
        # The configuration does not move; the live group is the revision's.
        self.assertEqual(service["loadBalancers"][0]["targetGroupArn"], self.blue)
        # The next deployment goes back to blue.
        self.emulator.ok("POST", "/_emulator/contract", FAST)
        third = self.deploy("nginx:3")
        self.assertEqual(self.wait_deployment(third)["status"], "SUCCESSFUL")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100, self.green: 0})
        revision = self.revision(self.service_deployment(third)["targetServiceRevision"]["arn"])
        self.assertEqual(revision["resolvedConfiguration"]["loadBalancers"][0]["targetGroupArn"], self.blue)

    def weights_over(self, arn, timeout=15):
        seen = []

        def observe():
            weight = self.rule_weights(self.prod_rule).get(self.green)
            if not seen or seen[-1] != weight:
                seen.append(weight)
            return self.service_deployment(arn)["status"] in ENDED

        self.wait_for(observe, "the deployment", timeout=timeout)
        return seen

    def test_linear_shifts_in_steps(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.3})
        self.native_world({
            "strategy": "LINEAR",
            "linearConfiguration": {"stepPercent": 25.0, "stepBakeTimeInMinutes": 1},
        }, test=False)
        arn = self.deploy()
        self.assertEqual(self.weights_over(arn), [0, 25, 50, 75, 100])
        self.assertEqual(self.service_deployment(arn)["status"], "SUCCESSFUL")

    def test_canary_shifts_a_part_first(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.3})
        self.native_world({
            "strategy": "CANARY",
            "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 2},
        })
        arn = self.deploy()
        self.assertEqual(self.weights_over(arn), [0, 10, 100])

    def test_rules_that_do_not_forward_to_both_groups_fail_the_deployment(self):
        self.native_world()
        # The production rule now forwards to blue alone.
        self.client("elbv2").modify_rule(RuleArn=self.prod_rule, Actions=forward(self.blue))
        arn = self.deploy()
        deployment = self.wait_deployment(arn)
        self.assertEqual((deployment["status"], deployment["statusReason"]), ("STOPPED", BOTH_GROUPS))
        service = self.described()
        self.assertEqual(service["taskDefinition"], self.first)
        primary, failed = service["deployments"]
        self.assertEqual((primary["taskDefinition"], primary["rolloutState"]), (self.first, "COMPLETED"))
        self.assertEqual((failed["rolloutState"], failed["rolloutStateReason"]), ("FAILED", BOTH_GROUPS))
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100})

    def test_an_alarm_during_the_bake_rolls_traffic_back(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.5})
        name = f"{self.name}-5xx"
        self.native_world({
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 10,
            "alarms": {"alarmNames": [name], "enable": True, "rollback": True},
        })
        self.alarm()
        arn = self.deploy()
        self.wait_for(lambda: self.service_deployment(arn).get("lifecycleStage") == "BAKE_TIME", "the bake")
        # Steps long enough to see the failed deployment before it drains.
        self.emulator.ok("POST", "/_emulator/contract", {"step_seconds": 0.5})
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})
        self.emulator.ok("POST", "/_emulator/alarms", {"name": name, "state": "ALARM"})
        failing = next(d for d in self.described()["deployments"] if d["taskDefinition"] == self.second)
        self.assertEqual(failing["rolloutState"], "FAILED")
        self.assertIn(name, failing["rolloutStateReason"])
        deployment = self.wait_deployment(arn)
        self.assertEqual(deployment["status"], "ROLLBACK_SUCCESSFUL")
        self.assertEqual(deployment["alarms"]["triggeredAlarmNames"], [name])
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100, self.green: 0})
        self.assertEqual(self.rule_weights(self.test_rule), {self.blue: 100, self.green: 0})
        self.assertEqual(self.described()["taskDefinition"], self.first)
        source = self.revision(deployment["rollback"]["serviceRevisionArn"])
        self.assertEqual(source["resolvedConfiguration"]["loadBalancers"][0]["targetGroupArn"], self.blue)

    def test_stop_service_deployment_rolls_back(self):
        self.emulator.ok("POST", "/_emulator/contract", {"minute_seconds": 0.5})
        self.native_world({
            "strategy": "LINEAR",
            "linearConfiguration": {"stepPercent": 10.0, "stepBakeTimeInMinutes": 1},
        })
        ecs = self.client("ecs")
        arn = self.deploy()
        self.wait_for(lambda: self.rule_weights(self.prod_rule).get(self.green) == 10, "the first step")
        self.assertEqual(ecs.stop_service_deployment(serviceDeploymentArn=arn)["serviceDeploymentArn"], arn)
        deployment = self.wait_deployment(arn)
        self.assertEqual(deployment["status"], "ROLLBACK_SUCCESSFUL")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100, self.green: 0})
        error = self.error(ecs.stop_service_deployment, serviceDeploymentArn=arn)
        self.assertEqual(error["Code"], "ConflictException")
        error = self.error(ecs.stop_service_deployment, serviceDeploymentArn=arn + "x")
        self.assertEqual(error["Code"], "ServiceDeploymentNotFoundException")
        answer = ecs.describe_service_deployments(serviceDeploymentArns=[arn, arn + "x"])
        self.assertEqual(answer["failures"], [{"arn": arn + "x", "reason": "MISSING"}])


class MigrationTest(NativeTest):
    def test_a_code_deploy_service_moves_to_the_ecs_controller(self):
        self.world()  # CODE_DEPLOY, one PRIMARY task set on blue, a deployment group
        elbv2 = self.client("elbv2")
        # The migration guide's first step: both rules name green too, at weight 0.
        for rule in (self.prod_rule, self.test_rule):
            elbv2.modify_rule(RuleArn=rule, Actions=both(self.blue, self.green))
        self.role_arn = self.infrastructure_role()
        self.assertEqual(len(self.described()["taskSets"]), 1)
        self.second = self.task_definition("nginx:2")
        service = self.update(
            deploymentController={"type": "ECS"},
            deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0},
            loadBalancers=[self.load_balancer()],
            taskDefinition=self.second,
        )
        self.assertEqual(service["deploymentController"], {"type": "ECS"})
        self.assertEqual(service.get("taskSets", []), [])
        deployment = self.wait_deployment(service["currentServiceDeployment"])
        self.assertEqual(deployment["status"], "SUCCESSFUL")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.green: 100, self.blue: 0})
        described = self.described()
        self.assertEqual(described["taskDefinition"], self.second)
        self.assertEqual(described.get("taskSets", []), [])
        # The ECS rules apply from now on: a new task definition is a new deployment.
        third = self.deploy("nginx:3")
        self.assertEqual(self.wait_deployment(third)["status"], "SUCCESSFUL")
        self.assertEqual(self.rule_weights(self.prod_rule), {self.blue: 100, self.green: 0})
        # CodeDeploy can no longer deploy it.
        info = ContractTest.wait(self, ContractTest.deploy(self, self.task_definition("nginx:4")))
        self.assertEqual((info["status"], info["errorInformation"]["code"]), ("Failed", "INVALID_ECS_SERVICE"))
        self.assertEqual(self.described().get("taskSets", []), [])


if __name__ == "__main__":
    unittest.main()
