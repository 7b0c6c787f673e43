"""manage.py link_sso_account: let a municipal account at the provider log in as a user."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stakeholders.models import User
from stakeholders.services import sso_identity_link


class Command(BaseCommand):
    help = (
        "Koppel een account bij de identiteitsprovider (issuer en subject, staan in de "
        "logregel van een geweigerde aanmelding) aan een bestaande gebruiker. Eenmalinloggen "
        "koppelt nooit zelf op e-mailadres."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="gebruikersnaam in IMPOR")
        parser.add_argument("--subject", required=True, help="de `sub` van het account")
        parser.add_argument("--issuer", required=True, help="de `iss` van de provider")

    def handle(self, *args, username: str, subject: str, issuer: str, **options):
        user = User.objects.select_related("organisation").filter(username=username).first()
        if user is None:
            raise CommandError(f"Gebruiker {username} bestaat niet.")
        try:
            sso_identity_link(
                user=user, issuer=issuer, subject=subject, reason="manage.py link_sso_account"
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{subject} van {issuer} logt voortaan in als {username}.")
