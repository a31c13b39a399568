"""Every pair of state and action of both machines: allowed (to a state in the table) or a clear error."""

from __future__ import annotations

import itertools

import pytest

from yijianshi.cases.transitions import (
    APPLICATION_TRANSITIONS,
    CASE_TRANSITIONS,
    FINAL_CASE_STATES,
    OPEN_CASE_STATES,
    AppAction,
    AppStatus,
    CaseAction,
    CaseStatus,
    TransitionNotAllowed,
    next_application_status,
    next_case_status,
)


@pytest.mark.parametrize(("state", "action"), list(itertools.product(AppStatus, AppAction)))
def test_every_application_state_and_action(state: AppStatus, action: AppAction) -> None:
    allowed = APPLICATION_TRANSITIONS.get((state, action))
    if allowed is None:
        with pytest.raises(TransitionNotAllowed) as caught:
            next_application_status(state, action)
        assert caught.value.code == "transition_not_allowed" and caught.value.status == 409
        assert state.value in caught.value.detail.en and action.value in caught.value.detail.zh
    else:
        for target in allowed:
            assert next_application_status(state, action, target) == target
        for other in set(AppStatus) - allowed:
            with pytest.raises(TransitionNotAllowed):
                next_application_status(state, action, other)


@pytest.mark.parametrize(("state", "action"), list(itertools.product(CaseStatus, CaseAction)))
def test_every_item_case_state_and_action(state: CaseStatus, action: CaseAction) -> None:
    allowed = CASE_TRANSITIONS.get((state, action))
    if allowed is None:
        with pytest.raises(TransitionNotAllowed):
            next_case_status(state, action, None)
    else:
        for target in allowed:
            assert next_case_status(state, action, target) == target
        for other in set(CaseStatus) - allowed:
            with pytest.raises(TransitionNotAllowed):
                next_case_status(state, action, other)


def test_final_states_only_leave_by_delivery_or_revocation() -> None:
    for (state, action), targets in CASE_TRANSITIONS.items():
        if state in FINAL_CASE_STATES:
            assert action in (CaseAction.DELIVER, CaseAction.REVOKE)
            assert targets <= FINAL_CASE_STATES


def test_every_open_case_can_be_withdrawn_or_terminated_and_nothing_final_can() -> None:
    for state in CaseStatus:
        open_ = state in OPEN_CASE_STATES
        assert ((state, CaseAction.WITHDRAW) in CASE_TRANSITIONS) == open_
        assert ((state, CaseAction.TERMINATE) in CASE_TRANSITIONS) == open_


def test_every_state_is_reachable_from_the_start() -> None:
    for table, start, states in (
        (APPLICATION_TRANSITIONS, AppStatus.SUBMITTED, set(AppStatus)),
        (CASE_TRANSITIONS, CaseStatus.PENDING_ACCEPTANCE, set(CaseStatus)),
    ):
        seen, frontier = {start}, [start]
        while frontier:
            s = frontier.pop()
            for (state, _), targets in table.items():  # type: ignore[attr-defined]
                if state == s:
                    for t in targets - seen:
                        seen.add(t)
                        frontier.append(t)
        assert seen == states
