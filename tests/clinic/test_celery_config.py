from config.celery import app


def test_celery_runs_with_the_reliability_settings_of_the_design():
    conf = app.conf
    assert conf.timezone == "UTC" and conf.enable_utc is True
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_ignore_result is True
    assert conf.task_time_limit == 300 and conf.task_soft_time_limit == 240
