"""What test modules share: the catalogue loaders, API clients, the newborn flows through the API, factories
and files. A test module imports from here (or takes a conftest fixture), never from another test module."""
