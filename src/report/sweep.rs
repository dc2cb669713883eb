//! A sweep's `report.html`: the sweep's axes, its charts, a table of every variant and policy
//! with the objective, the regret and the difference to the baseline (95% intervals), and
//! links to the variants' own reports.
//!
//! The charts ([`super::charts::sweep`]) are written as PNG and SVG under `charts/` and
//! inlined in the page: for one axis (or zipped axes) the objective and the regret of each
//! policy against the axis; for two axes a map of the best policy and a heatmap of each
//! policy's objective; for more axes none, which the page says.

use super::charts::sweep::lines::SweepLines;
use super::charts::sweep::maps::{BestMap, Heatmap, shared_scale};
use super::charts::sweep::{Shape, SweepMeasure, SweepView};
use super::html::{InlineChart, escape, figure, head};
use super::{CHARTS_DIR, Drawn, ReportError, style, unique_stem};
use crate::error::at_path;
use crate::output::table::thousands;
use crate::stats::Interval;
use crate::sweep::Sweep;
use crate::sweep::output::SweepRow;
use std::fmt::Write;
use std::path::Path;

/// Draws the sweep's charts under `folder/charts/` and its page into `folder`.
pub fn draw(folder: &Path, sweep: &Sweep, rows: &[Vec<SweepRow>]) -> Result<(), ReportError> {
    let figures = draw_charts(folder, sweep, rows)?;
    let page = page(sweep, rows, &figures);
    let path = folder.join("report.html");
    at_path(&path, std::fs::write(&path, page))?;
    Ok(())
}

/// Draws the charts of the sweep's shape into `folder/charts/` (nothing, and no folder, when
/// it has none) and returns them ready to inline, in page order.
pub fn draw_charts(
    folder: &Path,
    sweep: &Sweep,
    rows: &[Vec<SweepRow>],
) -> Result<Vec<InlineChart>, ReportError> {
    let view = SweepView::new(sweep, rows);
    if view.shape == Shape::Unchartable {
        return Ok(Vec::new());
    }
    style::register_fonts();
    let charts = folder.join(CHARTS_DIR);
    at_path(&charts, std::fs::create_dir_all(&charts))?;
    let objective = &view.objective;
    let mut drawn = Drawn::new(&charts);
    match &view.shape {
        Shape::Line(axis) => {
            let path = &axis.title;
            drawn.add(
                SweepLines {
                    view: &view,
                    axis,
                    measure: SweepMeasure::Objective,
                },
                format!(
                    "Each policy's mean {objective} over the horizon at each value of {path}, \
                     with its 95% band across replications."
                ),
            );
            drawn.add(
                SweepLines {
                    view: &view,
                    axis,
                    measure: SweepMeasure::Regret,
                },
                format!(
                    "Each policy's mean regret against the oracle over the horizon at each value \
                     of {path}, with its 95% band: what learning cost at each setting."
                ),
            );
        }
        Shape::Grid(grid) => {
            let (across, up) = (&grid.columns.title, &grid.rows.title);
            let learners = view.policies.iter().any(|p| p.kind != "oracle");
            let oracle = view.policies.iter().any(|p| p.kind == "oracle");
            let left_out = if learners && oracle {
                ", the oracle left out"
            } else {
                ""
            };
            drawn.add(
                BestMap { view: &view, grid },
                format!(
                    "The policy with the highest mean {objective} at each combination of \
                     {across} (across) and {up} (up){left_out}; the table gives the intervals \
                     that tell a clear lead from a close one."
                ),
            );
            let scale = shared_scale(&view, grid);
            let mut stems = vec!["sweep-best".to_owned()];
            for (policy, info) in view.policies.iter().enumerate() {
                let stem = unique_stem(
                    &mut stems,
                    &format!("sweep-heatmap-{}", super::file_stem(&info.name)),
                );
                drawn.add(
                    Heatmap {
                        view: &view,
                        grid,
                        policy,
                        stem,
                        scale,
                    },
                    format!(
                        "Mean {objective} of {} over the horizon at each combination of {across} \
                         (across) and {up} (up), on a colour scale shared by every policy's map.",
                        info.name
                    ),
                );
            }
        }
        Shape::Unchartable => {}
    }
    drawn.draw()
}

fn interval(i: &Interval) -> String {
    format!(
        "{} <span class=\"muted\">± {}</span>",
        thousands(i.mean, 0),
        thousands((i.high - i.low) / 2.0, 0)
    )
}

/// The page's HTML, with `figures` (the sweep's charts, [`draw_charts`]) inlined.
pub fn page(sweep: &Sweep, rows: &[Vec<SweepRow>], figures: &[InlineChart]) -> String {
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
    html.push_str("<h2>Charts</h2>\n");
    if figures.is_empty() {
        let _ = writeln!(
            html,
            "<p>A sweep of {} axes lies on neither a line nor a grid, so it has no charts: \
             every figure is in <a href=\"sweep.csv\">sweep.csv</a>.</p>",
            sweep.axes.len()
        );
    }
    for chart in figures {
        let _ = writeln!(html, "{}", figure(chart));
    }
    html.push_str("<h2>Variants</h2>\n");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::sweep::tests::{row, rows_of, sweep_of};
    use std::fs;

    /// The chart files in `folder/charts/`, sorted.
    fn chart_files(folder: &Path) -> Vec<String> {
        let Ok(entries) = fs::read_dir(folder.join(CHARTS_DIR)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn stems(names: &[String]) -> Vec<String> {
        let mut stems: Vec<String> = names
            .iter()
            .filter_map(|n| n.strip_suffix(".png"))
            .map(str::to_owned)
            .collect();
        stems.dedup();
        stems
    }

    #[test]
    fn one_axis_draws_the_objective_and_the_regret() {
        let folder = tempfile::tempdir().unwrap();
        let sweep = sweep_of("", &["daily_budget=500,1000,2000"]);
        let rows = rows_of(&sweep);
        draw(folder.path(), &sweep, &rows).unwrap();
        let files = chart_files(folder.path());
        assert_eq!(stems(&files), ["sweep-objective", "sweep-regret"]);
        assert_eq!(files.len(), 4, "PNG and SVG: {files:?}");
        let html = fs::read_to_string(folder.path().join("report.html")).unwrap();
        assert_eq!(html.matches("<figure><svg").count(), 2);
        assert!(html.contains("mean revenue over the horizon at each value of daily budget"));
        assert!(
            html.contains("<a href=\"daily_budget-500/report.html\">"),
            "links kept"
        );
        assert!(!html.contains("no charts"));
    }

    #[test]
    fn two_axes_draw_a_heatmap_per_policy_and_the_best_policy() {
        let folder = tempfile::tempdir().unwrap();
        let sweep = sweep_of(
            "",
            &[
                "daily_budget=500,1000",
                "policies.epsilon-greedy.epsilon=0.05,0.2",
            ],
        );
        let rows = rows_of(&sweep);
        draw(folder.path(), &sweep, &rows).unwrap();
        assert_eq!(
            stems(&chart_files(folder.path())),
            [
                "sweep-best",
                "sweep-heatmap-epsilon-greedy",
                "sweep-heatmap-fixed",
                "sweep-heatmap-oracle",
                "sweep-heatmap-thompson",
            ]
        );
        let html = fs::read_to_string(folder.path().join("report.html")).unwrap();
        assert_eq!(html.matches("<figure><svg").count(), 5);
        let best = fs::read_to_string(folder.path().join("charts/sweep-best.svg")).unwrap();
        // SVG writes each text on a line of its own.
        assert!(
            best.contains("\nfixed\n"),
            "fixed leads the learners everywhere"
        );
        assert!(!best.contains("\nthompson\n"));
        assert!(!best.contains("\noracle\n"));
    }

    #[test]
    fn three_axes_draw_nothing_and_say_so() {
        let folder = tempfile::tempdir().unwrap();
        let sweep = sweep_of("", &["daily_budget=500,1000", "seed=1,2", "days=10,20"]);
        let rows = rows_of(&sweep);
        draw(folder.path(), &sweep, &rows).unwrap();
        assert!(chart_files(folder.path()).is_empty());
        assert!(!folder.path().join(CHARTS_DIR).exists());
        let html = fs::read_to_string(folder.path().join("report.html")).unwrap();
        assert!(html.contains(
            "A sweep of 3 axes lies on neither a line nor a grid, so it has no charts: every \
             figure is in <a href=\"sweep.csv\">sweep.csv</a>."
        ));
        assert!(!html.contains("<figure>"));
        assert_eq!(html.matches("<tr>").count(), 1 + 8 * 4, "the table stays");
    }

    #[test]
    fn the_same_results_draw_the_same_bytes() {
        let sweep = sweep_of(
            "",
            &[
                "daily_budget=500,1000",
                "policies.epsilon-greedy.epsilon=0.05,0.2",
            ],
        );
        let rows = rows_of(&sweep);
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        draw(a.path(), &sweep, &rows).unwrap();
        draw(b.path(), &sweep, &rows).unwrap();
        let files = chart_files(a.path());
        assert_eq!(files, chart_files(b.path()));
        for file in files
            .iter()
            .map(|f| format!("{CHARTS_DIR}/{f}"))
            .chain(["report.html".into()])
        {
            assert_eq!(
                fs::read(a.path().join(&file)).unwrap(),
                fs::read(b.path().join(&file)).unwrap(),
                "{file}"
            );
        }
    }

    #[test]
    fn odd_figures_draw_without_failing() {
        let awkward = |rows: &mut Vec<Vec<SweepRow>>| {
            rows[0][0].objective = Interval {
                mean: f64::NAN,
                low: f64::NEG_INFINITY,
                high: f64::INFINITY,
            };
            rows[0][1].summary.regret.high = f64::INFINITY;
            rows[0][2].objective = Interval {
                mean: f64::MAX,
                low: -f64::MAX,
                high: f64::MAX,
            };
            rows[0][3].summary.regret.low = -1e300;
            if let Some(second) = rows.get_mut(1) {
                second.retain(|r| r.summary.policy != "fixed");
                second.push(row("newcomer", "ucb", 9, f64::INFINITY));
            }
        };
        let cases: [(&str, &[&str]); 5] = [
            ("", &["daily_budget=500,1000,2000"]),
            ("[sweep]\ndaily_budget = [800.0]\n", &[]),
            ("[sweep]\ndaily_budget = [800.0]\ndays = [10]\n", &[]),
            (
                "",
                &[
                    "daily_budget=500,1000",
                    "allocation=proportional,winner-takes-all",
                ],
            ),
            ("", &["daily_budget=500,500", "days=10,10"]),
        ];
        for (extra, settings) in cases {
            let sweep = sweep_of(extra, settings);
            let mut rows = rows_of(&sweep);
            awkward(&mut rows);
            let folder = tempfile::tempdir().unwrap();
            draw(folder.path(), &sweep, &rows).unwrap();
            assert!(!chart_files(folder.path()).is_empty(), "{settings:?}");
            // Every mean equal: a flat colour scale.
            let mut flat = rows_of(&sweep);
            flat.iter_mut().flatten().for_each(|r| {
                r.objective = Interval {
                    mean: 5.0,
                    low: 5.0,
                    high: 5.0,
                }
            });
            draw(folder.path(), &sweep, &flat).unwrap();
            // No rows at all.
            draw(folder.path(), &sweep, &[]).unwrap();
        }
    }
}
