//! Manifest paths: relative, `/`-separated, never climbing out of the bundle. Where each
//! document lives is the catalogue's (`catalogue::DocId::path`).

/// A manifest path must be relative, use `/`, and never climb out of the bundle.
pub(crate) fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') || path.contains('\\') || path.as_bytes().get(1) == Some(&b':') {
        return Err("is not relative to the bundle");
    }
    if path.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
        return Err("has an empty, `.` or `..` component");
    }
    Ok(())
}
