from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from core.errors import DomainError

from . import access, services
from .choices import ForumLevel
from .forms import ForumActivityForm, ForumLevelForm, GroupForm, SessionForm

volunteer_only = login_and_second_factor_required(capability=Capability.LOG_OUTREACH)
PAGE_SIZE = 20


def save_form(form, call):
    """Run a service for a valid form; put a domain error next to its field. True if saved."""
    if not form.is_valid():
        return False
    try:
        call()
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    return True


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@volunteer_only
def home(request):
    rts = list(access.volunteer_rts(request.user))
    recent = access.sessions_for(request.user).filter(logged_by=request.user)[:5]
    return render(request, "outreach/home.html", {"rts": rts, "recent": recent})


@volunteer_only
@require_http_methods(["GET", "POST"])
def session_create(request):
    rts = access.volunteer_rts(request.user)
    form = SessionForm(request.POST or None, request.FILES or None, rts=rts)
    if request.method == "POST" and save_form(
        form,
        lambda: services.outreach_session_log(
            data=form.to_input(), photos=form.cleaned_data["photos"], acting_user=request.user
        ),
    ):
        messages.success(request, _("The session has been saved. Thank you!"))
        return redirect("outreach:sessions")
    return render(request, "outreach/session_form.html", {"form": form}, status=400 if form.errors else 200)


@volunteer_only
@require_http_methods(["GET", "POST"])
def session_edit(request, uuid):
    session = access.access_session(request.user, uuid)
    if not access.session_editable(session, user=request.user, now=timezone.now()):
        messages.error(request, _("This session can no longer be changed. Ask a supervisor to unlock it."))
        return redirect("outreach:sessions")
    rts = access.volunteer_rts(request.user)
    initial = {name: getattr(session, name) for name in services.SessionInput.__dataclass_fields__}
    initial["rt"] = session.rt_id
    form = SessionForm(request.POST or None, initial=initial, rts=rts)
    del form.fields["photos"]
    if request.method == "POST" and save_form(
        form,
        lambda: services.outreach_session_update(session=session, data=form.to_input(), acting_user=request.user),
    ):
        messages.success(request, _("The session has been updated."))
        return redirect("outreach:sessions")
    context = {"form": form, "session": session, "editable_until": access.session_editable_until(session)}
    return render(request, "outreach/session_form.html", context, status=400 if form.errors else 200)


@volunteer_only
def session_list(request):
    sessions = access.sessions_for(request.user).filter(logged_by=request.user)
    page = _page(request, sessions)
    now = timezone.now()
    rows = [
        (session, access.session_editable(session, user=request.user, now=now), access.session_editable_until(session))
        for session in page
    ]
    return render(request, "outreach/session_list.html", {"page": page, "rows": rows})


@volunteer_only
@require_http_methods(["GET", "POST"])
def groups(request):
    rts = access.volunteer_rts(request.user)
    form = GroupForm(request.POST or None, rts=rts, initial={"active": True})
    if request.method == "POST" and save_form(
        form, lambda: services.child_care_group_register(data=form.to_input(), acting_user=request.user)
    ):
        messages.success(request, _("The group has been registered."))
        return redirect("outreach:groups")
    context = {"form": form, "page": _page(request, access.groups_for(request.user))}
    return render(request, "outreach/groups.html", context, status=400 if form.errors else 200)


@volunteer_only
@require_http_methods(["GET", "POST"])
def group_edit(request, uuid):
    group = access.access_group(request.user, uuid)
    rts = access.volunteer_rts(request.user)
    initial = {name: getattr(group, name) for name in services.GroupInput.__dataclass_fields__}
    initial["rt"] = group.rt_id
    form = GroupForm(request.POST or None, initial=initial, rts=rts)
    if request.method == "POST" and save_form(
        form, lambda: services.child_care_group_update(group=group, data=form.to_input(), acting_user=request.user)
    ):
        messages.success(request, _("The group has been updated."))
        return redirect("outreach:groups")
    return render(
        request, "outreach/group_form.html", {"form": form, "group": group}, status=400 if form.errors else 200
    )


def forum_forms(request, *, default: str) -> tuple[ForumLevelForm, ForumActivityForm]:
    """The level chosen first (from the form sent, or the link followed; else `default`) and the
    activity form that asks only for that level's place. Shared with the agency's page."""
    levels = access.forum_levels_for(request.user)
    chosen = request.POST.get("level") or request.GET.get("level")
    level = chosen if chosen in levels else default
    level_form = ForumLevelForm(initial={"level": level}, levels=levels)
    form = ForumActivityForm(request.POST or None, user=request.user, level=level)
    return level_form, form


@volunteer_only
@require_http_methods(["GET", "POST"])
def forum_activities(request):
    level_form, form = forum_forms(request, default=ForumLevel.RT)
    if request.method == "POST" and save_form(
        form, lambda: services.forum_activity_log(data=form.to_input(), acting_user=request.user)
    ):
        messages.success(request, _("The Forum Anak activity has been saved."))
        return redirect("outreach:forum")
    context = {
        "level_form": level_form,
        "form": form,
        "page": _page(request, access.forum_activities_for(request.user)),
    }
    return render(request, "outreach/forum.html", context, status=400 if form.errors else 200)


@login_and_second_factor_required(capability=Capability.READ_OUTREACH)
def session_detail(request, uuid):
    """A session as the agency sees it; a supervisor can unlock it for its volunteer."""
    session = access.access_session(request.user, uuid)
    editable_until = access.session_editable_until(session)
    context = {"session": session, "editable_until": editable_until, "locked": editable_until <= timezone.now()}
    return render(request, "outreach/session_detail.html", context)


@login_and_second_factor_required(capability=Capability.SUPERVISE)
@require_POST
def session_unlock(request, uuid):
    session = access.access_session(request.user, uuid)
    services.outreach_session_unlock(session=session, acting_user=request.user)
    messages.success(request, _("The volunteer can change this session again for 7 days."))
    return redirect("outreach:session_detail", uuid=session.uuid)
