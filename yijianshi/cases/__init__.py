"""Cases: applications and item cases, their state machines, intake, fan-out, clocks, documents, history
(DESIGN.md §4; 004 annex 3 is the specification)."""
