"""The occupancy report as GeoJSON (RFC 7946). No database here."""

from collections.abc import Iterable, Mapping
from typing import Any

GEOJSON_MEDIA_TYPE = "application/geo+json"


def feature_collection(
    features: Iterable[tuple[float, float, Mapping[str, Any]]],
) -> dict[str, Any]:
    """One Point feature per (longitude, latitude, properties)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": dict(properties),
            }
            for longitude, latitude, properties in features
        ],
    }
