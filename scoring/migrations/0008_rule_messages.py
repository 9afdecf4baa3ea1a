"""The rules of a single row get their Vietnamese messages on the model (constraints'
violation_error_message, the explanation's blank text), so that a service's full_clean() tells a
caller without a form what a form would; an explanation may be filed without a user (a command).
No change to the database: Django alters no column or constraint for these."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('blocs', '0003_submit_receipt'),
        ('scoring', '0007_sheet'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='explanation',
            name='filed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='explanation',
            name='text',
            field=models.TextField(error_messages={'blank': 'Ghi nội dung giải trình.'}, max_length=5000, verbose_name='nội dung giải trình'),
        ),
        migrations.AlterConstraint(
            model_name='criteriaset',
            name='criteria_template_never_opens',
            constraint=models.CheckConstraint(condition=models.Q(('term__isnull', False), ('state', 'setup'), _connector='OR'), name='criteria_template_never_opens', violation_error_message='Bảng tiêu chí mẫu không dùng để chấm điểm.'),
        ),
        migrations.AlterConstraint(
            model_name='criteriaset',
            name='criteria_open_has_deadline',
            constraint=models.CheckConstraint(condition=models.Q(('state', 'setup'), models.Q(('deadline__isnull', False), ('opened_at__isnull', False)), _connector='OR'), name='criteria_open_has_deadline', violation_error_message='Đã mở chấm điểm thì phải có hạn nộp phiếu tự chấm.'),
        ),
        migrations.AlterConstraint(
            model_name='criteriaset',
            name='criteria_locked_has_time',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'locked'), _negated=True), ('locked_at__isnull', False), _connector='OR'), name='criteria_locked_has_time', violation_error_message='Chấm điểm đã khóa phải ghi thời điểm khóa.'),
        ),
        migrations.AlterConstraint(
            model_name='criterion',
            name='criterion_max_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('max_points__gte', 0)), name='criterion_max_not_negative', violation_error_message='Điểm tối đa phải lớn hơn 0.'),
        ),
        migrations.AlterConstraint(
            model_name='criterion',
            name='criterion_group_top_level_without_max',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'group'), ('max_points', 0), ('parent__isnull', True)), models.Q(models.Q(('kind', 'group'), _negated=True), ('max_points__gt', 0)), _connector='OR'), name='criterion_group_top_level_without_max', violation_error_message='Nhóm tiêu chí ở cấp cao nhất và không có điểm tối đa; tiêu chí có điểm tối đa lớn hơn 0.'),
        ),
        migrations.AlterConstraint(
            model_name='criterion',
            name='criterion_stepped_has_step',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ('points', 'bonus', 'deduction')), _negated=True), ('step__gt', 0), _connector='OR'), name='criterion_stepped_has_step', violation_error_message='Ghi bước điểm (ví dụ 0,5).'),
        ),
        migrations.AlterConstraint(
            model_name='criterion',
            name='criterion_rated_has_unit_points',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ('occurrence', 'target')), _negated=True), ('unit_points__gt', 0), _connector='OR'), name='criterion_rated_has_unit_points', violation_error_message='Ghi số điểm cho mỗi lần hoặc mỗi 1 %% chỉ tiêu.'),
        ),
        migrations.AlterConstraint(
            model_name='criterion',
            name='criterion_target_names_indicator',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'target'), _negated=True), models.Q(('indicator', ''), _negated=True), _connector='OR'), name='criterion_target_names_indicator', violation_error_message='Ghi tên chỉ tiêu đăng ký dùng để tính điểm.'),
        ),
        migrations.AlterConstraint(
            model_name='explanation',
            name='explanation_once_per_criterion',
            constraint=models.UniqueConstraint(fields=('subject', 'criterion'), name='explanation_once_per_criterion', violation_error_message='Đơn vị đã giải trình tiêu chí này (mỗi tiêu chí một lần).'),
        ),
        migrations.AlterConstraint(
            model_name='explanation',
            name='explanation_decision_has_time',
            constraint=models.CheckConstraint(condition=models.Q(('decided_points__isnull', True), ('decided_at__isnull', False), _connector='OR'), name='explanation_decision_has_time', violation_error_message='Quyết định điểm phải ghi thời điểm quyết định.'),
        ),
        migrations.AlterConstraint(
            model_name='score',
            name='score_sign_by_kind',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'deduction'), ('points__lte', 0)), models.Q(models.Q(('kind', 'deduction'), _negated=True), ('points__gte', 0)), _connector='OR'), name='score_sign_by_kind', violation_error_message='Điểm trừ phải là số âm; các loại điểm khác không được âm.'),
        ),
        migrations.AlterConstraint(
            model_name='score',
            name='score_not_on_group',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'group'), _negated=True), name='score_not_on_group', violation_error_message='Nhóm tiêu chí không chấm điểm.'),
        ),
        migrations.AlterConstraint(
            model_name='score',
            name='score_quantity_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__isnull', True), ('quantity__gte', 0), _connector='OR'), name='score_quantity_not_negative', violation_error_message='Số lần, giá trị đạt không được âm.'),
        ),
        migrations.AlterConstraint(
            model_name='score',
            name='score_once_per_sheet',
            constraint=models.UniqueConstraint(fields=('sheet', 'criterion'), name='score_once_per_sheet', violation_error_message='Tiêu chí này đã có điểm trong phiếu.'),
        ),
        migrations.AlterConstraint(
            model_name='sheet',
            name='assessment_one_self_sheet',
            constraint=models.UniqueConstraint(condition=models.Q(('layer', 'self')), fields=('criteria_set', 'subject'), name='assessment_one_self_sheet', violation_error_message='Đơn vị đã có phiếu tự chấm.'),
        ),
        migrations.AlterConstraint(
            model_name='sheet',
            name='assessment_one_leader_review',
            constraint=models.UniqueConstraint(condition=models.Q(('layer', 'leader')), fields=('criteria_set', 'subject'), name='assessment_one_leader_review', violation_error_message='Phiếu của đơn vị này đã có phiếu thẩm định.'),
        ),
        migrations.AlterConstraint(
            model_name='sheet',
            name='assessment_cross_check_once',
            constraint=models.UniqueConstraint(condition=models.Q(('layer', 'cross')), fields=('criteria_set', 'subject', 'reviewer'), name='assessment_cross_check_once', violation_error_message='Đã phân công đơn vị này chấm chéo phiếu đó.'),
        ),
        migrations.AlterConstraint(
            model_name='sheet',
            name='assessment_reviewer_iff_review',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('layer', 'self'), ('reviewer__isnull', True)), models.Q(models.Q(('layer', 'self'), _negated=True), ('reviewer__isnull', False)), _connector='OR'), name='assessment_reviewer_iff_review', violation_error_message='Phiếu thẩm định ghi đơn vị chấm; phiếu tự chấm thì không.'),
        ),
        migrations.AlterConstraint(
            model_name='sheet',
            name='assessment_not_own_review',
            constraint=models.CheckConstraint(condition=models.Q(('reviewer', models.F('subject')), _negated=True), name='assessment_not_own_review', violation_error_message='Một đơn vị không chấm chéo phiếu của chính mình.'),
        ),
        migrations.AlterConstraint(
            model_name='sheet',
            name='assessment_submitted_has_time',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), ('submitted_at__isnull', False), _connector='OR'), name='assessment_submitted_has_time', violation_error_message='Phiếu đã nộp phải ghi thời điểm nộp.'),
        ),
    ]
