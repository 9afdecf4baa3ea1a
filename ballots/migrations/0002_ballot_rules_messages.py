"""The ballots' single-row rules move onto the model: validators and Vietnamese messages on the
settings' fields, Vietnamese messages on the constraints. Django's state only: no SQL."""

import ballots.models
import django.core.validators
import django.db.models.expressions
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0001_initial'),
        ('blocs', '0003_submit_receipt'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ballot',
            name='award',
            field=models.CharField(blank=True, max_length=10, validators=[ballots.models.validate_award_code], verbose_name='danh hiệu, hình thức khen thưởng'),
        ),
        migrations.AlterField(
            model_name='ballot',
            name='mode',
            field=models.CharField(choices=[('online', 'Bỏ phiếu kín trực tuyến'), ('paper', 'Phiếu giấy, nhập kết quả kiểm phiếu')], default='online', error_messages={'blank': 'Chọn hình thức bỏ phiếu.', 'invalid_choice': 'Chọn hình thức bỏ phiếu.'}, max_length=8, verbose_name='hình thức'),
        ),
        migrations.AlterField(
            model_name='ballot',
            name='quota',
            field=models.PositiveSmallIntegerField(default=1, error_messages={'max_value': 'Số đơn vị được chọn tối đa là 100.', 'min_value': 'Số đơn vị được chọn ít nhất là 1.'}, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='số đơn vị được chọn tối đa'),
        ),
        migrations.AlterField(
            model_name='ballot',
            name='threshold_base',
            field=models.CharField(choices=[('present', 'Số thành viên có mặt'), ('all', 'Tổng số thành viên của khối'), ('issued', 'Số phiếu phát ra')], default='present', error_messages={'blank': 'Chọn cách tính tỷ lệ.', 'invalid_choice': 'Chọn cách tính tỷ lệ.'}, max_length=8, verbose_name='tính tỷ lệ trên'),
        ),
        migrations.AlterField(
            model_name='ballot',
            name='threshold_percent',
            field=models.DecimalField(decimal_places=2, default=Decimal('50'), error_messages={'max_decimal_places': 'Ngưỡng có tối đa hai chữ số thập phân.'}, max_digits=5, validators=[ballots.models.validate_threshold], verbose_name='ngưỡng (%)'),
        ),
        migrations.AlterField(
            model_name='ballot',
            name='title',
            field=models.CharField(error_messages={'blank': 'Ghi tên cuộc bỏ phiếu.'}, max_length=300, verbose_name='tên cuộc bỏ phiếu'),
        ),
        migrations.AlterConstraint(
            model_name='ballot',
            name='ballot_quota_positive',
            constraint=models.CheckConstraint(condition=models.Q(('quota__gte', 1)), name='ballot_quota_positive', violation_error_message='Số đơn vị được chọn ít nhất là 1.'),
        ),
        migrations.AlterConstraint(
            model_name='ballot',
            name='ballot_threshold_in_range',
            constraint=models.CheckConstraint(condition=models.Q(('threshold_percent__gt', 0), ('threshold_percent__lte', 100)), name='ballot_threshold_in_range', violation_error_message='Ngưỡng phải lớn hơn 0 và không quá 100 (%).'),
        ),
        migrations.AlterConstraint(
            model_name='ballot',
            name='ballot_closed_has_result',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'closed'), _negated=True), models.Q(('closed_at__isnull', False), ('result__isnull', False)), _connector='OR'), name='ballot_closed_has_result', violation_error_message='Cuộc bỏ phiếu đã kết thúc phải có kết quả.'),
        ),
        migrations.AlterConstraint(
            model_name='ballot',
            name='ballot_returned_within_issued',
            constraint=models.CheckConstraint(condition=models.Q(('returned__isnull', True), ('issued__isnull', True), ('returned__lte', models.F('issued')), _connector='OR'), name='ballot_returned_within_issued', violation_error_message='Số phiếu thu về không được vượt số phiếu phát ra.'),
        ),
        migrations.AlterConstraint(
            model_name='ballot',
            name='ballot_returned_is_valid_plus_invalid',
            constraint=models.CheckConstraint(condition=models.Q(('valid__isnull', True), ('invalid__isnull', True), ('returned__isnull', True), ('returned', django.db.models.expressions.CombinedExpression(models.F('valid'), '+', models.F('invalid'))), _connector='OR'), name='ballot_returned_is_valid_plus_invalid', violation_error_message='Số phiếu hợp lệ cộng số phiếu không hợp lệ phải bằng số phiếu thu về.'),
        ),
        migrations.AlterConstraint(
            model_name='ballot',
            name='ballot_runoff_names_its_ballot',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'runoff'), ('runoff_of__isnull', False)), models.Q(models.Q(('kind', 'runoff'), _negated=True), ('runoff_of__isnull', True)), _connector='OR'), name='ballot_runoff_names_its_ballot', violation_error_message='Chỉ cuộc bầu lại gắn với cuộc bỏ phiếu mà nó bầu lại.'),
        ),
        migrations.AlterConstraint(
            model_name='ballotcandidate',
            name='candidate_once_per_ballot',
            constraint=models.UniqueConstraint(fields=('ballot', 'membership'), name='candidate_once_per_ballot', violation_error_message='Đơn vị đã có trong danh sách bầu.'),
        ),
        migrations.AlterConstraint(
            model_name='ballotcandidate',
            name='candidate_ineligible_has_reason',
            constraint=models.CheckConstraint(condition=models.Q(('eligible', True), models.Q(('ineligible_reason', ''), _negated=True), _connector='OR'), name='candidate_ineligible_has_reason', violation_error_message='Ghi lý do không đưa đơn vị vào danh sách bầu.'),
        ),
        migrations.AlterConstraint(
            model_name='ballotparticipation',
            name='participation_once_per_ballot',
            constraint=models.UniqueConstraint(fields=('ballot', 'membership'), name='participation_once_per_ballot', violation_error_message='Đơn vị đã bỏ phiếu.'),
        ),
        migrations.AlterConstraint(
            model_name='ballotpresence',
            name='presence_once_per_ballot',
            constraint=models.UniqueConstraint(fields=('ballot', 'membership'), name='presence_once_per_ballot', violation_error_message='Đơn vị đã có trong danh sách thành viên có mặt.'),
        ),
    ]
