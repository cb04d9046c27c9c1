"""Unit tests of rule 12 (identifiers.py): an identifier sent as an empty string is refused with
AWS's 400 in each protocol, never passed to moto (whose handlers may fail with a 500: issue 26,
DescribeRules with an empty ListenerArn); and of what the launcher records about each call: the
request log's status and refusal, and the violations log (moto's server errors and empty
identifiers) the acceptance tests assert stays empty. They run their own launcher, so the
violations log holds only what these tests did:

    "$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'
"""

import json
import unittest
import urllib.error
import urllib.request
import uuid

import boto3
import cbor2
from botocore.config import Config
from botocore.exceptions import ClientError

import identifiers
from test_emulator import ModuleLauncher

_module = ModuleLauncher()
_launcher = None

LISTENER_ARN = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/"
    "0123456789abcdef"
)


def setUpModule():
    global _launcher
    _launcher = _module.start()


def tearDownModule():
    _module.stop()


class LogCalls:
    """What a test of a refusal reads: the error a call raised, the request log and the
    violations log of the module's launcher (`self.emulator`)."""

    def error(self, call, *args, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        return caught.exception.response

    def requests(self):
        return self.emulator.ok("GET", "/_emulator/requests")

    def violations(self):
        return self.emulator.ok("GET", "/_emulator/violations")


class IdentifierTest(LogCalls, unittest.TestCase):
    def setUp(self):
        self.emulator = _launcher
        self.emulator.ok("POST", "/_emulator/faults/reset")
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 0})
        self.emulator.ok("POST", "/_emulator/requests/reset")
        self.emulator.ok("POST", "/_emulator/violations/reset")

    def client(self, name, validate=True):
        """A boto3 client without retries; validate=False lets through what botocore refuses
        before sending (an empty string where the model has a minimum length)."""
        return boto3.client(
            name,
            endpoint_url=self.emulator.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(
                retries={"total_max_attempts": 1},
                inject_host_prefix=False,
                parameter_validation=validate,
            ),
        )

    def assertRefused(self, error, code, member, message=None):
        """The call was answered 400 `code`, logged as refused for `member`, and recorded as
        a violation."""
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
        if message is not None:
            self.assertEqual(error["Error"]["Message"], message)
        last = self.requests()[-1]
        self.assertEqual(last["refused"], {"rule": "empty-identifier", "member": member})
        self.assertEqual((last["status"], last["code"], last["injected"]), (400, code, None))
        self.assertIn(
            {
                "service": last["service"],
                "action": last["action"],
                "status": 400,
                "code": code,
                "reason": "empty-identifier",
                "member": member,
            },
            self.violations(),
        )


class RefusedTest(IdentifierTest):
    def test_describe_rules_with_an_empty_listener_arn_is_a_validation_error(self):
        elbv2 = self.client("elbv2")
        error = self.error(elbv2.describe_rules, ListenerArn="")
        self.assertRefused(
            error, "ValidationError", "ListenerArn", "'' is not a valid listener ARN"
        )
        self.assertEqual(error["Error"]["Type"], "Sender")
        self.assertEqual(
            self.violations(),
            [{
                "service": "elasticloadbalancing",
                "action": "DescribeRules",
                "status": 400,
                "code": "ValidationError",
                "reason": "empty-identifier",
                "member": "ListenerArn",
            }],
        )
        # A listener ARN that exists nowhere still reaches moto (ListenerNotFound).
        error = self.error(elbv2.describe_rules, ListenerArn=LISTENER_ARN)
        self.assertEqual(error["Error"]["Code"], "ListenerNotFound")
        self.assertIsNone(self.requests()[-1]["refused"])
        self.assertEqual(len(self.violations()), 1)

    def test_an_empty_list_element_is_refused_by_its_field(self):
        error = self.error(self.client("elbv2").describe_load_balancers, Names=["web", ""])
        self.assertRefused(error, "ValidationError", "Names.member.2")
        self.assertIn("at 'names.2.member'", error["Error"]["Message"])

    def test_ecs_answers_invalid_parameter_exception(self):
        ecs = self.client("ecs")
        error = self.error(ecs.describe_services, cluster="", services=["web"])
        self.assertRefused(
            error, "InvalidParameterException", "cluster", "Cluster can not be blank."
        )
        error = self.error(ecs.describe_services, cluster="default", services=["web", ""])
        self.assertRefused(error, "InvalidParameterException", "services.2")
        error = self.error(
            ecs.create_service,
            cluster="default",
            serviceName="web",
            loadBalancers=[{"targetGroupArn": "", "containerName": "web", "containerPort": 80}],
        )
        self.assertRefused(error, "InvalidParameterException", "loadBalancers.1.targetGroupArn")

    def test_each_service_answers_its_own_validation_error(self):
        cases = [
            # (client, method, kwargs, code, member)
            ("iam", "get_role", {"RoleName": ""}, "ValidationError", "RoleName"),
            ("sts", "assume_role", {"RoleArn": "", "RoleSessionName": "s"}, "ValidationError",
             "RoleArn"),
            ("ec2", "describe_subnets", {"SubnetIds": [""]}, "InvalidParameterValue",
             "SubnetId.1"),
            ("logs", "delete_log_group", {"logGroupName": ""}, "InvalidParameterException",
             "logGroupName"),
            ("codedeploy", "get_application", {"applicationName": ""},
             "ApplicationNameRequiredException", "applicationName"),
            ("servicediscovery", "get_service", {"Id": ""}, "InvalidInput", "Id"),
            ("application-autoscaling", "describe_scalable_targets",
             {"ServiceNamespace": "ecs", "ResourceIds": [""]}, "ValidationException",
             "ResourceIds.1"),
            ("cloudwatch", "describe_alarms", {"AlarmNames": [""]}, "ValidationError",
             "AlarmNames.1"),
        ]
        for name, method, kwargs, code, member in cases:
            with self.subTest(client=name):
                error = self.error(getattr(self.client(name, validate=False), method), **kwargs)
                self.assertRefused(error, code, member)
        # The texts (all modelled; README.md rule 12).
        self.assertEqual(
            [v["member"] for v in self.violations()], [case[-1] for case in cases]
        )
        error = self.error(self.client("sts", validate=False).assume_role, RoleArn="",
                           RoleSessionName="s")
        self.assertEqual(
            error["Error"]["Message"],
            "1 validation error detected: Value '' at 'roleArn' failed to satisfy constraint: "
            "Member must have length greater than or equal to 20",
        )
        error = self.error(self.client("ec2").describe_subnets, SubnetIds=[""])
        self.assertEqual(
            error["Error"]["Message"],
            "Value () for parameter subnetId is invalid. The value cannot be empty",
        )
        error = self.error(self.client("codedeploy", validate=False).get_application,
                           applicationName="")
        self.assertEqual(
            error["Error"]["Message"],
            "The minimum number of required application names was not specified.",
        )

    def test_cloudwatch_in_rpc_v2_cbor_gets_its_error_shape(self):
        body = cbor2.dumps({"AlarmNames": [""]})
        request = urllib.request.Request(
            self.emulator.endpoint
            + "/service/GraniteServiceVersion20100801/operation/DescribeAlarms",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/cbor",
                "Accept": "application/cbor",
                "Smithy-Protocol": "rpc-v2-cbor",
                "Authorization": (
                    "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/monitoring/aws4_request, "
                    "SignedHeaders=host, Signature=0"
                ),
            },
        )
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        answer = caught.exception
        self.assertEqual(answer.code, 400)
        self.assertEqual(answer.headers["x-amzn-query-error"], "ValidationError;Sender")
        self.assertEqual(answer.headers["Smithy-Protocol"], "rpc-v2-cbor")
        error = cbor2.loads(answer.read())
        # The shape of CloudWatch's model whose awsQuery code is ValidationError.
        self.assertEqual(error["__type"], "com.amazonaws.cloudwatch#ValidationException")
        self.assertIn("at 'alarmNames.1.member'", error["message"])
        last = self.requests()[-1]
        self.assertEqual((last["service"], last["action"]), ("monitoring", "DescribeAlarms"))
        self.assertEqual(last["refused"], {"rule": "empty-identifier", "member": "AlarmNames.1"})

    def test_an_injected_answer_wins_and_the_empty_identifier_is_still_a_violation(self):
        self.emulator.ok(
            "POST",
            "/_emulator/faults",
            {"service": "elasticloadbalancing", "action": "DescribeRules", "code": "AccessDenied"},
        )
        error = self.error(self.client("elbv2").describe_rules, ListenerArn="")
        self.assertEqual(error["Error"]["Code"], "AccessDenied")
        last = self.requests()[-1]
        self.assertEqual((last["injected"], last["status"], last["refused"]), ("fault", 403, None))
        self.assertEqual(
            self.violations(),
            [{
                "service": "elasticloadbalancing",
                "action": "DescribeRules",
                "status": 403,
                "code": "AccessDenied",
                "reason": "empty-identifier",
                "member": "ListenerArn",
            }],
        )


class NotRefusedTest(IdentifierTest):
    """Members that may be empty, or are not identifiers, reach moto as before."""

    def test_empty_tag_values_and_map_entries_pass(self):
        ecs = self.client("ecs")
        cluster = f"c-{uuid.uuid4().hex[:8]}"
        ecs.create_cluster(clusterName=cluster, tags=[{"key": "team", "value": ""}])
        ecs.register_task_definition(
            family=f"f-{uuid.uuid4().hex[:8]}",
            containerDefinitions=[{
                "name": "web",
                "image": "nginx",
                "memory": 512,
                # Map keys are user data, not members: an empty label named like an identifier.
                "dockerLabels": {"serviceName": "", "com.example.clusterArn": ""},
                "environment": [{"name": "EMPTY_ID", "value": ""}],
            }],
        )
        iam = self.client("iam")
        trust = json.dumps({"Version": "2012-10-17", "Statement": []})
        iam.create_role(
            RoleName=f"role-{uuid.uuid4().hex[:8]}",
            AssumeRolePolicyDocument=trust,
            Description="",
            Tags=[{"Key": "team", "Value": ""}],
        )
        # An empty attribute value is meaningful (no application cookie name).
        vpc = self.client("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        elbv2 = self.client("elbv2")
        group = elbv2.create_target_group(
            Name=f"tg-{uuid.uuid4().hex[:8]}", Protocol="HTTP", Port=80, VpcId=vpc,
            TargetType="ip",
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.modify_target_group_attributes(
            TargetGroupArn=group,
            Attributes=[{"Key": "stickiness.app_cookie.cookie_name", "Value": ""}],
        )
        log = self.requests()
        self.assertEqual([r["refused"] for r in log], [None] * len(log))
        self.assertEqual([r["status"] for r in log], [200] * len(log))
        self.assertEqual(self.violations(), [])

    def test_the_identifier_names(self):
        for service, name in [
            ("elasticloadbalancing", "ListenerArn"),
            ("elasticloadbalancing", "ResourceArns"),
            ("elasticloadbalancing", "Names"),
            ("application-autoscaling", "RoleARN"),
            ("ec2", "SubnetId"),
            ("logs", "logGroupIdentifier"),
            ("ecs", "cluster"),
            ("ecs", "services"),
            ("ecs", "taskDefinition"),
            ("ecs", "containerName"),
        ]:
            with self.subTest(name=name):
                self.assertTrue(identifiers.is_identifier(service, name))
        for service, name in [
            ("ecs", "NextToken"),
            ("ecs", "nextToken"),
            ("ecs", "value"),
            ("ecs", "key"),
            ("ecs", "name"),
            ("ecs", "externalId"),
            ("ecs", "logGroupNamePrefix"),
            ("iam", "Description"),
            ("iam", "Value"),
            ("servicediscovery", "CreatorRequestId"),
            ("codedeploy", "cluster"),  # ECS's bare identifiers are ECS's only
        ]:
            with self.subTest(name=name):
                self.assertFalse(identifiers.is_identifier(service, name))


class LogTest(IdentifierTest):
    def test_each_call_logs_the_status_it_was_answered_with(self):
        ecs = self.client("ecs")
        ecs.list_clusters()
        self.error(ecs.describe_services, cluster="none", services=["web"])
        self.emulator.ok("POST", "/_emulator/faults", {"service": "ecs", "action": "ListClusters"})
        self.error(ecs.list_clusters)
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 1.0})
        self.error(ecs.list_clusters)
        self.assertEqual(
            [(r["action"], r["status"], r["injected"], r["refused"]) for r in self.requests()],
            [
                ("ListClusters", 200, None, None),
                ("DescribeServices", 400, None, None),  # moto's ClusterNotFoundException
                ("ListClusters", 500, "fault", None),
                ("ListClusters", 400, "throttle", None),
            ],
        )
        # Injected server errors are not violations.
        self.assertEqual(self.violations(), [])

    def test_a_server_error_moto_answers_is_a_violation(self):
        # moto 5.2.5 fails on a maxResults that is not a number (int() in its parser) with an
        # HTML 500 page; AWS answers a 400 SerializationException, and so does the emulator's
        # model validation (rule 13), which is turned off here so that moto sees the call.
        ecs = self.client("ecs", validate=False)
        self.emulator.ok("POST", "/_emulator/contract", {"model_validation": False})
        try:
            error = self.error(ecs.list_clusters, maxResults="many")
        finally:
            self.emulator.ok("POST", "/_emulator/contract", {"model_validation": True})
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 500)
        last = self.requests()[-1]
        self.assertEqual((last["status"], last["injected"], last["code"]), (500, None, None))
        self.assertEqual(
            self.violations(),
            [{
                "service": "ecs",
                "action": "ListClusters",
                "status": 500,
                "code": None,
                "reason": "server-error",
                "member": None,
            }],
        )

    def test_requests_reset_keeps_the_violations_and_violations_reset_clears_them(self):
        self.error(self.client("elbv2").describe_rules, ListenerArn="")
        self.emulator.ok("POST", "/_emulator/requests/reset")
        self.assertEqual(self.requests(), [])
        self.assertEqual([v["member"] for v in self.violations()], ["ListenerArn"])
        self.emulator.ok("POST", "/_emulator/violations/reset")
        self.assertEqual(self.violations(), [])
        status, _ = self.emulator.control("GET", "/_emulator/violations/nothing")
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main()
