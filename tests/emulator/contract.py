"""The strict emulator: the parts of AWS's documented contract that this provider's call flow
meets and moto 5.2.5 does not enforce. Imported by launcher.py after gaps.py; `install()` patches
moto in place. Every rule answers with AWS's own error code; a message marked "modelled" below
is written from the documentation's description because no copy of the real text was found,
every other message is AWS's text as quoted in the source cited.

Rules (see README.md for how to tune them):

 1. UpdateService on a CODE_DEPLOY service accepts only desiredCount, deploymentConfiguration,
    healthCheckGracePeriodSeconds, placementConstraints, placementStrategy,
    enableECSManagedTags and propagateTags; anything else is InvalidParameterException
    "Unable to update ... on services with a CODE_DEPLOY deployment controller. Use AWS
    CodeDeploy to trigger a new deployment."
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
    UpdateService on an INACTIVE (deleted) service is ServiceNotActiveException. A request that
    sets deploymentController ECS is the migration to the ECS controller (native.py) and is not
    limited.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html#API_UpdateService_Errors
 2. CreateService with a target group that no listener default action or rule forwards to is
    InvalidParameterException "The target group with targetGroupArn <arn> does not have an
    associated load balancer."; a target group whose target type does not fit the task
    definition's network mode (awsvpc needs ip) is InvalidParameterException too.
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html ,
    https://github.com/hashicorp/terraform/issues/32908 ,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html
 3. CodeDeploy ECS blue/green deployments progress over (scaled) time through the ECS
    lifecycle events, with a replacement task set, weighted listener rules on the test and then
    the production listener (canary / linear / all at once), the PRIMARY task set swap, the
    termination wait and the original task set's removal; a deployment whose listener rules do
    not forward to the PRIMARY task set's target group fails with "The ELB could not be updated
    due to the following error: Primary taskset target group must be behind listener"; a
    second deployment while one is active is DeploymentLimitExceededException.
    https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html ,
    https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html ,
    https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html ,
    https://docs.aws.amazon.com/codedeploy/latest/userguide/troubleshooting-ecs.html ,
    https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeployment.html ,
    https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentReadyOption.html
    (STOP_DEPLOYMENT waits in Ready for ContinueDeployment, and is Stopped when the wait ends),
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html (startedBy
    CODE_DEPLOY, externalId the deployment ID). A CODE_DEPLOY service starts with one PRIMARY
    task set; an AppSpec container the task definition lacks fails the deployment.
    Deployment group alarms: alarmConfiguration is kept (more than 10 alarms is
    AlarmsLimitExceededException, an enabled empty list or duplicate names
    InvalidAlarmConfigException), and an alarm in ALARM (or a missing one, unless
    ignorePollAlarmFailure) stops a running deployment: Stopped, ALARM_ACTIVE "One or more alarms
    have been activated according to the Amazon CloudWatch metrics you selected, and the affected
    deployments have been stopped. Activated alarms: <name>", rolled back when
    autoRollbackConfiguration lists DEPLOYMENT_STOP_ON_ALARM.
    https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html ,
    https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AlarmConfiguration.html
 4. IAM eventual consistency: CodeDeploy cannot assume a service role younger than
    iam_delay_seconds, nor one whose trust policy does not admit codedeploy.amazonaws.com:
    InvalidRoleException "AWS CodeDeploy does not have the permissions required to assume the
    role <arn>."
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/codedeploy_IAM_role.html ,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
 5. CreateService with a Cloud Map registry that has an SRV record, for an awsvpc task
    definition, needs containerName+containerPort or port, not both; one without an SRV record
    takes neither port: InvalidParameterException.
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html
 6. Checked in moto and kept (tests pin them): ELBv2 DeleteTargetGroup while a listener or rule
    forwards to it is ResourceInUse (moto's text is corrected to AWS's, without "The "); IAM
    DeleteRole with attached or inline policies is DeleteConflict; ECS DeleteService without
    force while desiredCount > 0 is InvalidParameterException.
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html ,
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html ,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
 7. Smaller ones: CodeDeploy deployment IDs look like AWS's (d-XXXXXXXXX); StopDeployment of a
    finished deployment is DeploymentAlreadyCompletedException; CreateDeploymentGroup and
    CreateDeployment refuse an unknown deployment configuration
    (DeploymentConfigDoesNotExistException); CreateDeploymentConfig/GetDeploymentConfig/
    ListDeploymentConfigs/DeleteDeploymentConfig, ContinueDeployment, ListDeploymentTargets/
    BatchGetDeploymentTargets/GetDeploymentTarget exist; ModifyRule on a listener's default rule
    also changes what DescribeListeners shows; a CODE_DEPLOY service needs a load balancer;
    a health check grace period on a service without a load balancer (CreateService, or
    UpdateService of one created without) is InvalidParameterException "Health check grace
    period is only valid for services configured to use load balancers" (the text quoted in
    aws-cloudformation/cfn-lint#3612 and eagletmt/hako#70's description of the rule).
    https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_StopDeployment.html ,
    https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentConfig.html
 8. CreateService and UpdateService with a capacity provider strategy naming a capacity provider
    the cluster is not associated with are InvalidParameterException: "A capacity provider must
    be associated with the cluster to be used in a capacity provider strategy" (ECS API model,
    CreateServiceRequest.capacityProviderStrategy, botocore 1.44.18); FARGATE and FARGATE_SPOT
    "only need to be associated with a cluster to be used" (PutClusterCapacityProviders). The
    message is modelled around the phrase users quote from AWS ("capacity provider that is not
    associated with the cluster").
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html

Time is scaled: one AWS minute lasts `minute_seconds` real seconds and each lifecycle step
`step_seconds`. Deployments advance lazily: the launcher calls `tick()` before it serves each AWS
request, and tick performs every step whose time has come. Settings come from
FARGATE_EMULATOR_MINUTE_SECONDS, FARGATE_EMULATOR_STEP_SECONDS and
FARGATE_EMULATOR_IAM_DELAY_SECONDS, the launcher's flags, and POST /_emulator/contract.
"""

import datetime
import json
import math
import os
import threading
import time

import yaml
from moto.codedeploy import responses as codedeploy_responses
from moto.codedeploy.exceptions import DeploymentDoesNotExistException
from moto.codedeploy.models import CodeDeployBackend
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException as EcsInvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, TaskSet, ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.elbv2.exceptions import ResourceInUseError
from moto.elbv2.models import ELBv2Backend, FakeAction, elbv2_backends
from moto.iam.models import IAMBackend, iam_backends
from moto.moto_api._internal import mock_random
from moto.servicediscovery.models import servicediscovery_backends

import alarms
import gaps  # noqa: F401  (its patches first: contract wraps some of them)

# --- Settings -------------------------------------------------------------------------------


class BadSetting(ValueError):
    """A contract setting the emulator cannot take."""


SETTINGS = {
    # name: (environment variable, default, upper bound)
    "minute_seconds": ("FARGATE_EMULATOR_MINUTE_SECONDS", 0.05, 3600.0),
    "step_seconds": ("FARGATE_EMULATOR_STEP_SECONDS", 0.05, 3600.0),
    "iam_delay_seconds": ("FARGATE_EMULATOR_IAM_DELAY_SECONDS", 2.0, 3600.0),
}

settings = {name: default for name, (_env, default, _top) in SETTINGS.items()}

# Held while a deployment advances and while the launcher serves an AWS call, so a request sees
# either all of a step or none of it.
lock = threading.RLock()


def _number(name, value):
    top = SETTINGS[name][2]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadSetting(f"{name} must be a number of seconds, got {value!r}")
    if not 0 <= value <= top:
        raise BadSetting(f"{name} must be from 0 to {top:g}, got {value!r}")
    return float(value)


def configure(spec):
    """Applies {"minute_seconds": .., "step_seconds": .., "iam_delay_seconds": ..} (any subset);
    raises BadSetting and changes nothing if one is wrong."""
    if not isinstance(spec, dict):
        raise BadSetting("the contract settings are a JSON object")
    unknown = set(spec) - set(SETTINGS)
    if unknown:
        raise BadSetting(f"unknown contract settings {sorted(unknown)}; known: {sorted(SETTINGS)}")
    checked = {name: _number(name, value) for name, value in spec.items()}
    with lock:
        settings.update(checked)


def configure_from_env(environ=None):
    environ = os.environ if environ is None else environ
    spec = {}
    for name, (variable, _default, _top) in SETTINGS.items():
        raw = environ.get(variable)
        if raw:
            try:
                spec[name] = float(raw)
            except ValueError:
                raise BadSetting(f"{variable} must be a number of seconds, got {raw!r}") from None
    configure(spec)


def current():
    with lock:
        return dict(settings)


def _minutes(n):
    return float(n) * settings["minute_seconds"]


def _step():
    return settings["step_seconds"]


# --- Errors ---------------------------------------------------------------------------------


def _codedeploy_error(code, message):
    return JsonRESTError(code, message)


class ServiceNotActiveException(JsonRESTError):
    code = 400

    def __init__(self):
        # Modelled: API_UpdateService lists ServiceNotActiveException ("The specified service
        # isn't active"); the text is the short form the SDKs show.
        super().__init__("ServiceNotActiveException", "Service was not ACTIVE.")


def _invalid_role(arn):
    # go-to-k/cdkd PR #948 quotes the wire text; aws-contract.md §3.
    return _codedeploy_error(
        "InvalidRoleException",
        f"AWS CodeDeploy does not have the permissions required to assume the role {arn}.",
    )


# --- Rule 1: UpdateService on CODE_DEPLOY services ------------------------------------------

# What API_UpdateService lets a CODE_DEPLOY service change ("desired count, deployment
# configuration, health check grace period, task placement constraints and strategies, enable
# ECS managed tags option, and propagate tags"), besides naming the cluster and service.
_CODE_DEPLOY_UPDATABLE = {
    "cluster",
    "service",
    # Changing the controller itself is how AWS's guide migrates a service to ECS blue/green
    # (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-codedeploy-to-ecs-bluegreen.html).
    "deploymentController",
    "desiredCount",
    "deploymentConfiguration",
    "healthCheckGracePeriodSeconds",
    "placementConstraints",
    "placementStrategy",
    "enableECSManagedTags",
    "propagateTags",
}

_USE_CODEDEPLOY = "on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment."

# Member -> what the message says it cannot update, in the order they are checked. Quoted:
# task definition (hashicorp/terraform-provider-aws #12703, boto/boto3 #1936), network
# parameters (hashicorp/terraform-provider-aws #8005, #13473), load balancers (kayac/ecspresso
# #393). The others are modelled on those.
_REFUSED_UPDATES = [
    ("taskDefinition", "Unable to update task definition"),
    ("networkConfiguration", "Unable to update network parameters"),
    ("loadBalancers", "Unable to update load balancers"),
    ("platformVersion", "Unable to update platform version"),
    ("capacityProviderStrategy", "Unable to update capacity provider strategy"),
    ("serviceRegistries", "Unable to update service registries"),
    ("enableExecuteCommand", "Unable to update enable execute command"),
    ("forceNewDeployment", "Unable to force a new deployment"),
]


_GRACE_WITHOUT_LOAD_BALANCER = (
    "Health check grace period is only valid for services configured to use load balancers"
)


def _check_capacity_providers(backend, cluster, strategy):
    """Rule 8: every capacity provider of a strategy is associated with the cluster."""
    if not strategy:
        return
    name = (cluster or "default").split("/")[-1]
    found = backend.clusters.get(name)
    associated = set(getattr(found, "capacity_providers", None) or [])
    for item in strategy:
        provider = item.get("capacityProvider")
        if provider not in associated:
            raise EcsInvalidParameterException(
                f"The specified capacity provider strategy cannot contain a capacity provider that is not "
                f"associated with the cluster ({provider}). Associate the capacity provider with the cluster "
                f"or specify a valid capacity provider and try again."
            )


def _find_service(backend, cluster, name):
    cluster = (cluster or "default").split("/")[-1]
    name = (name or "").split("/")[-1]
    return backend.services.get(f"{cluster}:{name}")


_original_update_service = EC2ContainerServiceResponse.update_service


def _update_service(self):
    backend = ecs_backends[self.current_account][self.region]
    service = _find_service(backend, self._get_param("cluster"), self._get_param("service"))
    if service is not None and service.status != "ACTIVE":
        raise ServiceNotActiveException()
    given = {k: v for k, v in (self._get_params() or {}).items() if v is not None}
    if given.get("forceNewDeployment") is False:
        del given["forceNewDeployment"]
    if (
        service is not None
        and "healthCheckGracePeriodSeconds" in given
        and not (given.get("loadBalancers") or service.load_balancers)
    ):
        raise EcsInvalidParameterException(_GRACE_WITHOUT_LOAD_BALANCER)
    if service is not None and service.deployment_controller.get("type") == "CODE_DEPLOY":
        for member, what in _REFUSED_UPDATES:
            if member in given:
                raise EcsInvalidParameterException(f"{what} {_USE_CODEDEPLOY}")
        for member in sorted(set(given) - _CODE_DEPLOY_UPDATABLE):
            # Modelled for members API_UpdateService does not list for CODE_DEPLOY.
            raise EcsInvalidParameterException(f"Unable to update {member} {_USE_CODEDEPLOY}")
    if service is not None:
        _check_capacity_providers(backend, service.cluster_arn, given.get("capacityProviderStrategy"))
    result = _original_update_service(self)
    if service is not None and "desiredCount" in given:
        for task_set in service.task_sets:
            _count_tasks(task_set, service.desired_count)
    return result


# --- Rules 2 and 5: CreateService load balancers and service registries ---------------------


def _attached(elbv2, target_group_arn):
    """Whether a listener's default action or rule forwards to the target group."""
    for lb in elbv2.load_balancers.values():
        for listener in lb.listeners.values():
            for rule in listener.rules.values():
                for action in rule.actions:
                    if target_group_arn in _forward_targets(action.data):
                        return True
    return False


def _forward_targets(data):
    if data.get("Type") != "forward":
        return []
    arns = [tg["TargetGroupArn"] for tg in (data.get("ForwardConfig") or {}).get("TargetGroups", [])]
    if data.get("TargetGroupArn") and data["TargetGroupArn"] not in arns:
        arns.append(data["TargetGroupArn"])
    return arns


def _check_load_balancers(account, region, load_balancers, network_mode):
    elbv2 = elbv2_backends[account][region]
    for lb in load_balancers or []:
        arn = lb.get("targetGroupArn")
        if not arn:
            continue
        target_group = elbv2.target_groups.get(arn)
        if target_group is None or not _attached(elbv2, arn):
            # hashicorp/terraform #32908, cloudposse/terraform-aws-ecs-web-app #226.
            raise EcsInvalidParameterException(
                f"The target group with targetGroupArn {arn} does not have an associated load "
                "balancer."
            )
        kind = target_group.target_type or "instance"
        wanted = "ip" if network_mode == "awsvpc" else "instance"
        if network_mode and kind != wanted:
            # riboseinc/terraform-aws-ecs-gitlab #5 (instance with awsvpc), hashicorp/terraform
            # #24266 (ip with bridge).
            raise EcsInvalidParameterException(
                f"The provided target group {arn} has target type {kind}, which is incompatible "
                f"with the {network_mode} network mode specified in the task definition."
            )


def _cloud_map_service(account, region, arn):
    backend = servicediscovery_backends[account][region]
    for service in backend.services.values():
        if service.arn == arn:
            return service
    return None


def _check_service_registries(account, region, registries, network_mode):
    if network_mode != "awsvpc":
        return
    for registry in registries or []:
        service = _cloud_map_service(account, region, registry.get("registryArn"))
        if service is None:
            continue
        records = ((service.dns_config or {}).get("DnsRecords")) or []
        srv = any(r.get("Type") == "SRV" for r in records)
        by_container = "containerName" in registry or "containerPort" in registry
        by_port = "port" in registry
        arn = registry.get("registryArn")
        if srv and by_container and by_port:
            # Modelled on API_ServiceRegistry ("you can't specify both").
            raise EcsInvalidParameterException(
                "The values specified for serviceRegistries cannot include both 'port' and a "
                f"'containerName' and 'containerPort' combination. Registry: {arn}"
            )
        if srv and not (by_container or by_port):
            # Modelled on API_ServiceRegistry ("you must specify either a containerName and
            # containerPort combination or a port value").
            raise EcsInvalidParameterException(
                "The values specified for serviceRegistries require a value for 'port' or a "
                f"'containerName' and 'containerPort' combination. Registry: {arn}"
            )
        if srv and by_container and not ("containerName" in registry and "containerPort" in registry):
            # Modelled: the combination needs both members.
            raise EcsInvalidParameterException(
                "The values specified for serviceRegistries require both 'containerName' and "
                f"'containerPort'. Registry: {arn}"
            )
        if not srv and ("containerPort" in registry or by_port):
            # Quoted: umotif-public/terraform-aws-ecs-fargate #25, telia-oss PR #36.
            member = "containerPort" if "containerPort" in registry else "port"
            raise EcsInvalidParameterException(
                f"The values specified for serviceRegistries do not require a value for "
                f"'{member}'. Remove the value and retry."
            )


def _count_tasks(task_set, desired):
    value = float((task_set.scale or {}).get("value", 100.0))
    count = int(math.ceil(desired * value / 100.0)) if desired else 0
    task_set.computed_desired_count = count
    task_set.running_count = count
    task_set.pending_count = 0


def _new_task_set(service, task_definition, load_balancers, network_configuration,
                  platform_version, capacity_provider_strategy, launch_type, external_id,
                  started_by, status):
    task_set = TaskSet(
        service.name,
        service.cluster_name,
        task_definition,
        service._account_id,
        service.region_name,
        external_id=external_id,
        network_configuration=network_configuration,
        load_balancers=json.loads(json.dumps(load_balancers or [])),
        service_registries=json.loads(json.dumps(service.service_registries or [])),
        launch_type=None if capacity_provider_strategy else launch_type,
        capacity_provider_strategy=capacity_provider_strategy,
        platform_version=platform_version,
        scale={"value": 100.0, "unit": "PERCENT"},
    )
    # AWS's task set IDs are ecs-svc/ and 19 digits.
    task_set.id = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
    task_set.task_set_arn = (
        f"{service.cluster_arn.replace(':cluster/', ':task-set/')}/{service.name}/{task_set.id}"
    )
    task_set.service_arn = service.arn
    task_set.cluster_arn = service.cluster_arn
    task_set.status = status
    if started_by:
        task_set.started_by = started_by
    if not external_id:
        task_set.external_id = None
    _count_tasks(task_set, service.desired_count)
    return task_set


_original_create_service = EC2ContainerServiceResponse.create_service


def _create_service(self):
    backend = ecs_backends[self.current_account][self.region]
    task_definition = None
    if self._get_param("taskDefinition"):
        task_definition = backend.describe_task_definition(self._get_param("taskDefinition"))
    network_mode = getattr(task_definition, "network_mode", None)
    controller = (self._get_param("deploymentController") or {}).get("type")
    if controller == "CODE_DEPLOY" and not self._get_param("loadBalancers"):
        # Modelled on API_CreateService's loadBalancers: "If the service uses the CODE_DEPLOY
        # deployment controller, the service is required to use either an Application Load
        # Balancer or Network Load Balancer."
        raise EcsInvalidParameterException(
            "A service with a CODE_DEPLOY deployment controller requires a load balancer."
        )
    if self._get_param("healthCheckGracePeriodSeconds") is not None and not self._get_param(
        "loadBalancers"
    ):
        raise EcsInvalidParameterException(_GRACE_WITHOUT_LOAD_BALANCER)
    _check_capacity_providers(
        backend, self._get_param("cluster"), self._get_param("capacityProviderStrategy")
    )
    _check_load_balancers(
        self.current_account, self.region, self._get_param("loadBalancers"), network_mode
    )
    _check_service_registries(
        self.current_account, self.region, self._get_param("serviceRegistries"), network_mode
    )
    result = _original_create_service(self)
    service = result.result["service"]
    if service.deployment_controller.get("type") == "CODE_DEPLOY":
        # ECS starts a CODE_DEPLOY service with one PRIMARY task set running its task
        # definition; CodeDeploy adds the replacement beside it (API_TaskSet).
        service.task_sets = [
            _new_task_set(
                service,
                service.task_definition,
                service.load_balancers,
                service.network_configuration or None,
                service.platform_version,
                getattr(service, "capacity_provider_strategy", None),
                service.launch_type,
                external_id=None,
                started_by=None,
                status="PRIMARY",
            )
        ]
    return result


_original_delete_service = EC2ContainerServiceBackend.delete_service


def _delete_service(self, cluster_name, service_name, force):
    service = _original_delete_service(self, cluster_name, service_name, force)
    # Deleting a service deletes its task sets (API_DeleteService).
    service.task_sets = []
    return service


# --- Rule 6: DeleteTargetGroup's text as AWS writes it --------------------------------------

_original_delete_target_group = ELBv2Backend.delete_target_group


def _delete_target_group(self, target_group_arn):
    if target_group_arn in self.target_groups and self._any_listener_using(target_group_arn):
        # AWS's text (CloudTrail record quoted in kubernetes-sigs/aws-load-balancer-controller
        # #3037 and hashicorp/terraform-provider-aws's retry on it); moto adds "The ".
        raise ResourceInUseError(
            f"Target group '{target_group_arn}' is currently in use by a listener or a rule"
        )
    return _original_delete_target_group(self, target_group_arn)


# --- Rule 7: ModifyRule on a default rule is the listener's default action -----------------

_original_modify_rule = ELBv2Backend.modify_rule


def _modify_rule(self, rule_arn, conditions, actions):
    rule = _original_modify_rule(self, rule_arn, conditions, actions)
    if getattr(rule, "priority", None) == "default" and actions:
        listener = _listener(self, rule.listener_arn)
        if listener is not None:
            listener.default_actions = rule.actions
    return rule


# --- Rule 4: IAM eventual consistency for CodeDeploy's service role -------------------------

# Role ARN -> time.monotonic() of its creation or last trust policy change.
_role_changed = {}

_original_create_role = IAMBackend.create_role
_original_update_assume_role_policy = IAMBackend.update_assume_role_policy


def _create_role(self, *args, **kwargs):
    role = _original_create_role(self, *args, **kwargs)
    _role_changed[role.arn] = time.monotonic()
    return role


def _update_assume_role_policy(self, role_name, policy_document):
    _original_update_assume_role_policy(self, role_name, policy_document)
    _role_changed[self.get_role(role_name).arn] = time.monotonic()


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _trusts_codedeploy(document):
    try:
        policy = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return False
    for statement in _as_list((policy or {}).get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        principal = statement.get("Principal")
        if principal == "*":
            return True
        if not isinstance(principal, dict):
            continue
        if "*" in _as_list(principal.get("AWS")):
            return True
        for service in _as_list(principal.get("Service")):
            if service == "codedeploy.amazonaws.com" or (
                service.startswith("codedeploy.") and service.endswith(".amazonaws.com")
            ):
                return True
    return False


def _check_service_role(account, arn):
    iam = iam_backends[account]["aws"]
    role = next((r for r in iam.roles.values() if r.arn == arn), None)
    if role is None or not _trusts_codedeploy(role.assume_role_policy_document):
        raise _invalid_role(arn)
    changed = _role_changed.get(arn)
    if changed is not None and time.monotonic() - changed < settings["iam_delay_seconds"]:
        raise _invalid_role(arn)


# --- CodeDeploy deployment configurations ---------------------------------------------------

# The predefined ECS configurations
# (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html):
# name -> trafficRoutingConfig.
_ECS_CONFIGS = {
    "CodeDeployDefault.ECSAllAtOnce": {"type": "AllAtOnce"},
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 1},
    },
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 3},
    },
    "CodeDeployDefault.ECSCanary10Percent5Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5},
    },
    "CodeDeployDefault.ECSCanary10Percent15Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 15},
    },
}
# The EC2/on-premises and Lambda ones, accepted by name (no traffic routing here).
_OTHER_DEFAULTS = {
    "CodeDeployDefault.OneAtATime",
    "CodeDeployDefault.HalfAtATime",
    "CodeDeployDefault.AllAtOnce",
    "CodeDeployDefault.LambdaAllAtOnce",
    "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
}


class DeploymentConfig:
    def __init__(self, name, platform, traffic_routing, minimum_healthy_hosts=None):
        self.id = str(mock_random.uuid4())
        self.name = name
        self.platform = platform or "Server"
        self.traffic_routing = traffic_routing or {"type": "AllAtOnce"}
        self.minimum_healthy_hosts = minimum_healthy_hosts
        self.create_time = utcnow()

    def info(self):
        info = {
            "deploymentConfigId": self.id,
            "deploymentConfigName": self.name,
            "createTime": self.create_time,
            "computePlatform": self.platform,
            "trafficRoutingConfig": self.traffic_routing,
        }
        if self.minimum_healthy_hosts:
            info["minimumHealthyHosts"] = self.minimum_healthy_hosts
        return info


_DEFAULT_CONFIG_TIME = utcnow()


def _custom_configs(backend):
    return backend.__dict__.setdefault("_contract_configs", {})


def _config(backend, name):
    """The DeploymentConfig named so, or None."""
    name = str(name)
    custom = _custom_configs(backend).get(name)
    if custom is not None:
        return custom
    if name in _ECS_CONFIGS:
        config = DeploymentConfig(name, "ECS", _ECS_CONFIGS[name])
    elif name in _OTHER_DEFAULTS:
        config = DeploymentConfig(name, "Lambda" if "Lambda" in name else "Server", None)
    else:
        return None
    config.id = f"default-{name}"
    config.create_time = _DEFAULT_CONFIG_TIME
    return config


def _config_missing(name):
    # Modelled on API_CreateDeploymentGroup's DeploymentConfigDoesNotExistException.
    return _codedeploy_error(
        "DeploymentConfigDoesNotExistException",
        f"No deployment configuration found for name: {name}",
    )


def _response_create_deployment_config(self):
    backend = self.codedeploy_backend
    name = self._get_param("deploymentConfigName")
    if _config(backend, name) is not None:
        raise _codedeploy_error(
            "DeploymentConfigAlreadyExistsException",
            f"A deployment configuration named {name} already exists.",  # modelled
        )
    traffic = self._get_param("trafficRoutingConfig")
    _check_traffic_routing(traffic)
    config = DeploymentConfig(
        name,
        self._get_param("computePlatform"),
        traffic,
        self._get_param("minimumHealthyHosts"),
    )
    _custom_configs(backend)[name] = config
    return ActionResult({"deploymentConfigId": config.id})


def _check_traffic_routing(traffic):
    if not traffic:
        return
    kind = traffic.get("type")
    member, percent, interval = {
        "TimeBasedCanary": ("timeBasedCanary", "canaryPercentage", "canaryInterval"),
        "TimeBasedLinear": ("timeBasedLinear", "linearPercentage", "linearInterval"),
    }.get(kind, (None, None, None))
    if member is None:
        return
    spec = traffic.get(member) or {}
    if not 0 < int(spec.get(percent) or 0) <= 99 or int(spec.get(interval) or 0) < 1:
        # Modelled on API_CreateDeploymentConfig's InvalidTrafficRoutingConfigurationException.
        raise _codedeploy_error(
            "InvalidTrafficRoutingConfigurationException",
            f"The {member} configuration needs a {percent} from 1 to 99 and an {interval} of "
            "at least 1 minute.",
        )


def _response_get_deployment_config(self):
    name = self._get_param("deploymentConfigName")
    config = _config(self.codedeploy_backend, name)
    if config is None:
        raise _config_missing(name)
    return ActionResult({"deploymentConfigInfo": config.info()})


def _response_list_deployment_configs(self):
    names = sorted(set(_ECS_CONFIGS) | _OTHER_DEFAULTS | set(_custom_configs(self.codedeploy_backend)))
    return ActionResult({"deploymentConfigsList": names})


def _response_delete_deployment_config(self):
    backend = self.codedeploy_backend
    name = self._get_param("deploymentConfigName")
    if name not in _custom_configs(backend):
        if _config(backend, name) is not None:
            # Modelled on API_DeleteDeploymentConfig's InvalidOperationException.
            raise _codedeploy_error(
                "InvalidOperationException", "A predefined deployment configuration cannot be deleted."
            )
        raise _config_missing(name)
    for groups in backend.deployment_groups.values():
        for group in groups.values():
            if str(group.deployment_config_name) == name:
                raise _codedeploy_error(
                    "DeploymentConfigInUseException",
                    f"The deployment configuration {name} is in use.",  # modelled
                )
    del _custom_configs(backend)[name]
    return ActionResult({})


# --- CodeDeploy deployment groups: role and configuration checks ----------------------------

# At most 10 alarms per group: API_AlarmConfiguration ("A maximum of 10 alarms can be added")
# and AlarmsLimitExceededException. hashicorp/terraform-provider-aws PR #39971 reports that the
# service quota is now 50 (adjustable); the emulator keeps the documented 10.
MAX_ALARMS = 10


def _check_alarm_configuration(config):
    """CreateDeploymentGroup/UpdateDeploymentGroup's alarm rules (API_CreateDeploymentGroup,
    errors AlarmsLimitExceededException and InvalidAlarmConfigException; both texts modelled on
    the exceptions' documentation)."""
    if not config:
        return
    entries = config.get("alarms") or []
    if len(entries) > MAX_ALARMS:
        raise _codedeploy_error(
            "AlarmsLimitExceededException",
            f"The maximum number of alarms for a deployment group ({MAX_ALARMS}) was exceeded.",
        )
    names = [(entry or {}).get("name") for entry in entries]
    if any(not name or len(name) > 255 for name in names):
        raise _codedeploy_error(
            "InvalidAlarmConfigException",
            "The alarm name is empty or null or exceeds the limit of 255 characters.",
        )
    if len(set(names)) != len(names):
        raise _codedeploy_error(
            "InvalidAlarmConfigException",
            "Two alarms with the same name have been specified.",
        )
    if config.get("enabled") and not names:
        raise _codedeploy_error(
            "InvalidAlarmConfigException",
            "The alarm configuration is enabled, but the alarm list is empty.",
        )


_original_create_deployment_group = CodeDeployBackend.create_deployment_group


def _create_deployment_group(self, application_name, deployment_group_name,
                             deployment_config_name, *args, **kwargs):
    application = self.applications.get(application_name)
    if application is not None and not deployment_config_name and application.compute_platform == "ECS":
        # An ECS group without a configuration runs all at once.
        deployment_config_name = "CodeDeployDefault.ECSAllAtOnce"
    if deployment_config_name and _config(self, deployment_config_name) is None:
        raise _config_missing(deployment_config_name)
    _check_alarm_configuration(kwargs.get("alarm_configuration"))
    service_role = kwargs.get("service_role_arn") or (args[3] if len(args) > 3 else None)
    if application is not None:
        _check_service_role(self.account_id, service_role)
    return _original_create_deployment_group(
        self, application_name, deployment_group_name, deployment_config_name, *args, **kwargs
    )


_original_update_deployment_group = CodeDeployResponse.update_deployment_group


def _update_deployment_group(self):
    # Checked before anything changes.
    self.codedeploy_backend.get_deployment_group(
        self._get_param("applicationName"), self._get_param("currentDeploymentGroupName")
    )
    role = self._get_param("serviceRoleArn")
    if role:
        _check_service_role(self.codedeploy_backend.account_id, role)
    config = self._get_param("deploymentConfigName")
    if config and _config(self.codedeploy_backend, config) is None:
        raise _config_missing(config)
    _check_alarm_configuration(self._get_param("alarmConfiguration"))
    return _original_update_deployment_group(self)


_previous_deployment_group_info = codedeploy_responses._deployment_group_info


def _deployment_group_info(group):
    """Answers the group's alarmConfiguration (moto answers {})."""
    info = _previous_deployment_group_info(group)
    config = getattr(group, "alarm_configuration", None) or {}
    if not isinstance(config, dict):
        config = {}
    info["alarmConfiguration"] = {
        "enabled": bool(config.get("enabled", False)),
        "ignorePollAlarmFailure": bool(config.get("ignorePollAlarmFailure", False)),
        "alarms": [{"name": a.get("name")} for a in config.get("alarms") or []],
    }
    return info


# --- Rule 3: deployments that progress over time --------------------------------------------

# ECS lifecycle events, in order
# (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html).
LIFECYCLE = [
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "AllowTestTraffic",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AllowTraffic",
    "AfterAllowTraffic",
]

ACTIVE_STATUSES = ("Created", "Queued", "InProgress", "Baking", "Ready")

# Deployment ID -> Run.
_runs = {}
# Outcomes for the next deployments (POST /_emulator/deployments {"fail": N}), and how many
# of an ECS deployment's task launches fail before its tasks start ({"failed_tasks": K};
# None: every launch fails).
_pending_failures = [0]
_failed_tasks = [None]


def fail_next_deployments(count, failed_tasks=None):
    with lock:
        _pending_failures[0] = int(count)
        _failed_tasks[0] = failed_tasks


def failed_tasks():
    """How many task launches fail in a failing ECS deployment (None: all of them)."""
    return _failed_tasks[0]


def _take_failure():
    if _pending_failures[0] > 0:
        _pending_failures[0] -= 1
        return True
    return False


def _deployment_id():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "d-" + "".join(mock_random.choice(alphabet) for _ in range(9))


def _listener(elbv2, arn):
    for lb in elbv2.load_balancers.values():
        if arn in lb.listeners:
            return lb.listeners[arn]
    return None


def _rules(listener):
    """(key, actions) of each rule of a listener, the default rule last."""
    for arn, rule in listener._non_default_rules.items():
        yield arn, rule
    for rule in listener._default_rule.values():
        yield ("default", listener.arn), rule


def _set_actions(listener, rule, actions):
    rule.actions = actions
    if getattr(rule, "priority", None) == "default":
        listener.default_actions = actions


def _top_target(data):
    """The target group a forward action sends most traffic to; None on a tie or none."""
    groups = (data.get("ForwardConfig") or {}).get("TargetGroups") or []
    if groups:
        weights = sorted(
            ((int(tg.get("Weight", 1)), tg["TargetGroupArn"]) for tg in groups), reverse=True
        )
        if len(weights) > 1 and weights[0][0] == weights[1][0]:
            return None
        return weights[0][1]
    return data.get("TargetGroupArn")


def _weighted(action, weights):
    """A copy of a forward action that sends `weights` ({arn: weight}) and names no scalar
    TargetGroupArn, as CodeDeploy writes it."""
    data = json.loads(json.dumps(action.data))
    data.pop("TargetGroupArn", None)
    forward = data.get("ForwardConfig") or {}
    forward["TargetGroups"] = [{"TargetGroupArn": arn, "Weight": w} for arn, w in weights.items()]
    forward.setdefault("TargetGroupStickinessConfig", {"Enabled": False})
    data["ForwardConfig"] = forward
    return FakeAction(data)


class DeploymentFailed(Exception):
    def __init__(self, code, message, status="Failed"):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class Event:
    def __init__(self, name):
        self.name = name
        self.status = "Pending"
        self.start = None
        self.end = None

    def begin(self, when):
        self.status = "InProgress"
        self.start = when

    def finish(self, when, status="Succeeded"):
        if self.start is None:
            self.start = when
        self.status = status
        self.end = when

    def to_json(self):
        event = {"lifecycleEventName": self.name, "status": self.status}
        if self.start is not None:
            event["startTime"] = self.start
        if self.end is not None:
            event["endTime"] = self.end
        return event


class Run:
    """One ECS blue/green deployment as it advances: a generator of delays (`_script`) that
    `tick` resumes whenever the time it asked to wait has passed."""

    def __init__(self, codedeploy, deployment, failing):
        self.codedeploy = codedeploy
        self.deployment = deployment
        self.group = deployment.deployment_group
        self.failing = failing
        self.events = [Event(name) for name in LIFECYCLE]
        self.current = None
        self.continued = False
        self.finished = False
        self.updated = utcnow()
        account, region = codedeploy.account_id, codedeploy.region_name
        self.ecs = ecs_backends[account][region]
        self.elbv2 = elbv2_backends[account][region]
        self.service = None
        self.original = None
        self.replacement = None
        self.rule_snapshot = {}
        self.service_snapshot = None
        self.weights = {}
        self.due = time.monotonic()
        self.script = self._script()

    # Scheduling.

    def at(self):
        """The wall-clock time of the step being performed: steps run lazily, so a step due
        some time ago is stamped with the time it was due, not with the time of the request
        that performed it."""
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
            except DeploymentFailed as failure:
                self.fail(failure.code, failure.message, status=failure.status)
                break
            self.updated = self.at()
            self.due += max(0.0, float(delay))
            self._poll_alarms()

    # Alarms (https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html:
    # "If any of the specified alarms are activated, the deployment stops, and the status is
    # updated to Stopped").

    def alarm_configuration(self):
        """The deployment's alarm configuration: CreateDeployment's overrideAlarmConfiguration,
        else the group's."""
        override = getattr(self.deployment, "override_alarm_configuration", None)
        return override or getattr(self.group, "alarm_configuration", None) or {}

    def _poll_alarms(self):
        """Stops the deployment when an alarm of an enabled configuration is in ALARM (or, with
        ignorePollAlarmFailure false, does not exist), from InProgress through the termination
        wait."""
        d = self.deployment
        if self.finished or d.status not in ("InProgress", "Ready", "Baking"):
            return
        config = self.alarm_configuration()
        if not config.get("enabled"):
            return
        account, region = self.codedeploy.account_id, self.codedeploy.region_name
        names = [a.get("name") for a in config.get("alarms") or [] if a.get("name")]
        active, missing = [], []
        for name in names:
            value = alarms.state(account, region, name)
            if value is None:
                missing.append(name)
            elif value == "ALARM":
                active.append(name)
        if active:
            # Quoted: GetDeployment output published in public repositories (ALARM_ACTIVE,
            # status Stopped); each alarm's name in angle brackets.
            message = (
                "One or more alarms have been activated according to the Amazon CloudWatch "
                "metrics you selected, and the affected deployments have been stopped. "
                "Activated alarms: " + " ".join(f"<{n}>" for n in active)
            )
        elif missing and not config.get("ignorePollAlarmFailure"):
            # Modelled on AlarmConfiguration.ignorePollAlarmFailure ("false: The deployment
            # stops if alarm status information can't be retrieved from Amazon CloudWatch").
            message = (
                "The deployment was stopped because the state of the following alarms could "
                "not be retrieved from Amazon CloudWatch: " + " ".join(f"<{n}>" for n in missing)
            )
        else:
            return
        rollback = self._rolls_back_on("DEPLOYMENT_STOP_ON_ALARM")
        if rollback:
            self.fail(
                "ALARM_ACTIVE",
                message,
                status="Stopped",
                rollback_message="Stopped on alarm: production traffic is back on the original "
                "task set.",
            )
        else:
            self.stop(message)

    def _rolls_back_on(self, event):
        config = getattr(self.deployment, "auto_rollback_configuration", None) or (
            getattr(self.group, "auto_rollback_configuration", None) or {}
        )
        return bool(config.get("enabled")) and event in (config.get("events") or [])

    def stop(self, message, code="ALARM_ACTIVE"):
        """Stops without a rollback: the replacement task set and the listener rules stay as
        they are (CodeDeploy rolls back only when the group's autoRollbackConfiguration asks)."""
        d = self.deployment
        for event in self.events:
            if event is self.current:
                event.finish(self.at(), "Skipped")
            elif event.status in ("Pending", "InProgress"):
                event.status = "Skipped"
        d.status = "Stopped"
        d.complete_time = self.at()
        d.error_information = {"code": code, "message": message}
        d.deployment_overview.update({"InProgress": 0, "Pending": 0, "Failed": 1})
        self.finished = True
        self.script = iter(())

    # Resources.

    def _resolve(self):
        """The service, the target group pair (original = PRIMARY's, replacement = other) and the
        listeners; DeploymentFailed when they do not add up."""
        target = (self.group.ecs_services or [{}])[0]
        key = f"{target.get('clusterName')}:{target.get('serviceName')}"
        service = self.ecs.services.get(key)
        if service is None or service.status != "ACTIVE":
            raise DeploymentFailed(
                "INVALID_ECS_SERVICE",
                f"The ECS service {target.get('serviceName')} in cluster "
                f"{target.get('clusterName')} does not exist or is not active.",  # modelled
            )
        if (service.deployment_controller or {}).get("type") != "CODE_DEPLOY":
            raise DeploymentFailed(
                "INVALID_ECS_SERVICE",
                f"The ECS service {target.get('serviceName')} does not use the CODE_DEPLOY "
                "deployment controller.",  # modelled
            )
        self.service = service
        pair = (self.group.load_balancer_info.get("targetGroupPairInfoList") or [{}])[0]
        names = [tg.get("name") for tg in pair.get("targetGroups", [])]
        arns = {tg.name: tg.arn for tg in self.elbv2.target_groups.values()}
        self.pair = [arns[n] for n in names if n in arns]
        if len(self.pair) != 2:
            raise DeploymentFailed(
                "ELASTIC_LOAD_BALANCING_INVALID",
                "The deployment group's target group pair does not name two existing target "
                "groups.",  # modelled
            )
        self.prod_listeners = (pair.get("prodTrafficRoute") or {}).get("listenerArns", [])
        self.test_listeners = (pair.get("testTrafficRoute") or {}).get("listenerArns", [])
        primary = next((ts for ts in service.task_sets if ts.status == "PRIMARY"), None)
        self.original = primary
        primary_lbs = primary.load_balancers if primary is not None else service.load_balancers
        self.primary_group = (primary_lbs or [{}])[0].get("targetGroupArn")
        self.other_group = next((a for a in self.pair if a != self.primary_group), None)

    def _behind(self):
        """Refuses the deployment unless every rule on the production and test listeners that
        names the pair forwards (most) to the PRIMARY task set's target group, and each listener
        has one that does (troubleshooting-ecs: "Primary taskset target group must be behind
        listener")."""
        for arn in self.prod_listeners + self.test_listeners:
            listener = _listener(self.elbv2, arn)
            behind = listener is not None and self.primary_group in self.pair
            found = False
            rules = list(_rules(listener)) if listener is not None else []
            for _key, rule in rules:
                for action in rule.actions:
                    targets = _forward_targets(action.data)
                    if not set(targets) & set(self.pair):
                        continue
                    found = True
                    if _top_target(action.data) != self.primary_group:
                        behind = False
            if not (behind and found):
                raise DeploymentFailed(
                    "ECS_UPDATE_ERROR",  # the code is modelled; the message is AWS's
                    "The ELB could not be updated due to the following error: Primary taskset "
                    f"target group must be behind listener {arn}",
                )

    def _snapshot(self):
        """What a rollback restores: the rules that name the pair (only those: other services'
        rules on a shared listener are theirs), and the service's settings."""
        for arn in self.prod_listeners + self.test_listeners:
            listener = _listener(self.elbv2, arn)
            if listener is None:
                continue
            for key, rule in _rules(listener):
                if any(set(_forward_targets(a.data)) & set(self.pair) for a in rule.actions):
                    self.rule_snapshot[key] = (listener, rule, list(rule.actions))
        s = self.service
        self.service_snapshot = {
            "task_definition": s.task_definition,
            "load_balancers": json.loads(json.dumps(s.load_balancers)),
            "network_configuration": json.loads(json.dumps(s.network_configuration)),
            "platform_version": s.platform_version,
            "launch_type": s.launch_type,
            "capacity_provider_strategy": getattr(s, "capacity_provider_strategy", None),
        }

    def _route(self, listeners, replacement_weight, production=False):
        """Every forward action on these listeners that names the pair now sends
        replacement_weight % to the replacement group and the rest to the original."""
        weights = {
            self.other_group: replacement_weight,
            self.primary_group: 100 - replacement_weight,
        }
        for arn in listeners:
            listener = _listener(self.elbv2, arn)
            if listener is None:
                continue
            for _key, rule in list(_rules(listener)):
                changed = False
                actions = []
                for action in rule.actions:
                    if set(_forward_targets(action.data)) & set(self.pair):
                        actions.append(_weighted(action, weights))
                        changed = True
                    else:
                        actions.append(action)
                if changed:
                    _set_actions(listener, rule, actions)
        if production:
            self.weights = weights

    # The deployment itself.

    def _event(self, name):
        event = next(e for e in self.events if e.name == name)
        event.begin(self.at())
        self.current = event
        return event

    def _script(self):
        d = self.deployment
        yield _step()  # Created
        d.status = "InProgress"
        d.start_time = self.at()
        d.deployment_overview.update({"Pending": 0, "InProgress": 1})
        properties = _appspec_properties(d)
        self._resolve()
        self._behind()
        self._snapshot()

        event = self._event("BeforeInstall")
        yield _step()
        event.finish(self.at())

        event = self._event("Install")
        self._install(properties)
        yield _step()
        if self.failing:
            raise DeploymentFailed(
                "HEALTH_CONSTRAINTS",
                "The deployment failed because the replacement tasks did not pass the target "
                "group health checks (emulator fault injection).",
            )
        event.finish(self.at())

        event = self._event("AfterInstall")
        yield _step()
        event.finish(self.at())

        event = self._event("AllowTestTraffic")
        if self.test_listeners:
            self._route(self.test_listeners, 100)
            yield _step()
            event.finish(self.at())
        else:
            event.finish(self.at(), "Skipped")

        event = self._event("AfterAllowTestTraffic")
        yield _step()
        event.finish(self.at())

        yield from self._ready_wait()

        event = self._event("BeforeAllowTraffic")
        yield _step()
        event.finish(self.at())

        event = self._event("AllowTraffic")
        for weight, wait in _traffic_steps(self.codedeploy, d):
            self._route(self.prod_listeners, weight, production=True)
            if weight < 100:
                yield _minutes(wait)
        self._swap_primary()
        yield _step()
        event.finish(self.at())

        event = self._event("AfterAllowTraffic")
        yield _step()
        event.finish(self.at())
        self.current = None

        termination = (self.group.blue_green_deployment_configuration or {}).get(
            "terminateBlueInstancesOnDeploymentSuccess"
        ) or {}
        if termination.get("action", "TERMINATE") == "TERMINATE":
            d.instance_termination_wait_time_started = True
            yield _minutes(termination.get("terminationWaitTimeInMinutes") or 0)
            if self.original is not None:
                self.original.status = "DRAINING"
                self.original.updatedAt = self.at()
                yield _step()
                if self.original in self.service.task_sets:
                    self.service.task_sets.remove(self.original)
        d.status = "Succeeded"
        d.complete_time = self.at()
        d.deployment_overview.update({"InProgress": 0, "Succeeded": 1})

    def _ready_wait(self):
        """deploymentReadyOption: with STOP_DEPLOYMENT the deployment waits (status Ready) for
        ContinueDeployment, and stops when waitTimeInMinutes passes without one."""
        option = (self.group.blue_green_deployment_configuration or {}).get(
            "deploymentReadyOption"
        ) or {}
        wait = option.get("waitTimeInMinutes") or 0
        if option.get("actionOnTimeout") != "STOP_DEPLOYMENT":
            if wait:
                yield _minutes(wait)
            return
        self.deployment.status = "Ready"
        deadline = time.monotonic() + _minutes(wait)
        while not self.continued:
            if time.monotonic() >= deadline:
                # API_DeploymentReadyOption: "If traffic rerouting is not started before the
                # end of the specified wait period, the deployment status is changed to
                # Stopped."
                raise DeploymentFailed(
                    "TIMEOUT",
                    "The deployment was not continued within the deployment ready wait time.",  # modelled
                    status="Stopped",
                )
            yield min(_step(), max(0.0, deadline - time.monotonic())) or 0.001
        self.deployment.status = "InProgress"

    def _install(self, properties):
        spec = properties
        lb_info = spec.get("LoadBalancerInfo") or {}
        original_lb = (self.original.load_balancers if self.original else self.service.load_balancers)
        first = dict((original_lb or [{}])[0])
        first["targetGroupArn"] = self.other_group
        if lb_info.get("ContainerName"):
            first["containerName"] = lb_info["ContainerName"]
        if lb_info.get("ContainerPort") is not None:
            first["containerPort"] = int(lb_info["ContainerPort"])
        network = _network_from_appspec(spec.get("NetworkConfiguration"))
        if network is None:
            network = json.loads(json.dumps(
                (self.original.network_configuration if self.original else None)
                or self.service.network_configuration or None
            ))
        strategy = _capacity_from_appspec(spec.get("CapacityProviderStrategy"))
        if strategy is None and self.original is not None:
            strategy = self.original.capacity_provider_strategy or None
        try:
            definition = self.ecs.describe_task_definition(spec["TaskDefinition"])
        except Exception:  # moto's ClientException for an unknown revision
            raise DeploymentFailed(
                "INVALID_REVISION",
                f"The task definition {spec['TaskDefinition']} in the AppSpec does not exist.",  # modelled
            ) from None
        _check_container(definition, first.get("containerName"), first.get("containerPort"))
        task_definition = definition.arn
        self.replacement = _new_task_set(
            self.service,
            task_definition,
            [first],
            network,
            spec.get("PlatformVersion")
            or (self.original.platform_version if self.original else self.service.platform_version),
            strategy,
            self.service.launch_type or (self.original.launch_type if self.original else None),
            external_id=self.deployment.deployment_id,
            started_by="CODE_DEPLOY",
            status="ACTIVE",
        )
        self.replacement.createdAt = self.replacement.updatedAt = self.at()
        self.service.task_sets.append(self.replacement)

    def _swap_primary(self):
        """UpdateServicePrimaryTaskSet: the replacement serves production; the service names its
        revision, target group and network."""
        now = self.at()
        for task_set in self.service.task_sets:
            task_set.status = "PRIMARY" if task_set is self.replacement else "ACTIVE"
            task_set.updatedAt = now
        r, s = self.replacement, self.service
        s.task_definition = r.task_definition
        s.load_balancers = json.loads(json.dumps(r.load_balancers))
        if r.network_configuration:
            s.network_configuration = json.loads(json.dumps(r.network_configuration))
        s.platform_version = r.platform_version
        if r.capacity_provider_strategy:
            s.capacity_provider_strategy = json.loads(json.dumps(r.capacity_provider_strategy))
            s.launch_type = None

    def fail(self, code, message, status, rollback_message=None):
        """Ends the deployment and rolls back: the rules as they were, the original task set
        PRIMARY, the replacement removed, the service as it was."""
        d = self.deployment
        for listener, rule, actions in self.rule_snapshot.values():
            _set_actions(listener, rule, actions)
        if self.service is not None:
            if self.replacement is not None and self.replacement in self.service.task_sets:
                self.service.task_sets.remove(self.replacement)
            if self.original is not None:
                self.original.status = "PRIMARY"
                if self.original not in self.service.task_sets and self.service.status == "ACTIVE":
                    self.service.task_sets.insert(0, self.original)
            if self.service_snapshot is not None:
                for attribute, value in self.service_snapshot.items():
                    setattr(self.service, attribute, value)
        for event in self.events:
            if event is self.current:
                event.finish(self.at(), "Failed" if status == "Failed" else "Skipped")
            elif event.status in ("Pending", "InProgress"):
                event.status = "Skipped"
        d.status = status
        d.complete_time = self.at()
        d.error_information = {"code": code, "message": message}
        if self.rule_snapshot or self.replacement is not None:
            d.rollback_info = {
                "rollbackMessage": rollback_message
                or "Automatic rollback: production traffic stays on the original task set."
            }
        d.deployment_overview.update({"InProgress": 0, "Pending": 0, "Failed": 1})
        self.finished = True
        self.script = iter(())

    # DeploymentTarget for ListDeploymentTargets / BatchGetDeploymentTargets.

    def target_id(self):
        target = (self.group.ecs_services or [{}])[0]
        return f"{target.get('clusterName')}:{target.get('serviceName')}"

    def target(self):
        d = self.deployment
        status = {
            "Created": "Pending",
            "Queued": "Pending",
            "InProgress": "InProgress",
            "Ready": "Ready",
            "Succeeded": "Succeeded",
            "Failed": "Failed",
            "Stopped": "Failed",
        }.get(d.status, "Unknown")
        task_sets = []
        for label, task_set in (("Blue", self.original), ("Green", self.replacement)):
            if task_set is None:
                continue
            group = (task_set.load_balancers or [{}])[0].get("targetGroupArn")
            weight = float(self.weights.get(group, 100 if label == "Blue" else 0))
            task_sets.append({
                "identifer": task_set.id,
                "desiredCount": getattr(task_set, "computed_desired_count", 0),
                "pendingCount": getattr(task_set, "pending_count", 0),
                "runningCount": getattr(task_set, "running_count", 0),
                "status": task_set.status,
                "trafficWeight": weight,
                "targetGroup": {"name": _group_name(self.elbv2, group)},
                "taskSetLabel": label,
            })
        return {
            "deploymentTargetType": "ECSTarget",
            "ecsTarget": {
                "deploymentId": d.deployment_id,
                "targetId": self.target_id(),
                "targetArn": self.service.arn if self.service is not None else "",
                "lastUpdatedAt": self.updated,
                "lifecycleEvents": [e.to_json() for e in self.events],
                "status": status,
                "taskSetsInfo": task_sets,
            },
        }


def _group_name(elbv2, arn):
    group = elbv2.target_groups.get(arn)
    return group.name if group is not None else (arn or "").split("/")[-2:][0]


def _appspec_properties(deployment):
    """The AppSpec's Resources[0].TargetService.Properties; DeploymentFailed if it has none."""
    revision = deployment.revision or {}
    content = (revision.get("appSpecContent") or {}).get("content") or (
        revision.get("string") or {}
    ).get("content")
    try:
        # AppSpecs are YAML or JSON; JSON is YAML.
        spec = yaml.safe_load(content)
        properties = spec["Resources"][0]
        properties = next(iter(properties.values()))["Properties"]
        if not properties.get("TaskDefinition"):
            raise KeyError("TaskDefinition")
        return properties
    except (TypeError, ValueError, KeyError, IndexError, StopIteration, AttributeError,
            yaml.YAMLError):
        raise DeploymentFailed(
            "INVALID_REVISION",
            "The AppSpec file has no Resources[0].TargetService.Properties.TaskDefinition.",  # modelled
        ) from None


def _check_container(definition, name, port):
    """The AppSpec's LoadBalancerInfo names a container of the task definition and one of its
    container ports (reference-appspec-file-structure-resources: "ContainerName: The name of
    the Amazon ECS container that contains your Amazon ECS application. It must be a container
    specified in your Amazon ECS task definition"; ContainerPort likewise)."""
    container = next((c for c in definition.container_definitions if c.get("name") == name), None)
    ports = [m.get("containerPort") for m in (container or {}).get("portMappings") or []]
    if container is None or (port is not None and int(port) not in ports):
        raise DeploymentFailed(
            "INVALID_REVISION",
            f"The AppSpec's LoadBalancerInfo names container {name} port {port}, which task "
            f"definition {definition.arn} does not have.",  # modelled
        )


def _network_from_appspec(network):
    vpc = (network or {}).get("AwsvpcConfiguration") or (network or {}).get("awsvpcConfiguration")
    if not vpc:
        return None
    return {
        "awsvpcConfiguration": {
            "subnets": list(vpc.get("Subnets") or vpc.get("subnets") or []),
            "securityGroups": list(vpc.get("SecurityGroups") or vpc.get("securityGroups") or []),
            "assignPublicIp": vpc.get("AssignPublicIp") or vpc.get("assignPublicIp") or "DISABLED",
        }
    }


def _capacity_from_appspec(strategy):
    if not strategy:
        return None
    return [
        {
            "capacityProvider": item.get("CapacityProvider") or item.get("capacityProvider"),
            "base": int(item.get("Base", item.get("base", 0)) or 0),
            "weight": int(item.get("Weight", item.get("weight", 0)) or 0),
        }
        for item in strategy
    ]


def _traffic_steps(codedeploy, deployment):
    """[(replacement weight, minutes until the next step)] ending with (100, 0)."""
    config = _config(codedeploy, deployment.deployment_config_name)
    routing = config.traffic_routing if config is not None else {"type": "AllAtOnce"}
    kind = routing.get("type")
    if kind == "TimeBasedCanary":
        spec = routing.get("timeBasedCanary") or {}
        return [(int(spec["canaryPercentage"]), int(spec["canaryInterval"])), (100, 0)]
    if kind == "TimeBasedLinear":
        spec = routing.get("timeBasedLinear") or {}
        step, interval = int(spec["linearPercentage"]), int(spec["linearInterval"])
        steps = [(p, interval) for p in range(step, 100, step)]
        return steps + [(100, 0)]
    return [(100, 0)]


def tick(now=None):
    """Advances every deployment whose next step is due."""
    with lock:
        now = time.monotonic() if now is None else now
        for run in list(_runs.values()):
            if run.finished:
                continue
            if run.service is not None and run.service.status != "ACTIVE":
                run.fail(
                    "INVALID_ECS_SERVICE",
                    "The ECS service was deleted during the deployment.",  # modelled
                    status="Failed",
                )
                continue
            run.advance(now)


def _active_deployment(backend, application, group):
    for deployment in backend.deployments.values():
        if (
            deployment.application_name == application
            and deployment.deployment_group_name == group
            and deployment.status in ACTIVE_STATUSES
        ):
            return deployment
    return None


_original_create_deployment = CodeDeployBackend.create_deployment


def _create_deployment(self, application_name, deployment_group_name, *args, **kwargs):
    with lock:
        tick()
        active = _active_deployment(self, application_name, deployment_group_name)
        if active is not None:
            # CircleCI-Public/aws-ecs-orb #181 quotes the text.
            raise _codedeploy_error(
                "DeploymentLimitExceededException",
                f"The Deployment Group '{deployment_group_name}' already has an active "
                f"Deployment '{active.deployment_id}'",
            )
        config_name = kwargs.get("deployment_config_name") or (args[1] if len(args) > 1 else None)
        if config_name and _config(self, config_name) is None:
            raise _config_missing(config_name)
        moto_id = _original_create_deployment(
            self, application_name, deployment_group_name, *args, **kwargs
        )
        deployment = self.deployments.pop(moto_id)
        deployment.deployment_id = _deployment_id()
        self.deployments[deployment.deployment_id] = deployment
        deployment.error_information = {}
        deployment.rollback_info = {}
        deployment.deployment_overview.update({"Pending": 1})
        if deployment.application.compute_platform == "ECS":
            _runs[deployment.deployment_id] = Run(self, deployment, _take_failure())
        return deployment.deployment_id


def _response_stop_deployment(self):
    deployment_id = self._get_param("deploymentId")
    with lock:
        tick()
        deployment = self.codedeploy_backend.deployments.get(deployment_id)
        if deployment is None:
            raise DeploymentDoesNotExistException(
                f"The deployment {deployment_id} does not exist with the user or AWS account."
            )
        if deployment.status not in ACTIVE_STATUSES:
            # Modelled on API_StopDeployment's DeploymentAlreadyCompletedException.
            raise _codedeploy_error(
                "DeploymentAlreadyCompletedException",
                f"The deployment {deployment_id} has already completed.",
            )
        run = _runs.get(deployment_id)
        message = "The deployment was stopped by a user request (StopDeployment)."  # modelled
        if run is not None:
            run.fail("MANUAL_STOP", message, status="Stopped",
                     rollback_message="Stopped: production traffic is back on the original task set.")
        else:
            deployment.status = "Stopped"
            deployment.complete_time = utcnow()
        return ActionResult({"status": "Succeeded", "statusMessage": "Deployment stopped."})


def _response_continue_deployment(self):
    deployment_id = self._get_param("deploymentId")
    with lock:
        tick()
        deployment = self.codedeploy_backend.get_deployment(deployment_id)
        run = _runs.get(deployment_id)
        if run is None or deployment.status != "Ready":
            # Modelled on API_ContinueDeployment's DeploymentIsNotInReadyStateException.
            raise _codedeploy_error(
                "DeploymentIsNotInReadyStateException",
                f"The deployment {deployment_id} is not in the Ready state.",
            )
        run.continued = True
        return ActionResult({})


def _run_of(backend, deployment_id):
    backend.get_deployment(deployment_id)  # DeploymentDoesNotExistException
    return _runs.get(deployment_id)


def _response_list_deployment_targets(self):
    run = _run_of(self.codedeploy_backend, self._get_param("deploymentId"))
    return ActionResult({"targetIds": [run.target_id()] if run is not None else []})


def _response_batch_get_deployment_targets(self):
    run = _run_of(self.codedeploy_backend, self._get_param("deploymentId"))
    wanted = self._get_param("targetIds") or []
    targets = []
    if run is not None and run.target_id() in wanted:
        targets.append(run.target())
    return ActionResult({"deploymentTargets": targets})


def _response_get_deployment_target(self):
    deployment_id = self._get_param("deploymentId")
    run = _run_of(self.codedeploy_backend, deployment_id)
    target_id = self._get_param("targetId")
    if run is None or run.target_id() != target_id:
        raise _codedeploy_error(
            "DeploymentTargetDoesNotExistException",
            f"The target {target_id} does not exist in deployment {deployment_id}.",  # modelled
        )
    return ActionResult({"deploymentTarget": run.target()})


_original_deployment_info = codedeploy_responses._deployment_info


def _deployment_info(deployment):
    info = _original_deployment_info(deployment)
    info["errorInformation"] = getattr(deployment, "error_information", None) or {}
    info["rollbackInfo"] = getattr(deployment, "rollback_info", None) or {}
    info["deploymentOverview"] = dict(deployment.deployment_overview)
    return info


def install():
    EC2ContainerServiceResponse.update_service = _update_service
    EC2ContainerServiceResponse.create_service = _create_service
    EC2ContainerServiceBackend.delete_service = _delete_service
    ELBv2Backend.delete_target_group = _delete_target_group
    ELBv2Backend.modify_rule = _modify_rule
    IAMBackend.create_role = _create_role
    IAMBackend.update_assume_role_policy = _update_assume_role_policy
    CodeDeployBackend.create_deployment_group = _create_deployment_group
    CodeDeployBackend.create_deployment = _create_deployment
    CodeDeployResponse.update_deployment_group = _update_deployment_group
    CodeDeployResponse.stop_deployment = _response_stop_deployment
    CodeDeployResponse.continue_deployment = _response_continue_deployment
    CodeDeployResponse.create_deployment_config = _response_create_deployment_config
    CodeDeployResponse.get_deployment_config = _response_get_deployment_config
    CodeDeployResponse.list_deployment_configs = _response_list_deployment_configs
    CodeDeployResponse.delete_deployment_config = _response_delete_deployment_config
    CodeDeployResponse.list_deployment_targets = _response_list_deployment_targets
    CodeDeployResponse.batch_get_deployment_targets = _response_batch_get_deployment_targets
    CodeDeployResponse.get_deployment_target = _response_get_deployment_target
    codedeploy_responses._deployment_info = _deployment_info
    codedeploy_responses._deployment_group_info = _deployment_group_info


install()
