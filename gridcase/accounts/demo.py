"""Demo logins: six roles in 屠园镇/古河村, and the same six with suffix 2 in 耿车镇."""

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from gridcase.accounts.services import county_admins_group

DEMO_PASSWORD = "gridcase-demo"
COUNTY = "321302"

# (username, display name, role, jurisdiction code or None for "the first village of the town")
SIDES = {
    "": {"town": "321302112", "village": "321302112210"},  # 屠园镇, 古河村
    "2": {"town": "321302101", "village": None},  # 耿车镇, its first village by code
}
PEOPLE = {
    "admin": ("区县管理员", Role.COUNTY_ADMIN),
    "leader": ("镇领导", Role.TOWN_LEADER),
    "mediator": ("调解员", Role.MEDIATOR),
    "cadre": ("村干部", Role.VILLAGE_CADRE),
    "worker": ("网格员", Role.GRID_WORKER),
    "adviser": ("法律顾问", Role.LEGAL_ADVISER),
}
WORKER_GRIDS = 2


def _jurisdiction(role: str, side: dict) -> Area:
    if role == Role.COUNTY_ADMIN:
        return Area.objects.get(code=COUNTY)
    if role in (Role.VILLAGE_CADRE, Role.GRID_WORKER):
        if side["village"]:
            return Area.objects.get(code=side["village"])
        return Area.objects.filter(level=Level.VILLAGE, code__startswith=side["town"]).order_by("code").first()
    return Area.objects.get(code=side["town"])


def create_demo_users() -> list[User]:
    """Create or reset the twelve demo users; safe to run again."""
    admins = county_admins_group()
    users = []
    for suffix, side in SIDES.items():
        for username, (title, role) in PEOPLE.items():
            area = _jurisdiction(role, side)
            user, _ = User.objects.update_or_create(
                username=username + suffix,
                defaults={"first_name": f"{area.name}{title}", "role": role, "area": area,
                          "is_staff": role == Role.COUNTY_ADMIN},
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if role == Role.COUNTY_ADMIN:
                user.groups.add(admins)
            if role == Role.GRID_WORKER:
                user.grids.set(area.children.order_by("code")[:WORKER_GRIDS])
            users.append(user)
    return users
