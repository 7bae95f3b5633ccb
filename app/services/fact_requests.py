"""The built-in ``request_facts`` effect: a diagram asks the product for facts its tables hold
(a handler is pure and cannot read them), and the product answers with a message.

A ``request_facts`` service task names the ``facts`` it wants (a key of ``SOURCES``), their
parameters and the ``reply`` message; the instance then waits at a message catch event of that
name. ``instances.save`` collects the requests of the step, ``answer`` reads the facts in the
same transaction and delivers the reply, and the save runs the instance on (docs/monthly_accountability.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.engine import Instance
from app.services import accountability
from handlers.catalogue import HandlerDeclaration, Parameter

OPERATION = "request_facts"
SOURCES: dict[str, Callable[[Session, dict[str, Any]], dict[str, Any]]] = {
    "accountability_review": accountability.review_facts,
}
REQUEST_FACTS = HandlerDeclaration(
    zh="向系统查询数据表中的事实 (以消息答复)",
    en="Ask the product for facts from its tables; the answer comes as a message",
    parameters=(
        Parameter("facts", "string", True, f"查询: {', '.join(SOURCES)}", f"what: {', '.join(SOURCES)}"),
        Parameter("reply", "string", True, "答复的消息名称", "the name of the reply message"),
        Parameter("month", "string", False, "月份 (YYYY-MM)", "the month (YYYY-MM)"),
        Parameter("year", "any", False, "年份", "the year"),
    ),
    result=("queued",),
)


class UnknownFacts(Exception):
    """A ``request_facts`` task asked for facts the product does not have (the case goes in error)."""

    def __init__(self, element_id: str | None, facts: Any) -> None:
        super().__init__(f"request_facts: no facts named {facts!r} (known: {', '.join(SOURCES)})")
        self.element_id = element_id


def answer(session: Session, inst: Instance, requests: list[dict[str, Any]]) -> bool:
    """Deliver each request's facts as its reply message; True if any was caught (``UnknownFacts``
    for a name that is not in ``SOURCES``)."""
    caught = False
    for request in requests:
        params = request["params"]
        source = SOURCES.get(str(params.get("facts")))
        if source is None:
            raise UnknownFacts(request.get("element_id"), params.get("facts"))
        caught = inst.send_message(str(params.get("reply")), source(session, params)) > 0 or caught
    return caught
