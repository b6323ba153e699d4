# Issue 14's step time limits and issue 13's burn-up target, both added to the profile beside
# each other: one history again.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('province', '0100_step_time_limits'),
        ('province', '0200_progress_target'),
    ]

    operations = []
