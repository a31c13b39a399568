"""Which file types a material accepts. Every material accepts PDF, JPEG and PNG unless it is narrowed here
(photos are images) or by the deployment's `UPLOAD_ACCEPT` setting (material code -> list of content types),
which wins. Kept beside the upload checks rather than in the catalogue packs so that the packs' schema and
their published snapshots stay unchanged."""

from __future__ import annotations

from django.conf import settings

from .validation import ALL_TYPES, IMAGES

BUILTIN: dict[str, frozenset[str]] = {
    "person.photo": IMAGES,
    "child.photo": IMAGES,
    "person.id_photo_capture": IMAGES,
    "store.facade_photo": IMAGES,
}


def accepted_types(material_code: str) -> frozenset[str]:
    configured: dict[str, list[str]] = getattr(settings, "UPLOAD_ACCEPT", {}) or {}
    if material_code in configured:
        return frozenset(configured[material_code]) & ALL_TYPES or ALL_TYPES
    return BUILTIN.get(material_code, ALL_TYPES)
