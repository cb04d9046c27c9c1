"""The project's AWS emulator for tests and the demo: moto (pinned 5.2.5) in server mode on
127.0.0.1, with the gaps this provider's call flow hits filled in by `gaps.py`, plus two
test-only endpoints:

  GET  /_emulator/requests        every AWS call served so far, as [{"service", "action"}]
  POST /_emulator/requests/reset  forget them
  POST /_emulator/faults          {"action": "CreateTargetGroup", "times": 1} makes the next
                                  matching call fail with HTTP 500 (fault injection)
  POST /_emulator/deployments     {"fail": 1} makes the next CodeDeploy deployment fail and roll
                                  back instead of swapping blue and green

It prints one JSON line, {"endpoint": "http://127.0.0.1:<port>"}, once it is ready, and runs
until SIGTERM/SIGINT or, so that a caller that dies does not leave it behind, until its standard
input closes (--until stdin, the default) or its parent process exits (--until parent).
"""

import argparse
import io
import json
import os
import signal
import sys
import threading
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

import gaps  # noqa: E402  (patches moto in place)


def call_name(environ):
    """(service, action) of an AWS request, from the JSON target header or the query form."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = ""
    if "Credential=" in auth:
        try:
            service = auth.split("Credential=")[1].split("/")[3]
        except IndexError:
            service = ""
    if target:
        return service, target.split(".")[-1]
    path = environ.get("PATH_INFO", "")
    if "/operation/" in path:
        return service, path.rsplit("/", 1)[-1]
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
        return service, action
    return service, f"{environ.get('REQUEST_METHOD', '')} {path}"


class Emulator:
    """Wraps moto's WSGI app with the request log and fault injection."""

    def __init__(self):
        self.app = DomainDispatcherApplication(create_backend_app)
        self.lock = threading.Lock()
        self.requests = []
        self.faults = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator/"):
            return self.control(environ, start_response)
        service, action = call_name(environ)
        with self.lock:
            self.requests.append({"service": service, "action": action})
            remaining = self.faults.get(action, 0)
            if remaining > 0:
                self.faults[action] = remaining - 1
                inject = True
            else:
                inject = False
        if inject:
            body = json.dumps(
                {"__type": "InternalFailure", "message": f"injected fault in {action}"}
            )
            return Response(body, status=500, content_type="application/json")(
                environ, start_response
            )
        return self.app(environ, start_response)

    def control(self, environ, start_response):
        request = Request(environ)
        path = request.path
        with self.lock:
            if path == "/_emulator/requests" and request.method == "GET":
                body = json.dumps(self.requests)
            elif path == "/_emulator/requests/reset" and request.method == "POST":
                self.requests = []
                body = "{}"
            elif path == "/_emulator/deployments" and request.method == "POST":
                spec = json.loads(request.get_data() or b"{}")
                gaps.fail_next_deployments(spec.get("fail", 0))
                body = "{}"
            elif path == "/_emulator/faults" and request.method == "POST":
                spec = json.loads(request.get_data() or b"{}")
                self.faults[spec["action"]] = int(spec.get("times", 1))
                body = "{}"
            else:
                return Response("not found", status=404)(environ, start_response)
        return Response(body, content_type="application/json")(environ, start_response)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--until", choices=["stdin", "parent"], default="stdin")
    args = parser.parse_args()

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
