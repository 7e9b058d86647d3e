from django.contrib.auth.backends import ModelBackend

from gridcase.accounts.models import User


class AreaBackend(ModelBackend):
    """ModelBackend reading the logged-in user's area (its code and level, not its outline) in the
    same statement as the user: nearly every request checks the jurisdiction with it."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("area").defer("area__geom").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
