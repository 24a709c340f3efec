from django.conf import settings
from django.shortcuts import render

from learnweek.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


def home(request):
    context = {}
    if settings.LEARNWEEK_DEMO:
        context = {"demo_accounts": DEMO_ACCOUNTS, "demo_password": DEMO_PASSWORD}
    return render(request, "public/home.html", context)
