"""Official area codes (统计用区划代码) as paths: county 6 digits, +3 town, +3 village, +3 grid."""

import re

CODE_LENGTH = {"county": 6, "town": 9, "village": 12, "grid": 15}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}
PARENT_LEVEL = {"town": "county", "village": "town", "grid": "village"}
_DIGITS = re.compile(r"^\d+$")


def code_problem(code: str, level: str, parent_code: str | None = None) -> str | None:
    """Why `code` cannot be an area of `level` under `parent_code`, or None if it can."""
    length = CODE_LENGTH[level]
    if not _DIGITS.match(code or ""):
        return f"代码 {code!r} 不是纯数字"
    if len(code) != length:
        return f"代码 {code} 有 {len(code)} 位，{level} 级应为 {length} 位"
    if code.endswith("000") and level != "county":
        return f"代码 {code} 的本级部分不能为 000"
    if parent_code is not None and not code.startswith(parent_code):
        return f"代码 {code} 不以上级代码 {parent_code} 开头"
    return None


def parent_code_of(code: str) -> str | None:
    return code[:-3] if len(code) > CODE_LENGTH["county"] else None
