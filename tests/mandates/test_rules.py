"""The pure coverage check (rules.py): what covers an act, and which gap is reported when nothing does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from yijianshi.mandates.rules import ORDER, Terms, covering, gap_of

NOW = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing
B = "140524-09"


def terms(
    number: str = "WT1",
    *,
    status: str = "active",
    scope: str = "bundles",
    bundles: tuple[str, ...] = (B,),
    items: tuple[str, ...] = (),
    abilities: tuple[str, ...] = ("apply",),
    start: int = -1,
    end: int = 30,
) -> Terms:
    return Terms(
        number=number,
        status=status,
        scope=scope,
        bundle_codes=frozenset(bundles),
        item_refs=frozenset(items),
        abilities=frozenset(abilities),
        valid_from=NOW + timedelta(days=start),
        valid_to=NOW + timedelta(days=end),
    )


def reason(t: Terms, *, bundle: str = B, ability: str = "apply", items: tuple[str, ...] = ()) -> str | None:
    gap = gap_of(t, bundle_code=bundle, ability=ability, at=NOW, item_refs=items)
    return gap.reason if gap else None


def test_what_covers_and_what_does_not() -> None:
    assert reason(terms()) is None
    assert reason(terms(scope="all", bundles=())) is None
    assert reason(terms(), bundle="140524-01") == "out_of_scope"
    assert reason(terms(), ability="receive") == "ability"
    assert reason(terms(status="requested")) == "requested"
    assert reason(terms(status="revoked")) == "revoked"
    assert reason(terms(status="refused")) == "refused"
    assert reason(terms(status="expired")) == "expired"
    assert reason(terms(end=0)) == "expired"  # past its last day, whatever the stored status says
    assert reason(terms(start=1)) == "not_yet"


def test_a_mandate_for_some_items_covers_a_bundle_only_when_it_names_all_its_items() -> None:
    t = terms(scope="items", bundles=(), items=("a", "b"))
    assert reason(t, items=("a", "b")) is None
    assert reason(t, items=("a",)) is None
    gap = gap_of(t, bundle_code=B, ability="apply", at=NOW, item_refs=("a", "c"))
    assert gap is not None and gap.reason == "out_of_scope" and "c" in gap.en and "c" in gap.zh
    assert reason(t, items=()) == "out_of_scope"


def test_the_messages_name_the_mandate_and_what_is_missing() -> None:
    out = gap_of(terms(), bundle_code="140524-01", ability="apply", at=NOW)
    assert out is not None and "WT1" in out.zh and "140524-01" in out.zh and "140524-01" in out.en
    lacking = gap_of(terms(), bundle_code=B, ability="receive", at=NOW)
    assert lacking is not None and "领取结果" in lacking.zh and "receive results" in lacking.en
    ended = Terms(
        **{**terms().__dict__, "valid_to": datetime(2026, 11, 13, 16, 0, tzinfo=UTC)}
    )  # 14th, 00:00 Beijing
    expired = gap_of(ended, bundle_code=B, ability="apply", at=NOW)
    assert expired is not None and "2026-11-13" in expired.en  # the last valid day, Beijing time


def test_no_candidate_is_no_mandate() -> None:
    found, gap = covering([], bundle_code=B, ability="apply", at=NOW, principal_masked="140*****23")
    assert found is None and gap is not None and gap.reason == "none" and "140*****23" in gap.en


STATUSES = st.sampled_from(["requested", "active", "revoked", "expired", "refused"])
CANDIDATE = st.builds(
    lambda n, status, b, a, start, end: terms(
        f"WT{n}", status=status, bundles=b, abilities=a, start=start, end=max(end, start + 1)
    ),
    st.integers(0, 99),
    STATUSES,
    st.sampled_from([(B,), ("140524-01",), (B, "140524-01")]),
    st.sampled_from([("apply",), ("follow",), ("apply", "follow", "receive")]),
    st.integers(-5, 5),
    st.integers(-5, 40),
)


@given(st.lists(CANDIDATE, max_size=6), st.sampled_from(["apply", "follow", "receive"]))
def test_covered_exactly_when_one_candidate_covers_and_otherwise_the_closest_gap(
    candidates: list[Terms], ability: str
) -> None:
    found, gap = covering(candidates, bundle_code=B, ability=ability, at=NOW)
    alone = [gap_of(t, bundle_code=B, ability=ability, at=NOW) for t in candidates]
    if any(g is None for g in alone):
        assert found is not None and gap is None
        assert (
            found.status == "active"
            and found.valid_from <= NOW < found.valid_to
            and ability in found.abilities
        )
    else:
        assert found is None and gap is not None
        if candidates:
            assert gap.reason == min((g.reason for g in alone if g), key=ORDER.index)
        else:
            assert gap.reason == "none"
