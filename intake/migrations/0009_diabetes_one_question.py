""""Do you have diabetes? Is it treated with insulin?" asked two questions with one yes/no answer
(a patient with diet-controlled diabetes could not answer it). The rule flags diabetes of any kind
for review, so the question asks exactly that. Wording only: the clinical meaning is unchanged."""

from django.db import migrations

WORDING = {
    "DIABETES": "Do you have diabetes of any type (whether it is treated with diet, tablets or insulin)?",
}
PREVIOUS = {"DIABETES": "Do you have diabetes? Is it treated with insulin?"}


def reword(apps, schema_editor, wording=WORDING):
    Item = apps.get_model("intake", "ContraindicationItem")
    for code, question in wording.items():
        Item.objects.filter(code=code).update(question=question)


def restore(apps, schema_editor):
    reword(apps, schema_editor, PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("intake", "0008_consent_names_the_chosen_area")]

    operations = [migrations.RunPython(reword, restore)]
