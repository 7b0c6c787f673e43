"""The REST API under /api/v1/ (issue #6): shared conventions for every app's endpoints."""
