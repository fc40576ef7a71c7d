//! The shipped content, and how broken content is reported.

use std::fs;
use std::path::Path;

use waypoint::content::load as load_library;
use waypoint::roadmap::ContentError;

use crate::support::{repo_path, shipped_library};

#[test]
fn shipped_content_has_four_phases_of_three_sections() {
    let library = shipped_library();
    let roadmap = library
        .get("ai-engineer")
        .expect("the AI Engineer roadmap ships");
    let titles: Vec<_> = roadmap.phases.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Core foundations",
            "Machine learning and deep learning",
            "Productionizing AI (MLOps)",
            "Real-world experience"
        ]
    );
    for phase in &roadmap.phases {
        assert_eq!(
            phase.sections.len(),
            3,
            "phase {} follows the source's three parts",
            phase.number
        );
    }
    for topic in roadmap.topics() {
        let t = topic.topic;
        assert!(
            !t.learn.is_empty() && !t.resources.is_empty() && !t.action.is_empty(),
            "{}",
            t.id
        );
    }
}

/// Every skill, tool and action the source names must be somewhere in our content.
#[test]
fn shipped_content_covers_everything_the_source_names() {
    let all = all_content_text();
    let terms = [
        "NumPy",
        "Pandas",
        "Scikit-learn",
        "data structures",
        "algorithms",
        "linear algebra",
        "calculus",
        "gradient descent",
        "probability",
        "statistics",
        "Khan Academy",
        "SQL",
        "Spark",
        "Hadoop",
        "preprocess",
        "coding challenge",
        "supervised",
        "unsupervised",
        "reinforcement",
        "logistic regression",
        "decision tree",
        "SVM",
        "K-Means",
        "accuracy",
        "precision",
        "recall",
        "F1",
        "AUC-ROC",
        "Coursera",
        "edX",
        "from scratch",
        "CNN",
        "RNN",
        "Transformer",
        "TensorFlow",
        "PyTorch",
        "image classification",
        "sequence prediction",
        "NLP",
        "chatbot",
        "sentiment",
        "LLM",
        "generative AI",
        "computer vision",
        "object detection",
        "facial recognition",
        "image generation",
        "AWS",
        "Google Cloud",
        "Azure",
        "SageMaker",
        "AI Platform",
        "Azure Machine Learning",
        "Docker",
        "Kubernetes",
        "MLflow",
        "Kubeflow",
        "Weights & Biases",
        "experiment tracking",
        "model versioning",
        "Git",
        "unit test",
        "API",
        "Flask",
        "FastAPI",
        "system design",
        "fault-tolerant",
        "Kaggle",
        "GitHub",
        "portfolio",
        "deploy",
        "Machine Learning Engineer Intern",
        "Applied Scientist",
        "Junior AI Engineer",
        "MLOps Engineer",
        "resume",
        "interview",
        "research paper",
        "thought leader",
        "meetup",
        "conference",
        "forum",
        "network",
    ];
    let lower = all.to_lowercase();
    let missing: Vec<_> = terms
        .iter()
        .filter(|t| !lower.contains(&t.to_lowercase()))
        .collect();
    assert!(missing.is_empty(), "content does not mention: {missing:?}");
}

fn all_content_text() -> String {
    waypoint::roadmap::originality::content_text(&repo_path("roadmap/ai-engineer")).unwrap()
}

/// A copy of the shipped roadmap in a temp dir, for breaking.
pub fn copy_of_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_folder(
        &repo_path("roadmap/ai-engineer"),
        &dir.path().join("ai-engineer"),
    );
    dir
}

pub fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join("ai-engineer").join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} should contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

pub fn errors_of(dir: &Path) -> Vec<ContentError> {
    load_library(dir)
        .expect_err("broken content must be refused")
        .0
}

pub fn assert_reported(errors: &[ContentError], file: &str, item: &str, reason: &str) {
    let hit = errors
        .iter()
        .any(|e| e.file.ends_with(file) && e.item.contains(item) && e.reason.contains(reason));
    assert!(hit, "expected {file} / {item} / {reason} in:\n{errors:#?}");
}

#[test]
fn a_duplicate_id_is_reported_with_both_places() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "phase-2.toml",
        "id = \"pytorch\"",
        "id = \"python\"",
    );
    let errors = errors_of(dir.path());
    assert_reported(
        &errors,
        "phase-2.toml",
        "topic `python`",
        "duplicate id `python`",
    );
    assert!(
        errors[0].reason.contains("phase-1.toml"),
        "names where it was first used"
    );
}

#[test]
fn a_missing_field_is_reported() {
    let dir = copy_of_shipped();
    let path = dir.path().join("ai-engineer/phase-3.toml");
    let text = fs::read_to_string(&path).unwrap();
    let topic = text.find("id = \"docker\"").unwrap();
    let why_start = topic + text[topic..].find("\nwhy = ").unwrap() + 1;
    let why_end = why_start + text[why_start..].find('\n').unwrap() + 1;
    fs::write(&path, format!("{}{}", &text[..why_start], &text[why_end..])).unwrap();

    let errors = errors_of(dir.path());
    assert_reported(
        &errors,
        "phase-3.toml",
        "topic `docker`",
        "missing or empty field `why`",
    );
}

#[test]
fn a_description_over_discord_limit_is_reported() {
    let dir = copy_of_shipped();
    let long = "x".repeat(4100);
    edit(
        dir.path(),
        "phase-1.toml",
        "why = \"",
        &format!("why = \"{long}"),
    );
    let errors = errors_of(dir.path());
    assert_reported(
        &errors,
        "phase-1.toml",
        "topic `python`",
        "description is 4",
    );
    assert_reported(
        &errors,
        "phase-1.toml",
        "topic `python`",
        "over Discord's 4096",
    );
}

#[test]
fn bad_toml_is_reported_with_its_line() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "phase-4.toml",
        "number = 4",
        "number = 4\ntitle = \"unclosed",
    );
    let errors = errors_of(dir.path());
    assert_reported(&errors, "phase-4.toml", "line 2", "invalid TOML");
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "phase-1.toml",
        "id = \"sql\"",
        "id = \"Not Valid\"",
    );
    edit(dir.path(), "phase-2.toml", "id = \"nlp\"", "id = \"dsa\"");
    edit(
        dir.path(),
        "phase-3.toml",
        "title = \"",
        "title = \"\"\nold_title = \"",
    );
    edit(
        dir.path(),
        "roadmap.toml",
        "summary = \"",
        "summary = \"\"\n#",
    );
    let errors = errors_of(dir.path());
    assert_reported(&errors, "phase-1.toml", "Not Valid", "lower-case letters");
    assert_reported(&errors, "phase-2.toml", "topic `dsa`", "duplicate id");
    assert_reported(&errors, "phase-3.toml", "line", "unknown field `old_title`");
    assert_reported(
        &errors,
        "roadmap.toml",
        "roadmap `ai-engineer`",
        "missing or empty field `summary`",
    );
    assert!(errors.len() >= 4);
}

#[test]
fn a_second_roadmap_is_just_another_folder() {
    let dir = copy_of_shipped();
    let second = dir.path().join("web-basics");
    fs::create_dir(&second).unwrap();
    fs::write(
        second.join("roadmap.toml"),
        "id = \"web-basics\"\ntitle = \"Web basics\"\nsummary = \"HTML, CSS and a little JavaScript.\"\nclosing = \"Ship something small.\"\n",
    )
    .unwrap();
    fs::write(
        second.join("phase-1.toml"),
        r#"number = 1
title = "Markup"
tagline = "Structure a page"
summary = "Learn the bones of a web page."

[[sections]]
id = "html"
title = "HTML"
summary = "Elements and documents."
action = "Write a page about yourself."

[[sections.topics]]
id = "semantic-html"
title = "Semantic HTML"
why = "Meaningful markup is accessible markup."
learn = ["headings", "landmarks"]
action = "Mark up a recipe."
resources = [{ kind = "docs", name = "MDN: HTML basics" }]
"#,
    )
    .unwrap();
    // Six weekly prompts for its one phase, the least a phase needs.
    fs::create_dir(second.join("prompts")).unwrap();
    let prompts: String = (1..=6)
        .map(|n| {
            format!(
                "[[prompts]]\nid = \"web-{n}\"\nkind = \"exercise\"\ntitle = \"Page {n}\"\n\
                 text = \"Mark up page {n}.\"\ntopics = [\"semantic-html\"]\n\n"
            )
        })
        .collect();
    fs::write(
        second.join("prompts/phase-1.toml"),
        format!("phase = 1\n\n{prompts}"),
    )
    .unwrap();
    let library = load_library(dir.path()).expect("two valid roadmaps load");
    assert_eq!(library.roadmaps.len(), 2);
    assert_eq!(library.get("web-basics").unwrap().topic_count(), 1);
}

#[test]
fn an_alias_that_names_a_live_topic_is_refused() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "phase-3.toml",
        "id = \"docker\"\n",
        "id = \"docker\"\naliases = [\"kubernetes\"]\n",
    );
    let errors = errors_of(dir.path());
    assert_reported(
        &errors,
        "phase-3.toml",
        "topic `docker` alias `kubernetes`",
        "duplicate id `kubernetes`",
    );
}

#[test]
fn every_phase_has_enough_prompts_tied_to_its_own_topics() {
    let library = crate::support::shipped_library();
    let roadmap = &library.roadmaps[0];
    for phase in &roadmap.phases {
        let own: Vec<_> = roadmap
            .prompts
            .iter()
            .filter(|p| p.phase == Some(phase.number))
            .collect();
        assert!(
            own.len() >= 6,
            "phase {} has {} prompts",
            phase.number,
            own.len()
        );
        let topics: Vec<&str> = phase.topics().map(|t| t.id.as_str()).collect();
        for prompt in own {
            assert!(prompt.topics.iter().all(|t| topics.contains(&t.as_str())));
        }
    }
    assert!(
        roadmap.prompts.iter().any(|p| p.phase.is_none()),
        "some roadmap-wide prompts"
    );
}

#[test]
fn prompt_mistakes_are_reported_with_what_to_do() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "prompts/phase-2.toml",
        "topics = [\"model-evaluation\", \"classic-algorithms\"]",
        "topics = [\"docker\", \"no-such-topic\"]",
    );
    let phase_three = dir.path().join("ai-engineer/prompts/phase-3.toml");
    let text = fs::read_to_string(&phase_three).unwrap();
    let first_two: Vec<&str> = text.splitn(4, "[[prompts]]").take(3).collect();
    fs::write(&phase_three, first_two.join("[[prompts]]")).unwrap();
    let errors = errors_of(dir.path());
    assert_reported(
        &errors,
        "phase-2.toml",
        "prompt `p2-metric-that-lies`",
        "belongs to phase 3, not phase 2",
    );
    assert_reported(
        &errors,
        "phase-2.toml",
        "prompt `p2-metric-that-lies`",
        "`no-such-topic` is not a topic id",
    );
    assert_reported(&errors, "prompts", "phase 3 prompts", "at least 6");
}

/// Review item 13: "*Book* — Book: Python for Data Analysis" told the kind twice.
#[test]
fn a_resource_name_that_repeats_its_kind_is_refused() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "phase-3.toml",
        "kind = \"book\", name = \"Docker Deep Dive",
        "kind = \"book\", name = \"Book: Docker Deep Dive",
    );
    let errors = errors_of(dir.path());
    assert_reported(
        &errors,
        "phase-3.toml",
        "topic `docker`",
        "repeats its kind",
    );
    // The shipped topics name each resource once, after its kind.
    let library = shipped_library();
    for topic in library.roadmaps[0].topics() {
        let reply = waypoint::render::roadmap::topic(topic, None);
        let text = waypoint::render::text::reply_text(&reply);
        for kind in ["Book", "Docs", "Course", "Video"] {
            assert!(
                !text.contains(&format!("*{kind}* — {kind}:")),
                "{}: {text}",
                topic.topic.id
            );
        }
    }
}

/// Review item 16: roadmap-wide prompts name the phases they suit, and may not suit a phase
/// whose members have not reached their topics.
#[test]
fn a_roadmap_wide_prompt_suits_only_phases_that_reached_its_topics() {
    let dir = copy_of_shipped();
    edit(
        dir.path(),
        "prompts/roadmap.toml",
        "id = \"rm-data-to-endpoint-build\"\nsuits = [3, 4]",
        "id = \"rm-data-to-endpoint-build\"\nsuits = [1, 3, 4]",
    );
    edit(
        dir.path(),
        "prompts/roadmap.toml",
        "id = \"rm-teach-it-back\"\nsuits = [3, 4]\n",
        "id = \"rm-teach-it-back\"\n",
    );
    let errors = errors_of(dir.path());
    assert_reported(
        &errors,
        "roadmap.toml",
        "prompt `rm-data-to-endpoint-build`",
        "members of phase 1 have not reached it yet",
    );
    assert_reported(
        &errors,
        "roadmap.toml",
        "prompt `rm-teach-it-back`",
        "needs `suits = [..]`",
    );
}
