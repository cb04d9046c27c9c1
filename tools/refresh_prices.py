#!/usr/bin/env python3
"""Refreshes provider/service/facts/prices.json, the prices the plan's monthly_cost uses, from
AWS's public Price List bulk API (no credentials needed):

    python3 tools/refresh_prices.py                      # the Regions the table has
    python3 tools/refresh_prices.py --region eu-west-1   # and add one

For each Region it reads the regional AmazonECS offer (Fargate on demand, Linux, x86 and ARM,
ephemeral storage) and the AmazonCloudWatch offer (alarms, high-resolution alarms, the first
tier of metrics), and writes the figures with the offers' URLs as sources and the later of
their publication dates as the price date. What the Price List does not carry (the hours in a
month, Fargate Spot's greatest discount) is kept as the table has it, with its source.

A Region whose offers lack one of the figures is not written: a cost from a partial table
would be wrong, and the plan gives null for a Region without prices instead.
"""

import argparse
import json
import pathlib
import sys
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "provider" / "service" / "facts" / "prices.json"
OFFER = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{offer}/current/{region}/index.json"

# The usage types, without the Region prefix their names carry (USE1-, EU-, APN1-, ...; some
# of us-east-1's CloudWatch types have none).
FARGATE = {
    ("x86_64", "vcpu_hour"): "Fargate-vCPU-Hours:perCPU",
    ("x86_64", "gb_hour"): "Fargate-GB-Hours",
    ("arm64", "vcpu_hour"): "Fargate-ARM-vCPU-Hours:perCPU",
    ("arm64", "gb_hour"): "Fargate-ARM-GB-Hours",
    (None, "ephemeral_storage_gb_hour"): "Fargate-EphemeralStorage-GB-Hours",
}
CLOUDWATCH = {
    "alarm_metric_month": "CW:AlarmMonitorUsage",
    "high_resolution_alarm_metric_month": "CW:HighResAlarmMonitorUsage",
    "metric_month": "CW:MetricMonitorUsage",
}


class Missing(Exception):
    """An offer lacks a figure the table needs."""


def matches(usage_type, wanted):
    """Whether a usage type is `wanted`, with or without its Region prefix."""
    if usage_type == wanted:
        return True
    _, _, rest = usage_type.partition("-")
    return rest == wanted


def on_demand_price(offer, wanted):
    """The on-demand USD price of the product with usage type `wanted`: its lowest paid tier
    (a free allowance priced 0 does not count)."""
    for sku, product in offer.get("products", {}).items():
        if not matches(product.get("attributes", {}).get("usagetype", ""), wanted):
            continue
        tiers = []
        for term in offer.get("terms", {}).get("OnDemand", {}).get(sku, {}).values():
            for dim in term.get("priceDimensions", {}).values():
                usd = float(dim.get("pricePerUnit", {}).get("USD", "0"))
                if usd > 0:
                    tiers.append((float(dim.get("beginRange", "0")), usd))
        if tiers:
            return min(tiers)[1]
    raise Missing(wanted)


def region_prices(region, ecs, cloudwatch, ecs_url, cloudwatch_url):
    """One Region's entry of the table, from its two offers (parsed JSON)."""
    fargate = {"x86_64": {}, "arm64": {}}
    for (arch, field), usage in FARGATE.items():
        price = on_demand_price(ecs, usage)
        if arch is None:
            fargate[field] = price
        else:
            fargate[arch][field] = price
    cw = {field: on_demand_price(cloudwatch, usage) for field, usage in CLOUDWATCH.items()}
    dates = [o.get("publicationDate", "")[:10] for o in (ecs, cloudwatch)]
    return {
        "price_date": max(dates),
        "sources": [
            f"{ecs_url} (AmazonECS offer published {dates[0]}, read by tools/refresh_prices.py)",
            f"{cloudwatch_url} (AmazonCloudWatch offer published {dates[1]}, read by tools/refresh_prices.py)",
        ],
        "fargate": fargate,
        "cloudwatch": cw,
    }


def fetch(url):
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (a fixed https URL)
        return json.load(response)


def refresh(table, regions, get=fetch):
    """`table` with `regions` read again; returns it and the Regions that could not be."""
    failed = []
    for region in regions:
        ecs_url = OFFER.format(offer="AmazonECS", region=region)
        cw_url = OFFER.format(offer="AmazonCloudWatch", region=region)
        try:
            entry = region_prices(region, get(ecs_url), get(cw_url), ecs_url, cw_url)
        except (Missing, OSError, ValueError) as e:
            failed.append(f"{region}: {e}")
            continue
        table["regions"][region] = entry
    table["regions"] = dict(sorted(table["regions"].items()))
    return table, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", action="append", default=[], help="a Region to add")
    parser.add_argument("--table", default=str(TABLE), help="the table to rewrite")
    args = parser.parse_args()
    path = pathlib.Path(args.table)
    table = json.loads(path.read_text())
    regions = sorted(set(table["regions"]) | set(args.region))
    table, failed = refresh(table, regions)
    path.write_text(json.dumps(table, indent=2) + "\n")
    for f in failed:
        print(f"not refreshed: {f}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
