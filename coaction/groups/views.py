from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coaction.auth.models import User
from coaction.auth.permissions import is_signed_in, require
from coaction.commitments.listing import local_today
from coaction.commitments.permissions import is_network_member, is_network_office
from coaction.core.forms import EndDateForm
from coaction.core.ical import Event, ics_response
from coaction.core.status import WorkStatus
from coaction.core.uploads import private_download, stored_path
from coaction.core.web import acting_user, client_ip, config_limit, render_form, saved
from coaction.extensions import db, limiter
from coaction.groups import bp
from coaction.groups.documents import FOLDER
from coaction.groups.forms import (
    AttendanceForm,
    DecisionForm,
    DocumentForm,
    GroupForm,
    ItemForm,
    LogFilterForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    NoteForm,
)
from coaction.groups.markdown import render_markdown
from coaction.groups.models import AgendaItem, Decision, GroupMember, Meeting, MeetingDocument, WorkingGroup
from coaction.groups.permissions import (
    can_approve,
    can_follow_up,
    can_manage_groups,
    can_read_decision_log,
    can_run_meetings,
    can_see_details,
    is_group_member,
)
from coaction.groups.services import (
    DecisionInput,
    GroupError,
    LogFilters,
    add_agenda_item,
    add_decision,
    add_document,
    add_member,
    add_note,
    agenda_titles,
    all_groups,
    approve_minutes,
    create_meeting,
    decision_log,
    end_membership,
    group_by_slug,
    open_decisions_before,
    publish_minutes,
    save_group,
    save_minutes,
    set_attendance,
    set_decision_status,
)
from coaction.members.models import PUBLIC_STATUSES, Organisation

form_limit = config_limit("FORM_RATE_LIMIT")


@bp.app_template_filter("markdown")
def _markdown(text: str | None):
    return render_markdown(text)


def group_or_404(slug: str) -> WorkingGroup:
    return group_by_slug(slug) or abort(404)


def active_people() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.name_key)))


@bp.get("/groups")
def index():
    return render_template("groups/index.html", groups=all_groups(), can_manage=can_manage_groups(current_user))


def render_group(group: WorkingGroup, **forms):
    manage = can_manage_groups(current_user)
    today = local_today()
    meetings = list(reversed(group.meetings))
    return render_form(
        "groups/show.html",
        *(form for form in forms.values() if form is not None),
        group=group,
        meetings=meetings,
        current_members=group.members_on(today),
        former_members=[m for m in group.members if m.ends_on and m.ends_on < today],
        show_members=is_network_member(current_user),
        manage=manage,
        runs=can_run_meetings(current_user, group),
        details=lambda meeting: can_see_details(current_user, meeting),
        member_form=forms.get("member_form") or (MemberForm(people=active_people()) if manage else None),
        meeting_form=forms.get("meeting_form") or (MeetingForm() if can_run_meetings(current_user, group) else None),
        today=today,
    )


@bp.get("/groups/<slug>")
def show(slug: str):
    return render_group(group_or_404(slug))


@bp.get("/groups/<slug>/meetings.ics")
def meetings_feed(slug: str):
    group = group_or_404(slug)
    host = current_app.config["BASE_URL"].split("//", 1)[-1]
    events = [
        Event(
            uid=f"meeting-{meeting.id}@{host}",
            title=f"{group.name}",
            url=current_app.config["BASE_URL"] + url_for("groups.meeting", slug=group.slug, meeting_id=meeting.id),
            starts_on=meeting.held_on,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            location=meeting.place or "",
            updated=meeting.created_at,
        )
        for meeting in group.meetings
    ]
    return ics_response(group.name, events, f"{group.slug}.ics")


def save_group_form(group: WorkingGroup | None):
    form = GroupForm(obj=group)
    return saved(
        form,
        lambda: save_group(
            group,
            name=form.name.data,
            purpose=form.purpose.data,
            started_on=form.started_on.data,
            wound_up_on=form.wound_up_on.data,
            actor=acting_user(),
            ip=client_ip(),
        ),
        GroupError,
        _("The group is saved."),
        lambda saved_group: redirect(url_for("groups.show", slug=saved_group.slug)),
        lambda f: render_form("groups/edit.html", f, form=f, group=group),
    )


@bp.route("/coordinator/groups/new", methods=["GET", "POST"])
@require(can_manage_groups)
@limiter.limit(form_limit, methods=["POST"])
def new():
    return save_group_form(None)


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@require(can_manage_groups)
@limiter.limit(form_limit, methods=["POST"])
def edit(slug: str):
    return save_group_form(group_or_404(slug))


@bp.post("/groups/<slug>/members")
@require(can_manage_groups)
@limiter.limit(form_limit)
def members(slug: str):
    group = group_or_404(slug)
    form = MemberForm(people=active_people())
    return saved(
        form,
        lambda: add_member(
            group,
            form.user.data,
            chair=form.chair.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            actor=acting_user(),
            ip=client_ip(),
        ),  # fmt: skip
        GroupError,
        _("The person is added to the group."),
        lambda _result: redirect(url_for("groups.show", slug=group.slug) + "#members"),
        lambda f: render_group(group, member_form=f),
    )


@bp.post("/groups/<slug>/members/<int:member_id>/end")
@require(can_manage_groups)
@limiter.limit(form_limit)
def end_member(slug: str, member_id: int):
    group = group_or_404(slug)
    member = db.session.get(GroupMember, member_id)
    if member is None or member.group_id != group.id:
        abort(404)
    form = EndDateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        end_membership(member, form.ends_on.data, actor=acting_user(), ip=client_ip())
    except GroupError:
        abort(400)
    db.session.commit()
    flash(_("The membership ends on %(date)s.", date=form.ends_on.data.isoformat()), "success")
    return redirect(url_for("groups.show", slug=group.slug) + "#members")


def running(slug: str) -> WorkingGroup:
    group = group_or_404(slug)
    if not can_run_meetings(current_user, group):
        abort(403)
    return group


@bp.post("/groups/<slug>/meetings")
@require(is_signed_in)
@limiter.limit(form_limit)
def meetings(slug: str):
    group = running(slug)
    form = MeetingForm()
    return saved(
        form,
        lambda: create_meeting(
            group,
            held_on=form.held_on.data,
            starts_at=form.starts_at.data,
            ends_at=form.ends_at.data,
            place=form.place.data,
            agenda=agenda_titles(form.agenda.data),
            actor=acting_user(),
            ip=client_ip(),
        ),
        GroupError,
        _("The meeting is added."),
        lambda made: redirect(url_for("groups.meeting", slug=group.slug, meeting_id=made.id)),
        lambda f: render_group(group, meeting_form=f),
    )


def meeting_of(group: WorkingGroup, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.group_id != group.id:
        abort(404)
    return meeting


def group_people(group: WorkingGroup) -> list[User]:
    return sorted({m.user for m in group.members}, key=lambda person: person.name_key)


def decision_form(item: AgendaItem, **choices) -> DecisionForm:
    """One form under each agenda item, its fields prefixed so that every label belongs to its own field."""
    return DecisionForm(prefix=f"item{item.id}", **choices)


def render_meeting(group: WorkingGroup, meeting: Meeting, **forms):
    runs = can_run_meetings(current_user, group)
    details = can_see_details(current_user, meeting)
    organisations = list(
        db.session.scalars(sa.select(Organisation).where(Organisation.status.in_(PUBLIC_STATUSES)).order_by(Organisation.name_key))
    ) if runs else []  # fmt: skip
    people = group_people(group)
    return render_form(
        "groups/meeting.html",
        *(form for form in forms.values() if form is not None),
        group=group,
        meeting=meeting,
        details=details,
        runs=runs,
        earlier_open=open_decisions_before(meeting) if details else [],
        can_approve=can_approve(current_user, meeting),
        can_follow_up=lambda decision: can_follow_up(current_user, decision),
        item_form=forms.get("item_form") or (ItemForm() if runs else None),
        attendance_form=forms.get("attendance_form")
        or (AttendanceForm(people=people, data={"attendees": [p.id for p in meeting.attendees]}) if runs else None),
        minutes_form=forms.get("minutes_form")
        or (
            MinutesForm(attendees=meeting.attendees, data={"minutes": meeting.minutes, "approver": meeting.approver_id})
            if runs and meeting.approved_at is None
            else None
        ),
        document_form=forms.get("document_form") or (DocumentForm() if runs else None),
        decision_forms={
            item.id: (
                forms["decision_form"]
                if forms.get("decision_item") == item.id
                else decision_form(item, people=people, organisations=organisations)
            )
            for item in meeting.items
        }
        if runs
        else {},
        decision_item=forms.get("decision_item"),
        note_form=NoteForm(data={"noted_on": local_today()}),
        today=local_today(),
    )


@bp.get("/groups/<slug>/meetings/<int:meeting_id>")
def meeting(slug: str, meeting_id: int):
    group = group_or_404(slug)
    return render_meeting(group, meeting_of(group, meeting_id))


def meeting_done(group: WorkingGroup, meeting: Meeting, anchor: str = ""):
    return redirect(url_for("groups.meeting", slug=group.slug, meeting_id=meeting.id) + anchor)


@bp.post("/groups/<slug>/meetings/<int:meeting_id>/items")
@require(is_signed_in)
@limiter.limit(form_limit)
def items(slug: str, meeting_id: int):
    group = running(slug)
    meeting = meeting_of(group, meeting_id)
    form = ItemForm()
    return saved(
        form,
        lambda: add_agenda_item(meeting, form.title.data, actor=acting_user(), ip=client_ip()),
        GroupError,
        _("The item is added to the agenda."),
        lambda _result: meeting_done(group, meeting, "#agenda"),
        lambda f: render_meeting(group, meeting, item_form=f),
    )


@bp.post("/groups/<slug>/meetings/<int:meeting_id>/attendance")
@require(is_signed_in)
@limiter.limit(form_limit)
def attendance(slug: str, meeting_id: int):
    group = running(slug)
    meeting = meeting_of(group, meeting_id)
    form = AttendanceForm(people=group_people(group))
    return saved(
        form,
        lambda: set_attendance(meeting, form.attendees.data or [], actor=acting_user(), ip=client_ip()),
        GroupError,
        _("The attendance is saved."),
        lambda _result: meeting_done(group, meeting, "#attendance"),
        lambda f: render_meeting(group, meeting, attendance_form=f),
    )


@bp.post("/groups/<slug>/meetings/<int:meeting_id>/minutes")
@require(is_signed_in)
@limiter.limit(form_limit)
def minutes(slug: str, meeting_id: int):
    group = running(slug)
    meeting = meeting_of(group, meeting_id)
    form = MinutesForm(attendees=meeting.attendees)
    return saved(
        form,
        lambda: save_minutes(meeting, form.minutes.data, form.approver.data, actor=acting_user(), ip=client_ip()),
        GroupError,
        _("The minutes are saved; the approver can now approve them."),
        lambda _result: meeting_done(group, meeting, "#minutes-section"),
        lambda f: render_meeting(group, meeting, minutes_form=f),
    )


@bp.post("/groups/<slug>/meetings/<int:meeting_id>/approve")
@require(is_signed_in)
@limiter.limit(form_limit)
def approve(slug: str, meeting_id: int):
    group = group_or_404(slug)
    meeting = meeting_of(group, meeting_id)
    if not can_approve(current_user, meeting):
        abort(403)
    approve_minutes(meeting, actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("You have approved the minutes."), "success")
    return meeting_done(group, meeting, "#minutes-section")


@bp.post("/groups/<slug>/meetings/<int:meeting_id>/publish")
@require(is_signed_in)
@limiter.limit(form_limit)
def publish(slug: str, meeting_id: int):
    group = running(slug)
    meeting = meeting_of(group, meeting_id)
    try:
        publish_minutes(meeting, actor=acting_user(), ip=client_ip())
    except GroupError:
        abort(400)
    db.session.commit()
    flash(_("The minutes are published."), "success")
    return meeting_done(group, meeting, "#minutes-section")


@bp.post("/groups/<slug>/meetings/<int:meeting_id>/documents")
@require(is_signed_in)
@limiter.limit(form_limit)
def documents(slug: str, meeting_id: int):
    group = running(slug)
    meeting = meeting_of(group, meeting_id)
    form = DocumentForm()

    def write():
        upload = form.document.data
        add_document(meeting, upload.read(), upload.filename or "", upload_path=current_app.config["UPLOAD_PATH"],
                     actor=acting_user(), ip=client_ip())  # fmt: skip

    return saved(
        form,
        write,
        GroupError,
        _("The attachment is added."),
        lambda _result: meeting_done(group, meeting, "#documents"),
        lambda f: render_meeting(group, meeting, document_form=f),
    )


@bp.get("/groups/<slug>/meetings/<int:meeting_id>/documents/<int:document_id>")
def document(slug: str, meeting_id: int, document_id: int):
    group = group_or_404(slug)
    meeting = meeting_of(group, meeting_id)
    found = db.session.get(MeetingDocument, document_id)
    if found is None or found.meeting_id != meeting.id or not can_see_details(current_user, meeting):
        abort(404)
    path = stored_path(found.stored_name, current_app.config["UPLOAD_PATH"], FOLDER) or abort(404)
    return private_download(path, found.content_type, found.filename)


@bp.post("/groups/<slug>/meetings/<int:meeting_id>/items/<int:item_id>/decisions")
@require(is_signed_in)
@limiter.limit(form_limit)
def decisions(slug: str, meeting_id: int, item_id: int):
    group = running(slug)
    meeting = meeting_of(group, meeting_id)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    organisations = db.session.scalars(sa.select(Organisation).where(Organisation.status.in_(PUBLIC_STATUSES)))
    form = decision_form(item, people=group_people(group), organisations=organisations)
    return saved(
        form,
        lambda: add_decision(
            item,
            DecisionInput(
                text=form.text.data,
                owner_id=form.owner.data,
                owner_organisation_id=form.owner_organisation.data,
                due_on=form.due_on.data,
                status=WorkStatus(form.status.data),
            ),  # fmt: skip
            actor=acting_user(),
            ip=client_ip(),
        ),
        GroupError,
        _("The decision is recorded."),
        lambda _result: meeting_done(group, meeting, f"#item-{item.number}"),
        lambda f: render_meeting(group, meeting, decision_form=f, decision_item=item.id),
    )


def followed_decision(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or not can_see_details(current_user, decision.item.meeting):
        abort(404)
    if not can_follow_up(current_user, decision):
        abort(403)
    return decision


@bp.post("/decisions/<int:decision_id>/notes")
@require(is_signed_in)
@limiter.limit(form_limit)
def note(decision_id: int):
    decision = followed_decision(decision_id)
    form = NoteForm()
    meeting = decision.item.meeting
    if form.validate_on_submit():
        try:
            add_note(
                decision, form.noted_on.data, form.text.data, today=local_today(), actor=acting_user(), ip=client_ip()
            )
            if form.status.data != decision.status:
                set_decision_status(decision, WorkStatus(form.status.data), actor=acting_user(), ip=client_ip())
        except GroupError:
            db.session.rollback()
            flash(_("The follow-up needs a text and a date that is not in the future."), "error")
        else:
            db.session.commit()
            flash(_("The follow-up is saved."), "success")
    else:
        flash(_("The follow-up needs a text and a date that is not in the future."), "error")
    if request.form.get("back") == "log":
        return redirect(url_for("groups.log"))
    return redirect(
        url_for("groups.meeting", slug=meeting.group.slug, meeting_id=meeting.id) + f"#decision-{decision.id}"
    )


@bp.get("/decisions")
@require(can_read_decision_log)
def log():
    groups = all_groups()
    owners = db.session.scalars(
        sa.select(User).where(User.id.in_(sa.select(Decision.owner_id).distinct())).order_by(User.name_key)
    )
    form = LogFilterForm(request.args, groups=groups, owners=owners)
    form.validate()
    group_id = int(form.group.data) if (form.group.data or "").isdigit() else None
    owner_id = int(form.owner.data) if (form.owner.data or "").isdigit() and len(form.owner.data) < 10 else None
    filters = LogFilters(
        group_id=group_id,
        owner_id=current_user.id if form.mine.data else owner_id,
        status=WorkStatus(form.status.data) if form.status.data in WorkStatus._value2member_map_ else None,
        overdue=bool(form.overdue.data),
    )
    today = local_today()
    found = decision_log(current_user, filters, today, page=request.args.get("page", 1, type=int) or 1)
    return render_template(
        "groups/decisions.html",
        form=form,
        found=found,
        today=today,
        office=is_network_office(current_user),
        member_of={g.id for g in groups if is_group_member(current_user, g)},
    )
