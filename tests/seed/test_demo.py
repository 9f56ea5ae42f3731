import pytest
import sqlalchemy as sa

from coaction.extensions import db
from coaction.members.models import MembershipStatus, Organisation
from coaction.members.orgnr import OrgNumber
from coaction.regions.models import Municipality, MunicipalityFigure
from coaction.seed.synth import synth_organisations


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_loads_sodertorn_and_twice_changes_nothing(runner):
    first = runner.invoke(args=["coaction", "demo"])
    assert first.exit_code == 0, first.output
    counts = {model: count(model) for model in (Municipality, MunicipalityFigure, Organisation)}
    second = runner.invoke(args=["coaction", "demo"])
    assert second.exit_code == 0, second.output
    assert counts == {model: count(model) for model in counts}
    assert counts[Municipality] == 26
    names = set(db.session.scalars(sa.select(Municipality.name).where(Municipality.in_network)))
    assert names == {"Botkyrka", "Haninge", "Huddinge", "Nykvarn", "Nynäshamn", "Salem", "Södertälje", "Tyresö"}


def test_demo_figures_reproduce_the_annual_report(runner):
    runner.invoke(args=["coaction", "demo"])

    def inhabitants(year):
        return db.session.scalar(sa.select(sa.func.sum(MunicipalityFigure.inhabitants)).filter_by(year=year))

    assert inhabitants(2021) == 513_445
    assert inhabitants(2021) - inhabitants(2020) == 5_893
    assert 4 * inhabitants(2020) == 2_030_208  # the 2021 fee, 4 SEK per inhabitant at 31 Dec 2020
    assert all(figure.approximate for figure in db.session.scalars(sa.select(MunicipalityFigure)))


def test_demo_has_members_units_and_external_partners(runner):
    runner.invoke(args=["coaction", "demo"])
    office = db.session.scalar(sa.select(Organisation).filter_by(name="Södertörns kansli"))
    assert office.parent.name == "Södertälje kommun"
    assert office.org_number is None
    statuses = set(db.session.scalars(sa.select(Organisation.status)))
    assert {MembershipStatus.MEMBER, MembershipStatus.EXTERNAL} <= statuses


def test_synth_is_deterministic_and_valid(app, runner):
    result = runner.invoke(args=["coaction", "synth", "--orgs", "2500", "--seed", "7"])
    assert result.exit_code == 0, result.output
    rows = db.session.execute(
        sa.select(Organisation.name, Organisation.org_number, Organisation.status).order_by(Organisation.id)
    ).all()
    assert len(rows) == 2500
    assert len({number for _, number, _ in rows}) == 2500
    for _, number, _ in rows[:200]:
        OrgNumber.parse(number)
    db.session.execute(sa.delete(Organisation))
    synth_organisations(2500, seed=7)
    again = db.session.execute(
        sa.select(Organisation.name, Organisation.org_number, Organisation.status).order_by(Organisation.id)
    ).all()
    assert again == rows


def test_demo_prints_a_login_for_every_role_and_they_work(runner):
    from coaction.auth.models import Role
    from coaction.auth.services import authenticate
    from coaction.seed.demo import DEMO_PASSWORD

    output = runner.invoke(args=["coaction", "demo"]).output
    runner.invoke(args=["coaction", "demo"])
    logins = [line.split() for line in output.splitlines() if line.startswith("  ")]
    assert {role for role, _ in logins} == {role.value for role in Role}
    for _, email in logins:
        assert authenticate(email, DEMO_PASSWORD) is not None


def test_synth_makes_users_for_every_organisation(runner):
    from coaction.auth.models import Role, User

    result = runner.invoke(args=["coaction", "synth", "--orgs", "30", "--seed", "3", "--users-per-org", "2"])
    assert result.exit_code == 0, result.output
    assert "60 users" in result.output
    from coaction.invitations.models import Invitation

    invited = db.session.scalar(
        sa.select(sa.func.count()).select_from(Organisation).where(Organisation.status == MembershipStatus.INVITED)
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == invited
    roles = db.session.scalars(sa.select(User.role)).all()
    assert roles.count(Role.ORG_ADMIN) == 30 and roles.count(Role.MEMBER) == 30


def test_synth_refuses_a_seed_already_used(runner):
    assert runner.invoke(args=["coaction", "synth", "--orgs", "3", "--seed", "1"]).exit_code == 0
    result = runner.invoke(args=["coaction", "synth", "--orgs", "3", "--seed", "1"])
    assert result.exit_code != 0
    assert "another --seed" in result.output


def test_synth_seeds_never_collide(runner):
    assert (
        runner.invoke(args=["coaction", "synth", "--orgs", "40", "--seed", "1", "--users-per-org", "0"]).exit_code == 0
    )
    result = runner.invoke(args=["coaction", "synth", "--orgs", "40", "--seed", "11", "--users-per-org", "0"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["coaction", "synth", "--orgs", "5", "--seed", "100"]).exit_code != 0


def test_the_demo_is_refused_in_production(database_url, monkeypatch):
    from coaction import create_app
    from tests.conftest import app_config

    app = create_app(app_config(database_url, ENV="production", SECRET_KEY="x" * 40, MAIL_SERVER="127.0.0.1"))
    result = app.test_cli_runner().invoke(args=["coaction", "demo"])
    assert result.exit_code != 0
    assert "not in production" in result.output


def test_demo_commitments_show_every_status_and_the_annual_report_goals(runner):
    from coaction.commitments.listing import states
    from coaction.commitments.models import Commitment
    from coaction.commitments.progress import Status
    from coaction.goals.models import PlanGoal

    assert runner.invoke(args=["coaction", "demo"]).exit_code == 0
    counts = {
        table: db.session.scalar(sa.select(sa.func.count()).select_from(table)) for table in (Commitment, PlanGoal)
    }
    assert runner.invoke(args=["coaction", "demo"]).exit_code == 0
    assert counts == {
        table: db.session.scalar(sa.select(sa.func.count()).select_from(table)) for table in (Commitment, PlanGoal)
    }
    ids = list(db.session.scalars(sa.select(Commitment.id)))
    assert {state.status for state in states(ids).values()} == set(Status)
    report_goals = db.session.scalars(
        sa.select(PlanGoal.title).where(PlanGoal.plan_year == 2021, PlanGoal.parent_id.is_(None))
    ).all()
    assert "Stark infrastruktur är en förutsättning för hållbar utveckling" in report_goals and len(report_goals) == 4


def test_synth_makes_surveys_and_answers_that_the_results_can_read(runner):
    from coaction.travel.models import SurveyResponse, TravelSurvey
    from coaction.travel.services import results_of

    result = runner.invoke(args=["coaction", "synth", "--orgs", "40", "--seed", "5", "--responses", "700"])
    assert result.exit_code == 0, result.output
    members = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Organisation)
        .where(Organisation.slug.like("synth-5-%"), Organisation.status.in_(("member", "paused")))
    )
    assert count(TravelSurvey) == members and count(SurveyResponse) == 700
    survey = db.session.scalar(sa.select(TravelSurvey).order_by(TravelSurvey.id))
    results = results_of(survey)
    assert results.responses >= 700 // members and sum(results.modal_split_trips.values()) == pytest.approx(1)
    assert len({s.token for s in db.session.scalars(sa.select(TravelSurvey))}) == members


def test_synth_activities_participations_and_decisions(runner):
    from coaction.activities.models import Activity, Participant
    from coaction.groups.models import Decision

    args = ["coaction", "synth", "--orgs", "30", "--seed", "5", "--users-per-org", "0"]
    result = runner.invoke(args=[*args, "--activities", "40", "--participations", "200", "--decisions", "120"])
    assert result.exit_code == 0, result.output
    assert "40 activities, 200 participations, 120 decisions and 0 ties" in result.output
    assert count(Activity) == 40 and count(Participant) == 200 and count(Decision) == 120
    leads = db.session.scalars(sa.select(Participant.activity_id).where(Participant.role == "lead")).all()
    assert sorted(leads) == sorted(db.session.scalars(sa.select(Activity.id)))  # one lead each


def test_the_demo_activities_have_their_real_participants(runner):
    from coaction.activities.models import Activity

    assert runner.invoke(args=["coaction", "demo"]).exit_code == 0
    assert runner.invoke(args=["coaction", "demo"]).exit_code == 0  # twice changes nothing
    activities = {a.title: a for a in db.session.scalars(sa.select(Activity))}
    assert len(activities) == 9
    biodriv = {p.organisation.name for p in activities["BioDriv Öst – Fossilfritt 2030"].taking_part()}
    assert {"Botkyrka kommun", "Haninge kommun", "Södertälje kommun"} <= biodriv
    assert not biodriv & {"Huddinge kommun", "Nykvarns kommun", "Salems kommun"}
    hits = activities["HITS – forskningsprojekt om hållbara transporter"]
    assert [p.organisation.name for p in hits.leads()] == ["Scania CV AB"]
    assert activities["Södertörnskonferensen 2021"].attendance == 171


def test_synth_leaves_postgresql_its_planner_statistics(runner):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("ANALYZE after the bulk load is for PostgreSQL's planner")
    from coaction.commitments.models import Commitment

    args = ["coaction", "synth", "--orgs", "30", "--seed", "6", "--users-per-org", "0", "--commitments", "120"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    estimate = db.session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE relname = 'commitment'"))
    assert estimate == count(Commitment) == 120  # -1 is "never analysed"; a table this small is read whole
