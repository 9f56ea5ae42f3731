from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coaction.activities import bp
from coaction.activities.documents import FOLDER as DOCUMENTS
from coaction.activities.documents import add_document, documents_of
from coaction.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    CancelForm,
    DocumentForm,
    ParticipantForm,
    RegistrationForm,
)
from coaction.activities.labels import (
    ANSWER_LABELS,
    DOCUMENT_LABELS,
    KIND_LABELS,
    REGISTRATION_STATE_LABELS,
    ROLE_LABELS,
    VISIBILITY_LABELS,
)
from coaction.activities.listing import Filters, feed_activities, find_activities
from coaction.activities.models import (
    Activity,
    ActivityDocument,
    ActivityKind,
    ActivityVisibility,
    Answer,
    DocumentKind,
    Participant,
    Registration,
    RegistrationState,
    Role,
)
from coaction.activities.permissions import (
    can_answer,
    can_ask_to_take_part,
    can_create_activity,
    can_read_document,
    can_remove,
    can_see_activity,
    is_organiser,
)
from coaction.activities.registrations import (
    cancel,
    places_left,
    register,
    registration_by_token,
    registration_open,
    registrations_of,
)
from coaction.activities.services import (
    ActivityDetails,
    ActivityError,
    add_external_organisation,
    add_participant,
    answer,
    ask_to_take_part,
    create_activity,
    linkable_commitments,
    remove_participant,
    update_activity,
)
from coaction.auth.permissions import is_signed_in, require
from coaction.commitments.listing import local_today
from coaction.commitments.models import Commitment
from coaction.commitments.permissions import can_see_commitment, is_network_office
from coaction.commitments.services import focus_areas
from coaction.core.ical import Event, ics_response
from coaction.core.status import WorkStatus
from coaction.core.uploads import private_download, stored_path
from coaction.core.web import acting_user, client_ip, config_limit, render_form, saved
from coaction.extensions import db, limiter
from coaction.goals.services import current_plan_year, goal_choices
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation, Sector
from coaction.regions.services import network_municipalities

form_limit = config_limit("FORM_RATE_LIMIT")
ICAL_STATUS = {WorkStatus.PLANNED: "TENTATIVE", WorkStatus.CANCELLED: "CANCELLED"}


@bp.app_context_processor
def _activity_labels():
    return {
        "kind_labels": KIND_LABELS,
        "role_labels": ROLE_LABELS,
        "answer_labels": ANSWER_LABELS,
        "activity_visibility_labels": VISIBILITY_LABELS,
        "registration_state_labels": REGISTRATION_STATE_LABELS,
        "document_labels": DOCUMENT_LABELS,
    }


def locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def filters_from(args) -> tuple[Filters, ActivityFilterForm]:
    form = ActivityFilterForm(args, focus_areas=focus_areas(), municipalities=network_municipalities(), locale=locale())
    form.validate()  # a bad value is shown by its field and left out of the filter
    dates = {
        name: getattr(form, name).data if not getattr(form, name).errors else None
        for name in ("period_from", "period_to")
    }
    filters = Filters(
        kind=ActivityKind(form.kind.data) if form.kind.data in ActivityKind._value2member_map_ else None,
        focus_area_id=_int(form.focus_area.data),
        status=WorkStatus(form.status.data) if form.status.data in WorkStatus._value2member_map_ else None,
        organisation_id=_int(args.get("organisation")),
        municipality_id=_int(form.municipality.data),
        **dates,
    )
    return filters, form


@bp.get("/activities")
def index():
    filters, form = filters_from(request.args)
    found = find_activities(current_user, filters, page=request.args.get("page", 1, type=int) or 1)
    organisation = db.session.get(Organisation, filters.organisation_id) if filters.organisation_id else None
    feed_args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "activities/index.html",
        form=form,
        found=found,
        organisation=organisation,
        feed_args=feed_args,
        can_create=can_create_activity(current_user),
    )


def event_of(activity: Activity) -> Event:
    host = current_app.config["BASE_URL"].split("//", 1)[-1]
    place = ", ".join(part for part in (activity.place, _("Online") if activity.online else None) if part)
    return Event(
        uid=f"activity-{activity.id}@{host}",
        title=activity.title,
        url=current_app.config["BASE_URL"] + url_for("activities.show", activity_id=activity.id),
        starts_on=activity.starts_on,
        ends_on=activity.ends_on,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        description=f"{KIND_LABELS[activity.kind]}. {activity.description or ''}".strip(),
        location=place,
        status=ICAL_STATUS.get(activity.status, "CONFIRMED"),
        updated=activity.updated_at,
    )


@bp.get("/activities.ics")
def feed():
    filters, _form = filters_from(request.args)
    return ics_response(_("Activities"), map(event_of, feed_activities(current_user, filters)), "activities.ics")


@bp.get("/members/<slug>/activities.ics")
def organisation_feed(slug: str):
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None or organisation.status not in (*PUBLIC_STATUSES, MembershipStatus.EXTERNAL):
        abort(404)
    activities = feed_activities(current_user, Filters(organisation_id=organisation.id))
    return ics_response(organisation.name, map(event_of, activities), f"{organisation.slug}.ics")


def visible_activity(activity_id: int) -> Activity:
    """404 for what does not exist and for what the viewer may not see: both look the same from outside."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or not can_see_activity(current_user, activity):
        abort(404)
    return activity


def participant_choices(activity: Activity | None) -> list[Organisation]:
    """Whom the organiser can add: members (and, for the office, external organisations) not yet asked."""
    statuses = [*PUBLIC_STATUSES, *([MembershipStatus.EXTERNAL] if is_network_office(current_user) else [])]
    taken = [p.organisation_id for p in activity.participants] if activity else []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.status.in_(statuses), Organisation.id.not_in(taken))
            .order_by(Organisation.name_key)
        )
    )


def render_activity(
    activity: Activity,
    participant_form: ParticipantForm | None = None,
    registration_form: RegistrationForm | None = None,
    document_form: DocumentForm | None = None,
):
    organiser = is_organiser(current_user, activity)
    if organiser and participant_form is None:
        participant_form = ParticipantForm(organisations=participant_choices(activity))
    shown = activity.participants if organiser else activity.publicly_named()
    own = next(
        (p for p in activity.participants if p.organisation_id == getattr(current_user, "organisation_id", None)), None
    )
    today = local_today()
    if registration_form is None and registration_open(activity, today):
        registration_form = RegistrationForm(
            data={"name": current_user.name, "email": current_user.email} if current_user.is_authenticated else None
        )
    return render_form(
        "activities/show.html",
        *(form for form in (participant_form, registration_form, document_form) if form is not None),
        documents=[d for d in documents_of(activity) if can_read_document(current_user, d)],
        document_form=document_form or (DocumentForm() if organiser else None),
        registration_form=registration_form,
        registrations=registrations_of(activity) if organiser and activity.registration_open else None,
        places=places_left(activity),
        activity=activity,
        participants=shown,
        own=own,
        organiser=organiser,
        participant_form=participant_form if organiser else None,
        office=is_network_office(current_user),
        can_ask=can_ask_to_take_part(current_user, activity),
        can_answer=lambda p: can_answer(current_user, p),
        can_remove=lambda p: can_remove(current_user, p),
        commitments=[c for c in activity.commitments if can_see_commitment(current_user, c)],
        today=today,
    )


@bp.get("/activities/<int:activity_id>")
def show(activity_id: int):
    return render_activity(visible_activity(activity_id))


def commitment_choices(organisation_ids: list[int]) -> list[Commitment]:
    if not organisation_ids:
        return []
    allowed = linkable_commitments(current_user).where(Commitment.organisation_id.in_(organisation_ids))
    return list(
        db.session.scalars(sa.select(Commitment).where(Commitment.id.in_(allowed)).order_by(Commitment.title_key))
    )


def activity_form(activity: Activity | None) -> ActivityForm:
    if activity is not None:
        organisation_ids = [p.organisation_id for p in activity.taking_part()]
    else:
        organisation_ids = [current_user.organisation_id] if current_user.organisation_id else []
    form = ActivityForm(
        obj=activity,
        focus_areas=focus_areas(),
        municipalities=network_municipalities(),
        goals=goal_choices(current_plan_year(local_today().year)),
        commitments=commitment_choices(organisation_ids),
        locale=locale(),
    )
    if activity is not None and request.method == "GET":
        form.focus_area.data, form.municipality.data = activity.focus_area_id, activity.municipality_id
        form.goals.data = [goal.id for goal in activity.goals]
        form.commitments.data = [c.id for c in activity.commitments]
    return form


def details_from(form: ActivityForm) -> ActivityDetails:
    return ActivityDetails(
        title=form.title.data,
        kind=ActivityKind(form.kind.data),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        status=WorkStatus(form.status.data),
        visibility=ActivityVisibility(form.visibility.data),
        focus_area_id=form.focus_area.data,
        description=form.description.data,
        place=form.place.data,
        online=form.online.data,
        municipality_id=form.municipality.data,
        funding_source=form.funding_source.data,
        funding_sek=form.funding_sek.data,
        own_funding_sek=form.own_funding_sek.data,
        outcomes=form.outcomes.data,
        capacity=form.capacity.data,
        attendance=form.attendance.data,
        registration_open=form.registration_open.data,
        consulting_body=form.consulting_body.data,
        response_deadline=form.response_deadline.data,
        goal_ids=form.goals.data or [],
        commitment_ids=form.commitments.data or [],
    )


def save_activity(form: ActivityForm, activity: Activity | None):
    """Creates (activity None) or changes the activity; the form again with its problems when something is wrong."""

    def write() -> Activity:
        if activity is None:
            lead = None if is_network_office(current_user) else current_user.organisation
            return create_activity(details_from(form), lead=lead, actor=acting_user(), ip=client_ip())
        update_activity(activity, details_from(form), actor=acting_user(), ip=client_ip())
        return activity

    return saved(
        form,
        write,
        ActivityError,
        _("The activity is saved."),
        lambda written: redirect(url_for("activities.show", activity_id=written.id)),
        lambda f: render_form("activities/edit.html", f, form=f, activity=activity),
    )


@bp.route("/activities/new", methods=["GET", "POST"])
@require(can_create_activity)
@limiter.limit(form_limit, methods=["POST"])
def new():
    return save_activity(activity_form(None), None)


def organised_activity(activity_id: int) -> Activity:
    activity = visible_activity(activity_id)
    if not is_organiser(current_user, activity):
        abort(403)
    return activity


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@require(is_signed_in)
@limiter.limit(form_limit, methods=["POST"])
def edit(activity_id: int):
    activity = organised_activity(activity_id)
    return save_activity(activity_form(activity), activity)


@bp.post("/activities/<int:activity_id>/participants")
@require(is_signed_in)
@limiter.limit(form_limit)
def add(activity_id: int):
    activity = organised_activity(activity_id)
    form = ParticipantForm(organisations=participant_choices(activity))

    def write() -> Organisation:
        if form.organisation.data is None:
            if not is_network_office(current_user):
                abort(403)  # only the office adds organisations to the register
            organisation = add_external_organisation(
                form.external_name.data,
                sector=Sector(form.external_sector.data),
                org_number=form.external_number.data,
                actor=acting_user(),
                ip=client_ip(),
            )
        else:
            organisation = db.session.get(Organisation, form.organisation.data)
        add_participant(activity, organisation, Role(form.role.data), actor=acting_user(), ip=client_ip())
        return organisation

    return saved(
        form,
        write,
        ActivityError,
        lambda organisation: _("%(name)s is added.", name=organisation.name),
        lambda _result: redirect(url_for("activities.show", activity_id=activity.id) + "#participants"),
        lambda f: render_activity(activity, f),
    )


def participant_of_activity(activity: Activity, participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.activity_id != activity.id:
        abort(404)
    return participant


@bp.post("/activities/<int:activity_id>/participants/<int:participant_id>/answer")
@require(is_signed_in)
@limiter.limit(form_limit)
def answer_participation(activity_id: int, participant_id: int):
    activity = visible_activity(activity_id)
    participant = participant_of_activity(activity, participant_id)
    if not can_answer(current_user, participant):
        abort(403)
    choice = request.form.get("answer")
    if choice not in ("accept", "decline"):
        abort(400)
    answer(participant, accept=choice == "accept", actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("The answer is saved."), "success")
    return redirect(url_for("activities.show", activity_id=activity.id) + "#participants")


@bp.post("/activities/<int:activity_id>/participants/<int:participant_id>/remove")
@require(is_signed_in)
@limiter.limit(form_limit)
def remove(activity_id: int, participant_id: int):
    activity = visible_activity(activity_id)
    participant = participant_of_activity(activity, participant_id)
    if not can_remove(current_user, participant):
        abort(403)
    remove_participant(participant, actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("The organisation no longer takes part."), "success")
    return redirect(url_for("activities.show", activity_id=activity.id) + "#participants")


@bp.post("/activities/<int:activity_id>/join")
@require(is_signed_in)
@limiter.limit(form_limit)
def join(activity_id: int):
    activity = visible_activity(activity_id)
    if not can_ask_to_take_part(current_user, activity):
        abort(403)
    ask_to_take_part(activity, current_user.organisation, actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("Your request is sent to the organisers."), "success")
    return redirect(url_for("activities.show", activity_id=activity.id) + "#participants")


@bp.get("/organisation/activities")
@require(is_signed_in)
def mine():
    """The activities the user's organisation is asked to, asks for, and takes part in."""
    if current_user.organisation_id is None:
        abort(403)
    rows = db.session.execute(
        sa.select(Participant, Activity)
        .join(Activity)
        .where(Participant.organisation_id == current_user.organisation_id)
        .order_by(Activity.starts_on.desc(), Activity.id.desc())
    ).all()
    return render_template(
        "activities/mine.html",
        waiting=[(p, a) for p, a in rows if p.answer in (Answer.INVITED, Answer.REQUESTED)],
        taking_part=[(p, a) for p, a in rows if p.answer == Answer.ACCEPTED],
        can_create=can_create_activity(current_user),
        can_answer=lambda p: can_answer(current_user, p),
        today=local_today(),
    )


def registered_message(registration: Registration) -> str:
    if registration.state == RegistrationState.REGISTERED:
        return _("You are registered. A confirmation is on its way to %(email)s.", email=registration.email)
    return _("The event is full: you are on the waiting list. We mail %(email)s if a place frees up.",
             email=registration.email)  # fmt: skip


@bp.post("/activities/<int:activity_id>/register")
@limiter.limit(config_limit("REGISTRATION_RATE_LIMIT"))
def register_for(activity_id: int):
    activity = visible_activity(activity_id)
    form = RegistrationForm()
    return saved(
        form,
        lambda: register(
            activity,
            name=form.name.data,
            email=form.email.data,
            organisation_name=form.organisation_name.data,
            locale=locale(),
            today=local_today(),
            actor=acting_user() if current_user.is_authenticated else None,
            ip=client_ip(),
        ),
        ActivityError,
        registered_message,
        lambda _result: redirect(url_for("activities.show", activity_id=activity.id) + "#registration"),
        lambda f: render_activity(activity, registration_form=f),
    )


@bp.route("/activities/<int:activity_id>/cancel/<token>", methods=["GET", "POST"])
@limiter.limit(config_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
def cancel_registration(activity_id: int, token: str):
    """The link in the person's mail: a page with a button (a GET never cancels)."""
    activity = db.session.get(Activity, activity_id) or abort(404)
    registration = registration_by_token(activity, token) or abort(404)
    if request.method == "POST":
        if not CancelForm().validate_on_submit():
            abort(400)
        cancel(registration, actor=None, ip=client_ip())
        db.session.commit()
    return render_template("activities/cancel.html", activity=activity, registration=registration, form=CancelForm())


@bp.post("/activities/<int:activity_id>/registrations/<int:registration_id>/cancel")
@require(is_signed_in)
@limiter.limit(form_limit)
def cancel_by_organiser(activity_id: int, registration_id: int):
    activity = organised_activity(activity_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity.id:
        abort(404)
    cancel(registration, actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("The registration is cancelled."), "success")
    return redirect(url_for("activities.show", activity_id=activity.id) + "#registration")


@bp.post("/activities/<int:activity_id>/documents")
@require(is_signed_in)
@limiter.limit(form_limit)
def upload_document(activity_id: int):
    activity = organised_activity(activity_id)
    form = DocumentForm()

    def write():
        upload = form.document.data
        add_document(
            activity,
            DocumentKind(form.kind.data),
            upload.read(),
            upload.filename or "",
            upload_path=current_app.config["UPLOAD_PATH"],
            actor=acting_user(),
            ip=client_ip(),
        )

    return saved(
        form,
        write,
        ActivityError,
        _("The document is added."),
        lambda _result: redirect(url_for("activities.show", activity_id=activity.id) + "#documents"),
        lambda f: render_activity(activity, document_form=f),
    )


@bp.get("/activities/<int:activity_id>/documents/<int:document_id>")
def document(activity_id: int, document_id: int):
    found = db.session.get(ActivityDocument, document_id)
    if found is None or found.activity_id != activity_id or not can_read_document(current_user, found):
        abort(404)
    path = stored_path(found.stored_name, current_app.config["UPLOAD_PATH"], DOCUMENTS) or abort(404)
    return private_download(path, found.content_type, found.filename)
