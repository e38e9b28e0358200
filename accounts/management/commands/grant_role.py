from django.core.management.base import BaseCommand, CommandError

from accounts.models import AGENCY_ROLES, User
from accounts.services import user_grant_role
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Grant an officer, supervisor or head of agency role from the server's command line, e.g. to "
        "the first head of agency, who then grants the others at /akun/peran/. The heads are emailed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(AGENCY_ROLES))

    def handle(self, *args, username, role, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is named {username!r}.")
        try:
            user_grant_role(acting_user=None, user=user, role=role)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{username}: {role}")
