"""The spec diff behind a migration plan is computed once per pair of cached versions, so a bulk
dry run of many cases of one version does not diff the same two specs again for each case."""

from __future__ import annotations

from app.engine import compile_diagram, parse_untrusted
from app.engine.migration import spec_diff
from app.engine.serialization import SpecCache
from handlers import REGISTRY
from tests.diagrams import two_step


def _spec(cache: SpecCache, definition_id: int, raw: bytes) -> object:
    [compiled] = compile_diagram(parse_untrusted(raw, len(raw) + 1), REGISTRY, raw)
    spec, _subs = cache.get(definition_id, compiled.content_hash, compiled.spec_json)
    return spec


def test_one_diff_per_pair_of_specs():
    cache = SpecCache()
    one = _spec(cache, 1, two_step("cached_diff"))
    two = _spec(cache, 2, two_step("cached_diff", script="result = 'changed'"))
    three = _spec(cache, 3, two_step("cached_diff", second_lane="cs_supervisors"))
    first = spec_diff(one, two)
    assert spec_diff(one, two) is first
    assert spec_diff(one, three) is not first and spec_diff(two, one) is not first
    assert [s.bpmn_id for s in first.changed if getattr(s, "bpmn_id", None) == "script"] == ["script"]
