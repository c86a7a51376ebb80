//! `ponte test`: run automation test cases offline and report each one.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

/// Run automation test cases (`*.test.yaml`) against their scripted ERP exchanges.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &TestArgs) -> anyhow::Result<ExitCode> {
    for p in &args.paths {
        if !p.exists() {
            anyhow::bail!("{} does not exist", p.display());
        }
    }
    let files = ponte_automation::testing::discover(&args.paths);
    if files.is_empty() {
        anyhow::bail!("no *.test.yaml file under the given paths");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &files {
        for report in runtime.block_on(ponte_automation::testing::run_file(file)) {
            if report.passed() {
                passed += 1;
                crate::output::line(format!("ok     {} :: {}", report.file, report.name));
            } else {
                failed += 1;
                crate::output::line(format!("FAILED {} :: {}", report.file, report.name));
                for f in &report.failures {
                    for line in f.lines() {
                        crate::output::line(format!("    {line}"));
                    }
                }
            }
        }
    }
    crate::output::line(format!("{passed} passed, {failed} failed"));
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
