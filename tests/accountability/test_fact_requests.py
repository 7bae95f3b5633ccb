"""The built-in ``request_facts`` effect (``services/fact_requests``): the product answers a
diagram's request with a message that moves the instance on; an unknown request puts the case in
error with an incident naming the task, never a 500."""

from __future__ import annotations

from tests.diagrams import HEAD, user_task


def _asking(key: str, facts: str) -> bytes:
    return (
        f'{HEAD}<bpmn:message id="m" name="answer_{key}"/>'
        f'<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>'
        '<bpmn:serviceTask id="ask"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="request_facts" resultVariable="asked"><spiffworkflow:parameters>'
        f'<spiffworkflow:parameter id="facts" type="any" value="&quot;{facts}&quot;"/>'
        f'<spiffworkflow:parameter id="reply" type="any" value="&quot;answer_{key}&quot;"/>'
        '<spiffworkflow:parameter id="month" type="any" value="&quot;1999-01&quot;"/>'
        "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="wait"/>'
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m"/>'
        "</bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="look"/>'
        + user_task("look", "Look", props={"candidateGroups": "hr"})
        + '<bpmn:sequenceFlow id="f4" sourceRef="look" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def test_the_product_answers_a_request_and_the_instance_goes_on(login, finding):
    finding("sales", month="1999-01")
    login("analyst").deploy(_asking("asks_facts", "accountability_review"))
    started = login("admin").post("/process-instances", json={"process_key": "asks_facts", "variables": {}}, expect=201)
    inst = login("admin").get(f"/process-instances/{started['id']}", expect=200)
    assert [t["element_id"] for t in inst["tasks"]] == ["look"]
    assert (inst["variables"]["valid"], inst["variables"]["clean_stores"]) == ({"sales": 1}, [])


def test_an_unknown_request_puts_the_case_in_error_naming_the_task(login):
    login("analyst").deploy(_asking("asks_nonsense", "nonsense"))
    started = login("admin").post("/process-instances", json={"process_key": "asks_nonsense", "variables": {}})
    inst = login("admin").get(f"/process-instances/{started['id']}", expect=200)
    assert inst["status"] == "error" and inst["tasks"] == []
    [incident] = inst["incidents"]
    assert incident["element_id"] == "ask" and "nonsense" in incident["message"]
