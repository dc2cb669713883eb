//! A sweep's `report.html`: the sweep's axes, a table of every variant and policy with the
//! objective, the regret and the difference to the baseline (95% intervals), and links to the
//! variants' own reports.

use super::ReportError;
use super::html::{escape, head};
use crate::error::at_path;
use crate::output::table::thousands;
use crate::stats::Interval;
use crate::sweep::Sweep;
use crate::sweep::output::SweepRow;
use std::fmt::Write;
use std::path::Path;

/// Draws the sweep's page into `folder`.
pub fn draw(folder: &Path, sweep: &Sweep, rows: &[Vec<SweepRow>]) -> Result<(), ReportError> {
    let page = page(sweep, rows);
    let path = folder.join("report.html");
    at_path(&path, std::fs::write(&path, page))?;
    Ok(())
}

fn interval(i: &Interval) -> String {
    format!(
        "{} <span class=\"muted\">± {}</span>",
        thousands(i.mean, 0),
        thousands((i.high - i.low) / 2.0, 0)
    )
}

/// The page's HTML.
pub fn page(sweep: &Sweep, rows: &[Vec<SweepRow>]) -> String {
    let mut html = head(&format!("{}: sweep", sweep.name), true);
    let _ = write!(
        html,
        "<h1>{}: sweep of {} variants</h1>\n<p>{}</p>\n<p>Axes ({}): {}.</p>\n",
        escape(&sweep.name),
        sweep.variants.len(),
        escape(&sweep.description),
        sweep.mode.as_str(),
        sweep
            .axes
            .iter()
            .map(|a| format!(
                "<code>{}</code> = {}",
                escape(&a.path),
                escape(
                    &(0..a.values.len())
                        .map(|i| a.value_text(i))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let objective = rows
        .first()
        .and_then(|r| r.first())
        .map_or("objective", |r| r.objective_name.as_str());
    html.push_str("<table><tr><th>variant</th>");
    for axis in &sweep.axes {
        let _ = write!(html, "<th>{}</th>", escape(&axis.label));
    }
    let _ = writeln!(
        html,
        "<th>policy</th><th>{objective} (total)</th><th>regret</th><th>vs baseline</th></tr>"
    );
    for (variant, rows) in sweep.variants.iter().zip(rows) {
        let mut ranked: Vec<&SweepRow> = rows.iter().collect();
        ranked.sort_by_key(|r| r.summary.rank);
        for row in ranked {
            let _ = write!(
                html,
                "<tr><td><a href=\"{0}/report.html\">{0}</a></td>",
                escape(&variant.name)
            );
            for (axis, &i) in sweep.axes.iter().zip(&variant.values) {
                let _ = write!(html, "<td>{}</td>", escape(&axis.value_text(i)));
            }
            let _ = writeln!(
                html,
                "<td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&row.summary.policy),
                interval(&row.objective),
                interval(&row.summary.regret),
                row.summary
                    .vs_baseline
                    .as_ref()
                    .map_or_else(|| "–".into(), interval)
            );
        }
    }
    html.push_str("</table>\n<p class=\"muted\">± = 95% interval over replications; money totalled over the horizon; vs baseline = paired difference in the objective, same market draws.</p>\n</body></html>\n");
    html
}
