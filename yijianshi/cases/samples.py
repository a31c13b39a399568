"""Plausible sample values for a merged form — for the demo data and for tests that walk a whole bundle.
Never used to fill a real applicant's form."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from yijianshi.core import clock
from yijianshi.core.identifiers import make_resident_id

_CANDIDATES = [
    "A123456789",
    "12:30",
    "2024",
    "2024-06",
    "123456789012",
    "ABCDE12345",
    "LSVAU2180N2183456",
    "1234-567890-12-34-567890",
    "14052419900315002X21",
    "1405241001001GB00001F0001000",
    "12345678",
]


def sample_value(field: dict[str, Any], *, overrides: dict[str, Any] | None = None) -> Any:
    key, kind = field["key"], field["type"]
    rules = dict(field.get("validation") or {})
    if overrides and key in overrides:
        return overrides[key]
    if kind == "id_number":
        return "11010519491231002X"
    if kind == "uscc":
        return "91110000600037341L"
    if kind == "date":
        # relative to today, so that the bundles' checks before submission (cases/crosscheck.py) hold: a newborn
        # is a month old, an adult's birth date makes them 65, other dates are today
        today = clock.local(clock.now()).date()
        if key.endswith(".birth_date") and not key.startswith("child."):
            return date(today.year - 65, 1, 1).isoformat()
        return (today - timedelta(days=30) if rules.get("max") == "today" else today).isoformat()
    if kind == "phone":
        return "13800138000"
    if kind == "email":
        return "demo@example.cn"
    if kind == "postcode":
        return "048300"
    if kind == "boolean":
        return True
    if kind in ("number", "money"):
        low = float(rules.get("min", 1))
        high = float(rules.get("max", low + 10))
        return int(low) if float(int(low)) >= low and int(low) <= high else low
    if kind == "choice":
        return list(rules.get("choices") or ["其他"])[0]
    if rules.get("pattern"):
        for candidate in _CANDIDATES:
            if re.fullmatch(str(rules["pattern"]), candidate):
                return candidate
        raise ValueError(f"no sample for pattern {rules['pattern']} of {key}")
    text = field.get("label_zh") or "示例"
    if kind == "address":
        text = "山西省晋城市陵川县崇文镇示例路1号"
    limit = int(rules.get("max_length", 200))
    return str(text)[:limit]


def sample_form(
    form: list[dict[str, Any]], *, overrides: dict[str, Any] | None = None, required_only: bool = False
) -> dict[str, Any]:
    """A value for each field; a person's identity number encodes the date of birth the form gives them
    (child.id_number and child.birth_date agree), as a real one does."""
    values = {
        f["key"]: sample_value(f, overrides=overrides) for f in form if f["required"] or not required_only
    }
    for key in list(values):
        subject, _, name = key.rpartition(".")
        born = values.get(f"{subject}.birth_date")
        if name == "id_number" and isinstance(born, str) and not (overrides and key in overrides):
            values[key] = make_resident_id("110105", date.fromisoformat(born), 2)
    return values
