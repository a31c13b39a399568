"""Shared data: data sources and their connectors, the party file (一人一档/一企一档), prefill, objections."""
