"""Unit tests of the emulator launcher: fault injection keyed by service and action, answered in
each protocol's own error shape; seeded throttling; Cloud Map's duplicate-name rule and
CreatorRequestId idempotency. They run the launcher as a subprocess on 127.0.0.1 and talk to it
through boto3 with dummy credentials and no retries, so every injected answer is seen as is:

    "$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid
from unittest import mock

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ThrottledRetryableChecker

HERE = os.path.dirname(os.path.abspath(__file__))

SCALING = {"ServiceNamespace": "ecs"}
DISCOVERY = {"NamespaceName": "ns", "ServiceName": "api"}


def call_of(client, method):
    """(service, action) the launcher logs for a boto3 client method: the SigV4 signing name
    and the operation name."""
    return client.meta.service_model.signing_name, client.meta.method_to_api_mapping[method]




class Launcher:
    """The launcher as the Rust harness runs it: a child that prints its endpoint and serves
    until its standard input closes."""

    def __init__(self, args=()):
        self.log = tempfile.TemporaryFile()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT")}
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "launcher.py"), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=10)
            raise RuntimeError(f"the launcher did not start:\n{self.stderr()}")
        self.endpoint = json.loads(line)["endpoint"]

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self):
        """Closes the launcher's standard input; it must exit on its own."""
        self.process.stdin.close()
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            self.process.stdout.close()
            self.log.close()

    def control(self, method, path, body=None):
        """(status, decoded JSON) of a control call."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def ok(self, method, path, body=None):
        status, answer = self.control(method, path, body)
        if status != 200:
            raise AssertionError(f"{method} {path} {body}: {status} {answer}")
        return answer

    def client(self, name):
        return boto3.client(
            name,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}, inject_host_prefix=False),
        )


class ModuleLauncher:
    """One launcher shared by a test module's tests, in an environment of dummy credentials and
    no shared AWS configuration: start() in setUpModule, stop() in tearDownModule, which fails
    the module when the launcher did not exit cleanly."""

    def __init__(self):
        self.environment = mock.patch.dict(
            os.environ,
            {
                "AWS_ACCESS_KEY_ID": "test",
                "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_REGION": "us-east-1",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            },
        )
        self.launcher = None

    def start(self):
        self.environment.start()
        self.launcher = Launcher()
        return self.launcher

    def stop(self):
        try:
            code = self.launcher.stop()
            if code != 0:
                raise AssertionError(f"the launcher exited with {code}")
        finally:
            self.environment.stop()


_module = ModuleLauncher()
_launcher = None


def setUpModule():
    global _launcher
    _launcher = _module.start()


def tearDownModule():
    _module.stop()


class EmulatorTest(unittest.TestCase):
    def setUp(self):
        self.emulator = _launcher
        self.emulator.ok("POST", "/_emulator/faults/reset")
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 0})
        self.emulator.ok("POST", "/_emulator/requests/reset")

    def client(self, name):
        return self.emulator.client(name)

    def error(self, call, *args, **kwargs):
        """The ClientError a call raises (failing the test if it succeeds)."""
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        return caught.exception.response

    def fault(self, **spec):
        self.emulator.ok("POST", "/_emulator/faults", spec)

    def requests(self):
        return self.emulator.ok("GET", "/_emulator/requests")

    def namespace(self):
        sd = self.client("servicediscovery")
        operation = sd.create_http_namespace(Name=f"ns-{uuid.uuid4().hex[:8]}")["OperationId"]
        return sd.get_operation(OperationId=operation)["Operation"]["Targets"]["NAMESPACE"]


class FaultTest(EmulatorTest):
    def test_a_keyed_fault_fails_only_its_service_action(self):
        namespace = self.namespace()
        sd, ecs = self.client("servicediscovery"), self.client("ecs")
        self.fault(service="ecs", action="CreateService", times=1, code="AccessDeniedException")

        # Cloud Map's CreateService is another call: it goes through.
        sd.create_service(Name="api", NamespaceId=namespace)

        error = self.error(ecs.create_service, cluster="none", serviceName="api")
        self.assertEqual(error["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
        # Used up: the next call reaches moto (which knows no such cluster).
        error = self.error(ecs.create_service, cluster="none", serviceName="api")
        self.assertNotEqual(error["Error"]["Code"], "AccessDeniedException")

        log = [(r["service"], r["action"], r["injected"]) for r in self.requests()]
        self.assertIn(("servicediscovery", "CreateService", None), log)
        self.assertEqual(log.count(("ecs", "CreateService", "fault")), 1)
        self.assertEqual(self.emulator.ok("GET", "/_emulator/faults"), [])

    def test_an_unkeyed_fault_is_the_backward_compatible_500(self):
        self.fault(action="ListClusters", times=2)
        ecs = self.client("ecs")
        for _ in range(2):
            error = self.error(ecs.list_clusters)
            self.assertEqual(error["Error"]["Code"], "InternalFailure")
            self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 500)
        ecs.list_clusters()

    def test_the_injected_code_is_what_the_sdk_parses_in_every_protocol(self):
        scaling = ("application-autoscaling", "describe_scalable_targets", SCALING)
        cases = [
            # (client, method, kwargs, code, status)
            ("ecs", "list_clusters", {}, "AccessDeniedException", 400),
            ("logs", "describe_log_groups", {}, "AccessDeniedException", 400),
            ("codedeploy", "list_applications", {}, "ThrottlingException", 400),
            (*scaling, "ValidationException", 400),
            ("servicediscovery", "list_namespaces", {}, "InvalidInput", 400),
            ("elbv2", "describe_load_balancers", {}, "AccessDenied", 403),
            ("iam", "list_roles", {}, "AccessDenied", 403),
            ("sts", "get_caller_identity", {}, "ExpiredToken", 400),
            ("ec2", "describe_vpcs", {}, "UnauthorizedOperation", 403),
        ]
        for name, method, kwargs, code, status in cases:
            client = self.client(name)
            service, action = call_of(client, method)
            with self.subTest(service=service):
                message = f"no {action} for you"
                self.fault(service=service, action=action, code=code, message=message)
                error = self.error(getattr(client, method), **kwargs)
                self.assertEqual(error["Error"]["Code"], code)
                self.assertEqual(error["Error"]["Message"], message)
                self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)
                self.assertTrue(error["ResponseMetadata"].get("RequestId"))

    def test_the_default_fault_is_a_server_error_in_the_protocols_shape(self):
        for name, method, code, kind in [
            ("ecs", "list_clusters", "InternalFailure", None),
            ("iam", "list_roles", "InternalFailure", "Receiver"),
            ("ec2", "describe_vpcs", "InternalError", None),
        ]:
            client = self.client(name)
            service, action = call_of(client, method)
            with self.subTest(service=service):
                self.fault(service=service, action=action)
                error = self.error(getattr(client, method))
                self.assertEqual(error["Error"]["Code"], code)
                self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 500)
                if kind:
                    self.assertEqual(error["Error"]["Type"], kind)

    def test_a_status_can_be_chosen(self):
        self.fault(
            service="ecs", action="ListClusters", code="ServiceUnavailableException", status=503
        )
        error = self.error(self.client("ecs").list_clusters)
        self.assertEqual(error["Error"]["Code"], "ServiceUnavailableException")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 503)

    def test_after_lets_calls_through_first(self):
        logs = self.client("logs")
        denied = "AccessDeniedException"
        self.fault(service="logs", action="DescribeLogGroups", after=2, times=1, code=denied)
        logs.describe_log_groups()
        logs.describe_log_groups()
        self.assertEqual(self.error(logs.describe_log_groups)["Error"]["Code"], denied)
        logs.describe_log_groups()
        injected = [r["injected"] for r in self.requests()]
        self.assertEqual(injected, [None, None, "fault", None])

    def test_an_applied_fault_takes_effect_and_loses_the_answer(self):
        iam = self.client("iam")
        name = f"role-{uuid.uuid4().hex[:8]}"
        self.fault(service="iam", action="CreateRole", applied=True)
        trust = json.dumps({"Version": "2012-10-17", "Statement": []})
        error = self.error(iam.create_role, RoleName=name, AssumeRolePolicyDocument=trust)
        self.assertEqual(error["Error"]["Code"], "InternalFailure")
        self.assertEqual(iam.get_role(RoleName=name)["Role"]["RoleName"], name)

    def test_a_rule_posted_again_replaces_it_and_times_zero_removes_it(self):
        ecs = self.client("ecs")
        self.fault(service="ecs", action="ListClusters", times=5)
        self.fault(service="ecs", action="ListClusters", times=1, code="AccessDeniedException")
        self.assertEqual(len(self.emulator.ok("GET", "/_emulator/faults")), 1)
        self.fault(service="ecs", action="ListClusters", times=0)
        self.assertEqual(self.emulator.ok("GET", "/_emulator/faults"), [])
        ecs.list_clusters()

    def test_bad_control_requests_are_refused(self):
        for body in [
            {"times": 1},
            {"action": "ListClusters", "time": 1},
            {"action": "ListClusters", "times": -1},
            {"action": "ListClusters", "status": 200},
            {"action": "ListClusters", "times": "1"},
        ]:
            with self.subTest(body=body):
                status, answer = self.emulator.control("POST", "/_emulator/faults", body)
                self.assertEqual(status, 400, answer)
                self.assertIn("error", answer)
        for body in [{"rate": 2}, {"rate": 0.5, "services": "ecs"}, {"rate": 0.5, "speed": 1}]:
            with self.subTest(body=body):
                status, _ = self.emulator.control("POST", "/_emulator/throttle", body)
                self.assertEqual(status, 400)
        status, _ = self.emulator.control("GET", "/_emulator/nothing")
        self.assertEqual(status, 404)

    def test_the_deployment_endpoint_still_answers(self):
        self.emulator.ok("POST", "/_emulator/deployments", {"fail": 0})


# One cheap call per service the provider uses, and the throttling error AWS answers it with.
THROTTLED_CALLS = [
    # (client, method, kwargs, code, status)
    ("ecs", "list_clusters", {}, "ThrottlingException", 400),
    ("servicediscovery", "list_namespaces", {}, "ThrottlingException", 400),
    ("servicediscovery", "discover_instances", DISCOVERY, "RequestLimitExceeded", 400),
    ("codedeploy", "list_applications", {}, "ThrottlingException", 400),
    ("logs", "describe_log_groups", {}, "ThrottlingException", 400),
    ("application-autoscaling", "describe_scalable_targets", SCALING, "ThrottlingException", 400),
    ("elbv2", "describe_load_balancers", {}, "Throttling", 400),
    ("iam", "list_roles", {}, "Throttling", 400),
    ("sts", "get_caller_identity", {}, "Throttling", 400),
    ("ec2", "describe_vpcs", {}, "RequestLimitExceeded", 503),
]


class ThrottleTest(EmulatorTest):
    def test_rate_one_throttles_every_call_with_the_protocols_code(self):
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 1.0, "seed": 7})
        throttling_codes = ThrottledRetryableChecker._THROTTLED_ERROR_CODES
        for name, method, kwargs, code, status in THROTTLED_CALLS:
            with self.subTest(client=name, method=method):
                error = self.error(getattr(self.client(name), method), **kwargs)
                self.assertEqual(error["Error"]["Code"], code)
                self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)
                # botocore's standard retry mode treats it as throttling, as the Rust SDK does.
                self.assertIn(code, throttling_codes)
        log = self.requests()
        self.assertEqual(len(log), len(THROTTLED_CALLS))
        self.assertTrue(all(r["injected"] == "throttle" for r in log), log)
        self.assertEqual(
            [r["code"] for r in log], [c[3] for c in THROTTLED_CALLS]
        )
        self.assertEqual(
            self.emulator.ok("GET", "/_emulator/throttle")["throttled"], len(THROTTLED_CALLS)
        )

    def test_rate_zero_throttles_nothing(self):
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 1.0})
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 0})
        for name, method, kwargs, *_ in THROTTLED_CALLS:
            if method == "discover_instances":
                continue  # moto knows no such namespace
            getattr(self.client(name), method)(**kwargs)
        self.assertTrue(all(r["injected"] is None for r in self.requests()))
        self.assertEqual(self.emulator.ok("GET", "/_emulator/throttle")["throttled"], 0)

    def test_the_same_seed_throttles_the_same_calls(self):
        ecs = self.client("ecs")

        def pattern(seed):
            self.emulator.ok("POST", "/_emulator/throttle", {"rate": 0.5, "seed": seed})
            outcome = []
            for _ in range(24):
                try:
                    ecs.list_clusters()
                    outcome.append(False)
                except ClientError as e:
                    self.assertEqual(e.response["Error"]["Code"], "ThrottlingException")
                    outcome.append(True)
            return outcome

        first = pattern(7)
        self.assertEqual(pattern(7), first)
        self.assertIn(True, first)
        self.assertIn(False, first)
        self.assertNotEqual(pattern(8), first)

    def test_services_limits_the_throttling(self):
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 1.0, "services": ["iam"]})
        self.client("ecs").list_clusters()
        self.assertEqual(self.error(self.client("iam").list_roles)["Error"]["Code"], "Throttling")
        self.assertEqual(
            [(r["service"], r["injected"]) for r in self.requests()],
            [("ecs", None), ("iam", "throttle")],
        )

    def test_a_throttled_call_leaves_the_fault_for_the_retry(self):
        ecs = self.client("ecs")
        self.fault(service="ecs", action="ListClusters", code="AccessDeniedException")
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 1.0})
        self.assertEqual(self.error(ecs.list_clusters)["Error"]["Code"], "ThrottlingException")
        self.emulator.ok("POST", "/_emulator/throttle", {"rate": 0})
        self.assertEqual(self.error(ecs.list_clusters)["Error"]["Code"], "AccessDeniedException")


class EcsServiceTest(EmulatorTest):
    def test_a_second_active_service_of_the_same_name_is_not_idempotent(self):
        ecs = self.client("ecs")
        cluster = f"c-{uuid.uuid4().hex[:8]}"
        ecs.create_cluster(clusterName=cluster)
        family = ecs.register_task_definition(
            family="web",
            containerDefinitions=[{"name": "web", "image": "nginx", "memory": 512}],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=family)
        error = self.error(
            ecs.create_service, cluster=cluster, serviceName="web", taskDefinition=family
        )
        self.assertEqual(error["Error"]["Code"], "InvalidParameterException")
        self.assertIn("not idempotent", error["Error"]["Message"])
        # Once deleted, the name is free again.
        ecs.delete_service(cluster=cluster, service="web", force=True)
        ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=family)


class IamPolicyDocumentTest(EmulatorTest):
    def test_a_policy_document_comes_back_encoded_as_rfc_3986_with_slashes_encoded(self):
        iam = self.client("iam")
        raw = []
        # The body as AWS sends it, before botocore decodes the document.
        iam.meta.events.register(
            "before-parse.iam.GetRolePolicy",
            lambda response_dict, **_: raw.append(response_dict["body"].decode()),
        )
        name = f"r-{uuid.uuid4().hex[:8]}"
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole"}]})
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:checkout/db-password-AbCdEf"
        document = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret}]}
        iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=json.dumps(document))

        answer = iam.get_role_policy(RoleName=name, PolicyName="read")
        self.assertEqual(answer["PolicyDocument"], document)
        self.assertIn("secret%3Acheckout%2Fdb-password-AbCdEf", raw[0])
        self.assertNotIn("checkout/db-password", raw[0])
        iam.delete_role_policy(RoleName=name, PolicyName="read")
        iam.delete_role(RoleName=name)


class ScalingPolicyTest(EmulatorTest):
    def test_a_policy_put_again_keeps_one_set_of_target_tracking_alarms(self):
        scaling = self.client("application-autoscaling")
        cloudwatch = self.client("cloudwatch")
        ecs = self.client("ecs")
        cluster = f"c-{uuid.uuid4().hex[:8]}"
        ecs.create_cluster(clusterName=cluster)
        family = ecs.register_task_definition(
            family="web",
            containerDefinitions=[{"name": "web", "image": "nginx", "memory": 512}],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=family)
        resource = f"service/{cluster}/web"
        target = {**SCALING, "ResourceId": resource, "ScalableDimension": "ecs:service:DesiredCount"}
        scaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=4)

        def put(value):
            scaling.put_scaling_policy(
                **target,
                PolicyName="cpu",
                PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration={
                    "TargetValue": value,
                    "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
                    },
                },
            )
            prefix = f"TargetTracking-{resource}-"
            return [
                a["AlarmName"]
                for a in cloudwatch.describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]
            ]

        first = put(60.0)
        self.assertEqual(len(first), 2)
        second = put(70.0)
        self.assertEqual(len(second), 2, second)
        self.assertFalse(set(first) & set(second), "the old alarms are gone")


class DelayTest(EmulatorTest):
    def tearDown(self):
        self.emulator.ok("POST", "/_emulator/delay", {"ms": 0})

    def test_a_delay_holds_every_aws_call_and_zero_removes_it(self):
        ecs = self.client("ecs")
        ecs.list_clusters()  # the first call loads moto's backend
        self.emulator.ok("POST", "/_emulator/delay", {"ms": 300})
        start = time.monotonic()
        ecs.list_clusters()
        self.assertGreaterEqual(time.monotonic() - start, 0.3)
        self.emulator.ok("POST", "/_emulator/delay", {"ms": 0})
        start = time.monotonic()
        ecs.list_clusters()
        self.assertLess(time.monotonic() - start, 0.3)

    def test_a_delay_out_of_range_is_refused(self):
        status, _ = self.emulator.control("POST", "/_emulator/delay", {"ms": -1})
        self.assertEqual(status, 400)


class CloudMapTest(EmulatorTest):
    def services_in(self, namespace):
        """(Name, Id) of the namespace's services (moto's ListServices ignores Filters)."""
        sd = self.client("servicediscovery")
        found = []
        for summary in sd.list_services()["Services"]:
            service = sd.get_service(Id=summary["Id"])["Service"]
            if service.get("NamespaceId") == namespace:
                found.append((service["Name"], service["Id"]))
        return found

    def test_a_duplicate_name_is_refused_with_service_already_exists(self):
        sd = self.client("servicediscovery")
        namespace = self.namespace()
        first = sd.create_service(Name="api", NamespaceId=namespace)["Service"]

        error = self.error(sd.create_service, Name="api", NamespaceId=namespace)
        self.assertEqual(error["Error"]["Code"], "ServiceAlreadyExists")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(error["ServiceId"], first["Id"])
        self.assertEqual(error["CreatorRequestId"], first["CreatorRequestId"])
        self.assertEqual(self.services_in(namespace), [("api", first["Id"])])

        # The same name in another namespace is another service.
        other = self.namespace()
        self.assertNotEqual(
            sd.create_service(Name="api", NamespaceId=other)["Service"]["Id"], first["Id"]
        )

        # Once deleted, the name is free again.
        sd.delete_service(Id=first["Id"])
        again = sd.create_service(Name="api", NamespaceId=namespace)["Service"]
        self.assertNotEqual(again["Id"], first["Id"])

    def test_the_same_creator_request_id_returns_the_same_service(self):
        sd = self.client("servicediscovery")
        namespace = self.namespace()
        token = str(uuid.uuid4())
        dns = {"NamespaceId": namespace, "DnsRecords": [{"Type": "A", "TTL": 10}]}
        first = sd.create_service(
            Name="web", NamespaceId=namespace, CreatorRequestId=token, DnsConfig=dns
        )["Service"]
        retry = sd.create_service(
            Name="web", NamespaceId=namespace, CreatorRequestId=token, DnsConfig=dns
        )["Service"]
        self.assertEqual(retry["Id"], first["Id"])
        self.assertEqual(retry["Arn"], first["Arn"])
        self.assertEqual(self.services_in(namespace), [("web", first["Id"])])

    def test_a_retry_after_a_lost_answer_gets_the_created_service(self):
        sd = self.client("servicediscovery")
        namespace = self.namespace()
        token = str(uuid.uuid4())
        self.fault(service="servicediscovery", action="CreateService", applied=True)
        request = {"Name": "db", "NamespaceId": namespace, "CreatorRequestId": token}
        error = self.error(sd.create_service, **request)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 500)
        # The SDK's retry sends the same token.
        service = sd.create_service(**request)["Service"]
        self.assertEqual(self.services_in(namespace), [("db", service["Id"])])

    def test_the_deprecated_dns_config_namespace_counts_too(self):
        sd = self.client("servicediscovery")
        namespace = self.namespace()
        dns = {"NamespaceId": namespace, "DnsRecords": [{"Type": "A", "TTL": 10}]}
        sd.create_service(Name="old", DnsConfig=dns)
        error = self.error(sd.create_service, Name="old", NamespaceId=namespace)
        self.assertEqual(error["Error"]["Code"], "ServiceAlreadyExists")


if __name__ == "__main__":
    unittest.main()
