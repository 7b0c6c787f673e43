"""The router of every app's endpoints: resource URLs without a trailing slash."""

from rest_framework.routers import SimpleRouter


def api_router() -> SimpleRouter:
    """A router for /api/v1/: `/projecten` and `/projecten/{id}`, never with a slash at
    the end (NL API Design Rules); such a URL answers 404."""
    return SimpleRouter(trailing_slash=False)
