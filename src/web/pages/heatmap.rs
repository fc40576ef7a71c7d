//! The roadmap as a heatmap: every phase, section and topic, with how many members are
//! learning each and have finished it (`progress::tally` counts; renamed topics count once).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::site::{html, server, Refused, Site};
use crate::app::App;
use crate::db::web as store;
use crate::progress::tally;

struct TopicCell {
    id: String,
    title: String,
    learning: i64,
    done: i64,
    /// Shading, 0 to 4, by how many finished it against the most-finished topic.
    level: u8,
}

struct SectionCells {
    title: String,
    topics: Vec<TopicCell>,
}

struct PhaseCells {
    number: u8,
    title: String,
    sections: Vec<SectionCells>,
}

#[derive(Template)]
#[template(path = "web/roadmap.html")]
struct Heatmap {
    site: Site,
    roadmap: String,
    phases: Vec<PhaseCells>,
}

/// The whole roadmap, each topic with how many members are learning it and have finished it.
pub async fn roadmap(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
) -> Result<Html<String>, Refused> {
    let found = server(&app, slug).await?;
    let (guild, roadmap) = (found.guild, &found.roadmap);
    let renames = tally::renames(roadmap);
    let rows = store::topic_counts(&app.db, guild, &roadmap.id, &renames).await?;
    let tallies = tally::by_topic(roadmap, &rows);
    let most = tallies.iter().map(|t| t.done).max().unwrap_or(0);
    let phases = roadmap
        .phases
        .iter()
        .map(|phase| PhaseCells {
            number: phase.number,
            title: phase.title.clone(),
            sections: phase
                .sections
                .iter()
                .map(|section| SectionCells {
                    title: section.title.clone(),
                    topics: section
                        .topics
                        .iter()
                        .map(|topic| {
                            let t = tallies.get(topic.position).copied().unwrap_or_default();
                            TopicCell {
                                id: topic.id.clone(),
                                title: topic.title.clone(),
                                learning: t.learning,
                                done: t.done,
                                level: tally::level(t.done, most),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let page = Heatmap {
        site: found.site,
        roadmap: roadmap.title.clone(),
        phases,
    };
    html(&page)
}
