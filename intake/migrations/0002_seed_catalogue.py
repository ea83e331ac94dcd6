"""Seed the default contraindication catalogue, medication classes and consent texts.

The data is copied into this migration (from the clinical defaults, contraindications.json and
protocols.json) so that it gives the same result whenever it runs and the application never
reads files outside the project. Clinic managers edit the rows afterwards in the admin; each
edit makes a new catalogue version.
"""

# ruff: noqa: E501
from django.db import migrations

VERSION_NOTE = "Default catalogue 2026-11"

CATALOGUE = [{'code': 'PREG',
  'question': 'Are you pregnant, trying to conceive, or breastfeeding?',
  'applies_to': ['ALL'],
  'severity': 'ABSOLUTE',
  'basis': 'C',
  'rationale': 'Elective treatment with no safety data in pregnancy or lactation.'},
 {'code': 'AGE_U18',
  'question': 'Date of birth (flag when under 18).',
  'applies_to': ['ALL'],
  'severity': 'ABSOLUTE',
  'basis': 'E',
  'rationale': 'Cosmetic injectables are for adults only (UK law for fillers; deoxycholic acid licensed for adults).'},
 {'code': 'SITE_INFECTION',
  'question': 'Do you have a cold sore, acne flare, rash, eczema or psoriasis flare, wound or infection where you want treatment?',
  'applies_to': ['ALL'],
  'severity': 'ABSOLUTE',
  'defer': True,
  'basis': 'E',
  'rationale': 'Active infection or inflammation at the site; mycobacterial outbreaks after mesotherapy are documented.'},
 {'code': 'UNWELL',
  'question': 'Are you unwell now (fever, infection) or taking antibiotics?',
  'applies_to': ['ALL'],
  'severity': 'ABSOLUTE',
  'defer': True,
  'basis': 'C',
  'rationale': 'Defer until recovered.'},
 {'code': 'KELOID',
  'question': 'Have you ever formed raised, thick or keloid scars?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'C',
  'rationale': 'Needle injury can trigger abnormal scarring.'},
 {'code': 'BLEED_DISORDER',
  'question': 'Do you have a bleeding or clotting disorder, or bruise very easily?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': 'Excessive bleeding and haematoma risk.'},
 {'code': 'ANTITHROMBOTIC',
  'question': 'Do you take a blood thinner (e.g. warfarin, apixaban, rivaroxaban, edoxaban, dabigatran, clopidogrel, prasugrel, ticagrelor, daily aspirin)?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': 'Haematoma risk. Patients must never be told to stop these: only their prescriber decides.',
  'medication_classes': ['anticoagulant', 'antiplatelet']},
 {'code': 'OTC_BLEED',
  'question': 'In the last 7 days have you taken ibuprofen, naproxen, fish oil, vitamin E, ginkgo, garlic or ginseng supplements?',
  'applies_to': ['ALL'],
  'severity': 'CAUTION',
  'basis': 'C',
  'rationale': 'Increased bruising.',
  'medication_classes': ['nsaid', 'bleeding_supplement']},
 {'code': 'IMMUNOSUPPRESSED',
  'question': 'Do you take steroid tablets, methotrexate, biologics or transplant medicines, or have an illness that weakens immunity?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'C',
  'rationale': 'Infection and poor healing.',
  'medication_classes': ['immunosuppressant', 'systemic_steroid']},
 {'code': 'AUTOIMMUNE',
  'question': 'Do you have lupus, scleroderma, rheumatoid arthritis, vasculitis, vitiligo, psoriasis or alopecia areata?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'C',
  'rationale': 'Flare or new lesions at needle sites; alopecia areata belongs with a dermatologist.'},
 {'code': 'DIABETES', 'question': 'Do you have diabetes? Is it treated with insulin?', 'applies_to': ['ALL'], 'severity': 'RELATIVE', 'basis': 'C', 'rationale': 'Infection and slow healing.'},
 {'code': 'CANCER_ACTIVE',
  'question': 'Are you having chemotherapy, radiotherapy or immunotherapy now?',
  'applies_to': ['ALL'],
  'severity': 'ABSOLUTE',
  'basis': 'C',
  'rationale': 'Immunosuppression.',
  'medication_classes': ['chemotherapy']},
 {'code': 'CANCER_HX',
  'question': 'Have you had cancer before, especially skin cancer in the treatment area?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'C',
  'rationale': 'Needs oncology clearance; never inject over lesions.'},
 {'code': 'CARDIO',
  'question': 'Do you have heart disease, a heart-rhythm problem, a pacemaker, uncontrolled blood pressure, or a history of stroke?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'C',
  'rationale': 'Vasoactive ingredients (aminophylline, minoxidil) and local anaesthetic load.',
  'medication_classes': ['antiarrhythmic']},
 {'code': 'VTE',
  'question': 'Have you had a DVT or pulmonary embolism?',
  'applies_to': ['CELL', 'FAT'],
  'severity': 'RELATIVE',
  'basis': 'C',
  'rationale': 'Usually anticoagulated; body-area treatment.'},
 {'code': 'RENAL_HEPATIC',
  'question': 'Do you have kidney or liver disease?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'severity_by_indication': {'FAT': 'ABSOLUTE'},
  'basis': 'E',
  'rationale': 'Liver and kidney injury reported with phosphatidylcholine/deoxycholate.'},
 {'code': 'EPILEPSY', 'question': 'Do you have epilepsy or have you had seizures?', 'applies_to': ['ALL'], 'severity': 'RELATIVE', 'basis': 'C', 'rationale': 'Local anaesthetic toxicity; fainting.'},
 {'code': 'ISOTRETINOIN',
  'question': 'Have you taken isotretinoin (Roaccutane) in the last 6 months?',
  'applies_to': ['SKIN', 'HAIR'],
  'severity': 'CAUTION',
  'basis': 'E',
  'rationale': 'Consensus finds little evidence for delaying superficial procedures; the 6-12 month wait is convention, so the clinic can raise it.',
  'medication_classes': ['retinoid_systemic']},
 {'code': 'ALLERGY_LA',
  'question': 'Have you reacted to lidocaine, prilocaine, dental anaesthetic or numbing cream?',
  'applies_to': ['ALL'],
  'severity': 'ABSOLUTE',
  'scope': 'agent',
  'basis': 'E',
  'rationale': 'Use an anaesthetic-free protocol; no numbing cream.',
  'ingredients': ['lidocaine', 'prilocaine'],
  'always_used': True,
  'allergens': ['lidocaine', 'lignocaine', 'xylocaine', 'prilocaine', 'emla', 'articaine', 'mepivacaine', 'dental anaesthetic', 'local anaesthetic', 'numbing cream']},
 {'code': 'METHB',
  'question': 'Do you have G6PD deficiency or methaemoglobinaemia?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': 'Prilocaine (EMLA-type cream) can cause methaemoglobinaemia.'},
 {'code': 'ALLERGY_SOY_EGG',
  'question': 'Are you allergic to soy, peanut or egg?',
  'applies_to': ['FAT'],
  'severity': 'ABSOLUTE',
  'scope': 'agent',
  'basis': 'E',
  'rationale': 'Phosphatidylcholine is made from soy or egg lecithin.',
  'ingredients': ['phosphatidylcholine'],
  'allergens': ['soy', 'soya', 'soybean', 'soy lecithin', 'lecithin', 'peanut', 'groundnut', 'arachis oil', 'egg', 'egg yolk']},
 {'code': 'ALLERGY_HA',
  'question': 'Have you reacted to a hyaluronic acid filler or skin booster?',
  'applies_to': ['SKIN', 'HAIR'],
  'severity': 'ABSOLUTE',
  'scope': 'agent',
  'basis': 'E',
  'rationale': 'Allergy to a product component.',
  'ingredients': ['hyaluronic acid'],
  'allergens': ['hyaluronic acid', 'hyaluronan', 'sodium hyaluronate', 'dermal filler', 'skin booster', 'profhilo']},
 {'code': 'ALLERGY_INGREDIENTS',
  'question': 'Are you allergic to any vitamin (e.g. B1), amino acid, aminophylline or caffeine, benzyl alcohol, or fish?',
  'applies_to': ['ALL'],
  'severity': 'ABSOLUTE',
  'scope': 'agent',
  'basis': 'C',
  'rationale': 'Exclude the matching product by ingredient.',
  'ingredients': ['thiamine', 'amino acids', 'aminophylline', 'caffeine', 'benzyl alcohol', 'polynucleotides'],
  'allergens': ['thiamine', 'vitamin b1', 'amino acid', 'aminophylline', 'theophylline', 'caffeine', 'benzyl alcohol', 'fish', 'salmon', 'polynucleotide']},
 {'code': 'ALLERGY_HAIRDRUGS',
  'question': 'Have you reacted to minoxidil (Regaine), finasteride or dutasteride?',
  'applies_to': ['HAIR'],
  'severity': 'ABSOLUTE',
  'scope': 'agent',
  'basis': 'E',
  'rationale': 'Allergy to a product component.',
  'ingredients': ['minoxidil', 'finasteride', 'dutasteride'],
  'allergens': ['minoxidil', 'regaine', 'rogaine', 'finasteride', 'propecia', 'dutasteride', 'avodart']},
 {'code': 'HAIR_5ARI_FERTILE',
  'question': 'Could you become pregnant during the course? (scalp cocktails may contain dutasteride or finasteride)',
  'applies_to': ['HAIR'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': '5-alpha-reductase inhibitors can harm a male fetus.'},
 {'code': 'LATEX',
  'question': 'Are you allergic to latex?',
  'applies_to': ['ALL'],
  'severity': 'CAUTION',
  'basis': 'E',
  'rationale': 'Use nitrile gloves; flag the room.',
  'allergens': ['latex', 'rubber']},
 {'code': 'SKIN_PREP',
  'question': 'Have you reacted to chlorhexidine, alcohol wipes or iodine?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': 'Anaphylaxis to chlorhexidine is documented (MHRA alert).',
  'allergens': ['chlorhexidine', 'hibiclens', 'alcohol wipes', 'isopropyl alcohol', 'iodine', 'povidone-iodine', 'betadine']},
 {'code': 'ANAPHYLAXIS_HX', 'question': 'Have you ever had anaphylaxis?', 'applies_to': ['ALL'], 'severity': 'RELATIVE', 'basis': 'C', 'rationale': 'Emergency readiness.'},
 {'code': 'HSV_FACE',
  'question': 'Do you get cold sores? Did one follow a previous treatment?',
  'applies_to': ['SKIN'],
  'severity': 'CAUTION',
  'escalate_to': 'RELATIVE',
  'escalate_when': 'frequent, or after a past procedure',
  'basis': 'E',
  'rationale': 'Decide on antiviral prophylaxis.'},
 {'code': 'RECENT_PROC',
  'question': 'In the past or next 2 weeks: fillers, anti-wrinkle injections, peels, laser, microneedling or surgery in this area? Any permanent filler or implant there?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'C',
  'rationale': 'Overlapping reactions.'},
 {'code': 'DYSPHAGIA_NECK',
  'question': 'Do you have trouble swallowing, an enlarged thyroid, or lumps in your neck?',
  'applies_to': ['FAT'],
  'areas': ['submental'],
  'severity': 'ABSOLUTE',
  'basis': 'E',
  'rationale': 'Product label: avoid with current or past dysphagia.'},
 {'code': 'BMI_WEIGHT',
  'question': 'Height and weight (BMI is calculated); has your weight been stable within 5% for 6 months?',
  'applies_to': ['FAT', 'CELL'],
  'severity': 'RELATIVE',
  'thresholds': {'FAT': {'RELATIVE_BMI_AT_LEAST': 30, 'ABSOLUTE_BMI_AT_LEAST': 40}, 'CELL': {'CAUTION_BMI_AT_LEAST': 30}},
  'basis': 'E',
  'rationale': 'Not a weight-loss treatment; trials excluded BMI 40 and over. Unstable weight is RELATIVE.'},
 {'code': 'HAIR_DX',
  'question': 'Has your hair loss been diagnosed? Is it patchy, scarring or sudden? Have thyroid and iron been checked?',
  'applies_to': ['HAIR'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': 'Evidence covers pattern hair loss only.'},
 {'code': 'BDD_SCREEN',
  'question': 'Body dysmorphic disorder screen (preoccupation, distress, impairment).',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': 'A positive screen means no treatment without review.'},
 {'code': 'EXPECTATIONS',
  'question': 'What result do you expect? Have you been unhappy with past procedures? Is this your own decision?',
  'applies_to': ['ALL'],
  'severity': 'RELATIVE',
  'basis': 'E',
  'rationale': 'Consent must be voluntary and expectations realistic (GMC).'},
 {'code': 'SMOKING', 'question': 'Do you smoke or vape nicotine?', 'applies_to': ['ALL'], 'severity': 'CAUTION', 'basis': 'C', 'rationale': 'Slower healing.'},
 {'code': 'ALCOHOL',
  'question': 'How many units of alcohol a week? Will you drink in the 24 hours before treatment?',
  'applies_to': ['ALL'],
  'severity': 'CAUTION',
  'basis': 'C',
  'rationale': 'Bruising.'},
 {'code': 'PIH', 'question': 'Does your skin darken after spots or cuts?', 'applies_to': ['ALL'], 'severity': 'CAUTION', 'basis': 'C', 'rationale': 'Post-inflammatory pigmentation risk.'}]

MEDICATION_CLASSES = {'anticoagulant': ['warfarin',
                   'coumadin',
                   'apixaban',
                   'eliquis',
                   'rivaroxaban',
                   'xarelto',
                   'edoxaban',
                   'lixiana',
                   'savaysa',
                   'dabigatran',
                   'pradaxa',
                   'heparin',
                   'enoxaparin',
                   'clexane',
                   'dalteparin',
                   'fragmin',
                   'tinzaparin'],
 'antiplatelet': ['aspirin', 'clopidogrel', 'plavix', 'prasugrel', 'efient', 'ticagrelor', 'brilique', 'brilinta', 'dipyridamole'],
 'nsaid': ['ibuprofen', 'nurofen', 'advil', 'naproxen', 'aleve', 'diclofenac', 'voltarol', 'celecoxib'],
 'bleeding_supplement': ['fish oil', 'omega-3', 'vitamin e', 'ginkgo', 'garlic', 'ginseng', 'turmeric'],
 'immunosuppressant': ['methotrexate', 'azathioprine', 'ciclosporin', 'cyclosporine', 'tacrolimus', 'mycophenolate', 'adalimumab', 'humira', 'etanercept', 'infliximab'],
 'systemic_steroid': ['prednisolone', 'prednisone', 'dexamethasone', 'hydrocortisone tablets'],
 'chemotherapy': ['capecitabine', 'cyclophosphamide', 'doxorubicin', 'paclitaxel', 'docetaxel', 'carboplatin', 'cisplatin', 'pembrolizumab', 'nivolumab'],
 'retinoid_systemic': ['isotretinoin', 'roaccutane', 'accutane', 'acitretin'],
 'antiarrhythmic': ['amiodarone', 'flecainide', 'sotalol', 'dronedarone']}

FIELDS = ("question", "applies_to", "areas", "severity", "severity_by_indication", "defer", "scope", "ingredients",
          "always_used", "allergens", "medication_classes", "thresholds", "escalate_to", "basis", "rationale")

CONSENT = """I agree to a course of {name} by mesotherapy on the area(s) I have chosen: {areas}.

What it involves: a course of {s_min} to {s_max} sessions (usually {s_default}), about {interval} days apart, of many small injections of a solution containing {ingredients}. My practitioner confirms the number of sessions after reviewing my health questionnaire.{maintenance}

Common effects: redness, swelling, small bumps, tenderness and bruising at the injection points, usually settling within a few days{fat_swelling}.

Rare risks: infection (including late infections 1 to 12 weeks after treatment that need medical care), allergic reaction (including to the numbing cream), lumps or nodules, changes in skin colour, scarring, uneven results{area_risks}.

Alternatives: not having treatment; other treatments my practitioner has explained.

Aftercare: I will follow the aftercare advice given after every session, and contact the clinic urgently about worsening redness, warmth, swelling or pain, pus, fever, blisters, skin turning white or dusky, or difficulty breathing or swallowing.

I confirm that the information in my health questionnaire is true and complete, that I will tell the clinic about any change before each session, and that I can withdraw this consent at any time."""


def consent_body(treatment):
    areas = ", ".join(area.name.lower() for area in treatment.areas.all())
    ingredients = ", ".join(i.name for i in treatment.ingredients.all()) or "the active ingredients explained to me"
    maintenance = (
        f" Maintenance sessions about every {treatment.maintenance_every_days} days keep the results."
        if treatment.maintenance_every_days else " No maintenance sessions are needed."
    )
    area_risks = {
        "FAT": "; after treatment under the chin, rarely, temporary difficulty swallowing or a lopsided smile (nerve injury)",
        "HAIR": "; rarely, temporary shedding or patchy hair loss",
    }.get(treatment.indication, "")
    return CONSENT.format(
        name=treatment.name.lower(), areas=areas, s_min=treatment.sessions_min, s_max=treatment.sessions_max,
        s_default=treatment.sessions_default, interval=treatment.interval_default_days, ingredients=ingredients,
        maintenance=maintenance, fat_swelling="; after fat reduction, swelling can last one to two weeks" if treatment.indication == "FAT" else "",
        area_risks=area_risks,
    )


def seed(apps, schema_editor):
    Item = apps.get_model("intake", "ContraindicationItem")
    MedicationClass = apps.get_model("intake", "MedicationClass")
    CatalogueVersion = apps.get_model("intake", "CatalogueVersion")
    ConsentText = apps.get_model("intake", "ConsentText")
    Treatment = apps.get_model("treatments", "Treatment")
    for position, item in enumerate(CATALOGUE):
        defaults = {field: item.get(field) for field in FIELDS if field in item}
        defaults = {k: ("" if v is None and k in ("scope", "escalate_to") else v) for k, v in defaults.items()}
        Item.objects.update_or_create(code=item["code"], defaults={**defaults, "position": position})
    for name, names in MEDICATION_CLASSES.items():
        MedicationClass.objects.update_or_create(name=name, defaults={"names": names})
    if not CatalogueVersion.objects.exists():
        CatalogueVersion.objects.create(number=1, note=VERSION_NOTE)
    for treatment in Treatment.objects.all():
        if not ConsentText.objects.filter(treatment=treatment).exists():
            ConsentText.objects.create(treatment=treatment, version=1, body=consent_body(treatment))


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial"), ("treatments", "0002_seed_catalogue")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
