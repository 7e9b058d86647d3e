"""A grid worker chooses what to log — dispute, hazard or resident request — from the home page, and
can switch between the three forms."""

import pytest

pytestmark = pytest.mark.django_db

FORMS = {"case": "/cases/new/", "hazard": "/hazards/new/", "request": "/requests/new/"}


def test_the_home_page_offers_all_three(login):
    page = login("worker").get("/").content.decode()
    assert all(f'href="{url}"' in page for url in FORMS.values())


@pytest.mark.parametrize("kind", FORMS)
def test_each_form_marks_itself_and_links_the_others(login, kind):
    page = login("worker").get(FORMS[kind]).content.decode()
    assert page.count('aria-current="page"') == 1
    assert f'href="{FORMS[kind]}" aria-current="page"' in page
    assert all(f'href="{url}"' in page for url in FORMS.values())
