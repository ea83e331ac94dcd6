"""Seed the four indications with the clinic's default protocols.

The values are copied from the clinical defaults (protocols.json) into this migration on
purpose: the running application never reads files outside the project, and a migration must
give the same result whenever it runs. Clinics edit the rows afterwards in the admin.
"""

from django.db import migrations

CATALOGUE = [
    {
        "indication": "SKIN",
        "slug": "skin-rejuvenation",
        "name": "Skin rejuvenation",
        "summary": "Micro-injections of hyaluronic acid and vitamins that hydrate the skin and improve "
        "its texture, tone and fine lines.",
        "what_it_treats": "Dull, dehydrated or tired-looking skin, fine lines, uneven texture and crepey skin on "
        "the face, neck, décolletage and hands.",
        "downtime": "Little: small bumps and redness usually fade within a day or two, and bruising within a "
        "week. Avoid make-up for 12 to 24 hours, and strenuous exercise, saunas and sun for 24 to 48 hours.",
        "results": "Skin usually looks fresher after two or three sessions and keeps improving to the end of "
        "the course. Results last several months to a year; maintenance sessions keep them.",
        "sessions": (4, 4, 6),
        "interval": (7, 14, 28),
        "maintenance": 150,
        "areas": [
            ("face", "Face", 30),
            ("face-neck-decolletage", "Face, neck and décolletage", 60),
            ("neck", "Neck", 30),
            ("decolletage", "Décolletage", 30),
            ("hands", "Hands", 30),
        ],
        "ingredients": ["hyaluronic acid", "vitamins", "amino acids", "minerals"],
    },
    {
        "indication": "CELL",
        "slug": "cellulite-reduction",
        "name": "Cellulite reduction",
        "summary": "A course of injections with caffeine and aminophylline that smooths the dimpled look "
        "of cellulite.",
        "what_it_treats": "Cellulite (dimpled, uneven skin) on the thighs, buttocks, hips, abdomen and arms.",
        "downtime": "Bruising and tenderness for a few days are common. Avoid strenuous exercise, saunas, hot "
        "tubs and swimming for 24 to 48 hours.",
        "results": "Smoother skin builds up over the course. Results last several months; regular maintenance "
        "sessions, exercise and a stable weight help keep them.",
        "sessions": (6, 8, 10),
        "interval": (7, 7, 14),
        "maintenance": 60,
        "areas": [
            ("thighs", "Thighs", 45),
            ("buttocks", "Buttocks", 45),
            ("hips", "Hips", 30),
            ("abdomen", "Abdomen", 45),
            ("arms", "Arms", 30),
            ("thighs-buttocks", "Thighs and buttocks", 60),
        ],
        "ingredients": ["aminophylline", "caffeine", "vitamins", "amino acids"],
    },
    {
        "indication": "FAT",
        "slug": "fat-reduction",
        "name": "Localised fat reduction",
        "summary": "Injections of phosphatidylcholine and deoxycholate that break down small, stubborn pockets "
        "of fat.",
        "what_it_treats": "Small pockets of fat that resist diet and exercise: under the chin, upper arms, "
        "abdomen, flanks, inner thighs and bra line. It is not a weight-loss treatment.",
        "downtime": "Expect swelling, tenderness and bruising: swelling can last one to two weeks. Use cold "
        "compresses and avoid strenuous activity for three days.",
        "results": "Fat cells that are broken down are cleared by the body over the following weeks; results "
        "show four to six weeks after each session and last as long as your weight stays stable.",
        "sessions": (4, 4, 6),
        "interval": (28, 28, 56),
        "maintenance": None,
        "areas": [
            ("submental", "Under the chin", 30),
            ("upper-arms", "Upper arms", 45),
            ("abdomen", "Abdomen", 45),
            ("flanks", "Flanks", 45),
            ("inner-thighs", "Inner thighs", 45),
            ("bra-line", "Bra line", 30),
        ],
        "ingredients": ["phosphatidylcholine", "deoxycholate"],
    },
    {
        "indication": "HAIR",
        "slug": "hair-loss",
        "name": "Hair loss",
        "summary": "Scalp mesotherapy with minoxidil, vitamins and amino acids to strengthen thinning hair.",
        "what_it_treats": "Thinning hair and hair loss on the scalp (frontal, crown or whole scalp), once its "
        "cause has been looked at.",
        "downtime": "Very little: some redness and tenderness of the scalp for a day. Do not wash your hair for "
        "24 hours.",
        "results": "Less shedding is often noticed first; thicker hair builds up over three to six months. "
        "Maintenance sessions help keep the results.",
        "sessions": (4, 8, 10),
        "interval": (7, 14, 30),
        "maintenance": 60,
        "areas": [
            ("scalp-frontal", "Scalp: frontal", 30),
            ("scalp-crown", "Scalp: crown", 30),
            ("scalp-full", "Whole scalp", 45),
        ],
        "ingredients": ["minoxidil", "vitamins", "amino acids", "hyaluronic acid"],
    },
]


def seed(apps, schema_editor):
    Treatment = apps.get_model("treatments", "Treatment")
    Area = apps.get_model("treatments", "Area")
    Ingredient = apps.get_model("treatments", "Ingredient")
    for position, item in enumerate(CATALOGUE):
        s_min, s_default, s_max = item["sessions"]
        i_min, i_default, i_max = item["interval"]
        treatment, _ = Treatment.objects.update_or_create(
            indication=item["indication"],
            defaults={
                "slug": item["slug"],
                "name": item["name"],
                "summary": item["summary"],
                "what_it_treats": item["what_it_treats"],
                "downtime": item["downtime"],
                "results": item["results"],
                "sessions_min": s_min,
                "sessions_default": s_default,
                "sessions_max": s_max,
                "interval_min_days": i_min,
                "interval_default_days": i_default,
                "interval_max_days": i_max,
                "maintenance_every_days": item["maintenance"],
                "position": position,
            },
        )
        for area_position, (slug, name, minutes) in enumerate(item["areas"]):
            Area.objects.update_or_create(
                treatment=treatment, slug=slug, defaults={"name": name, "minutes": minutes, "position": area_position}
            )
        treatment.ingredients.set([Ingredient.objects.get_or_create(name=name)[0] for name in item["ingredients"]])


class Migration(migrations.Migration):
    dependencies = [("treatments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
