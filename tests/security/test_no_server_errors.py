"""No input makes the clinic answer 5xx: odd values in every query parameter and form field of
every URL the resolver knows, for each role (a property-based test, with hypothesis).

What is sent where is discovered, not listed by hand:
- the URLs are the access matrix's (tests/security/test_access_matrix.py keeps one for every
  route of the resolver), with their path parameters replaced by real objects of its world, and
  the pages their links and GET forms lead to (the booking flow's later steps, the diary's days);
- a page's form fields come from the page itself: each role GETs each page, and the names of the
  input, select, textarea and button elements of every form on it, with their values, become
  the fields of a request to the form's action, by its method;
- the query parameters a view reads come from watching it read them: while it answers, every
  key looked up in a QueryDict (request.GET and request.POST) is recorded;
- the API's query parameters and body fields come from its OpenAPI schema;
- a string path parameter (a calendar feed's token) is a field of its own.

Every target is sent each odd value in all its fields at once, and in each field alone with the
page's own values in the others (so a view that stops at the first bad value still meets the
next one), the clock changes' local times wherever a date and a time are asked together, then a
few hypothesis-drawn mixtures of odd values (NUL, 100,000 characters, unicode digits, huge or
negative numbers, impossible dates, years 1 and 9999, empty strings, a list where one value is
expected). Each request runs in a transaction rolled back after it (and the client's cookies are
restored), so every request starts from the same world. Bounded to about a minute: derandomized,
two drawn examples per target, and each field swept alone once over the roles.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.security.test_access_matrix import EXPECTED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

# Each role of the issue, as the access matrix's world names its user; the manager first, who
# reaches the most fields and so sweeps most of them (see explicit_examples).
ROLES = {
    "manager": "manager",
    "practitioner": "practitioner",
    "reception": "reception",
    "patient": "patient_a",
    "anonymous": None,
}
EXAMPLES = 2  # drawn by hypothesis per URL, method and role, after the explicit examples below
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure's request is in the message; no shrinking
    suppress_health_check=list(HealthCheck),
)
ADMIN_PAGES = ["/admin/", "/admin/clinic/patient/", "/admin/bookings/appointment/"]
# Not sent: signing out (it has no field, and would end the role's session for the requests after it).
SKIPPED = {"logout"}

ODD_TEXT = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "²",
    "٣",  # an Arabic-Indic three: str.isdigit() is True, int() reads it, a database id it is not
    "-1",
    "0",
    "-517",
    "99999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00-12:00",
    "9999-12-31T23:59:59+14:00",
    "2027-03-28",  # the clocks go forward at 01:00 in London
    "2027-03-28T01:30:00",
    "01:30",
    "2027-10-31",  # and back at 02:00
    "25:61",
    "",
    " ",
    "any",
    "new",
    "yes",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\U0001f600",  # an emoji: four bytes in UTF-8
    "\u202e",  # right-to-left override
]
ODD_JSON = [None, True, False, -517, 0, 2**63, -(2**63), 1e308, [], {}, ["a", "b"], {"a": {"b": [None]}}, "x" * 100_000]


def odd_form_value() -> st.SearchStrategy:
    scalar = st.sampled_from(ODD_TEXT) | st.text(max_size=12)
    # A list is the key given several times: `?practitioner=1&practitioner=²`.
    return scalar | st.lists(st.sampled_from(ODD_TEXT), min_size=2, max_size=3)


def odd_json_value() -> st.SearchStrategy:
    return st.sampled_from(ODD_JSON) | st.sampled_from(ODD_TEXT)


# --- discovering what a page asks for ----------------------------------------------------------


@dataclass
class Target:
    method: str
    path: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> the page's own value ("" if none)
    json: bool = False
    path_param: str | None = None  # the field is this path parameter (a string one), not a query value
    route: tuple[str, dict[str, Any]] = ("", {})  # for a path parameter: the view's name and kwargs

    def add(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            if not self.fields.get(name):
                self.fields[name] = value


class PageParser(HTMLParser):
    """A page's forms (method, action, the first value of each named field) and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, str]]] = []
        self.links: list[str] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {}
            self.forms.append((a.get("method", "get").upper(), a.get("action", ""), self._form))
        elif self._form is not None and tag in ("input", "select", "textarea", "button") and a.get("name"):
            if a["name"] != "csrfmiddlewaretoken":
                self._form.setdefault(a["name"], a.get("value", ""))
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self._form is not None and self._select and not self._form.get(self._select):
            self._form[self._select] = a.get("value", "")  # the first choice offered

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@contextlib.contextmanager
def reads_recorded() -> Iterator[set[str]]:
    """Every key a view looks up in a QueryDict (request.GET, request.POST) while this is open."""
    keys: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def recording(original):
        def method(self, key, *args, **kwargs):
            if isinstance(key, str):
                keys.add(key)
            return original(self, key, *args, **kwargs)

        return method

    for name, original in originals.items():
        setattr(QueryDict, name, recording(original))
    try:
        yield keys
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def route_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).url_name
    except Resolver404:
        return None


def api_fields() -> dict[tuple[str, str], dict[str, str]]:
    """(method, path pattern with {id}) -> the query parameters or body fields the schema names."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    fields: dict[tuple[str, str], dict[str, str]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {p["name"]: "" for p in operation.get("parameters", []) if p["in"] == "query"}
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if ref := body.get("$ref"):
                component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
                names.update({name: "" for name in component.get("properties", {})})
            fields[(method.upper(), path)] = names
    return fields


class Crawler:
    """A role's walk over the site: every URL given, then the pages its GET forms and links lead
    to (once per page and set of query names), collecting what each URL and method takes."""

    MAX_PAGES = 160

    def __init__(self, client: Client, api: dict[tuple[str, str], dict[str, str]]) -> None:
        self.client, self.api = client, api
        self.targets: dict[tuple[str, str], Target] = {}
        self.seen: set[tuple[str, frozenset[str]]] = set()

    def target(self, method: str, path: str, **kwargs: Any) -> Target:
        return self.targets.setdefault((method, path), Target(method, path, **kwargs))

    def walk(self, paths: list[str]) -> list[Target]:
        queue = list(paths)
        pages = 0
        while queue and pages < self.MAX_PAGES:
            url = queue.pop(0)
            key = (urlsplit(url).path, frozenset(parse_qs(urlsplit(url).query)))
            if key in self.seen:
                continue
            self.seen.add(key)
            pages += 1
            queue += self.visit(url)
        for path in paths:
            self.path_params(path)
        return list(self.targets.values())

    def visit(self, url: str) -> list[str]:
        path, query = urlsplit(url).path, {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if path.startswith("/api/"):
            self.api_target(path)
            return []
        with reads_recorded() as keys:
            response = self.client.get(url)
        get = self.target("GET", path)
        get.add({**{name: "" for name in keys}, **query})
        if response.status_code == 405:  # a POST-only action: what it reads from an empty POST
            with reads_recorded() as posted, undone(self.client):
                self.client.post(path)
            self.target("POST", path).add({name: "" for name in posted})
        if "html" not in response.get("Content-Type", ""):
            return []
        parser = PageParser()
        parser.feed(response.content.decode(errors="replace"))
        onwards = []
        for method, action, fields in parser.forms:
            action_url = urljoin(url, action) if action else url
            if not action_url.startswith("/"):
                continue
            if method == "POST" and not action_url.startswith("/admin/"):
                self.target("POST", urlsplit(action_url).path).add(fields)
            else:
                onwards.append(f"{urlsplit(action_url).path}?{urlencode(fields)}")
        onwards += [urljoin(url, link) for link in parser.links if urljoin(url, link).startswith("/")]
        # Django's own admin is walked no further than the pages given (its changelists' searches,
        # filters and ordering): its add and change forms are Django's, for managers only.
        return [u for u in onwards if not u.startswith("/admin/") or urlsplit(u).path == path]

    def api_target(self, path: str) -> None:
        pattern = _api_pattern(path, self.api)
        for (method, api_path), names in self.api.items():
            if api_path == pattern:
                self.target(method, path, json=method in ("POST", "PUT", "PATCH")).add(names)

    def path_params(self, path: str) -> None:
        """A string path parameter (a feed's token, an invitation's) is a field of its own."""
        try:
            match = resolve(path)
        except Resolver404:
            return
        for name in re.findall(r"<(?:str:)?(\w+)>", str(match.route)):
            target = self.target("GET", f"{path}#{name}", path_param=name)
            target.add({name: match.kwargs[name]})
            target.route = (match.view_name, match.kwargs)


def _api_pattern(path: str, api: dict[tuple[str, str], dict[str, str]]) -> str:
    parts = path.split("/")
    for _, api_path in api:
        pattern = api_path.split("/")
        if len(pattern) == len(parts) and all(p == q or p.startswith("{") for p, q in zip(pattern, parts, strict=True)):
            return api_path
    return path


# --- sending odd values ------------------------------------------------------------------------

# Sent in every field at once, then in each field alone (the page's own values in the others, so
# that a view reading its fields one after the other meets the odd one wherever it is).
EVERY_FIELD = [
    "a\x00b",
    "²",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "x" * 100_000,
    "99999999999999999999",
    ["1", "²"],
]
EACH_FIELD = ["a\x00b", "²", "0001-01-01"]
EACH_JSON_FIELD = ["a\x00b", -517, ["1", "²"], {"a": None}]
OVERBOOK = {"override": "on", "override_reason": "Night clinic"}  # so a diary booking goes as far as booking
# A formset's later rows are its first row again: only the first (and the management form) one by one.
LATER_ROW = re.compile(r"-[1-9][0-9]*-")


def explicit_examples(target: Target, swept: set[tuple[str, str | None, str]]) -> list[dict]:
    """What every target is sent whatever hypothesis draws: each odd value in every field, each
    in each field alone, and the clock changes' local times wherever there is a date and a time.

    A field is swept alone once, by the first role that reaches it (`swept` remembers): after the
    access check the roles share the code that reads it, and the sweep is most of the run's time."""
    if target.path_param:
        return [{target.path_param: value} for value in EVERY_FIELD if isinstance(value, str)]
    names = sorted(target.fields)
    examples = [{name: value for name in names} for value in EVERY_FIELD] if names else [{}]
    route = route_name(target.path)
    for name in (n for n in names if not LATER_ROW.search(n) and (target.method, route, n) not in swept):
        swept.add((target.method, route, name))
        examples += [{**target.fields, name: value} for value in (EACH_JSON_FIELD if target.json else EACH_FIELD)]
    for day_name in [n for n in names if "date" in n or "day" in n]:
        for time_name in [n for n in names if "time" in n]:
            for day in ("2027-03-28", "2027-10-31"):  # the clocks go forward, and back
                examples.append({**target.fields, day_name: day, time_name: "01:30", **OVERBOOK})
    return examples


def request_strategy(target: Target) -> st.SearchStrategy:
    """The page's own values, with a hypothesis-chosen subset of the fields made odd."""
    odd = odd_json_value() if target.json else odd_form_value()
    if target.path_param:
        return st.fixed_dictionaries({target.path_param: st.sampled_from(ODD_TEXT) | st.text(min_size=1)})
    if not target.fields:
        return st.just({})
    optional = {name: odd for name in sorted(target.fields)}
    return st.fixed_dictionaries({}, optional=optional).map(lambda changes: {**target.fields, **changes})


def send(client: Client, target: Target, data: dict):
    if target.path_param:
        view_name, kwargs = target.route
        try:
            path = reverse(view_name, kwargs={**kwargs, **data})
        except NoReverseMatch:  # a value the route cannot even hold (a "/", an empty string)
            return None
        return client.get(path)
    if target.json:
        return client.generic(target.method, target.path, json.dumps(data), content_type="application/json")
    if target.method == "GET":
        return client.get(target.path, data)
    return client.post(target.path, data)


@contextlib.contextmanager
def undone(client: Client) -> Iterator[None]:
    """Whatever the request changes is rolled back, the client's cookies (its session) included.

    Marked as the test case's own block so that the services which must be outermost
    (`transaction.atomic(durable=True)`: booking at the desk, consent, erasure) still run inside
    it, as they do inside the test case's transaction."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    block = transaction.atomic()
    block._from_testcase = True  # Django's TestCase marks its own atomic blocks the same way
    with block:
        try:
            yield
        finally:
            transaction.set_rollback(True)
            client.cookies = cookies


def server_errors(client: Client, target: Target, swept: set[tuple[str, str | None, str]]) -> list[str]:
    failures: list[str] = []

    def run(data: dict) -> None:
        with undone(client):
            response = send(client, target, data)
        if response is not None and response.status_code >= 500:
            shown = {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in data.items()}
            failures.append(f"{target.method} {target.path} {shown!r}: {response.status_code}")

    if not target.fields:
        run({})  # nothing to vary: the page as it is
        return failures
    fuzz = given(data=request_strategy(target))(run)
    for data in explicit_examples(target, swept):
        fuzz = example(data=data)(fuzz)
    SETTINGS(fuzz)()
    return failures


def test_no_odd_value_in_any_field_of_any_url_is_a_server_error(world):
    users, ids = world
    paths = [path.format(**ids) for name, (path, _) in EXPECTED.items() if name not in SKIPPED] + ADMIN_PAGES
    api, swept, failures = api_fields(), set(), []
    for role, user in ROLES.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(users[user])
        targets = [t for t in Crawler(client, api).walk(paths) if route_name(t.path) not in SKIPPED]
        assert sum(len(t.fields) for t in targets) > 20, role  # the pages' fields were found, not only URLs
        failures += [f"{role}: {failure}" for target in targets for failure in server_errors(client, target, swept)]
    assert failures == [], "\n".join(failures[:40])
