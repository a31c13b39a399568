"""The REST API (DRF + drf-spectacular). Thin: parse, authorise, call a service or selector, render."""
