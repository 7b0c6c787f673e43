from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    """The five project types of the City Deal Openbare Ruimte, each with its leading party."""

    BEHEER = "beheer", _("beheergestuurd")
    TRANSITIE = "transitie", _("transitiegestuurd")
    ONTWIKKELING = "ontwikkeling", _("ontwikkelingsgestuurd")
    HERSTRUCTURERING = "herstructurering", _("herstructurering")
    WIJKGERICHT = "wijkgericht", _("wijkgericht")


class ProjectStatus(models.TextChoices):
    INITIATIEF = "initiatief", _("initiatief")
    VERKENNING = "verkenning", _("verkenning")
    PROJECTOPDRACHT = "projectopdracht", _("projectopdracht")
    ONTWERP = "ontwerp", _("ontwerp")
    VOORBEREIDING = "voorbereiding", _("voorbereiding")
    UITVOERING = "uitvoering", _("uitvoering")
    NAZORG = "nazorg", _("nazorg")
    AFGEROND = "afgerond", _("afgerond")
    INGETROKKEN = "ingetrokken", _("ingetrokken")

    @classmethod
    def inactive(cls) -> list[str]:
        """Statuses of projects the programme no longer plans: finished or withdrawn by
        their owner (a partner that drops a planned work)."""
        return [cls.AFGEROND, cls.INGETROKKEN]


class Scale(models.TextChoices):
    STRAAT = "straat", _("straat")
    BUURT = "buurt", _("buurt")
    WIJK = "wijk", _("wijk")
    KERN = "kern", _("kern")
    GEMEENTE = "gemeente", _("gemeente")


class Certainty(models.TextChoices):
    """How firm a (partner's) plan is."""

    IDEE = "idee", _("idee")
    VOORGENOMEN = "voorgenomen", _("voorgenomen")
    VASTGESTELD = "vastgesteld", _("vastgesteld")


class ParticipationLevel(models.TextChoices):
    """The participation ladder (participatieladder)."""

    INFORMEREN = "informeren", _("informeren")
    RAADPLEGEN = "raadplegen", _("raadplegen")
    ADVISEREN = "adviseren", _("adviseren")
    COPRODUCEREN = "coproduceren", _("coproduceren")
    MEEBESLISSEN = "meebeslissen", _("meebeslissen")


class DecisionLevel(models.TextChoices):
    AMBTELIJK = "ambtelijk", _("ambtelijk")
    COLLEGE = "college", _("college van B&W")
    RAAD = "raad", _("gemeenteraad")


class ContractForm(models.TextChoices):
    EIGEN_DIENST = "eigen_dienst", _("eigen dienst")
    RAW = "raw", _("traditioneel (RAW-bestek)")
    UAV_GC = "uav_gc", _("geïntegreerd (UAV-GC)")
    BOUWTEAM = "bouwteam", _("bouwteam")
    RAAMCONTRACT = "raamcontract", _("raamcontract")
    PRESTATIE = "prestatie", _("prestatiecontract")
    PARTNER = "partner", _("door de partner zelf")


class ProjectRoleKind(models.TextChoices):
    TREKKER = "trekker", _("trekker")
    OPDRACHTGEVER = "opdrachtgever", _("opdrachtgever")
    OPDRACHTNEMER = "opdrachtnemer", _("opdrachtnemer")
    PROJECTLEIDER = "projectleider", _("projectleider")
    ADVISEUR = "adviseur", _("adviseur")


class RegisterKind(models.TextChoices):
    KANS = "kans", _("kans")
    RISICO = "risico", _("risico")
    SUCCESFACTOR = "succesfactor", _("succesfactor")
    RANDVOORWAARDE = "randvoorwaarde", _("randvoorwaarde")


class RegisterStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_BEHANDELING = "in_behandeling", _("in behandeling")
    AFGEHANDELD = "afgehandeld", _("afgehandeld")
