from gridcase.cases.forms import PartyFormSet
from gridcase.cases.models import Party


def test_the_second_party_defaults_to_the_respondent():
    forms = PartyFormSet(prefix="party").forms
    assert [f["role"].value() for f in forms] == [None, Party.Role.RESPONDENT]
    assert 'value="respondent" selected' in str(forms[1]["role"])
