"""A chunked body (no Content-Length) over the size limit is a 413, over real HTTP.

Werkzeug's own server (``make_server``) runs the test application in a thread; ``http.client``
sends bodies with ``Transfer-Encoding: chunked``, as a proxy or a streaming client would.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.security.request_helpers import stored


@pytest.fixture
def server(app) -> Iterator[int]:
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join()


def send_chunked(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    def chunks():
        for i in range(0, len(body), 64 * 1024):
            yield body[i : i + 64 * 1024]

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST", path, body=chunks(), headers={**headers, "Transfer-Encoding": "chunked"}, encode_chunked=True
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def test_chunked_json_over_the_limit_is_413(app, rt, login, server):
    limit = app.config["MAX_CONTENT_LENGTH"]
    headers = {**login("agent").headers, "Content-Type": "application/json"}
    padding = "x" * (limit + 10)
    body = json.dumps({"process_key": "complaint_handling", "variables": {"description": padding}}).encode()
    before = stored(rt)
    status, answer = send_chunked(server, "/api/v1/process-instances", body, headers)
    assert status == 413, answer
    assert answer["error"]["code"] == "payload_too_large"
    assert stored(rt) == before


def test_chunked_bodies_under_the_limit_still_work(app, server):
    body = json.dumps({"username": "agent", "password": "agent"}).encode()
    status, answer = send_chunked(server, "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    assert status == 200 and answer["token"], answer


def test_chunked_diagram_and_form_over_the_limit_are_413(app, login, server):
    limit = app.config["MAX_CONTENT_LENGTH"]
    headers = {**login("analyst").headers, "Content-Type": "application/xml"}
    status, answer = send_chunked(server, "/api/v1/process-definitions", b" " * (limit + 1), headers)
    assert status == 413, answer
    form = b"username=agent&password=" + b"x" * limit
    status, answer = send_chunked(
        server, "/api/v1/auth/token", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 413, answer
