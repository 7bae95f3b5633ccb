"""docs/benchmarks.md written by a run that skips the long sections: the main bench run
(``python -m bench --no-timers --no-scale --no-console``) keeps the Timers, Scale and Console
sections of the previous report instead of replacing them with "Not measured"."""

from __future__ import annotations

from bench import console_report, report, scale_report, timers_report

PREVIOUS = """# Benchmarks

|  |  |
| --- | --- |
| date | 2026-11-24 13:48 UTC |
| commit | `cf645f7` |

## Findings

1. old findings

## Timers

Code: `bench/timers.py`. 100,000 pending timers.

| timer | late |
| --- | ---: |
| sqlite | 0.2 s |

## Scale

Measured 2026-11-30 08:08 UTC at `aff3668` (`python -m bench --scale-only`).

| endpoint | ms |
| --- | ---: |
| tasks | 12 |

## Console

Measured 2026-11-30 11:37 UTC at `a398452` (`python -m bench --console-only`).

console figures

## Running it

old running notes
"""


def _new_report() -> str:
    """A fresh report as a run without the long sections renders it."""
    lines = ["# Benchmarks", "", "## Findings", "", "1. new findings", ""]
    for section in (timers_report.section({}), scale_report.section({}), console_report.section({})):
        lines += [*section, ""]
    lines += ["## Running it", "", "new running notes"]
    return "\n".join(lines) + "\n"


def test_a_run_without_the_long_sections_keeps_them_from_the_previous_report():
    text = report.keep_sections(_new_report(), PREVIOUS, ["## Timers", "## Scale", "## Console"])
    assert "Not measured in this run" not in text
    assert "| sqlite | 0.2 s |" in text
    assert "| tasks | 12 |" in text
    assert "console figures" in text
    # the rest is the new run's, in the new report's order
    assert "1. new findings" in text and "1. old findings" not in text
    assert "new running notes" in text and "old running notes" not in text
    titles = [line for line in text.splitlines() if line.startswith("## ")]
    assert titles == ["## Findings", "## Timers", "## Scale", "## Console", "## Running it"]


def test_a_kept_section_says_when_it_was_measured():
    text = report.keep_sections(_new_report(), PREVIOUS, ["## Timers", "## Scale"])
    lines = text.splitlines()
    timers = lines.index("## Timers")
    assert lines[timers + 2] == (
        "Measured 2026-11-24 13:48 UTC at `cf645f7` (kept from an earlier run of `python -m bench`)."
    )
    # a section that says when it was measured keeps its own line, not a second one
    scale = lines.index("## Scale")
    assert lines[scale + 2] == "Measured 2026-11-30 08:08 UTC at `aff3668` (`python -m bench --scale-only`)."
    assert sum(line.startswith("Measured ") for line in lines) == 2
    # a section measured by this run is left alone
    assert "Not measured in this run (`--no-console`, `BENCH_CONSOLE=0`)." in lines


def test_keeping_is_stable_over_runs():
    once = report.keep_sections(_new_report(), PREVIOUS, ["## Timers", "## Scale", "## Console"])
    twice = report.keep_sections(_new_report(), once, ["## Timers", "## Scale", "## Console"])
    assert twice == once


def test_a_section_the_previous_report_lacks_stays_not_measured():
    previous = PREVIOUS.replace("## Console", "## Other")
    text = report.keep_sections(_new_report(), previous, ["## Console"])
    assert "Not measured in this run (`--no-console`, `BENCH_CONSOLE=0`)." in text


def test_the_main_run_writes_the_report_keeping_only_what_it_skipped(tmp_path):
    from bench.__main__ import parse_args, write_report

    out = tmp_path / "benchmarks.md"
    out.write_text(PREVIOUS, encoding="utf-8")
    write_report(parse_args(["--no-timers", "--no-scale", "--out", str(out)]), _new_report())
    text = out.read_text(encoding="utf-8")
    assert "| sqlite | 0.2 s |" in text and "| tasks | 12 |" in text
    assert "console figures" not in text  # measured (here: not) by this run, so not kept
    assert "Not measured in this run (`--no-console`, `BENCH_CONSOLE=0`)." in text


def test_the_first_report_is_written_as_rendered(tmp_path):
    from bench.__main__ import parse_args, write_report

    out = tmp_path / "docs" / "benchmarks.md"
    write_report(parse_args(["--no-timers", "--no-scale", "--no-console", "--out", str(out)]), _new_report())
    assert out.read_text(encoding="utf-8") == _new_report()


def test_a_busy_machine_is_said_before_the_findings():
    busy = report._busy_machine({"load_before": "7.65 / 6.36 / 4.49", "load": "9.78 / 7.10 / 5.50", "cores": 2})
    assert busy[0].startswith("**Measured on a busy machine**: 1-minute load average 7.7 to 9.8 on 2 cores")
    quiet = {"load_before": "0.26 / 0.88 / 1.63", "load": "1.11 / 0.92 / 1.38", "cores": 2, "affinity": 2}
    assert report._busy_machine(quiet) == []
    assert report._busy_machine({"load_before": "unknown", "load": "unknown", "cores": 2}) == []
