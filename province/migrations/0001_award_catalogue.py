
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Award',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=10, unique=True, verbose_name='mã')),
                ('label', models.CharField(max_length=200, verbose_name='tên')),
                ('category', models.CharField(choices=[('title', 'Danh hiệu thi đua'), ('form', 'Hình thức khen thưởng')], max_length=8, verbose_name='loại')),
                ('position', models.PositiveSmallIntegerField(verbose_name='thứ tự')),
            ],
            options={
                'verbose_name': 'danh hiệu, hình thức khen thưởng',
                'verbose_name_plural': 'danh hiệu, hình thức khen thưởng',
                'ordering': ['position', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('code', ''), _negated=True), models.Q(('label', ''), _negated=True)), name='award_has_code_and_label', violation_error_message='Danh hiệu, hình thức khen thưởng phải có mã và tên.')],
            },
        ),
    ]
