//! Ranked search over a roadmap's text (`/roadmap search`): titles, why each topic matters,
//! what to learn, actions, resources and old ids, tolerant of typos and word order. Scoring
//! is BM25 from the `bm25` crate; typos are found with `strsim`; the index is built once per
//! roadmap and kept in it.

mod build;
mod expand;
mod index;
mod rank;
mod terms;

pub use index::Field;
pub(crate) use index::IndexCell;
pub use rank::{prepare, search, Hit, Reason, Refusal};
