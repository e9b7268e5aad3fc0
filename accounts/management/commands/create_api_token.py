from django.core.management.base import BaseCommand

from accounts.models import Tier
from accounts.services import api_token_create, user_get_or_create


class Command(BaseCommand):
    help = "Create an API token (creating the user if needed) and print the token alone on stdout."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--tier", choices=Tier.values, help="Also set the user's tier.")
        parser.add_argument("--name", default="cli", help="A label for the token (default: cli).")

    def handle(self, *args, email, tier, name, **options):
        user, created = user_get_or_create(email=email, tier=tier)
        _, raw_token = api_token_create(user=user, name=name)
        if created:
            self.stderr.write(f"Created user {user.email} ({user.pk}, tier {user.tier}).")
        self.stdout.write(raw_token)
