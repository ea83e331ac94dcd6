"""Patient-facing wording for catalogue items whose default text is clinical shorthand or an
open question that the questionnaire asks as yes/no. The clinical meaning is unchanged."""

from django.db import migrations

WORDING = {
    "BDD_SCREEN": "Do you spend a lot of time worrying about a part of how you look, so that it upsets you or gets in "
    "the way of work, friends or daily life?",
    "ALCOHOL": "Do you drink more than 14 units of alcohol a week, or might you drink in the 24 hours before "
    "treatment?",
    "EXPECTATIONS": "Have you been unhappy with a past cosmetic procedure, or is someone else encouraging you to have "
    "this treatment?",
}


def reword(apps, schema_editor):
    Item = apps.get_model("intake", "ContraindicationItem")
    for code, question in WORDING.items():
        Item.objects.filter(code=code).update(question=question)


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_seed_catalogue")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
