"""The asset import's columns: which fields each kind fills, and the Dutch and IMBOR names
their columns go by (the recognition itself is `impor.importing.columns`).

A mapping is a dict from a target field to a column name of the file, or to
``{"value": ...}`` for a value that holds for every row (for example the object type of a
file that only holds trees), or — for the id — to ``{"column": ..., "with_location": true}``
when the id column is only unique together with the object's location.

Recognition compares normalised header names (lower case, no accents, separators as
``_``) with the aliases below, which cover the usual exports of asset-management
systems (IMBOR/GWSW attribute names), GIS layers and spreadsheets.
"""

from impor.choices import ImportKind
from impor.importing import columns as columns_kit
from impor.importing.columns import Target, normalise

ID_ALIASES = (
    "id", "external_id", "objectid", "object_id", "guid", "gid", "fid", "elementnr",
    "elementnummer", "element_nr", "beheerobjectid", "beheerobject_id", "identificatie",
    "objectnummer", "object_nr", "nummer", "code", "imgeo_id", "lokaalid",
)  # fmt: skip
X_ALIASES = ("x", "x_coord", "xcoord", "x_coordinaat", "rd_x", "x_rd", "coord_x")
Y_ALIASES = ("y", "y_coord", "ycoord", "y_coordinaat", "rd_y", "y_rd", "coord_y")
LON_ALIASES = ("lon", "lng", "longitude", "lengtegraad")
LAT_ALIASES = ("lat", "latitude", "breedtegraad")

ASSET_TARGETS = (
    Target("external_id", "id", ID_ALIASES, required=True),
    Target(
        "asset_class",
        "objecttype",
        (
            "objecttype",
            "object_type",
            "type",
            "objectsoort",
            "beheerobject",
            "soort",
            "klasse",
            "assettype",
            "type_object",
            "imbor_type",
            "objectklasse",
        ),
    ),
    Target(
        "construction_year",
        "aanlegjaar",
        (
            "aanlegjaar",
            "aanleg_jaar",
            "jaar_aanleg",
            "jaar_van_aanleg",
            "bouwjaar",
            "plantjaar",
            "jaar_plant",
            "installatiejaar",
            "plaatsingsjaar",
            "jaar_plaatsing",
            "aanlegdatum_jaar",
        ),
        required=True,
    ),
    Target(
        "quantity",
        "hoeveelheid",
        (
            "hoeveelheid",
            "aantal",
            "lengte",
            "lengte_m",
            "oppervlakte",
            "oppervlak",
            "opp_m2",
            "oppervlakte_m2",
            "lengte_meter",
            "kwantiteit",
        ),
    ),
    Target("material", "materiaal", ("materiaal", "materiaalsoort", "materiaal_type")),
    Target(
        "condition",
        "conditie",
        ("conditie", "conditiescore", "conditie_score", "nen2767", "nen_2767", "score_nen2767"),
    ),
    Target(
        "condition_date",
        "datum conditiemeting",
        (
            "conditiedatum",
            "inspectiedatum",
            "datum_inspectie",
            "datum_conditie",
            "datum_conditiemeting",
            "meetdatum",
        ),
    ),
    Target(
        "street",
        "straat",
        (
            "straatnaam",
            "straat",
            "openbare_ruimte",
            "openbareruimte",
            "openbareruimtenaam",
            "weg",
            "wegnaam",
            "adres_straat",
        ),
    ),
    Target("area", "gebied", ("buurt", "buurtcode", "wijk", "wijkcode", "gebied", "kern")),
    Target("lifespan_override", "levensduur", ("levensduur", "levensduur_jaren", "levensduur_jr")),
    Target(
        "unit_cost_override",
        "kosten per eenheid",
        ("eenheidsprijs", "kosten_per_eenheid", "eenheidskosten", "prijs_per_eenheid"),
    ),
    Target("owner", "eigenaar", ("eigenaar", "beheerder_organisatie", "eigenaar_organisatie")),
    Target("wkt", "geometrie (WKT)", ("wkt", "geometrie", "geometry", "geom", "the_geom")),
    Target("x", "x-coördinaat", X_ALIASES),
    Target("y", "y-coördinaat", Y_ALIASES),
    Target("lon", "lengtegraad", LON_ALIASES),
    Target("lat", "breedtegraad", LAT_ALIASES),
)

INSPECTION_TARGETS = (
    Target(
        "asset",
        "id van het object",
        (
            "object_id",
            "objectid",
            "beheerobjectid",
            "beheerobject",
            "asset",
            "elementnr",
            "id_object",
            "object",
        ),
        required=True,
    ),
    Target("date", "datum", ("datum", "inspectiedatum", "datum_inspectie", "meetdatum"), True),
    Target("condition", "conditie", ("conditie", "conditiescore", "score", "nen2767"), True),
    Target("inspector", "inspecteur", ("inspecteur", "inspector", "uitgevoerd_door")),
    Target("notes", "opmerkingen", ("opmerkingen", "opmerking", "toelichting", "notities")),
)

REPORT_TARGETS = (
    Target(
        "external_id", "meldingnummer", ("meldingnummer", "melding_nr", "nummer", *ID_ALIASES), True
    ),
    Target(
        "reported_on",
        "datum melding",
        ("datum", "datum_melding", "meldingsdatum", "gemeld_op"),
        True,
    ),
    Target("category", "categorie", ("categorie", "soort", "hoofdcategorie", "onderwerp", "type")),
    Target("status", "status", ("status", "afhandelstatus", "stand")),
    Target("description", "omschrijving", ("omschrijving", "toelichting", "tekst", "melding")),
    Target(
        "asset", "id van het object", ("object_id", "objectid", "beheerobjectid", "beheerobject")
    ),
    Target("street", "straat", ("straatnaam", "straat", "openbare_ruimte", "adres")),
    Target("closed_on", "datum afgehandeld", ("afgehandeld_op", "datum_afgehandeld", "einddatum")),
    Target("x", "x-coördinaat", X_ALIASES),
    Target("y", "y-coördinaat", Y_ALIASES),
    Target("lon", "lengtegraad", LON_ALIASES),
    Target("lat", "breedtegraad", LAT_ALIASES),
)

TARGETS = {
    ImportKind.ASSETS: ASSET_TARGETS,
    ImportKind.INSPECTIONS: INSPECTION_TARGETS,
    ImportKind.REPORTS: REPORT_TARGETS,
}

#: Column names that reveal what a file holds when it has no object-type column.
CLASS_HINTS = (
    (("boomsoort", "plantjaar", "boomhoogte", "stamdiameter"), "boom"),
    (("lichtpunt", "armatuurtype", "lamptype"), "armatuur"),
    (("mastnummer", "masthoogte"), "lichtmast"),
    (("speeltoestel", "valondergrond"), "speel-metaal"),
)


def propose_mapping(
    columns: list[str],
    kind: str,
    *,
    saved: dict | None = None,
    has_geometry: bool = False,
) -> dict:
    """The mapping recognition proposes (`impor.importing.columns.propose_mapping`); a
    file with its own geometry reads no coordinate columns, and a file of assets without
    an object-type column gets one from the columns that reveal it."""
    mapping = columns_kit.propose_mapping(
        columns,
        TARGETS[kind],
        saved=saved,
        skip=("wkt", "x", "y", "lon", "lat") if has_geometry else (),
    )
    if kind == ImportKind.ASSETS and "asset_class" not in mapping:
        by_name = {normalise(column) for column in columns}
        for hints, code in CLASS_HINTS:
            if any(hint in by_name for hint in hints):
                mapping["asset_class"] = {"value": code}
                break
    return mapping


def missing_required(mapping: dict, kind: str) -> list[Target]:
    return columns_kit.missing_required(mapping, TARGETS[kind])


def label_of(kind: str, name: str) -> str:
    return columns_kit.label_of(TARGETS[kind], name)
