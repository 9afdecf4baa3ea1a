"""Every POST endpoint of the project, taken from the permission matrices: its URL, its valid post and
the persona for whom that post succeeds, on a world built once for the module."""

from __future__ import annotations

from dataclasses import dataclass

from tests.agreements import test_permission_matrix as agreements_matrix
from tests.ballots import test_permission_matrix as ballot_matrix
from tests.blocs import test_permission_matrix as blocs_matrix
from tests.board import test_permission_matrix as overview_matrix
from tests.conferences import test_conferences as conference_matrix
from tests.conferences import test_permission_matrix as document_matrix
from tests.factories import PASSWORD
from tests.scoring import test_permission_matrix as scoring_matrix

AUTH_URLS = {"login": "/login/", "password_change": "/password-change/", "password_reset": "/password-reset/"}
# Who tries first, among the personas for whom a row's POST succeeds.
PREFERENCE = ["leader", "member", "deputy", "board", "previous_leader", "supervisor", "anonymous"]

MATRICES = {
    "blocs": blocs_matrix,
    "agreements": agreements_matrix,
    "scoring": scoring_matrix,
    "ballots": ballot_matrix,
    "documents": document_matrix,
    "overview": overview_matrix,
    "conferences": conference_matrix,
}


@dataclass(frozen=True)
class Endpoint:
    source: str  # which matrix (and so which world) the row comes from
    name: str
    persona: str

    @property
    def state(self) -> str | None:
        module = MATRICES.get(self.source)
        states = getattr(module, "STATE", None)
        if states is None:
            return None
        default = {"agreements": "draft", "scoring": "setup"}.get(self.source)
        return states.get(self.name, default)

    @property
    def world_key(self) -> tuple[str, str | None]:
        return ("blocs", None) if self.source in ("conferences", "auth") else (self.source, self.state)

    def url(self, world) -> str:
        if self.source == "conferences":
            kind = "" if self.name == "conferences:conferences" else "midyear/"
            return f"/terms/{world.term.pk}/conferences/{kind}"
        if self.source == "auth":
            return AUTH_URLS[self.name]
        return MATRICES[self.source].url_for(self.name, world)

    def data(self, world) -> dict:
        if self.source == "conferences":
            members = list(world.term.memberships.order_by("position"))[:3]
            rows = {f"present-{m.pk}": "1" for m in members} | {f"rep-{m.pk}": "Đại diện" for m in members}
            return dict(conference_matrix.MIDYEAR) | rows
        if self.source == "auth":
            return {
                "login": {"username": world.users["member"].username, "password": PASSWORD},
                "password_change": {
                    "old_password": PASSWORD,
                    "new_password1": blocs_matrix.NEW_PASSWORD,
                    "new_password2": blocs_matrix.NEW_PASSWORD,
                },
                "password_reset": {"email": "thu.ky@example.vn"},
            }[self.name]
        return {
            key: str(value) if isinstance(value, int) else value
            for key, value in MATRICES[self.source].post_data(self.name, world).items()
        }

    def __str__(self) -> str:
        return f"{self.name}-{self.persona}"


def _succeeding(table: dict[str, int], status: int) -> str:
    return next(p for p in PREFERENCE if table.get(p) == status and p != "anonymous")


def pages() -> list[Endpoint]:
    """Every page (GET) of the matrices, for a persona who may read it."""
    return [
        Endpoint(source, name, _succeeding(table, 200))
        for source, module in MATRICES.items()
        for (name, method), table in module.MATRIX.items()
        if method == "GET" and any(table.get(p) == 200 for p in PREFERENCE[:-1])
    ]


def endpoints() -> list[Endpoint]:
    """Every POST endpoint of the matrices (logout aside), and the login and password forms."""
    found = []
    for source, module in MATRICES.items():
        for (name, method), table in module.MATRIX.items():
            if method == "POST" and name != "logout":
                found.append(Endpoint(source, name, _succeeding(table, 302)))
    found += [
        Endpoint("auth", "login", "anonymous"),
        Endpoint("auth", "password_change", "member"),
        Endpoint("auth", "password_reset", "anonymous"),
    ]
    return found


def build_world(source: str, state: str | None):
    if source == "blocs":
        return blocs_matrix.World()
    if source == "agreements":
        return agreements_matrix.AgreementWorld(state)
    if source == "scoring":
        return scoring_matrix.ScoringWorld(state)
    if source == "ballots":
        return ballot_matrix.BallotWorld(state)
    if source == "documents":
        return document_matrix.DocumentWorld()
    if source == "overview":
        return overview_matrix.OverviewWorld()
    raise ValueError(source)


def build_worlds(found: list[Endpoint]) -> dict:
    built = {}
    for endpoint in found:
        if endpoint.world_key not in built:
            built[endpoint.world_key] = build_world(*endpoint.world_key)
    return built
