from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from coaction.auth import bp
from coaction.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    EmailChangeForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    ResetRequestForm,
)
from coaction.auth.models import TokenPurpose
from coaction.auth.passwords import personal_words
from coaction.auth.permissions import is_signed_in, require
from coaction.auth.services import (
    AccountError,
    authenticate,
    change_password,
    confirm_email_change,
    record_login,
    request_email_change,
    request_password_reset,
    reset_password,
    update_profile,
    valid_token,
)
from coaction.core.web import acting_user, client_ip, config_limit, render_form, safe_next
from coaction.extensions import db, limiter

login_limit = config_limit("LOGIN_RATE_LIMIT")
reset_limit = config_limit("RESET_RATE_LIMIT")
form_limit = config_limit("FORM_RATE_LIMIT")


def start_session(user, remember: bool = False) -> None:
    login_user(user, remember=remember)
    session["lang"] = user.locale


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("auth.account"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            record_login(user, client_ip())
            db.session.commit()
            start_session(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(target or url_for("auth.account"))
        # One generic message, tied to the password field, whichever of the two was wrong.
        form.password.errors.append(_("Wrong email or password."))
    return render_form("auth/login.html", form, form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_form("auth/reset_request.html", form, form=form)


def token_invalid():
    return render_template("auth/token_invalid.html"), 410


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def reset_password_page(token: str):
    row = valid_token(token, TokenPurpose.PASSWORD_RESET)
    if row is None:
        return token_invalid()
    form = NewPasswordForm()
    form.personal_words = personal_words(row.user)
    if form.validate_on_submit():
        try:
            user = reset_password(row, form.password.data, client_ip())
        except AccountError:
            db.session.rollback()
            return token_invalid()
        db.session.commit()
        start_session(user)
        flash(_("Your password is changed and you are logged in."), "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/reset_password.html", form, form=form)


def account_forms(**submitted):
    forms = {
        "profile_form": ProfileForm(prefix="profile", obj=current_user),
        "password_form": ChangePasswordForm(prefix="password"),
        "email_form": EmailChangeForm(prefix="email"),
    }
    forms.update(submitted)
    forms["password_form"].personal_words = personal_words(current_user)
    return forms


@bp.get("/account")
@require(is_signed_in)
def account():
    return render_template("auth/account.html", **account_forms())


@bp.post("/account")
@require(is_signed_in)
@limiter.limit(form_limit)
def account_profile():
    form = ProfileForm(prefix="profile")
    if form.validate_on_submit():
        update_profile(acting_user(), name=form.name.data, locale=form.locale.data, ip=client_ip())
        db.session.commit()
        session["lang"] = current_user.locale
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form, **account_forms(profile_form=form))


@bp.post("/account/password")
@require(is_signed_in)
@limiter.limit(form_limit)
def account_password():
    form = ChangePasswordForm(prefix="password")
    form.personal_words = personal_words(current_user)
    if form.validate_on_submit():
        try:
            change_password(acting_user(), form.current_password.data, form.password.data, client_ip())
        except AccountError as error:
            form.current_password.errors.append(str(error.message))
        else:
            db.session.commit()
            start_session(acting_user())  # the new session version
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form, **account_forms(password_form=form))


@bp.post("/account/email")
@require(is_signed_in)
@limiter.limit(form_limit)
def account_email():
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        try:
            request_email_change(current_user, form.email.data, form.password.data, client_ip())
        except AccountError as error:
            message = _("The password is wrong.") if error.field == "password" else _("This is already your address.")
            getattr(form, error.field).errors.append(message)
        else:
            db.session.commit()
            flash(
                _("We have sent a link to %(email)s. Your address changes when you follow it.", email=form.email.data),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form, **account_forms(email_form=form))


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def confirm_email(token: str):
    row = valid_token(token, TokenPurpose.EMAIL_CHANGE)
    if row is None:
        return token_invalid()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            confirm_email_change(row, client_ip())
            db.session.commit()
        except (AccountError, IntegrityError):  # used meanwhile, or the address taken meanwhile
            db.session.rollback()
            return token_invalid()
        flash(_("Your email address is changed."), "success")
        return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form, new_email=row.new_email)
