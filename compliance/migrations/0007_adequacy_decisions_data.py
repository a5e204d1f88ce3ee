"""The adequacy decisions in force when this register gained the AdequacyDecision table (GDPR Art. 45).

The UK decision (EU 2021/1772) had a sunset on 27 June 2025; the Commission renewed it in December 2025
until 27 December 2031. The others have no end date; the operator records later decisions in the admin.
"""

import datetime as dt

from django.db import migrations

DECISIONS = [
    ("AD", "Andorra (2010/625/EU)", dt.date(2010, 10, 19), None),
    ("AR", "Argentina (2003/490/EC)", dt.date(2003, 6, 30), None),
    ("CA", "Canada, commercial organisations (2002/2/EC)", dt.date(2001, 12, 20), None),
    ("FO", "Faroe Islands (2010/146/EU)", dt.date(2010, 3, 5), None),
    ("GG", "Guernsey (2003/821/EC)", dt.date(2003, 11, 21), None),
    ("IL", "Israel (2011/61/EU)", dt.date(2011, 1, 31), None),
    ("IM", "Isle of Man (2004/411/EC)", dt.date(2004, 4, 28), None),
    ("JP", "Japan (EU 2019/419)", dt.date(2019, 1, 23), None),
    ("JE", "Jersey (2008/393/EC)", dt.date(2008, 5, 8), None),
    ("NZ", "New Zealand (2013/65/EU)", dt.date(2012, 12, 19), None),
    ("KR", "Republic of Korea (EU 2022/254)", dt.date(2021, 12, 17), None),
    ("CH", "Switzerland (2000/518/EC)", dt.date(2000, 7, 26), None),
    ("GB", "United Kingdom (EU 2021/1772, renewed in December 2025)", dt.date(2021, 6, 28), dt.date(2031, 12, 27)),
    ("UY", "Uruguay (2012/484/EU)", dt.date(2012, 8, 21), None),
    ("US", "EU-US Data Privacy Framework (EU 2023/1795), certified organisations only", dt.date(2023, 7, 10), None),
]


def load(apps, schema_editor):
    AdequacyDecision = apps.get_model("compliance", "AdequacyDecision")
    for country, title, adopted_on, expires_on in DECISIONS:
        AdequacyDecision.objects.update_or_create(
            country=country, defaults={"title": title, "adopted_on": adopted_on, "expires_on": expires_on}
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0006_adequacydecision_historicaladequacydecision_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
