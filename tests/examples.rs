//! The example results committed under `results/` are what the code produces today: every
//! committed results folder is replayed from its own `scenario.toml` and its CSV files must
//! match byte for byte. Regenerate them with the README's main command.

use budget_bandit::output::csv_files;
use budget_bandit::runner::run_scenario;
use budget_bandit::scenario::Scenario;
use std::fs;
use std::path::Path;

#[test]
fn committed_results_match_the_code() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let mut checked = 0;
    for entry in fs::read_dir(&results).expect("results/ is committed") {
        let folder = entry.unwrap().path();
        let scenario_file = folder.join("scenario.toml");
        if !scenario_file.is_file()
            || folder
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with('.')
        {
            continue;
        }
        let scenario = Scenario::load(&scenario_file).unwrap();
        let fresh = run_scenario(&scenario, &|| {});
        for (file, bytes) in [
            ("summary.csv", csv_files::summary(&fresh)),
            ("channels.csv", csv_files::channels(&fresh)),
            ("daily.csv", csv_files::daily(&fresh)),
        ] {
            let committed = fs::read(folder.join(file)).unwrap();
            assert!(
                committed == bytes,
                "{}/{file} is stale: rerun `cargo run --release -- run` and commit results/",
                folder.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 1, "no committed results folder found");
}
