from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gridcase.accounts.jurisdiction import within
from gridcase.escalation import kinds
from gridcase.escalation.forms import RuleForm
from gridcase.escalation.models import Rule
from gridcase.escalation.permissions import can_edit, require_editor


def _visible_rules(user):
    return Rule.objects.filter(Q(area__isnull=True) | within(user, "area__code")).select_related("area", "overrides")


@login_required
def rule_list(request):
    require_editor(request.user)
    rules = _visible_rules(request.user).prefetch_related("categories")
    return render(request, "escalation/rules.html", {
        "rules": [(rule, can_edit(request.user, rule)) for rule in rules], "kinds": kinds.all_kinds(),
    })


@login_required
def rule_edit(request, rule_id=None):
    require_editor(request.user)
    rule = get_object_or_404(_visible_rules(request.user), pk=rule_id) if rule_id else None
    if rule is not None and not can_edit(request.user, rule):
        raise PermissionDenied
    form = RuleForm(request.POST or None, instance=rule, user=request.user, kind=request.GET.get("kind"))
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        if not can_edit(request.user, candidate):
            form.add_error("area", _("您不能编辑该区域的规则"))
        else:
            form.save()
            messages.success(request, _("规则已保存"))
            return redirect("escalation:rules")
    return render(request, "escalation/rule_form.html", {"form": form, "rule": rule, "kinds": kinds.all_kinds()})
