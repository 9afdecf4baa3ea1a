"""The ballots models move here from the scoring app without touching a row: their tables keep their
names (`db_table`), so this migration changes Django's state only, and the content types (and with
them any permission given on these models) follow the models to their new app."""

import ballots.models
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from decimal import Decimal
from django.db import migrations, models


MOVED = ['ballot', 'ballotcandidate', 'ballotchoice', 'ballotparticipation', 'ballotpresence']


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label='ballots').values_list("model", flat=True))
    ContentType.objects.using(db).filter(app_label="scoring", model__in=set(MOVED) - taken).update(app_label='ballots')


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label='ballots', model__in=MOVED).update(app_label="scoring")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('scoring', '0005_award_decision_lock_version'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('blocs', '0003_submit_receipt'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Ballot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('leading', 'Đơn vị dẫn đầu khối'), ('award', 'Đề nghị khen thưởng'), ('runoff', 'Bầu lại khi đồng phiếu')], max_length=10, verbose_name='loại')),
                        ('title', models.CharField(max_length=300, verbose_name='tên cuộc bỏ phiếu')),
                        ('award', models.CharField(blank=True, max_length=10, verbose_name='danh hiệu, hình thức khen thưởng')),
                        ('mode', models.CharField(choices=[('online', 'Bỏ phiếu kín trực tuyến'), ('paper', 'Phiếu giấy, nhập kết quả kiểm phiếu')], default='online', max_length=8, verbose_name='hình thức')),
                        ('state', models.CharField(choices=[('draft', 'Đang chuẩn bị'), ('open', 'Đang bỏ phiếu'), ('closed', 'Đã kết thúc')], default='draft', max_length=8)),
                        ('quota', models.PositiveSmallIntegerField(default=1, verbose_name='số đơn vị được chọn tối đa')),
                        ('threshold_percent', models.DecimalField(decimal_places=2, default=Decimal('50'), max_digits=5, verbose_name='ngưỡng (%)')),
                        ('threshold_strict', models.BooleanField(default=True, help_text='Bật: “trên 50 %”; tắt: “từ 50 % trở lên”.', verbose_name='phải vượt ngưỡng')),
                        ('threshold_base', models.CharField(choices=[('present', 'Số thành viên có mặt'), ('all', 'Tổng số thành viên của khối'), ('issued', 'Số phiếu phát ra')], default='present', max_length=8, verbose_name='tính tỷ lệ trên')),
                        ('issued', models.PositiveIntegerField(blank=True, null=True, verbose_name='số phiếu phát ra')),
                        ('returned', models.PositiveIntegerField(blank=True, null=True, verbose_name='số phiếu thu về')),
                        ('valid', models.PositiveIntegerField(blank=True, null=True, verbose_name='số phiếu hợp lệ')),
                        ('invalid', models.PositiveIntegerField(blank=True, null=True, verbose_name='số phiếu không hợp lệ')),
                        ('result', models.JSONField(blank=True, editable=False, null=True)),
                        ('opened_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('closed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('lock_version', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('runoff_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='runoffs', to='ballots.ballot', verbose_name='bầu lại của')),
                        ('term', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ballots', to='blocs.term')),
                    ],
                    options={
                        'verbose_name': 'cuộc bỏ phiếu',
                        'verbose_name_plural': 'cuộc bỏ phiếu',
                        'db_table': 'scoring_ballot',
                        'ordering': ['term', 'created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='BallotCandidate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(verbose_name='thứ tự')),
                        ('eligible', models.BooleanField(default=True, verbose_name='được bầu')),
                        ('ineligible_reason', models.CharField(blank=True, max_length=500, verbose_name='lý do không đưa vào danh sách bầu')),
                        ('votes', models.PositiveIntegerField(blank=True, null=True, verbose_name='số phiếu')),
                        ('ballot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='candidates', to='ballots.ballot')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='blocs.membership')),
                    ],
                    options={
                        'verbose_name': 'ứng viên',
                        'verbose_name_plural': 'ứng viên',
                        'db_table': 'scoring_ballotcandidate',
                        'ordering': ['ballot', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='BallotChoice',
                    fields=[
                        ('id', models.CharField(default=ballots.models._random_id, editable=False, max_length=32, primary_key=True, serialize=False)),
                        ('ballot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='choices', to='ballots.ballot')),
                        ('candidate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='choices', to='ballots.ballotcandidate')),
                    ],
                    options={
                        'verbose_name': 'lựa chọn',
                        'verbose_name_plural': 'lựa chọn',
                        'db_table': 'scoring_ballotchoice',
                    },
                ),
                migrations.CreateModel(
                    name='BallotParticipation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ballot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='participations', to='ballots.ballot')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='blocs.membership')),
                    ],
                    options={
                        'verbose_name': 'đơn vị đã bỏ phiếu',
                        'verbose_name_plural': 'đơn vị đã bỏ phiếu',
                        'db_table': 'scoring_ballotparticipation',
                    },
                ),
                migrations.CreateModel(
                    name='BallotPresence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('representative', models.CharField(blank=True, max_length=200, verbose_name='người đại diện')),
                        ('ballot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='present', to='ballots.ballot')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='blocs.membership')),
                    ],
                    options={
                        'verbose_name': 'thành viên có mặt',
                        'verbose_name_plural': 'thành viên có mặt',
                        'db_table': 'scoring_ballotpresence',
                    },
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.CheckConstraint(condition=models.Q(('quota__gte', 1)), name='ballot_quota_positive'),
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.CheckConstraint(condition=models.Q(('threshold_percent__gt', 0), ('threshold_percent__lte', 100)), name='ballot_threshold_in_range'),
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'closed'), _negated=True), models.Q(('closed_at__isnull', False), ('result__isnull', False)), _connector='OR'), name='ballot_closed_has_result'),
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.CheckConstraint(condition=models.Q(('returned__isnull', True), ('issued__isnull', True), ('returned__lte', models.F('issued')), _connector='OR'), name='ballot_returned_within_issued'),
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.CheckConstraint(condition=models.Q(('valid__isnull', True), ('invalid__isnull', True), ('returned__isnull', True), ('returned', django.db.models.expressions.CombinedExpression(models.F('valid'), '+', models.F('invalid'))), _connector='OR'), name='ballot_returned_is_valid_plus_invalid'),
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'runoff'), ('runoff_of__isnull', False)), models.Q(models.Q(('kind', 'runoff'), _negated=True), ('runoff_of__isnull', True)), _connector='OR'), name='ballot_runoff_names_its_ballot'),
                ),
                migrations.AddConstraint(
                    model_name='ballotcandidate',
                    constraint=models.UniqueConstraint(fields=('ballot', 'membership'), name='candidate_once_per_ballot'),
                ),
                migrations.AddConstraint(
                    model_name='ballotcandidate',
                    constraint=models.CheckConstraint(condition=models.Q(('eligible', True), models.Q(('ineligible_reason', ''), _negated=True), _connector='OR'), name='candidate_ineligible_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='ballotparticipation',
                    constraint=models.UniqueConstraint(fields=('ballot', 'membership'), name='participation_once_per_ballot'),
                ),
                migrations.AddConstraint(
                    model_name='ballotpresence',
                    constraint=models.UniqueConstraint(fields=('ballot', 'membership'), name='presence_once_per_ballot'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
