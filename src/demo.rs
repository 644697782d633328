//! The built-in demo account: a complete evidence bundle compiled into the binary (the same
//! files as `examples/demo-evidence/`), so `auditpack demo` needs no AWS access.

use std::collections::BTreeMap;
use std::path::Path;

use crate::evidence::{Bundle, Error, MANIFEST_FILE};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// The demo bundle, verified like any other.
pub fn bundle() -> Result<Bundle, Error> {
    let manifest = FILES.iter().find(|(p, _)| *p == MANIFEST_FILE).map(|(_, b)| *b).unwrap_or_default();
    let files: BTreeMap<String, Vec<u8>> =
        FILES.iter().filter(|(p, _)| *p != MANIFEST_FILE).map(|(p, b)| (p.to_string(), b.to_vec())).collect();
    Bundle::from_parts(manifest, files, Path::new("<built-in demo bundle>"))
}

/// Write the demo bundle to a directory (so that it can be inspected and verified).
pub fn write_to(dir: &Path) -> std::io::Result<()> {
    for (path, bytes) in FILES {
        crate::util::write_atomic(&dir.join(path), bytes)?;
    }
    Ok(())
}
