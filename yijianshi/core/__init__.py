"""Small shared kernels with no business models: errors, clock, identifiers (DESIGN.md §3)."""
