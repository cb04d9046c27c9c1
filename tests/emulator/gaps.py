"""Fills the gaps moto 5.2.5 has for this provider's call flow (shared/reference/feasibility.md
§2). Each patch is named after the AWS behaviour it supplies. Imported by launcher.py before the
server starts; moto looks actions up on its response classes per request, so functions attached
here are served like moto's own. CodeDeploy deployments themselves (and the rules AWS enforces
that moto does not) are contract.py's.
"""

import inspect
import json
import threading
import types
import urllib.parse

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.codedeploy import responses as codedeploy_responses
from moto.codedeploy.exceptions import (
    ApplicationDoesNotExistException,
    DeploymentGroupDoesNotExistException,
)
from moto.codedeploy.models import CodeDeployBackend
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException as EcsInvalidParameterException
from moto.ecs.models import ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.core.serialize import url_encode as moto_url_encode
from moto.iam import models as iam_models
from moto.iam.responses import IamResponse
from moto.servicediscovery.models import ServiceDiscoveryBackend

# Guards the Application Auto Scaling tags below.
_control = threading.Lock()

# --- CodeDeploy: deployment group and application operations moto lacks -------------------


def _delete_deployment_group(self, application_name, deployment_group_name):
    if application_name not in self.applications:
        raise ApplicationDoesNotExistException(
            f"The application {application_name} does not exist with the user or AWS account."
        )
    groups = self.deployment_groups.get(application_name, {})
    if deployment_group_name not in groups:
        raise DeploymentGroupDoesNotExistException(
            f"The deployment group {deployment_group_name} does not exist with the user or AWS account."
        )
    del groups[deployment_group_name]


def _delete_application(self, application_name):
    if application_name not in self.applications:
        raise ApplicationDoesNotExistException(
            f"The application {application_name} does not exist with the user or AWS account."
        )
    del self.applications[application_name]
    self.deployment_groups.pop(application_name, None)


# Request members UpdateDeploymentGroup may change, and the model attribute each lands on.
_UPDATABLE = {
    "deploymentConfigName": "deployment_config_name",
    "serviceRoleArn": "service_role_arn",
    "autoRollbackConfiguration": "auto_rollback_configuration",
    "alarmConfiguration": "alarm_configuration",
    "deploymentStyle": "deployment_style",
    "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
    "loadBalancerInfo": "load_balancer_info",
    "ecsServices": "ecs_services",
    "triggerConfigurations": "trigger_configurations",
    "outdatedInstancesStrategy": "outdated_instances_strategy",
}


def _response_delete_deployment_group(self):
    self.codedeploy_backend.delete_deployment_group(
        self._get_param("applicationName"), self._get_param("deploymentGroupName")
    )
    return ActionResult({"hooksNotCleanedUp": []})


def _response_delete_application(self):
    self.codedeploy_backend.delete_application(self._get_param("applicationName"))
    return ActionResult({})


def _response_update_deployment_group(self):
    application = self._get_param("applicationName")
    current = self._get_param("currentDeploymentGroupName")
    group = self.codedeploy_backend.get_deployment_group(application, current)
    for member, attribute in _UPDATABLE.items():
        value = self._get_param(member)
        if value is not None:
            setattr(group, attribute, value)
    new_name = self._get_param("newDeploymentGroupName")
    if new_name and new_name != current:
        groups = self.codedeploy_backend.deployment_groups[application]
        groups[new_name] = groups.pop(current)
        group.deployment_group_name = new_name
    return ActionResult({"hooksNotCleanedUp": []})


def _response_batch_get_deployment_groups(self):
    application = self._get_param("applicationName")
    infos, missing = [], []
    for name in self._get_param("deploymentGroupNames") or []:
        try:
            group = self.codedeploy_backend.get_deployment_group(application, name)
            infos.append(codedeploy_responses._deployment_group_info(group))
        except DeploymentGroupDoesNotExistException:
            missing.append(name)
    message = f"Deployment groups not found: {', '.join(missing)}" if missing else ""
    return ActionResult({"deploymentGroupsInfo": infos, "errorMessage": message})


# --- ECS: CreateService fields moto drops --------------------------------------------------

_original_ecs_create_service = EC2ContainerServiceResponse.create_service

# Request member -> model attribute that DescribeServices serialises.
_KEPT_SERVICE_FIELDS = {
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "capacityProviderStrategy": "capacity_provider_strategy",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "enableExecuteCommand": "enable_execute_command",
    "deploymentConfiguration": "deployment_configuration",
}


def _ecs_create_service(self):
    # AWS refuses a second ACTIVE service of the same name in a cluster (moto replaces the first):
    # "Creation of service was not idempotent." (API_CreateService, InvalidParameterException;
    # https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html)
    backend = ecs_backends[self.current_account][self.region]
    cluster = (self._get_param("cluster") or "default").split("/")[-1]
    name = self._get_param("serviceName")
    existing = backend.services.get(f"{cluster}:{name}")
    if existing is not None and getattr(existing, "status", "ACTIVE") == "ACTIVE":
        raise EcsInvalidParameterException("Creation of service was not idempotent.")
    result = _original_ecs_create_service(self)
    service = result.result["service"]
    for member, attribute in _KEPT_SERVICE_FIELDS.items():
        value = self._get_param(member)
        if value is not None:
            setattr(service, attribute, value)
    if self._get_param("capacityProviderStrategy"):
        service.launch_type = None
    # AWS answers every service with a deployment configuration (200/100 when none is given);
    # moto leaves it out, which hashicorp/aws reads as a change.
    if self._get_param("deploymentConfiguration") is None:
        service.deployment_configuration = {"maximumPercent": 200, "minimumHealthyPercent": 100}
    return result


# --- CodeDeploy: AWS reports a deployment group's outdatedInstancesStrategy as UPDATE when
# none was set; moto reports null, which hashicorp/aws reads as a change.
_original_deployment_group_info = codedeploy_responses._deployment_group_info


def _deployment_group_info(group):
    info = _original_deployment_group_info(group)
    if not info.get("outdatedInstancesStrategy"):
        info["outdatedInstancesStrategy"] = "UPDATE"
    return info


# --- Application Auto Scaling: tags, which moto does not serve (ListTagsForResource answers
# 500). hashicorp/aws reads a scalable target's tags after registering it and retries until it
# can, so without these its apply never finishes. Kept per ARN, as AWS does.

_scaling_tags = {}
_original_register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target


def _register_scalable_target(self):
    body = _original_register_scalable_target(self)
    arn = json.loads(body).get("ScalableTargetARN")
    tags = self._get_param("Tags") or {}
    if arn:
        with _control:
            _scaling_tags.setdefault(arn, {}).update(tags)
    return body


def _scaling_list_tags_for_resource(self):
    with _control:
        tags = dict(_scaling_tags.get(self._get_param("ResourceARN"), {}))
    return json.dumps({"Tags": tags})


def _scaling_tag_resource(self):
    with _control:
        _scaling_tags.setdefault(self._get_param("ResourceARN"), {}).update(
            self._get_param("Tags") or {}
        )
    return json.dumps({})


def _scaling_untag_resource(self):
    with _control:
        tags = _scaling_tags.get(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
    return json.dumps({})


# --- Cloud Map: one service per name in a namespace, and CreatorRequestId idempotency.
# AWS refuses CreateService for a name the namespace already has with ServiceAlreadyExists
# (HTTP 400; members Message, CreatorRequestId, ServiceId, ServiceArn), and CreatorRequestId
# "allows failed CreateService requests to be retried without the risk of running the
# operation twice" (https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html).
# The SDKs fill CreatorRequestId with an idempotency token once per call (botocore model:
# idempotencyToken), so a retry after a lost answer sends the same one and gets the service
# the first attempt created. moto 5.2.5 creates a second service with the same name instead.


class ServiceAlreadyExists(JsonRESTError):
    def __init__(self, existing):
        super().__init__(
            "ServiceAlreadyExists",
            f"Service already exists. A service named {existing.name} exists in namespace "
            f"{existing.namespace_id} (ServiceId {existing.id}).",
        )
        self.description = json.dumps(
            {
                "__type": "ServiceAlreadyExists",
                "Message": self.message,
                "CreatorRequestId": existing.creator_request_id,
                "ServiceId": existing.id,
                "ServiceArn": existing.arn,
            }
        )


def _namespace_key(namespace):
    """A namespace ID, also when given as its ARN (shared namespaces)."""
    namespace = namespace or ""
    return namespace.rsplit("/", 1)[-1] if namespace.startswith("arn:") else namespace


_original_sd_create_service = ServiceDiscoveryBackend.create_service
_sd_create_service_signature = inspect.signature(_original_sd_create_service)


def _service_namespace(namespace_id, dns_config):
    # DnsConfig.NamespaceId is the deprecated way to name the namespace.
    return _namespace_key(namespace_id or (dns_config or {}).get("NamespaceId"))


def _sd_create_service(self, *args, **kwargs):
    call = _sd_create_service_signature.bind(self, *args, **kwargs).arguments
    name = call.get("name")
    token = call.get("creator_request_id")
    namespace = _service_namespace(call.get("namespace_id"), call.get("dns_config"))
    for existing in list(self.services.values()):
        if existing.name != name:
            continue
        if _service_namespace(existing.namespace_id, existing.dns_config) != namespace:
            continue
        if token and existing.creator_request_id == token:
            return existing
        raise ServiceAlreadyExists(existing)
    return _original_sd_create_service(self, *args, **kwargs)


# --- Application Auto Scaling: a policy put again keeps one set of target-tracking alarms.
# AWS manages a target-tracking policy's CloudWatch alarms itself and updates them with the
# policy ("DO NOT EDIT OR DELETE"; https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html);
# moto 5.2.5 builds a new policy object with new alarms and leaves the old ones behind, so an
# updated policy (its ResourceLabel following the live target group) would leave alarms that
# nothing deletes.

_original_put_scaling_policy = ApplicationAutoscalingBackend.put_scaling_policy


def _put_scaling_policy(self, policy_name, service_namespace, resource_id, scalable_dimension, *args, **kwargs):
    old = None
    for policy in self.policies.values():
        if (
            policy.policy_name == policy_name
            and policy.service_namespace == service_namespace
            and policy.resource_id == resource_id
            and policy.scalable_dimension == scalable_dimension
        ):
            old = policy
    if old is not None:
        old.delete_alarms(self.account_id, self.region_name)
    return _original_put_scaling_policy(
        self, policy_name, service_namespace, resource_id, scalable_dimension, *args, **kwargs
    )


# --- IAM: policy documents encoded as RFC 3986 says ---------------------------------------
#
# GetRolePolicy, GetRole, GetPolicyVersion and GetAccountAuthorizationDetails answer policy
# documents "URL-encoded compliant with RFC 3986"
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html), and AWS encodes
# `/` as `%2F` (`table%2F...` in an AWS answer quoted in aws/aws-sdk-java #730). moto 5.2.5 calls
# Python's `urllib.parse.quote` with its default `safe="/"`, which leaves `/` bare, so a client
# that reads the document without decoding it passes here and fails against AWS (and fakecloud,
# tests/emulator/fakecloud.md finding 1). moto encodes in two places: its IAM response's
# per-member transformers (`url_encode`: GetRolePolicy, GetRole, CreateRole...) and
# moto.iam.models' module name `parse` (policy versions, account details). Both get an encoder
# that keeps no reserved character.


def _quote_rfc3986(string, safe="", encoding=None, errors=None):
    return urllib.parse.quote(string, safe=safe, encoding=encoding, errors=errors)


_iam_parse = types.SimpleNamespace(
    **{**{name: getattr(urllib.parse, name) for name in urllib.parse.__all__},
       "quote": _quote_rfc3986}
)


def _url_encode_rfc3986(value):
    return _quote_rfc3986(value) if isinstance(value, str) else value


def install():
    iam_models.parse = _iam_parse
    IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER = {
        path: _url_encode_rfc3986 if transform is moto_url_encode else transform
        for path, transform in IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER.items()
    }
    CodeDeployBackend.delete_deployment_group = _delete_deployment_group
    CodeDeployBackend.delete_application = _delete_application
    CodeDeployResponse.delete_deployment_group = _response_delete_deployment_group
    CodeDeployResponse.delete_application = _response_delete_application
    CodeDeployResponse.update_deployment_group = _response_update_deployment_group
    CodeDeployResponse.batch_get_deployment_groups = _response_batch_get_deployment_groups
    codedeploy_responses._deployment_group_info = _deployment_group_info
    EC2ContainerServiceResponse.create_service = _ecs_create_service
    ApplicationAutoScalingResponse.register_scalable_target = _register_scalable_target
    ApplicationAutoScalingResponse.list_tags_for_resource = _scaling_list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = _scaling_tag_resource
    ApplicationAutoScalingResponse.untag_resource = _scaling_untag_resource
    ServiceDiscoveryBackend.create_service = _sd_create_service
    ApplicationAutoscalingBackend.put_scaling_policy = _put_scaling_policy


install()
