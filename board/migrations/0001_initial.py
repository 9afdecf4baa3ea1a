"""The board models move here from the scoring app without touching a row: their tables keep their
names (`db_table`), so this migration changes Django's state only, and the content types (and with
them any permission given on these models) follow the models to their new app."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ['awarddecision', 'boarddeadline']


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label='board').values_list("model", flat=True))
    ContentType.objects.using(db).filter(app_label="scoring", model__in=set(MOVED) - taken).update(app_label='board')


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label='board', model__in=MOVED).update(app_label="scoring")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('scoring', '0005_award_decision_lock_version'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('blocs', '0003_submit_receipt'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BoardDeadline',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm')),
                        ('item', models.CharField(choices=[('agreement_signed', 'Ký giao ước thi đua'), ('scoring_locked', 'Khóa chấm điểm'), ('vote_closed', 'Bình xét, suy tôn'), ('documents_submitted', 'Gửi báo cáo, biên bản, tờ trình')], max_length=20, verbose_name='việc')),
                        ('due', models.DateField(verbose_name='hạn')),
                    ],
                    options={
                        'verbose_name': 'hạn của Ban',
                        'verbose_name_plural': 'hạn của Ban',
                        'db_table': 'scoring_boarddeadline',
                        'constraints': [models.UniqueConstraint(fields=('year', 'item'), name='board_deadline_once')],
                    },
                ),
                migrations.CreateModel(
                    name='AwardDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('award', models.CharField(max_length=10, verbose_name='danh hiệu, hình thức khen thưởng')),
                        ('awarded', models.BooleanField(verbose_name='được khen thưởng')),
                        ('decision_number', models.CharField(blank=True, max_length=60, verbose_name='số quyết định')),
                        ('decision_date', models.DateField(blank=True, null=True, verbose_name='ngày quyết định')),
                        ('note', models.CharField(blank=True, max_length=500, verbose_name='ghi chú')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('lock_version', models.PositiveIntegerField(default=0)),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='award_decisions', to='blocs.membership')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('term', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='award_decisions', to='blocs.term')),
                    ],
                    options={
                        'verbose_name': 'quyết định khen thưởng',
                        'verbose_name_plural': 'quyết định khen thưởng',
                        'db_table': 'scoring_awarddecision',
                        'constraints': [models.UniqueConstraint(fields=('membership', 'award'), name='award_decision_once'), models.CheckConstraint(condition=models.Q(('awarded', False), models.Q(('decision_number', ''), _negated=True), _connector='OR'), name='award_decision_awarded_has_number')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
