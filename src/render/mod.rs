//! Rendering: HTML through handlebars templates and PDF through printpdf, both from one view of
//! the report (`view::Packet`), and OSCAL assessment results straight from the report
//! (`oscal`). Nothing here computes a status.

pub mod chart;
pub mod csv;
pub mod html;
pub mod oscal;
pub mod pdf;
pub mod summary;
pub mod template_check;
pub mod view;
pub mod visible;

pub use view::Packet;
