"""Exit 0 if the PostgreSQL server of the given URL accepts connections (used by `make test`)."""

import sys

import psycopg

url = sys.argv[1].replace("postgres://", "postgresql://", 1)
base = url.rsplit("/", 1)[0] + "/postgres"
try:
    with psycopg.connect(base, connect_timeout=3):
        pass
except psycopg.Error:
    sys.exit(1)
