import pytest

from geodata.codes import code_problem, parent_code_of


@pytest.mark.parametrize(("code", "level", "parent"), [
    ("321302", "county", None),
    ("321302112", "town", "321302"),
    ("321302112210", "village", "321302112"),
    ("321302112210001", "grid", "321302112210"),
])
def test_well_formed_codes_pass(code, level, parent):
    assert code_problem(code, level, parent) is None
    assert parent_code_of(code) == parent


@pytest.mark.parametrize(("code", "level", "parent", "says"), [
    ("32130211221", "village", None, "11 位"),
    ("3213021122100", "village", None, "13 位"),
    ("32130211221A", "village", None, "不是纯数字"),
    ("", "grid", None, "不是纯数字"),
    ("321302101210", "village", "321302112", "不以上级代码 321302112 开头"),
    ("321302112210000", "grid", None, "不能为 000"),
])
def test_malformed_codes_are_explained(code, level, parent, says):
    assert says in code_problem(code, level, parent)
