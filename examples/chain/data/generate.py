#!/usr/bin/env python3
"""Writes actuals.csv of the Northwind Home example: 24 stores, 24 months (2025-01 .. 2026-12).

Deterministic (a fixed seed) and standard library only: `python3 data/generate.py` from
examples/chain rewrites the file byte for byte. Each store has a size, a region and a
character (some improve faster than others); every series has seasonality, a slow trend and
noise, so that the group's targets are ambitious but reachable and the stores differ.
"""
import math
import random
from pathlib import Path

REGIONS = {
    "north": ["leeds", "york", "hull", "bradford", "sheffield", "newcastle"],
    "midlands": ["birmingham", "coventry", "leicester", "nottingham", "derby", "stoke"],
    "south": ["brighton", "southampton", "reading", "oxford", "portsmouth", "guildford"],
    "west": ["bristol", "bath", "exeter", "plymouth", "gloucester", "swindon"],
}
MONTHS = [f"{2025 + m // 12}-{m % 12 + 1:02d}" for m in range(24)]

random.seed(2026)


def season(month: int) -> float:
    """Home goods sell more in spring and before Christmas."""
    m = month % 12
    return 1.0 + 0.10 * math.sin((m - 2) / 12 * 2 * math.pi) + (0.22 if m == 10 else 0.0) + (0.30 if m == 11 else 0.0)


def rows():
    for region, stores in REGIONS.items():
        for i, store in enumerate(stores):
            size = random.uniform(0.7, 1.4)  # relative to an average store
            pace = random.uniform(0.4, 1.6)  # how fast the store improves
            area = round(1800 * size / 50) * 50  # m², changes once
            headcount = max(18, round(38 * size))
            for m, period in enumerate(MONTHS):
                t = m / 23
                noise = lambda spread: random.gauss(0, spread)
                transactions = round(21000 * size * season(m) * (1 + 0.05 * t * pace + noise(0.02)))
                basket = 23.5 * (1 + 0.07 * t * pace + noise(0.012))
                sales = round(transactions * basket)
                margin = 0.368 + 0.022 * t * pace + noise(0.003)
                cogs = round(sales * (1 - margin))
                deliveries = round(transactions * 0.09 * (1 + noise(0.03)))
                otif = min(0.995, 0.905 + 0.042 * t * pace + noise(0.006))
                on_time = round(deliveries * otif)
                complaints = max(0, round(transactions * (0.0042 - 0.0013 * t * pace + noise(0.0002))))
                shrink = round(sales * (0.0165 - 0.0045 * t * pace + noise(0.0006)))
                nps = round(31 + 11 * t * pace + noise(1.5), 1)
                leavers = max(0, round(headcount * (0.034 - 0.012 * t * pace) + noise(0.4)))
                training = round(headcount * (2.6 + 1.3 * t * pace + noise(0.15)), 1)
                staff = headcount + (1 if m >= 12 and i % 3 == 0 else 0)
                floor = area + (150 if m >= 15 and i == 2 else 0)
                for metric, value in [
                    ("sales", sales),
                    ("cogs", cogs),
                    ("transactions", transactions),
                    ("deliveries", deliveries),
                    ("on_time", on_time),
                    ("complaints", complaints),
                    ("shrink", shrink),
                    ("nps_score", nps),
                    ("leavers", leavers),
                    ("headcount", staff),
                    ("training_hours", training),
                    ("floor_area", floor),
                ]:
                    yield f"{period},{store},{metric},{value}"


out = Path(__file__).with_name("actuals.csv")
out.write_text("period,org,metric,value\n" + "\n".join(rows()) + "\n")
