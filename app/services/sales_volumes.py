"""Units sold per month and product (``sales_volumes``): the complaint rate's denominator (rule 8.1).

Admins and analysts keep them, as rows (the API's JSON, the page's small form) or as a CSV / XLSX
file with the columns ``month``, ``product``, ``units``. Every row is checked before any is
written: one bad row is a 422 ``invalid_sales_volumes`` whose ``details`` name each bad row
(1 = the first data row) and field, and nothing is saved. A row of a (month, product) already
kept replaces its units.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import business_today, clock
from app.errors import Forbidden, Invalid, PayloadTooLarge
from app.models import SalesVolume, User
from app.services.report_period import MONTH_PATTERN, may_read_reports, month_period

COLUMNS = ("month", "product", "units")
MAX_ROWS = 5000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNITS = 10**12


KEEPER_ROLES = ("analyst", "admin")


def may_keep(user: User) -> bool:
    return any(user.has_role(r) for r in KEEPER_ROLES)


def require_keeper(user: User) -> None:
    """403 unless an analyst or an admin (they keep the volumes)."""
    if not may_keep(user):
        raise Forbidden("sales volumes are kept by analysts and admins", code="sales_volume_keeper_required")


def require_reader(user: User) -> None:
    """403 unless the user keeps the volumes or reads the reports."""
    if not (may_keep(user) or may_read_reports(user)):
        raise Forbidden(
            "sales volumes are for analysts, admins and the readers of reports", code="reporting_right_required"
        )


def month_range(raw_from: str | None, raw_to: str | None) -> tuple[str, str]:
    """``from``/``to`` months (YYYY-MM; default the 12 months up to this one); 422 naming the field."""
    last = month_period(raw_to, field="to").first if raw_to else business_today()
    if raw_from:
        first = month_period(raw_from, field="from").first
    else:
        first = date(last.year - 1 + (last.month // 12), last.month % 12 + 1, 1)
    if first > last:
        raise Invalid("from: must not be after to", code="invalid_report_query",
                      details=[{"field": "from", "message": "must not be after to"}])  # fmt: skip
    return f"{first:%Y-%m}", f"{last:%Y-%m}"


@dataclass(frozen=True)
class Volume:
    month: str
    product: str
    units: int


def _problem(row: int, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _refuse(message: str, details: list[dict[str, Any]]) -> Invalid:
    return Invalid(message, code="invalid_sales_volumes", details=details)


def _units(raw: object) -> int | None:
    """A whole number of units from JSON, CSV text or an XLSX cell (3, "3", 3.0), else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit() and len(raw.strip()) <= 13:
        return int(raw.strip())
    return None


def _month(raw: object) -> str | None:
    if hasattr(raw, "strftime"):  # an XLSX date cell
        return str(raw.strftime("%Y-%m"))
    text = raw.strip() if isinstance(raw, str) else ""
    return text if MONTH_PATTERN.match(text) else None


def checked_rows(rows: object) -> list[Volume]:
    """The rows as volumes, or a 422 naming every bad row and field (nothing is kept)."""
    if not isinstance(rows, list) or not rows:
        raise _refuse("send at least one row", [_problem(0, "volumes", "a non-empty list of rows")])
    if len(rows) > MAX_ROWS:
        raise _refuse(f"at most {MAX_ROWS} rows at once", [_problem(0, "volumes", f"at most {MAX_ROWS} rows")])
    problems: list[dict[str, Any]] = []
    volumes: list[Volume] = []
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(_problem(n, "row", "an object with month, product, units"))
            continue
        month, units = _month(row.get("month")), _units(row.get("units"))
        raw_product = row.get("product")
        product = raw_product.strip() if isinstance(raw_product, str) else ""
        if month is None:
            problems.append(_problem(n, "month", "a month as YYYY-MM"))
        if not product or len(product) > 200 or not product.isprintable():
            problems.append(_problem(n, "product", "a product name of 1 to 200 printable characters"))
        if units is None or not 0 <= units <= MAX_UNITS:
            problems.append(_problem(n, "units", f"a whole number of units from 0 to {MAX_UNITS}"))
        if month is None or not product or units is None:
            continue
        if (month, product) in seen:
            problems.append(_problem(n, "product", f"the same month and product as row {seen[month, product]}"))
        seen[month, product] = n
        volumes.append(Volume(month, product, units))
    if problems:
        first = problems[0]
        raise _refuse(f"row {first['row']}, {first['field']}: {first['message']}", problems)
    return volumes


def rows_of_file(filename: str, content: bytes) -> list[dict[str, Any]]:
    """The data rows of an uploaded CSV (UTF-8) or XLSX file, by its header (month, product, units)."""
    if len(content) > MAX_FILE_BYTES:
        raise PayloadTooLarge(f"a sales volume file is at most {MAX_FILE_BYTES} bytes", code="file_too_large")
    if content.startswith(b"PK"):
        table = _xlsx_table(content)
    elif filename.lower().endswith((".csv", ".txt")) or not filename:
        table = _csv_table(content)
    else:
        raise _refuse("send a .csv or .xlsx file", [_problem(0, "file", "a .csv or .xlsx file")])
    if not table:
        raise _refuse("the file is empty", [_problem(0, "file", "a header row and at least one row")])
    header = [str(cell).strip().lower() if cell is not None else "" for cell in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        details = [_problem(0, c, "a column of the header row") for c in missing]
        raise _refuse(f"the header row lacks {', '.join(missing)}", details)
    where = {c: header.index(c) for c in COLUMNS}
    body = [r for r in table[1:] if any(cell not in (None, "") for cell in r)]
    return [{c: (r[i] if i < len(r) else None) for c, i in where.items()} for r in body]


def _csv_table(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("a CSV file is UTF-8", [_problem(0, "file", "UTF-8 text")]) from None
    return [list(r) for r in csv.reader(io.StringIO(text))][: MAX_ROWS + 2]


def _xlsx_table(content: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _refuse("not a readable XLSX workbook", [_problem(0, "file", "an .xlsx workbook")]) from None
    sheet = book.worksheets[0]
    table = [list(r) for _, r in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)]
    book.close()
    return table


def save(session: Session, volumes: list[Volume], user: User) -> dict[str, int]:
    """Write the checked volumes (a kept month and product gets the new units); flushes."""
    keys = {(v.month, v.product) for v in volumes}
    months = sorted({v.month for v in volumes})
    kept = {
        (row.month, row.product): row
        for row in session.scalars(select(SalesVolume).where(SalesVolume.month.in_(months)))
        if (row.month, row.product) in keys
    }
    now = clock.now()
    for volume in volumes:
        row = kept.get((volume.month, volume.product))
        if row is None:
            session.add(SalesVolume(month=volume.month, product=volume.product, units=volume.units,
                                    updated_at=now, updated_by=user.username))  # fmt: skip
        else:
            row.units, row.updated_at, row.updated_by = volume.units, now, user.username
    session.flush()
    return {"saved": len(volumes), "created": len(volumes) - len(kept), "updated": len(kept)}


def listed(session: Session, first_month: str, last_month: str) -> list[dict[str, Any]]:
    """The volumes of the months from ``first_month`` to ``last_month`` (YYYY-MM), by month and product."""
    rows = session.scalars(
        select(SalesVolume)
        .where(SalesVolume.month >= first_month, SalesVolume.month <= last_month)
        .order_by(SalesVolume.month, SalesVolume.product)
    )
    return [
        {
            "month": r.month,
            "product": r.product,
            "units": r.units,
            "updated_at": r.updated_at.isoformat(),
            "updated_by": r.updated_by,
        }
        for r in rows
    ]
