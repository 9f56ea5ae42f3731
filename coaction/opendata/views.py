from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from coaction.auth.models import Role
from coaction.auth.permissions import has_role, require
from coaction.commitments.listing import local_today
from coaction.commitments.permissions import has_an_organisation
from coaction.core.web import conditional, csv_delimiter, csv_download
from coaction.opendata import bp
from coaction.opendata.formats import dictionary_csv, table_csv
from coaction.opendata.services import (
    DATASETS,
    FORMAT_NAMES,
    LICENCE_NAME,
    LICENCE_URL,
    MEDIA_TYPES,
    ORGANISATION_DATASETS,
    file_of,
    find_dataset,
    summary,
)


def may_download_own(user, name: str) -> bool:
    """Everyone of an organisation sees its commitments; its survey results are its admins', as on the survey pages."""
    if name == "surveys":
        return has_an_organisation(user) and has_role(user, Role.ORG_ADMIN)
    return has_an_organisation(user)


@bp.app_context_processor
def _open_data_terms():
    return {"licence_name": LICENCE_NAME, "licence_url": LICENCE_URL, "format_names": FORMAT_NAMES}


def data_file(body: bytes, media_type: str, filename: str) -> Response:
    """Public data is the same for everyone (it is read as by an anonymous visitor): caches may keep it a while."""
    response = Response(
        body,
        mimetype=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "public, max-age=300"},
    )
    return conditional(response)


@bp.get("/data")
def index():
    return render_template(
        "opendata/index.html",
        datasets=[(dataset, summary(dataset)) for dataset in DATASETS.values()],
        own={name: dataset for name, dataset in ORGANISATION_DATASETS.items() if may_download_own(current_user, name)},
    )


@bp.get("/data/<key>.<fmt>")
def download(key: str, fmt: str):
    dataset = DATASETS.get(key) or abort(404)
    if dataset.feed and fmt == dataset.feed[0]:  # the calendar has its feed already
        return redirect(url_for(dataset.feed[1]))
    body = file_of(dataset, fmt)
    if body is None:
        abort(404)
    return data_file(body, MEDIA_TYPES[fmt], f"{key}.{fmt}")


@bp.get("/data/<key>.dictionary.csv")
def dictionary_file(key: str):
    dataset = find_dataset(key) or abort(404)
    return data_file(dictionary_csv(dataset.columns), MEDIA_TYPES["csv"], f"{key}.dictionary.csv")


@bp.get("/data/<key>/dictionary")
def dictionary(key: str):
    dataset = find_dataset(key) or abort(404)
    return render_template("opendata/dictionary.html", dataset=dataset, public=key in DATASETS)


@bp.get("/organisation/data/<any(commitments, surveys):name>.csv")
@require(has_an_organisation)
def own_csv(name: str):
    """The organisation's own data, for its reporting elsewhere: opened in a spreadsheet, so in its delimiter."""
    if not may_download_own(current_user, name):
        abort(403)
    dataset = ORGANISATION_DATASETS[name]
    rows = dataset.rows(current_user.organisation_id, str(get_locale()))
    body = table_csv(dataset.columns, rows, delimiter=csv_delimiter())
    return csv_download(body, f"{current_user.organisation.slug}-{name}-{local_today().isoformat()}.csv")
