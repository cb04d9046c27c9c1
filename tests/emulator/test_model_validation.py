"""Unit tests of rule 13 (validation.py): every request is checked against the operation's input
shape in botocore's model, and a request the model refuses is answered with the service's own
validation error in its protocol (HTTP 400), logged as refused (`refused.rule == "model"`) and
recorded in the violations log, which the acceptance tests assert stays empty. The clients send
without botocore's own parameter validation, so what the emulator refuses is what AWS would:

    "$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'
"""

import json
import os
import shutil
import unittest
import urllib.request
import uuid
from unittest import mock

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.loaders import create_loader

import rpcv2cbor
import validation
from test_cloudwatch import models_by_protocol
from test_emulator import Launcher, ModuleLauncher
from test_identifiers import LogCalls

_module = ModuleLauncher()
_launcher = None
_models = None

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }],
})
NOT_FOUND = [{
    "Type": "fixed-response",
    "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"},
}]
CLOUDWATCH_PROTOCOLS = ("smithy-rpc-v2-cbor", "query", "json")


def setUpModule():
    global _launcher, _models
    _launcher = _module.start()
    _models = models_by_protocol(CLOUDWATCH_PROTOCOLS)


def tearDownModule():
    try:
        _module.stop()
    finally:
        shutil.rmtree(_models, ignore_errors=True)


def unvalidated_config():
    return Config(
        parameter_validation=False,
        retries={"total_max_attempts": 1},
        inject_host_prefix=False,
    )


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class ModelTest(LogCalls, unittest.TestCase):
    def setUp(self):
        self.emulator = _launcher
        self.emulator.ok("POST", "/_emulator/faults/reset")
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 0})
        self.emulator.ok("POST", "/_emulator/contract", {"model_validation": True})
        self.emulator.ok("POST", "/_emulator/requests/reset")
        self.emulator.ok("POST", "/_emulator/violations/reset")

    def client(self, name, emulator=None):
        """A boto3 client without retries and without botocore's parameter validation."""
        return boto3.client(
            name,
            endpoint_url=(emulator or self.emulator).endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=unvalidated_config(),
        )

    def cloudwatch(self, protocol):
        session = botocore.session.get_session()
        session.get_component("data_loader").search_paths.insert(
            0, os.path.join(_models, protocol)
        )
        return boto3.Session(botocore_session=session).client(
            "cloudwatch",
            endpoint_url=self.emulator.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=unvalidated_config(),
        )

    def assertRefused(self, error, code, member, constraint, message=None):
        """The call was answered 400 `code`, logged as refused by the model for `member`, and
        recorded as a model-validation violation."""
        self.assertEqual(error["Error"]["Code"], code, error["Error"])
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
        if message is not None:
            self.assertEqual(error["Error"]["Message"], message)
        last = self.requests()[-1]
        refused = last["refused"]
        self.assertEqual(
            (refused["rule"], refused["member"], refused["constraint"]),
            ("model", member, constraint),
            refused,
        )
        if code != "SerializationException" and not code.endswith("RequiredException"):
            # The detail is the message's sentence for the first violation (those two codes
            # answer their own texts).
            self.assertIn(refused["detail"], error["Error"]["Message"])
        self.assertEqual((last["status"], last["code"], last["injected"]), (400, code, None))
        violation = self.violations()[-1]
        self.assertEqual(
            {k: violation[k] for k in ("service", "action", "status", "code", "reason", "member",
                                       "constraint")},
            {
                "service": last["service"],
                "action": last["action"],
                "status": 400,
                "code": code,
                "reason": "model-validation",
                "member": member,
                "constraint": constraint,
            },
        )
        self.assertEqual(violation["detail"], refused["detail"])

    def assertPassed(self):
        """The last call reached moto: not refused, no violation."""
        last = self.requests()[-1]
        self.assertIsNone(last["refused"], last)
        self.assertEqual(self.violations(), [])


class RefusedTest(ModelTest):
    def load_balancer(self):
        """A VPC, an internal ALB and an HTTP listener; (vpc, listener ARN)."""
        ec2, elbv2 = self.client("ec2"), self.client("elbv2")
        name = unique("mv")
        vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(
                VpcId=vpc, CidrBlock=f"10.50.{i}.0/24", AvailabilityZone=f"us-east-1{az}"
            )["Subnet"]["SubnetId"]
            for i, az in ((1, "a"), (2, "b"))
        ]
        lb = elbv2.create_load_balancer(Name=name, Subnets=subnets, Scheme="internal")[
            "LoadBalancers"
        ][0]["LoadBalancerArn"]
        listener = elbv2.create_listener(
            LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=NOT_FOUND
        )["Listeners"][0]["ListenerArn"]
        return vpc, listener

    def test_elbv2_create_rule_priority_over_50000(self):
        _vpc, listener = self.load_balancer()
        elbv2 = self.client("elbv2")
        rule = {
            "ListenerArn": listener,
            "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
            "Actions": NOT_FOUND,
        }
        error = self.error(elbv2.create_rule, Priority=50001, **rule)
        self.assertRefused(
            error,
            "ValidationError",
            "Priority",
            "max",
            "1 validation error detected: Value '50001' at 'priority' failed to satisfy "
            "constraint: Member must have value less than or equal to 50000",
        )
        self.assertEqual(error["Error"]["Type"], "Sender")
        self.emulator.ok("POST", "/_emulator/violations/reset")
        created = elbv2.create_rule(Priority=50000, **rule)["Rules"][0]
        self.assertEqual(created["Priority"], "50000")
        self.assertPassed()

    def test_elbv2_create_target_group_health_check_interval_over_300(self):
        vpc, _listener = self.load_balancer()
        elbv2 = self.client("elbv2")
        group = {"Protocol": "HTTP", "Port": 8080, "VpcId": vpc, "TargetType": "ip"}
        error = self.error(
            elbv2.create_target_group, Name=unique("tg"), HealthCheckIntervalSeconds=301, **group
        )
        self.assertRefused(
            error,
            "ValidationError",
            "HealthCheckIntervalSeconds",
            "max",
            "1 validation error detected: Value '301' at 'healthCheckIntervalSeconds' failed to "
            "satisfy constraint: Member must have value less than or equal to 300",
        )
        self.emulator.ok("POST", "/_emulator/violations/reset")
        created = elbv2.create_target_group(
            Name=unique("tg"), HealthCheckIntervalSeconds=300, **group
        )["TargetGroups"][0]
        self.assertEqual(created["HealthCheckIntervalSeconds"], 300)
        self.assertPassed()

    def test_ecs_register_task_definition_with_an_unknown_network_mode(self):
        ecs = self.client("ecs")
        task = {
            "family": unique("web"),
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": [{"name": "web", "image": "nginx", "essential": True}],
        }
        error = self.error(ecs.register_task_definition, networkMode="bogus", **task)
        self.assertRefused(
            error,
            "InvalidParameterException",
            "networkMode",
            "enum",
            "1 validation error detected: Value 'bogus' at 'networkMode' failed to satisfy "
            "constraint: Member must satisfy enum value set: [bridge, host, awsvpc, none]",
        )
        self.emulator.ok("POST", "/_emulator/violations/reset")
        answer = ecs.register_task_definition(networkMode="awsvpc", **task)
        self.assertEqual(answer["taskDefinition"]["networkMode"], "awsvpc")
        self.assertPassed()

    def test_ecs_nested_members_and_several_violations(self):
        ecs = self.client("ecs")
        error = self.error(
            ecs.register_task_definition,
            family=unique("web"),
            networkMode="awsvpc",
            containerDefinitions=[{
                "name": "web",
                "image": "nginx",
                "portMappings": [{"containerPort": 80, "protocol": "tcpx"}],
            }],
            tags=[{"key": "k" * 129, "value": "v"}],
        )
        self.assertRefused(
            error,
            "InvalidParameterException",
            "containerDefinitions[0].portMappings[0].protocol",
            "enum",
        )
        self.assertEqual(
            error["Error"]["Message"],
            "2 validation errors detected: Value 'tcpx' at "
            "'containerDefinitions.1.member.portMappings.1.member.protocol' failed to satisfy "
            "constraint: Member must satisfy enum value set: [tcp, udp]; Value '" + "k" * 129
            + "' at 'tags.1.member.key' failed to satisfy constraint: Member must have length "
            "less than or equal to 128",
        )

    def test_a_value_of_the_wrong_json_type_is_a_serialization_exception(self):
        error = self.error(self.client("ecs").list_clusters, maxResults="many")
        self.assertRefused(
            error,
            "SerializationException",
            "maxResults",
            "type",
            "STRING_VALUE can not be converted to an Integer",
        )
        self.assertEqual(self.requests()[-1]["refused"]["detail"],
                         "Value 'many' at 'maxResults' failed to satisfy constraint: "
                         "Member must be of type integer")

    def test_a_missing_required_member(self):
        error = self.error(self.client("ecs").register_task_definition, family=unique("web"))
        self.assertRefused(
            error,
            "InvalidParameterException",
            "containerDefinitions",
            "required",
            "1 validation error detected: Value null at 'containerDefinitions' failed to satisfy "
            "constraint: Member must not be null",
        )

    def test_iam_create_role_with_a_65_character_name(self):
        iam = self.client("iam")
        error = self.error(iam.create_role, RoleName="r" * 65, AssumeRolePolicyDocument=TRUST)
        self.assertRefused(
            error,
            "ValidationError",
            "RoleName",
            "max",
            "1 validation error detected: Value '" + "r" * 65 + "' at 'roleName' failed to "
            "satisfy constraint: Member must have length less than or equal to 64",
        )
        self.emulator.ok("POST", "/_emulator/violations/reset")
        name = unique("r").ljust(64, "r")
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
        self.assertPassed()
        # A query list of structures: Tags.member.1.Key.
        error = self.error(
            iam.create_role,
            RoleName=unique("r"),
            AssumeRolePolicyDocument=TRUST,
            Tags=[{"Key": "team", "Value": "web"}, {"Key": "bad key!", "Value": "x"}],
        )
        self.assertRefused(error, "ValidationError", "Tags[1].Key", "pattern")
        self.assertIn(
            "Value 'bad key!' at 'tags.2.member.key' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
            error["Error"]["Message"],
        )

    def test_codedeploy_create_application_name_over_100_characters(self):
        codedeploy = self.client("codedeploy")
        # botocore's ApplicationName: min 1, max 100.
        limit = rpcv2cbor.model("codedeploy").shape_for("ApplicationName").metadata["max"]
        self.assertEqual(limit, 100)
        error = self.error(codedeploy.create_application, applicationName="a" * 101,
                           computePlatform="ECS")
        self.assertRefused(error, "InvalidApplicationNameException", "applicationName", "max")
        self.assertIn("Member must have length less than or equal to 100",
                      error["Error"]["Message"])
        error = self.error(codedeploy.create_application, applicationName=unique("app"),
                           computePlatform="Fargate")
        self.assertRefused(error, "InvalidComputePlatformException", "computePlatform", "enum")
        error = self.error(codedeploy.create_application, computePlatform="ECS")
        self.assertRefused(
            error,
            "ApplicationNameRequiredException",
            "applicationName",
            "required",
            "The minimum number of required application names was not specified.",
        )
        self.emulator.ok("POST", "/_emulator/violations/reset")
        codedeploy.create_application(applicationName="a" * 100, computePlatform="ECS")
        self.assertPassed()

    def test_logs_create_log_group_outside_its_pattern(self):
        logs = self.client("logs")
        error = self.error(logs.create_log_group, logGroupName="/ecs/my web")
        self.assertRefused(
            error,
            "InvalidParameterException",
            "logGroupName",
            "pattern",
            "1 validation error detected: Value '/ecs/my web' at 'logGroupName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "[\\.\\-_/#A-Za-z0-9]+",
        )
        self.emulator.ok("POST", "/_emulator/violations/reset")
        logs.create_log_group(logGroupName=f"/ecs/{unique('web')}")
        self.assertPassed()

    def test_cloudwatch_put_metric_alarm_with_zero_evaluation_periods(self):
        alarm = {
            "MetricName": "HTTPCode_Target_5XX_Count",
            "Namespace": "AWS/ApplicationELB",
            "Statistic": "Sum",
            "Period": 60,
            "Threshold": 5.0,
            "ComparisonOperator": "GreaterThanThreshold",
        }
        message = (
            "1 validation error detected: Value '0' at 'evaluationPeriods' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
        for protocol in CLOUDWATCH_PROTOCOLS:
            with self.subTest(protocol=protocol):
                self.emulator.ok("POST", "/_emulator/violations/reset")
                cw = self.cloudwatch(protocol)
                error = self.error(
                    cw.put_metric_alarm, AlarmName=unique("a"), EvaluationPeriods=0, **alarm
                )
                self.assertRefused(error, "ValidationError", "EvaluationPeriods", "min", message)
                self.emulator.ok("POST", "/_emulator/violations/reset")
                cw.put_metric_alarm(AlarmName=unique("a"), EvaluationPeriods=1, **alarm)
                self.assertPassed()

    def test_cloudwatch_cbor_error_shape(self):
        error = self.error(
            self.cloudwatch("smithy-rpc-v2-cbor").put_metric_alarm,
            AlarmName=unique("a"),
            EvaluationPeriods=0,
            ComparisonOperator="GreaterThanThreshold",
        )
        headers = error["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["x-amzn-query-error"], "ValidationError;Sender")
        self.assertEqual(headers["smithy-protocol"], "rpc-v2-cbor")
        self.assertEqual(error["Error"]["Code"], "ValidationError")

    def test_ec2_answers_invalid_parameter_value_and_missing_parameter(self):
        ec2 = self.client("ec2")
        error = self.error(ec2.create_vpc, CidrBlock="10.60.0.0/16", InstanceTenancy="shared")
        self.assertRefused(error, "InvalidParameterValue", "InstanceTenancy", "enum")
        self.assertEqual(
            error["Error"]["Message"],
            "Value (shared) for parameter instanceTenancy is invalid. Member must satisfy enum "
            "value set: [default, dedicated, host]",
        )
        error = self.error(ec2.create_subnet, CidrBlock="10.60.1.0/24")
        self.assertRefused(
            error, "MissingParameter", "VpcId", "required",
            "The request must contain the parameter VpcId",
        )

    def test_cloud_map_map_keys(self):
        sd = self.client("servicediscovery")
        error = self.error(
            sd.register_instance,
            ServiceId="srv-0123456789abcdef",
            InstanceId="i-1",
            Attributes={"AWS_INSTANCE_IPV4": "10.0.0.1", "bad key": "x"},
        )
        self.assertRefused(error, "InvalidInput", "Attributes[bad key]", "pattern")
        self.assertIn(
            "at 'attributes' failed to satisfy constraint: Map keys must satisfy constraint: "
            "[Member must satisfy regular expression pattern: ^[a-zA-Z0-9!-~]+$]",
            error["Error"]["Message"],
        )

    def test_an_injected_answer_wins_and_the_violation_is_still_recorded(self):
        self.emulator.ok(
            "POST", "/_emulator/faults", {"action": "CreateRole", "code": "AccessDenied"}
        )
        error = self.error(
            self.client("iam").create_role, RoleName="r" * 65, AssumeRolePolicyDocument=TRUST
        )
        self.assertEqual(error["Error"]["Code"], "AccessDenied")
        last = self.requests()[-1]
        self.assertEqual((last["injected"], last["refused"]), ("fault", None))
        self.assertEqual(
            [(v["reason"], v["member"], v["code"]) for v in self.violations()],
            [("model-validation", "RoleName", "AccessDenied")],
        )

    def test_an_empty_identifier_is_rule_12s(self):
        error = self.error(self.client("elbv2").describe_rules, ListenerArn="")
        self.assertEqual(error["Error"]["Code"], "ValidationError")
        self.assertEqual(
            self.requests()[-1]["refused"], {"rule": "empty-identifier", "member": "ListenerArn"}
        )
        self.assertEqual([v["reason"] for v in self.violations()], ["empty-identifier"])

    def test_control_and_moto_api_calls_are_not_validated(self):
        with urllib.request.urlopen(self.emulator.endpoint + "/moto-api/data.json", timeout=30):
            pass
        self.assertEqual(self.violations(), [])


class SettingsTest(ModelTest):
    def test_turned_off_at_run_time(self):
        answer = self.emulator.ok("POST", "/_emulator/contract", {"model_validation": False})
        self.assertFalse(answer["model_validation"])
        try:
            self.client("iam").create_role(RoleName=unique("r").ljust(65, "r"),
                                           AssumeRolePolicyDocument=TRUST)
            self.assertPassed()
        finally:
            self.emulator.ok("POST", "/_emulator/contract", {"model_validation": True})
        self.assertTrue(self.emulator.ok("GET", "/_emulator/contract")["model_validation"])
        status, _ = self.emulator.control("POST", "/_emulator/contract", {"model_validation": 0})
        self.assertEqual(status, 400)

    def check_off(self, launcher):
        try:
            self.assertFalse(launcher.ok("GET", "/_emulator/contract")["model_validation"])
            name = "r" * 65
            role = self.client("iam", launcher).create_role(
                RoleName=name, AssumeRolePolicyDocument=TRUST
            )["Role"]
            self.assertEqual(role["RoleName"], name)
            self.assertEqual(launcher.ok("GET", "/_emulator/violations"), [])
            self.assertIsNone(launcher.ok("GET", "/_emulator/requests")[-1]["refused"])
        finally:
            self.assertEqual(launcher.stop(), 0)

    def test_the_flag_turns_it_off(self):
        self.check_off(Launcher(["--no-model-validation"]))

    def test_the_environment_turns_it_off(self):
        with mock.patch.dict(os.environ, {validation.ENVIRONMENT: "0"}):
            launcher = Launcher()
        self.check_off(launcher)

    def test_status_lists_no_skipped_pattern(self):
        status = self.emulator.ok("GET", "/_emulator/model-validation")
        self.assertEqual(
            status,
            {"enabled": True, "botocore": botocore.__version__, "skipped_patterns": []},
        )


class PatternTest(unittest.TestCase):
    """The Java patterns of botocore's models in Python (no launcher)."""

    SERVICES = ("ecs", "servicediscovery", "codedeploy", "logs", "application-autoscaling",
                "iam", "sts", "ec2", "cloudwatch", "elbv2")

    def test_every_pattern_of_the_providers_services_compiles(self):
        loader = create_loader()
        count = 0
        for name in self.SERVICES:
            shapes = loader.load_service_model(name, "service-2")["shapes"]
            for shape_name, shape in shapes.items():
                if "pattern" in shape:
                    count += 1
                    self.assertIsNotNone(
                        validation._compiled(shape["pattern"], shape_name),
                        (name, shape_name, shape["pattern"]),
                    )
        self.assertGreater(count, 100)

    def matches(self, pattern, value):
        return validation._compiled(pattern).fullmatch(value) is not None

    def test_translations(self):
        tag = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
        self.assertTrue(self.matches(tag, "Équipe web 2"))
        self.assertFalse(self.matches(tag, "a;b"))
        self.assertTrue(self.matches(r"[\w-_]*", "a-b_c"))
        self.assertFalse(self.matches(r"[\w-_]*", "a b"))
        # Java's \w is ASCII.
        self.assertFalse(self.matches(r"[\w+=,.@-]+", "rôle"))
        xml = r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*"
        self.assertTrue(self.matches(xml, "service/web/app \U0001F600"))
        self.assertFalse(self.matches(xml, "a\x01"))
        self.assertTrue(self.matches(r"\p{Print}+", "policy name"))
        self.assertFalse(self.matches(r"\p{Print}+", "é"))
        # Java's matches(): the whole value.
        self.assertFalse(self.matches(r"[\.\-_/#A-Za-z0-9]+", "/ecs/my web"))
        self.assertTrue(self.matches(r"\Qa.b\E", "a.b"))
        self.assertFalse(self.matches(r"\Qa.b\E", "axb"))

    def test_an_untranslatable_pattern_is_skipped_and_counted(self):
        for pattern in (r"\p{InGreek}+", r"[a-z&&[^b]]", "[unclosed"):
            with self.subTest(pattern=pattern):
                self.assertIsNone(validation._compiled(pattern, "Test"))
                self.assertIn(pattern, [s["pattern"] for s in validation.skipped_patterns()])
        shape = rpcv2cbor.model("ecs").operation_model("ListClusters").input_shape
        self.assertEqual(validation.validate(shape, {"maxResults": 10}), [])

    def test_query_values_are_read_by_their_shape_type(self):
        model = rpcv2cbor.model("elbv2")
        shape = model.operation_model("ModifyTargetGroup").input_shape
        tree = validation._query_tree([
            ("Action", "ModifyTargetGroup"),
            ("TargetGroupArn", "arn"),
            ("HealthCheckIntervalSeconds", "300"),
            ("HealthCheckEnabled", "true"),
        ])
        self.assertEqual(validation.validate(shape, tree, query=True), [])
        tree["HealthCheckEnabled"] = "yes"
        tree["HealthCheckIntervalSeconds"] = "3OO"
        found = validation.validate(shape, tree, query=True)
        self.assertEqual(
            sorted((v.member, v.constraint) for v in found),
            [("HealthCheckEnabled", "type"), ("HealthCheckIntervalSeconds", "type")],
        )


if __name__ == "__main__":
    unittest.main()
