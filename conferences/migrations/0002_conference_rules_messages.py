"""The conference's single-row rules move onto the model: Vietnamese messages on the approved count
and on its constraints. Django's state only: no SQL."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('blocs', '0003_submit_receipt'),
        ('conferences', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='conference',
            name='approved_count',
            field=models.PositiveSmallIntegerField(blank=True, error_messages={'min_value': 'Số thông qua không được âm.'}, null=True, verbose_name='số thành viên thông qua biên bản'),
        ),
        migrations.AlterConstraint(
            model_name='conference',
            name='conference_once_per_kind',
            constraint=models.UniqueConstraint(fields=('term', 'kind'), name='conference_once_per_kind', violation_error_message='Hội nghị này của năm đã được ghi nhận.'),
        ),
        migrations.AlterConstraint(
            model_name='conference',
            name='conference_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('start_time__isnull', True), ('end_time__isnull', True), ('end_time__gt', models.F('start_time')), _connector='OR'), name='conference_ends_after_start', violation_error_message='Giờ kết thúc phải sau giờ bắt đầu.'),
        ),
    ]
