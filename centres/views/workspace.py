"""The operator workspace: where operators keep their centres' records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import access, selectors, services
from centres.forms import CentreProfileForm
from centres.models import Centre


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each role where its work is."""
    if access.is_city_staff(request.user):
        return redirect("admin:index")
    if access.is_operator(request.user):
        return redirect("centres:workspace")
    return redirect("centres:home")


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    centres = selectors.centre_list_editable(user=request.user)
    memberships = selectors.membership_list_for_user(user=request.user)
    return render(request, "centres/workspace/home.html", {"centres": centres, "memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_centre_edit(request: HttpRequest, slug: str) -> HttpResponse:
    centre: Centre = selectors.centre_get_editable(user=request.user, slug=slug)
    form = CentreProfileForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.CENTRE_PROFILE_FIELDS}
        try:
            services.centre_update_profile(
                centre=centre, actor=request.user, expected_version=form.cleaned_data["version"], **fields
            )
        except ValidationError as exc:
            # A conflict or a rule of the service shows as a form error; nothing is saved.
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The profile of %(centre)s has been saved.") % {"centre": centre.name}
            )
            return redirect(reverse("centres:workspace"))
    return render(request, "centres/workspace/centre_edit.html", {"centre": centre, "form": form})
