"""tools/refresh_prices.py on offers shaped as AWS's Price List bulk files, offline."""

import json
import pathlib
import unittest

import refresh_prices as rp


def offer(date, rows):
    """An offer file with one product per (usage type, [(begin range, USD)])."""
    products, on_demand = {}, {}
    for i, (usage, tiers) in enumerate(rows):
        sku = f"SKU{i}"
        products[sku] = {"sku": sku, "attributes": {"usagetype": usage}}
        on_demand[sku] = {
            f"{sku}.JRTCKXETXF": {
                "priceDimensions": {
                    f"{sku}.JRTCKXETXF.{j}": {
                        "beginRange": str(begin),
                        "pricePerUnit": {"USD": f"{usd:.10f}"},
                    }
                    for j, (begin, usd) in enumerate(tiers)
                }
            }
        }
    return {"publicationDate": date, "products": products, "terms": {"OnDemand": on_demand}}


ECS = offer(
    "2026-09-11T10:00:00Z",
    [
        ("EU-Fargate-vCPU-Hours:perCPU", [(0, 0.04048)]),
        ("EU-SpotUsage-Fargate-vCPU-Hours:perCPU", [(0, 0.0122)]),
        ("EU-Fargate-Windows-vCPU-Hours:perCPU", [(0, 0.09148)]),
        ("EU-Fargate-GB-Hours", [(0, 0.004445)]),
        ("EU-Fargate-ARM-vCPU-Hours:perCPU", [(0, 0.03238)]),
        ("EU-Fargate-ARM-GB-Hours", [(0, 0.00356)]),
        ("EU-Fargate-EphemeralStorage-GB-Hours", [(0, 0.000111)]),
    ],
)
CLOUDWATCH = offer(
    "2026-03-13T17:42:19Z",
    [
        ("EU-CW:AlarmMonitorUsage", [(0, 0.10)]),
        ("EU-CW:HighResAlarmMonitorUsage", [(0, 0.30)]),
        # A free allowance, then the paid tiers.
        ("EU-CW:MetricMonitorUsage", [(0, 0.0), (10, 0.30), (10000, 0.10)]),
    ],
)


class RefreshPrices(unittest.TestCase):
    def test_a_region_is_read_from_its_offers(self):
        entry = rp.region_prices("eu-west-1", ECS, CLOUDWATCH, "https://e", "https://c")
        self.assertEqual(entry["fargate"]["x86_64"], {"vcpu_hour": 0.04048, "gb_hour": 0.004445})
        self.assertEqual(entry["fargate"]["arm64"], {"vcpu_hour": 0.03238, "gb_hour": 0.00356})
        self.assertEqual(entry["fargate"]["ephemeral_storage_gb_hour"], 0.000111)
        self.assertEqual(
            entry["cloudwatch"],
            {
                "alarm_metric_month": 0.10,
                "high_resolution_alarm_metric_month": 0.30,
                "metric_month": 0.30,
            },
        )
        self.assertEqual(entry["price_date"], "2026-09-11")
        self.assertTrue(all(s.startswith("https://") for s in entry["sources"]))

    def test_us_east_1_cloudwatch_types_have_no_prefix(self):
        cw = offer("2026-03-13", [("CW:AlarmMonitorUsage", [(0, 0.1)])])
        self.assertEqual(rp.on_demand_price(cw, "CW:AlarmMonitorUsage"), 0.1)

    def test_a_region_missing_a_figure_is_not_written(self):
        table = json.loads((rp.TABLE).read_text())
        before = dict(table["regions"])
        partial = offer("2026-09-11", [("APE1-Fargate-vCPU-Hours:perCPU", [(0, 0.05)])])
        urls = {}

        def get(url):
            urls[url] = True
            return partial if "AmazonECS" in url else CLOUDWATCH

        table, failed = rp.refresh(table, ["ap-east-1"], get)
        self.assertEqual(len(failed), 1)
        self.assertIn("Fargate-GB-Hours", failed[0])
        self.assertEqual(table["regions"], before)
        self.assertTrue(all(u.startswith("https://pricing.us-east-1.amazonaws.com/") for u in urls))

    def test_the_committed_table_has_what_the_provider_reads(self):
        table = json.loads(pathlib.Path(rp.TABLE).read_text())
        for region, entry in table["regions"].items():
            self.assertEqual(set(entry["fargate"]), {"x86_64", "arm64", "ephemeral_storage_gb_hour"}, region)
            self.assertEqual(set(entry["cloudwatch"]), set(rp.CLOUDWATCH), region)


if __name__ == "__main__":
    unittest.main()
