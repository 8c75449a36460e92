"""Every audit action and object the code writes has a label for people
reading the log (an unlabelled code would show raw in the audit page)."""

from __future__ import annotations

import re
from pathlib import Path

from app.audit.labels import ACTION_LABELS, OBJECT_LABELS

APP = Path(__file__).resolve().parents[2] / "app"
#: ``audit.record(session, actor, "area.action", "object", ...)``; the action may be a conditional of two literals
RECORD = re.compile(r'audit\.record\((?:[^"()]|\([^()]*\))*?((?:"[a-z_]+\.[a-z_]+"(?: if [^"]+ else )?)+),\s*'
                    r'"([a-z_]+)"', re.S)
ACTION = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def recorded() -> tuple[set[str], set[str]]:
    actions, objects = set(), set()
    for path in APP.rglob("*.py"):
        for match in RECORD.finditer(path.read_text()):
            actions.update(ACTION.findall(match.group(1)))
            objects.add(match.group(2))
    return actions, objects


def test_the_scan_finds_the_audit_calls():
    actions, objects = recorded()
    assert {"claim.declare", "provider.activate", "provider.deactivate", "claim.cover_check"} <= actions
    assert {"claim", "contract", "complaint"} <= objects


def test_every_recorded_action_and_object_has_a_label():
    actions, objects = recorded()
    assert sorted(actions - ACTION_LABELS.keys()) == []
    assert sorted(objects - OBJECT_LABELS.keys()) == []
