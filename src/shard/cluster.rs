//! Which shard this process runs: `--shard K/N`, or the array job's index from the cluster's
//! environment.
//!
//! | scheduler | index | count |
//! |---|---|---|
//! | Slurm job array | `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` + 1 | `SLURM_ARRAY_TASK_COUNT` |
//! | Kubernetes Indexed Job | `JOB_COMPLETION_INDEX` + 1 | `--shards N` (it has no count variable) |
//! | AWS Batch array job | `AWS_BATCH_JOB_ARRAY_INDEX` + 1 | `--shards N` |
//!
//! `--shard` wins over the environment. A Slurm array with a step (`--array=1-9:2`) numbers
//! its tasks with gaps, so its indices are checked to fall within the count.

use super::Shard;

/// Environment variables read, in order of precedence.
pub const SLURM_ID: &str = "SLURM_ARRAY_TASK_ID";
/// The first index of the Slurm array.
pub const SLURM_MIN: &str = "SLURM_ARRAY_TASK_MIN";
/// The number of tasks of the Slurm array.
pub const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
/// The Kubernetes Indexed Job's index, from 0.
pub const KUBERNETES_INDEX: &str = "JOB_COMPLETION_INDEX";
/// The AWS Batch array job's index, from 0.
pub const AWS_BATCH_INDEX: &str = "AWS_BATCH_JOB_ARRAY_INDEX";

/// The shard to run and where it came from (`--shard`, or the variable), or `None` for the
/// whole run. `env` reads a variable; `shards` is `--shards`.
pub fn shard_of(
    flag: Option<Shard>,
    shards: Option<u32>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(Shard, String)>, String> {
    if let Some(shard) = flag {
        if let Some(n) = shards.filter(|&n| n != shard.count) {
            return Err(format!(
                "--shard {shard} and --shards {n} disagree on the number of shards"
            ));
        }
        return Ok(Some((shard, "--shard".into())));
    }
    let number = |name: &str| -> Result<Option<u64>, String> {
        match env(name) {
            None => Ok(None),
            Some(text) => text
                .trim()
                .parse::<u64>()
                .map(Some)
                .map_err(|_| format!("{name} must be a whole number, got '{text}'")),
        }
    };
    let within = |k: u64, n: u64, how: String| -> Result<Option<(Shard, String)>, String> {
        let shard = Shard::new(k, n).map_err(|why| format!("{how}: {why}"))?;
        Ok(Some((shard, how)))
    };
    if let Some(id) = number(SLURM_ID)? {
        let (Some(min), Some(count)) = (number(SLURM_MIN)?, number(SLURM_COUNT)?) else {
            return Err(format!(
                "{SLURM_ID} is set, but not {SLURM_MIN} and {SLURM_COUNT}: run as a Slurm job \
                 array (sbatch --array=1-N), or give --shard K/N"
            ));
        };
        if let Some(n) = shards.filter(|&n| u64::from(n) != count) {
            return Err(format!(
                "--shards {n} disagrees with the Slurm array's {count} tasks ({SLURM_COUNT})"
            ));
        }
        let k = (id + 1)
            .checked_sub(min)
            .ok_or_else(|| format!("{SLURM_ID}={id} is below {SLURM_MIN}={min}"))?;
        return within(
            k,
            count,
            format!("{SLURM_ID}={id} of {min}.. ({count} tasks)"),
        );
    }
    for name in [KUBERNETES_INDEX, AWS_BATCH_INDEX] {
        if let Some(index) = number(name)? {
            let Some(n) = shards else {
                return Err(format!(
                    "{name} is set, so this is an array job, but its number of shards is not: \
                     give --shards N (the job's completions or array size)"
                ));
            };
            return within(
                index + 1,
                u64::from(n),
                format!("{name}={index} of --shards {n}"),
            );
        }
    }
    if let Some(n) = shards {
        return Err(format!(
            "--shards {n} needs the shard's index: run as a Kubernetes Indexed Job \
             ({KUBERNETES_INDEX}) or an AWS Batch array job ({AWS_BATCH_INDEX}), or give \
             --shard K/{n}"
        ));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn shard(k: u64, n: u64) -> Shard {
        Shard::new(k, n).unwrap()
    }

    #[test]
    fn slurm_numbers_its_tasks_from_its_minimum() {
        let env = with(&[(SLURM_ID, "3"), (SLURM_MIN, "1"), (SLURM_COUNT, "3")]);
        assert_eq!(shard_of(None, None, &env).unwrap().unwrap().0, shard(3, 3));
        let env = with(&[(SLURM_ID, "0"), (SLURM_MIN, "0"), (SLURM_COUNT, "4")]);
        assert_eq!(shard_of(None, None, &env).unwrap().unwrap().0, shard(1, 4));
        let stepped = with(&[(SLURM_ID, "9"), (SLURM_MIN, "1"), (SLURM_COUNT, "5")]);
        assert!(shard_of(None, None, &stepped).is_err());
        let partial = with(&[(SLURM_ID, "2")]);
        assert!(
            shard_of(None, None, &partial)
                .unwrap_err()
                .contains(SLURM_COUNT)
        );
    }

    #[test]
    fn kubernetes_and_aws_batch_count_from_zero_and_need_the_count() {
        let env = with(&[(KUBERNETES_INDEX, "6")]);
        assert_eq!(
            shard_of(None, Some(7), &env).unwrap().unwrap().0,
            shard(7, 7)
        );
        assert!(
            shard_of(None, None, &env)
                .unwrap_err()
                .contains("--shards N")
        );
        assert!(shard_of(None, Some(6), &env).is_err());
        let env = with(&[(AWS_BATCH_INDEX, "0")]);
        assert_eq!(
            shard_of(None, Some(2), &env).unwrap().unwrap().0,
            shard(1, 2)
        );
    }

    #[test]
    fn the_flag_wins_and_nothing_set_is_the_whole_run() {
        let env = with(&[(KUBERNETES_INDEX, "1")]);
        let flag = Some(shard(2, 5));
        assert_eq!(shard_of(flag, None, &env).unwrap().unwrap().0, shard(2, 5));
        assert!(shard_of(flag, Some(4), &env).is_err());
        assert_eq!(shard_of(None, None, &with(&[])).unwrap(), None);
        assert!(shard_of(None, Some(3), &with(&[])).is_err());
        let garbled = with(&[(KUBERNETES_INDEX, "one")]);
        assert!(shard_of(None, Some(3), &garbled).is_err());
    }
}
