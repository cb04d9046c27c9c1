"""Network Load Balancers as AWS has them and moto 5.2.5 does not: ARNs that say `net` (and `gwy`),
target groups that follow a listener's default action, TCP health checks that take no path or
matcher, NLB listeners without rules, ECS's listener-ARN form of `productionListenerRule`, and
CodeDeploy's one deployment configuration behind an NLB. Imported by launcher.py after native.py;
the 10-minute traffic-shift delay itself is in native.py (it belongs to a deployment's stages).

Sources, each quoted where a rule below uses it (README.md, "Network Load Balancers"):
 - Service Authorization Reference, Elastic Load Balancing V2 resource types:
   `loadbalancer/net/${LoadBalancerName}/${LoadBalancerId}`,
   `listener/net/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}`, and `gwy` for Gateway LBs.
 - ELBv2 API model (botocore 1.44.18): CreateRule ("The listener must be associated with an
   Application Load Balancer or a dual-stack Network Load Balancer"), CreateTargetGroupInput.
   HealthCheckProtocol ("The TCP protocol is not supported for health checks if the protocol of the
   target group is HTTP or HTTPS"), HealthCheckPath and Matcher ("[HTTP/HTTPS health checks]").
 - troubleshooting-blue-green.md: "productionListenerRule has an invalid ARN format. Must be RuleArn
   for ALB or ListenerArn for NLB. Got: ..."
 - deployment-type-bluegreen.html: "When a Network Load Balancer is used, only the
   CodeDeployDefault.ECSAllAtOnce deployment configuration is supported."
"""

import inspect
import threading

from moto.codedeploy.models import CodeDeployBackend
from moto.core.exceptions import JsonRESTError
from moto.ecs.exceptions import InvalidParameterException
from moto.elbv2 import models as elbv2_models
from moto.elbv2.exceptions import InvalidConfigurationRequest, ValidationError
from moto.elbv2.models import ELBv2Backend

import contract
import native

# --- ARNs: `net` for Network and `gwy` for Gateway Load Balancers ---------------------------

_creating = threading.local()
_original_make_arn = elbv2_models.make_arn_for_load_balancer
_original_create_load_balancer = ELBv2Backend.create_load_balancer
_SEGMENTS = {"network": "net", "gateway": "gwy"}


def _make_arn(account_id, lb_id, name, region_name):
    arn = _original_make_arn(account_id=account_id, lb_id=lb_id, name=name, region_name=region_name)
    segment = _SEGMENTS.get(getattr(_creating, "kind", None))
    return arn.replace(":loadbalancer/app/", f":loadbalancer/{segment}/") if segment else arn


def _create_load_balancer(self, *args, **kwargs):
    _creating.kind = kwargs.get("loadbalancer_type")
    try:
        return _original_create_load_balancer(self, *args, **kwargs)
    finally:
        _creating.kind = None


def kind_of(arn):
    """'application', 'network' or 'gateway' from a load balancer's, listener's or rule's ARN."""
    for segment, kind in (("/net/", "network"), ("/gwy/", "gateway"), ("/app/", "application")):
        if segment in (arn or ""):
            return kind
    return None


# --- Target groups follow the listeners that forward to them --------------------------------


def _refresh_load_balancer_arns(backend):
    """Each target group's LoadBalancerArns: the load balancers whose listeners (default actions
    and rules) forward to it. moto only appends at CreateListener/CreateRule."""
    using = {}
    for lb in backend.load_balancers.values():
        for listener in lb.listeners.values():
            for _key, rule in contract._rules(listener):
                for action in rule.actions:
                    for arn in contract._forward_targets(action.data):
                        using.setdefault(arn, []).append(lb.arn)
    for arn, group in backend.target_groups.items():
        group.load_balancer_arns = sorted(set(using.get(arn, [])))


def _refreshing(original):
    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        _refresh_load_balancer_arns(self)
        return result

    return wrapper


# --- Rules only on ALB (and dual-stack NLB) listeners -----------------------------------------

_original_create_rule = ELBv2Backend.create_rule


def _create_rule(self, listener_arn, *args, **kwargs):
    listener = contract._listener(self, listener_arn)
    if listener is not None:
        lb = self.load_balancers.get(listener.load_balancer_arn)
        network = lb is not None and kind_of(lb.arn) == "network"
        if network and getattr(lb, "ip_address_type", "ipv4") != "dualstack":
            # Modelled on the model's CreateRule text; AWS's own error text was not found.
            raise ValidationError(
                "The listener must be associated with an Application Load Balancer or a dual-stack "
                "Network Load Balancer"
            )
    return _original_create_rule(self, listener_arn, *args, **kwargs)


# --- TCP health checks take no path or matcher ---------------------------------------------

_original_create_target_group = ELBv2Backend.create_target_group
_original_modify_target_group = ELBv2Backend.modify_target_group


def _check_health(protocol, check_protocol, path, matcher):
    if check_protocol == "TCP" and protocol in ("HTTP", "HTTPS"):
        # The model's text on HealthCheckProtocol; the error code is assumed.
        raise ValidationError(
            "The TCP protocol is not supported for health checks if the protocol of the target group "
            "is HTTP or HTTPS"
        )
    if check_protocol == "TCP" and path:
        # Quoted in hashicorp/terraform-provider-aws PR #2170.
        raise InvalidConfigurationRequest("Health check paths are not supported for TCP health checks")
    if check_protocol == "TCP" and matcher:
        raise InvalidConfigurationRequest("Health check matchers are not supported for TCP health checks")


def _create_target_group(self, name, **kwargs):
    protocol = kwargs.get("protocol")
    default_check = "TCP" if protocol in ("TCP", "TLS", "UDP", "TCP_UDP") else protocol
    _check_health(
        protocol,
        kwargs.get("healthcheck_protocol") or default_check,
        kwargs.get("healthcheck_path"),
        kwargs.get("matcher"),
    )
    return _original_create_target_group(self, name, **kwargs)


def _modify_target_group(self, *args, **kwargs):
    call = _MODIFY_SIGNATURE.bind(self, *args, **kwargs).arguments
    group = self.target_groups.get(call.get("arn"))
    if group is not None:
        _check_health(
            group.protocol,
            call.get("health_check_proto") or group.health_check_protocol,
            call.get("health_check_path"),
            call.get("http_codes"),
        )
    result = _original_modify_target_group(self, *args, **kwargs)
    if result is not None and result.health_check_protocol == "TCP":
        # A TCP check keeps no path or matcher (moto keeps the HTTP ones it had).
        result.health_check_path = None
        if hasattr(result, "matcher"):
            del result.matcher
    return result


_MODIFY_SIGNATURE = inspect.signature(_original_modify_target_group)


# --- ECS: an NLB's productionListenerRule is its listener ------------------------------------


def _check_listener_rule_form(account, region, load_balancers):
    for lb in load_balancers or []:
        advanced = lb.get("advancedConfiguration") or {}
        for member in ("productionListenerRule", "testListenerRule"):
            arn = advanced.get(member)
            if not arn:
                continue
            kind = kind_of(arn)
            rule = ":listener-rule/" in arn
            if (kind == "application" and not rule) or (kind == "network" and rule):
                # Quoted: troubleshooting-blue-green.md (testListenerRule by analogy).
                raise InvalidParameterException(
                    f"{member} has an invalid ARN format. Must be RuleArn for ALB or ListenerArn for NLB. "
                    f"Got: {arn}"
                )


_original_check_load_balancers = native._check_load_balancers


def _native_check_load_balancers(account, region, load_balancers, strategy, network_mode):
    _check_listener_rule_form(account, region, load_balancers)
    return _original_check_load_balancers(account, region, load_balancers, strategy, network_mode)


# --- CodeDeploy: all at once behind an NLB ---------------------------------------------------

_original_create_deployment = CodeDeployBackend.create_deployment


def _behind_nlb(group):
    info = getattr(group, "load_balancer_info", None) or {}
    for pair in info.get("targetGroupPairInfoList") or []:
        for route in ("prodTrafficRoute", "testTrafficRoute"):
            for arn in (pair.get(route) or {}).get("listenerArns") or []:
                if kind_of(arn) == "network":
                    return True
    return False


def _create_deployment(self, application_name, deployment_group_name, *args, **kwargs):
    group = self.deployment_groups.get(application_name, {}).get(deployment_group_name)
    config = (
        kwargs.get("deployment_config_name")
        or getattr(group, "deployment_config_name", None)
        or "CodeDeployDefault.OneAtATime"
    )
    if group is not None and _behind_nlb(group) and config != "CodeDeployDefault.ECSAllAtOnce":
        # Modelled on the ECS guide's sentence; CodeDeploy's own error text was not found.
        raise JsonRESTError(
            "InvalidDeploymentConfigNameException",
            f"The deployment configuration {config} is not supported with a Network Load Balancer: only "
            "CodeDeployDefault.ECSAllAtOnce is.",
        )
    return _original_create_deployment(self, application_name, deployment_group_name, *args, **kwargs)


def install():
    elbv2_models.make_arn_for_load_balancer = _make_arn
    ELBv2Backend.create_load_balancer = _create_load_balancer
    # The refusal first, then moto's rule; both under the refresh below.
    ELBv2Backend.create_rule = _create_rule
    for name in ("modify_listener", "modify_rule", "create_listener", "create_rule", "delete_rule",
                 "delete_listener"):
        setattr(ELBv2Backend, name, _refreshing(getattr(ELBv2Backend, name)))
    ELBv2Backend.create_target_group = _create_target_group
    ELBv2Backend.modify_target_group = _modify_target_group
    native._check_load_balancers = _native_check_load_balancers
    CodeDeployBackend.create_deployment = _create_deployment

install()
