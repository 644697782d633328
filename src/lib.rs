//! auditpack: AWS evidence → checks → controls owned by AWS, the customer or both → audit packets.
//!
//! The pipeline, one module per stage:
//! `evidence` (the bundle on disk) → `checks` (pure functions over evidence) → `mappings`
//! (framework controls, owners and the checks behind them, as data) → `report` (the typed
//! result model and `results.json`) → `render` (HTML and PDF packets).

pub mod archive;
pub mod checks;
#[cfg(feature = "collect")]
pub mod collect;
pub mod demo;
pub mod evidence;
pub mod exceptions;
#[doc(hidden)]
pub mod fuzz;
pub mod mappings;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod util;
