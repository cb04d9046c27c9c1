"""Every request checked against AWS's API model, as AWS's request validation does (README.md
rule 13).

AWS validates a request's input against the operation's modelled input shape before the service
acts on it, and answers a request that breaks the model with HTTP 400 and the service's
validation error. moto checks almost nothing, so a provider that sends a priority of 50001, a
role name of 65 characters or a network mode AWS does not know would pass against moto and fail
against AWS. `check` decodes the request in each protocol the launcher serves and walks the
decoded input against the operation's input shape in botocore's model (the botocore of moto's
venv; README.md names the version), recursively through structures, lists and maps (keys and
values):

  required  a required structure member absent (or JSON null)
            "Member must not be null"
  type      a value of the wrong type for its shape
            "Member must be of type <type>"
  enum      a string not in its shape's enum
            "Member must satisfy enum value set: [A, B]"
  min/max   integer, long, float and double shapes' range
            "Member must have value greater than or equal to N" (less than ...)
            string shapes' length, list and map shapes' number of elements
            "Member must have length greater than or equal to N" (less than ...)
  pattern   a string shape's `pattern`, matched against the whole value as Java's
            Pattern.matches does: "Member must satisfy regular expression pattern: P"

Not checked: blob and document shapes; members the model does not list (the SDKs and moto add
some); unions' one-member rule and every other rule between members; whether a value means
anything (an ARN that names nothing, a JSON policy that does not parse). Those are the services'
own answers, moto's or the contract's.

The wire forms, by protocol (errors.protocol):

  json   awsJson (ECS, Cloud Map, CodeDeploy, CloudWatch Logs, Application Auto Scaling,
         CloudWatch): the JSON body; types are JSON's (an integer shape takes a JSON integer, an
         integral float too; a double any number or "NaN"/"Infinity"/"-Infinity"; a timestamp
         a number or a string).
  cbor   Smithy RPC v2 CBOR (CloudWatch): the CBOR map, as json (timestamps may be tag 1).
  query  awsQuery (ELBv2, IAM, STS, CloudWatch) and the EC2 query protocol: the form fields are
         rebuilt into the input structure by the model's serialisation (`Tags.member.1.Key`,
         `Attributes.entry.1.key`, EC2's `SubnetId.1`, `queryName`s and `locationName`s); every
         value is a string and is read by its shape's type ("300" for an integer, "true" or
         "false" for a boolean, any text for a timestamp); `Names=` is an empty list.

Patterns: botocore's are Java regular expressions. `python_pattern` translates what Python's
`re` does not take: `\\p{L}`, `\\p{Z}`, `\\p{N}` and the other Unicode general categories
(`\\P{..}` too) become explicit code point ranges; Java's POSIX classes (`\\p{Print}`,
`\\p{Alpha}`, ...) their ASCII ranges; an escaped UTF-16 surrogate pair (`\\uD800\\uDC00`) the
code point it encodes; a `-` next to a class escape inside a class (`[\\w-_]`) a literal `-`;
`\\Q..\\E`, `\\z`, `\\Z`, `\\x{..}` and `(?<name>` their Python forms. They are compiled with
re.ASCII, so `\\w`, `\\d` and `\\s` are ASCII as in Java. A pattern that still does not compile
(or compiles only with a warning, such as Java's nested classes) is skipped, never fatal:
`skipped_patterns()` lists each with the reason, and GET /_emulator/model-validation answers
them.

The answer: the service's validation error in its protocol's shape (errors.render), chosen as
rule 12 chooses it (identifiers._code: ECS InvalidParameterException or ClientException, Logs
InvalidParameterException, Cloud Map InvalidInput, Application Auto Scaling ValidationException,
ELBv2, IAM, STS and CloudWatch ValidationError, EC2 InvalidParameterValue), except that:

  - CodeDeploy answers the operation's own exception for the member when its model lists one:
    `<Member>RequiredException` for a missing member, else `Invalid<Member>Exception` for the
    member or the top-level member it is in (InvalidApplicationNameException,
    InvalidComputePlatformException, InvalidDeploymentStyleException), else
    InvalidInputException, else ValidationException;
  - EC2 answers a missing required parameter with MissingParameter ("The request must contain
    the parameter <name>", its common client error), other violations with
    InvalidParameterValue;
  - in awsJson and CBOR a value of the wrong type is `SerializationException` ("STRING_VALUE can
    not be converted to an Integer"): AWS's deserialiser refuses it before any validation (the
    query protocols' values are all strings, so there it is the validation error).

The texts are modelled on AWS's published ValidationException format (the request validation of
AWS's services: "1 validation error detected: Value '50001' at 'priority' failed to satisfy
constraint: Member must have value less than or equal to 50000"; several violations as "2
validation errors detected: ...; ..."; a list element at `<name>.<i>.member`, a map's keys and
values as "Map keys must satisfy constraint: [...]" and "Map value must satisfy constraint:
[...]"; the value of a `sensitive` shape left out, "Value at '<path>'"). EC2's are modelled on
its own "Value (<value>) for parameter <name> is invalid." CodeDeploy's `<Member>RequiredException`
says what its documentation says, as in rule 12. No copy of an answer of each service to each
constraint was found: every text is modelled.
"""

import datetime
import functools
import math
import os
import re
import threading
import unicodedata
import warnings

import botocore

import identifiers

STATUS = 400

ENVIRONMENT = "FARGATE_EMULATOR_MODEL_VALIDATION"

_lock = threading.Lock()
_settings = {"enabled": True}


class BadSetting(ValueError):
    """A model validation setting the emulator cannot take."""


def enabled():
    with _lock:
        return _settings["enabled"]


def configure(on):
    if not isinstance(on, bool):
        raise BadSetting(f"model_validation must be true or false, got {on!r}")
    with _lock:
        _settings["enabled"] = on


def configure_from_env(environ=None):
    """FARGATE_EMULATOR_MODEL_VALIDATION: 0/false/no/off turns validation off, 1/true/yes/on
    (or unset, or empty) leaves it on."""
    environ = os.environ if environ is None else environ
    raw = (environ.get(ENVIRONMENT) or "").strip().lower()
    if raw in ("", "1", "true", "yes", "on"):
        configure(True)
    elif raw in ("0", "false", "no", "off"):
        configure(False)
    else:
        raise BadSetting(f"{ENVIRONMENT} must be 0 or 1, got {raw!r}")


# --- Findings -------------------------------------------------------------------------------


class Violation:
    """One constraint a value broke. `path` is a tuple of ("m", member name), ("i", 0-based
    list index) and ("k", map key) steps; `text` the constraint's "Member must ..." text."""

    def __init__(self, path, constraint, text, value, shape, missing=False):
        self.path = path
        self.constraint = constraint
        self.text = text
        self.value = value
        self.shape = shape
        self.missing = missing

    @property
    def member(self):
        """The member as the log names it: `HealthCheckIntervalSeconds`,
        `containerDefinitions[0].memory`, `options[awslogs-group]`."""
        out = ""
        for kind, step in self.path:
            if kind == "m":
                out += ("." if out else "") + step
            else:
                out += f"[{step}]"
        return out

    def sentence(self, proto):
        """This violation in AWS's words (EC2's or the request validation's)."""
        if proto == "ec2":
            if self.missing:
                return f"The request must contain the parameter {_last_member(self.path)}"
            return (
                f"Value ({_show(self.value)}) for parameter {_ec2_name(self.path)} is invalid. "
                f"{self.text}"
            )
        where = _coral_path(self.path)
        if self.missing or self.value is None:
            shown = "Value null"
        elif self.shape is not None and self.shape.metadata.get("sensitive"):
            shown = "Value"
        else:
            shown = f"Value '{_show(self.value)}'"
        return f"{shown} at '{where}' failed to satisfy constraint: {self.text}"


class Finding:
    """A request the model refuses: the first violation names the member, every violation is
    in the message."""

    def __init__(self, violations, code, proto, message=None):
        first = violations[0]
        self.violations = violations
        self.member = first.member
        self.constraint = first.constraint
        self.detail = first.sentence(proto)
        self.code = code
        self.status = STATUS
        self.message = message or _message(violations, proto)

    def to_json(self):
        return {
            "rule": "model",
            "member": self.member,
            "constraint": self.constraint,
            "detail": self.detail,
        }


_WIRE_KINDS = (
    (bool, None),
    (str, "STRING_VALUE"),
    ((int, float), "NUMBER_VALUE"),
    (list, "START_ARRAY"),
    (dict, "START_OBJECT"),
)
_TYPE_NAMES = {
    "string": "a String",
    "integer": "an Integer",
    "long": "a Long",
    "short": "a Short",
    "byte": "a Byte",
    "float": "a Float",
    "double": "a Double",
    "boolean": "a Boolean",
    "timestamp": "a Date",
    "structure": "a Structure",
    "list": "a List",
    "map": "a Map",
}


def _serialization(violation):
    """The deserialiser's text for a value of the wrong type, modelled on "STRING_VALUE can not
    be converted to an Integer" and "NUMBER_VALUE can not be converted to a String", the form
    of the awsJson services' SerializationException."""
    value = violation.value
    kind = "VALUE"
    for types, name in _WIRE_KINDS:
        if isinstance(value, types):
            kind = name or ("TRUE_VALUE" if value else "FALSE_VALUE")
            break
    wanted = _TYPE_NAMES.get(violation.shape.type_name, violation.shape.type_name)
    return f"{kind} can not be converted to {wanted}"


def _message(violations, proto):
    if proto == "ec2":
        return violations[0].sentence(proto)
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(
        v.sentence(proto) for v in violations
    )


# --- The check ------------------------------------------------------------------------------


def check(environ, service, action, form, proto):
    """The request's violations of botocore's model as a Finding, or None (valid, validation
    off, a protocol or an operation without a model). Reads the body and puts it back, so moto
    reads the same bytes."""
    if not enabled() or proto not in ("json", "cbor", "query", "ec2"):
        return None
    operation = identifiers._operation(service, action, form)
    if operation is None or operation.input_shape is None:
        return None
    shape = operation.input_shape
    violations = []
    if proto in ("json", "cbor"):
        document = identifiers._document(environ, proto)
        if not isinstance(document, dict):
            return None  # not a JSON or CBOR map: moto (or rpcv2cbor) answers that
        _validate(shape, document, (), False, violations)
    else:
        tree = _query_tree(identifiers._query_fields(environ))
        _validate(shape, tree, (), True, violations)
    if not violations:
        return None
    typed = [v for v in violations if v.constraint == "type"]
    if typed and proto in ("json", "cbor"):
        # A value that does not decode into its shape's type never reaches the validation:
        # AWS's JSON (and CBOR) deserialiser refuses the request first.
        return Finding(typed, "SerializationException", proto, _serialization(typed[0]))
    first = violations[0]
    name = _last_member(first.path)
    top = first.path[0][1] if first.path else name
    code = _code(service, proto, operation, name, top, first.constraint)
    message = None
    if code.endswith("RequiredException"):
        message = identifiers._documented(operation, code)
    return Finding(violations, code, proto, message)


def validate(shape, value, query=False):
    """The violations of a decoded input (a JSON document, or a query tree when `query`)."""
    violations = []
    _validate(shape, value, (), query, violations)
    return violations


def _code(service, proto, operation, name, top, constraint):
    listed = {shape.name for shape in operation.error_shapes}
    if proto == "ec2":
        return "MissingParameter" if constraint == "required" else "InvalidParameterValue"
    if service == "codedeploy":
        candidates = []
        for member in dict.fromkeys((name, top)):
            member = identifiers._singular(member[:1].upper() + member[1:])
            if constraint == "required":
                candidates.append(f"{member}RequiredException")
            candidates.append(f"Invalid{member}Exception")
        candidates.append("InvalidInputException")
        for code in candidates:
            if code in listed:
                return code
        return "ValidationException"
    return identifiers._code(service, proto, operation, name)


# --- Walking the input ----------------------------------------------------------------------

_INTEGERS = ("integer", "long", "short", "byte")
_FLOATS = ("float", "double")
_SPECIAL_FLOATS = ("NaN", "Infinity", "-Infinity")


def _validate(shape, value, path, query, out):
    kind = shape.type_name
    if kind in ("blob", "document") or shape.metadata.get("document"):
        return
    if kind == "structure":
        _structure(shape, value, path, query, out)
    elif kind == "list":
        _list(shape, value, path, query, out)
    elif kind == "map":
        _map(shape, value, path, query, out)
    else:
        _scalar(shape, value, path, query, out)


def _structure(shape, value, path, query, out):
    if query and value == "":
        value = {}
    if not isinstance(value, dict):
        out.append(Violation(path, "type", "Member must be of type structure", value, shape))
        return
    members = shape.members
    if query:
        spelled = _spellings(shape)
        present = {}
        for key, item in value.items():
            name = spelled.get(key)
            if name is not None and name not in present:
                present[name] = item
    else:
        present = {key: item for key, item in value.items() if item is not None}
    for name in shape.required_members:
        if name not in present:
            out.append(Violation(
                path + (("m", name),), "required", "Member must not be null", None,
                members.get(name), missing=True,
            ))
    for name, item in present.items():
        member = members.get(name)
        if member is not None:
            _validate(member, item, path + (("m", name),), query, out)


def _list(shape, value, path, query, out):
    if query:
        value = _query_list(shape, value)
    if not isinstance(value, list):
        out.append(Violation(path, "type", "Member must be of type list", value, shape))
        return
    _size(shape, value, path, out)
    for index, item in enumerate(value):
        if item is None and not query:
            out.append(Violation(
                path + (("i", index),), "required", "Member must not be null", None, shape.member
            ))
            continue
        _validate(shape.member, item, path + (("i", index),), query, out)


def _map(shape, value, path, query, out):
    if query:
        value = _query_map(shape, value)
    if not isinstance(value, dict):
        out.append(Violation(path, "type", "Member must be of type map", value, shape))
        return
    _size(shape, value, path, out)
    for key, item in value.items():
        found = []
        _scalar(shape.key, key, path, query, found)
        if found:
            texts = ", ".join(v.text for v in found)
            out.append(Violation(
                path + (("k", key),), found[0].constraint,
                f"Map keys must satisfy constraint: [{texts}]", value, shape,
            ))
        if shape.value.type_name in ("structure", "list", "map"):
            _validate(shape.value, item, path + (("k", key),), query, out)
            continue
        found = []
        if item is None and not query:
            found.append(Violation(path, "required", "Member must not be null", None, shape.value))
        else:
            _validate(shape.value, item, path + (("k", key),), query, found)
        if any(v.constraint == "type" for v in found):
            out.extend(v for v in found if v.constraint == "type")
        elif found:
            texts = ", ".join(v.text for v in found)
            out.append(Violation(
                path + (("k", key),), found[0].constraint,
                f"Map value must satisfy constraint: [{texts}]", value, shape,
            ))


def _size(shape, value, path, out):
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        out.append(Violation(
            path, "min", f"Member must have length greater than or equal to {_number(low)}",
            value, shape,
        ))
    if high is not None and len(value) > high:
        out.append(Violation(
            path, "max", f"Member must have length less than or equal to {_number(high)}",
            value, shape,
        ))


def _scalar(shape, value, path, query, out):
    kind = shape.type_name
    if kind in ("blob", "document"):
        return
    value, ok = _typed(kind, value, query)
    if not ok:
        out.append(Violation(path, "type", f"Member must be of type {kind}", value, shape))
        return
    metadata = shape.metadata
    if kind == "string":
        enum = metadata.get("enum")
        if enum and value not in enum:
            out.append(Violation(
                path, "enum", f"Member must satisfy enum value set: [{', '.join(enum)}]",
                value, shape,
            ))
        _size(shape, value, path, out)
        pattern = metadata.get("pattern")
        if pattern:
            compiled = _compiled(pattern, shape.name)
            if compiled is not None and compiled.fullmatch(value) is None:
                out.append(Violation(
                    path, "pattern", f"Member must satisfy regular expression pattern: {pattern}",
                    value, shape,
                ))
    elif kind in _INTEGERS or kind in _FLOATS:
        low, high = metadata.get("min"), metadata.get("max")
        if isinstance(value, float) and math.isnan(value):
            return
        if low is not None and value < low:
            out.append(Violation(
                path, "min", f"Member must have value greater than or equal to {_number(low)}",
                value, shape,
            ))
        if high is not None and value > high:
            out.append(Violation(
                path, "max", f"Member must have value less than or equal to {_number(high)}",
                value, shape,
            ))


def _typed(kind, value, query):
    """(value as its shape's type, whether it is of that type). Query values are strings read
    by the shape's type; JSON and CBOR values are checked as they are."""
    if query:
        if not isinstance(value, str):
            return value, False
        if kind == "string" or kind == "timestamp":
            return value, True
        if kind == "boolean":
            return value.lower() == "true", value.lower() in ("true", "false")
        if kind in _INTEGERS:
            if re.fullmatch(r"[+-]?[0-9]+", value.strip()):
                return int(value), True
            return value, False
        if kind in _FLOATS:
            try:
                return float(value), True
            except ValueError:
                return value, False
        return value, True
    if kind == "string":
        return value, isinstance(value, str)
    if kind == "boolean":
        return value, isinstance(value, bool)
    if kind in _INTEGERS:
        if isinstance(value, bool):
            return value, False
        if isinstance(value, float) and value.is_integer():
            return int(value), True
        return value, isinstance(value, int)
    if kind in _FLOATS:
        if isinstance(value, str) and value in _SPECIAL_FLOATS:
            return float(value), True
        return value, isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "timestamp":
        return value, isinstance(value, (int, float, str, datetime.datetime)) and not isinstance(
            value, bool
        )
    return value, True


# --- The query protocols' form, rebuilt -----------------------------------------------------


def _query_tree(fields):
    """The form's fields as a tree: `Tags.member.1.Key=k` -> {"Tags": {"member": {"1":
    {"Key": "k"}}}}; a field that is both a value and a prefix keeps its children."""
    tree = {}
    for field, value in fields:
        if field in ("Action", "Version"):
            continue
        node = tree
        parts = field.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if not isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = value
    return tree


_SPELLINGS = {}


def _spellings(shape):
    """A structure's members by every name the query protocols spell them with: the member's
    name, its locationName (awsQuery), its queryName and capitalised locationName (EC2), and
    for a flattened list its element's locationName."""
    key = id(shape)
    cached = _SPELLINGS.get(key)
    if cached is not None and cached[0] is shape:
        return cached[1]
    spelled = {}
    for name, member in shape.members.items():
        serialized = member.serialization
        location = serialized.get("name", "")
        names = [
            name,
            location,
            serialized.get("queryName", ""),
            location[:1].upper() + location[1:],
        ]
        if member.type_name == "list" and member.serialization.get("flattened"):
            names.append(member.member.serialization.get("name", ""))
        for spelling in names:
            if spelling:
                spelled.setdefault(spelling, name)
    _SPELLINGS[key] = (shape, spelled)
    return spelled


def _indexed(node):
    """A node's numbered children in order (`1`, `2`, ... `10`)."""
    items = sorted((int(k), v) for k, v in node.items() if k.isdigit())
    return [v for _i, v in items]


def _query_list(shape, node):
    if node == "":
        return []  # botocore's awsQuery serialiser sends an empty list as `Names=`
    if not isinstance(node, dict):
        return node
    if not any(k.isdigit() for k in node):
        # awsQuery: <list>.member.<i> (or the element's locationName instead of member).
        wrapper = shape.member.serialization.get("name", "member")
        for key in (wrapper, "member"):
            if isinstance(node.get(key), dict):
                node = node[key]
                break
    return _indexed(node)


def _query_map(shape, node):
    if node == "":
        return {}
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("entry"), dict):
        node = node["entry"]
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    result = {}
    for entry in _indexed(node):
        if not isinstance(entry, dict):
            continue
        key = entry.get(key_name, entry.get("key"))
        if isinstance(key, str):
            result[key] = entry.get(value_name, entry.get("value", ""))
    return result


# --- Java patterns --------------------------------------------------------------------------

_skipped = {}
_compiled_cache = {}

# Java's POSIX character classes (US-ASCII only, java.util.regex.Pattern).
_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E",
    "Graph": "\\x21-\\x7E",
    "Print": "\\x20-\\x7E",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0B\\f\\r",
}
_CATEGORIES = frozenset({
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
    "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So",
    "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
})


class Untranslatable(ValueError):
    """A Java construct with no Python form here."""


@functools.lru_cache(maxsize=None)
def _category_runs():
    """[(first, last, category)] over all of Unicode, in order (unicodedata's categories)."""
    runs = []
    start, current = 0, unicodedata.category("\x00")
    for code in range(1, 0x110000):
        category = unicodedata.category(chr(code))
        if category != current:
            runs.append((start, code - 1, current))
            start, current = code, category
    runs.append((start, 0x10FFFF, current))
    return runs


@functools.lru_cache(maxsize=None)
def _category_class(name, negate):
    """The body of a character class of a general category (its ranges), or its complement."""
    ranges = []
    for first, last, category in _category_runs():
        if category.startswith(name) != negate:
            if ranges and ranges[-1][1] == first - 1:
                ranges[-1] = (ranges[-1][0], last)
            else:
                ranges.append((first, last))
    return "".join(
        f"\\U{a:08X}" if a == b else f"\\U{a:08X}-\\U{b:08X}" for a, b in ranges
    )


def _property(name, negate):
    if name.startswith("Is") and name[2:] in _CATEGORIES:
        name = name[2:]
    if name in _CATEGORIES:
        return _category_class(name, negate)
    if name in _POSIX and not negate:
        return _POSIX[name]
    raise Untranslatable(f"\\{'P' if negate else 'p'}{{{name}}}")


_SHORTHANDS = "wdsWDS"


def python_pattern(pattern):
    """A Java regular expression in Python's syntax (see the module's docstring); raises
    Untranslatable for what it cannot express."""
    out = []
    i, n = 0, len(pattern)
    in_class = False
    after_class_escape = False  # inside a class, the last item was \w, \d, \p{..}, ...
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e in "pP":
                if pattern[i + 2:i + 3] == "{":
                    close = pattern.find("}", i + 3)
                    if close < 0:
                        raise Untranslatable("unterminated \\p{")
                    name, end = pattern[i + 3:close], close + 1
                else:
                    name, end = pattern[i + 2:i + 3], i + 3
                if e == "P" and name in _POSIX and not in_class:
                    body = "^" + _POSIX[name]
                else:
                    body = _property(name, e == "P")
                out.append(body if in_class else f"[{body}]")
                after_class_escape = in_class
                i = end
                continue
            if e == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", pattern[i + 2:i + 6]):
                high = int(pattern[i + 2:i + 6], 16)
                low_text = pattern[i + 8:i + 12]
                if (
                    0xD800 <= high <= 0xDBFF
                    and pattern[i + 6:i + 8] == "\\u"
                    and re.fullmatch(r"[0-9a-fA-F]{4}", low_text)
                    and 0xDC00 <= int(low_text, 16) <= 0xDFFF
                ):
                    code = 0x10000 + ((high - 0xD800) << 10) + (int(low_text, 16) - 0xDC00)
                    out.append(f"\\U{code:08X}")
                    i += 12
                else:
                    out.append(pattern[i:i + 6])
                    i += 6
                after_class_escape = False
                continue
            if e == "x" and pattern[i + 2:i + 3] == "{":
                close = pattern.find("}", i + 3)
                if close < 0:
                    raise Untranslatable("unterminated \\x{")
                out.append(f"\\U{int(pattern[i + 3:close], 16):08X}")
                after_class_escape = False
                i = close + 1
                continue
            if e == "Q":
                close = pattern.find("\\E", i + 2)
                literal = pattern[i + 2:] if close < 0 else pattern[i + 2:close]
                out.append(re.escape(literal))
                after_class_escape = False
                i = n if close < 0 else close + 2
                continue
            if e == "z" and not in_class:
                out.append("\\Z")
                i += 2
                continue
            if e == "Z" and not in_class:
                out.append("(?=\\n?\\Z)")
                i += 2
                continue
            out.append(pattern[i:i + 2])
            after_class_escape = in_class and e in _SHORTHANDS
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[" or pattern.startswith("&&", i):
                raise Untranslatable("a nested class or a class intersection")
            elif c == "-":
                follows_escape = (
                    pattern[i + 1:i + 2] == "\\" and pattern[i + 2:i + 3] in _SHORTHANDS + "pP"
                )
                if after_class_escape or follows_escape:
                    out.append("\\-")
                    after_class_escape = False
                    i += 1
                    continue
            out.append(c)
            after_class_escape = False
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if pattern[i:i + 1] == "^":
                out.append("^")
                i += 1
            if pattern[i:i + 1] == "]":  # Java: a literal ] first in a class
                out.append("\\]")
                i += 1
            continue
        if c == "(" and pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _compiled(pattern, shape_name=""):
    """The pattern compiled for a whole-value match, or None when it cannot be (recorded in
    skipped_patterns)."""
    try:
        return _compiled_cache[pattern]
    except KeyError:
        pass
    try:
        translated = python_pattern(pattern)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compiled = re.compile(translated, re.ASCII)
    except (Untranslatable, re.error, FutureWarning, DeprecationWarning, ValueError) as e:
        compiled = None
        _skipped.setdefault(pattern, {"pattern": pattern, "shape": shape_name, "reason": str(e)})
    _compiled_cache[pattern] = compiled
    return compiled


def skipped_patterns():
    """The patterns the check skips, as [{"pattern", "shape", "reason"}], seen so far."""
    return list(_skipped.values())


def status():
    """What GET /_emulator/model-validation answers."""
    return {
        "enabled": enabled(),
        "botocore": botocore.__version__,
        "skipped_patterns": skipped_patterns(),
    }


# --- Texts ----------------------------------------------------------------------------------


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _show(value):
    """A value as the request validation prints it (Java's toString of the decoded value)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return "java.nio.HeapByteBuffer"
    return str(value)


def _last_member(path):
    for kind, step in reversed(path):
        if kind == "m":
            return step
    return ""


def _coral_path(path):
    """The request validation's path: lower camel case members, a list element as
    `<name>.<i>.member` (1-based), a map value as `<name>.<key>`; a violation of a map's keys
    or scalar values is reported at the map."""
    steps = list(path)
    if steps and steps[-1][0] == "k":
        steps = steps[:-1]
    parts = []
    for kind, step in steps:
        if kind == "m":
            parts.append(step[:1].lower() + step[1:])
        elif kind == "i":
            parts.append(f"{step + 1}.member")
        else:
            parts.append(str(step))
    return ".".join(parts)


def _ec2_name(path):
    parts = []
    for kind, step in path:
        if kind == "m":
            parts.append(step[:1].lower() + step[1:])
        elif kind == "i":
            parts.append(str(step + 1))
        else:
            parts.append(str(step))
    return ".".join(parts)
