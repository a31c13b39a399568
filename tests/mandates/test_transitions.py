"""Every pair of state and action of the mandate machine: allowed (to the state in the table) or a clear error."""

from __future__ import annotations

import itertools

import pytest

from yijianshi.mandates.transitions import (
    FINAL_STATES,
    INITIAL_STATUS,
    MANDATE_TRANSITIONS,
    OPEN_STATES,
    Ability,
    AgentKind,
    Establishment,
    MandateAction,
    MandateEventType,
    MandateStatus,
    MandateTransitionNotAllowed,
    Scope,
    Verification,
    label,
    next_mandate_status,
)


@pytest.mark.parametrize(("state", "action"), list(itertools.product(MandateStatus, MandateAction)))
def test_every_state_and_action(state: MandateStatus, action: MandateAction) -> None:
    target = MANDATE_TRANSITIONS.get((state, action))
    if target is None:
        with pytest.raises(MandateTransitionNotAllowed) as caught:
            next_mandate_status(state, action)
        assert caught.value.code == "transition_not_allowed" and caught.value.status == 409
        assert state.value in caught.value.detail.en and action.value in caught.value.detail.en
        assert label(state)[0] in caught.value.detail.zh and label(action)[0] in caught.value.detail.zh
    else:
        assert next_mandate_status(state, action) == target


def test_final_states_are_left_by_nothing() -> None:
    for state in FINAL_STATES:
        for action in MandateAction:
            assert (state, action) not in MANDATE_TRANSITIONS
    assert OPEN_STATES == {MandateStatus.REQUESTED, MandateStatus.ACTIVE}


def test_only_the_principal_s_confirmation_makes_a_request_active() -> None:
    into_active = [(s, a) for (s, a), t in MANDATE_TRANSITIONS.items() if t == MandateStatus.ACTIVE]
    assert into_active == [(MandateStatus.REQUESTED, MandateAction.CONFIRM)]
    assert INITIAL_STATUS[Establishment.REQUESTED] == MandateStatus.REQUESTED
    assert (
        INITIAL_STATUS[Establishment.GRANTED] == INITIAL_STATUS[Establishment.WINDOW] == MandateStatus.ACTIVE
    )


def test_every_open_state_expires_and_every_state_is_reachable() -> None:
    for state in OPEN_STATES:
        assert MANDATE_TRANSITIONS[state, MandateAction.EXPIRE] == MandateStatus.EXPIRED
    seen = set(INITIAL_STATUS.values())
    frontier = list(seen)
    while frontier:
        s = frontier.pop()
        for (state, _), target in MANDATE_TRANSITIONS.items():
            if state == s and target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(MandateStatus)


def test_every_word_has_a_chinese_and_an_english_label() -> None:
    for enum in (
        MandateStatus,
        MandateAction,
        Establishment,
        Scope,
        Ability,
        AgentKind,
        Verification,
        MandateEventType,
    ):
        for member in enum:
            zh, en = label(member)
            assert zh and en and zh != en, member
    assert label(MandateStatus.REQUESTED) != label(Establishment.REQUESTED)  # same value, different words
    assert label(MandateStatus.REVOKED) != label(MandateEventType.REVOKED)
