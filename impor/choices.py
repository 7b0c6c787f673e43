from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    """The municipality's area hierarchy: gemeente › kern › wijk › buurt."""

    GEMEENTE = "gemeente", _("gemeente")
    KERN = "kern", _("kern")
    WIJK = "wijk", _("wijk")
    BUURT = "buurt", _("buurt")

    @classmethod
    def parent_of(cls, level: str) -> str | None:
        order = list(cls.values)
        index = order.index(level)
        return order[index - 1] if index else None


class AreaType(models.TextChoices):
    """Functional area type; the IBOR policy sets a CROW quality level per type."""

    CENTRUM = "centrum", _("centrum")
    WOONWIJK = "woonwijk", _("woonwijk")
    BEDRIJVENTERREIN = "bedrijventerrein", _("bedrijventerrein")
    BUITENGEBIED = "buitengebied", _("buitengebied")


class QualityLevel(models.TextChoices):
    """CROW visual quality levels (Kwaliteitscatalogus openbare ruimte, publication 323)."""

    A_PLUS = "A+", "A+"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Discipline(models.TextChoices):
    """Asset management disciplines (beheerdisciplines) of the public space."""

    RIOLERING = "riolering", _("riolering")
    VERHARDING = "verharding", _("verharding")
    GROEN = "groen", _("groen en bomen")
    VERLICHTING = "verlichting", _("openbare verlichting")
    KUNSTWERKEN = "kunstwerken", _("kunstwerken")
    WATER = "water", _("water en oevers")
    SPELEN = "spelen", _("speelvoorzieningen")
    VRI = "vri", _("verkeersregelinstallaties")
    MEUBILAIR = "meubilair", _("meubilair")


class ImportKind(models.TextChoices):
    """What an import brings in; the apps above declare how (their columns and rows)."""

    ASSETS = "assets", _("beheerobjecten")
    INSPECTIONS = "inspections", _("inspecties")
    REPORTS = "reports", _("meldingen")
    #: Planned works a partner organisation delivers in the Excel template (projects app).
    PARTNER_WORKS = "partner_works", _("werken van partners")
    #: The municipality's gemeente, kernen, wijken and buurten (`impor.area_import`).
    AREAS = "areas", _("gebieden")
    #: Actual costs from the financial system's export (`programming.realisation_import`).
    ACTUALS = "actuals", _("werkelijke kosten")
    #: Measurements of an ambition's indicators (`stakeholders.measurement_import`).
    MEASUREMENTS = "measurements", _("metingen van indicatoren")
    #: A partner's areas of interest from a geo file (`stakeholders.services`).
    INTEREST_AREAS = "interest_areas", _("interessegebieden")


class ImportStatus(models.TextChoices):
    """How an import ended: a dry run, written, refused for errors, or failed to write."""

    DRY_RUN = "proef", _("proefimport")
    COMMITTED = "verwerkt", _("verwerkt")
    REFUSED = "geweigerd", _("geweigerd")
    #: The file was fine but writing it failed (database error); nothing was stored.
    FAILED = "mislukt", _("mislukt")
    #: Waiting for the task worker (a large file imported in the background).
    QUEUED = "wachtrij", _("in de wachtrij")
    #: Being imported by the task worker; the run's progress and step follow it.
    RUNNING = "bezig", _("bezig")
