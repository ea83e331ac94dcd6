"""Reading what a person typed: ids, slugs, dates, instants and local wall-clock times, with bounds.

Every value that arrives in a URL's query, a form or an API body goes through one of the `to_*`
functions below (or a field built on them: clinic/forms.py for pages, clinic/api_fields.py for
the API). A bad value raises `BadValue`, which names the field and says what is wrong in words:
a page shows it as a message or a form error, the API answers 400 with it. Never a 500.

Why each rule exists:
- ids are ASCII digits only: `"²".isdigit()` is True and `int("²")` raises; and they fit the
  database's integer column (a larger number is an overflow error in PostgreSQL, not a miss).
- no text may contain NUL: PostgreSQL refuses it in any string ("A string literal cannot
  contain NUL"), so a lookup with one is a 500 unless it is refused first.
- dates stay within EARLIEST_DAY..LATEST_DAY: date arithmetic near year 1 or 9999 overflows
  (a week view of 0001-01-03 starts on a Monday before year 1), and no diary is that old.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
MAX_ID = 2**31 - 1  # PostgreSQL's `integer`, the primary keys' type
SLUG_MAX_LENGTH = 50  # Django's SlugField default, used by every slug here
EMAIL_MAX_LENGTH = 254  # User.email (RFC 5321's path limit); django-axes stores usernames in 255
_ID = re.compile(r"[0-9]{1,10}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TOKEN = re.compile(r"[-a-zA-Z0-9_]{1,64}")
# Control characters other than tab and newlines: never typed, and NUL breaks PostgreSQL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadValue(ValueError):
    """A value a person sent that cannot be used, with the field it came in and why, in words."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a DST change (01:30 on the last Sunday of March in London)."""


def shown(raw: Any, limit: int = 40) -> str:
    """A value quoted back in an error: short, and without characters that could garble a page."""
    text = _CONTROL.sub("", str(raw))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_text(raw: Any, field: str, *, max_length: int, strip: bool = True) -> str:
    if not isinstance(raw, str):
        raise BadValue(field, "Give this as text.")
    if _CONTROL.search(raw):
        raise BadValue(field, "This contains characters that cannot be stored (such as NUL).")
    text = raw.strip() if strip else raw
    if len(text) > max_length:
        raise BadValue(field, f"Keep this to {max_length} characters (it has {len(text)}).")
    return text


def to_id(raw: Any, field: str) -> int:
    """A row's id: ASCII digits for 1..MAX_ID (an int from a JSON body is accepted as it is)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _ID.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        raise BadValue(field, f"“{shown(raw)}” is not an id (a whole number).")
    if not 1 <= value <= MAX_ID:
        raise BadValue(field, f"“{shown(raw)}” is not an id (a whole number from 1 to {MAX_ID}).")
    return value


def to_slug(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not _SLUG.fullmatch(raw) or len(raw) > SLUG_MAX_LENGTH:
        raise BadValue(field, f"“{shown(raw)}” is not one of the choices offered.")
    return raw


def to_token(raw: Any, field: str) -> str:
    """An unguessable URL token (secrets.token_urlsafe): letters, digits, - and _."""
    if not isinstance(raw, str) or not _TOKEN.fullmatch(raw):
        raise BadValue(field, "This link is not valid.")
    return raw


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_day(day: date, field: str, *, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY) -> date:
    if not earliest <= day <= latest:
        raise BadValue(field, f"Choose a date from {_day(earliest)} to {_day(latest)}.")
    return day


def to_date(raw: Any, field: str, *, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY) -> date:
    """A calendar date written YYYY-MM-DD (what a date picker sends), and one that exists."""
    if isinstance(raw, str) and _DATE.fullmatch(raw.strip()):
        try:
            return check_day(date.fromisoformat(raw.strip()), field, earliest=earliest, latest=latest)
        except ValueError as exc:  # 2026-02-30
            if isinstance(exc, BadValue):
                raise
    raise BadValue(field, f"“{shown(raw)}” is not a date like 2026-12-01.")


def to_instant(raw: Any, field: str) -> datetime:
    """An exact moment: ISO 8601 with its UTC offset, in UTC. A time without an offset is refused
    rather than guessed, and so is one outside the days the clinic's diary can hold."""
    if not isinstance(raw, str) or _CONTROL.search(raw) or not raw.isascii() or len(raw) > 40:
        raise BadValue(field, f"“{shown(raw)}” is not a time like 2026-12-01T10:00:00+00:00.")
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadValue(field, f"“{shown(raw)}” is not a time like 2026-12-01T10:00:00+00:00.") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadValue(field, "Give the time with its UTC offset, e.g. 2026-12-01T10:00:00+00:00.")
    if not EARLIEST_DAY <= value.date() <= LATEST_DAY:
        raise BadValue(field, f"Choose a time between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}.")
    return value.astimezone(UTC)


def local_instant(day: date, at: time, zone: ZoneInfo, *, later: bool = False) -> datetime:
    """The UTC instant of a local wall-clock time a person typed.

    A time the clocks skip raises NonexistentLocalTime. A time that happens twice (the autumn
    change) is the first occurrence, or the second with `later`. The answer is in UTC, so adding
    a duration to it adds real minutes: on an aware local datetime Python adds wall-clock time,
    and 01:30 + 30 minutes on the night the clocks go back would be 90 minutes long."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=1 if later else 0)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None, fold=0) != local.replace(tzinfo=None, fold=0):
        raise NonexistentLocalTime(
            f"{at:%H:%M} on {day.day} {day:%B %Y} does not exist in {zone.key}: the clocks go forward then."
        )
    return instant


class Query:
    """A page's URL query, read value by value. A bad value is left out (the page shows its
    default) and kept in `errors` (field -> message) for the page to say why."""

    def __init__(self, query: Mapping[str, Any]) -> None:
        self.query = query
        self.errors: dict[str, str] = {}

    def raw(self, name: str) -> str:
        value = self.query.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def _read(self, name: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
        raw = self.raw(name)
        if not raw:
            return None
        try:
            return parse(raw, name, *args, **kwargs)
        except BadValue as exc:
            self.errors[name] = exc.message
            return None

    def id(self, name: str) -> int | None:
        return self._read(name, to_id)

    def slug(self, name: str) -> str | None:
        return self._read(name, to_slug)

    def date(self, name: str, **bounds: date) -> date | None:
        return self._read(name, to_date, **bounds)

    def instant(self, name: str) -> datetime | None:
        return self._read(name, to_instant)

    def time(self, name: str) -> time | None:
        raw = self.raw(name)
        if not raw:
            return None
        try:
            if not re.fullmatch(r"[0-9]{2}:[0-9]{2}(:[0-9]{2})?", raw):
                raise ValueError
            return time.fromisoformat(raw)
        except ValueError:
            self.errors[name] = f"“{shown(raw)}” is not a time like 09:30."
            return None


def parse_day(request: HttpRequest, today: date) -> date:
    """The page's ?date=YYYY-MM-DD, or today with a message saying why the given one was ignored.

    The bounds leave a week either side, so a page may step to the previous or next week."""
    query = Query(request.GET)
    day = query.date("date", earliest=EARLIEST_DAY + timedelta(days=7), latest=LATEST_DAY - timedelta(days=7))
    if "date" in query.errors:
        messages.warning(request, f"{query.errors['date'].rstrip('.')}; showing today instead.")
    return day or today
