//! AWS's prices for what a service runs on, per Region, as data: `prices.json` beside this file,
//! each Region with the page or Price List offer it was read from and the date of the prices.
//! `tools/refresh_prices.py` rewrites it from AWS's public Price List; a Region that is not in
//! it has no prices, and the cost the plan shows is null rather than a guess.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The committed price table.
const TABLE: &str = include_str!("prices.json");

/// The whole table: what every Region shares, and each Region's prices.
#[derive(Debug, Clone, Deserialize)]
pub struct PriceTable {
    /// ISO 4217 code of every figure (AWS prices its public pages in USD).
    pub currency: String,
    /// The hours AWS's price pages count in a month.
    pub hours_per_month: f64,
    pub hours_source: String,
    /// The most Fargate Spot takes off the on-demand price, in percent; Spot prices move, so a
    /// Spot share is a range from this discount to none.
    pub spot_discount_up_to_percent: f64,
    pub spot_source: String,
    /// Ephemeral storage each task has without charge, in GB.
    pub ephemeral_storage_included_gb: f64,
    pub regions: BTreeMap<String, RegionPrices>,
}

/// One Region's prices.
#[derive(Debug, Clone, Deserialize)]
pub struct RegionPrices {
    /// The date the prices were published or read.
    pub price_date: String,
    /// Where they were read.
    pub sources: Vec<String>,
    pub fargate: FargatePrices,
    pub cloudwatch: CloudWatchPrices,
}

/// Fargate on demand, Linux, per hour.
#[derive(Debug, Clone, Deserialize)]
pub struct FargatePrices {
    pub x86_64: ComputePrices,
    pub arm64: ComputePrices,
    /// Per GB-hour of ephemeral storage above what is included.
    pub ephemeral_storage_gb_hour: f64,
}

/// One CPU architecture's prices.
#[derive(Debug, Clone, Deserialize)]
pub struct ComputePrices {
    pub vcpu_hour: f64,
    pub gb_hour: f64,
}

/// CloudWatch, per month.
#[derive(Debug, Clone, Deserialize)]
pub struct CloudWatchPrices {
    /// A standard-resolution (60 s or longer) alarm, per metric it evaluates.
    pub alarm_metric_month: f64,
    /// A high-resolution (10 or 30 s) alarm, per metric it evaluates.
    pub high_resolution_alarm_metric_month: f64,
    /// A custom metric (first tier), which is how ECS's 20-second metrics are billed.
    pub metric_month: f64,
}

static PARSED: LazyLock<Result<PriceTable, String>> =
    LazyLock::new(|| serde_json::from_str(TABLE).map_err(|e| e.to_string()));

/// The committed table, or why it does not parse (a test keeps it parsing).
pub fn price_table() -> Result<&'static PriceTable, &'static str> {
    PARSED.as_ref().map_err(String::as_str)
}

impl PriceTable {
    /// A Region's prices, if the table has them.
    pub fn region(&self, region: &str) -> Option<&RegionPrices> {
        self.regions.get(region)
    }
}

impl FargatePrices {
    /// The prices of an ECS `cpuArchitecture` (`X86_64` or `ARM64`).
    pub fn of(&self, architecture: &str) -> &ComputePrices {
        if architecture == "ARM64" {
            &self.arm64
        } else {
            &self.x86_64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_table_parses_and_every_region_is_sourced_and_dated() {
        let t = price_table().unwrap_or_else(|e| panic!("prices.json: {e}"));
        assert_eq!(t.currency, "USD");
        assert!(t.hours_per_month > 0.0 && !t.hours_source.is_empty());
        assert!((0.0..100.0).contains(&t.spot_discount_up_to_percent));
        assert!(!t.regions.is_empty());
        for (name, r) in &t.regions {
            assert!(!r.sources.is_empty(), "{name} has no source");
            assert!(
                r.sources.iter().all(|s| s.starts_with("https://")),
                "{name}: {:?}",
                r.sources
            );
            assert!(
                t.hours_source.starts_with("https://") && t.spot_source.starts_with("https://")
            );
            assert_eq!(r.price_date.len(), 10, "{name}: date {}", r.price_date);
            let f = &r.fargate;
            for p in [
                f.x86_64.vcpu_hour,
                f.x86_64.gb_hour,
                f.arm64.vcpu_hour,
                f.arm64.gb_hour,
                f.ephemeral_storage_gb_hour,
                r.cloudwatch.alarm_metric_month,
                r.cloudwatch.high_resolution_alarm_metric_month,
                r.cloudwatch.metric_month,
            ] {
                assert!(p > 0.0 && p < 1.0, "{name}: price {p}");
            }
            // Graviton is the cheaper of the two in every Region AWS prices.
            assert!(f.arm64.vcpu_hour < f.x86_64.vcpu_hour, "{name}");
        }
    }
}
