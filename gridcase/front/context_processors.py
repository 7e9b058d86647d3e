from django.conf import settings


def site(request):
    return {"demo_notice": settings.DEMO_NOTICE}
