"""Expected outcomes for SpiffWorkflow's ``bpmn/data/*.bpmn`` diagrams on OUR deploy path and engine.

Each check is derived from the MANIFEST's "expected outcome" column; ``Run`` dumps and reloads
the instance after every step. Timers fire by moving the product clock forward (``Run.advance``,
``Run.advance_to_timer``): no sleeping, no rewriting of the engine's timer state.
"""

from __future__ import annotations

from pathlib import Path

from tests.engine.corpus_cases_timers import (
    approx,
    boundary,
    boundary_timer_on_task,
    still_waiting_before,
    timer,
    timer_cycle,
    timer_cycle_start,
    timer_date_start,
    timer_non_interrupt_boundary,
)
from tests.engine.corpus_harness import Refused, Run, Runs, deploy


def event_gateway(path: Path) -> None:
    process = deploy(path)["Process_0pvx19v"]
    run = Run(process)
    assert sorted(m["name"] for m in run.inst.waiting_messages()) == ["message_1", "message_2"]
    assert approx(run.timer_due_in("timer_event"), 1.0)
    run.message("message_1")
    assert run.completed
    assert run.state_of("message_1_event") == ["completed"]
    assert run.state_of("message_2_event") == run.state_of("timer_event") == []  # branches dropped
    run = Run(process)
    still_waiting_before(run, "timer_event", early=0.5)
    assert not run.completed
    run.advance_to_timer("timer_event")
    assert run.completed
    assert run.state_of("timer_event") == ["completed"]
    assert run.state_of("message_1_event") == run.state_of("message_2_event") == []


def event_subprocess(path: Path) -> None:
    run = Run(deploy(path)["main"])
    run.complete("set_data", v1=True, v2=False)
    assert run.ready() == ["task"]
    # SpiffWorkflow 3.2.0 alone would hand the event subprocess the data of instance start ({});
    # the engine refreshes it from the parent when the event fires (runtime._refresh_event_subprocess_data).
    assert run.task_data("task") == {"v1": True, "v2": False}
    run.complete("task")
    assert run.completed


def exclusive_gateway_no_default(path: Path) -> None:
    run = Run(deploy(path)["NoDefaultGateway"], {"x": 1})
    assert run.incident == ("Gateway_CheckValue", "No conditions satisfied for Gateway_CheckValue")
    assert run.state_of("Gateway_CheckValue") == ["error"]


def inclusive_gateway(path: Path) -> None:
    process = deploy(path)["main"]
    run = Run(process)
    run.complete("set_data", v=-1, u=-1, w=-1)
    assert run.completed and run.data == {"v": 0, "u": -1, "w": -1}
    run = Run(process)
    run.complete("set_data", v=0, u=-1, w=-1)
    assert run.incident is not None and run.incident[0] == "second"
    assert run.state_of("second") == ["error"]
    run = Run(process)
    run.complete("set_data", v=0, u=1, w=1)
    assert run.state_of("u_plus_v") == run.state_of("w_plus_v") == ["completed"]
    assert run.state_of("increment_v") == []
    assert run.completed and run.data == {"v": 0, "u": 1, "w": 1}


def lanes(path: Path) -> None:
    run = Run(deploy(path)["lanes"])

    def lanes_of_ready() -> list[tuple[str, str | None]]:
        return [(t.element_id, t.lane) for t in run.inst.ready_user_tasks()]

    assert lanes_of_ready() == [("Activity_A1", "A")]
    run.complete("Activity_A1", NewBPMNFeautre="lanes")
    assert lanes_of_ready() == [("Activity_B1", "B")]
    run.complete("Activity_B1", NeedClarification=False)
    assert lanes_of_ready() == [("Implement_Feature", "B")]  # a manual task; the next user task is in C
    run.complete("Implement_Feature")
    assert lanes_of_ready() == [("Activity_1uksrqx", "C")]
    run.complete("Activity_1uksrqx")
    assert lanes_of_ready() == [("SubProcessTask", "C")]  # inside the subprocess, lane C too
    assert run.inst.ready_user_tasks()[0].candidate_groups == ["C"]
    run.complete("SubProcessTask")
    assert run.completed


def call_activity_call_activity(path: Path) -> None:
    process = deploy(path)["Call_Activity_Get_Data"]  # the callee, deployed on its own
    run = Run(process, {"pre_var": "some string", "remove_this_var": "something else"})
    assert run.completed
    assert run.data == {"pre_var": "some string", "my_var": "World", "my_other_var": "Mike"}
    run = Run(process, {"pre_var": "some string"})  # what call_activity_with_error.bpmn feeds it
    assert run.incident is not None and run.incident[0] == "Sub_Bpmn_Task"
    assert "remove_this_var" in run.incident[1]


def level_2b(path: Path) -> None:
    run = Run(deploy(path)["Level2"])
    assert run.ready() == ["Activity_16ayqi8"]
    run.complete("Activity_16ayqi8")
    assert run.completed


def collaboration(path: Path) -> None:
    deployed = deploy(path)
    assert list(deployed) == ["process_buddy"]  # random_person_process is not executable
    run = Run(deployed["process_buddy"], {"lover_name": "Peggy"})
    assert [(e.kind, e.name) for e in run.inst.thrown_events()] == [("message", "Love Letter")]
    assert run.inst.waiting_messages() == [{"element_id": "EventReceiveLetter", "name": "Love Letter Response"}]
    run.message("Love Letter Response", {"from_name": "Peggy", "other_nonsense": 1001})
    assert run.completed
    assert run.data == {"lover_name": "Peggy", "from_name": "Peggy", "other_nonsense": 1001}
    assert run.inst.workflow.correlations == {"lover": {"lover_name": "Peggy"}}


def conditional_event(path: Path) -> None:
    deployed = deploy(path)
    assert list(deployed) == ["intermediate"]  # process 'boundary' is not executable
    run = Run(deployed["intermediate"])
    assert run.ready() == ["task_a", "task_b"]
    run.complete("task_b")
    assert run.state_of("event_1") == ["waiting"]
    run.complete("task_a", task_a_done=True)
    assert run.state_of("event_1") == ["completed"]
    assert run.completed


def multiple_start(path: Path) -> None:
    run = Run(deploy(path)["main"])
    assert run.state_of("StartEvent_1") == ["waiting"]
    run.message("message_1")
    assert run.ready() == ["any_task"]
    run.complete("any_task")
    assert run.completed


def double(data: dict[str, int]) -> dict[str, int]:
    return {"output_item": data["input_item"] * 2}


def parallel_mi_cardinality(path: Path) -> None:
    run = Run(deploy(path)["main"])
    assert run.ready() == ["any_task"] * 3
    assert run.complete_all("any_task", double) == 3
    assert run.completed and run.data == {"output_data": [0, 2, 4]}


def parallel_mi_loop_input(path: Path) -> None:
    process = deploy(path)["main"]
    run = Run(process, {"input_data": [1, 2, 3]})
    assert run.ready() == ["any_task"] * 3
    run.complete_all("any_task", double)
    assert run.data["output_data"] == [2, 4, 6]
    run = Run(process, {"input_data": {"a": 1, "b": 2, "c": 3}, "output_data": []})
    run.complete_all("any_task", double)
    assert run.data["output_data"] == [2, 4, 6]
    run = Run(process, {"input_data": [1, 2, 3], "output_data": {}})
    run.complete_all("any_task", double)
    assert run.data["output_data"] == {"0": 2, "1": 4, "2": 6}  # JSON persistence: keys become strings
    run = Run(process, {"input_data": [1, 2, 3], "output_data": [1]})
    assert run.incident is not None and run.incident[0] == "any_task"


def sequential_mi(path: Path) -> None:
    run = Run(deploy(path)["main"], {"input_data": [1, 2, 3]})
    assert run.ready() == ["any_task"]  # one at a time
    assert run.complete_all("any_task", double) == 3
    assert run.completed and run.data["output_data"] == [2, 4, 6]


def standard_loop(path: Path) -> None:
    process = deploy(path)["main"]
    run = Run(process, {"done": False})
    assert run.complete_all("any_task", lambda d: {"done": False}) == 3  # loopMaximum
    assert run.completed
    run = Run(process, {"done": False})
    assert run.complete_all("any_task", lambda d: {"done": True}) == 1
    assert run.completed
    run = Run(process, {"done": True})
    assert run.ready() == [] and run.completed  # testBefore: skipped


def transaction(path: Path) -> None:
    process = deploy(path)["Main_Process"]

    def go(value: str, quantity: int | None) -> Run:
        run = Run(process)
        run.complete("Activity_Get_Data", value=value)
        if quantity is not None:
            run.complete("Activity_Get_Quantity", quantity=quantity)
        assert run.completed
        return run

    run = go("", None)
    assert run.state_of("Cancel_Action") == ["completed"] and "value" not in run.data
    assert run.state_of("Activity_Print_Data") == ["cancelled"]
    run = go("x", 0)
    assert run.state_of("Error_None_Action") == ["completed"] and run.state_of("Error_1_Action") == []
    run = go("x", -1)
    assert run.state_of("Error_None_Action") == run.state_of("Error_1_Action") == ["completed"]
    run = go("x", 5)
    assert run.state_of("Activity_Print_Data") == ["completed"]
    for event in ("Catch_Error_1", "Catch_Error_None", "Catch_Cancel_Event"):
        assert run.state_of(event) == ["cancelled"]


def uncaught_escalation(path: Path) -> None:
    run = Run(deploy(path)["top_level"])
    assert run.completed
    events = run.inst.thrown_events()
    assert [(e.kind, e.code) for e in events] == [("escalation", "escalation-1")]


def return_to_event(path: Path) -> None:
    run = Run(deploy(path)["return_to_event"])
    assert "waiting" in run.state_of("Event_10ncvxn")
    run.message("basic_message")
    run.complete("manual", repeat=True)
    assert "waiting" in run.state_of("Event_10ncvxn")  # a new wait, the old event is not reused
    run.message("basic_message")
    run.complete("manual", repeat=False)
    assert run.completed


def start_event_split(path: Path) -> None:
    run = Run(deploy(path)["main"])
    assert run.state_of("start_1") == run.state_of("start_2") == ["waiting"]
    run.message("message_1")
    assert run.state_of("start_1") == ["completed"] and run.state_of("start_2") == ["cancelled"]
    assert run.ready() == ["any_task"]
    run.complete("any_task")
    assert run.completed


def parallel_order(path: Path) -> None:
    run = Run(deploy(path)["ParallelOrder"])
    assert [t.name for t in run.inst.ready_user_tasks()] == ["Task 1", "Task 2", "Task 3", "Task 4"]


NOT_SAME_FILE = "is not in this file"
CASES: dict[str, Runs | Refused] = {
    "bpmn/data/Approvals.bpmn": Refused(
        ("Approvals", "First_Approval_Wins", "Parallel_Approvals_SP"),
        "not executable",
        'BonitaSoft export: no process is marked isExecutable="true"',
    ),
    "bpmn/data/boundary.bpmn": Runs(boundary),
    "bpmn/data/boundary_timer_on_task.bpmn": Runs(boundary_timer_on_task),
    "bpmn/data/timer-non-interrupt-boundary.bpmn": Runs(timer_non_interrupt_boundary),
    "bpmn/data/timer.bpmn": Runs(timer),
    "bpmn/data/timer-cycle.bpmn": Runs(timer_cycle),
    "bpmn/data/timer-cycle-start.bpmn": Runs(
        timer_cycle_start,
        "the collaboration's two processes are deployed and run as two instances on one clock",
    ),
    "bpmn/data/timer-date-start.bpmn": Runs(timer_date_start),
    "bpmn/data/event-gateway.bpmn": Runs(
        event_gateway, "branches not taken are dropped from the tree, not kept as CANCELLED"
    ),
    "bpmn/data/event-subprocess.bpmn": Runs(event_subprocess),
    "bpmn/data/exclusive_gateway_no_default.bpmn": Runs(exclusive_gateway_no_default),
    "bpmn/data/inclusive_gateway.bpmn": Runs(inclusive_gateway),
    "bpmn/data/lanes.bpmn": Runs(lanes),
    "bpmn/data/call_activity_end_event.bpmn": Refused(
        ("Activity_Call_Activity",), NOT_SAME_FILE, "calls Call_Activity_Get_Data, defined in another file"
    ),
    "bpmn/data/call_activity_call_activity.bpmn": Runs(
        call_activity_call_activity, "run as a process of its own (its callers live in other files and are refused)"
    ),
    "bpmn/data/call_activity_with_error.bpmn": Refused(
        ("Activity_12zat0d",), NOT_SAME_FILE, "calls Call_Activity_Get_Data, defined in another file"
    ),
    "bpmn/data/call_activity_nested/call_activity_nested.bpmn": Refused(
        ("Activity_0gg4414", "Activity_12zat0d", "Activity_0rkbhbz"),
        "",
        "DMN business rule task, and call activities into other files",
    ),
    "bpmn/data/call_activity_nested/call_activity_level_2.bpmn": Refused(
        ("Activity_12zat0d", "Activity_1cmkdc8"), NOT_SAME_FILE, "calls Level3 and Level2b, defined in other files"
    ),
    "bpmn/data/call_activity_nested/call_activity_level_2b.bpmn": Runs(level_2b),
    "bpmn/data/call_activity_nested/call_activity_level_3.bpmn": Refused(
        ("Activity_12zat0d",), "recursive", "Level3 calls itself: the instance would never end"
    ),
    "bpmn/data/collaboration.bpmn": Runs(
        collaboration,
        "only process_buddy is executable; the send task carries no payload without "
        "spiffworkflow:messagePayload, so the correlation key comes from the reply",
    ),
    "bpmn/data/conditional_event.bpmn": Runs(
        conditional_event, "only process 'intermediate' is executable; 'boundary' is not deployed"
    ),
    "bpmn/data/multiple-start.bpmn": Runs(multiple_start),
    "bpmn/data/parallel_multiinstance_cardinality.bpmn": Runs(parallel_mi_cardinality),
    "bpmn/data/parallel_multiinstance_loop_input.bpmn": Runs(
        parallel_mi_loop_input, "dict output keys come back as strings (JSON persistence); set input not representable"
    ),
    "bpmn/data/parallel_multiinstance_invalid.bpmn": Refused(
        ("any_task",), "exactly one of cardinality or loop input", "both cardinality and loop input"
    ),
    "bpmn/data/sequential_multiinstance_loop_input.bpmn": Runs(sequential_mi),
    "bpmn/data/standard_loop.bpmn": Runs(standard_loop),
    "bpmn/data/transaction.bpmn": Runs(transaction),
    "bpmn/data/uncaught_escalation.bpmn": Runs(uncaught_escalation),
    "bpmn/data/invalid_cancel.bpmn": Refused(
        ("Activity_HowMany",), "only be used with transactions", "cancel boundary event outside a transaction"
    ),
    "bpmn/data/return_to_event.bpmn": Runs(return_to_event),
    "bpmn/data/start_event_split.bpmn": Runs(start_event_split),
    "bpmn/data/ParallelOrder.bpmn": Runs(parallel_order),
}
