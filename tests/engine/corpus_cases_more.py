"""Expected outcomes for the Test-Workflows, Invalid-Workflows, Camunda and Spiff corpus diagrams.

Camunda-dialect files: scripts and conditions are Python, so they deploy; the compiler reads
``camunda:formKey``/``candidateGroups``/literal ``assignee`` and the message payload attributes
(``camunda:expression``/``resultVariable``) as their Spiff equivalents. JUEL (``${...}``) is
refused with the element's id (none of these files uses it; see test_spiff_corpus for a case).
Messages between two processes of one collaboration are forwarded by the test from one
instance's ``thrown_events`` to the other's ``send_message`` (the product has no message bus).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.clock import clock
from tests.engine.corpus_harness import Refused, Run, Runs, deploy

NOT_SAME_FILE = "is not in this file"
TW = "bpmn/data/Test-Workflows/"
NO_CONDITION = "without condition"
LOADER_NOTE = "relies on SpiffWorkflow's test loader (flows without condition chosen by name)"


def forward(source: Run, target: Run) -> int:
    """Deliver every message ``source`` threw to ``target``; returns how many."""
    events = [e for e in source.inst.thrown_events() if e.kind == "message"]
    for event in events:
        target.message(event.name, event.payload)
    return len(events)


def messages(path: Path) -> None:
    run = Run(deploy(path)["sid-4a1f10ab-316f-4cd8-836d-65aa3d178fff"])
    assert run.ready() == [] and [m["name"] for m in run.inst.waiting_messages()] == ["Test Message"]
    run.message("Wrong Message", expect_caught=0)
    assert [m["name"] for m in run.inst.waiting_messages()] == ["Test Message"]
    run.message("Test Message")
    assert run.completed


def message_interrupts(path: Path) -> None:
    process = deploy(path)["sid-db1e1749-03ee-46aa-8674-bba07b1bd167"]
    run = Run(process)
    assert run.ready_names() == ["Do Something That Takes A Long Time"]
    assert len(run.inst.waiting_messages()) == 1
    run.complete("Do Something That Takes A Long Time")
    assert run.inst.waiting_messages() == [] and run.completed
    run = Run(process)
    run.message("Test Message")
    assert run.ready_names() == ["Acknowledge Interrupt Message"]
    run.complete("Acknowledge Interrupt Message")
    assert run.completed


def message_non_interrupt(path: Path) -> None:
    run = Run(deploy(path)["sid-60e2cc58-68c9-4cb5-a95c-22e3e311b6b9"])
    run.message("Test Message")
    assert run.ready_names() == ["Acknowledge Non-Interrupt Message", "Do Something That Takes A Long Time"]
    # SpiffWorkflow 3.2.0 does not re-arm a non-interrupting boundary event after it caught once.
    assert run.inst.waiting_messages() == []
    run.message("Test Message", expect_caught=0)
    run.complete("Acknowledge Non-Interrupt Message")
    run.complete("Do Something That Takes A Long Time")
    assert run.completed


def message_interrupts_sp(path: Path) -> None:
    process = deploy(path)["sid-607dfa9b-dbfd-41e8-94f8-42ae37f3b824"]  # call activity inside the file
    run = Run(process)
    assert run.ready_names() == ["Do Something In a Subprocess"]
    run.complete("Do Something In a Subprocess")
    run.complete("Ack Subprocess Done")
    assert run.completed
    run = Run(process)
    run.message("Test Message")
    assert run.ready_names() == ["Acknowledge  SP Interrupt Message"]
    run.complete("Acknowledge  SP Interrupt Message")
    assert run.completed


def timer_intermediate(path: Path) -> None:
    due = (clock.now() + timedelta(milliseconds=10)).isoformat()  # the product clock, as the engine reads it
    run = Run(deploy(path)["sid-909dfba4-15dd-47b3-b7d4-88330891429a"], {"due_time": due})
    assert list(run.timers()) == ["sid-AB1683F9-F260-499B-A04C-F7ADA9C64817"] and run.ready() == []
    run.expire_timers()
    assert run.timers() == {} and run.completed


def nested_level2(path: Path) -> None:
    run = Run(deploy(path)["sid-65436787-c39d-47c9-b99e-b4d7bd01b8f5"])
    assert run.ready_names() == ["Action3"]
    run.complete("Action3")
    assert run.completed


def parallel_camunda(path: Path) -> None:
    run = Run(deploy(path)["Process_1hb021r"])
    assert run.ready_names() == ["First Task"]
    run.complete("First Task")
    assert run.ready_names() == ["Parallel Task A", "Parallel Task B", "Parallel Task C"]
    run.complete("Parallel Task B")
    run.complete("Parallel Task A")
    assert run.ready_names() == ["Parallel Task C"]  # the join waits for all three
    run.complete("Parallel Task C")
    assert run.ready_names() == ["Last Task"]
    run.complete("Last Task")
    assert run.completed


def parallel_join_long_inclusive(path: Path) -> None:
    run = Run(deploy(path)["sid-bae04828-c969-4480-8cfe-09ad1f97d81c"])
    assert run.ready_names() == ["Thread 1 - Choose", "Thread 2 - Choose"]
    run.complete("Thread 1 - Choose", choice="Yes")
    run.complete("Thread 2 - Choose", choice="No")
    for i in range(1, 13):
        run.complete(f"Thread 1 - Task {i}")
    assert run.ready_names() == ["Done", "Thread 2 - No Task"]  # Done before thread 2 finished
    run.complete("Done")
    run.complete("Thread 2 - No Task")
    assert run.completed


def parallel_through_same_task(path: Path) -> None:
    run = Run(deploy(path)["sid-57c563e3-fb68-4961-ae34-b6201e0c09e8"])
    assert run.ready_names() == ["Choice 1", "Repeated Task"]
    run.complete("Choice 1", choice="Yes")
    run.complete("Yes Task")
    assert run.ready_names() == ["Repeated Task", "Repeated Task"]
    assert run.complete_all("Repeated Task", lambda d: {}) == 2
    assert run.ready_names() == ["Done"]
    run.complete("Done")
    assert run.completed


def message_boundary(path: Path) -> None:
    deployed = deploy(path)
    boss, worker = Run(deployed["Process_1kjyavs"]), Run(deployed["Process_0srqcj1"])
    task = boss.inst.ready_user_tasks()[0]
    assert (task.form_key, task.lane, task.candidate_groups) == ("Interrupt", "Boss", ["Boss"])  # camunda:formKey
    for answer in ("No", "No"):
        boss.complete("Activity_Interrupt", interrupt_task=answer)
        assert forward(boss, worker) == 0
        worker.complete("Activity_106f08z")
        worker.expire_timers()  # "Take Break" PT0.01S, then back to work
    boss.complete("Activity_Interrupt", interrupt_task="Yes")
    assert boss.completed
    assert forward(boss, worker) == 1
    assert worker.completed
    assert worker.data == {"Event_InterruptBoundary_Response": "Interrupt!"}


def noninterrupting_message_boundary(path: Path) -> None:
    deployed = deploy(path)
    boss, worker = Run(deployed["Process_1kjyavs"]), Run(deployed["Process_1k0py56"])
    for answer in ("No", "No", "Yes"):
        boss.complete("Activity_WorkLate", flag_task=answer)
    assert boss.completed and boss.data == {"flag_task": "Yes"}
    assert forward(boss, worker) == 1
    assert worker.ready() == ["Activity_DoWork", "Activity_WorkLateReason"]
    worker.complete("Activity_WorkLateReason", work_late_reason="traffic")
    assert worker.ready() == ["Activity_DoWork"]
    worker.complete("Activity_DoWork", work_done="Yes")
    worker.complete("Activity_WorkCompleted", work_completed="all of it")
    assert worker.completed
    assert worker.data["Event_InterruptBoundary_Response"] == "Youre late!"
    assert worker.data["work_done"] == "Yes"


def external_message(path: Path) -> None:
    run = Run(deploy(path)["Process_1iggtmi"])
    run.message("Interrupt", {"interrupt_var": "SomethingImportant"})
    views = {t.name: t.data for t in run.inst.ready_user_tasks()}
    assert views == {
        "Meaningless User Task": {"caughtinterrupt": False},
        "Pause": {"caughtinterrupt": True, "interrupt_var": "SomethingImportant"},
    }
    run.message("reset", {"reset_var": "SomethingDrastic"})
    assert "cancelled" in run.state_of("Activity_147sm5j")
    assert run.task_data("Event_19detfv")["reset_var"] == "SomethingDrastic"


def sub_workflow_complex(path: Path) -> None:
    run = Run(deploy(path)["SubWorkflow"])
    assert run.ready() == ["Activity_A"]
    run.complete("Activity_A", FieldA="A")
    assert run.ready() == ["Activity_A1", "Activity_A2"]
    run.complete("Activity_A1", FieldA1="A1")
    run.complete("Activity_A2", FieldA2="A2")
    assert run.ready() == ["Activity_B"]
    run.complete("Activity_B", FieldB="B")
    assert run.completed
    assert run.data == {"FieldA": "A", "FieldA1": "A1", "FieldA2": "A2", "FieldB": "B"}


def message_test(path: Path) -> None:
    deployed = deploy(path)
    planner = Run(deployed["Process_05r9nfx"])
    assert Run(deployed["ThrowCatch"]).inst.waiting_messages()[0]["name"] == "ApprovalRequest"  # message start
    for answer in ("No", "No", "Yes"):
        planner.complete("Activity_EnterPlan", plan_details="Best")
        approver = Run(deployed["ThrowCatch"])
        assert forward(planner, approver) == 1
        approver.complete("Activity_ApproveOrDeny", approved=answer)
        assert approver.completed
        assert forward(approver, planner) == 1
    planner.complete("Activity_EnablePlan", Done="OK!")
    assert planner.completed
    assert planner.data == {"plan_details": "Best", "ApprovalResult": "Yes", "Done": "OK!"}


def random_fact(path: Path) -> None:
    run = Run(deploy(path)["random_fact"])
    assert run.inst.waiting_messages() == []
    (task,) = run.inst.ready_user_tasks()
    assert (task.element_id, task.form_key, task.lane) == ("Task_User_Select_Type", "Fact", None)
    run.complete("Task_User_Select_Type", type="cat")
    # The script 'scripts.FactService' names a service object of SpiffWorkflow's test environment.
    assert run.incident is not None and run.incident[0] == "Task_Get_Fact_From_API"
    assert "scripts" in run.incident[1]


def call_activity_with_message(path: Path) -> None:
    run = Run(deploy(path)["Subprocess"])
    run.complete("Activity_EnterPlan", plan_details="Best")
    assert [(e.name, e.payload) for e in run.inst.thrown_events()] == [("ApprovalRequest", "Best")]
    run.message("ApprovalResponse", {"Approved": "No"})
    run.complete("Activity_EnterPlan", plan_details="Best")
    run.message("ApprovalResponse", {"Approved": "Yes"})
    assert run.completed and run.data == {"plan_details": "Best", "Approved": "Yes"}


def event_payload(data: dict[str, object], expected: dict[str, object]):  # type: ignore[no-untyped-def]
    def check(path: Path) -> None:
        run = Run(deploy(path)["event_test"])
        run.complete("set_data", **data)
        assert run.completed and run.data == expected

    return check


def user_task_variable(path: Path) -> None:
    deployed = deploy(path)
    order = {"size": "large", "toppings": ["olives"]}
    one = Run(deployed["one"])
    one.complete("user_task_two", **order)
    assert one.completed and one.data == {"order": order}  # spiffworkflow:variableName
    two = Run(deployed["two"])
    two.complete("user_task_one", **order)
    assert two.completed and two.data == order


def human_task_metadata(path: Path) -> None:
    run = Run(deploy(path)["Process_human_task_metadata"])
    (task,) = run.inst.ready_user_tasks()
    assert task.metadata == {
        "dynamic_key": "dynamic_value",
        "static_key": "static_value",
        "key_with_no_value_property_in_xml": None,
    }


CASES: dict[str, Runs | Refused] = {
    "bpmn/data/Invalid-Workflows/No-Start-Event.bpmn20.xml": Refused(
        ("sid-669ddebf-4196-41ee-8b04-bcc90bc5f983",), "No start event", "the process has no start event"
    ),
    "bpmn/data/Invalid-Workflows/Subprocess-Not-Found.bpmn20.xml": Refused(
        ("sid-cdd16263-1c9c-4a7e-90cb-3033d63b6fc4", "sid-fdeb03ce-b73b-4643-8c87-7b333f24ae09"),
        "not executable",
        "no process is executable (and the call activity's target is missing)",
    ),
    "bpmn/data/Invalid-Workflows/Unsupported-Task.bpmn20.xml": Refused(
        ("sid-75EEAB28-3B69-4282-B91A-0F3C97931834",),
        "business rule task",
        "a business rule task naming no decision table",
    ),
    "bpmn/data/Invalid-Workflows/non-executable-process.bpmn": Refused(
        ("Process_14di7kj",), "not executable", "the only process is not executable"
    ),
    TW + "Test-Workflows.bpmn20.xml": Refused(
        ("MESSAGES_SUB", "SCRIPTS_SUB", "MESSAGE_INTERRUPTS_SUB", "MESSAGE_NON_INTERRUPT_SUB"),
        NOT_SAME_FILE,
        "call activities into other files (and " + LOADER_NOTE + ")",
    ),
    TW + "Messages.bpmn20.xml": Runs(messages, "run on its own, without the Test-Workflows entry point"),
    TW + "Message-Interrupts.bpmn20.xml": Runs(message_interrupts, "run on its own"),
    TW + "Message-Non-Interrupt.bpmn20.xml": Runs(
        message_non_interrupt,
        "run on its own; SpiffWorkflow 3.2.0 does not re-arm the non-interrupting boundary after it caught once",
    ),
    TW + "Scripts.bpmn20.xml": Refused(
        ("sid-9928A8F9-83F2-4C6B-A253-FC3D161BD33C",),
        "syntax error",
        "condition \"priority = 'Emergency'\" is not an expression (" + LOADER_NOTE + ")",
    ),
    TW + "Message-Interrupts-SP.bpmn20.xml": Runs(message_interrupts_sp),
    TW + "CallActivity-Escalation-Test.bpmn20.xml": Refused(
        ("Task_1x5aq4g", "CallActivity_13dg1lb"), NOT_SAME_FILE, "calls a process defined in another file"
    ),
    TW + "CallActivity-Escalation-Test-Sub.bpmn20.xml": Refused(
        ("SequenceFlow_0expyhf",), '"vars" is not allowed', "condition uses vars()/globals() (sandbox)"
    ),
    TW + "Action-Management.bpmn20.xml": Refused(
        ("sid-4B3460BF-1433-4961-BEA6-CD4766A5F509",), NO_CONDITION, "exclusive flow without condition: " + LOADER_NOTE
    ),
    TW + "Timer-Intermediate.bpmn20.xml": Runs(timer_intermediate),
    TW + "Nested-Subprocesses.bpmn20.xml": Refused(
        ("sid-C014B4B9-889F-4EE9-9949-C89502C35CF0",), NOT_SAME_FILE, "calls a process defined in another file"
    ),
    TW + "Nested-Sub-level1.bpmn20.xml": Refused(
        ("sid-BC014079-199F-4720-95CD-244B0ACB6DE1",), NOT_SAME_FILE, "calls a process defined in another file"
    ),
    TW + "Nested-Sub-level2.bpmn20.xml": Runs(nested_level2, "the innermost level, run on its own"),
    TW + "Parallel.camunda.bpmn20.xml": Runs(parallel_camunda),
    TW + "Parallel-Join-Long.bpmn20.xml": Refused(
        ("sid-16EB4D98-7F77-4046-8CDD-E07C796542FE",), NO_CONDITION, "exclusive flow without condition: " + LOADER_NOTE
    ),
    TW + "Parallel-Join-Long-Inclusive.bpmn20.xml": Runs(parallel_join_long_inclusive),
    TW + "Parallel-Through-Same-Task.bpmn20.xml": Runs(parallel_through_same_task),
    "camunda/data/MessageBoundary.bpmn": Runs(
        message_boundary, "the two processes run as two instances; the test forwards the thrown message"
    ),
    "camunda/data/noninterrupting-MessageBoundary.bpmn": Runs(
        noninterrupting_message_boundary, "two instances, message forwarded by the test"
    ),
    "camunda/data/external_message.bpmn": Runs(external_message),
    "camunda/data/subWorkflowComplex.bpmn": Runs(sub_workflow_complex),
    "camunda/data/message_test.bpmn": Runs(message_test, "two instances, messages forwarded by the test"),
    "camunda/data/random_fact.bpmn": Runs(
        random_fact,
        "Camunda form fields and properties are not read (forms are "
        "JSON Schema files); the script names a test-only service: "
        "incident at Task_Get_Fact_From_API",
    ),
    "camunda/data/call_activity_with_message_parent.bpmn": Refused(
        ("Activity_RequestApproval",), NOT_SAME_FILE, "calls 'Subprocess', defined in another file"
    ),
    "camunda/data/call_activity_with_message.bpmn": Runs(
        call_activity_with_message, "run on its own; the test answers the approval request"
    ),
    "spiff/data/error_event_payload.bpmn": Runs(
        event_payload({"error": True, "payload": "ERROR!"}, {"result": "ERROR!"})
    ),
    "spiff/data/escalation_event_payload.bpmn": Runs(
        event_payload({"escalation": True, "payload": "ERROR!"}, {"result": "ERROR!"})
    ),
    "spiff/data/signal_event_payload.bpmn": Runs(
        event_payload({"v1": 1, "v2": 2, "v3": 3}, {"v1": 1, "v2": 2, "v3": 3, "result": {"r1": 1, "r2": 2}})
    ),
    "spiff/data/user_task_variable.bpmn": Runs(user_task_variable),
    "spiff/data/human_task_metadata.bpmn": Runs(
        human_task_metadata,
        "metadata values are evaluated for the task view (the MANIFEST checks the raw expressions on the spec)",
    ),
}
