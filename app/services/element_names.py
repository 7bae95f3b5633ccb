"""Element id -> name of a deployed version, read once from its stored XML and kept per version.

A version's diagram never changes after deployment, so its names are cached by definition id and
content hash (bounded, least recently used first out): a page that names the elements of many incidents reads
each version's XML at most once, and never loads an instance's engine state to do it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import parse_untrusted
from app.models import ProcessDefinition

BPMN_MODEL_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CACHED_VERSIONS = 64

_cache: OrderedDict[tuple[int, str], dict[str, str]] = OrderedDict()
_lock = threading.Lock()


def names_in(xml: str) -> dict[str, str]:
    """Every BPMN model element with an id and a non-blank name, its name on one line."""
    raw = xml.encode("utf-8")
    tree = parse_untrusted(raw, len(raw) + 1)
    names: dict[str, str] = {}
    for element in tree.iter(f"{{{BPMN_MODEL_NS}}}*"):
        element_id, name = element.get("id"), element.get("name")
        if element_id and name and name.strip():
            names[element_id] = " ".join(name.split())
    return names


def _remember(key: tuple[int, str], names: dict[str, str]) -> None:
    with _lock:
        _cache[key] = names
        _cache.move_to_end(key)
        while len(_cache) > CACHED_VERSIONS:
            _cache.popitem(last=False)


def names_of(session: Session, versions: Mapping[int, str]) -> dict[int, dict[str, str]]:
    """Element names of each version (definition id -> its content hash, which keys the cache);
    the XML of versions not yet cached is read in one query."""
    found: dict[int, dict[str, str]] = {}
    with _lock:
        for definition_id, content_hash in versions.items():
            if (key := (definition_id, content_hash)) in _cache:
                found[definition_id] = _cache[key]
                _cache.move_to_end(key)
    missing = set(versions) - set(found)
    if missing:
        rows = session.execute(
            select(ProcessDefinition.id, ProcessDefinition.xml).where(ProcessDefinition.id.in_(missing))
        )
        for definition_id, xml in rows:
            found[definition_id] = names_in(xml)
            _remember((definition_id, versions[definition_id]), found[definition_id])
    return found


def element_name(names: dict[int, dict[str, str]], definition_id: int, element_id: str | None) -> str | None:
    """The element's name, or None (no element, or an element without a name)."""
    if element_id is None:
        return None
    return names.get(definition_id, {}).get(element_id)
