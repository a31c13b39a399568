"""Hypothesis strategies: random but well-formed bundle definitions."""

from __future__ import annotations

from hypothesis import strategies as st

from yijianshi.catalog.engine import BundleDef, FieldSpec, ItemDef, MaterialSpec, Situation, SituationOption

KEYS = [
    ("person.name", "string", "population"),
    ("person.id_number", "id_number", "population"),
    ("person.phone", "phone", None),
    ("child.name", "string", None),
    ("child.birth_date", "date", "birth"),
    ("mother.name", "string", "population"),
    ("father.name", "string", "marriage"),
    ("enterprise.uscc", "uscc", "enterprise"),
    ("property.address", "address", "real_estate"),
    ("delivery.method", "choice", None),
    ("contact.phone", "phone", None),
    ("person.bank_account", "string", None),
]
MATERIALS = ["id_card", "marriage_cert", "photo", "contract", "licence", "plan", "statement", "register"]


@st.composite
def bundles(draw: st.DrawFn, max_items: int = 8) -> BundleDef:
    n = draw(st.integers(min_value=1, max_value=max_items))
    refs = [f"item{i}" for i in range(n)]
    items = []
    for i, ref in enumerate(refs):
        keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=8))
        fields = tuple(
            FieldSpec(key=k, label_zh=k, label_en=k, type=t, required=draw(st.booleans()), source=s)
            for k, t, s in keys
        )
        mats = []
        for code in draw(st.lists(st.sampled_from(MATERIALS), unique=True, max_size=5)):
            mats.append(
                MaterialSpec(
                    code=code,
                    name=code,
                    channel=draw(st.sampled_from(["applicant", "government", "other"])),
                    licence=draw(st.none() | st.sampled_from(["lic_a", "lic_b"])),
                    data_check=draw(st.none() | st.sampled_from(["population", "marriage"])),
                    item_result=draw(st.none() | st.sampled_from(refs[:i])) if i else None,
                    required=draw(st.booleans()),
                )
            )
        legal = draw(st.integers(min_value=0, max_value=60))
        items.append(
            ItemDef(
                ref=ref,
                name=ref,
                department="d",
                legal_limit_days=legal,
                promised_limit_days=draw(st.integers(min_value=0, max_value=legal)),
                visits=draw(st.integers(min_value=0, max_value=3)),
                steps=draw(st.integers(min_value=1, max_value=6)),
                fields=fields,
                materials=tuple(mats),
                requires=tuple(draw(st.lists(st.sampled_from(refs[:i]), unique=True, max_size=2)))
                if i
                else (),
            )
        )
    # a DAG: an item only depends on items earlier in a random order
    order = draw(st.permutations(refs))
    deps = []
    for j, ref in enumerate(order):
        for prereq in draw(st.lists(st.sampled_from(order[:j]), unique=True, max_size=2)) if j else []:
            deps.append((ref, prereq))
    # template `requires` and item_result edges go from later to earlier refs: keep them consistent with order
    rank = {r: order.index(r) for r in refs}
    items = [
        ItemDef(
            **{
                **it.__dict__,
                "requires": tuple(r for r in it.requires if rank[r] < rank[it.ref]),
                "materials": tuple(
                    MaterialSpec(
                        **{
                            **m.__dict__,
                            "item_result": m.item_result
                            if m.item_result and rank[m.item_result] < rank[it.ref]
                            else None,
                        }
                    )
                    for m in it.materials
                ),
            }
        )
        for it in items
    ]
    situations = []
    for s in range(draw(st.integers(min_value=0, max_value=2))):
        excl = draw(st.lists(st.sampled_from(refs), unique=True, max_size=max(1, n // 2)))
        situations.append(
            Situation(
                code=f"s{s}",
                question_zh="?",
                question_en="?",
                default="a",
                options=(
                    SituationOption("a", "甲", "A"),
                    SituationOption("b", "乙", "B", excludes=tuple(excl)),
                ),
            )
        )
    return BundleDef(
        code="T-01", name="test", items=tuple(items), dependencies=tuple(deps), situations=tuple(situations)
    )


def answers_for(bundle: BundleDef) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {s.code: st.sampled_from([o.value for o in s.options]) for s in bundle.situations}
    )
