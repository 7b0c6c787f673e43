"""Template context every IMPOR page may use."""

from django.conf import settings


def impor(request):
    """The base map of `components/map.html`: tile URL (empty: no tiles) and attribution."""
    return {
        "impor_tile_url": settings.IMPOR_TILE_URL,
        "impor_tile_attribution": settings.IMPOR_TILE_ATTRIBUTION,
    }
