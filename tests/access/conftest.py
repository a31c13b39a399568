from tests.cases.conftest import as_user, newborn  # noqa: F401 - fixtures shared with the case tests
