"""The model of a member's sheet is called Sheet, as every service, page and test called it: a rename
in Django's state only. The table keeps its name (scoring_assessment), the foreign keys their columns
(assessment_id) and every constraint its name; the content type follows the model."""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="scoring", model="sheet").exists():
        ContentType.objects.using(db).filter(app_label="scoring", model="assessment").update(model="sheet")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="scoring", model="sheet").update(model="assessment")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("scoring", "0006_moved_to_ballots_conferences_board"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterModelTable(name="assessment", table="scoring_assessment"),
                migrations.RenameModel(old_name="Assessment", new_name="Sheet"),
                migrations.RemoveConstraint(model_name="score", name="score_once_per_sheet"),
                migrations.RenameField(model_name="score", old_name="assessment", new_name="sheet"),
                migrations.AddConstraint(
                    model_name="score",
                    constraint=models.UniqueConstraint(fields=("sheet", "criterion"), name="score_once_per_sheet"),
                ),
                migrations.AlterField(
                    model_name="score",
                    name="sheet",
                    field=models.ForeignKey(
                        db_column="assessment_id",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scores",
                        to="scoring.sheet",
                    ),
                ),
                migrations.RenameField(model_name="evidence", old_name="assessment", new_name="sheet"),
                migrations.AlterField(
                    model_name="evidence",
                    name="sheet",
                    field=models.ForeignKey(
                        db_column="assessment_id",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence",
                        to="scoring.sheet",
                    ),
                ),
                migrations.AlterField(
                    model_name="sheet",
                    name="criteria_set",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="sheets", to="scoring.criteriaset"
                    ),
                ),
                migrations.AlterField(
                    model_name="sheet",
                    name="subject",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="sheets", to="blocs.membership"
                    ),
                ),
                migrations.AlterModelOptions(
                    name="evidence",
                    options={
                        "ordering": ["sheet", "criterion", "pk"],
                        "verbose_name": "minh chứng",
                        "verbose_name_plural": "minh chứng",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
