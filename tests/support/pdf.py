"""Reading back what documents/render.py draws: the QR code of a page, module by module."""

from __future__ import annotations

from pypdf import PageObject
from pypdf.generic import ContentStream

from yijianshi.documents.render import QR_TAG


def qr_modules(page: PageObject) -> tuple[tuple[int, ...], ...] | None:
    """The dark (1) and light (0) modules of the QR code drawn on `page`, row 0 at the top, as segno's matrix
    lists them; None when the page has no QR code. The code is a marked-content sequence tagged `QR_TAG` whose
    unit is one module, filled with one rectangle per run of dark modules (render.QrFlowable)."""
    size = 0
    grid: list[list[int]] = []
    for args, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"BDC" and args[0] == f"/{QR_TAG}":
            size = int(args[1]["/Size"])
            grid = [[0] * size for _ in range(size)]
        elif op == b"EMC" and grid:
            return tuple(tuple(row) for row in grid)
        elif op == b"re" and grid:
            x, y, w, h = (int(v) for v in args)
            for row in range(size - y - h, size - y):
                for col in range(x, x + w):
                    grid[row][col] = 1
    return None
