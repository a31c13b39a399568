"""A real OpenID Connect provider for the tests of real-name sign-in: a tiny Django project of its own on
django-oauth-toolkit (OIDC on, RS256 with a key made at test time, PKCE required), run as a separate process on a
free 127.0.0.1 port (`provider.Provider`), with users whose claims stand in for the province's identity service
(docs/identity.md). Never imported by the platform: it is the other side of the wire."""
