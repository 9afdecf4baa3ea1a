"""The conferences models move here from the scoring app without touching a row: their tables keep their
names (`db_table`), so this migration changes Django's state only, and the content types (and with
them any permission given on these models) follow the models to their new app."""

import conferences.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ['conference', 'conferenceattendance', 'document']


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label='conferences').values_list("model", flat=True))
    ContentType.objects.using(db).filter(app_label="scoring", model__in=set(MOVED) - taken).update(app_label='conferences')


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label='conferences', model__in=MOVED).update(app_label="scoring")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('scoring', '0005_award_decision_lock_version'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('ballots', '0001_initial'),
        ('blocs', '0003_submit_receipt'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Conference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('signing', 'Hội nghị phát động và ký kết giao ước thi đua'), ('midyear', 'Hội nghị sơ kết 6 tháng'), ('yearend', 'Hội nghị tổng kết, bình xét, suy tôn')], max_length=10, verbose_name='hội nghị')),
                        ('date', models.DateField(blank=True, null=True, verbose_name='ngày')),
                        ('start_time', models.TimeField(blank=True, null=True, verbose_name='bắt đầu')),
                        ('end_time', models.TimeField(blank=True, null=True, verbose_name='kết thúc')),
                        ('place', models.CharField(blank=True, max_length=300, verbose_name='địa điểm')),
                        ('chair_name', models.CharField(blank=True, max_length=120, verbose_name='chủ trì (họ tên)')),
                        ('chair_title', models.CharField(blank=True, max_length=300, verbose_name='chủ trì (chức vụ, đơn vị)')),
                        ('secretary_name', models.CharField(blank=True, max_length=120, verbose_name='thư ký (họ tên)')),
                        ('secretary_title', models.CharField(blank=True, max_length=300, verbose_name='thư ký (chức vụ, đơn vị)')),
                        ('agenda', models.TextField(blank=True, max_length=5000, verbose_name='chương trình')),
                        ('notes', models.TextField(blank=True, max_length=20000, verbose_name='diễn biến, kết luận')),
                        ('approved_count', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='số thành viên thông qua biên bản')),
                        ('lock_version', models.PositiveIntegerField(default=0)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('term', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='conferences', to='blocs.term')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'hội nghị',
                        'verbose_name_plural': 'hội nghị',
                        'db_table': 'scoring_conference',
                        'ordering': ['term', 'kind'],
                    },
                ),
                migrations.CreateModel(
                    name='ConferenceAttendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('representative', models.CharField(blank=True, max_length=200, verbose_name='người đại diện')),
                        ('conference', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendance', to='conferences.conference')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='blocs.membership')),
                    ],
                    options={
                        'verbose_name': 'thành viên dự hội nghị',
                        'verbose_name_plural': 'thành viên dự hội nghị',
                        'db_table': 'scoring_conferenceattendance',
                    },
                ),
                migrations.CreateModel(
                    name='Document',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('report_yearend', 'Báo cáo tổng kết công tác thi đua, khen thưởng'), ('report_midyear', 'Báo cáo sơ kết công tác thi đua, khen thưởng 6 tháng'), ('minutes', 'Biên bản họp bình xét, suy tôn'), ('count_minutes', 'Biên bản kiểm phiếu'), ('proposal', 'Tờ trình đề nghị khen thưởng')], max_length=16, verbose_name='văn bản')),
                        ('number', models.CharField(blank=True, max_length=60, verbose_name='số, ký hiệu')),
                        ('place', models.CharField(blank=True, max_length=100, verbose_name='địa danh')),
                        ('date', models.DateField(blank=True, null=True, verbose_name='ngày văn bản')),
                        ('sections', models.JSONField(blank=True, default=dict)),
                        ('status', models.CharField(choices=[('draft', 'Dự thảo'), ('submitted', 'Đã gửi Ban Thi đua – Khen thưởng')], default='draft', max_length=10)),
                        ('frozen', models.JSONField(blank=True, editable=False, null=True)),
                        ('pdf', models.FileField(blank=True, editable=False, upload_to=conferences.models.document_path)),
                        ('sha256', models.CharField(blank=True, editable=False, max_length=64)),
                        ('submitted_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('signed_scan', models.FileField(blank=True, editable=False, upload_to=conferences.models.document_path)),
                        ('lock_version', models.PositiveIntegerField(default=0)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('ballot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='ballots.ballot')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('term', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='blocs.term')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'văn bản',
                        'verbose_name_plural': 'văn bản',
                        'db_table': 'scoring_document',
                        'ordering': ['term', 'kind', 'pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='conference',
                    constraint=models.UniqueConstraint(fields=('term', 'kind'), name='conference_once_per_kind'),
                ),
                migrations.AddConstraint(
                    model_name='conference',
                    constraint=models.CheckConstraint(condition=models.Q(('start_time__isnull', True), ('end_time__isnull', True), ('end_time__gt', models.F('start_time')), _connector='OR'), name='conference_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='conferenceattendance',
                    constraint=models.UniqueConstraint(fields=('conference', 'membership'), name='attendance_once_per_conference'),
                ),
                migrations.AddConstraint(
                    model_name='document',
                    constraint=models.UniqueConstraint(condition=models.Q(('ballot__isnull', True)), fields=('term', 'kind'), name='document_once_per_kind'),
                ),
                migrations.AddConstraint(
                    model_name='document',
                    constraint=models.UniqueConstraint(condition=models.Q(('ballot__isnull', False)), fields=('term', 'kind', 'ballot'), name='document_once_per_ballot'),
                ),
                migrations.AddConstraint(
                    model_name='document',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('ballot__isnull', False), ('kind', 'count_minutes')), models.Q(models.Q(('kind', 'count_minutes'), _negated=True), ('ballot__isnull', True)), _connector='OR'), name='document_ballot_iff_count_minutes'),
                ),
                migrations.AddConstraint(
                    model_name='document',
                    constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('frozen__isnull', False), ('submitted_at__isnull', False), models.Q(('sha256', ''), _negated=True)), _connector='OR'), name='document_submitted_is_frozen'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
