"""OGC API Features (Part 1 Core, GeoJSON; Part 2 CRS by reference) under /api/v1/ogc.

A GIS (QGIS, ArcGIS, GDAL) adds the landing page's URL and finds the rest by its links:
the collections the user may read, and each collection's items, page by page along
`rel=next` links until the last page, with `numberMatched` to check it got them all.
The API's rules hold here too: a token or a session, the model's view permission (a
collection the user may not read is not listed and answers 404, as one that does not
exist), errors as problem+json, no trailing slashes.
"""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from impor.api.renderers import GeoJSONRenderer, ProblemJSONRenderer
from impor.ogc import features, schemas
from impor.ogc.collections import Collection, collection_for, collections_for
from impor.ogc.params import (
    CRS84,
    CRS_OF,
    CRS_URIS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    RD_NEW,
    URI_OF,
    read_crs,
    read_items_query,
)

JSON = "application/json"
GEOJSON = GeoJSONRenderer.media_type
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


def _link(request, href: str, rel: str, media_type: str, title: str = "") -> dict[str, str]:
    link = {"href": request.build_absolute_uri(href), "rel": rel, "type": media_type}
    if title:
        link["title"] = title
    return link


def _collection_url(collection_id: str, suffix: str = "") -> str:
    return reverse("ogc_collection", kwargs={"collectionId": collection_id}) + suffix


def _collection_or_404(request, collection_id: str) -> Collection:
    collection = collection_for(request.user, collection_id)
    if collection is None:
        raise exceptions.NotFound(_("Deze collectie bestaat niet of u mag haar niet lezen."))
    return collection


def _content_crs(crs: str) -> str:
    """The `Content-Crs` header of Part 2: the CRS's URI in angle brackets."""
    return f"<{URI_OF[crs]}>"


def describe(request, collection: Collection) -> dict[str, Any]:
    """A collection's metadata: its CRSs, extent and links (its queryables behind one)."""
    spatial, temporal = features.extent(collection, request.user)
    extent: dict[str, Any] = {}
    if spatial is not None:
        extent["spatial"] = {"bbox": [spatial], "crs": CRS84}
    if temporal is not None:
        extent["temporal"] = {
            "interval": [temporal],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": CRS_URIS,
        "storageCrs": RD_NEW,
        "extent": extent,
        "links": [
            _link(request, _collection_url(collection.id), "self", JSON, collection.title),
            _link(request, _collection_url(collection.id, "/items"), "items", GEOJSON),
            _link(
                request,
                _collection_url(collection.id, "/queryables"),
                QUERYABLES_REL,
                "application/schema+json",
            ),
        ],
    }


COLLECTION_ID = OpenApiParameter(
    "collectionId",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="De id van de collectie, zoals /ogc/collections die noemt (areas-buurt).",
    examples=[OpenApiExample("buurten", value="areas-buurt")],
)
FEATURE_ID = OpenApiParameter(
    "featureId", OpenApiTypes.STR, OpenApiParameter.PATH, description="De id van het object."
)
CRS_PARAMETER = OpenApiParameter(
    "crs",
    OpenApiTypes.STR,
    enum=CRS_URIS,
    description="Coördinatenstelsel van de geometrie in het antwoord (standaard CRS84).",
)
INVALID = OpenApiResponse(description="Een parameter is niet geldig; invalidParams noemt hem.")


class OgcView(APIView):
    """JSON answers; errors as problem+json."""

    renderer_classes = [JSONRenderer, ProblemJSONRenderer]


class LandingPageView(OgcView):
    @extend_schema(
        operation_id="ogc_landing_page",
        summary="OGC API Features: beginpagina",
        description="Links naar de beschrijving van de API, de conformiteit en de collecties.",
        responses={200: schemas.LANDING_PAGE},
        tags=["ogc"],
    )
    def get(self, request):
        return Response(
            {
                "title": "IMPOR OGC API Features",
                "description": _(
                    "Areaal, gebieden, projecten en het programma als kaartlagen voor GIS "
                    "(QGIS, ArcGIS, GDAL)."
                ),
                "links": [
                    _link(request, reverse("ogc_landing"), "self", JSON),
                    _link(
                        request,
                        reverse("api_schema"),
                        "service-desc",
                        "application/vnd.oai.openapi+json;version=3.0",
                    ),
                    _link(request, reverse("api_docs"), "service-doc", "text/html"),
                    _link(request, reverse("ogc_conformance"), "conformance", JSON),
                    _link(request, reverse("ogc_collections"), "data", JSON),
                ],
            }
        )


class ConformanceView(OgcView):
    @extend_schema(
        operation_id="ogc_conformance",
        summary="OGC API Features: conformiteit",
        description="De conformiteitsklassen die deze dienst volgt.",
        responses={200: schemas.CONFORMANCE},
        tags=["ogc"],
    )
    def get(self, request):
        return Response({"conformsTo": CONFORMANCE})


class CollectionsView(OgcView):
    @extend_schema(
        operation_id="ogc_collections",
        summary="OGC API Features: collecties",
        description="Elke collectie (kaartlaag) die u mag lezen, met omvang en "
        "coördinatenstelsels.",
        responses={200: schemas.COLLECTIONS},
        tags=["ogc"],
    )
    def get(self, request):
        return Response(
            {
                "links": [_link(request, reverse("ogc_collections"), "self", JSON)],
                "collections": [describe(request, c) for c in collections_for(request.user)],
                "crs": CRS_URIS,
            }
        )


class CollectionView(OgcView):
    @extend_schema(
        operation_id="ogc_collection",
        summary="OGC API Features: één collectie",
        parameters=[COLLECTION_ID],
        responses={200: schemas.COLLECTION},
        tags=["ogc"],
    )
    def get(self, request, collectionId: str):
        return Response(describe(request, _collection_or_404(request, collectionId)))


class QueryablesView(OgcView):
    @extend_schema(
        operation_id="ogc_queryables",
        summary="OGC API Features: filterbare eigenschappen",
        description="De eigenschappen waarop ?<naam>=<waarde> filtert (een JSON-schema); "
        "meer waarden met komma's.",
        parameters=[COLLECTION_ID],
        responses={200: schemas.QUERYABLES},
        tags=["ogc"],
    )
    def get(self, request, collectionId: str):
        collection = _collection_or_404(request, collectionId)
        return Response(
            {
                "$schema": "https://json-schema.org/draft/2019-09/schema",
                "$id": request.build_absolute_uri(_collection_url(collection.id, "/queryables")),
                "type": "object",
                "title": collection.title,
                "properties": {
                    q.name: {"type": q.type, "description": q.description}
                    for q in collection.queryables
                },
            }
        )


class FeatureView(APIView):
    """GeoJSON (or the same as plain JSON) with the CRS named in `Content-Crs`; the body
    is written as text (`features.features`), not rendered from Python objects."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer, ProblemJSONRenderer]

    def answer(self, request, body: str, crs: str) -> HttpResponse:
        response = HttpResponse(body, content_type=request.accepted_renderer.media_type)
        response["Content-Crs"] = _content_crs(crs)
        return response


class ItemsView(FeatureView):
    @extend_schema(
        operation_id="ogc_items_list",
        summary="OGC API Features: objecten van een collectie",
        description=(
            "Een pagina objecten als GeoJSON FeatureCollection, oplopend op id. De link "
            "rel=next geeft de volgende pagina (met after=<laatste id>) tot de laatste; "
            "numberMatched (op de eerste pagina) is het aantal objecten van de selectie. "
            "Filters op de eigenschappen van /queryables: ?<naam>=<waarde>[,<waarde>…]. "
            "Een bbox van zes getallen (met hoogtes) wordt gelezen als de vier van het "
            "platte vlak."
        ),
        parameters=[
            COLLECTION_ID,
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                description=f"Objecten per pagina, 1 tot en met {MAX_LIMIT} "
                f"(standaard {DEFAULT_LIMIT}).",
            ),
            OpenApiParameter(
                "after",
                {"type": "integer", "minimum": 0},
                description="Alleen objecten met een hogere id: de volgende pagina (zie rel=next).",
            ),
            OpenApiParameter(
                "bbox",
                OpenApiTypes.STR,
                description="Alleen objecten in dit gebied: minx,miny,maxx,maxy in bbox-crs.",
            ),
            OpenApiParameter(
                "bbox-crs",
                OpenApiTypes.STR,
                enum=CRS_URIS,
                description="Coördinatenstelsel van bbox (standaard CRS84).",
            ),
            OpenApiParameter(
                "datetime",
                OpenApiTypes.STR,
                description="Alleen objecten waarvan de jaren dit tijdstip of interval raken: "
                "2027-01-01, 2027-01-01/2028-12-31, ../2028-12-31 of 2027-01-01/..",
            ),
            CRS_PARAMETER,
        ],
        responses={200: schemas.FEATURE_COLLECTION, 400: INVALID},
        tags=["ogc"],
    )
    def get(self, request, collectionId: str):
        collection = _collection_or_404(request, collectionId)
        query = read_items_query(collection, request.query_params)
        found = features.page(collection, request.user, query)
        self_url = request.get_full_path()
        links = [_link(request, self_url, "self", GEOJSON)]
        if found.next_after is not None:
            params = request.query_params.copy()
            params["after"] = str(found.next_after)
            links.append(_link(request, f"{request.path}?{params.urlencode()}", "next", GEOJSON))
        links.append(_link(request, _collection_url(collection.id), "collection", JSON))
        matched = (
            f'"numberMatched":{found.number_matched},' if found.number_matched is not None else ""
        )
        head = (
            f'{{"type":"FeatureCollection",{matched}'
            f'"numberReturned":{len(found.rows)},"timeStamp":"{features.now()}",'
            f'"links":{JSONRenderer().render(links).decode()},"features":['
        )
        body = ",".join(features.features(collection, request.user, found.rows, query.crs))
        return self.answer(request, head + body + "]}", query.crs)


class ItemView(FeatureView):
    @extend_schema(
        operation_id="ogc_item",
        summary="OGC API Features: één object",
        parameters=[COLLECTION_ID, FEATURE_ID, CRS_PARAMETER],
        responses={200: schemas.FEATURE, 400: INVALID},
        tags=["ogc"],
    )
    def get(self, request, collectionId: str, featureId: str):
        collection = _collection_or_404(request, collectionId)
        crs = CRS_OF[read_crs(request.query_params.get("crs"), "crs")]
        row = (
            collection.queryset(request.user).filter(pk=int(featureId)).first()
            if featureId.isdigit() and len(featureId) < 19
            else None
        )
        if row is None:
            raise exceptions.NotFound(_("Dit object bestaat niet in deze collectie."))
        (feature,) = features.features(collection, request.user, [row], crs)
        links = [
            _link(request, request.get_full_path(), "self", GEOJSON),
            _link(request, _collection_url(collection.id), "collection", JSON),
        ]
        return self.answer(
            request, feature[:-1] + f',"links":{JSONRenderer().render(links).decode()}}}', crs
        )
