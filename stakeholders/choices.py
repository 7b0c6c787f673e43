from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    """What kind of organisation an actor is."""

    #: The municipality as an organisation, root of its departments (`setup_municipality`).
    GEMEENTE = "gemeente", _("gemeente")
    AFDELING = "afdeling", _("gemeentelijke afdeling of team")
    NETBEHEERDER = "netbeheerder", _("netbeheerder")
    WATERSCHAP = "waterschap", _("waterschap")
    WONINGCORPORATIE = "woningcorporatie", _("woningcorporatie")
    PROVINCIE = "provincie", _("provincie")
    GGD = "ggd", _("GGD")
    DORPSBELANG = "dorpsbelang", _("dorpsbelang of bewonersgroep")
    ONDERNEMERS = "ondernemers", _("ondernemers")
    TELECOM = "telecom", _("glasvezel of telecom")
    AANNEMER = "aannemer", _("aannemer")
    WARMTEBEDRIJF = "warmtebedrijf", _("warmtebedrijf")
    OVERIG = "overig", _("overig")


class Domain(models.TextChoices):
    FYSIEK = "fysiek", _("fysiek")
    SOCIAAL = "sociaal", _("sociaal")
    RUIMTELIJK = "ruimtelijk", _("ruimtelijk")
    ECONOMISCH = "economisch", _("economisch")


class ProcessStep(models.TextChoices):
    """The steps of the public-space process, in order (Dalfsen beeldvormingssessie)."""

    STRATEGISCH = "strategisch", _("strategisch beleidskader")
    OPERATIONEEL = "operationeel", _("operationeel beleidskader")
    PROGRAMMERING = "programmering", _("programmering")
    PROJECTOPDRACHT = "projectopdracht", _("projectopdracht")
    ONTWERP = "ontwerp", _("voorbereiding en ontwerp")
    UITVOERING = "uitvoering", _("uitvoering")
    BEHEER = "beheer", _("beheer")
    MONITORING = "monitoring", _("monitoring en evaluatie")


class Involvement(models.TextChoices):
    """How an actor takes part in a process step."""

    GEEN = "geen", _("geen rol")
    GEINFORMEERD = "geinformeerd", _("wordt geïnformeerd")
    BETROKKEN = "betrokken", _("denkt mee")
    BESLIST_MEE = "beslist_mee", _("beslist mee")
    TREKKER = "trekker", _("trekt")


class TaskDomain(models.TextChoices):
    """The three kinds of task in an area's anatomy."""

    FYSIEK = "fysiek", _("fysiek")
    SOCIAAL = "sociaal", _("sociaal")
    TECHNISCH = "technisch", _("technisch")


class Role(models.TextChoices):
    """User roles; each is a Django group of the same name."""

    VIEWER = "lezer", _("lezer")
    EDITOR = "bewerker", _("bewerker")
    PROGRAMME_MANAGER = "programmamanager", _("programmamanager")
    ADMINISTRATOR = "beheerder", _("functioneel beheerder")
    PARTNER = "partner", _("externe partner")
