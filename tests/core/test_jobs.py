import sqlalchemy as sa

from coaction import jobs
from coaction.core.models import Setting
from coaction.core.settings import set_setting
from coaction.extensions import db


@jobs.job("test.write_setting")
def write_setting(key: str, value: str) -> None:
    set_setting(key, value)


def stored(key):
    db.session.expire_all()
    return db.session.scalar(sa.select(Setting.value).where(Setting.key == key))


def test_inline_job_runs_after_commit_in_its_own_session(app):
    jobs.enqueue_after_commit("test.write_setting", "k", "inline")
    assert stored("k") is None
    db.session.commit()
    assert stored("k") == "inline"


def test_a_rollback_drops_the_job(app):
    jobs.enqueue_after_commit("test.write_setting", "k", "never")
    db.session.rollback()
    db.session.commit()
    assert stored("k") is None


def test_long_jobs_run_in_a_background_thread(app):
    jobs.enqueue_after_commit("test.write_setting", "k", "background", long=True)
    db.session.commit()
    jobs.wait_for_background_jobs()
    assert stored("k") == "background"


def test_with_redis_jobs_wait_in_the_queue_for_the_worker(app, redis_url):
    from redis import Redis

    jobs.enqueue_after_commit("test.write_setting", "k", "queued")
    db.session.commit()
    assert stored("k") is None
    assert jobs.redis_queue(app).count == 1
    jobs.run_worker(app, burst=True)
    assert stored("k") == "queued"
    assert Redis.from_url(redis_url).ping()


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["coaction", "worker", "--burst"])
    assert result.exit_code != 0
    assert "COACTION_REDIS_URL" in result.output
