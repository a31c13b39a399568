"""Which file types a material accepts. Every material accepts PDF, JPEG and PNG unless it is narrowed here
(photos are images) or by the deployment's `UPLOAD_ACCEPT` setting (material code -> list of content types),
which wins. Kept beside the upload checks rather than in the catalogue packs so that the packs' schema and
their published snapshots stay unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .validation import ALL_TYPES, EXTENSIONS, IMAGES, LABELS

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


@dataclass(frozen=True)
class AcceptHint:
    """What an upload control for one material says and accepts: the types, the size limit."""

    types: tuple[str, ...]  # PDF, JPEG, PNG
    max_mb: str  # "10"
    accept: str  # the <input type=file accept=…> value

    @property
    def zh(self) -> str:
        return f"{'、'.join(self.types)}，单个文件不超过 {self.max_mb} MB"

    @property
    def en(self) -> str:
        return f"{', '.join(self.types)}; each file at most {self.max_mb} MB"


def accept_hint(material_code: str) -> AcceptHint:
    types = sorted(accepted_types(material_code), key=list(LABELS).index)
    extensions = [f".{EXTENSIONS[t]}" for t in types] + ([".jpeg"] if "image/jpeg" in types else [])
    return AcceptHint(
        types=tuple(LABELS[t] for t in types),
        max_mb=f"{settings.UPLOAD_MAX_BYTES / (1024 * 1024):g}",
        accept=",".join(extensions + types),
    )
