"""The default matrix put a score of 8 (2 x 4 and 4 x 2) in the yellow band; KS puts it in red.

Only the matrix the reference data loaded is corrected, and only cells still as it loaded them: a matrix an
administrator has edited is theirs."""

from django.db import migrations

SOURCE = "KS: risikomatrise 4 × 4 (produkt av sannsynlighet og konsekvens): grønn 1–3, gul 4–6, rød 8–16"


def forwards(apps, schema_editor):
    RiskScale = apps.get_model("risks", "RiskScale")
    LevelBand = apps.get_model("risks", "LevelBand")
    MatrixCell = apps.get_model("risks", "MatrixCell")
    scale = RiskScale.objects.filter(version=1, name="Helse Midt-Norge, 4 x 4").first()
    if scale is None:
        return
    red = LevelBand.objects.filter(scale=scale, rank=3).first()
    if red is None:
        return
    for cell in MatrixCell.objects.filter(scale=scale, level__rank=2).select_related("probability", "consequence"):
        if cell.probability.value * cell.consequence.value == 8:
            cell.level = red
            cell.save(update_fields=["level"])
    if not scale.source:
        scale.source = SOURCE
        scale.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("risks", "0004_acceptable_levels")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
