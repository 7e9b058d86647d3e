"""The actions on a patrol that take a form: one table, used by the pages and the API alike."""

from gridcase.patrols import forms, services

# action → (form, how to call its service with the cleaned data)
ACTIONS = {
    "start": (forms.VersionForm, lambda p, u, d: services.patrol_start(patrol=p, actor=u, expected_version=d["version"])),
    "finish": (forms.VersionForm, lambda p, u, d: services.patrol_finish(patrol=p, actor=u,
                                                                         expected_version=d["version"])),
    "cancel": (forms.CancelForm, lambda p, u, d: services.patrol_cancel(patrol=p, actor=u, reason=d["reason"],
                                                                        expected_version=d["version"])),
}
