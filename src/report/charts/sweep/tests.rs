use super::*;
use crate::output::kpi::PolicySummary;
use crate::report::style::kind_look;
use crate::scenario::Overrides;
use crate::sweep::{Setting, Study};

const SCENARIO: &str = r#"name = "two"
days = 20
daily_budget = 1000.0
seed = 3
replications = 4

[[channels]]
name = "search"
pricing = "cpc"
price = 2.0
cvr = 0.05
value = 60.0
"#;

/// The sweep of [`SCENARIO`] with `--set` axes (and `[sweep]` lines, such as a mode).
pub(crate) fn sweep_of(extra: &str, settings: &[&str]) -> Sweep {
    let settings: Vec<Setting> = settings
        .iter()
        .map(|s| Setting::parse(s).unwrap())
        .collect();
    let source = format!("{SCENARIO}{extra}");
    match Study::from_toml("sweep.toml", &source, &settings, &Overrides::default()).unwrap() {
        Study::Sweep(sweep) => sweep,
        Study::Scenario(_) => panic!("a sweep was expected"),
    }
}

fn interval(mean: f64) -> Interval {
    Interval {
        mean,
        low: mean - 10.0,
        high: mean + 10.0,
    }
}

/// A row of `policy` (of `kind`) with objective `objective` and rank `rank`.
pub(crate) fn row(policy: &str, kind: &str, rank: usize, objective: f64) -> SweepRow {
    SweepRow {
        objective_name: "revenue".into(),
        objective: interval(objective),
        summary: PolicySummary {
            rank,
            policy: policy.into(),
            kind: kind.into(),
            replications: 4,
            revenue: interval(objective),
            spend: interval(1000.0),
            conversions: interval(10.0),
            roas: interval(2.0),
            cpa: None,
            regret: interval(2000.0 - objective),
            profit: None,
            unspent: None,
            vs_baseline: None,
        },
    }
}

/// Rows for every variant of `sweep`: policy `p` of variant `v` earns `100 v + 10 p`, ranked
/// by it, the oracle 1,000,000.
pub(crate) fn rows_of(sweep: &Sweep) -> Vec<Vec<SweepRow>> {
    sweep
        .variants
        .iter()
        .enumerate()
        .map(|(v, _)| {
            let policies = &sweep.scenario(v).policies;
            let value = |p: usize, kind: &str| {
                if kind == "oracle" {
                    1e6
                } else {
                    100.0 * v as f64 + 10.0 * p as f64
                }
            };
            let mut values: Vec<(f64, usize)> = policies
                .iter()
                .enumerate()
                .map(|(p, s)| (value(p, s.kind.as_str()), p))
                .collect();
            values.sort_by(|a, b| b.0.total_cmp(&a.0));
            values
                .iter()
                .enumerate()
                .map(|(rank, &(objective, p))| {
                    row(
                        &policies[p].name,
                        policies[p].kind.as_str(),
                        rank + 1,
                        objective,
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn numbers_sit_at_their_values_in_order() {
    let sweep = sweep_of("", &["daily_budget=2000,500,1000.0"]);
    let rows = rows_of(&sweep);
    let view = SweepView::new(&sweep, &rows);
    let Shape::Line(axis) = &view.shape else {
        panic!("one axis draws lines: {:?}", view.shape)
    };
    assert_eq!(axis.numbers, Some(vec![2000.0, 500.0, 1000.0]));
    assert_eq!(axis.title, "daily budget");
    assert_eq!(axis.positions, [Some(0), Some(1), Some(2)]);
    assert_eq!(axis.range(), 425.0..2075.0);
    let thompson = view
        .policies
        .iter()
        .position(|p| p.name == "thompson")
        .unwrap();
    let points = view.line_points(axis, thompson, SweepMeasure::Objective);
    let xs: Vec<f64> = points.iter().map(|(x, _)| *x).collect();
    assert_eq!(xs, [500.0, 1000.0, 2000.0], "drawn from left to right");
    assert_eq!(points[0].1.mean, 100.0, "500 is variant 1");
    let regret = view.line_points(axis, thompson, SweepMeasure::Regret);
    assert_eq!(regret[0].1.mean, 1900.0);
}

#[test]
fn words_sit_at_even_steps_named_by_their_values() {
    let sweep = sweep_of("", &["allocation=winner-takes-all,proportional"]);
    let rows = rows_of(&sweep);
    let view = SweepView::new(&sweep, &rows);
    let Shape::Line(axis) = &view.shape else {
        panic!("one axis draws lines")
    };
    assert_eq!(axis.numbers, None);
    assert_eq!(axis.labels, ["winner-takes-all", "proportional"]);
    assert_eq!((axis.x(0), axis.x(1)), (0.0, 1.0));
    assert_eq!(axis.range(), -0.5..1.5);
    // A list mixing numbers and other values is not numeric either.
    let sweep = sweep_of("[sweep]\nseed = [1, 2]\n", &[]);
    assert!(numbers(&sweep.axes[0]).is_some());
    let sweep = sweep_of("", &["policies.fixed.shares=[1.0],[1.0]"]);
    assert_eq!(numbers(&sweep.axes[0]), None, "tables of numbers are words");
}

#[test]
fn a_single_value_sits_in_the_middle_of_its_axis() {
    let sweep = sweep_of("[sweep]\ndaily_budget = [800.0]\n", &[]);
    let rows = rows_of(&sweep);
    let view = SweepView::new(&sweep, &rows);
    let Shape::Line(axis) = &view.shape else {
        panic!("one axis draws lines")
    };
    assert_eq!(axis.numbers, None, "a single step");
    assert_eq!(axis.labels, ["800"]);
    assert_eq!(axis.range(), -0.5..0.5);
    let sweep = sweep_of("", &["daily_budget=500,500"]);
    let Shape::Line(axis) = shape(&sweep) else {
        panic!("one axis draws lines")
    };
    assert_eq!(axis.numbers, None, "equal values are steps too");
    assert_eq!(axis.range(), -0.5..1.5);
    assert_eq!(padded(800.0, 800.0, 0.05), 400.0..1200.0);
    assert_eq!(padded(0.0, 0.0, 0.05), -1.0..1.0);
    assert_eq!(padded(f64::NAN, 1.0, 0.05), 0.0..1.0);
    assert_eq!(
        padded(-f64::MAX, f64::MAX, 0.05),
        0.0..1.0,
        "no infinite range"
    );
}

#[test]
fn two_axes_make_a_grid_of_their_product() {
    let sweep = sweep_of(
        "",
        &[
            "daily_budget=500,1000,2000",
            "policies.epsilon-greedy.epsilon=0.05,0.2",
        ],
    );
    let rows = rows_of(&sweep);
    let view = SweepView::new(&sweep, &rows);
    let Shape::Grid(grid) = &view.shape else {
        panic!("two axes draw maps")
    };
    assert_eq!(grid.columns.labels, ["500", "1,000", "2,000"]);
    assert_eq!(grid.columns.title, "daily budget");
    assert_eq!(grid.rows.title, "epsilon-greedy epsilon");
    assert_eq!(grid.rows.labels, ["0.05", "0.2"]);
    assert_eq!(grid.rows.name, "epsilon");
    // The first axis varies slowest: variant 1 is (500, 0.2).
    assert_eq!(
        grid.cells,
        [[Some(0), Some(2), Some(4)], [Some(1), Some(3), Some(5)]]
    );
    // Zipped, the variants lie on a line of their own.
    let zipped = sweep_of(
        "[sweep]\nmode = \"zip\"\n",
        &[
            "daily_budget=500,1000",
            "policies.epsilon-greedy.epsilon=0.05,0.2",
        ],
    );
    let Shape::Line(axis) = shape(&zipped) else {
        panic!("zipped axes draw lines")
    };
    assert_eq!(axis.labels, ["500 / 0.05", "1,000 / 0.2"]);
    assert_eq!(axis.title, "daily budget / epsilon-greedy epsilon");
    assert_eq!(axis.numbers, None);
}

#[test]
fn the_best_policy_map_says_by_how_much_the_best_wins_or_that_it_ties() {
    let sweep = sweep_of(
        "",
        &[
            "daily_budget=500,1000",
            "policies.epsilon-greedy.epsilon=0.05,0.2",
        ],
    );
    let mut rows = rows_of(&sweep);
    // Policies 10 apart with intervals of ±10: tied.
    rows[1] = vec![
        row("oracle", "oracle", 1, 500.0),
        row("thompson", "thompson", 2, 100.0),
        row("fixed", "fixed", 3, 60.0),
        row("epsilon-greedy", "epsilon-greedy", 4, 10.0),
    ];
    let view = SweepView::new(&sweep, &rows);
    let Shape::Grid(grid) = &view.shape else {
        panic!("two axes draw maps")
    };
    let map = maps::BestMap { view: &view, grid };
    assert_eq!(map.margin(0).as_deref(), Some("tied with epsilon-greedy"));
    let margin = map.margin(1).unwrap();
    assert!(
        margin.starts_with('+') && margin.ends_with("(66.7%) over fixed"),
        "{margin}"
    );
    // The note is on the best policy's cell.
    let cells = map.cells();
    assert_eq!(cells[1][0].note.as_deref(), Some(margin.as_str()));
}

#[test]
fn three_axes_have_no_chart() {
    let sweep = sweep_of("", &["daily_budget=500,1000", "seed=1,2", "days=10,20"]);
    assert_eq!(shape(&sweep), Shape::Unchartable);
}

#[test]
fn policies_keep_their_scenario_colours() {
    let sweep = sweep_of("", &["daily_budget=500,1000"]);
    let rows = rows_of(&sweep);
    let view = SweepView::new(&sweep, &rows);
    let names: Vec<&str> = view.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["thompson", "epsilon-greedy", "fixed", "oracle"]);
    for p in &view.policies {
        assert_eq!(p.look, kind_look(&p.kind));
    }
    assert_eq!(view.objective, "revenue");
}

#[test]
fn the_best_policy_is_the_learner_of_rank_one() {
    let sweep = sweep_of("", &["daily_budget=500,1000"]);
    let mut rows = rows_of(&sweep);
    let view = SweepView::new(&sweep, &rows);
    // Policy p earns 10 p: fixed (p = 2) leads the learners; the oracle ranks first.
    assert_eq!(rows[0][0].summary.policy, "oracle");
    assert_eq!(view.policies[view.best(0).unwrap()].name, "fixed");
    // A variant whose rank 1 is a learner (the oracle below it, as noise can have it).
    rows[1] = vec![
        row("oracle", "oracle", 2, 50.0),
        row("thompson", "thompson", 1, 60.0),
        row("fixed", "fixed", 3, 40.0),
    ];
    let view = SweepView::new(&sweep, &rows);
    assert_eq!(view.policies[view.best(1).unwrap()].name, "thompson");
    // The oracle alone is the best there is; no rows, no best.
    rows[1] = vec![row("oracle", "oracle", 1, 50.0)];
    rows.truncate(2);
    let view = SweepView::new(&sweep, &rows);
    assert_eq!(view.policies[view.best(1).unwrap()].name, "oracle");
    rows.truncate(1);
    let view = SweepView::new(&sweep, &rows);
    assert_eq!(view.best(1), None);
}

#[test]
fn missing_rows_and_figures_that_are_not_finite_leave_points_out() {
    let sweep = sweep_of("", &["daily_budget=500,1000,2000"]);
    let mut rows = rows_of(&sweep);
    rows[0].retain(|r| r.summary.policy != "thompson");
    rows[1].iter_mut().for_each(|r| r.objective.mean = f64::NAN);
    rows.truncate(2);
    rows[1].push(row("stranger", "ucb", 9, 1.0));
    let view = SweepView::new(&sweep, &rows);
    let Shape::Line(axis) = &view.shape else {
        panic!("one axis draws lines")
    };
    let stranger = view
        .policies
        .iter()
        .position(|p| p.name == "stranger")
        .expect("a policy met only in the rows is drawn too");
    assert_eq!(stranger, 4, "after the scenario's");
    assert!(
        view.line_points(axis, 0, SweepMeasure::Objective)
            .is_empty()
    );
    let fixed = view.line_points(axis, 2, SweepMeasure::Objective);
    assert_eq!(fixed.len(), 1, "{fixed:?}");
    assert_eq!(view.line_points(axis, 0, SweepMeasure::Regret).len(), 1);
    assert_eq!(view.row(7, 0), None);
    assert_eq!(view.row(0, 99), None);
}
