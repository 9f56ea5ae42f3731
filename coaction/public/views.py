from flask import jsonify, render_template

from coaction.public import bp
from coaction.public.services import database_health, network_overview


@bp.get("/")
def home():
    return render_template("public/home.html", overview=network_overview())


@bp.get("/healthz")
def healthz():
    health = database_health()
    healthy = health["database"] == "ok"
    return jsonify(status="ok" if healthy else "error", **health), 200 if healthy else 503
