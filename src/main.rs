//! The `duben` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use duben::build::{self, BuildOptions};
use duben::progress::ProgressMode;
use duben::serve::{self, ServeOptions};

/// duben (读本): builds a bilingual reading archive from archived news articles.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        /// Site folder, holding site.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: `output_dir` of site.toml, relative to the root).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Absolute URL the site will be published at (canonical links, feeds).
        #[arg(long)]
        base_url: Option<String>,
        /// Also write a zip of the site, readable offline once unzipped.
        #[arg(long)]
        zip: Option<PathBuf>,
        /// Exit with an error when any article was skipped.
        #[arg(long)]
        strict: bool,
        /// Build articles marked as drafts.
        #[arg(long)]
        drafts: bool,
        /// Ignore the build cache (.duben-cache/) and redo everything.
        #[arg(long)]
        force: bool,
        /// Print only errors.
        #[arg(short, long)]
        quiet: bool,
        /// Print every warning and per-stage timings.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Check the site without writing anything: files that cannot be built,
    /// warnings, unlabelled topics, duplicates, translations, broken links,
    /// missing images. Exits with 1 when there are errors, 2 when the site
    /// cannot be checked at all.
    Check {
        /// Site folder, holding site.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// `text` for people, `json` for machines (one document on stdout).
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
    },
    /// Create a new site (site.toml, example articles, a note on templates)
    /// in DIR, the current folder by default.
    Init {
        /// Where to create the site; created if missing.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build, then serve the site on this machine, rebuild when a source
    /// changes and reload open pages. Builds into the output folder with
    /// base_url set to the local server.
    Serve(ServeOptions),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            zip,
            strict,
            drafts,
            force,
            quiet,
            verbose,
        } => {
            let opts = BuildOptions {
                root,
                output,
                base_url,
                zip,
                drafts,
                force,
                progress: ProgressMode::detect(quiet),
            };
            match build::build(&opts) {
                Ok(report) => {
                    if !quiet {
                        print!("{}", build::summary(&report, verbose));
                    }
                    if strict && report.skipped() > 0 {
                        eprintln!("error: --strict: {} file(s) were skipped", report.skipped());
                        return ExitCode::FAILURE;
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Check { root, format } => match duben::check::check(&root) {
            Ok(report) => {
                match format {
                    CheckFormat::Text => print!("{}", duben::check::text(&report)),
                    CheckFormat::Json => print!("{}", duben::check::json(&report)),
                }
                ExitCode::from(u8::from(report.errors() > 0))
            }
            Err(e) => {
                print_chain(&e);
                eprintln!("The site could not be checked.");
                ExitCode::from(2)
            }
        },
        Command::Init { dir } => match duben::init::init(&dir) {
            Ok(created) => {
                print!("{}", duben::init::summary(&dir, &created));
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_chain(&e);
                eprintln!("Nothing was written.");
                ExitCode::FAILURE
            }
        },
        Command::Serve(opts) => match serve::serve(&opts) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => report_error(&e),
        },
    }
}

/// A failed build: the error chain, and what became of the output.
fn report_error(e: &anyhow::Error) -> ExitCode {
    print_chain(e);
    eprintln!("The previous output, if any, was left as it was.");
    ExitCode::FAILURE
}

/// The one place that prints an error chain.
fn print_chain(e: &anyhow::Error) {
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  Caused by: {cause}");
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}
