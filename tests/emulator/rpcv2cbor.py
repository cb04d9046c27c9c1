"""Smithy RPC v2 CBOR for the services moto serves only in their older protocols. The AWS SDKs
of 2025 and later (the SDK for Rust's aws-sdk-cloudwatch, botocore 1.36+) call CloudWatch as

    POST /service/GraniteServiceVersion20100801/operation/<Operation>
    Smithy-Protocol: rpc-v2-cbor
    Content-Type: application/cbor          (a CBOR map: the operation's input structure)

moto 5.2.5 has no route for that path (it answers 404), but it serves CloudWatch's awsJson1_0
variant (X-Amz-Target GraniteServiceVersion20100801.<Operation>). `serve` translates: the CBOR
input becomes the awsJson document (tag-1 timestamps become epoch seconds, byte strings base64),
moto answers in JSON, and the answer is re-encoded as CBOR by the operation's output shape from
botocore's model, so every double is a CBOR float, every integer a CBOR integer and every
timestamp a tag 1 with a float (the SDK for Rust decodes each by its modelled type and refuses an
integer where it expects a float).

The protocol, https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2-cbor.html:

- the response carries `Smithy-Protocol: rpc-v2-cbor` and, with a body, `Content-Type:
  application/cbor`; an operation without output answers no body;
- timestamps are tag 1 (epoch seconds) with an integer or float (floats here);
- an error is a CBOR map with `__type` (the error's absolute shape ID, e.g.
  `com.amazonaws.cloudwatch#ResourceNotFound`) and `message`, status 400 for client errors (or
  the shape's httpError), 500 for server errors;
- a request with X-Amz-Target is malformed and refused.

CloudWatch has the awsQueryCompatible trait, so an error also carries
`x-amzn-query-error: <awsQuery code>;Sender|Receiver` (botocore's parsers and the SDK for Rust
take the error code from it).
"""

import base64
import datetime
import functools
import io
import json
import uuid

import cbor2
from botocore.loaders import create_loader
from botocore.model import ServiceModel

# Service shape name in the path -> (botocore service name, Smithy namespace of its shapes).
SERVICES = {
    "GraniteServiceVersion20100801": ("cloudwatch", "com.amazonaws.cloudwatch"),
}
# SigV4 signing name -> the service shape name, for errors answered before a path is parsed
# (the launcher's fault injection and throttling).
SIGNING_NAMES = {"monitoring": "GraniteServiceVersion20100801"}

CONTENT_TYPE = "application/cbor"
PROTOCOL = "rpc-v2-cbor"


class Malformed(Exception):
    """A request this protocol does not accept."""


@functools.lru_cache(maxsize=None)
def model(name):
    return ServiceModel(create_loader().load_service_model(name, "service-2"), name)


def route(path):
    """(service shape name, operation name) of an RPC v2 path; Malformed otherwise. Only the
    last four segments count (the spec allows a prefix)."""
    parts = [p for p in (path or "").split("/") if p]
    if len(parts) < 4 or parts[-4] != "service" or parts[-2] != "operation":
        raise Malformed(f"not an RPC v2 path: {path}")
    service = parts[-3].split(".")[-1]  # "com.example.TheService" routes as "TheService"
    return service, parts[-1]


# --- Values ---------------------------------------------------------------------------------


def _epoch(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    if isinstance(value, str):
        text = value.replace("Z", "+00:00")
        try:
            return _epoch(datetime.datetime.fromisoformat(text))
        except ValueError:
            return float(value)
    return float(value)


def to_json(shape, value):
    """A decoded CBOR value as the awsJson document moto reads, by its input shape."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise Malformed(f"{shape.name} must be a map")
        return {
            key: to_json(shape.members[key], item)
            for key, item in value.items()
            if key in shape.members and item is not None
        }
    if kind == "list":
        return [to_json(shape.member, item) for item in value if item is not None]
    if kind == "map":
        return {key: to_json(shape.value, item) for key, item in value.items() if item is not None}
    if kind == "timestamp":
        return _epoch(value)
    if kind == "blob":
        data = value if isinstance(value, (bytes, bytearray)) else str(value).encode()
        return base64.b64encode(bytes(data)).decode()
    if kind in ("float", "double"):
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    return value


def to_cbor(shape, value):
    """moto's JSON answer as the values cbor2 encodes the way the output shape types them."""
    if value is None or shape is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        result = {}
        for key, item in (value or {}).items():
            member = shape.members.get(key)
            if member is None or item is None:
                continue
            result[key] = to_cbor(member, item)
        return result
    if kind == "list":
        return [to_cbor(shape.member, item) for item in value if item is not None]
    if kind == "map":
        return {key: to_cbor(shape.value, item) for key, item in value.items() if item is not None}
    if kind == "timestamp":
        return cbor2.CBORTag(1, float(_epoch(value)))
    if kind == "blob":
        return base64.b64decode(value) if isinstance(value, str) else bytes(value)
    if kind in ("float", "double"):
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    if kind == "boolean":
        return bool(value)
    return value


def encode(value):
    return cbor2.dumps(value)


def decode(body):
    """The request's input map; an empty body is an empty input."""
    if not body:
        return {}
    try:
        value = cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError) as e:
        raise Malformed(f"the body is not CBOR: {e}") from None
    if not isinstance(value, dict):
        raise Malformed("the body is not a CBOR map")
    return value


# --- Errors ---------------------------------------------------------------------------------


def _error_shape(service_model, code, operation=None):
    """The error shape for an awsQuery code: among the operation's errors first, then the
    service's; a shape named `code` before one whose awsQuery code is `code` (CloudWatch's
    DashboardNotFoundError and ResourceNotFound both answer ResourceNotFound)."""
    candidates = []
    if operation is not None:
        candidates.extend(operation.error_shapes)
    for name in service_model.shape_names:
        shape = service_model.shape_for(name)
        if shape.metadata.get("exception"):
            candidates.append(shape)
    for shape in candidates:
        if shape.name == code:
            return shape
    for shape in candidates:
        if shape.metadata.get("error", {}).get("code") == code:
            return shape
    return None


def error(service, code, message, status, operation=None):
    """(status, headers, body) of an RPC v2 CBOR error of `service` (its shape name).

    `code` is the awsQuery error code (as moto, the fault injection and the SDKs' retry lists
    name it); `__type` is the shape ID of the modelled error with that code, or the code itself
    in the service's namespace for an unmodelled one (throttling, injected faults)."""
    botocore_name, namespace = SERVICES.get(service, (None, None))
    shape_name = code
    if botocore_name is not None:
        shape = _error_shape(model(botocore_name), code, operation)
        if shape is not None:
            shape_name = shape.name
    type_id = f"{namespace}#{shape_name}" if namespace else shape_name
    body = encode({"__type": type_id, "message": message})
    headers = [
        ("Content-Type", CONTENT_TYPE),
        ("Smithy-Protocol", PROTOCOL),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        ("x-amzn-query-error", f"{code};{'Sender' if status < 500 else 'Receiver'}"),
    ]
    return status, headers, body


def error_for_request(environ, service_signing_name, code, message, status):
    """An error answer for an RPC v2 CBOR request, whichever service it names."""
    try:
        service, _operation = route(environ.get("PATH_INFO", ""))
    except Malformed:
        service = SIGNING_NAMES.get(service_signing_name, service_signing_name)
    return error(service, code, message, status)


# --- Serving --------------------------------------------------------------------------------


def _respond(start_response, status, headers, body):
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(f"{status} {reason.get(status, 'Status')}", headers)
    return [body]


def serve(app, environ, start_response):
    """Answers one RPC v2 CBOR request through `app` (moto's WSGI app) in awsJson."""
    try:
        service, operation = route(environ.get("PATH_INFO", ""))
        if environ.get("REQUEST_METHOD", "POST") != "POST":
            raise Malformed("RPC v2 CBOR requests are POST")
        if environ.get("HTTP_X_AMZ_TARGET") or environ.get("HTTP_X_AMZN_TARGET"):
            raise Malformed("an RPC v2 CBOR request must not carry X-Amz-Target")
        if service not in SERVICES:
            status, headers, body = error(
                service, "UnknownOperationException", f"Unknown service {service}.", 404
            )
            return _respond(start_response, status, headers, body)
        botocore_name, _namespace = SERVICES[service]
        service_model = model(botocore_name)
        if operation not in service_model.operation_names:
            status, headers, body = error(
                service, "UnknownOperationException", f"Unknown operation {operation}.", 404
            )
            return _respond(start_response, status, headers, body)
        operation_model = service_model.operation_model(operation)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        document = to_json(operation_model.input_shape, decode(raw)) or {}
    except Malformed as e:
        try:
            named = route(environ.get("PATH_INFO", ""))[0]
        except Malformed:
            named = ""
        status, headers, body = error(named, "SerializationException", str(e), 400)
        return _respond(start_response, status, headers, body)

    data = json.dumps(document).encode()
    inner = dict(environ)
    inner.update({
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/x-amz-json-1.0",
        "CONTENT_LENGTH": str(len(data)),
        "HTTP_X_AMZ_TARGET": f"{service}.{operation}",
        "wsgi.input": io.BytesIO(data),
    })
    inner.pop("HTTP_SMITHY_PROTOCOL", None)
    inner.pop("HTTP_ACCEPT", None)
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = headers
        return lambda _data: None

    chunks = app(inner, capture)
    try:
        answer = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    status = captured.get("status", 500)
    moto_headers = {k.lower(): v for k, v in captured.get("headers", [])}
    request_id = moto_headers.get("x-amzn-requestid") or str(uuid.uuid4())
    try:
        parsed = json.loads(answer) if answer.strip() else {}
    except ValueError:
        parsed = {"message": answer.decode("utf-8", "replace")}
    if status >= 300:
        query = moto_headers.get("x-amzn-query-error", "")
        code = query.split(";")[0] if query else ""
        if not code:
            code = str(parsed.get("__type") or "InternalFailure").split("#")[-1].split(":")[0]
        message = parsed.get("message") or parsed.get("Message") or ""
        status, headers, body = error(service, code, message, status, operation_model)
        return _respond(start_response, status, headers, body)
    headers = [("Smithy-Protocol", PROTOCOL), ("x-amzn-RequestId", request_id)]
    output = operation_model.output_shape
    if output is None:
        return _respond(start_response, 200, headers, b"")
    body = encode(to_cbor(output, parsed) or {})
    headers.append(("Content-Type", CONTENT_TYPE))
    return _respond(start_response, 200, headers, body)


def fix_json_content_type(environ, start_response):
    """moto answers CloudWatch's awsJson1_0 calls with Content-Type "text"; AWS answers
    application/x-amz-json-1.0. A start_response that corrects it for those calls."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.split(".")[0] not in SERVICES:
        return start_response

    def corrected(status, headers, exc_info=None):
        headers = [
            (k, "application/x-amz-json-1.0" if k.lower() == "content-type" and v == "text" else v)
            for k, v in headers
        ]
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

    return corrected
