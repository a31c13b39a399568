from tests.cases.conftest import as_user, newborn  # noqa: F401 - fixtures shared with the case tests
from tests.uploads.conftest import media  # noqa: F401 - a fresh MEDIA_ROOT, shared with the upload tests
