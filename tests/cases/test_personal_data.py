import pytest
from django.db import connection

from gridcase.cases import services
from gridcase.cases.models import PersonalDataView

pytestmark = pytest.mark.django_db

ID, PHONE = "321302199001011234", "13812345678"


@pytest.fixture
def case(make_case):
    return make_case(parties=[services.PartyInput(name="张三", id_number=ID, phone=PHONE, address="古河村三组")])


def test_id_numbers_and_phones_are_encrypted_at_rest(case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_encrypted, phone_encrypted, id_number_masked, phone_masked FROM cases_party")
        id_enc, phone_enc, id_masked, phone_masked = cursor.fetchone()
    assert ID not in id_enc and PHONE not in phone_enc
    assert (id_masked, phone_masked) == ("3213**********1234", "138****5678")


def test_people_who_do_not_handle_the_case_see_masks(login, case):
    for username in ("worker", "adviser"):
        html = login(username).get(f"/cases/{case.pk}/").content.decode()
        assert "3213**********1234" in html and "138****5678" in html
        assert ID not in html and PHONE not in html
    assert not PersonalDataView.objects.exists()


def test_a_handler_sees_the_full_values_and_the_view_is_logged(login, case, users):
    html = login("cadre").get(f"/cases/{case.pk}/").content.decode()

    assert ID in html and PHONE in html
    view = PersonalDataView.objects.get()
    assert (view.user, view.case, view.party.name) == (users["cadre"], case, "张三")


def test_a_case_is_found_by_full_phone_or_id_but_not_by_fragments(login, case):
    from tests.cases.test_jurisdiction import listed

    client = login("leader")
    assert case.number in listed(client, q=PHONE)
    assert case.number in listed(client, q=f" {ID[:6]} {ID[6:]} ")
    assert case.number in listed(client, q="张三")
    assert case.number not in listed(client, q="1381234")
