//! Progress on stderr: a live bar on a terminal, plain log lines otherwise (CI logs, pipes).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::Failure;

pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl Progress {
    /// A bar when stderr is a terminal, log lines when it is not.
    pub fn stderr() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed:>4} {pos} files · {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar, quiet: false }
    }

    /// Nothing printed (library callers, tests).
    pub fn quiet() -> Progress {
        Progress { bar: None, quiet: true }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None if !self.quiet => eprintln!("{text}"),
            None => {}
        }
    }

    pub(crate) fn start(&self, accounts: &[String], regions: &[String]) {
        let who = match accounts {
            [one] => format!("account {one}"),
            many => format!("{} accounts", many.len()),
        };
        self.line(&format!("collect: {who}, IAM and AWS Config in {} region(s): {}", regions.len(), regions.join(", ")));
    }

    pub(crate) fn file(&self, path: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(path.to_string());
        }
    }

    /// A stage finished (IAM, a region): one line in either mode.
    pub(crate) fn done(&self, what: &str) {
        self.line(&format!("collect: {what}"));
    }

    pub(crate) fn gap(&self, account: &str, api: &str, region: Option<&str>, failure: &Failure) {
        let place = region.map(|r| format!(" in {account}/{r}")).unwrap_or_else(|| format!(" in {account}"));
        self.line(&format!("collect: gap: {api}{place}: {failure}"));
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
