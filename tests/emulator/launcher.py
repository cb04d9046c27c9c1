"""The project's AWS emulator for tests and the demo: moto (pinned 5.2.5) in server mode on
127.0.0.1, with the gaps this provider's call flow hits filled in by `gaps.py` (CodeDeploy
operations moto lacks, ECS CreateService fields moto drops, Application Auto Scaling tags, Cloud
Map's refusal of duplicate service names and its CreatorRequestId idempotency) and AWS's
documented contract enforced by `contract.py` (CODE_DEPLOY UpdateService limits, target groups
that must be behind a listener, CodeDeploy blue/green deployments that progress over scaled time
with task sets and weighted listener rules and stop on CloudWatch alarms, IAM propagation delay
for CodeDeploy's role, Cloud Map SRV registries) and `native.py` (ECS-controller deployments:
ROLLING, BLUE_GREEN, LINEAR and CANARY over scaled time with service deployments and revisions,
circuit breaker and alarm rollbacks, weighted production and test listener rules, the CODE_DEPLOY
to ECS migration; ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
StopServiceDeployment), CloudWatch over Smithy RPC v2 CBOR (`rpcv2cbor.py`) with alarm states
that stay as set (`alarms.py`), AWS's 400 for an identifier sent empty (`identifiers.py`,
where moto may fail with a 500) and for any request botocore's model refuses (`validation.py`:
required members, types, enums, ranges, lengths, patterns); README.md lists every rule and its
source. Plus test-only control endpoints (JSON in, JSON out; a bad request answers 400 with
{"error": ...}):

  GET  /_emulator/requests        every AWS call served so far, in order, as
                                  [{"service", "action", "injected", "code", "at", "status",
                                  "refused"}]: service is the SigV4 credential scope's (ecs,
                                  servicediscovery, elasticloadbalancing, iam, ...), injected
                                  is null, "fault" or "throttle", code the error code the
                                  emulator answered itself (injected or refused; null when
                                  moto answered), at the arrival in seconds since the emulator
                                  started (which calls ran side by side), status the HTTP
                                  status the call was answered with (moto's, or the injected
                                  or refused one; null while it is being served), refused
                                  {"rule": "empty-identifier", "member": "ListenerArn"} when
                                  the emulator refused the call as AWS does (README.md rule 12:
                                  an identifier sent empty) or {"rule": "model", "member":
                                  "containerDefinitions[0].memory", "constraint": "max",
                                  "detail": "Value '...' at '...' failed to satisfy
                                  constraint: ..."} (rule 13: a request botocore's model
                                  refuses; constraint is required, type, enum, min, max or
                                  pattern), else null
  POST /_emulator/requests/reset  forget them (not the violations)
  GET  /_emulator/violations      every call since the emulator started (or the last reset
                                  below) that AWS would never have answered so, or that a
                                  correct client never sends, as [{"service", "action",
                                  "status", "code", "reason", "member"}]: reason "server-error"
                                  for a 5xx that was not injected (moto failed: a 500 is never
                                  the contract; code the answer's error code, usually null for
                                  moto's HTML error page), "empty-identifier" for a call that
                                  carried an identifier as an empty string (member names it;
                                  refused with code and status 400, or answered with the
                                  injected error when a fault or throttle took the call),
                                  "model-validation" for a call botocore's model refuses (the
                                  same way; these entries also carry "constraint" and
                                  "detail"). The acceptance tests assert that it stays empty.
  POST /_emulator/violations/reset  forget them
  POST /_emulator/faults          fault injection, one rule per (service, action):
                                    {"action": "CreateTargetGroup", "times": 1}
                                  makes the next matching call of any service fail with HTTP 500
                                  InternalFailure (ec2: InternalError). Optional members:
                                    "service"  only that service's action (ECS CreateService and
                                               Cloud Map CreateService are different calls)
                                    "after"    let the first K matching calls through, then fail
                                    "code", "message", "status"  the error answered; status
                                               defaults to 500 for server errors, 503 for
                                               ServiceUnavailable (and EC2's RequestLimitExceeded),
                                               403 for AccessDenied/UnauthorizedOperation, else 400
                                    "applied"  true: the call takes effect in moto and only its
                                               answer is replaced by the error (a response lost
                                               after the work was done)
                                  The answer has the protocol's own error shape (awsJson
                                  __type + X-Amzn-ErrorType, awsQuery ErrorResponse, EC2
                                  Response/Errors), so SDKs parse the injected code. The SDKs
                                  retry 5xx and throttling codes, so a "times": 1 default fault
                                  is absorbed by a client that retries; for a failure the
                                  client does not retry, inject a 4xx code that is not a
                                  throttling one, e.g. {"code": "AccessDeniedException"} (awsJson)
                                  or {"code": "AccessDenied"} (awsQuery). A rule posted again
                                  for the same (service, action) replaces it; "times": 0 removes
                                  it.
  GET  /_emulator/faults          the pending fault rules
  POST /_emulator/faults/reset    remove every fault rule
  POST /_emulator/throttle        {"rate": 0.2, "seed": 7, "services": ["ecs", "iam"]} answers
                                  that fraction of AWS calls (of those services; all when
                                  "services" is absent) with the service's throttling error
                                  (errors.throttling: ThrottlingException for awsJson services,
                                  Throttling for awsQuery, RequestLimitExceeded/503 for EC2),
                                  decided by a random.Random(seed), so the same calls in the same
                                  order are throttled the same way. {"rate": 0} turns it off.
  GET  /_emulator/throttle        {"rate", "seed", "services", "throttled"}: the settings and
                                  how many calls were throttled since they were set
  POST /_emulator/delay           {"ms": 200} delays every AWS call by that long (0 turns it
                                  off): latency like AWS's, so a test can interrupt tofu halfway
                                  through an apply, and a bench can count sequential rounds
  POST /_emulator/deployments     {"fail": 1} makes the next deployment fail, CodeDeploy's or an
                                  ECS-controller service's (whichever starts first; not the
                                  one CreateService makes). CodeDeploy: after its Install step
                                  (errorInformation HEALTH_CONSTRAINTS), rolled back: rules as
                                  they were, the replacement task set removed. ECS: the new
                                  tasks never start, one more failed task per step; with the
                                  deployment circuit breaker it fails at the threshold ("ECS
                                  deployment circuit breaker: tasks failed to start.") and,
                                  with rollback, ends ROLLBACK_SUCCESSFUL on the old revision;
                                  without the breaker it stays IN_PROGRESS (as ECS keeps trying).
                                  With {"failed_tasks": K} only the first K launches of a failing
                                  ECS deployment fail, then its tasks start (unless the breaker
                                  tripped first)
  POST /_emulator/alarms          {"name": "web-5xx", "state": "ALARM"} sets a CloudWatch alarm's
                                  state as SetAlarmState does (optional "reason", "region";
                                  without "region" every region that has alarms is searched);
                                  OK, ALARM or INSUFFICIENT_DATA, kept until changed (nothing
                                  evaluates metrics). Deployment steps due before the change
                                  are performed first. 400 for an unknown alarm or state.
  POST /_emulator/contract        {"minute_seconds": 0.05, "step_seconds": 0.05,
                                   "iam_delay_seconds": 2, "model_validation": true} (any
                                  subset) sets the contract's time scale: one AWS minute of a
                                  deployment (canary and linear intervals, the termination
                                  wait) lasts minute_seconds real seconds, each lifecycle step
                                  step_seconds, and CodeDeploy cannot assume a role younger
                                  than iam_delay_seconds; model_validation false stops checking
                                  requests against botocore's model (rule 13), true resumes.
                                  Answers the settings. Defaults come from --minute-seconds,
                                  --step-seconds, --iam-delay-seconds, --no-model-validation,
                                  else the environment's FARGATE_EMULATOR_MINUTE_SECONDS,
                                  FARGATE_EMULATOR_STEP_SECONDS, FARGATE_EMULATOR_IAM_DELAY_SECONDS,
                                  FARGATE_EMULATOR_MODEL_VALIDATION (0 turns it off), else 0.05,
                                  0.05, 2 and on.
  GET  /_emulator/contract        the settings
  GET  /_emulator/model-validation  {"enabled", "botocore", "skipped_patterns": [{"pattern",
                                  "shape", "reason"}]}: whether rule 13 is on, the version of
                                  botocore whose models it checks against, and the model
                                  patterns met so far that could not be translated to Python
                                  (skipped, not checked)

Deployments advance lazily: before serving each AWS call the launcher performs every deployment
step whose time has passed, so GetDeployment polling sees Created, InProgress (with split weights
during a canary), and Succeeded only after the termination wait, and DescribeServiceDeployments
sees PENDING, IN_PROGRESS through each lifecycle stage, then SUCCESSFUL, STOPPED or
ROLLBACK_SUCCESSFUL. An alarm set to ALARM (SetAlarmState or /_emulator/alarms) stops a running
CodeDeploy deployment of a group whose alarmConfiguration names it (Stopped, ALARM_ACTIVE) and
fails an ECS deployment whose deploymentConfiguration.alarms names it. AWS calls reach moto one
at a time.

CloudWatch answers in all three of its protocols: awsQuery (moto's), awsJson1_0 (moto's, with
the Content-Type corrected to application/x-amz-json-1.0) and Smithy RPC v2 CBOR
(POST /service/GraniteServiceVersion20100801/operation/<Op>, Smithy-Protocol: rpc-v2-cbor; the
SDK for Rust's aws-sdk-cloudwatch), which rpcv2cbor.py translates to awsJson for moto and back
(https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2-cbor.html). CBOR calls are logged
(service "monitoring"), faulted and throttled like the others; their errors are CBOR maps with
__type and the x-amzn-query-error header. New alarms start INSUFFICIENT_DATA and PutMetricAlarm
keeps an existing alarm's state (alarms.py).

A call is throttled before faults are considered (a throttled call does not consume a fault),
and both before the empty-identifier rule (identifiers.py), which comes before model validation
(validation.py; only when no identifier is empty): an injected answer wins, the empty identifier
or the model violation is still a violation. Control calls are never logged, faulted,
throttled or validated; moto's own /moto-api calls are logged, never faulted, throttled or
validated.

It prints one JSON line, {"endpoint": "http://127.0.0.1:<port>"}, once it is ready, and runs
until SIGTERM/SIGINT or, so that a caller that dies does not leave it behind, until its standard
input closes (--until stdin, the default) or its parent process exits (--until parent).
"""

import argparse
import io
import json
import os
import random
import signal
import sys
import threading
import time
import traceback
from urllib.parse import parse_qs

# Before moto is imported: AWS-managed IAM policies (for the execution role attachment).
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from werkzeug.serving import make_server  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402

from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

import errors  # noqa: E402
import gaps  # noqa: E402  (patches moto in place)
import contract  # noqa: E402  (patches moto in place, after gaps)
import alarms  # noqa: E402  (CloudWatch alarm states)
import native  # noqa: E402  (ECS-controller deployments, after contract)
import nlb  # noqa: E402  (Network Load Balancers, after native)
import taskdefs  # noqa: E402  (RegisterTaskDefinition of several containers)
import rpcv2cbor  # noqa: E402
import identifiers  # noqa: E402  (rule 12: empty identifiers)
import validation  # noqa: E402  (rule 13: requests checked against AWS's API model)


def call_name(environ):
    """(service, action, form fields) of an AWS request: the service from the SigV4
    credential scope, the action from the JSON target header, the RPC path or the query
    form (whose fields are returned for the protocol's error shape)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = ""
    if "Credential=" in auth:
        try:
            service = auth.split("Credential=")[1].split("/")[3]
        except IndexError:
            service = ""
    if target:
        return service, target.split(".")[-1], {}
    path = environ.get("PATH_INFO", "")
    if "/operation/" in path:
        return service, path.rsplit("/", 1)[-1], {}
    # Query-protocol services carry the action in the form body. Read it once and put it back,
    # so moto reads the same bytes.
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    fields = parse_qs(environ.get("QUERY_STRING", ""))
    if not fields.get("Action"):
        fields = parse_qs(body.decode("utf-8", "replace"))
    action = (fields.get("Action") or [""])[0]
    if action:
        return service, action, fields
    return service, f"{environ.get('REQUEST_METHOD', '')} {path}", {}


class BadRequest(Exception):
    """A control request the emulator cannot act on (answered 400)."""


def _member(spec, name, kind, default=None, check=None):
    value = spec.get(name, default)
    if value is None:
        return None
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise BadRequest(f"{name} must be {getattr(kind, '__name__', kind)}, got {value!r}")
    if check is not None and not check(value):
        raise BadRequest(f"{name} out of range: {value!r}")
    return value


class Fault:
    """One fault rule: fail `times` calls of (service, action) after letting `after` through."""

    MEMBERS = {"service", "action", "times", "after", "code", "message", "status", "applied"}

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise BadRequest("a fault is a JSON object")
        unknown = set(spec) - self.MEMBERS
        if unknown:
            raise BadRequest(
                f"unknown fault members {sorted(unknown)}; known: {sorted(self.MEMBERS)}"
            )
        self.action = _member(spec, "action", str)
        if not self.action:
            raise BadRequest('a fault needs "action"')
        self.service = _member(spec, "service", str) or None
        self.times = _member(spec, "times", int, 1, lambda v: v >= 0)
        self.after = _member(spec, "after", int, 0, lambda v: v >= 0)
        self.code = _member(spec, "code", str) or None
        self.message = _member(spec, "message", str)
        self.status = _member(spec, "status", int, None, lambda v: 400 <= v <= 599)
        self.applied = bool(_member(spec, "applied", bool, False))

    @property
    def key(self):
        return (self.service, self.action)

    def matches(self, service, action):
        return self.action == action and self.service in (None, service)

    def answer(self, service, action, proto):
        """(code, message, status) for this call."""
        default_code, default_message = errors.default_fault(proto)
        code = self.code or default_code
        if self.message is not None:
            message = self.message
        elif self.code:
            message = f"Injected {code} in {service}:{action} (emulator fault injection)."
        else:
            message = f"{default_message} (emulator fault injected in {service}:{action})"
        status = self.status or (500 if not self.code else errors.default_status(code, proto))
        return code, message, status

    def to_json(self):
        return {
            "service": self.service,
            "action": self.action,
            "times": self.times,
            "after": self.after,
            "code": self.code,
            "message": self.message,
            "status": self.status,
            "applied": self.applied,
        }


class Throttle:
    """Answers a seeded random fraction of AWS calls with the throttling error."""

    def __init__(self, spec=None):
        spec = spec or {}
        if not isinstance(spec, dict):
            raise BadRequest("the throttle settings are a JSON object")
        unknown = set(spec) - {"rate", "seed", "services"}
        if unknown:
            raise BadRequest(f"unknown throttle members {sorted(unknown)}")
        rate = spec.get("rate", 0)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise BadRequest(f"rate must be a number from 0 to 1, got {rate!r}")
        self.rate = float(rate)
        self.seed = _member(spec, "seed", int, 0)
        services = spec.get("services")
        if services is not None and (
            not isinstance(services, list) or not all(isinstance(s, str) for s in services)
        ):
            raise BadRequest(f"services must be a list of service names, got {services!r}")
        self.services = services
        self.random = random.Random(self.seed)
        self.throttled = 0

    def hits(self, service, proto):
        if self.rate <= 0 or proto == "internal":
            return False
        if self.services is not None and service not in self.services:
            return False
        if self.random.random() < self.rate:
            self.throttled += 1
            return True
        return False

    def to_json(self):
        return {
            "rate": self.rate,
            "seed": self.seed,
            "services": self.services,
            "throttled": self.throttled,
        }


class Emulator:
    """Wraps moto's WSGI app with the request log, fault injection and throttling."""

    def __init__(self):
        self.app = DomainDispatcherApplication(create_backend_app)
        self.lock = threading.Lock()
        self.requests = []
        self.violations = []
        self.faults = []
        self.throttle = Throttle()
        self.delay = 0.0
        self.started = time.monotonic()

    def _take_fault(self, service, action):
        """The rule that fails this call, if any; every matching rule counts it."""
        fired = None
        for rule in self.faults:
            if not rule.matches(service, action):
                continue
            if rule.after > 0:
                rule.after -= 1
            elif fired is None and rule.times > 0:
                rule.times -= 1
                fired = rule
        self.faults = [r for r in self.faults if r.times > 0]
        return fired

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator/"):
            return self.control(environ, start_response)
        service, action, form = call_name(environ)
        proto = errors.protocol(environ, service, form)
        if path.startswith("/moto-api"):
            proto = "internal"
        answer = None
        applied = False
        with self.lock:
            entry = {
                "service": service,
                "action": action,
                "injected": None,
                "code": None,
                "at": round(time.monotonic() - self.started, 4),
                "status": None,
                "refused": None,
            }
            if self.throttle.hits(service, proto):
                answer = errors.throttling(service, action, proto)
                entry["injected"] = "throttle"
            elif proto != "internal":
                fault = self._take_fault(service, action)
                if fault is not None:
                    code, message, status = fault.answer(service, action, proto)
                    answer = (code, status, message)
                    applied = fault.applied
                    entry["injected"] = "fault"
            if answer is not None:
                entry["code"], entry["status"] = answer[0], answer[1]
            self.requests.append(entry)
        if self.delay > 0:
            # Outside the lock: concurrent calls wait side by side, as AWS's latency does.
            time.sleep(self.delay)
        finding = self._empty_identifier(environ, service, action, form, proto)
        reason = "empty-identifier"
        if finding is None:
            finding = self._model_violation(environ, service, action, form, proto)
            reason = "model-validation"
        if finding is not None:
            with self.lock:
                if answer is None:
                    # Rules 12 and 13: AWS refuses it before the service acts (an injected
                    # answer wins).
                    answer = (finding.code, finding.status, finding.message)
                    entry["code"], entry["status"] = finding.code, finding.status
                    entry["refused"] = finding.to_json()
                extra = {}
                if reason == "model-validation":
                    extra = {"constraint": finding.constraint, "detail": finding.detail}
                self._violation(entry, reason, finding.member, **extra)
        if answer is None:
            return self._serve_logged(entry, environ, start_response)
        if applied:
            # The call takes effect; only its answer is lost.
            served = self._serve(environ, lambda *_args, **_kwargs: (lambda _data: None))
            try:
                for _ in served:
                    pass
            finally:
                if hasattr(served, "close"):
                    served.close()
        code, status, message = answer
        status, headers, body = errors.render(environ, form, proto, code, message, status)
        response = Response(body, status=status)
        for name, value in headers:
            response.headers[name] = value
        return response(environ, start_response)

    def _empty_identifier(self, environ, service, action, form, proto):
        """The call's empty identifier (identifiers.find), or None. Checked for injected calls
        too, so a fault or throttle does not hide it from the violations log; a failure of the
        check itself is reported on stderr and lets the call through."""
        if proto == "internal":
            return None
        try:
            return identifiers.find(environ, service, action, form, proto)
        except Exception:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            return None

    def _model_violation(self, environ, service, action, form, proto):
        """The call's violations of botocore's model (validation.check), or None. Checked for
        injected calls too; a failure of the check itself is reported on stderr and lets the
        call through."""
        if proto == "internal":
            return None
        try:
            return validation.check(environ, service, action, form, proto)
        except Exception:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            return None

    def _serve_logged(self, entry, environ, start_response):
        """moto's answer, its status recorded in the call's log entry; a server error that was
        not injected is a violation."""
        answered = {}

        def capture(status, headers, exc_info=None):
            answered["status"] = int(str(status).split()[0])
            answered["code"] = _error_code(headers)
            if exc_info:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        try:
            return self._serve(environ, capture)
        except BaseException:
            answered.setdefault("status", 500)
            raise
        finally:
            with self.lock:
                entry["status"] = answered.get("status")
                if (entry["status"] or 0) >= 500:
                    self._violation(entry, "server-error", None, answered.get("code"))

    def _violation(self, entry, reason, member, code=None, **extra):
        """Records a call the acceptance tests must never see (caller holds the lock); `extra`
        members (a model violation's constraint and detail) are added to the record."""
        self.violations.append({
            "service": entry["service"],
            "action": entry["action"],
            "status": entry["status"],
            "code": code if code is not None else entry["code"],
            "reason": reason,
            "member": member,
            **extra,
        })

    def _serve(self, environ, start_response):
        """moto's answer, one call at a time, after every deployment step that is due. Smithy RPC
        v2 CBOR calls go through rpcv2cbor (moto serves their awsJson form)."""
        with contract.lock:
            contract.tick()
            native.tick()
            if errors.protocol(environ, "", {}) == "cbor":
                return rpcv2cbor.serve(self.app, environ, start_response)
            return self.app(environ, rpcv2cbor.fix_json_content_type(environ, start_response))

    def control(self, environ, start_response):
        request = Request(environ)
        try:
            with self.lock:
                body = self._control(request)
        except BadRequest as e:
            return _json_response({"error": str(e)}, 400)(environ, start_response)
        if body is None:
            return _json_response({"error": "not found"}, 404)(environ, start_response)
        return _json_response(body, 200)(environ, start_response)

    def _control(self, request):
        path, method = request.path, request.method
        if path == "/_emulator/requests" and method == "GET":
            return [dict(entry) for entry in self.requests]
        if path == "/_emulator/requests/reset" and method == "POST":
            self.requests = []
            return {}
        if path == "/_emulator/violations" and method == "GET":
            return list(self.violations)
        if path == "/_emulator/violations/reset" and method == "POST":
            self.violations = []
            return {}
        if path == "/_emulator/deployments" and method == "POST":
            spec = _json_body(request)
            failed_tasks = spec.get("failed_tasks")
            if failed_tasks is not None and (
                not isinstance(failed_tasks, int) or isinstance(failed_tasks, bool) or failed_tasks < 1
            ):
                raise BadRequest(f"failed_tasks must be a whole number of at least 1, got {failed_tasks!r}")
            contract.fail_next_deployments(
                _member(spec, "fail", int, 0, lambda v: v >= 0), failed_tasks
            )
            return {}
        if path == "/_emulator/alarms" and method == "POST":
            return self._set_alarm(_json_body(request))
        if path == "/_emulator/contract" and method == "POST":
            spec = _json_body(request)
            model = spec.pop("model_validation", None)
            if model is not None and not isinstance(model, bool):
                raise BadRequest(f"model_validation must be true or false, got {model!r}")
            try:
                contract.configure(spec)
            except contract.BadSetting as e:
                raise BadRequest(str(e)) from None
            if model is not None:
                validation.configure(model)
            return self._settings()
        if path == "/_emulator/contract" and method == "GET":
            return self._settings()
        if path == "/_emulator/model-validation" and method == "GET":
            return validation.status()
        if path == "/_emulator/faults" and method == "POST":
            rule = Fault(_json_body(request))
            self.faults = [r for r in self.faults if r.key != rule.key]
            if rule.times > 0:
                self.faults.append(rule)
            return {}
        if path == "/_emulator/faults" and method == "GET":
            return [r.to_json() for r in self.faults]
        if path == "/_emulator/faults/reset" and method == "POST":
            self.faults = []
            return {}
        if path == "/_emulator/throttle" and method == "POST":
            self.throttle = Throttle(_json_body(request))
            return {}
        if path == "/_emulator/throttle" and method == "GET":
            return self.throttle.to_json()
        if path == "/_emulator/delay" and method == "POST":
            ms = _member(_json_body(request), "ms", int, 0, lambda v: 0 <= v <= 60_000)
            self.delay = ms / 1000
            return {}
        return None

    @staticmethod
    def _settings():
        """The contract's settings and whether requests are checked against the model."""
        return dict(contract.current(), model_validation=validation.enabled())

    def _set_alarm(self, spec):
        unknown = set(spec) - {"name", "state", "reason", "region", "account"}
        if unknown:
            raise BadRequest(f"unknown alarm members {sorted(unknown)}")
        name = _member(spec, "name", str)
        value = _member(spec, "state", str)
        if not name or not value:
            raise BadRequest('an alarm needs "name" and "state"')
        with contract.lock:
            # Deployment steps due before the change see the state before it.
            contract.tick()
            native.tick()
            try:
                return alarms.set_state(
                    name,
                    value,
                    reason=_member(spec, "reason", str),
                    account=_member(spec, "account", str) or "123456789012",
                    region=_member(spec, "region", str),
                )
            except ValueError as e:
                raise BadRequest(str(e)) from None
            except KeyError:
                raise BadRequest(f"no alarm named {name}") from None


def _json_body(request):
    data = request.get_data()
    try:
        spec = json.loads(data) if data.strip() else {}
    except ValueError as e:
        raise BadRequest(f"not JSON: {e}") from None
    if not isinstance(spec, dict):
        raise BadRequest("expected a JSON object")
    return spec


def _error_code(headers):
    """The error code an answer's headers name (awsJson X-Amzn-ErrorType, the awsQuery code of
    x-amzn-query-error), or None: moto's own server errors are HTML pages that name none."""
    for name, value in headers:
        if name.lower() in ("x-amzn-errortype", "x-amzn-query-error"):
            return str(value).split(";")[0].split(":")[0] or None
    return None


def _json_response(body, status):
    return Response(json.dumps(body), status=status, content_type="application/json")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--until", choices=["stdin", "parent"], default="stdin")
    for name, (variable, default, _top) in contract.SETTINGS.items():
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=float,
            default=None,
            help=f"contract setting {name} (default ${variable}, else {default:g})",
        )
    parser.add_argument(
        "--no-model-validation",
        action="store_true",
        help="do not check requests against botocore's model (README.md rule 13; default "
        f"${validation.ENVIRONMENT}, else on)",
    )
    args = parser.parse_args()
    try:
        contract.configure_from_env()
        contract.configure(
            {name: getattr(args, name) for name in contract.SETTINGS if getattr(args, name) is not None}
        )
        validation.configure_from_env()
        if args.no_model_validation:
            validation.configure(False)
    except (contract.BadSetting, validation.BadSetting) as e:
        parser.error(str(e))

    emulator = Emulator()
    server = make_server(
        "127.0.0.1", args.port, emulator, threaded=True, request_handler=MotoRequestHandler
    )
    port = server.server_address[1]
    stop = threading.Event()

    def shutdown(*_):
        stop.set()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)

    def watch_stdin():
        try:
            while sys.stdin.read(1):
                pass
        except (OSError, ValueError):
            pass
        stop.set()

    def watch_parent(parent):
        while not stop.wait(0.5):
            if os.getppid() != parent:
                stop.set()

    if args.until == "parent":
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    elif not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(json.dumps({"endpoint": f"http://127.0.0.1:{port}"}), flush=True)
    stop.wait()
    server.shutdown()


if __name__ == "__main__":
    main()
