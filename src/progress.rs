//! Progress reporting for the long stages: bars (indicatif) on a terminal,
//! one plain line per finished stage when stderr is piped or in CI, nothing
//! with `-q`. Everything goes to stderr; the summary stays on stdout.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProgressMode {
    /// Nothing (the library's default, and `-q`).
    #[default]
    Quiet,
    /// One line per finished stage.
    Lines,
    /// Live bars, redrawn in place.
    Bars,
}

impl ProgressMode {
    /// Bars on a terminal, lines when piped or when `CI` is set.
    pub fn detect(quiet: bool) -> ProgressMode {
        if quiet {
            ProgressMode::Quiet
        } else if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            ProgressMode::Bars
        } else {
            ProgressMode::Lines
        }
    }

    /// Starts a stage of `total` steps (0: unknown, a spinner).
    pub fn step(self, name: &'static str, total: usize) -> Step {
        let bar = (self == ProgressMode::Bars).then(|| {
            let bar = if total > 0 {
                ProgressBar::new(total as u64).with_style(
                    ProgressStyle::with_template(
                        "{prefix:>12} [{bar:32}] {pos}/{len} {elapsed:>4} {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                )
            } else {
                ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{prefix:>12} {spinner} {elapsed:>4} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                )
            };
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_prefix(name);
            if total == 0 {
                bar.enable_steady_tick(Duration::from_millis(120));
            }
            bar
        });
        Step {
            mode: self,
            name,
            bar,
            started: Instant::now(),
        }
    }
}

/// One stage being shown.
pub struct Step {
    mode: ProgressMode,
    name: &'static str,
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Step {
    /// One more step done (safe from any thread).
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Ends the stage with a short note (`10000 articles, 9999 cached`).
    pub fn finish(self, note: &str) {
        let secs = self.started.elapsed().as_secs_f64();
        match self.mode {
            ProgressMode::Quiet => {}
            ProgressMode::Bars => {
                if let Some(bar) = &self.bar {
                    bar.finish_and_clear();
                }
                eprintln!("{:>12} {note} ({secs:.2} s)", self.name);
            }
            ProgressMode::Lines => eprintln!("{:>12} {note} ({secs:.2} s)", self.name),
        }
    }
}
