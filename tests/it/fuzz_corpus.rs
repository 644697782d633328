//! The fuzz corpora (`fuzz/corpus/<target>/`) and every input that ever crashed a target
//! (`fuzz/artifacts/<target>/`, kept as regressions) replayed through the same entry points the
//! fuzz targets call: none may panic.

use std::path::Path;

type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 6] = [
    ("credential_report", auditpack::fuzz::credential_report),
    ("authorization_details", auditpack::fuzz::authorization_details),
    ("config_items", auditpack::fuzz::config_items),
    ("manifest", auditpack::fuzz::manifest),
    ("mappings", auditpack::fuzz::mappings),
    ("cycle_inputs", auditpack::fuzz::cycle_inputs),
];

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

#[test]
fn every_corpus_input_and_recorded_crash_replays_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (target, run) in TARGETS {
        let corpus = inputs(&root.join("corpus").join(target));
        assert!(corpus.len() >= 2, "fuzz/corpus/{target} holds {} inputs", corpus.len());
        for input in corpus.iter().chain(inputs(&root.join("artifacts").join(target)).iter()) {
            let bytes = std::fs::read(input).unwrap();
            let replay = std::panic::catch_unwind(|| run(&bytes));
            assert!(replay.is_ok(), "{target} panics on {}", input.display());
        }
    }
}
