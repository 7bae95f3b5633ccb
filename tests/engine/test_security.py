"""Hostile uploads and hostile diagram code, through the HTTP API (analyst/admin deploy).

Two layers are checked for diagram code: the deploy refuses it naming the element, and the
run time refuses it again (a definition stored before a check existed, or edited in the
database, is simulated by rewriting a deployed definition's stored spec).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from app.models import ProcessDefinition
from app.runtime import Runtime
from tests.diagrams import HEAD, with_service

DEFINITIONS = "/process-definitions"


def script_first(key: str, script: str) -> bytes:
    """start -> script task 'script' -> user task 'after' (cs_agents) -> end."""
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>'
        f'<bpmn:scriptTask id="script" name="Compute"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="after"/>'
        '<bpmn:userTask id="after" name="After"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="candidateGroups" value="cs_agents"/></spiffworkflow:properties>'
        "</bpmn:extensionElements></bpmn:userTask>"
        '<bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def gateway(key: str, condition: str) -> bytes:
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>'
        '<bpmn:exclusiveGateway id="gw" default="f_default"/>'
        f'<bpmn:sequenceFlow id="f_bad" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>{escape(condition)}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f_default" sourceRef="gw" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    marker = f"TOP-SECRET-{uuid.uuid4().hex}"
    path = tmp_path / "secret.txt"
    path.write_text(marker, encoding="utf-8")
    return path, marker


def stored_text(rt: Runtime) -> str:
    with rt.sessions() as s:
        return "".join(d.xml + d.spec_json for d in s.scalars(select(ProcessDefinition)))


def assert_error(body: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert status in (400, 413, 422), status
    error: dict[str, Any] = body["error"]
    assert error["code"] and error["message"]
    if code:
        assert error["code"] == code, error
    return error


# --- hostile XML ----------------------------------------------------------------------------
XXE_VARIANTS = {
    "internal_subset": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{path}">]>{body}',
    "external_dtd": '<?xml version="1.0"?><!DOCTYPE d SYSTEM "file://{path}">{body}',
    "parameter_entity": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "file://{path}"> %p;]>{body}',
}


@pytest.mark.parametrize("variant", [*XXE_VARIANTS, "utf16"])
def test_xxe_is_refused_and_the_file_never_surfaces(login, rt, secret, variant):
    path, marker = secret
    body = (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
        '<bpmn:process id="xxe" isExecutable="true"><bpmn:startEvent id="s" name="&x;"/></bpmn:process>'
        "</bpmn:definitions>"
    )
    if variant == "utf16":  # the byte-level DOCTYPE check cannot read UTF-16; the parsed check must
        raw = (
            XXE_VARIANTS["internal_subset"]
            .format(path=path, body=body)
            .replace('"1.0"?>', '"1.0" encoding="UTF-16"?>', 1)
        )
        data = raw.encode("utf-16")
    else:
        data = XXE_VARIANTS[variant].format(path=path, body=body).encode()
    analyst = login("analyst")
    result = analyst.deploy(data, expect=422)
    code = assert_error(result, 422)["code"]
    assert code == "forbidden_xml" or (variant == "utf16" and code == "malformed_xml"), code
    assert marker not in analyst.last.get_data(as_text=True)
    assert marker not in stored_text(rt)
    assert "xxe" not in {d["key"] for d in analyst.get(f"{DEFINITIONS}?all=1", expect=200)}


def test_billion_laughs_is_refused_quickly(login):
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&j;</bpmn:definitions>'
    ).encode()
    started = time.perf_counter()
    for payload in (data, data.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>', 1).encode("utf-16")):
        result = login("admin").deploy(payload, expect=422)
        assert_error(result, 422)
    assert time.perf_counter() - started < 30.0  # generous: proves it was cut short, not how fast this machine is


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b"this is not xml at all", "application/xml", "malformed_xml"),
        (b"", "application/xml", "invalid_bpmn"),
        (b"   \n  ", "application/xml", "invalid_bpmn"),
        (b'{"definitions": "<bpmn/>"}', "application/xml", "malformed_xml"),
        (b'{"definitions": 1}', "application/json", "malformed_xml"),
        (b"<html><body>hello</body></html>", "application/xml", "invalid_bpmn"),
        (b'<definitions xmlns="http://example.com/not-bpmn"/>', "application/xml", "invalid_bpmn"),
        (b"<a><b></a>", "text/xml", "malformed_xml"),
        (b"\xff\xfe\x00garbage", "application/xml", "malformed_xml"),
        (
            b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
            "application/xml",
            "invalid_bpmn",
        ),
    ],
)
def test_bad_bodies_get_a_clear_client_error(login, body, content_type, code):
    admin = login("admin")
    result = admin.post(DEFINITIONS, data=body, headers={"Content-Type": content_type})
    status = admin.last.status_code
    error = assert_error(result, status, code)
    assert status == 422 and error["details"], error


@pytest.mark.parametrize("extra", [1024, 2 * 1024 * 1024])
def test_oversized_diagram_is_413(login, rt, extra):
    limit = rt.settings.max_bpmn_bytes
    padding = b"<!--" + b"x" * (limit + extra) + b"-->"
    data = script_first("too_big", "x = 1").replace(b"<bpmn:process", padding + b"<bpmn:process", 1)
    assert len(data) > limit
    result = login("analyst").deploy(data, expect=413)
    assert_error(result, 413)


# --- hostile diagram code -------------------------------------------------------------------
ESCAPES = {
    "dunder_import": "__import__('os').system('id')",
    "import": "import os\nos.system('id')",
    "from_import": "from os import path",
    "open": "content = open('{secret}').read()",
    "subclasses": "x = ().__class__.__bases__[0].__subclasses__()",
    "getattr": "y = getattr(1, '__class__')",
    "eval": "z = eval('1 + 1')",
    "exec": "exec('w = 1')",
    "compile": "c = compile('1', 'f', 'eval')",
    "globals": "g = globals()",
    "vars": "v = vars()",
    "format": "s = '{{0.__class__}}'.format(1)",
    "format_map": "s = '{{a.__class__}}'.format_map({{'a': 1}})",
    "type": "t = type(1)",
    "builtins": "b = __builtins__",
    "lambda_globals": "f = (lambda: 1).__globals__",
}


@pytest.mark.parametrize("name", ESCAPES)
def test_script_escape_is_refused_at_deploy_naming_the_task(login, rt, secret, name):
    path, marker = secret
    key = f"esc_{name}"
    result = login("analyst").deploy(script_first(key, ESCAPES[name].format(secret=path)), expect=422)
    error = assert_error(result, 422, "invalid_bpmn")
    assert [d["element_id"] for d in error["details"]] == ["script"], error
    assert marker not in json.dumps(result)
    with rt.sessions() as s:
        assert s.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key)) is None


def tamper(rt: Runtime, key: str, element_id: str, script: str) -> None:
    """Rewrite a stored definition's script, as if it had been stored before the deploy checks."""
    with rt.sessions() as s:
        definition = s.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key))
        assert definition is not None
        spec = json.loads(definition.spec_json)
        spec["spec"]["task_specs"][element_id]["script"] = script
        definition.spec_json = json.dumps(spec)
        s.commit()


RUNTIME_ESCAPES = {
    **ESCAPES,
    "endless_loop": "while True:\n    pass",
    "endless_for": "for i in range(10 ** 12):\n    pass",
    "big_pow": "n = 9 ** 9 ** 9",
    "big_string": "s = 'x' * 10 ** 10",
}


@pytest.mark.parametrize("name", RUNTIME_ESCAPES)
def test_script_escape_is_refused_at_run_time_as_an_incident(login, rt, secret, name):
    path, marker = secret
    key = f"rt_{name}"
    admin = login("admin")
    admin.deploy(script_first(key, f"placeholder = '{uuid.uuid4().hex}'"), expect=201)  # unique content hash
    tamper(rt, key, "script", RUNTIME_ESCAPES[name].format(secret=path))
    started = time.perf_counter()
    inst = admin.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    assert time.perf_counter() - started < 30.0  # generous: proves it was cut short, not how fast this machine is
    full = admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert full["status"] == "error"
    [incident] = full["incidents"]
    assert incident["element_id"] == "script" and incident["message"]
    assert full["tasks"] == []  # the flow did not get past the script
    assert marker not in json.dumps(full)


def test_endless_loop_that_passes_deploy_becomes_an_incident(login):
    admin = login("admin")
    admin.deploy(script_first("loop_forever", "n = 0\nwhile n >= 0:\n    n += 1"), expect=201)
    started = time.perf_counter()
    inst = admin.post("/process-instances", json={"process_key": "loop_forever", "variables": {}}, expect=201)
    assert time.perf_counter() - started < 30.0  # generous: proves it was cut short, not how fast this machine is
    full = admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert full["status"] == "error"
    assert full["incidents"][0]["element_id"] == "script"
    assert "loop iterations" in full["incidents"][0]["message"]


@pytest.mark.parametrize(
    "condition",
    [
        "__import__('os').system('id')",
        "().__class__.__bases__",
        "open('/etc/passwd')",
        "eval('1')",
        "globals()",
        "'{0.__class__}'.format(1)",
        "${amount > 1}",
    ],
)
def test_gateway_condition_escape_is_refused_naming_the_flow(login, condition):
    result = login("analyst").deploy(gateway("gw_escape", condition), expect=422)
    error = assert_error(result, 422, "invalid_bpmn")
    assert [d["element_id"] for d in error["details"]] == ["f_bad"], error


def test_unknown_service_handler_is_refused_naming_the_task(login):
    result = login("analyst").deploy(with_service("svc_unknown", "rm_rf", {}), expect=422)
    error = assert_error(result, 422, "invalid_bpmn")
    assert error["details"] == [
        {"element_id": "svc", "rule": "service-task-handler", "message": "no handler registered for operation 'rm_rf'"}
    ]


def test_service_parameter_escape_is_refused_naming_the_task(login):
    escape = {"severity": "__import__('os').getcwd()", "to_level": "'C'", "reason": "'r'"}
    xml = with_service("svc_param", "escalate_severity", escape)
    error = assert_error(login("analyst").deploy(xml, expect=422), 422)
    assert [d["element_id"] for d in error["details"]] == ["svc"]


def test_failing_handler_is_an_incident_with_its_message(login):
    admin = login("admin")
    xml = with_service(
        "svc_raises",
        "escalate_severity",
        {"severity": "{'level': 'E'}", "to_level": "'carrier_pigeon'", "reason": "'test'"},
    )
    admin.deploy(xml, expect=201)
    inst = admin.post("/process-instances", json={"process_key": "svc_raises", "variables": {}}, expect=201)
    assert inst["status"] == "error"
    full = admin.get(f"/process-instances/{inst['id']}", expect=200)
    [incident] = full["incidents"]
    assert incident["element_id"] == "svc"
    assert "escalate_severity" in incident["message"] and "carrier_pigeon" in incident["message"]
