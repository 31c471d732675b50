"""The home page: the current action plan's initiatives by region."""


def test_it_shows_asp1_to_asp5_with_their_expected_results(client, asp_editor, django_assert_max_num_queries):
    client.force_login(asp_editor)
    with django_assert_max_num_queries(6):
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Asia and the Pacific (ASP)" in page
    for code, count in [("ASP1", 5), ("ASP2", 6), ("ASP3", 8), ("ASP4", 6), ("ASP5", 10)]:
        assert f'/initiatives/WTDC-25/{code}/">{code}</a>' in page
        assert f'<td class="number">{count}</td>' in page


def test_it_shows_the_navigation(client, asp_editor):
    client.force_login(asp_editor)
    page = client.get("/").content.decode()
    for label in ["Home", "Activities", "Initiatives", "Countries", "Log out"]:
        assert f">{label}<" in page
    assert ">Admin<" not in page


def test_staff_see_the_admin_link(client, superuser):
    client.force_login(superuser)
    assert ">Admin<" in client.get("/").content.decode()
