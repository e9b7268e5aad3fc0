from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.crypto import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret under the first key of ENCRYPTION_KEYS. Put a new key first, "
        "run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = [field.name for field in model._meta.get_fields() if isinstance(field, EncryptedTextField)]
            if not fields:
                continue
            rows = 0
            for instance in model._default_manager.all().only("pk", *fields).iterator(chunk_size=500):
                if not any(getattr(instance, name) for name in fields):
                    continue
                # Loading decrypts with whichever key matches; saving encrypts with the first key.
                with transaction.atomic():
                    instance.save(update_fields=fields)
                rows += 1
            self.stdout.write(f"{model._meta.label}: re-encrypted {rows} row(s) ({', '.join(fields)})")
            total += rows
        self.stdout.write(self.style.SUCCESS(f"Done: {total} row(s) now use the first key."))
