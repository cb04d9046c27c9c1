//! The budget: `max_monthly_cost` is a non-negative amount (at validation), and at plan the
//! service's `monthly_cost` (`change::monthly_cost`) is held against it. A Region the price
//! table has no prices for is said once, where the cost would have been shown.

use crate::service::change::{MonthlyCost, NoCost};
use crate::tfplugin::{Diagnostic, Diagnostics};
use crate::value::{AttributePath, Value};

use super::shared::{Checker, num};

impl Checker {
    /// `max_monthly_cost` is an amount of money.
    pub(super) fn max_monthly_cost(&mut self, config: &Value) {
        if let Some(max) = num(config.get("max_monthly_cost"))
            && max < 0.0
        {
            self.error(
                AttributePath::attr("max_monthly_cost"),
                "Invalid max_monthly_cost",
                format!("max_monthly_cost is an amount of money, 0 or more; got {max}."),
            );
        }
    }
}

/// The plan's cost diagnostics (check `cost`): above the budget, or no prices for the Region.
/// `shown` says whether the plan writes the cost now (a new service or a change); without a
/// budget, a Region without prices is reported only then.
pub fn cost_diagnostics(
    cost: &Result<MonthlyCost, NoCost>,
    max: &Value,
    shown: bool,
) -> Diagnostics {
    let at = AttributePath::attr("max_monthly_cost");
    let max = num(max);
    let mut out = Diagnostics::new();
    match cost {
        Ok(c) => {
            if let Some(max) = max
                && c.total_high > max + 0.005
            {
                let at_max = c
                    .at_max
                    .map(|m| format!("; at autoscaling's max the tasks alone cost {m:.2}"))
                    .unwrap_or_default();
                out.push(
                    Diagnostic::warning(
                        "Monthly cost above max_monthly_cost",
                        format!(
                            "The service costs up to {:.2} {} a month in {} (tasks {:.2}, alarms {:.2}, 20-second \
                             metrics {:.2}; prices of {}){at_max}, above max_monthly_cost = {max}. Smaller tasks, \
                             ARM64, a Fargate Spot share or fewer tasks lower it; see monthly_cost in the plan \
                             (check `cost`).",
                            c.total_high,
                            c.currency,
                            c.region,
                            c.tasks_high,
                            c.alarms,
                            c.high_resolution_metrics,
                            c.price_date,
                        ),
                    )
                    .at(at),
                );
            }
        }
        Err(NoCost::NoPrices(region)) if shown || max.is_some() => {
            let mut d = Diagnostic::warning(
                "No prices for the service's Region",
                format!(
                    "The provider's price table has no prices for {region}, so monthly_cost is null{}. \
                     tools/refresh_prices.py adds a Region from AWS's Price List (check `cost`).",
                    if max.is_some() {
                        " and max_monthly_cost is not checked"
                    } else {
                        ""
                    }
                ),
            );
            if max.is_some() {
                d = d.at(at);
            }
            out.push(d);
        }
        Err(NoCost::NoTable(why)) if shown || max.is_some() => out.push(Diagnostic::warning(
            "The price table does not read",
            format!("monthly_cost is null: the provider's price table does not parse ({why})."),
        )),
        Err(_) => {}
    }
    out
}
