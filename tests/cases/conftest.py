# The fixtures of the case tests (`newborn`, `as_user`, `family`) are in tests/conftest.py, the helpers in
# tests/support. `load_bundles` stays importable from here for the modules that still import it from here.
from tests.support.catalogue import load_bundles  # noqa: F401
