"""Empty identifiers, refused as AWS refuses them (README.md rule 12).

AWS validates a request before the service acts on it: an identifier member sent as an empty
string (`ListenerArn=`, `"cluster": ""`, `SubnetId.1=`) is answered HTTP 400 with the service's
validation error. moto does not check: some handlers find nothing and answer "not found", others
fail inside (elasticloadbalancing DescribeRules with an empty ListenerArn raises a TypeError and
answers HTTP 500, which the SDKs retry as a server error: the defect of issue 26 reached users
because the emulator answered what AWS never does). `find` decodes the request's parameters in
each protocol the launcher serves and names the first empty identifier; the launcher answers it
with `code` and `message` in the protocol's error shape (errors.render) before moto sees it.

Decoding, by protocol (errors.protocol):

  json   awsJson: the JSON body, nested structures and lists walked. With the service's botocore
         model (the services of `_MODELS`) only structure members count as member names: the
         keys of a map (dockerLabels, logConfiguration.options, Cloud Map attributes) are user
         data, never members, so `{"dockerLabels": {"serviceName": ""}}` is not refused.
  query  awsQuery and the EC2 query protocol: the form fields, blank ones kept
         (`Names.member.1=`, `SubnetId.1=`, `Tags.member.1.Key=`); the member is the last
         field segment that is neither an index nor `member`/`entry`.
  cbor   Smithy RPC v2 CBOR (CloudWatch): the CBOR map (rpcv2cbor.decode), walked as json.

An identifier member is one whose (last) member name names an identity:

  - it ends in one of `SUFFIXES` (Arn, Arns, ARN, ARNs, Name, Names, Id, Ids, ID, IDs,
    Identifier, Identifiers), compared case-sensitively on the capitalised suffix: ListenerArn,
    LoadBalancerArns, RoleARN, Names, Name, GroupName, SubnetId, ResourceIds, logGroupIdentifier,
    clusterName, containerName, resourceArn, taskRoleArn, alarmNames, applicationName;
  - or it is one of ECS's bare identifiers (`BARE`), members that carry a name or ARN without
    saying so (`cluster`, `service`, `taskDefinition`, `family`, `services`, ...);
  - and it is not one of `NOT_IDENTIFIERS`, members whose names end like an identifier but that
    identify nothing AWS keeps: Cloud Map's idempotency tokens (CreatorRequestId,
    UpdaterRequestId) and the free-form external IDs (ECS and CodeDeploy `externalId`, STS
    `ExternalId`, a shared secret).

Not identifiers, so never refused here: tag keys and values (`key`, `Value`), `NextToken`,
descriptions, messages, reasons, prefixes (`logGroupNamePrefix`), attribute values
(`Attributes.member.1.Value`, where an empty value is meaningful), and the lowercase bare
`name`/`id`/`arn` members. Those name sub-objects of a request (ECS containers, volumes,
environment variables, secrets, port mappings; CodeDeploy's target groups of a pair and its
group's alarms), whose emptiness the services report in their own terms; contract.py models
CodeDeploy's ("The alarm name is empty or null ...", InvalidAlarmConfigException), and moto
answers the others as it does.

The error code is the service's validation error for the operation (`_VALIDATION`): the first of
the service's validation codes that botocore's model lists among the operation's errors, else
the service's usual one. The awsQuery services (ELBv2, IAM, STS) answer the common
`ValidationError`, which their botocore models do not list; CloudWatch answers it in every
protocol (its model's ValidationException has the awsQuery code ValidationError: `__type`
`com.amazonaws.cloudwatch#ValidationException` in CBOR, with `x-amzn-query-error:
ValidationError;Sender`); EC2 answers `InvalidParameterValue`. The texts are modelled: a
CodeDeploy `<Member>RequiredException` says what its documentation says (`_documented`), the
others are `message`'s (see there).
"""

import io
import json
import re
from urllib.parse import parse_qsl

import rpcv2cbor

SUFFIXES = (
    "Arn",
    "Arns",
    "ARN",
    "ARNs",
    "Name",
    "Names",
    "Id",
    "Ids",
    "ID",
    "IDs",
    "Identifier",
    "Identifiers",
)

# ECS members that name a resource without an identifier suffix (botocore's ecs model, every
# string or list-of-string input member that takes a name or ARN of a cluster, service, task
# definition, task set, task, container instance, capacity provider, daemon task definition,
# listener rule, subnet or security group).
BARE = {
    "ecs": frozenset({
        "cluster",
        "clusters",
        "service",
        "services",
        "taskDefinition",
        "taskDefinitions",
        "family",
        "taskSet",
        "taskSets",
        "primaryTaskSet",
        "task",
        "tasks",
        "containerInstance",
        "containerInstances",
        "capacityProvider",
        "capacityProviders",
        "daemonTaskDefinition",
        "productionListenerRule",
        "testListenerRule",
        "subnets",
        "securityGroups",
    }),
}

NOT_IDENTIFIERS = frozenset({"CreatorRequestId", "UpdaterRequestId", "ExternalId", "externalId"})

# SigV4 signing name -> botocore service name, for the services the provider calls (and whose
# models tell structures from maps and list each operation's errors). ELBv2 and classic ELB
# share a signing name and differ in the form's Version.
_MODELS = {
    "ecs": "ecs",
    "servicediscovery": "servicediscovery",
    "codedeploy": "codedeploy",
    "logs": "logs",
    "application-autoscaling": "application-autoscaling",
    "iam": "iam",
    "sts": "sts",
    "ec2": "ec2",
    "monitoring": "cloudwatch",
}
_ELB_VERSIONS = {"2015-12-01": "elbv2", "2012-06-01": "elb"}

# Signing name -> (validation codes, in order of preference, that count when botocore's model
# lists them among the operation's errors; the code when it lists none). "{Member}" is the
# member's name, capitalised and singular (CodeDeploy: ApplicationNameRequiredException, "The
# minimum number of required application names was not specified.";
# DeploymentGroupNameRequiredException, DeploymentIdRequiredException, ...).
_VALIDATION = {
    "ecs": (("InvalidParameterException", "ClientException"), "InvalidParameterException"),
    "servicediscovery": (("InvalidInput",), "InvalidInput"),
    "codedeploy": (("{Member}RequiredException", "InvalidInputException"), "ValidationException"),
    "logs": (("InvalidParameterException", "ValidationException"), "InvalidParameterException"),
    "application-autoscaling": (("ValidationException",), "ValidationException"),
    "elasticloadbalancing": ((), "ValidationError"),
    "iam": ((), "ValidationError"),
    "sts": ((), "ValidationError"),
    "monitoring": ((), "ValidationError"),
    "ec2": ((), "InvalidParameterValue"),
}
# Any other service: its protocol's common validation error.
_PROTOCOL_VALIDATION = {
    "json": "ValidationException",
    "rest": "ValidationException",
    "query": "ValidationError",
    "cbor": "ValidationError",
    "ec2": "InvalidParameterValue",
}

STATUS = 400


class Finding:
    """An empty identifier: `member` as the request spelled it (the form field, or the JSON
    path with 1-based list indices: `loadBalancers.1.targetGroupArn`), and AWS's answer."""

    def __init__(self, member, code, message):
        self.member = member
        self.code = code
        self.message = message
        self.status = STATUS

    def to_json(self):
        return {"rule": "empty-identifier", "member": self.member}


def is_identifier(service, name):
    """Whether a member of that name names an identity (see the module's docstring)."""
    if not name or name in NOT_IDENTIFIERS:
        return False
    return name.endswith(SUFFIXES) or name in BARE.get(service, ())


def find(environ, service, action, form, proto):
    """The request's first empty identifier as a Finding, or None. Reads the body and puts it
    back, so moto reads the same bytes."""
    operation = _operation(service, action, form)
    input_shape = operation.input_shape if operation is not None else None
    if proto in ("json", "cbor"):
        document = _document(environ, proto)
        if not isinstance(document, dict):
            return None
        hits = _walk(service, document, input_shape, (), None)
        path, shape = next(hits, (None, None))
        if path is None:
            return None
        member = ".".join(str(p) for p in path)
    elif proto in ("query", "ec2"):
        hit = _query_hit(service, environ, input_shape)
        if hit is None:
            return None
        member, path, shape = hit
    else:
        return None
    name = _last_name(path)
    code = _code(service, proto, operation, name)
    text = _documented(operation, code) or message(service, proto, path, _min_length(shape))
    return Finding(member, code, text)


def message(service, proto, path, min_length=1):
    """AWS's text for an empty identifier at `path` (names and 1-based indices). All modelled:
    no copy of AWS's answer to an empty value was found, so each is written after a text AWS
    answers for a nearby case:

    - EC2: "Value () for parameter <name> is invalid. The value cannot be empty", quoted for
      groupId (RunInstances; ansible/ansible #29519, tungbq/devops-basics #1), the parameter
      named in lower camel case;
    - ECS: "<Member> can not be blank.", after "Clusters can not be blank." (DescribeClusters,
      InvalidParameterException; blox/blox #170);
    - ELBv2 ARNs: "'' is not a valid <resource> ARN", after "'<arn>' is not a valid listener
      ARN" (DescribeListenerCertificates, ValidationError; aws/aws-cli #3260);
    - the others: the request validation's "1 validation error detected: Value '' at '<path>'
      failed to satisfy constraint: Member must have length greater than or equal to <min>"
      (the form quoted for roleName, IAM, legion-platform/legion #530, and roleArn, STS,
      newscorpaus/consigliere #18), the path in lower camel case with list elements as
      `<name>.<i>.member`, the minimum the model's (1 when it has none).
    """
    name = _last_name(path)
    if proto == "ec2":
        return f"Value () for parameter {_lower_first(name)} is invalid. The value cannot be empty"
    if service == "ecs":
        return f"{name[:1].upper()}{name[1:]} can not be blank."
    if service == "elasticloadbalancing" and name.endswith(("Arn", "Arns")):
        resource = _words(name[: -len("Arns")] if name.endswith("Arns") else name[: -len("Arn")])
        return f"'' is not a valid {resource or 'resource'} ARN"
    return (
        f"1 validation error detected: Value '' at '{_coral_path(path)}' failed to satisfy "
        f"constraint: Member must have length greater than or equal to {min_length}"
    )


# --- Decoding -------------------------------------------------------------------------------


def _body(environ):
    """The request body, put back for the next reader; b"" when it has no length."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length <= 0:
        return b""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _document(environ, proto):
    """The decoded JSON or CBOR input, or None when it does not decode (moto or rpcv2cbor
    answer that)."""
    body = _body(environ)
    if proto == "cbor":
        try:
            return rpcv2cbor.decode(body)
        except rpcv2cbor.Malformed:
            return None
    try:
        return json.loads(body) if body.strip() else {}
    except ValueError:
        return None


def _walk(service, value, shape, path, name):
    """(path, string shape) of each empty identifier in a decoded document, in order. `name` is
    the member the value belongs to (a list's elements belong to the list's member; a map's
    values to no member). With no shape the walk goes by names alone."""
    kind = shape.type_name if shape is not None else None
    if isinstance(value, str):
        if value == "" and is_identifier(service, name):
            yield path, shape
    elif isinstance(value, list):
        element = shape.member if kind == "list" else None
        for index, item in enumerate(value, 1):
            yield from _walk(service, item, element, path + (index,), name)
    elif isinstance(value, dict):
        if kind == "map":
            for key, item in value.items():
                yield from _walk(service, item, shape.value, path + (str(key),), None)
            return
        members = shape.members if kind == "structure" else {}
        for key, item in value.items():
            yield from _walk(service, item, members.get(key), path + (str(key),), str(key))


def _query_fields(environ):
    """The form's (field, value) pairs in order, blank values kept (parse_qs drops them)."""
    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if any(k == "Action" for k, _ in query):
        return query
    return parse_qsl(_body(environ).decode("utf-8", "replace"), keep_blank_values=True)


def _query_hit(service, environ, input_shape):
    """(field, path, string shape) of the form's first empty identifier, or None."""
    for field, value in _query_fields(environ):
        if value != "" or field in ("Action", "Version"):
            continue
        path = tuple(
            int(part) if part.isdigit() else part
            for part in field.split(".")
            if part not in ("member", "entry")
        )
        if is_identifier(service, _last_name(path)) and not _in_map(field):
            return field, path, _query_shape(input_shape, field)
    return None


def _in_map(field):
    """A value of an awsQuery map (`Attributes.entry.1.value`) is user data, never a member."""
    parts = field.split(".")
    return len(parts) >= 3 and parts[-3] == "entry"


def _query_shape(shape, field):
    """The model's shape of a form field (awsQuery: `Names.member.1`; EC2: `SubnetId.1`, its
    members serialised by queryName or capitalised locationName), or None."""
    for part in field.split("."):
        if shape is None:
            return None
        if part == "member":  # awsQuery: <list>.member.<i>
            shape = shape.member if shape.type_name == "list" else None
        elif part.isdigit():  # EC2 and flattened lists: <list>.<i>; after member: nothing
            if shape.type_name == "list":
                shape = shape.member
        elif shape.type_name == "structure":
            shape = _query_member(shape, part)
        else:
            return None
    return shape


def _query_member(structure, part):
    for name, member in structure.members.items():
        serialized = member.serialization
        spellings = {name, serialized.get("name", ""), serialized.get("queryName", "")}
        location = serialized.get("name", "")
        spellings.add(location[:1].upper() + location[1:])
        if part in spellings:
            return member
    return None


# --- Models and codes -----------------------------------------------------------------------


def _operation(service, action, form):
    """botocore's operation model for the call, or None (an unmodelled service or action)."""
    botocore_name = _MODELS.get(service)
    if service == "elasticloadbalancing":
        botocore_name = _ELB_VERSIONS.get((form.get("Version") or [""])[0], "elbv2")
    if botocore_name is None:
        return None
    try:
        model = rpcv2cbor.model(botocore_name)
    except Exception:  # noqa: BLE001  (no model: the rule goes by names alone)
        return None
    if action not in model.operation_names:
        return None
    return model.operation_model(action)


def _code(service, proto, operation, name):
    preferred, usual = _VALIDATION.get(service, ((), _PROTOCOL_VALIDATION.get(proto)))
    listed = {shape.name for shape in operation.error_shapes} if operation is not None else set()
    member = _singular(name[:1].upper() + name[1:])
    for code in preferred:
        code = code.replace("{Member}", member)
        if code in listed:
            return code
    return usual or "ValidationException"


def _documented(operation, code):
    """The text of a modelled error that exists for this very case (CodeDeploy's
    `<Member>RequiredException`): its documentation in botocore's model, e.g. "The deployment
    group name was not specified." (modelled: the documentation, not a copy of an answer)."""
    if operation is None or not code.endswith("RequiredException"):
        return None
    for shape in operation.error_shapes:
        if shape.name == code and shape.documentation:
            return re.sub(r"<[^>]+>", "", shape.documentation).strip() or None
    return None


def _min_length(shape):
    if shape is None:
        return 1
    return max(int(shape.metadata.get("min", 1) or 1), 1)


# --- Names ----------------------------------------------------------------------------------


def _last_name(path):
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return ""


def _lower_first(name):
    return name[:1].lower() + name[1:]


def _singular(name):
    return name[:-1] if name.endswith(("Names", "Ids", "Arns", "ARNs", "IDs")) else name


def _words(camel):
    """"TargetGroup" -> "target group"."""
    words, current = [], ""
    for char in camel:
        if char.isupper() and current:
            words.append(current)
            current = ""
        current += char
    if current:
        words.append(current)
    return " ".join(w.lower() for w in words)


def _coral_path(path):
    """The request validation's member path: lower camel case names, a list element as
    `<name>.<i>.member` (`tags.1.member.value`)."""
    parts = []
    for part in path:
        parts.append(f"{part}.member" if isinstance(part, int) else _lower_first(part))
    return ".".join(parts)
