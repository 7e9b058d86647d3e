"""A county admin brings in grid workers from a spreadsheet: preview with each row's error, then all at once."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from openpyxl import Workbook, load_workbook

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from tests.conftest import GENGCHE, GUHE, TUYUAN

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "手机号", "所属村", "网格"]
URL = "/admin/accounts/user/import/"


def xlsx(rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "网格员.xlsx"
    return out


def csv_file(rows, encoding="utf-8", header=HEADER) -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    out = io.BytesIO(text.getvalue().encode(encoding))
    out.name = "网格员.csv"
    return out


def guhe_grids():
    return list(Area.objects.filter(parent__code=GUHE).order_by("code"))


def preview(client, upload):
    response = client.post(URL, {"file": upload})
    assert response.status_code == 200
    return response


def plans(response) -> dict[int, list[str]]:
    return {p.row.number: p.errors for p in response.context["planned"]}


def confirm(client, response, **extra):
    return client.post(f"{URL}confirm/", {"payload": response.context["payload"], "expected": response.context["valid"],
                                          **extra})


def test_a_spreadsheet_previews_then_creates_every_worker_with_their_grids(login):
    grids = guhe_grids()
    rows = [["李一", 13900000001, "古河村", grids[0].name],
            ["李二", "13900000002", GUHE, f"{grids[1].code}、{grids[2].name.removeprefix('古河村')}"]]
    client = login("admin")

    shown = preview(client, xlsx(rows))
    assert plans(shown) == {2: [], 3: []} and "将创建网格员账号" in shown.content.decode()
    assert not User.objects.filter(username__startswith="139000000").exists()

    done = confirm(client, shown)
    assert done.status_code == 200 and "已创建 2 位网格员" in done.content.decode()
    first, second = User.objects.filter(username__startswith="139000000").order_by("username")
    assert (first.first_name, first.phone, first.role, first.area.code) == ("李一", "13900000001", Role.GRID_WORKER, GUHE)
    assert list(first.grids.all()) == [grids[0]] and set(second.grids.all()) == {grids[1], grids[2]}
    password = done.context["created"][0]["password"]
    assert first.check_password(password) and len(password) == 10

    sheet = client.post(f"{URL}passwords.xlsx", {"credentials": done.context["credentials"]})
    cells = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert cells[0] == ("登录账号", "姓名", "所属村", "负责网格", "初始密码")
    assert cells[1][0] == "13900000001" and cells[1][4] == password


def test_the_initial_password_logs_in_and_is_then_stored_at_full_strength(login, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    done = confirm(login("admin"), preview(login("admin"), xlsx([["李一", "13900000001", "古河村", guhe_grids()[0].name]])))
    password = done.context["created"][0]["password"]
    client.logout()

    assert client.post("/accounts/login/", {"username": "13900000001", "password": password}).status_code == 302
    assert User.objects.get(username="13900000001").password.startswith("pbkdf2_sha256$1000000$")


def test_each_bad_row_says_why_in_plain_chinese(login, users):
    users["worker"].phone = "13900000099"
    users["worker"].save(update_fields=["phone"])
    grids = guhe_grids()
    other = Area.objects.filter(level=Level.GRID, code__startswith=TUYUAN).exclude(code__startswith=GUHE).first()
    rows = [
        ["", "13900000001", "古河村", grids[0].name],
        ["王二", "", "古河村", grids[0].name],
        ["王三", "1390000", "古河村", grids[0].name],
        ["王四", "13900000004", "不存在村", grids[0].name],
        ["王五", "13900000005", "古河村", other.name],
        ["王六", "13900000006", "古河村", "第99网格"],
        ["王七", "13900000004", "古河村", grids[0].name],
        ["王八", "13900000099", "古河村", grids[0].name],
        ["王九", "13900000009", "古河村", ""],
        ["王十", "13900000010", "古河村", grids[0].name],
    ]
    found = plans(preview(login("admin"), xlsx(rows)))

    assert found[2] == ["缺少姓名"]
    assert found[3] == ["缺少手机号（手机号是登录账号）"]
    assert found[4] == ["手机号「1390000」格式不对：应为 11 位数字，以 1 开头"]
    assert found[5] == ["在您的辖区内找不到村「不存在村」"]
    assert found[6] == [f"网格「{other.name}」不在古河村，而在其他村"]
    assert found[7] == ["古河村没有网格「第99网格」"]
    assert found[8] == ["手机号 13900000004 与第 5 行重复"]
    assert found[9] == ["手机号 13900000099 已有账号（worker）"]
    assert found[10] == ["缺少网格：网格员至少负责一个网格"]
    assert found[11] == []


def test_confirm_creates_the_valid_rows_or_none_if_the_admin_chooses(login):
    grid = guhe_grids()[0].name
    client = login("admin")
    shown = preview(client, xlsx([["甲", "13900000001", "古河村", grid], ["乙", "13900000002", "不存在村", grid]]))

    none = confirm(client, shown, all_or_nothing="1")
    assert "有 1 行有错误，按您的选择一个也没有导入" in none.content.decode()
    assert not User.objects.filter(username__startswith="139000000").exists()

    some = confirm(client, shown)
    assert "已创建 1 位网格员，跳过 1 行有错误的" in some.content.decode()
    assert list(User.objects.filter(username__startswith="139000000").values_list("username", flat=True)) == [
        "13900000001"]


def test_a_row_that_became_invalid_before_confirm_creates_nobody(login):
    grid = guhe_grids()[0].name
    client = login("admin")
    shown = preview(client, xlsx([["甲", "13900000001", "古河村", grid], ["乙", "13900000002", "古河村", grid]]))
    User.objects.create_user("someone", phone="13900000002")

    response = confirm(client, shown)

    assert "名单在预览后已有变化" in response.content.decode() and "已有账号（someone）" in response.content.decode()
    assert not User.objects.filter(username__startswith="139000000").exists()


def test_villages_of_the_same_name_need_the_town(login):
    guhe = Area.objects.get(code=GUHE)
    twin = Area.objects.filter(level=Level.VILLAGE, code__startswith=GENGCHE).first()
    Area.objects.filter(pk=twin.pk).update(name=guhe.name)
    grid = guhe_grids()[0].name
    rows = [["甲", "13900000001", "古河村", grid, ""], ["乙", "13900000002", "古河村", grid, "屠园镇"]]

    found = plans(preview(login("admin"), xlsx(rows, header=[*HEADER, "所属镇"])))

    assert found[2] == ["有 2 个村叫「古河村」（耿车镇、屠园镇）：请填写「所属镇」或村代码"]
    assert found[3] == []


def test_a_gbk_csv_from_excel_reads_like_the_xlsx(login):
    found = plans(preview(login("admin"), csv_file([["李一", "13900000001", "古河村", guhe_grids()[0].name]],
                                                   encoding="gb18030")))
    assert found == {2: []}


@pytest.mark.parametrize("name, content, message", [
    ("名单.xlsx", b"PK\x03\x04not really a zip", "不是有效的 Excel（.xlsx）文件"),
    ("名单.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "只接受 Excel（.xlsx）或 CSV（.csv）文件"),
    ("名单.pdf", b"%PDF-1.4", "只接受 Excel（.xlsx）或 CSV（.csv）文件"),
    ("名单.csv", "姓名,手机号\n李一,13900000001\n".encode(), "缺少：所属村、网格"),
    ("名单.csv", "姓名,手机号,所属村,网格\n".encode(), "只有列名，没有数据行"),
    ("名单.csv", b"\xff\xfe\x00\x00" * 10, "CSV 的编码既不是 UTF-8 也不是 GBK"),
    ("名单.csv", b"a" * (2 * 1024 * 1024 + 1), "文件过大（上限 2 MB）"),
])
def test_a_bad_file_is_refused_with_a_clear_reason(login, name, content, message):
    upload = io.BytesIO(content)
    upload.name = name
    response = preview(login("admin"), upload)
    assert message in " ".join(response.context["form"].errors["file"])


def test_an_empty_file_and_an_empty_sheet_are_refused(login):
    empty = io.BytesIO(b"")
    empty.name = "名单.csv"
    response = login("admin").post(URL, {"file": empty})
    assert response.status_code == 200 and response.context["form"].errors["file"]

    blank = xlsx([], header=[])
    assert "文件是空的" in " ".join(preview(login("admin"), blank).context["form"].errors["file"])


def test_too_many_rows_are_refused(login):
    rows = [[f"人{i}", f"139{i:08d}", "古河村", "x"] for i in range(3001)]
    response = preview(login("admin"), csv_file(rows))
    assert "一次最多导入 3000 人" in " ".join(response.context["form"].errors["file"])


def test_a_town_staff_member_cannot_place_workers_outside_their_town(client):
    staff = User.objects.create_user("town-it", password="x-long-password", role=Role.TOWN_LEADER, is_staff=True,
                                     area=Area.objects.get(code=TUYUAN))
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    client.force_login(staff)
    village = Area.objects.filter(level=Level.VILLAGE, code__startswith=GENGCHE).first()
    grid = village.children.first()

    found = plans(preview(client, xlsx([["甲", "13900000001", village.name, grid.name],
                                        ["乙", "13900000002", village.code, grid.code],
                                        ["丙", "13900000003", "古河村", guhe_grids()[0].name]])))

    assert found[2] == [f"在您的辖区内找不到村「{village.name}」"]
    assert found[3] == [f"在您的辖区内找不到代码为 {village.code} 的村"]
    assert found[4] == []


def test_a_tampered_or_stale_preview_creates_nobody(login):
    response = login("admin").post(f"{URL}confirm/", {"payload": "forged"})
    assert response.status_code == 302 and response.url == URL
    assert not User.objects.filter(username__startswith="139000000").exists()


def test_only_those_who_may_add_users_reach_the_import(login):
    assert login("leader").get(URL).status_code == 302


def test_the_template_names_the_columns_and_a_real_village(login):
    response = login("admin").get(f"{URL}template.xlsx")
    header, example = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(header) == ["姓名", "手机号", "所属村", "网格", "所属镇"]
    assert Area.objects.filter(level=Level.VILLAGE, name=example[2]).exists()


def test_a_name_that_looks_like_a_formula_stays_text_in_the_password_sheet(login):
    client = login("admin")
    done = confirm(client, preview(client, csv_file([['=HYPERLINK("http://x")', "13900000001", "古河村",
                                                      guhe_grids()[0].name]])))
    sheet = client.post(f"{URL}passwords.xlsx", {"credentials": done.context["credentials"]})
    cell = load_workbook(io.BytesIO(sheet.content)).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
