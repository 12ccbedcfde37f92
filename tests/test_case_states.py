"""The case state machine is one table (`monitor.review.actions.TAKEN_FROM`); the page's offered actions
derive from it."""

from __future__ import annotations

import pytest

from monitor.models import CaseStatus
from monitor.review.actions import TAKEN_FROM, offered_actions


@pytest.mark.parametrize("status", list(CaseStatus))
def test_the_page_offers_only_actions_the_service_allows(status: CaseStatus) -> None:
    for action in offered_actions(status):
        assert status in TAKEN_FROM[action]


def test_the_forms_offered_in_each_status() -> None:
    offered = {status.value: set(offered_actions(status)) for status in CaseStatus}
    assert offered == {
        "open": {"confirm", "dismiss", "clarify", "assign"},
        "awaiting_second": {"confirm", "dismiss", "clarify", "assign"},
        "clarification": {"answer", "confirm", "dismiss", "assign"},
        "confirmed": {"forward", "followup", "assign"},
        "forwarded": {"followup", "forward", "assign"},
        "dismissed": set(),
        "closed": set(),
    }
