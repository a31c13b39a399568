"""The schedule (并联审批): a DAG of item dependencies, the parallel layers and the critical path.

An item starts when every prerequisite has its result (004 annex 3: parallel approval; a dependent item is
pre-reviewed meanwhile and decided once the result exists). Its duration is its promised limit in working
days. Edges come from the bundle's declared dependencies, the templates' `requires` and materials that an
earlier item's result stands in for; an edge to an item not included (a situation excluded it) is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import DependencyCycle, UnknownDependency
from .types import BundleDef, ItemDef, Schedule, ScheduledItem


def dependency_edges(bundle: BundleDef, included: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """item ref -> prerequisite refs, among the included items, in the bundle's order."""
    refs = [it.ref for it in bundle.items]
    known = set(refs)
    present = set(included) if included is not None else known
    needs: dict[str, list[str]] = {r: [] for r in refs}
    for item, prerequisite in bundle.dependencies:
        if item not in known:
            raise UnknownDependency(item, prerequisite)  # the dependent itself is unknown
        if prerequisite not in known:
            raise UnknownDependency(item, prerequisite)
        needs[item].append(prerequisite)
    for it in bundle.items:
        needs[it.ref].extend(r for r in it.requires if r in known)
        needs[it.ref].extend(m.item_result for m in it.materials if m.item_result in known)
    return {
        r: tuple(p for p in dict.fromkeys(needs[r]) if p in present and p != r) for r in refs if r in present
    }


def find_cycle(edges: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """A cycle as a tuple of refs (each needs the next… the last needs the first), or None."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(edges, white)
    stack: list[str] = []

    def visit(node: str) -> tuple[str, ...] | None:
        colour[node] = grey
        stack.append(node)
        for nxt in edges.get(node, ()):
            if colour.get(nxt, black) == grey:
                return tuple(stack[stack.index(nxt) :])
            if colour.get(nxt) == white:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = black
        return None

    for node in edges:
        if colour[node] == white:
            found = visit(node)
            if found:
                return found
    return None


def schedule(bundle: BundleDef, included: Iterable[str] | None = None) -> Schedule:
    included = tuple(included) if included is not None else tuple(it.ref for it in bundle.items)
    edges = dependency_edges(bundle, included)
    cycle = find_cycle(edges)
    if cycle:
        raise DependencyCycle(cycle)
    items: dict[str, ItemDef] = {it.ref: it for it in bundle.items}
    start: dict[str, int] = {}
    finish: dict[str, int] = {}
    layer: dict[str, int] = {}
    via: dict[str, str | None] = {}
    remaining = [r for r in included]
    while remaining:  # Kahn's order, stable with the bundle's order
        progressed = False
        for ref in list(remaining):
            prereqs = edges[ref]
            if all(p in finish for p in prereqs):
                start[ref] = max((finish[p] for p in prereqs), default=0)
                via[ref] = max(prereqs, key=lambda p: finish[p]) if prereqs else None
                layer[ref] = 1 + max((layer[p] for p in prereqs), default=-1)
                finish[ref] = start[ref] + items[ref].promised_limit_days
                remaining.remove(ref)
                progressed = True
        if not progressed:  # pragma: no cover - find_cycle ruled this out
            raise DependencyCycle(tuple(remaining))
    total = max(finish.values(), default=0)
    path: list[str] = []
    if included:
        node: str | None = max(included, key=lambda r: (finish[r], -included.index(r)))
        while node is not None:
            path.append(node)
            node = via[node]
    depth = max(layer.values(), default=-1) + 1
    layers = tuple(tuple(r for r in included if layer[r] == n) for n in range(depth))
    return Schedule(
        items=tuple(
            ScheduledItem(ref=r, requires=edges[r], start_day=start[r], finish_day=finish[r], layer=layer[r])
            for r in included
        ),
        layers=layers,
        critical_path=tuple(reversed(path)),
        total_days=total,
    )
