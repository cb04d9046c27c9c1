"""Unit tests of CloudWatch in the emulator: Smithy RPC v2 CBOR (rpcv2cbor.py), the awsQuery and
awsJson forms moto serves, alarm states (alarms.py) and POST /_emulator/alarms, through boto3
against the launched launcher:

    "$MOTO_PYTHON" -m unittest discover -s tests/emulator -p 'test_*.py'

botocore prefers CloudWatch's awsJson1_0 form; `client(protocol)` loads a copy of botocore's
CloudWatch model that offers only the protocol asked for, so the same calls go out in CBOR
(as the SDK for Rust sends them) or in awsQuery.
"""

import json
import os
import shutil
import tempfile
import unittest
import urllib.request
import uuid

import boto3
import botocore.session
import cbor2
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.loaders import create_loader

from test_emulator import ModuleLauncher

_module = ModuleLauncher()
_launcher = None
_models = None

PROTOCOLS = ("smithy-rpc-v2-cbor", "query", "json")


def models_by_protocol(protocols):
    """A folder holding, under <protocol>/, a copy of CloudWatch's botocore model that offers only
    that protocol, so one boto3 call can go out in CBOR (the SDK for Rust's protocol), awsQuery
    or awsJson; the caller removes the folder."""
    folder = tempfile.mkdtemp()
    model = create_loader().load_service_model("cloudwatch", "service-2")
    for protocol in protocols:
        copy = json.loads(json.dumps(model))
        copy["metadata"]["protocol"] = protocol
        copy["metadata"]["protocols"] = [protocol]
        path = os.path.join(folder, protocol, "cloudwatch", "2010-08-01")
        os.makedirs(path)
        with open(os.path.join(path, "service-2.json"), "w") as f:
            json.dump(copy, f)
    return folder


def setUpModule():
    global _launcher, _models
    _launcher = _module.start()
    _models = models_by_protocol(PROTOCOLS)


def tearDownModule():
    try:
        _module.stop()
    finally:
        shutil.rmtree(_models, ignore_errors=True)


def client(protocol):
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, os.path.join(_models, protocol))
    return boto3.Session(botocore_session=session).client(
        "cloudwatch",
        endpoint_url=_launcher.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


def put_alarm(cw, name, **extra):
    cw.put_metric_alarm(
        AlarmName=name,
        MetricName="HTTPCode_Target_5XX_Count",
        Namespace="AWS/ApplicationELB",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=2,
        Threshold=5.0,
        ComparisonOperator="GreaterThanThreshold",
        **extra,
    )


class CloudWatchTest(unittest.TestCase):
    def setUp(self):
        _launcher.ok("POST", "/_emulator/faults/reset")
        _launcher.ok("POST", "/_emulator/throttle", {"rate": 0})
        self.name = f"a{uuid.uuid4().hex[:8]}"

    def error(self, call, *args, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        return caught.exception.response

    def test_alarms_in_each_protocol(self):
        for protocol in PROTOCOLS:
            with self.subTest(protocol=protocol):
                cw = client(protocol)
                name = f"{self.name}-{protocol}"
                put_alarm(cw, name, Tags=[{"Key": "team", "Value": "web"}])
                answer = cw.describe_alarms(AlarmNames=[name])
                [alarm] = answer["MetricAlarms"]
                self.assertEqual(alarm["StateValue"], "INSUFFICIENT_DATA")
                self.assertEqual(alarm["StateReason"], "Unchecked: Initial alarm creation")
                self.assertEqual(alarm["Threshold"], 5.0)
                self.assertEqual(alarm["Period"], 60)
                self.assertIsNotNone(alarm["StateUpdatedTimestamp"].tzinfo)
                cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")
                by_prefix = cw.describe_alarms(AlarmNamePrefix=name)["MetricAlarms"]
                self.assertEqual([a["StateValue"] for a in by_prefix], ["ALARM"])
                arn = alarm["AlarmArn"]
                cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "tier", "Value": "1"}])
                cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
                self.assertEqual(
                    cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                    [{"Key": "tier", "Value": "1"}],
                )
                cw.delete_alarms(AlarmNames=[name])
                self.assertEqual(cw.describe_alarms(AlarmNames=[name])["MetricAlarms"], [])

    def test_cbor_answers_are_cbor(self):
        cw = client("smithy-rpc-v2-cbor")
        put_alarm(cw, self.name)
        answer = cw.describe_alarms(AlarmNames=[self.name])
        headers = answer["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["content-type"], "application/cbor")
        self.assertEqual(headers["smithy-protocol"], "rpc-v2-cbor")
        # The request the SDK for Rust sends, by hand: timestamps come back as tag 1 floats and
        # doubles as CBOR floats.
        body = cbor2.dumps({"AlarmNames": [self.name]})
        request = urllib.request.Request(
            _launcher.endpoint + "/service/GraniteServiceVersion20100801/operation/DescribeAlarms",
            data=body,
            method="POST",
            headers={
                "Smithy-Protocol": "rpc-v2-cbor",
                "Content-Type": "application/cbor",
                "Accept": "application/cbor",
                "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            self.assertEqual(response.headers["Smithy-Protocol"], "rpc-v2-cbor")
        [alarm] = cbor2.loads(raw)["MetricAlarms"]
        self.assertIsInstance(alarm["Threshold"], float)
        self.assertIsInstance(alarm["EvaluationPeriods"], int)
        # cbor2 decodes tag 1 into a datetime; on the wire it is 0xc1 and a double (0xfb).
        self.assertIsNotNone(alarm["StateUpdatedTimestamp"].tzinfo)
        self.assertIn(b"\xc1\xfb", raw)
        self.assertNotIn(b"\xc1\x1a", raw)

    def test_an_update_keeps_the_state(self):
        cw = client("smithy-rpc-v2-cbor")
        put_alarm(cw, self.name)
        cw.set_alarm_state(AlarmName=self.name, StateValue="OK", StateReason="fine")
        put_alarm(cw, self.name, AlarmDescription="changed")
        [alarm] = cw.describe_alarms(AlarmNames=[self.name])["MetricAlarms"]
        self.assertEqual(alarm["StateValue"], "OK")
        self.assertEqual(alarm["AlarmDescription"], "changed")

    def test_cbor_errors_carry_the_query_code(self):
        cw = client("smithy-rpc-v2-cbor")
        response = self.error(
            cw.set_alarm_state, AlarmName=self.name, StateValue="ALARM", StateReason="x"
        )
        self.assertEqual(response["Error"]["Code"], "ResourceNotFound")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 404)
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["x-amzn-query-error"], "ResourceNotFound;Sender")
        self.assertEqual(headers["smithy-protocol"], "rpc-v2-cbor")

    def test_cbor_calls_are_logged_faulted_and_throttled(self):
        cw = client("smithy-rpc-v2-cbor")
        _launcher.ok("POST", "/_emulator/requests/reset")
        _launcher.ok(
            "POST",
            "/_emulator/faults",
            {"service": "monitoring", "action": "DescribeAlarms", "code": "AccessDenied"},
        )
        response = self.error(cw.describe_alarms)
        self.assertEqual(response["Error"]["Code"], "AccessDenied")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)
        cw.describe_alarms()
        _launcher.ok("POST", "/_emulator/throttle", {"rate": 1, "services": ["monitoring"]})
        response = self.error(cw.describe_alarms)
        self.assertEqual(response["Error"]["Code"], "Throttling")
        _launcher.ok("POST", "/_emulator/throttle", {"rate": 0})
        log = _launcher.ok("GET", "/_emulator/requests")
        self.assertEqual(
            [(e["service"], e["action"], e["injected"], e["code"]) for e in log],
            [
                ("monitoring", "DescribeAlarms", "fault", "AccessDenied"),
                ("monitoring", "DescribeAlarms", None, None),
                ("monitoring", "DescribeAlarms", "throttle", "Throttling"),
            ],
        )

    def test_the_control_endpoint_sets_a_state(self):
        cw = client("json")
        put_alarm(cw, self.name)
        answer = _launcher.ok("POST", "/_emulator/alarms", {"name": self.name, "state": "ALARM"})
        self.assertEqual(answer, {"name": self.name, "region": "us-east-1", "state": "ALARM"})
        [alarm] = cw.describe_alarms(AlarmNames=[self.name])["MetricAlarms"]
        self.assertEqual(alarm["StateValue"], "ALARM")
        for body in [{"name": self.name, "state": "RED"}, {"name": "nobody", "state": "OK"}, {"state": "OK"}]:
            with self.subTest(body=body):
                status, _answer = _launcher.control("POST", "/_emulator/alarms", body)
                self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
