"""The award decision's single-row rules move onto the model: the date not after today, Vietnamese
messages on its fields and on the board's constraints. Django's state only: no SQL."""

import board.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('blocs', '0003_submit_receipt'),
        ('board', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='awarddecision',
            name='decision_date',
            field=models.DateField(blank=True, null=True, validators=[board.models.validate_not_future], verbose_name='ngày quyết định'),
        ),
        migrations.AlterField(
            model_name='awarddecision',
            name='decision_number',
            field=models.CharField(blank=True, error_messages={'max_length': 'Số quyết định tối đa 60 ký tự.'}, max_length=60, verbose_name='số quyết định'),
        ),
        migrations.AlterField(
            model_name='awarddecision',
            name='note',
            field=models.CharField(blank=True, error_messages={'max_length': 'Ghi chú tối đa 500 ký tự.'}, max_length=500, verbose_name='ghi chú'),
        ),
        migrations.AlterConstraint(
            model_name='awarddecision',
            name='award_decision_once',
            constraint=models.UniqueConstraint(fields=('membership', 'award'), name='award_decision_once', violation_error_message='Đơn vị đã có quyết định cho hình thức khen thưởng này.'),
        ),
        migrations.AlterConstraint(
            model_name='awarddecision',
            name='award_decision_awarded_has_number',
            constraint=models.CheckConstraint(condition=models.Q(('awarded', False), models.Q(('decision_number', ''), _negated=True), _connector='OR'), name='award_decision_awarded_has_number', violation_error_message='Được khen thưởng: ghi số quyết định.'),
        ),
        migrations.AlterConstraint(
            model_name='boarddeadline',
            name='board_deadline_once',
            constraint=models.UniqueConstraint(fields=('year', 'item'), name='board_deadline_once', violation_error_message='Ban đã đặt hạn cho việc này trong năm.'),
        ),
    ]
