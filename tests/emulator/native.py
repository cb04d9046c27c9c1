"""ECS-controller service deployments (the "native" strategies): ROLLING, BLUE_GREEN, LINEAR and
CANARY, as moto 5.2.5 does not model them (it keeps one PRIMARY deployment dict forever IN_PROGRESS,
drops advancedConfiguration checks, and has no service deployments or revisions). Imported by
launcher.py after contract.py; `install()` wraps CreateService/UpdateService/DeleteService and adds
ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions and
StopServiceDeployment. Deployments advance lazily on the contract's scaled clock: the launcher
calls `tick()` before every AWS call, and contract.settings' minute_seconds/step_seconds apply.

Sources:
 - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
   (strategy, bakeTimeInMinutes "You must provide this parameter when you use the BLUE_GREEN
   deployment strategy", linearConfiguration, canaryConfiguration, alarms, circuit breaker)
 - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeployment.html
   (statuses, lifecycle stages, rollback, circuit breaker and alarm monitors)
 - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-failure-detection.html
   (circuit breaker and alarms, rollback to the last COMPLETED deployment)
 - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-code-deploy-to-ecs-blue-green.html
   ("Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule
   or testListenerRule")
 - aws/containers-roadmap #1488 ("ECS deployment circuit breaker: tasks failed to start.") and the
   ECS service deployment state change events page ("ECS deployment circuit breaker: rolling back
   to deploymentId ...", "ECS deployment ... completed.")

README.md ("ECS-native deployments") describes the timings and every text.
"""

import datetime
import json
import math
import string
import time

from moto.applicationautoscaling.exceptions import AWSValidationException
from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException, ServiceNotFoundException
from moto.ecs.models import EC2ContainerServiceBackend, ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.elbv2.models import elbv2_backends
from moto.iam.models import iam_backends
from moto.moto_api._internal import mock_random

import alarms
import contract

STRATEGIES = ("ROLLING", "BLUE_GREEN", "LINEAR", "CANARY")
# Minutes ECS waits after each traffic shift behind a Network Load Balancer (see _nlb_delay).
NLB_SHIFT_DELAY_MINUTES = 10
TRAFFIC_STRATEGIES = ("BLUE_GREEN", "LINEAR", "CANARY")
ACTIVE = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")

# Members of UpdateService whose change makes a new service revision (and so a deployment).
_REVISION_ATTRIBUTES = (
    "task_definition",
    "network_configuration",
    "load_balancers",
    "platform_version",
    "capacity_provider_strategy",
    "service_registries",
    "launch_type",
    # The metrics' resolution: ServiceRevision carries `monitoring` in ECS's API model.
    "monitoring",
)

# The stages a pause hook may hold a deployment at (AWS's pause hook page, "Configuration
# fields": every hook stage but the traffic shifts themselves), and what ContinueServiceDeployment
# and a hook's timeout may do (DeploymentLifecycleHookAction).
PAUSE_STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
)
HOOK_ACTIONS = ("CONTINUE", "ROLLBACK")

# The service metrics whose resolution a monitoring configuration sets, and the resolutions
# ECS takes (API_MetricConfiguration: "The supported metric names are CPUUtilization and
# MemoryUtilization"; "The valid values are 20 and 60"; unset, 60).
MONITORED_METRICS = ("CPUUtilization", "MemoryUtilization")
METRIC_RESOLUTIONS = (20, 60)
# Application Auto Scaling's predefined metrics on 20-second data, and the ECS metric each
# needs published every 20 seconds first (API_PredefinedMetricSpecification: "You must enable
# high-resolution metrics in Amazon ECS before creating a scaling policy with this metric
# type").
HIGH_RESOLUTION_POLICY_METRICS = {
    "ECSServiceAverageCPUUtilizationHighResolution": "CPUUtilization",
    "ECSServiceAverageMemoryUtilizationHighResolution": "MemoryUtilization",
}

# Service ARN -> ServiceState.
_states = {}


def _copy(value):
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def _step():
    return contract.settings["step_seconds"]


def _minutes(n):
    return float(n or 0) * contract.settings["minute_seconds"]


def _deployment_id():
    # AWS's ECS deployment IDs are ecs-svc/ and 19 digits.
    return f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"


def _random_suffix(length=21):
    alphabet = string.ascii_letters + string.digits
    return "".join(mock_random.choice(alphabet) for _ in range(length))


# --- Validation -----------------------------------------------------------------------------


def _invalid(message):
    return InvalidParameterException(message)


def _number(config, member, low, high, what):
    value = config.get(member)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        # Modelled on the ranges API_DeploymentConfiguration, API_LinearConfiguration and
        # API_CanaryConfiguration document.
        raise _invalid(f"{what} must be from {low:g} to {high:g}, got {value}.")


def _check_monitoring(monitoring):
    """A monitoring configuration as ECS takes it (names and resolutions of
    API_MetricConfiguration; the list's length is the model's, which validation.py checks)."""
    for config in (monitoring or {}).get("metricConfigurations") or []:
        for name in config.get("metricNames") or []:
            if name not in MONITORED_METRICS:
                raise _invalid(
                    f"Invalid metric name {name}. Valid values are {', '.join(MONITORED_METRICS)}."
                )  # modelled
        seconds = config.get("resolutionSeconds")
        if seconds not in METRIC_RESOLUTIONS:
            raise _invalid(
                f"Invalid resolutionSeconds {seconds}. Valid values are 20 and 60."
            )  # modelled


def published_every_20_seconds(service):
    """The metrics the service's monitoring configuration publishes at 20 seconds."""
    monitoring = getattr(service, "monitoring", None) or {}
    return {
        name
        for config in monitoring.get("metricConfigurations") or []
        if config.get("resolutionSeconds") == 20
        for name in config.get("metricNames") or []
    }


def _check_configuration(config):
    """deploymentConfiguration's strategy rules (texts modelled on API_DeploymentConfiguration)."""
    config = config or {}
    strategy = config.get("strategy") or "ROLLING"
    if strategy not in STRATEGIES:
        raise _invalid(
            f"Invalid deployment strategy {strategy}. Valid values are {', '.join(STRATEGIES)}."
        )
    if strategy == "BLUE_GREEN" and config.get("bakeTimeInMinutes") is None:
        # API_DeploymentConfiguration: "You must provide this parameter when you use the
        # BLUE_GREEN deployment strategy."
        raise _invalid("bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy.")
    _number(config, "bakeTimeInMinutes", 0, 1440, "bakeTimeInMinutes")
    linear = config.get("linearConfiguration") or {}
    _number(linear, "stepPercent", 3.0, 100.0, "linearConfiguration.stepPercent")
    _number(linear, "stepBakeTimeInMinutes", 0, 1440, "linearConfiguration.stepBakeTimeInMinutes")
    canary = config.get("canaryConfiguration") or {}
    _number(canary, "canaryPercent", 0.1, 100.0, "canaryConfiguration.canaryPercent")
    _number(canary, "canaryBakeTimeInMinutes", 0, 1440, "canaryConfiguration.canaryBakeTimeInMinutes")
    alarm_config = config.get("alarms")
    if alarm_config is not None and alarm_config.get("enable") and not alarm_config.get("alarmNames"):
        raise _invalid("deploymentConfiguration.alarms.alarmNames must name at least one alarm.")
    for hook in config.get("lifecycleHooks") or []:
        # API_DeploymentLifecycleHook: hookTargetArn "is not applicable for PAUSE hooks" and
        # "You must provide this parameter when configuring an AWS_LAMBDA lifecycle hook";
        # the pause hook page lists the stages a pause takes. Texts modelled.
        if (hook.get("targetType") or "AWS_LAMBDA") == "PAUSE":
            if hook.get("hookTargetArn"):
                raise _invalid("hookTargetArn is not applicable to a PAUSE lifecycle hook.")
            for stage in hook.get("lifecycleStages") or []:
                if stage not in PAUSE_STAGES:
                    raise _invalid(
                        f"A PAUSE lifecycle hook cannot run at {stage}. Valid stages are "
                        f"{', '.join(PAUSE_STAGES)}."
                    )
        elif not hook.get("hookTargetArn"):
            raise _invalid("hookTargetArn is required for an AWS_LAMBDA lifecycle hook.")


def _role_age_ok(arn):
    changed = contract._role_changed.get(arn)
    return changed is None or time.monotonic() - changed >= contract.settings["iam_delay_seconds"]


def _trusts_ecs(document):
    try:
        policy = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return False
    for statement in contract._as_list((policy or {}).get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in contract._as_list(statement.get("Action"))):
            continue
        principal = statement.get("Principal")
        if principal == "*":
            return True
        if isinstance(principal, dict) and "ecs.amazonaws.com" in contract._as_list(principal.get("Service")):
            return True
    return False


def _role_problem(account, arn):
    """Why ECS cannot assume the infrastructure role, or None."""
    iam = iam_backends[account]["aws"]
    role = next((r for r in iam.roles.values() if r.arn == arn), None)
    if role is None or not _trusts_ecs(role.assume_role_policy_document) or not _role_age_ok(arn):
        # Quoted for the service's classic `role` (Shippable/support #3027, metaps/genova #9);
        # assumed the same for advancedConfiguration.roleArn (modelled).
        return (
            "Unable to assume role and validate the specified targetGroupArn. Please verify that "
            "the ECS service role being passed has the proper permissions."
        )
    return None


def _find_rule(elbv2, arn):
    """(listener, rule) for a listener rule ARN, or for a listener ARN (its default rule, as an
    NLB's productionListenerRule names the listener); (None, None) when neither exists."""
    for lb in elbv2.load_balancers.values():
        for listener in lb.listeners.values():
            if listener.arn == arn:
                return listener, next(iter(listener._default_rule.values()))
            for rule in listener.rules.values():
                if getattr(rule, "arn", None) == arn:
                    return listener, rule
    return None, None


def _check_load_balancers(account, region, load_balancers, strategy, network_mode):
    """advancedConfiguration rules at CreateService/UpdateService (modelled texts unless said)."""
    elbv2 = elbv2_backends[account][region]
    for lb in load_balancers or []:
        advanced = lb.get("advancedConfiguration")
        if advanced is None:
            if strategy in TRAFFIC_STRATEGIES:
                raise _invalid(
                    f"The {strategy} deployment strategy requires an advancedConfiguration for "
                    f"load balancer target group {lb.get('targetGroupArn')}."
                )
            continue
        alternate = advanced.get("alternateTargetGroupArn")
        if not alternate:
            raise _invalid("advancedConfiguration.alternateTargetGroupArn is required.")
        group = elbv2.target_groups.get(alternate)
        if group is None:
            raise _invalid(f"The alternate target group {alternate} does not exist.")
        kind = group.target_type or "instance"
        wanted = "ip" if network_mode == "awsvpc" else "instance"
        if network_mode and kind != wanted:
            # The contract's (quoted) target type text, for the alternate group.
            raise _invalid(
                f"The provided target group {alternate} has target type {kind}, which is "
                f"incompatible with the {network_mode} network mode specified in the task definition."
            )
        for member in ("productionListenerRule", "testListenerRule"):
            arn = advanced.get(member)
            if member == "productionListenerRule" and not arn:
                raise _invalid("advancedConfiguration.productionListenerRule is required.")
            if arn and _find_rule(elbv2, arn)[1] is None:
                raise _invalid(f"The listener rule {arn} ({member}) does not exist.")
        role = advanced.get("roleArn")
        if not role:
            raise _invalid("advancedConfiguration.roleArn is required.")
        problem = _role_problem(account, role)
        if problem:
            raise _invalid(problem)


# --- Service revisions ----------------------------------------------------------------------


class Revision:
    """A service revision: the settings a deployment rolls out."""

    def __init__(self, state, service, task_definition=None):
        self.state = state
        self.id = str(mock_random.randint(10**18, 10**19 - 1))
        cluster = service.cluster_name
        self.arn = (
            f"arn:aws:ecs:{state.region}:{state.account}:service-revision/{cluster}/"
            f"{service.name}/{self.id}"
        )
        self.task_definition = task_definition or service.task_definition
        self.load_balancers = _copy(service.load_balancers) or []
        self.network_configuration = _copy(service.network_configuration) or None
        self.platform_version = service.platform_version
        self.launch_type = service.launch_type
        self.capacity_provider_strategy = _copy(getattr(service, "capacity_provider_strategy", None))
        self.service_registries = _copy(service.service_registries) or []
        self.monitoring = _copy(getattr(service, "monitoring", None))
        self.created_at = utcnow()
        # Target group serving each load balancer entry's production traffic (resolved).
        self.resolved = [lb.get("targetGroupArn") for lb in self.load_balancers]

    def apply(self, service):
        """The service's settings become this revision's (a rollback)."""
        service.task_definition = self.task_definition
        service.load_balancers = _copy(self.load_balancers)
        service.network_configuration = _copy(self.network_configuration) or {}
        service.platform_version = self.platform_version
        service.launch_type = self.launch_type
        if self.capacity_provider_strategy is not None:
            service.capacity_provider_strategy = _copy(self.capacity_provider_strategy)
        service.service_registries = _copy(self.service_registries)
        service.monitoring = _copy(self.monitoring)

    def to_json(self):
        service = self.state.service
        revision = {
            "serviceRevisionArn": self.arn,
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "taskDefinition": self.task_definition,
            "loadBalancers": self.load_balancers,
            "serviceRegistries": self.service_registries,
            "createdAt": self.created_at,
            "platformFamily": "LINUX" if (self.launch_type or "FARGATE") == "FARGATE" else None,
            "containerImages": self._images(),
        }
        if self.network_configuration:
            revision["networkConfiguration"] = self.network_configuration
        if self.platform_version:
            revision["platformVersion"] = self.platform_version
        if self.monitoring:
            revision["monitoring"] = self.monitoring
        if self.capacity_provider_strategy:
            revision["capacityProviderStrategy"] = self.capacity_provider_strategy
        elif self.launch_type:
            revision["launchType"] = self.launch_type
        resolved = []
        for lb, group in zip(self.load_balancers, self.resolved):
            rule = (lb.get("advancedConfiguration") or {}).get("productionListenerRule")
            entry = {"targetGroupArn": group}
            if rule:
                entry["productionListenerRule"] = rule
            resolved.append(entry)
        if resolved:
            revision["resolvedConfiguration"] = {"loadBalancers": resolved}
        return {k: v for k, v in revision.items() if v is not None}

    def _images(self):
        try:
            definition = self.state.backend.describe_task_definition(self.task_definition)
        except Exception:  # a deregistered or unknown revision
            return []
        return [
            {"containerName": c.get("name"), "image": c.get("image")}
            for c in definition.container_definitions
        ]


def _revision_settings(service):
    return {name: _copy(getattr(service, name, None)) for name in _REVISION_ATTRIBUTES}


# --- Per-service state ----------------------------------------------------------------------


class ServiceState:
    def __init__(self, service, account, region):
        self.service = service
        self.account = account
        self.region = region
        self.backend = ecs_backends[account][region]
        self.elbv2 = elbv2_backends[account][region]
        self.revisions = {}
        self.runs = []
        self.current = None  # the revision serving, after the last deployment ended

    def revision(self, task_definition=None):
        revision = Revision(self, self.service, task_definition)
        if self.current is not None:
            # The live target group carries over until a deployment moves it.
            for i, lb in enumerate(revision.load_balancers):
                for j, old in enumerate(self.current.load_balancers):
                    same = old.get("targetGroupArn") == lb.get("targetGroupArn")
                    if same and j < len(self.current.resolved):
                        revision.resolved[i] = self.current.resolved[j]
        self.revisions[revision.arn] = revision
        return revision

    def active_run(self):
        return next((r for r in reversed(self.runs) if not r.finished), None)

    def entry(self, revision, status, rollout, reason_kind="progress"):
        """A new item of service.deployments for a revision."""
        now = utcnow()
        service = self.service
        identifier = _deployment_id()
        entry = {
            "id": identifier,
            "status": status,
            "taskDefinition": revision.task_definition,
            "desiredCount": service.desired_count,
            "pendingCount": service.desired_count,
            "runningCount": 0,
            "failedTasks": 0,
            "createdAt": now,
            "updatedAt": now,
            "launchType": revision.launch_type,
            "platformVersion": revision.platform_version,
            "platformFamily": "LINUX",
            "rolloutState": rollout,
            "rolloutStateReason": f"ECS deployment {identifier} in progress.",
        }
        if revision.network_configuration:
            entry["networkConfiguration"] = revision.network_configuration
        if revision.capacity_provider_strategy:
            entry["capacityProviderStrategy"] = revision.capacity_provider_strategy
            entry.pop("launchType", None)
        return entry

    def primary(self):
        return next((d for d in self.service.deployments if d.get("status") == "PRIMARY"), None)

    def summaries(self):
        """Service.currentServiceRevisions: the revisions with tasks."""
        result = []
        run = self.active_run()
        revisions = []
        if run is not None and run.source is not None and run.status not in ("SUCCESSFUL",):
            revisions.append((run.source, run.source_entry))
        if run is not None:
            revisions.append((run.target, run.target_entry))
        elif self.current is not None:
            revisions.append((self.current, self.primary()))
        for revision, entry in revisions:
            entry = entry or {}
            result.append({
                "arn": revision.arn,
                "requestedTaskCount": entry.get("desiredCount", self.service.desired_count),
                "runningTaskCount": entry.get("runningCount", 0),
                "pendingTaskCount": entry.get("pendingCount", 0),
            })
        return result

    def refresh(self):
        """Keeps DescribeServices' currentServiceDeployment and currentServiceRevisions and the
        counts in step with the runs."""
        service = self.service
        if self.runs:
            service.current_service_deployment = self.runs[-1].arn
        service.current_service_revisions = self.summaries()
        primary = self.primary()
        if primary is not None:
            service.running_count = sum(d.get("runningCount", 0) for d in service.deployments)
            service.pending_count = sum(d.get("pendingCount", 0) for d in service.deployments)


def _state(service, account, region):
    state = _states.get(service.arn)
    if state is None or state.service is not service:
        state = ServiceState(service, account, region)
        _states[service.arn] = state
    return state


# --- Deployments ----------------------------------------------------------------------------


class Failure(Exception):
    """A deployment that fails: `reason` is the rolloutStateReason, `rollback` whether ECS
    rolls back, `cause` which monitor triggered (circuit_breaker, alarms, request, validation)."""

    def __init__(self, reason, rollback, cause, triggered=None):
        super().__init__(reason)
        self.reason = reason
        self.rollback = rollback
        self.cause = cause
        self.triggered = triggered or []


def _breaker_threshold(config, desired):
    """How many failed tasks trip the circuit breaker. thresholdConfiguration (ECS, 2026-07-01;
    API_ThresholdConfiguration): COUNT is `value`; BOUNDED_PERCENT and UNBOUNDED_PERCENT take
    `value` percent of the desired count, BOUNDED_PERCENT held within 3 and 200 (the ThresholdType
    enum's documentation; API_ServiceDeploymentCircuitBreaker). Without it, BOUNDED_PERCENT of 50,
    ECS's default. AWS does not say how a fraction rounds: up, as the provider's plan assumes."""
    config = config or {}
    kind = config.get("type") or "BOUNDED_PERCENT"
    value = config.get("value")
    value = 50 if value is None else int(value)
    if kind == "COUNT":
        return max(1, value)
    share = int(math.ceil(value * desired / 100.0))
    if kind == "UNBOUNDED_PERCENT":
        return max(1, share)
    return min(200, max(3, share))


class Run:
    """One service deployment: a generator of delays (`_script`) that tick resumes."""

    def __init__(self, state, source, target, failing, initial=False):
        self.state = state
        self.service = state.service
        self.source = source
        self.target = target
        self.failing = failing
        self.initial = initial
        self.config = _copy(self.service.deployment_configuration) or {}
        self.strategy = self.config.get("strategy") or "ROLLING"
        cluster = self.service.cluster_name
        self.arn = (
            f"arn:aws:ecs:{state.region}:{state.account}:service-deployment/{cluster}/"
            f"{self.service.name}/{_random_suffix()}"
        )
        self.status = "PENDING"
        self.status_reason = None
        self.stage = None
        self.created = self.updated = utcnow()
        self.started = self.finished_at = self.stopped_at = None
        self.rollback_info = None
        self.finished = False
        breaker = self.config.get("deploymentCircuitBreaker") or {}
        self.breaker = bool(breaker.get("enable"))
        self.breaker_rollback = bool(breaker.get("rollback"))
        desired = self.service.desired_count or 0
        self.threshold = _breaker_threshold(breaker.get("thresholdConfiguration"), desired)
        self.fail_limit = contract.failed_tasks() if failing else None
        self.failure_count = 0
        self.breaker_status = "MONITORING" if self.breaker else "DISABLED"
        alarm_config = self.config.get("alarms") or {}
        self.alarm_names = list(alarm_config.get("alarmNames") or [])
        self.alarms_enabled = bool(alarm_config.get("enable")) and bool(self.alarm_names)
        self.alarms_rollback = bool(alarm_config.get("rollback"))
        self.alarm_status = "MONITORING" if self.alarms_enabled else "DISABLED"
        self.triggered = []
        self.weights = {"production": 0.0, "test": 0.0}
        self.rule_snapshot = {}
        self.pairs = []
        self.source_entry = state.primary()
        self.target_entry = None
        self.rollback_entry = None
        self.stop_request = None
        # Pause hooks: stage -> (timeout in minutes, timeout action); the hooks met so far.
        self.pauses = {}
        for hook in self.config.get("lifecycleHooks") or []:
            if hook.get("targetType") == "PAUSE":
                timeout = hook.get("timeoutConfiguration") or {}
                for stage in hook.get("lifecycleStages") or []:
                    self.pauses[stage] = (
                        timeout.get("timeoutInMinutes") or 1440,
                        timeout.get("action") or "ROLLBACK",
                    )
        self.hook_details = []
        self.decision = None  # ContinueServiceDeployment's action for the awaiting hook
        self.due = time.monotonic()
        self.script = self._script()

    # Scheduling (as contract.Run: steps performed late are stamped with the time they were due).

    def at(self):
        late = max(0.0, time.monotonic() - self.due)
        return utcnow() - datetime.timedelta(seconds=late)

    def advance(self, now):
        self._poll_alarms()
        while not self.finished and now >= self.due:
            try:
                delay = next(self.script)
            except StopIteration:
                self.finished = True
                break
            except Failure as failure:
                self._fail(failure)
                continue
            self.updated = self.at()
            self.due += max(0.0, float(delay))
            self._poll_alarms()
        self.state.refresh()

    def _poll_alarms(self):
        """deploymentConfiguration.alarms: an alarm in ALARM while the deployment is in progress
        (its bake time included) fails it; alarms that do not exist are not counted."""
        if self.finished or self.status != "IN_PROGRESS" or not self.alarms_enabled:
            return
        active = [
            n for n in self.alarm_names
            if alarms.state(self.state.account, self.state.region, n) == "ALARM"
        ]
        if not active:
            return
        self.triggered = active
        self.alarm_status = "TRIGGERED"
        identifier = (self.target_entry or {}).get("id", "")
        # Modelled: no copy of ECS's text was found.
        reason = (
            f"ECS deployment {identifier} failed: alarm(s) {', '.join(active)} went into the "
            "ALARM state."
        )
        self._fail(Failure(reason, self.alarms_rollback, "alarms", active))

    # The deployment itself.

    def start(self):
        """Called once, when the deployment is created (UpdateService/CreateService)."""
        service = self.service
        entry = self.state.entry(self.target, "PRIMARY", "IN_PROGRESS")
        kept = []
        for other in service.deployments:
            if other.get("rolloutState") == "FAILED" and not other.get("runningCount"):
                continue  # a failed deployment without tasks is gone
            if other.get("status") == "PRIMARY":
                other["status"] = "ACTIVE"
                other["updatedAt"] = utcnow()
            kept.append(other)
        service.deployments = [entry] + kept
        self.target_entry = entry
        self.state.runs.append(self)
        self.state.refresh()

    def _script(self):
        yield _step()  # PENDING
        self.status = "IN_PROGRESS"
        self.started = self.at()
        if self.initial:
            yield from self._initial()
            return
        if self.strategy in TRAFFIC_STRATEGIES:
            yield from self._traffic()
        else:
            yield from self._rolling()

    def _initial(self):
        """CreateService's first deployment: the tasks start, nothing to replace."""
        yield _step()
        self._tasks_up()
        self._succeed()

    def _scale_up(self):
        """The new revision's tasks start, or (with {"fail": N}) keep failing: with the circuit
        breaker the deployment fails at its threshold; without it ECS keeps trying."""
        yield _step()
        if not self.failing:
            self._tasks_up()
            return
        while True:
            self.failure_count += 1
            self.target_entry["failedTasks"] = self.failure_count
            if self.breaker and self.failure_count >= self.threshold:
                self.breaker_status = "TRIGGERED"
                # Quoted: aws/containers-roadmap #1488.
                raise Failure(
                    "ECS deployment circuit breaker: tasks failed to start.",
                    self.breaker_rollback,
                    "circuit_breaker",
                )
            yield _step()
            if self.fail_limit is not None and self.failure_count >= self.fail_limit:
                # The launches that were to fail have failed; the next ones start.
                self._tasks_up()
                return

    def _tasks_up(self):
        entry = self.target_entry
        entry["runningCount"] = entry["desiredCount"] = self.service.desired_count
        entry["pendingCount"] = 0
        entry["updatedAt"] = self.at()

    def _rolling(self):
        yield from self._scale_up()
        if self.source_entry is not None:
            self.source_entry["runningCount"] = 0
            self.source_entry["pendingCount"] = 0
        yield from self._bake(self._monitoring_minutes())
        self.stage = "CLEAN_UP"
        self._retire_source()
        self._succeed()

    def _monitoring_minutes(self):
        """How long a rolling deployment with alarms stays IN_PROGRESS after its tasks are up:
        bakeTimeInMinutes if given, else the longest alarm period × evaluation periods (at least
        one minute). Modelled on deployment-alarm-failure ("Amazon ECS computes this time
        period based on the alarm configuration")."""
        if self.config.get("bakeTimeInMinutes") is not None:
            return self.config["bakeTimeInMinutes"]
        if not self.alarms_enabled:
            return 0
        backend = alarms.cloudwatch_backends[self.state.account][self.state.region]
        longest = 60
        for name in self.alarm_names:
            alarm = backend.alarms.get(name)
            if alarm is not None:
                longest = max(longest, int(alarm.period or 60) * int(alarm.evaluation_periods or 1))
        return math.ceil(longest / 60)

    def _bake(self, minutes):
        if minutes:
            self.stage = "BAKE_TIME"
            yield _minutes(minutes)

    def _pause(self, stage):
        """A pause hook at `stage`: the deployment waits (hook AWAITING_ACTION) until
        ContinueServiceDeployment says CONTINUE or ROLLBACK, or its timeout passes and ECS takes
        the timeout action (the pause hook page; one AWS minute is `minute_seconds`)."""
        if stage not in self.pauses:
            return
        minutes, action = self.pauses[stage]
        expires = self.at() + datetime.timedelta(minutes=minutes)
        detail = {
            "hookId": f"ecs-pause-{_random_suffix(43)}",
            "targetType": "PAUSE",
            "status": "AWAITING_ACTION",
            "expiresAt": expires,
            "timeoutAction": action,
        }
        self.hook_details.append(detail)
        self.decision = None
        deadline = time.monotonic() + _minutes(minutes)
        while self.decision is None and time.monotonic() < deadline:
            yield _step()
        if self.decision is None:
            detail["status"] = "TIMED_OUT"
            decided = action
        else:
            decided = self.decision
            detail["status"] = "SUCCEEDED" if decided == "CONTINUE" else "FAILED"
        self.decision = None
        if decided == "ROLLBACK":
            how = "timed out" if detail["status"] == "TIMED_OUT" else "was rolled back"
            # Modelled: no copy of ECS's text was found.
            raise Failure(
                f"The deployment's pause hook at {stage} {how}.", True, "pause"
            )

    def awaiting(self, hook_id):
        """The pause hook `hook_id` if the deployment waits on it."""
        return next(
            (
                h
                for h in self.hook_details
                if h["hookId"] == hook_id and h["status"] == "AWAITING_ACTION"
            ),
            None,
        )

    def _traffic(self):
        self.stage = "PRE_SCALE_UP"
        self._resolve_pairs()
        yield from self._pause("PRE_SCALE_UP")
        yield _step()
        self.stage = "SCALE_UP"
        yield from self._scale_up()
        self.stage = "POST_SCALE_UP"
        yield _step()
        yield from self._pause("POST_SCALE_UP")
        if any(p["test"] for p in self.pairs):
            self.stage = "TEST_TRAFFIC_SHIFT"
            self._route("test", 100.0)
            yield _step()
            yield from self._nlb_delay()
            self.stage = "POST_TEST_TRAFFIC_SHIFT"
            yield _step()
            yield from self._pause("POST_TEST_TRAFFIC_SHIFT")
        self.stage = "PRE_PRODUCTION_TRAFFIC_SHIFT"
        yield from self._pause("PRE_PRODUCTION_TRAFFIC_SHIFT")
        for percent, wait in self._shifts():
            self.stage = "PRODUCTION_TRAFFIC_SHIFT"
            self._route("production", percent)
            yield from self._nlb_delay()
            if wait:
                yield _minutes(wait)
        yield _step()
        self.stage = "POST_PRODUCTION_TRAFFIC_SHIFT"
        yield _step()
        yield from self._pause("POST_PRODUCTION_TRAFFIC_SHIFT")
        yield from self._bake(self.config.get("bakeTimeInMinutes") or 0)
        self.stage = "CLEAN_UP"
        self._retire_source()
        yield _step()
        self._succeed()

    def _nlb_delay(self):
        """The wait ECS adds to each traffic shift behind a Network Load Balancer: "When your
        configuration includes a Network Load Balancer, Amazon ECS adds a 10 minute delay to the
        following lifecycle stages: TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT"
        (nlb-resources-for-blue-green.md, the newest copy; older .html copies add PRE_SCALE_UP)."""
        if any("/net/" in p["production"][0].arn for p in self.pairs):
            yield _minutes(NLB_SHIFT_DELAY_MINUTES)

    def _shifts(self):
        """[(green production percent, minutes before the next shift)], ending with 100."""
        if self.strategy == "LINEAR":
            linear = self.config.get("linearConfiguration") or {}
            step = float(linear.get("stepPercent") or 10.0)
            wait = linear.get("stepBakeTimeInMinutes")
            wait = 6 if wait is None else wait
            shifts, percent = [], step
            while percent < 100.0 - 1e-9:
                shifts.append((round(percent, 1), wait))
                percent += step
            return shifts + [(100.0, 0)]
        if self.strategy == "CANARY":
            canary = self.config.get("canaryConfiguration") or {}
            percent = float(canary.get("canaryPercent") or 5.0)
            wait = canary.get("canaryBakeTimeInMinutes")
            wait = 10 if wait is None else wait
            if percent >= 100.0:
                return [(100.0, 0)]
            return [(percent, wait), (100.0, 0)]
        return [(100.0, 0)]

    def _resolve_pairs(self):
        """For each load balancer with an advancedConfiguration: the rules, the blue (serving)
        and green (weight 0) target groups; fails the deployment when a rule does not forward to
        both groups or ECS cannot assume the role."""
        self.pairs = []
        elbv2 = self.state.elbv2
        for index, lb in enumerate(self.target.load_balancers):
            advanced = lb.get("advancedConfiguration")
            if not advanced:
                continue
            pair = [lb.get("targetGroupArn"), advanced.get("alternateTargetGroupArn")]
            rules = {}
            for kind, member in (("production", "productionListenerRule"), ("test", "testListenerRule")):
                arn = advanced.get(member)
                if not arn:
                    continue
                listener, rule = _find_rule(elbv2, arn)
                forwarded = set()
                for action in (rule.actions if rule is not None else []):
                    forwarded.update(contract._forward_targets(action.data))
                if rule is None or not set(pair) <= forwarded:
                    # Quoted: AWS's migration guide (aws-contract.md §4).
                    raise Failure(
                        "Both targetGroup and alternateTargetGroup must be associated with the "
                        "productionListenerRule or testListenerRule",
                        False,
                        "validation",
                    )
                rules[kind] = (listener, rule)
            problem = _role_problem(self.state.account, advanced.get("roleArn"))
            if problem:
                raise Failure(problem, False, "validation")
            production = rules["production"][1]
            top = None
            for action in production.actions:
                top = top or contract._top_target(action.data)
            blue = top if top in pair else (self.source.resolved[index] if self.source else pair[0])
            green = pair[1] if blue == pair[0] else pair[0]
            for kind, (listener, rule) in rules.items():
                self.rule_snapshot[(kind, rule.arn)] = (listener, rule, list(rule.actions))
            self.pairs.append({
                "index": index,
                "blue": blue,
                "green": green,
                "production": rules["production"],
                "test": rules.get("test"),
            })

    def _route(self, kind, percent):
        """Every forward action of the pairs' `kind` rules sends `percent` to green."""
        green_weight = int(round(percent))
        for pair in self.pairs:
            rule_of = pair[kind]
            if not rule_of:
                continue
            listener, rule = rule_of
            weights = {pair["green"]: green_weight, pair["blue"]: 100 - green_weight}
            actions = []
            for action in rule.actions:
                if set(contract._forward_targets(action.data)) & set(weights):
                    actions.append(contract._weighted(action, weights))
                else:
                    actions.append(action)
            contract._set_actions(listener, rule, actions)
        self.weights[kind] = float(percent)

    def _retire_source(self):
        service = self.service
        keep = {id(self.target_entry)}
        service.deployments = [d for d in service.deployments if id(d) in keep]
        for pair in self.pairs:
            self.target.resolved[pair["index"]] = pair["green"]

    def _succeed(self):
        entry = self.target_entry
        entry["rolloutState"] = "COMPLETED"
        entry["rolloutStateReason"] = f"ECS deployment {entry['id']} completed."
        entry["updatedAt"] = self.at()
        self.status = "SUCCESSFUL"
        self.stage = self.stage or None
        self.finished_at = self.at()
        if self.breaker_status == "MONITORING":
            self.breaker_status = "MONITORING_COMPLETE"
        if self.alarm_status == "MONITORING":
            self.alarm_status = "MONITORING_COMPLETE"
        self.state.current = self.target
        self.finished = True
        self.script = iter(())

    # Failure, rollback and stop.

    def _fail(self, failure):
        entry = self.target_entry
        entry["rolloutState"] = "FAILED"
        entry["rolloutStateReason"] = failure.reason
        entry["updatedAt"] = self.at()
        if failure.rollback and self.source is not None:
            self.status = "ROLLBACK_IN_PROGRESS"
            self.status_reason = failure.reason
            self.rollback_info = {
                "reason": failure.reason,
                "startedAt": self.at(),
                "serviceRevisionArn": self.source.arn,
            }
            self.script = self._rollback(failure)
            self.due = min(self.due, time.monotonic())
        else:
            self.status = "STOPPED"
            self.status_reason = failure.reason
            self.stopped_at = self.finished_at = self.at()
            if self.breaker_status == "MONITORING":
                self.breaker_status = "MONITORING_COMPLETE"
            if self.alarm_status == "MONITORING":
                self.alarm_status = "MONITORING_COMPLETE"
            if failure.cause == "validation" and self.source is not None:
                # Nothing was shifted: the service runs the source revision again; the failed
                # deployment stays listed (ACTIVE, FAILED, no tasks) until the next one.
                self.source.apply(self.service)
                entry["status"] = "ACTIVE"
                entry["runningCount"] = entry["pendingCount"] = 0
                if self.source_entry is not None:
                    self.source_entry["status"] = "PRIMARY"
                self.service.deployments = [d for d in (self.source_entry, entry) if d is not None]
            self.finished = True
            self.script = iter(())

    def _restore_source(self, failed_entry, reason):
        """The service runs the source revision again; the failed entry drains."""
        service = self.service
        for key, (listener, rule, actions) in self.rule_snapshot.items():
            contract._set_actions(listener, rule, actions)
        self.source.apply(service)
        failed_entry["status"] = "ACTIVE"
        entry = self.state.entry(self.source, "PRIMARY", "IN_PROGRESS")
        if reason:
            entry["rolloutStateReason"] = reason
        service.deployments = [entry, failed_entry]
        self.rollback_entry = entry
        return entry

    def _rollback(self, failure):
        source_id = (self.source_entry or {}).get("id", "")
        if failure.cause == "circuit_breaker":
            # Quoted: the ECS service deployment state change events page.
            reason = f"ECS deployment circuit breaker: rolling back to deploymentId {source_id}."
        elif failure.cause == "alarms":
            reason = f"ECS deployment alarms: rolling back to deploymentId {source_id}."  # modelled
        else:
            reason = f"Rolling back to deploymentId {source_id} (StopServiceDeployment)."  # modelled
        entry = self._restore_source(self.target_entry, reason)
        self.weights = {"production": 0.0, "test": 0.0}
        yield _step()
        entry["runningCount"] = entry["desiredCount"] = self.service.desired_count
        entry["pendingCount"] = 0
        entry["rolloutState"] = "COMPLETED"
        entry["rolloutStateReason"] = f"ECS deployment {entry['id']} completed."
        entry["updatedAt"] = self.at()
        self.status = "ROLLBACK_SUCCESSFUL"
        self.finished_at = self.at()
        self.state.current = self.source
        if self.breaker_status == "MONITORING":
            self.breaker_status = "MONITORING_COMPLETE"
        if self.alarm_status == "MONITORING":
            self.alarm_status = "MONITORING_COMPLETE"
        yield _step()
        # The failed deployment's tasks are gone.
        self.service.deployments = [d for d in self.service.deployments if d is not self.target_entry]
        self.finished = True

    def stop(self, stop_type):
        """StopServiceDeployment: ROLLBACK (the default) rolls back to the source revision;
        ABORT stops where it is."""
        if stop_type == "ABORT" or self.source is None:
            self.status = "STOP_REQUESTED"
            self._fail(Failure("Stopped by StopServiceDeployment.", False, "request"))  # modelled
            return
        self.status = "ROLLBACK_REQUESTED"
        self._fail(Failure(
            "Service deployment rolled back because of a StopServiceDeployment request.",  # modelled
            True,
            "request",
        ))

    def abandon(self, reason):
        """The deployment ends without a rollback (superseded, or its service deleted)."""
        if self.finished:
            return
        if self.status in ACTIVE:
            self.status = "STOPPED"
            self.status_reason = reason
            self.stopped_at = self.finished_at = utcnow()
            for key, (listener, rule, actions) in self.rule_snapshot.items():
                contract._set_actions(listener, rule, actions)
        else:
            # Ended already (a rollback draining its failed deployment): only the drain is cut short.
            self.service.deployments = [d for d in self.service.deployments if d is not self.target_entry]
        self.finished = True
        self.script = iter(())

    # Answers.

    def brief(self):
        brief = {
            "serviceDeploymentArn": self.arn,
            "serviceArn": self.service.arn,
            "clusterArn": self.service.cluster_arn,
            "createdAt": self.created,
            "startedAt": self.started,
            "finishedAt": self.finished_at,
            "targetServiceRevisionArn": self.target.arn,
            "status": self.status,
            "statusReason": self.status_reason,
        }
        return {k: v for k, v in brief.items() if v is not None}

    def _summary(self, revision, entry, weight=None):
        entry = entry or {}
        summary = {
            "arn": revision.arn,
            "requestedTaskCount": entry.get("desiredCount", self.service.desired_count),
            "runningTaskCount": entry.get("runningCount", 0),
            "pendingTaskCount": entry.get("pendingCount", 0),
        }
        if weight is not None:
            summary["requestedProductionTrafficWeight"] = weight["production"]
            summary["requestedTestTrafficWeight"] = weight["test"]
        return summary

    def to_json(self):
        traffic = self.strategy in TRAFFIC_STRATEGIES and bool(self.pairs)
        green = self.weights if traffic else None
        blue = (
            {"production": 100.0 - self.weights["production"], "test": 100.0 - self.weights["test"]}
            if traffic
            else None
        )
        sources = []
        if self.source is not None:
            sources.append(self._summary(self.source, self.rollback_entry or self.source_entry, blue))
        info = {
            "serviceDeploymentArn": self.arn,
            "serviceArn": self.service.arn,
            "clusterArn": self.service.cluster_arn,
            "createdAt": self.created,
            "startedAt": self.started,
            "finishedAt": self.finished_at,
            "stoppedAt": self.stopped_at,
            "updatedAt": self.updated,
            "sourceServiceRevisions": sources,
            "targetServiceRevision": self._summary(self.target, self.target_entry, green),
            "status": self.status,
            "statusReason": self.status_reason,
            "lifecycleStage": self.stage if self.strategy in TRAFFIC_STRATEGIES else None,
            "deploymentConfiguration": self.config,
            "rollback": self.rollback_info,
            "deploymentCircuitBreaker": {
                "status": self.breaker_status,
                "failureCount": self.failure_count,
                "threshold": self.threshold,
            },
            "alarms": {
                "status": self.alarm_status,
                "alarmNames": self.alarm_names,
                "triggeredAlarmNames": self.triggered,
            },
            "lifecycleHookDetails": self.hook_details or None,
        }
        return {k: v for k, v in info.items() if v is not None}


def start_deployment(state, initial=False):
    """A new service revision from the service's settings and a deployment to it."""
    previous = state.active_run()
    if previous is not None:
        # A newer deployment supersedes the one in progress (modelled).
        previous.abandon(f"Superseded by a newer deployment of service {state.service.name}.")
    source = state.current
    target = state.revision()
    failing = False if initial else contract._take_failure()
    run = Run(state, source, target, failing, initial=initial)
    run.start()
    return run


def tick(now=None):
    """Advances every ECS-controller deployment whose next step is due."""
    with contract.lock:
        now = time.monotonic() if now is None else now
        for state in list(_states.values()):
            run = state.active_run()
            if run is None:
                continue
            if state.service.status != "ACTIVE":
                run.abandon("The service was deleted during the deployment.")  # modelled
                continue
            run.advance(now)


# --- ECS API --------------------------------------------------------------------------------


def _is_ecs_controller(service):
    return (service.deployment_controller or {}).get("type", "ECS") == "ECS"


def _network_mode(backend, task_definition):
    try:
        return backend.describe_task_definition(task_definition).network_mode
    except Exception:
        return None


def _fill_configuration(service):
    """AWS answers an ECS-controller service's deploymentConfiguration with its defaults."""
    config = service.deployment_configuration or {}
    config.setdefault("maximumPercent", 200)
    config.setdefault("minimumHealthyPercent", 100)
    config.setdefault("deploymentCircuitBreaker", {"enable": False, "rollback": False})
    config.setdefault("strategy", "ROLLING")
    service.deployment_configuration = config


_previous_create_service = EC2ContainerServiceResponse.create_service


def _create_service(self):
    account, region = self.current_account, self.region
    controller = (self._get_param("deploymentController") or {}).get("type", "ECS")
    if controller != "ECS":
        return _previous_create_service(self)
    backend = ecs_backends[account][region]
    config = self._get_param("deploymentConfiguration") or {}
    _check_configuration(config)
    network_mode = None
    if self._get_param("taskDefinition"):
        network_mode = _network_mode(backend, self._get_param("taskDefinition"))
    _check_load_balancers(
        account, region, self._get_param("loadBalancers"), config.get("strategy") or "ROLLING", network_mode
    )
    _check_monitoring(self._get_param("monitoring"))
    result = _previous_create_service(self)
    service = result.result["service"]
    service.monitoring = _copy(self._get_param("monitoring"))
    _fill_configuration(service)
    service.deployments = []
    with contract.lock:
        state = _state(service, account, region)
        start_deployment(state, initial=True)
    return result


_previous_update_service = EC2ContainerServiceResponse.update_service


def _update_service(self):
    account, region = self.current_account, self.region
    backend = ecs_backends[account][region]
    given = {k: v for k, v in (self._get_params() or {}).items() if v is not None}
    service = contract._find_service(backend, given.get("cluster"), given.get("service"))
    if service is None or service.status != "ACTIVE":
        return _previous_update_service(self)
    controller = (service.deployment_controller or {}).get("type", "ECS")
    migrating = controller == "CODE_DEPLOY" and (given.get("deploymentController") or {}).get("type") == "ECS"
    if controller != "ECS" and not migrating:
        return _previous_update_service(self)
    config = given.get("deploymentConfiguration")
    effective = config if config is not None else (service.deployment_configuration or {})
    _check_configuration(effective)
    _check_monitoring(given.get("monitoring"))
    if "loadBalancers" in given:
        task_definition = given.get("taskDefinition") or service.task_definition
        network_mode = _network_mode(backend, task_definition)
        contract._check_load_balancers(account, region, given["loadBalancers"], network_mode)
        _check_load_balancers(
            account, region, given["loadBalancers"], effective.get("strategy") or "ROLLING", network_mode
        )
    elif config is not None and (config.get("strategy") or "ROLLING") in TRAFFIC_STRATEGIES:
        network_mode = _network_mode(backend, service.task_definition)
        _check_load_balancers(account, region, service.load_balancers, config["strategy"], network_mode)
    with contract.lock:
        state = _state(service, account, region)
        if migrating:
            _adopt_code_deploy_service(state)
        before = _revision_settings(service)
        # moto renames the first deployment on forceNewDeployment; the deployments are ours.
        deployments, service.deployments = service.deployments, []
        try:
            result = _previous_update_service(self)
        finally:
            service.deployments = deployments
        if given.get("taskDefinition"):
            # AWS reports the revision's ARN whichever form UpdateService names it in (moto keeps
            # a `family:revision` as given, as CreateService does not).
            service.task_definition = backend.describe_task_definition(given["taskDefinition"]).arn
        if config is not None:
            _fill_configuration(service)
        if "monitoring" in given:
            service.monitoring = _copy(given["monitoring"])
        changed = _revision_settings(service) != before
        if changed or given.get("forceNewDeployment") or migrating:
            start_deployment(state)
        elif "desiredCount" in given:
            for entry in service.deployments:
                if entry.get("status") == "PRIMARY" and entry.get("rolloutState") == "COMPLETED":
                    entry["desiredCount"] = entry["runningCount"] = service.desired_count
                    entry["pendingCount"] = 0
        state.refresh()
    return result


def _adopt_code_deploy_service(state):
    """UpdateService(deploymentController ECS) on a CODE_DEPLOY service: the PRIMARY task set's
    settings (which the service already reports) become the current revision, serving from the
    PRIMARY task set's target group; the task sets go (the migration guide's in-place path)."""
    service = state.service
    primary = next((t for t in service.task_sets if t.status == "PRIMARY"), None)
    service.deployment_controller = {"type": "ECS"}
    revision = state.revision()
    if primary is not None and primary.load_balancers:
        live = primary.load_balancers[0].get("targetGroupArn")
        if revision.resolved:
            revision.resolved[0] = live
    state.current = revision
    entry = state.entry(revision, "PRIMARY", "COMPLETED")
    entry["rolloutStateReason"] = f"ECS deployment {entry['id']} completed."
    entry["runningCount"] = entry["desiredCount"]
    entry["pendingCount"] = 0
    service.deployments = [entry]
    service.task_sets = []
    _fill_configuration(service)


def _all_runs(account, region):
    for state in _states.values():
        if state.account == account and state.region == region:
            yield from state.runs


def _response_list_service_deployments(self):
    backend = ecs_backends[self.current_account][self.region]
    cluster = self._get_param("cluster") or "default"
    name = self._get_param("service")
    backend._get_cluster(cluster)  # ClusterNotFoundException
    service = contract._find_service(backend, cluster, name)
    if service is None:
        raise ServiceNotFoundException()
    state = _states.get(service.arn)
    runs = list(reversed(state.runs)) if state is not None else []
    statuses = self._get_param("status") or []
    if statuses:
        runs = [r for r in runs if r.status in statuses]
    created = self._get_param("createdAt") or {}

    def _when(value):
        if isinstance(value, datetime.datetime):
            return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
        return datetime.datetime.fromtimestamp(float(value), datetime.timezone.utc)

    def _aware(value):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)

    if created.get("after") is not None:
        runs = [r for r in runs if _aware(r.created) >= _when(created["after"])]
    if created.get("before") is not None:
        runs = [r for r in runs if _aware(r.created) <= _when(created["before"])]
    limit = int(self._get_param("maxResults") or 20)
    start = int(self._get_param("nextToken") or 0)
    page = runs[start:start + limit]
    answer = {"serviceDeployments": [r.brief() for r in page]}
    if start + limit < len(runs):
        answer["nextToken"] = str(start + limit)
    return ActionResult(answer)


def _response_describe_service_deployments(self):
    wanted = self._get_param("serviceDeploymentArns") or []
    runs = {r.arn: r for r in _all_runs(self.current_account, self.region)}
    found, failures = [], []
    for arn in wanted:
        if arn in runs:
            found.append(runs[arn].to_json())
        else:
            failures.append({"arn": arn, "reason": "MISSING"})
    return ActionResult({"serviceDeployments": found, "failures": failures})


def _response_describe_service_revisions(self):
    wanted = self._get_param("serviceRevisionArns") or []
    revisions = {}
    for state in _states.values():
        if state.account == self.current_account and state.region == self.region:
            revisions.update(state.revisions)
    found, failures = [], []
    for arn in wanted:
        if arn in revisions:
            found.append(revisions[arn].to_json())
        else:
            failures.append({"arn": arn, "reason": "MISSING"})
    return ActionResult({"serviceRevisions": found, "failures": failures})


def _response_continue_service_deployment(self):
    """ContinueServiceDeployment: CONTINUE (the default) or ROLLBACK of a deployment paused at
    a pause hook ("The pause hook must be in AWAITING_ACTION status. The deployment must be in
    the IN_PROGRESS state", AWS's "Continuing service deployments"). Texts modelled."""
    arn = self._get_param("serviceDeploymentArn")
    hook_id = self._get_param("hookId")
    action = self._get_param("action") or "CONTINUE"
    with contract.lock:
        tick()
        run = next((r for r in _all_runs(self.current_account, self.region) if r.arn == arn), None)
        if run is None:
            raise JsonRESTError(
                "ServiceDeploymentNotFoundException",
                f"The service deployment {arn} does not exist.",
            )
        if action not in HOOK_ACTIONS:
            raise _invalid(f"Invalid action {action}. Valid values are CONTINUE and ROLLBACK.")
        if run.finished or run.status != "IN_PROGRESS":
            raise _invalid(f"The service deployment {arn} is {run.status}, not IN_PROGRESS.")
        if run.awaiting(hook_id) is None:
            raise _invalid(f"The lifecycle hook {hook_id} is not awaiting an action.")
        run.decision = action
        run.due = min(run.due, time.monotonic())
        tick()
        run.state.refresh()
    return ActionResult({"serviceDeploymentArn": arn})


def _response_stop_service_deployment(self):
    arn = self._get_param("serviceDeploymentArn")
    stop_type = self._get_param("stopType") or "ROLLBACK"
    with contract.lock:
        tick()
        run = next((r for r in _all_runs(self.current_account, self.region) if r.arn == arn), None)
        if run is None:
            raise JsonRESTError(
                "ServiceDeploymentNotFoundException",
                f"The service deployment {arn} does not exist.",  # modelled
            )
        if run.finished or run.status not in ("PENDING", "IN_PROGRESS"):
            raise JsonRESTError(
                "ConflictException",
                f"The service deployment {arn} is {run.status} and cannot be stopped.",  # modelled
            )
        run.stop(stop_type)
        run.state.refresh()
    return ActionResult({"serviceDeploymentArn": arn})


_previous_delete_service = EC2ContainerServiceBackend.delete_service


def _delete_service(self, cluster_name, service_name, force):
    service = _previous_delete_service(self, cluster_name, service_name, force)
    state = _states.get(service.arn)
    if state is not None:
        with contract.lock:
            run = state.active_run()
            if run is not None:
                run.abandon("The service was deleted during the deployment.")  # modelled
    return service


def _wrap_put_scaling_policy(previous):
    """PutScalingPolicy refuses a HighResolution predefined metric on an ECS service that does
    not publish that metric every 20 seconds (API_PredefinedMetricSpecification; the message is
    modelled, AWS's own text is not documented)."""

    def put_scaling_policy(self, policy_name, service_namespace, resource_id, scalable_dimension, policy_body, *args, **kwargs):
        # moto passes the policy's configuration itself (step or target tracking).
        metric = ((policy_body or {}).get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
        needs = HIGH_RESOLUTION_POLICY_METRICS.get(metric)
        if needs and service_namespace == "ecs" and resource_id.startswith("service/"):
            _, cluster, name = (resource_id.split("/") + ["", ""])[:3]
            backend = ecs_backends[self.account_id][self.region_name]
            service = contract._find_service(backend, cluster, name)
            if service is None or needs not in published_every_20_seconds(service):
                raise AWSValidationException(
                    f"The predefined metric type {metric} needs high-resolution metrics: service "
                    f"{resource_id} does not publish {needs} at a 20-second resolution."
                )
        return previous(self, policy_name, service_namespace, resource_id, scalable_dimension, policy_body, *args, **kwargs)

    return put_scaling_policy


def install():
    ApplicationAutoscalingBackend.put_scaling_policy = _wrap_put_scaling_policy(
        ApplicationAutoscalingBackend.put_scaling_policy
    )
    EC2ContainerServiceResponse.create_service = _create_service
    EC2ContainerServiceResponse.update_service = _update_service
    EC2ContainerServiceBackend.delete_service = _delete_service
    EC2ContainerServiceResponse.list_service_deployments = _response_list_service_deployments
    EC2ContainerServiceResponse.describe_service_deployments = _response_describe_service_deployments
    EC2ContainerServiceResponse.describe_service_revisions = _response_describe_service_revisions
    EC2ContainerServiceResponse.stop_service_deployment = _response_stop_service_deployment
    EC2ContainerServiceResponse.continue_service_deployment = _response_continue_service_deployment


install()
