"""What the parts' API serializers share (each part owns its own serializers: cases/serializers.py, …); in
core so that every part may use it (the faces in yijianshi/api/ sit above the parts)."""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers


# For a ModelSerializer whose fields depend on its class alone (an answer's shape, not the request's): DRF works
# the fields out from the model for every instance — ~0.9 ms for ApplicationOut, each response — so they are
# worked out once per class and each instance gets a deep copy, as DRF gives it its declared fields (~0.3 ms).
# (A comment, not a docstring: drf-spectacular would take a docstring as the description of every answer.)
class FieldsBuiltOnce:
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._fields_built = built  # type: ignore[attr-defined]  # per class: a subclass builds its own
        return copy.deepcopy(built)
