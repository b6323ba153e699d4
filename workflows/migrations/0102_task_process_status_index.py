"""The open tasks of one model's processes, through one index at any size.

``flow_sync.model_open_tasks`` asks for ``process_id IN (the model's
processes) AND status IN (open)``.  With only viewflow's single-column
indexes SQLite picks the status index and walks every open task of the
province (80,000 at 100,000 models: 35 ms per read, twice per action); with
both columns in one index each process is one probe on either engine.
"""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS pilot06_task_process_status ON viewflow_task (process_id, status)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0101_performance_indexes"),
    ]

    operations = [
        migrations.RunSQL(INDEX, reverse_sql="DROP INDEX IF EXISTS pilot06_task_process_status"),
    ]
