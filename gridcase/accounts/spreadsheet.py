"""Bringing in a county's grid workers from a spreadsheet: read, check every row, then create them.

`read_rows` turns an .xlsx or .csv upload into rows (or refuses the file with a reason);
`plan_rows` checks each row against the territory and the users already there and says what it
will create or why not; `workers_create` creates the valid rows in one transaction. The admin
pages (gridcase.accounts.import_views) are thin doors onto these three.
"""

import csv
import io
import re
import secrets
import zipfile
from dataclasses import asdict, dataclass, field

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role, User
from gridcase.accounts.services import MOBILE

# Column → attribute. The first four are required; 所属镇 tells apart villages of the same name.
COLUMNS = {"姓名": "name", "手机号": "phone", "所属村": "village", "网格": "grids", "所属镇": "town"}
REQUIRED = ["姓名", "手机号", "所属村", "网格"]
ALIASES = {"手机": "手机号", "手机号码": "手机号", "联系电话": "手机号", "村": "所属村", "村（社区）": "所属村",
           "所属村（社区）": "所属村", "负责网格": "网格", "网格名称": "网格", "镇": "所属镇", "所属乡镇": "所属镇",
           "所属镇（街道）": "所属镇", "名字": "姓名"}
MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 3000
GRID_SEPARATORS = re.compile(r"[、,，;；\s]+")
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied off paper
PASSWORD_LENGTH = 10
# The initial password is random (~49 bits), not something a person chose, so fewer PBKDF2 rounds
# keep 200 accounts within one request; Django re-hashes it with the full count at the first login.
INITIAL_PASSWORD_ITERATIONS = 20_000


class SheetError(ValueError):
    """The file as a whole cannot be read; the message is for the admin."""


@dataclass
class Row:
    number: int  # the row in the spreadsheet, header = 1
    name: str = ""
    phone: str = ""
    village: str = ""
    grids: str = ""
    town: str = ""


@dataclass
class Planned:
    """One row, checked: what it will create, or the errors that stop it."""

    row: Row
    errors: list[str] = field(default_factory=list)
    village: Area | None = None
    grid_areas: list[Area] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps a phone number typed as a number as 13800000000.0
    return str(value).strip()


def _header(cells) -> dict[str, int]:
    names = [ALIASES.get(_text(c).replace(" ", ""), _text(c).replace(" ", "")) for c in cells]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        found = "、".join(n for n in names if n) or _("（无）")
        raise SheetError(_("第一行应为列名，缺少：%(missing)s（找到：%(found)s）。请使用模板：%(template)s") % {
            "missing": "、".join(missing), "found": found, "template": "、".join(COLUMNS)})
    return {COLUMNS[n]: i for i, n in enumerate(names) if n in COLUMNS}


def _rows(lines) -> list[Row]:
    """Rows from an iterator of cell lists whose first item is the header."""
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        raise SheetError(_("文件是空的：没有列名，也没有数据行"))
    columns = _header(first)
    rows = []
    for number, cells in enumerate(lines, start=2):
        values = {attr: _text(cells[i]) if i < len(cells) else "" for attr, i in columns.items()}
        if not any(values.values()):
            continue  # a blank line, common at the end of a sheet
        if len(rows) >= MAX_ROWS:
            raise SheetError(_("行数过多：一次最多导入 %(max)d 人，请分成几个文件") % {"max": MAX_ROWS})
        rows.append(Row(number=number, **values))
    if not rows:
        raise SheetError(_("文件中只有列名，没有数据行"))
    return rows


def _xlsx_lines(content: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        if sum(m.file_size for m in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise SheetError(_("文件解压后过大，不像是一份人员名单"))
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise SheetError(_("无法读取该文件：不是有效的 Excel（.xlsx）文件，可能已损坏；旧版 .xls 请另存为 .xlsx")) from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise SheetError(_("文件是空的：没有工作表"))
    return [list(r) for r in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]


def _csv_lines(content: bytes):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(_("无法读取该文件：CSV 的编码既不是 UTF-8 也不是 GBK"))
    if "\x00" in text:
        raise SheetError(_("无法读取该文件：不是文本格式的 CSV"))
    return list(csv.reader(io.StringIO(text)))


def read_rows(*, name: str, content: bytes) -> list[Row]:
    """The data rows of an .xlsx or .csv file. Raises SheetError with the reason for the admin."""
    if not content:
        raise SheetError(_("文件是空的"))
    if len(content) > MAX_BYTES:
        raise SheetError(_("文件过大（上限 %(mb)d MB）：一份名单用不了这么大") % {"mb": MAX_BYTES // 2**20})
    suffix = name.lower().rpartition(".")[2]
    if content.startswith(b"PK\x03\x04"):
        return _rows(_xlsx_lines(content))
    if suffix == "csv":
        return _rows(_csv_lines(content))
    raise SheetError(_("只接受 Excel（.xlsx）或 CSV（.csv）文件：请用模板填写"))


class _Territory:
    """The villages and grids of the admin's jurisdiction, looked up by name or code."""

    def __init__(self, admin):
        areas = scope(Area.objects.filter(level__in=[Level.TOWN, Level.VILLAGE, Level.GRID]), admin)
        self.by_code = {}
        self.villages_by_name: dict[str, list[Area]] = {}
        self.towns = {}
        self.grids_of: dict[str, list[Area]] = {}
        for area in areas.only("id", "code", "name", "level", "parent_id"):
            self.by_code[area.code] = area
            if area.level == Level.TOWN:
                self.towns[area.code] = area
            elif area.level == Level.VILLAGE:
                self.villages_by_name.setdefault(area.name, []).append(area)
            else:
                self.grids_of.setdefault(area.code[:12], []).append(area)

    def village(self, row: Row) -> tuple[Area | None, str | None]:
        value = row.village
        if value.isdigit():
            area = self.by_code.get(value)
            if area and area.level == Level.VILLAGE:
                return area, None
            return None, _("在您的辖区内找不到代码为 %(code)s 的村") % {"code": value}
        candidates = self.villages_by_name.get(value, [])
        if row.town:
            candidates = [v for v in candidates if self.towns.get(v.code[:9]) and row.town in
                          (self.towns[v.code[:9]].name, v.code[:9])]
        if len(candidates) == 1:
            return candidates[0], None
        if not candidates:
            where = _("%(town)s的") % {"town": row.town} if row.town else ""
            return None, _("在您的辖区内找不到%(where)s村「%(village)s」") % {"where": where, "village": value}
        towns = "、".join(self.towns[v.code[:9]].name for v in candidates if v.code[:9] in self.towns)
        return None, _("有 %(n)d 个村叫「%(village)s」（%(towns)s）：请填写「所属镇」或村代码") % {
            "n": len(candidates), "village": value, "towns": towns}

    def grids(self, village: Area, value: str) -> tuple[list[Area], list[str]]:
        own = self.grids_of.get(village.code, [])
        found, errors = [], []
        for token in filter(None, GRID_SEPARATORS.split(value)):
            match = next((g for g in own if token in (g.code, g.name, g.name.removeprefix(village.name))), None)
            if match is None:
                other = self.by_code.get(token)
                if other is None:
                    other = next((g for grids in self.grids_of.values() for g in grids if g.name == token), None)
                if other is not None and other.level == Level.GRID:
                    errors.append(_("网格「%(grid)s」不在%(village)s，而在其他村") % {"grid": token, "village": village.name})
                else:
                    errors.append(_("%(village)s没有网格「%(grid)s」") % {"village": village.name, "grid": token})
            elif match not in found:
                found.append(match)
        return found, errors


def plan_rows(*, rows: list[Row], admin) -> list[Planned]:
    """Each row with what it would create, or every reason it cannot; nothing is written."""
    territory = _Territory(admin)
    phones = [r.phone for r in rows if r.phone]
    taken = dict(User.objects.filter(phone__in=phones).values_list("phone", "username"))
    taken.update({u: u for u in User.objects.filter(username__in=phones).values_list("username", flat=True)})
    first_row_of: dict[str, int] = {}
    planned = []
    for row in rows:
        plan = Planned(row=row)
        if not row.name:
            plan.errors.append(_("缺少姓名"))
        elif len(row.name) > 150:
            plan.errors.append(_("姓名过长"))
        if not row.phone:
            plan.errors.append(_("缺少手机号（手机号是登录账号）"))
        elif not MOBILE.match(row.phone):
            plan.errors.append(_("手机号「%(phone)s」格式不对：应为 11 位数字，以 1 开头") % {"phone": row.phone})
        elif row.phone in first_row_of:
            plan.errors.append(_("手机号 %(phone)s 与第 %(row)d 行重复") % {"phone": row.phone,
                                                                    "row": first_row_of[row.phone]})
        elif row.phone in taken:
            plan.errors.append(_("手机号 %(phone)s 已有账号（%(user)s）") % {"phone": row.phone, "user": taken[row.phone]})
        if row.phone:
            first_row_of.setdefault(row.phone, row.number)
        if not row.village:
            plan.errors.append(_("缺少所属村"))
        else:
            plan.village, problem = territory.village(row)
            if problem:
                plan.errors.append(problem)
        if plan.village is not None:
            if not row.grids:
                plan.errors.append(_("缺少网格：网格员至少负责一个网格"))
            else:
                plan.grid_areas, problems = territory.grids(plan.village, row.grids)
                plan.errors.extend(problems)
        planned.append(plan)
    return planned


def _initial_hash(password: str) -> str:
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=INITIAL_PASSWORD_ITERATIONS)
    return make_password(password)


def initial_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


@dataclass
class Created:
    username: str
    name: str
    village: str
    grids: str
    password: str


@transaction.atomic
def workers_create(*, planned: list[Planned], admin) -> list[Created]:
    """Create a grid worker for every valid row, in one transaction; returns their initial passwords.

    The rows are checked again first (another admin may have added a phone in the meantime): any row
    that is no longer valid aborts everything, so nothing is half-written.
    """
    again = plan_rows(rows=[p.row for p in planned if p.ok], admin=admin)
    if any(not p.ok for p in again):
        raise ValueError(_("名单在确认前已有变化，请重新上传并预览"))
    created = []
    for plan in again:
        password = initial_password()
        user = User(username=plan.row.phone, first_name=plan.row.name, phone=plan.row.phone, role=Role.GRID_WORKER,
                    area=plan.village, password=_initial_hash(password))
        user.full_clean(exclude=["password"])
        user.save()
        user.grids.set(plan.grid_areas)
        created.append(Created(username=user.username, name=user.first_name, village=plan.village.name,
                               grids="、".join(g.name for g in plan.grid_areas), password=password))
    return created


def rows_to_data(rows: list[Row]) -> list[dict]:
    return [asdict(r) for r in rows]


def rows_from_data(data: list[dict]) -> list[Row]:
    return [Row(**item) for item in data]


def _workbook(header: list[str], rows: list[list[str]], widths: list[int]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFG", widths):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"  # a phone number stays text, not 1.38E+10
            if cell.data_type == "f":
                cell.data_type = "s"  # a name typed as "=…" is text, never a formula Excel runs
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_xlsx(*, example_village: Area | None) -> bytes:
    """The template the admin fills in: the columns, and one example row from their own territory."""
    example = []
    if example_village is not None:
        grid = example_village.children.order_by("code").first()
        town = example_village.parent
        example = [["张三", "13800000000", example_village.name, grid.name if grid else "", town.name if town else ""]]
    return _workbook(list(COLUMNS), example, [12, 16, 16, 30, 16])


def credentials_xlsx(created: list[dict]) -> bytes:
    return _workbook(["登录账号", "姓名", "所属村", "负责网格", "初始密码"],
                     [[c["username"], c["name"], c["village"], c["grids"], c["password"]] for c in created],
                     [16, 12, 16, 30, 14])
