"""Indexes that keep the dashboard's lists and the inbox flat as the province grows.

The task table belongs to viewflow, so its index is plain SQL here: the
open tasks of a queue (its permission) in the order the inbox lists them.
"""

from django.db import migrations, models

OPEN = ['registered', 'funding_requested', 'financed', 'deploying']

INBOX_INDEX = (
    "CREATE INDEX IF NOT EXISTS pilot06_open_task_queue ON viewflow_task (owner_permission, created, id, owner_id, process_id) "
    "WHERE status IN ('NEW', 'ASSIGNED', 'STARTED', 'ERROR')"
)


class Migration(migrations.Migration):

    dependencies = [
        ('viewflow', '0015_task_scheduled'),
        ('workflows', '0100_step_reminder_kinds'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='pilotmodel',
            index=models.Index(condition=models.Q(('state__in', OPEN)), fields=['deadline', 'number'], name='open_model_deadline'),
        ),
        migrations.AddIndex(
            model_name='pilotmodel',
            index=models.Index(condition=models.Q(('state__in', OPEN)), fields=['last_action_at', 'number'], name='open_model_idle'),
        ),
        migrations.RunSQL(INBOX_INDEX, reverse_sql="DROP INDEX IF EXISTS pilot06_open_task_queue"),
    ]
