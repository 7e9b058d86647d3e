"""Migration 0005 moves the firings of the old shape (one nullable foreign key per kind) to
(subject kind, subject id), so nothing fires a second time after it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from gridcase.accounts.models import User
from gridcase.escalation.models import Rule, RuleFiring
from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import HazardCategory

pytestmark = pytest.mark.django_db
BEFORE = [("escalation", "0004_default_hazard_rules")]


def migrate(target):
    # Rows written in this (rolled back) transaction must not hold back the ALTER TABLEs.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_the_old_firings_of_cases_and_hazards_are_moved_to_subject_kind_and_id(make_case, users):
    case = make_case()
    worker = User.objects.get(username="worker")
    hazard = hazard_services.hazard_report(actor=worker, title="楼道堆放杂物", category=HazardCategory.objects.first(),
                                           location=worker.grids.order_by("code").first().geom.point_on_surface)
    RuleFiring.objects.all().delete()

    old = migrate(BEFORE)
    OldRule, OldFiring = old.get_model("escalation", "Rule"), old.get_model("escalation", "RuleFiring")
    case_rule = OldRule.objects.get(name="村级10个工作日未化解上报乡镇")
    hazard_rule = OldRule.objects.get(name="隐患整改超期上报乡镇")
    OldFiring.objects.create(rule=case_rule, case_id=case.pk, key="village@x", fired_at=case.registered_at)
    OldFiring.objects.create(rule=hazard_rule, hazard_id=hazard.pk, key="village@y", fired_at=hazard.reported_at)

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)

    moved = {(f.rule.name, f.subject_kind, f.subject_id, f.key) for f in RuleFiring.objects.select_related("rule")}
    assert moved == {("村级10个工作日未化解上报乡镇", "case", case.pk, "village@x"),
                     ("隐患整改超期上报乡镇", "hazard", hazard.pk, "village@y")}
    # The unique constraint holds for the moved rows: the same firing cannot be claimed again.
    rule = Rule.objects.get(name="村级10个工作日未化解上报乡镇")
    with pytest.raises(IntegrityError, match="rule_fires_once"), transaction.atomic():
        RuleFiring.objects.create(rule=rule, subject_kind="case", subject_id=case.pk, key="village@x",
                                  fired_at=case.registered_at)
