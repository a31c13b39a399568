"""The access ledger: an append-only SM3 hash chain of every read of shared data."""
