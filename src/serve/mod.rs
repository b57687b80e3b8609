//! `duben serve`: build, serve the output folder on the local machine,
//! rebuild when a source changes and reload the open pages.
//!
//! The site is built into the same output folder as `duben build`, with
//! `base_url` set to the local server (as Zola does), so canonical links
//! and feeds point at it. Each connection gets a thread of its own
//! ([`conn`]), which also carries a page's live-reload stream ([`events`]);
//! one thread waits for changes and rebuilds.

mod conn;
mod events;
mod http;
pub mod paths;
mod watch;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result, anyhow, bail};

use crate::build::{self, BuildOptions, BuildReport};
use crate::pipeline::configure;
use events::{Hub, Message};
use http::Shared;
use watch::Watch;

/// What `duben serve` was asked to do (also its command-line arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// Site folder, holding site.toml and content/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder (default: `output_dir` of site.toml, relative to the root).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address makes the
    /// site readable by other machines.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Build articles marked as drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Print only errors (and the address served).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print every warning and per-stage timings.
    #[arg(short, long)]
    pub verbose: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            root: PathBuf::from("."),
            output: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            quiet: false,
            verbose: false,
        }
    }
}

/// Builds and serves until the process is stopped (Ctrl+C). Returns only
/// on errors that make serving impossible: no site, port taken, no watcher.
pub fn serve(opts: &ServeOptions) -> Result<()> {
    if !opts.root.join("site.toml").is_file() {
        // Without a site there is nothing to fix while serving.
        configure(&opts.root, None, false)?;
    }
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine on that address can read the site",
            opts.bind
        );
    }
    let listener = TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).map_err(|e| {
        anyhow!(
            "cannot listen on {}:{}: {e} (is another server using the port? try --port 0 for a free one)",
            opts.bind,
            opts.port
        )
    })?;
    let port = listener
        .local_addr()
        .context("the server has no TCP address")?
        .port();
    let url = format!("http://{}/", SocketAddr::new(shown_host(opts.bind), port));
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: opts.output.clone(),
        base_url: Some(url.clone()),
        drafts: opts.drafts,
        ..BuildOptions::default()
    };
    let shared = Arc::new(Shared {
        output: RwLock::new(output_dir(opts)),
        hub: Arc::new(Hub::default()),
    });
    // Watch before the first build, so an edit made during it is not lost.
    let mut watch = Watch::start(&opts.root)?;
    rebuild(&build_opts, opts, &shared, true);

    let accepting = shared.clone();
    std::thread::spawn(move || conn::accept(listener, accepting));
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Serving {} at {url} (Ctrl+C to stop)",
        shown(&opts.root).display()
    );
    let _ = out.flush();

    while let Some(changed) = watch.next_change() {
        if !opts.quiet {
            let list: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
            println!("Changed: {}; rebuilding", list.join(", "));
        }
        rebuild(&build_opts, opts, &shared, false);
        if opts.verbose {
            println!("  {} open page(s) notified", shared.hub.streams());
        }
    }
    bail!("the file watcher stopped; restart `duben serve`")
}

/// Runs a build and tells the pages: reload on success; on failure the
/// error goes to the terminal and to the pages, and the last good build
/// stays served.
fn rebuild(build_opts: &BuildOptions, opts: &ServeOptions, shared: &Shared, first: bool) {
    match build::build(build_opts) {
        Ok(report) => {
            if !opts.quiet {
                print!("{}", summary(&report, opts.verbose, first));
            }
            *shared.output.write().unwrap_or_else(|e| e.into_inner()) = report.output;
            shared.hub.publish(Message::Reload);
        }
        Err(e) => {
            let mut message = format!("{e}");
            for cause in e.chain().skip(1) {
                message.push_str(&format!("\n  Caused by: {cause}"));
            }
            eprintln!("error: {message}");
            if first {
                eprintln!(
                    "Serving what the output folder holds; fix the error and save to rebuild."
                );
            } else {
                eprintln!("Still serving the last good build; fix the error and save to rebuild.");
            }
            shared.hub.publish(Message::Error(message));
        }
    }
    let _ = std::io::stdout().flush();
}

/// The first build gets the whole summary (less the `file://` hint, which
/// does not apply here); rebuilds get what changed for the user: skipped
/// files and one line of counts.
fn summary(report: &BuildReport, verbose: bool, first: bool) -> String {
    if first || verbose {
        let full = build::summary(report, verbose);
        return full
            .lines()
            .filter(|l| !l.starts_with("Open file://"))
            .map(|l| format!("{l}\n"))
            .collect();
    }
    let mut s = String::new();
    for d in report.diagnostics.skipped() {
        s.push_str(&format!("  {d}\n"));
    }
    s.push_str(&format!(
        "Rebuilt {} article(s), skipped {}, {} warning(s) in {:.2} s\n",
        report.articles,
        report.skipped(),
        report.warnings(),
        report.elapsed.as_secs_f64()
    ));
    s
}

/// The folder to serve before any build succeeded.
fn output_dir(opts: &ServeOptions) -> PathBuf {
    opts.output.clone().unwrap_or_else(|| {
        let dir = configure(&opts.root, None, false)
            .map(|c| c.output_dir)
            .unwrap_or_else(|_| PathBuf::from("public"));
        opts.root.join(dir)
    })
}

/// The host for URLs: a wildcard address is reachable locally as loopback.
fn shown_host(bind: IpAddr) -> IpAddr {
    match bind {
        IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        a => a,
    }
}

/// `./site` shows as `site`, `.` as itself.
fn shown(p: &Path) -> &Path {
    match p.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest,
        _ => p,
    }
}
