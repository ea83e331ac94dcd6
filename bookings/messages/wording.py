"""The clinical wording of patient messages, from the clinic's guidance (protocols.json)."""

BEFORE_7_DAYS = (
    "Unless prescribed, avoid ibuprofen/naproxen, fish oil, vitamin E, ginkgo, garlic and ginseng for 7 days. "
    "Never stop a prescribed blood thinner or aspirin without your prescriber."
)
BEFORE_24_48_HOURS = (
    "No alcohol in the 24 hours before. No retinoids, acids, waxing, peels or laser on the area. If you have a cold "
    "sore, rash or feel unwell, rebook. Numbing cream: apply as instructed (lidocaine cream 20-30 minutes before; "
    "EMLA-type at least 60 minutes under a dressing). Scalp: wash hair, no styling products."
)
AFTER_SESSION = (
    "Face: no make-up for 12-24 hours; do not touch or massage the area. Scalp: no hair washing for 24 hours. For "
    "24-48 hours: no strenuous exercise, sauna, steam, hot tub or swimming; avoid sun and sunbeds and use SPF; no "
    "alcohol for 24 hours. No other treatment on the same area for 2 weeks. Fat reduction: swelling can last 1-2 "
    "weeks; use cold compresses; no strenuous activity for 3 days. Swelling, redness and bruising usually settle "
    "within a few days."
)
CHECK_IN = "Is swelling, redness or bruising easing? Any pain, cold sores or new lumps?"
SEEK_HELP = (
    "Contact us urgently for redness, warmth or swelling that worsens after 48 hours; worsening pain, pus or new "
    "tender lumps (even weeks later); fever or chills; blisters or cold sores; skin turning white, dusky or blue; "
    "hives or swelling of the lips, tongue or face or difficulty breathing (call 999); difficulty swallowing or a "
    "lopsided smile after chin treatment; patchy hair loss after scalp treatment."
)
COURSE_END = (
    "Your course is complete. Results usually last several months to a year; maintenance sessions keep them. "
    "Rarely, infections appear 1-12 weeks after treatment: contact us about any new tender lump."
)
