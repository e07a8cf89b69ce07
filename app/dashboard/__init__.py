"""The dashboard: `GET /`, a web page for people built only on the public API."""
