import pytest

from tests.factories import make_term, make_user, unit_user


@pytest.mark.django_db
def test_leader_sees_dashboard_with_their_bloc(client):
    term = make_term(members=3)
    client.force_login(unit_user(term, "leader"))
    response = client.get("/")
    assert response.status_code == 200
    assert term.bloc.name in response.content.decode()


@pytest.mark.django_db
def test_board_pages_render(client):
    term = make_term(members=3)
    client.force_login(make_user(board=True))
    for url in [
        "/",
        "/blocs/",
        f"/blocs/{term.bloc_id}/",
        f"/terms/{term.pk}/",
        "/units/",
        "/accounts/",
        f"/terms/{term.pk}/elect/",
        f"/terms/{term.pk}/leadership/",
        f"/terms/{term.pk}/edit/",
    ]:
        assert client.get(url).status_code == 200, url
