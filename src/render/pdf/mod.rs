//! PDF packets drawn with printpdf from the `Packet` view: an A4 document with a cover and
//! contents (with page numbers), wrapped text measured with the embedded DejaVu font, tables that
//! continue across pages with their header row repeated, status shown as colour and word, a
//! running header and "page x of y" footer, and one bookmark per section and per control.
//!
//! Output is deterministic: resource ids are fixed, dates come from the report, and the file
//! identifier is a hash of the content rather than printpdf's per-process counter.

mod backend;
mod layout;
mod sections;
mod summary;

pub use sections::render;
pub use summary::render_summary;
