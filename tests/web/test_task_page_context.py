"""Issue 7 §3/§6 on the pages: the task page shows the case so far (labelled by each step's own
form), its own deadline, stays read-only while the case is suspended and loads no engine state;
the inbox marks suspended cases and shows each task's limit; claiming opens the task."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, update
from sqlalchemy.engine import Engine

from app.models import TaskRecord
from app.services.decision_context import earlier_steps
from tests.complaint_steps import Complaint


def _section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def _step(context: str, form_key: str) -> str:
    """The first (newest) step of that form in the decision context."""
    start = context.index(f'data-form="{form_key}"')
    return context[start : context.index("</li>", start)]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


def test_manager_approval_shows_the_proposal_amount_and_finding_labelled_in_chinese(login, web_login):
    case = Complaint(login).start()
    approve = case.to("Task_ApproveByManager")
    page = web_login("manager").text(f"/tasks/{approve['id']}")
    context = _section(page, "decision-context")
    proposal = _step(context, "propose_solution")
    assert (
        'class="context-step focus"'
        in context[context.rindex("<li", 0, context.index('data-form="propose_solution"')) :]
    )
    text = _text(proposal)
    assert "提出处理方案" in text and "本环节依据" in text
    assert "处理方式 赔偿" in text and "方案说明 赔偿300元并道歉" in text and "赔付金额(元) 300 元" in text
    assert "compensation" not in text and "solution_type" not in text
    finding = _text(_step(context, "investigate"))
    assert (
        "原因分析 值班客服未按规范答复" in finding and "责任归属 公司" in finding and "需退回实验室鉴定 否" in finding
    )
    # newest first: the proposal, the investigation, the classification, the confirmation
    order = [
        context.index(f'data-form="{k}"')
        for k in ("propose_solution", "investigate", "classify_complaint", "confirm_record")
    ]
    assert order == sorted(order)
    # the classification is context, not what this step decides on
    assert (
        "focus"
        not in context[
            context.rindex("<li", 0, context.index('data-form="classify_complaint"')) : context.index(
                'data-form="classify_complaint"'
            )
        ]
    )
    assert "张主管 ·" in text and "Zhang" not in text  # who, in the page's language


def test_the_context_reads_in_english_too(login, web_login):
    case = Complaint(login).start()
    approve = case.to("Task_ApproveByManager")
    text = _text(_section(web_login("manager", lang="en").text(f"/tasks/{approve['id']}"), "decision-context"))
    assert "The case so far" in text and "For this decision" in text
    assert "Solution Compensation" in text and "Amount to pay (yuan) 300 yuan" in text
    assert "Responsibility Company" in text and "Product returned for lab judgement No" in text


def test_a_rejected_proposal_shows_the_approvers_comment_while_it_is_reworked(login, web_login):
    case = Complaint(login).start()
    case.to("Task_ApproveByManager")
    case.complete({"approval_decision": "rejected", "approval_comment": "金额过高请重新评估"})
    propose = case.task()
    assert propose["element_id"] == "Task_ProposeSolution"
    context = _section(web_login("supervisor").text(f"/tasks/{propose['id']}"), "decision-context")
    approval = _step(context, "approve_solution")
    assert "focus-badge" in approval
    assert "审批结果 驳回" in _text(approval) and "审批意见 金额过高请重新评估" in _text(approval)
    assert context.index('data-form="approve_solution"') < context.index('data-form="propose_solution"')


def test_each_task_shows_its_own_limit_with_time_left_or_no_limit(login, web_login):
    case = Complaint(login).start()
    confirm = case.task()
    deadline = _text(_section_p(web_login("agent").text(f"/tasks/{confirm['id']}"), "task-deadline"))
    assert "时限" in deadline and "12小时未联系" in deadline and "剩余" in deadline
    deadline_en = _text(_section_p(web_login("agent", lang="en").text(f"/tasks/{confirm['id']}"), "task-deadline"))
    assert "Not contacted in 12 h" in deadline_en and "left" in deadline_en
    inbox = web_login("agent").text("/?scope=mine")
    row = inbox[inbox.index(f'data-task-id="{confirm["id"]}"') :]
    assert "12小时未联系" in row[: row.index("</tr>")]
    classify = case.to("Task_ClassifyComplaint")
    page = web_login("supervisor").text(f"/tasks/{classify['id']}")
    assert 'data-due-state="none"' in page and "无时限" in _text(_section_p(page, "task-deadline"))
    inbox = web_login("supervisor").text("/")
    row = inbox[inbox.index(f'data-task-id="{classify["id"]}"') :]
    assert "无时限" in row[: row.index("</tr>")]


def _section_p(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</p>", start)]


def test_a_suspended_cases_task_is_marked_in_the_inbox_and_read_only(login, web_login):
    case = Complaint(login).start()
    confirm = case.task()
    login("admin").post(f"/process-instances/{case.id}/suspend", expect=200)
    agent = web_login("agent")
    inbox = agent.text("/?scope=mine")
    row = inbox[inbox.index(f'data-task-id="{confirm["id"]}"') :]
    assert "suspended-badge" in row[: row.index("</tr>")] and "已暂停" in row[: row.index("</tr>")]
    page = agent.text(f"/tasks/{confirm['id']}")
    assert 'id="suspended-notice"' in page and "此任务只能查看" in page
    assert 'class="schema-form"' not in page and "/unclaim" not in page
    assert "案件经过" in page  # still readable
    r = agent.post(
        f"/tasks/{confirm['id']}",
        {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"},
        expect=409,
    )
    assert 'id="suspended-notice"' in r.get_data(as_text=True)
    assert case.task()["id"] == confirm["id"]  # nothing moved
    other = web_login("supervisor").text("/")
    assert "suspended-badge" not in other


def test_claiming_from_the_inbox_opens_the_task(login, web_login):
    case = Complaint(login).start()
    classify = case.to("Task_ClassifyComplaint")
    supervisor = web_login("supervisor")
    inbox = supervisor.text("/")
    form = inbox[inbox.index(f'action="/tasks/{classify["id"]}/claim"') :]
    assert 'name="next"' not in form[: form.index("</form>")]
    r = supervisor.post(f"/tasks/{classify['id']}/claim", expect=302)
    assert r.headers["Location"].endswith(f"/tasks/{classify['id']}")
    assert 'class="schema-form"' in supervisor.text(f"/tasks/{classify['id']}")


def test_start_is_in_the_menu_for_those_who_may_start_a_process(web_login):
    nav = _nav(web_login("agent").text("/"))
    assert 'href="/start"' in nav and "启动流程" in nav
    # any employee may file a grievance (employee_grievance names no starters): quality may start
    # that, and only that
    quality = web_login("quality")
    assert 'href="/start"' in _nav(quality.text("/"))
    offered = quality.text("/start")
    assert 'href="/start/employee_grievance"' in offered and 'href="/start/complaint_handling"' not in offered


def _nav(page: str) -> str:
    start = page.index('<nav class="mainnav">')
    return page[start : page.index("</nav>", start)]


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def test_the_task_page_loads_no_engine_state(login, web_login):
    case = Complaint(login).start()
    approve = case.to("Task_ApproveByManager")
    manager = web_login("manager")
    with _statements() as seen:
        page = manager.text(f"/tasks/{approve['id']}")
    assert (
        "经理审批" in page
        and "案件经过" in page
        and 'class="instructions' in page.replace("card instructions", "instructions")
    )
    assert seen and not [s for s in seen if "state_json" in s]
    assert not [s for s in seen if "spec_json" in s]


def test_a_row_synced_before_instructions_were_kept_still_shows_them(rt, login, web_login):
    case = Complaint(login).start()
    confirm = case.task()
    with rt.sessions() as s:
        s.execute(update(TaskRecord).where(TaskRecord.id == confirm["id"]).values(instructions=None))
        s.commit()
    page = web_login("agent").text(f"/tasks/{confirm['id']}")
    assert 'class="card instructions"' in page and "与客户核对登记内容" in page


def test_the_context_is_bounded_to_the_newest_steps(rt, login):
    case = Complaint(login).start()
    case.to("Task_Investigate")
    with rt.sessions() as s:
        steps, more = earlier_steps(s, case.id, focus_forms=["confirm_record"], limit=1)
        assert ([st.form_key for st in steps], more) == (["classify_complaint"], True)
        steps, more = earlier_steps(s, case.id, focus_forms=["confirm_record"])
        assert ([st.form_key for st in steps], more) == (["classify_complaint", "confirm_record"], False)
        assert [st.focus for st in steps] == [False, True]
