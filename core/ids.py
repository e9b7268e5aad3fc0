"""Opaque, prefixed, time-sortable ids (`usr_01jd…`), as DESIGN.md §4 asks.

The part after the prefix is a ULID: 48 bits of milliseconds and 80 random bits in Crockford
base32, lowercase. Ids therefore sort by creation time, which keeps "newest first" lists on the
primary key index.
"""

import secrets
import time

from django.db import models

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


class PrefixedIdField(models.CharField):
    """Primary key holding `new_id(prefix)`."""

    def __init__(self, prefix: str, **kwargs):
        self.prefix = prefix
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("editable", False)
        super().__init__(**kwargs)

    def get_default(self) -> str:
        return new_id(self.prefix)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        for key, value in (("max_length", 40), ("primary_key", True), ("editable", False)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs
