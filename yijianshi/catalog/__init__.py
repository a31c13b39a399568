"""The catalogue: regions, departments, service points, items, bundles, situations, delegations, and the
bundle engine (DESIGN.md §3)."""
