//! The `duben` command line: parses arguments and calls the library.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use duben::build::{self, BuildOptions};
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
        /// Print only errors.
        #[arg(short, long)]
        quiet: bool,
        /// Print every warning and per-stage timings.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Read, clean and link the site without writing anything; report every
    /// problem, unlabelled topics and translation pairs. Exits with 1 when a
    /// file cannot be built.
    Check {
        /// Site folder, holding site.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Build, then serve the site on this machine, rebuild when a source
    /// changes and reload open pages. Builds into the output folder with
    /// base_url set to the local server.
    Serve {
        /// Site folder, holding site.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: `output_dir` of site.toml, relative to the root).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but a loopback address makes the
        /// site readable by other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Build articles marked as drafts.
        #[arg(long)]
        drafts: bool,
        /// Print only errors (and the address served).
        #[arg(short, long)]
        quiet: bool,
        /// Print every warning and per-stage timings.
        #[arg(short, long)]
        verbose: bool,
    },
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
            quiet,
            verbose,
        } => {
            let opts = BuildOptions {
                root,
                output,
                base_url,
                zip,
                drafts,
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
        Command::Check { root } => match build::check(&root) {
            Ok(report) => {
                print!("{}", build::check_summary(&report));
                if report.diagnostics.skipped().count() > 0 {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => report_error(&e),
        },
        Command::Serve {
            root,
            output,
            port,
            bind,
            drafts,
            quiet,
            verbose,
        } => {
            let opts = ServeOptions {
                root,
                output,
                port,
                bind,
                drafts,
                quiet,
                verbose,
            };
            match serve::serve(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => report_error(&e),
            }
        }
    }
}

/// The one place that prints an error chain.
fn report_error(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  Caused by: {cause}");
    }
    eprintln!("The previous output, if any, was left as it was.");
    ExitCode::FAILURE
}
