"""The OpenAPI schemas of the OGC API Features answers (the shapes of the standard's
own OpenAPI building blocks, trimmed to what this service sends)."""

from impor.api.geo import GEOMETRY_SCHEMA

LINK = {
    "type": "object",
    "properties": {
        "href": {"type": "string", "format": "uri"},
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "title": {"type": "string"},
    },
    "required": ["href", "rel"],
    "example": {
        "href": "https://impor.example.nl/api/v1/ogc/collections",
        "rel": "data",
        "type": "application/json",
    },
}
LINKS = {"type": "array", "items": LINK}

LANDING_PAGE = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "links": LINKS,
    },
    "required": ["links"],
}

CONFORMANCE = {
    "type": "object",
    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    "required": ["conformsTo"],
    "example": {"conformsTo": ["http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"]},
}

COLLECTION = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "example": "areas-buurt"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "itemType": {"type": "string", "enum": ["feature"]},
        "crs": {"type": "array", "items": {"type": "string"}},
        "storageCrs": {"type": "string"},
        "extent": {
            "type": "object",
            "properties": {
                "spatial": {
                    "type": "object",
                    "properties": {
                        "bbox": {
                            "type": "array",
                            "items": {
                                "type": "array",
                                "minItems": 4,
                                "maxItems": 4,
                                "items": {"type": "number"},
                            },
                        },
                        "crs": {"type": "string"},
                    },
                },
                "temporal": {
                    "type": "object",
                    "properties": {
                        "interval": {
                            "type": "array",
                            "items": {
                                "type": "array",
                                "minItems": 2,
                                "maxItems": 2,
                                "items": {
                                    "type": "string",
                                    "format": "date-time",
                                    "nullable": True,
                                },
                            },
                        },
                        "trs": {"type": "string"},
                    },
                },
            },
        },
        "links": LINKS,
    },
    "required": ["id", "links"],
}

COLLECTIONS = {
    "type": "object",
    "properties": {
        "links": LINKS,
        "collections": {"type": "array", "items": COLLECTION},
        "crs": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["links", "collections"],
}

QUERYABLES = {
    "type": "object",
    "description": "Een JSON-schema (OGC API Features Part 3) van de filterbare eigenschappen.",
    "properties": {
        "$schema": {"type": "string"},
        "$id": {"type": "string"},
        "type": {"type": "string"},
        "title": {"type": "string"},
        "properties": {"type": "object", "additionalProperties": {"type": "object"}},
    },
    "required": ["type", "properties"],
}

FEATURE = {
    "type": "object",
    "description": "GeoJSON Feature (RFC 7946) in CRS84, of in RD New met crs.",
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer"},
        "geometry": GEOMETRY_SCHEMA,
        "properties": {"type": "object"},
        "links": LINKS,
    },
    "required": ["type", "id", "geometry", "properties"],
}

FEATURE_COLLECTION = {
    "type": "object",
    "description": "Eén pagina GeoJSON Features; rel=next wijst de volgende pagina.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "numberMatched": {
            "type": "integer",
            "minimum": 0,
            "description": "Het aantal objecten van de hele selectie; op de eerste pagina.",
        },
        "numberReturned": {"type": "integer", "minimum": 0},
        "timeStamp": {"type": "string", "format": "date-time"},
        "links": LINKS,
        "features": {"type": "array", "items": FEATURE},
    },
    "required": ["type", "numberReturned", "features", "links"],
}
