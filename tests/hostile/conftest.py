import pytest

from ballots.models import BallotCandidate
from blocs.models import Membership, Unit, User
from scoring.models import Criterion
from tests.hostile.catalogue import build_worlds, endpoints

TINY_PDF = b"%PDF-1.4\n% test\n%%EOF\n"


@pytest.fixture
def no_weasyprint(monkeypatch):
    """The print templates are rendered with the hostile text; only WeasyPrint's layout is skipped
    (test_printing prints for real)."""
    for module in ("agreements.printing", "conferences.printing", "ballots.views"):
        monkeypatch.setattr(f"{module}.render_pdf", lambda *args, **kwargs: TINY_PDF)


@pytest.fixture(scope="module")
def worlds(module_db):
    """One world per matrix and state, built once for the module; each example is rolled back."""
    return build_worlds(endpoints())


@pytest.fixture(scope="module")
def foreign_pks(worlds) -> list[int]:
    """The pks of every world's units, members, users, criteria and candidates: for an endpoint, most
    are another term's or another bloc's."""
    models = (Unit, Membership, User, Criterion, BallotCandidate)
    return sorted({pk for model in models for pk in model.objects.values_list("pk", flat=True)})
