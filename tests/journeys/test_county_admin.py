"""The county admin's day: check a boundary file on the map before importing it, bring in 200 grid
workers from a spreadsheet, and lower an escalation threshold and watch a case logged by one of the
new workers go straight to the town. Everything through the UI; the data is this journey's own."""

import csv
import json
import time

WORKERS = 200
PHONE_BASE = 13712340000  # numbers nobody else in the journeys uses
RULE = "群体性纠纷直接上报乡镇"
TITLE = "新网格员登记：三户因院墙争执"


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.5)
    return found


def boundary_file(journey, path, village_code):
    """The grids of one village as a county would receive them again (an update of their lines)."""
    rows = journey.sql("SELECT code, name, ST_AsGeoJSON(geom) FROM geodata_area WHERE parent_id ="
                       " (SELECT id FROM geodata_area WHERE code = %s) ORDER BY code", village_code)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": json.loads(geom)}
        for code, name, geom in rows]}, ensure_ascii=False), encoding="utf-8")
    return len(rows)


def worker_sheet(journey, path):
    """200 workers spread over the grids of a town no other journey logs cases in (its third by code)."""
    town = journey.sql("SELECT code FROM geodata_area WHERE level = 'town' ORDER BY code OFFSET 2 LIMIT 1")[0][0]
    grids = journey.sql("SELECT v.code, g.code FROM geodata_area g JOIN geodata_area v ON v.id = g.parent_id"
                        " WHERE g.level = 'grid' AND g.code LIKE %s ORDER BY g.code", town + "%")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["姓名", "手机号", "所属村", "网格"])
        for i in range(WORKERS):
            village, grid = grids[i % len(grids)]
            writer.writerow([f"导入网格员{i + 1:03d}", str(PHONE_BASE + i), village, grid])


def test_county_admin_imports_boundaries_and_workers_and_tunes_a_rule(journey, tmp_path):
    admin = journey.open("admin", device="desktop")

    # 1. A boundary file, checked (dry run) and drawn on the map before anything is written.
    village = journey.sql("SELECT code FROM geodata_area WHERE level = 'village' ORDER BY code OFFSET 5 LIMIT 1")[0][0]
    count = boundary_file(journey, tmp_path / "grids.geojson", village)
    admin.goto(f"{journey.url}/admin/geodata/area/")
    admin.click("text=导入边界文件")
    admin.set_input_files("input[name=file]", str(tmp_path / "grids.geojson"))
    admin.select_option("#id_level", "grid")
    assert admin.is_checked("#id_dry_run")
    journey.shot(admin, "boundary-file-chosen")
    admin.click("input[type=submit]")
    admin.wait_for_selector("#boundary-preview[data-loaded=true]")
    assert "校验通过（试运行，未写入）" in admin.inner_text("#import-result")
    assert admin.locator("#boundary-preview path.leaflet-interactive").count() == count
    journey.shot(admin, "boundary-preview-map", full_page=True)

    # 2. Two hundred grid workers from a spreadsheet: template, preview, confirm, initial passwords.
    admin.goto(f"{journey.url}/admin/accounts/user/")
    admin.click("text=批量导入网格员")
    with admin.expect_download() as template:
        admin.click("#download-template")
    assert template.value.suggested_filename.endswith(".xlsx")
    journey.shot(admin, "worker-import-explained")
    worker_sheet(journey, tmp_path / "网格员.csv")
    admin.set_input_files("input[name=file]", str(tmp_path / "网格员.csv"))
    admin.click("input[type=submit]")
    admin.wait_for_selector("#import-summary")
    assert f"{WORKERS} 行可以导入，0 行有错误" in admin.inner_text("#import-summary")
    journey.shot(admin, "worker-import-preview")
    admin.click(f"text=确认导入 {WORKERS} 人")
    admin.wait_for_selector("#import-done")
    assert f"已创建 {WORKERS} 位网格员" in admin.inner_text("#import-done")
    journey.shot(admin, "workers-created-with-passwords")
    first = admin.locator("#import-created tbody tr").first
    username, password = first.locator("td").nth(0).inner_text(), first.locator("td").nth(4).inner_text()
    with admin.expect_download() as sheet:
        admin.click("#download-passwords")
    assert sheet.value.suggested_filename == "grid-workers-passwords.xlsx"
    imported = journey.sql("SELECT count(*) FROM accounts_user u WHERE u.role = 'grid_worker' AND u.phone LIKE '137123%%'"
                           " AND EXISTS (SELECT 1 FROM accounts_user_grids g WHERE g.user_id = u.id)")
    assert imported == [(WORKERS,)]

    # 3. A rule edited: crowd disputes from 3 people on, not 5.
    admin.goto(f"{journey.url}/rules/")
    admin.locator("tr", has_text=RULE).locator("text=编辑").click()
    admin.fill("#id_people_at_least", "3")
    journey.shot(admin, "rule-threshold-lowered", full_page=True)
    admin.click("main button[type=submit]")
    admin.wait_for_url(f"{journey.url}/rules/")
    journey.shot(admin, "rules-after-edit")

    try:
        # ... and it fires: a new worker logs in with the initial password and logs a dispute of 3 people.
        worker = journey.open(None, device="phone")
        worker.goto(f"{journey.url}/accounts/login/")
        worker.fill("input[name=username]", username)
        worker.fill("input[name=password]", password)
        worker.click("button[type=submit]")
        worker.wait_for_url(lambda url: "/accounts/login/" not in url)
        worker.context.grant_permissions(["geolocation"])
        worker.context.set_geolocation(journey.point_of(username))
        journey.fill_dispute(worker, TITLE, people=3)
        journey.shot(worker, "new-worker-logs-three-people")
        worker.click("main button[type=submit]")
        worker.wait_for_selector("text=已上报")
        journey.shot(worker, "case-logged")
        wait_for(lambda: journey.sql("SELECT 1 FROM cases_case WHERE title = %s AND level = 'town'", TITLE), 60,
                 "the lowered crowd rule moving the case to the town")
    finally:
        # The journeys share one database: put the county's rule back as it was, through the page.
        admin.goto(f"{journey.url}/rules/")
        admin.locator("tr", has_text=RULE).locator("text=编辑").click()
        admin.fill("#id_people_at_least", "5")
        admin.click("main button[type=submit]")
        admin.wait_for_url(f"{journey.url}/rules/")
