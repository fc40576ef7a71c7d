//! The content model: what a roadmap folder deserializes into.
//!
//! Text fields default to empty instead of failing deserialization, so that the validator can
//! report every missing field in a file at once rather than stopping at serde's first error.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::full_text::IndexCell;

/// Every roadmap found under the content folder, in folder-name order.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub roadmaps: Vec<Roadmap>,
}

#[derive(Debug, Clone)]
pub struct Roadmap {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub closing: String,
    /// Sorted by `number`.
    pub phases: Vec<Phase>,
    /// Weekly learning prompts, in file order.
    pub prompts: Vec<Prompt>,
    /// Where it was read from, for error messages.
    pub source: Source,
    /// Tells this roadmap from every other one the process has read (a copy keeps it).
    /// Members' progress is held by topic position, which means something only for the
    /// roadmap it was read with: the stamp says which that was.
    pub stamp: u64,
    /// Its search index, built the first time it is searched (`full_text`).
    pub(crate) search_index: IndexCell,
}

/// The two forms a roadmap is written in: a folder (what a deployment ships) or one file
/// (what staff import and export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `roadmap.toml`, a file per phase, and `prompts/`.
    Folder(PathBuf),
    /// Everything in one TOML file.
    File(PathBuf),
}

impl Source {
    /// The file holding the roadmap's own fields (id, title, summary, closing).
    pub fn meta_file(&self) -> PathBuf {
        match self {
            Self::Folder(dir) => dir.join("roadmap.toml"),
            Self::File(file) => file.clone(),
        }
    }

    /// Where a phase's prompts are written, and how to add one there.
    pub fn prompts_of(&self, phase: u8) -> (PathBuf, String) {
        match self {
            Self::Folder(dir) => (
                dir.join("prompts"),
                format!("add them to prompts/phase-{phase}.toml with `phase = {phase}`"),
            ),
            Self::File(file) => (
                file.clone(),
                format!("add them as [[phases.prompts]] under phase {phase}"),
            ),
        }
    }

    /// The folder or file itself.
    pub fn path(&self) -> &Path {
        match self {
            Self::Folder(path) | Self::File(path) => path,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoadmapMeta {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub closing: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    #[serde(default)]
    pub number: u8,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub tagline: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub sections: Vec<Section>,
    /// The phase's prompts when they are written beside it (a single-file roadmap, or a phase
    /// file that holds its own); loading moves them to [`Roadmap::prompts`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<Prompt>,
    /// The file this phase came from, for error messages.
    #[serde(skip)]
    pub file: PathBuf,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub learn: Vec<String>,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Ids this topic had before: members' progress recorded under them follows the topic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its place in the roadmap's reading order, from 0, numbered at load: progress kept in
    /// memory is indexed by it.
    #[serde(skip)]
    pub position: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub kind: ResourceKind,
    #[serde(default)]
    pub name: String,
    /// Where it is, https only: views link the name to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceKind {
    Course,
    Docs,
    Book,
    Video,
    Practice,
    Community,
    Tool,
}

impl ResourceKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Course => "Course",
            Self::Docs => "Docs",
            Self::Book => "Book",
            Self::Video => "Video",
            Self::Practice => "Practice",
            Self::Community => "Community",
            Self::Tool => "Tool",
        }
    }
}

/// A weekly learning prompt: something to discuss, practise or build, tied to named topics.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    #[serde(default)]
    pub id: String,
    pub kind: PromptKind,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// Ids of the topics the prompt works on.
    #[serde(default)]
    pub topics: Vec<String>,
    /// For a prompt about the whole roadmap, the phases whose members it fits (it names topics
    /// up to the latest of them); a phase's own prompts leave it empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suits: Vec<u8>,
    /// The phase of the file it came from; `None` for prompts about the whole roadmap.
    #[serde(skip)]
    pub phase: Option<u8>,
    #[serde(skip)]
    pub file: PathBuf,
}

/// One file of `prompts/`: a phase's prompts, or (without `phase`) the whole roadmap's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PromptFile {
    #[serde(default)]
    pub phase: Option<u8>,
    #[serde(default)]
    pub prompts: Vec<Prompt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptKind {
    Discuss,
    Exercise,
    Project,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Discuss => "Discuss",
            Self::Exercise => "Exercise",
            Self::Project => "Mini-project",
        }
    }
}

/// A topic together with where it sits in its roadmap.
#[derive(Debug, Clone, Copy)]
pub struct TopicRef<'a> {
    pub roadmap: &'a Roadmap,
    pub phase: &'a Phase,
    pub section: &'a Section,
    pub topic: &'a Topic,
}

impl Library {
    pub fn get(&self, id: &str) -> Option<&Roadmap> {
        self.roadmaps.iter().find(|r| r.id == id)
    }

    pub fn topic_count(&self) -> usize {
        self.roadmaps.iter().map(Roadmap::topic_count).sum()
    }

    pub fn phase_count(&self) -> usize {
        self.roadmaps.iter().map(|r| r.phases.len()).sum()
    }
}

impl Roadmap {
    pub fn phase(&self, number: u8) -> Option<&Phase> {
        self.phases.iter().find(|p| p.number == number)
    }

    pub fn topics(&self) -> impl Iterator<Item = TopicRef<'_>> {
        self.phases.iter().flat_map(move |phase| {
            phase.sections.iter().flat_map(move |section| {
                section.topics.iter().map(move |topic| TopicRef {
                    roadmap: self,
                    phase,
                    section,
                    topic,
                })
            })
        })
    }

    /// The topic with this id, or the one that lists it among its old ids.
    pub fn topic(&self, id: &str) -> Option<TopicRef<'_>> {
        self.topics().find(|t| t.topic.id == id).or_else(|| {
            self.topics()
                .find(|t| t.topic.aliases.iter().any(|a| a == id))
        })
    }

    pub fn topic_count(&self) -> usize {
        self.phases.iter().map(Phase::topic_count).sum()
    }

    /// The prompts a server working on `phase` draws from: that phase's and the roadmap-wide
    /// ones.
    /// The prompts for a server whose members are mostly in `phase`: that phase's own, and the
    /// roadmap-wide ones that suit it.
    pub fn prompt_pool(&self, phase: u8) -> impl Iterator<Item = &Prompt> {
        self.prompts.iter().filter(move |p| match p.phase {
            Some(own) => own == phase,
            None => p.suits.contains(&phase),
        })
    }

    pub fn prompt(&self, id: &str) -> Option<&Prompt> {
        self.prompts.iter().find(|p| p.id == id)
    }
}

impl Phase {
    pub fn topic_count(&self) -> usize {
        self.sections.iter().map(|s| s.topics.len()).sum()
    }

    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.sections.iter().flat_map(|s| s.topics.iter())
    }
}
