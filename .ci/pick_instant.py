"""Print a UTC instant within the next three years at which CI runs the suite a second time under faketime.

About half the picks are the nights that break date code in Oslo: the spring and autumn clock changes and
New Year's Eve, each started shortly before the change so that the run crosses it. The rest are uniform.
"""

import datetime as dt
import random
import sys
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def transitions(start: dt.datetime, end: dt.datetime):
    """UTC instants at which Oslo's UTC offset changes, found hour by hour (no table to go stale)."""
    moment = start.replace(minute=0, second=0, microsecond=0)
    offset = moment.astimezone(OSLO).utcoffset()
    while moment < end:
        moment += dt.timedelta(hours=1)
        new = moment.astimezone(OSLO).utcoffset()
        if new != offset:
            yield moment
            offset = new


def candidates(now: dt.datetime) -> list[dt.datetime]:
    end = now + dt.timedelta(days=3 * 365)
    special = list(transitions(now, end))
    for year in range(now.year, end.year + 1):
        midnight = dt.datetime(year + 1, 1, 1, tzinfo=OSLO).astimezone(dt.UTC)
        if now < midnight < end:
            special.append(midnight)
    return [moment - dt.timedelta(seconds=40) for moment in special]


def main() -> None:
    now = dt.datetime.now(dt.UTC)
    rng = random.Random()
    if rng.random() < 0.5:
        instant = rng.choice(candidates(now))
    else:
        instant = now + dt.timedelta(seconds=rng.randrange(3 * 365 * 24 * 3600))
    sys.stdout.write(instant.strftime("%Y-%m-%d %H:%M:%S") + "\n")


if __name__ == "__main__":
    main()
