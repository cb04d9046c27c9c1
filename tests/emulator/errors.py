"""AWS error answers in each wire protocol the provider's SDK clients speak, for the launcher's
fault injection and throttling. An injected error must reach the SDK as the modeled error code
it would get from AWS, so the diagnostics the tests see are the ones users see.

Protocols, told apart by the request itself:

  json   awsJson1_0/1_1 (X-Amz-Target header): ECS, Cloud Map, CodeDeploy, CloudWatch Logs,
         Application Auto Scaling. Body {"__type": code, "message": ...} plus the
         X-Amzn-ErrorType header, as those services answer.
  query  awsQuery (form body with Action): ELBv2, IAM, STS.
         <ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error>
         <RequestId/></ErrorResponse>
  ec2    the EC2 query protocol: <Response><Errors><Error><Code/><Message/></Error></Errors>
         <RequestID/></Response>
  cbor   Smithy RPC v2 CBOR (CloudWatch's current SDKs; rpcv2cbor.py serves it): a CBOR map
         {"__type": "<namespace>#<shape>", "message": ...} with Smithy-Protocol: rpc-v2-cbor and,
         CloudWatch being awsQueryCompatible, x-amzn-query-error: <code>;Sender|Receiver.
  rest   anything else (REST protocols; none in the provider's call flow): answered like json,
         whose X-Amzn-ErrorType header restJson1 clients read too.
"""

import json
import uuid
from xml.sax.saxutils import escape

import rpcv2cbor

# Default namespaces of the query services' answers, by the form's Version.
_QUERY_XMLNS = {
    "2015-12-01": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    "2010-05-08": "https://iam.amazonaws.com/doc/2010-05-08/",
    "2011-06-15": "https://sts.amazonaws.com/doc/2011-06-15/",
}

# HTTP status an injected code answers with when the caller names none. Codes not listed are
# client errors (400), which the SDKs do not retry unless the code is a throttling one.
_STATUS = {
    "InternalFailure": 500,
    "InternalError": 500,
    "InternalServerError": 500,
    "InternalServiceError": 500,
    "ServerException": 500,
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
    "Unavailable": 503,
    "AccessDenied": 403,
    "UnauthorizedOperation": 403,
}

# Cloud Map's modeled throttling error, RequestLimitExceeded, is listed only for these two
# operations (botocore servicediscovery model;
# https://docs.aws.amazon.com/cloud-map/latest/dg/throttling.html); its other operations
# throttle with the common ThrottlingException.
_CLOUD_MAP_DISCOVERY = {"DiscoverInstances", "DiscoverInstancesRevision"}


def protocol(environ, service, form):
    """The wire protocol of a request: json, query, ec2, cbor or rest."""
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if "rpc-v2-cbor" in environ.get("HTTP_SMITHY_PROTOCOL", "") or "/operation/" in environ.get(
        "PATH_INFO", ""
    ):
        return "cbor"
    if form.get("Action"):
        if service == "ec2" or (form.get("Version") or [""])[0] == "2016-11-15":
            return "ec2"
        return "query"
    return "rest"


def default_fault(proto):
    """(code, message) of the injected server error when the caller names no code."""
    if proto == "ec2":
        return "InternalError", "An internal error has occurred."
    return (
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
    )


def default_status(code, proto):
    if proto == "ec2" and code == "RequestLimitExceeded":
        return 503
    return _STATUS.get(code, 400)


def throttling(service, action, proto):
    """(code, status, message) AWS answers a throttled call of this service with:

    - awsJson services (ECS, CodeDeploy, Logs, Application Auto Scaling, Cloud Map's control
      plane): ThrottlingException, HTTP 400, "Rate exceeded" (their Common Errors pages; modeled
      for CodeDeploy and Logs in botocore);
    - Cloud Map DiscoverInstances and DiscoverInstancesRevision: RequestLimitExceeded, HTTP 400;
    - awsQuery services (ELBv2, IAM, STS) and CloudWatch in RPC v2 CBOR (awsQueryCompatible, so
      its x-amzn-query-error header carries the awsQuery code): Throttling, HTTP 400, "Rate
      exceeded" (botocore's _retry.json "throttling" policy: code Throttling with status 400);
    - EC2: RequestLimitExceeded, HTTP 503 (botocore's _retry.json ec2 policy
      "request_limit_exceeded": code RequestLimitExceeded with status 503).

    Every one of these is in the throttling list of the AWS SDKs' standard retry (botocore
    retries/standard.py, aws-runtime THROTTLING_ERRORS), so clients back off and retry them.
    """
    if proto == "ec2":
        return "RequestLimitExceeded", 503, "Request limit exceeded."
    if proto in ("query", "cbor"):
        return "Throttling", 400, "Rate exceeded"
    if service == "servicediscovery" and action in _CLOUD_MAP_DISCOVERY:
        return (
            "RequestLimitExceeded",
            400,
            "The operation can't be completed because you've reached the quota for the number "
            "of requests.",
        )
    return "ThrottlingException", 400, "Rate exceeded"


def render(environ, form, proto, code, message, status):
    """(status, headers, body bytes) of an AWS error answer in the request's protocol."""
    request_id = str(uuid.uuid4())
    if proto == "cbor":
        service = ""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if "Credential=" in auth:
            parts = auth.split("Credential=")[1].split("/")
            service = parts[3] if len(parts) > 3 else ""
        return rpcv2cbor.error_for_request(environ, service, code, message, status)
    if proto == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return status, [("Content-Type", "text/xml;charset=UTF-8")], body.encode()
    if proto == "query":
        xmlns = _QUERY_XMLNS.get((form.get("Version") or [""])[0])
        opening = f'<ErrorResponse xmlns="{xmlns}">' if xmlns else "<ErrorResponse>"
        kind = "Sender" if status < 500 else "Receiver"
        body = (
            f"{opening}<Error><Type>{kind}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
        return status, headers, body.encode()
    content_type = environ.get("CONTENT_TYPE", "")
    if not content_type.startswith("application/x-amz-json-"):
        content_type = "application/x-amz-json-1.1"
    headers = [
        ("Content-Type", content_type),
        ("x-amzn-RequestId", request_id),
        ("X-Amzn-ErrorType", code),
    ]
    return status, headers, json.dumps({"__type": code, "message": message}).encode()
