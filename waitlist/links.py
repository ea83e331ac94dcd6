"""The signed link in an offer: the offer's id, signed and timestamped; no patient data."""

from __future__ import annotations

from django.core import signing

from waitlist.models import Offer

SALT = "waitlist.offer"
# Longer than any hold: an old link still opens the page, which then says the offer has gone.
MAX_AGE = 7 * 24 * 3600


def offer_token(offer: Offer) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(offer.pk))


def offer_id_from(token: str) -> int | None:
    try:
        return int(signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE))
    except (signing.BadSignature, ValueError):
        return None
