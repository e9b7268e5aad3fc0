"""The accounts `make run` creates on a development machine: an admin and a demo user with a token.

Their secrets live in files under VAR_DIR (mode 0600) so that every start prints the same login
and token; a token that was revoked or deleted in the meantime is replaced.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from accounts.models import Tier, User
from accounts.services import CredentialsRejected, api_token_authenticate, api_token_create, user_get_or_create
from config.env import dev_secret_file

ADMIN_EMAIL = "admin@localhost"
DEMO_EMAIL = "demo@localhost"


@dataclass(frozen=True)
class DemoAccounts:
    admin_email: str
    admin_password: str
    demo_email: str
    demo_token: str


def demo_accounts_ensure(*, var_dir: Path) -> DemoAccounts:
    password = dev_secret_file(var_dir / "admin-password", lambda: secrets.token_urlsafe(12))
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        admin = User.objects.create_superuser(ADMIN_EMAIL, password, name="Operator")
    elif not admin.check_password(password):
        admin.set_password(password)
        admin.save(update_fields=["password"])

    demo, _ = user_get_or_create(email=DEMO_EMAIL, name="Demo User", tier=Tier.PRO)
    token_file = var_dir / "demo-token"
    token = token_file.read_text().strip() if token_file.exists() else ""
    try:
        if not token or api_token_authenticate(raw_token=token).pk != demo.pk:
            raise CredentialsRejected("no usable demo token")
    except CredentialsRejected:
        _, token = api_token_create(user=demo, name="demo (make run)")
        token_file.unlink(missing_ok=True)
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token + "\n")
    return DemoAccounts(admin_email=ADMIN_EMAIL, admin_password=password, demo_email=DEMO_EMAIL, demo_token=token)
