//! A roadmap in one TOML file, the form staff will import and export: it loads through the
//! same rules as a folder, `check-content FILE` takes it, and every problem names its line.

use std::path::{Path, PathBuf};
use std::process::Command;

use waypoint::content;

use crate::support::repo_path;

fn fixture() -> PathBuf {
    repo_path("tests/fixtures/web-basics.toml")
}

/// The line of the table header just above `id = "<id>"` (the fixture puts ids first).
fn header_line(text: &str, id: &str) -> usize {
    let at = text
        .find(&format!("id = \"{id}\""))
        .unwrap_or_else(|| panic!("{id} in the fixture"));
    text[..at].lines().count()
}

#[test]
fn a_roadmap_in_one_file_loads_as_a_folder_does() {
    let library = content::load(&fixture()).expect("the fixture is valid");
    assert_eq!(library.roadmaps.len(), 1);
    let roadmap = &library.roadmaps[0];
    assert_eq!(roadmap.id, "web-basics");
    let topics: Vec<_> = roadmap
        .topics()
        .map(|t| (t.phase.number, t.topic.id.as_str(), t.topic.position))
        .collect();
    assert_eq!(
        topics,
        [
            (1, "html", 0),
            (1, "css", 1),
            (2, "javascript", 2),
            (2, "fetch", 3)
        ]
    );
    // The prompts written under a phase are that phase's.
    for number in [1, 2] {
        let prompts = roadmap.prompts.iter().filter(|p| p.phase == Some(number));
        assert_eq!(prompts.count(), 6, "phase {number}");
    }
    assert!(roadmap.phases.iter().all(|p| p.prompts.is_empty()));
}

#[test]
fn every_problem_in_one_file_names_its_line() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let broken = text
        .replacen(
            "why = \"Style rules decide how the same markup looks on a phone and on a wide screen.\"",
            "why = \"\"",
            1,
        )
        .replacen(
            "url = \"https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API/Using_Fetch\"",
            "url = \"http://developer.mozilla.org/en-US/docs/Web/API/Fetch_API/Using_Fetch\"",
            1,
        );
    let mut broken = broken;
    let last_topics = broken.rfind("topics = [\"fetch\"]").expect("w2-6's topics");
    broken.replace_range(last_topics.., "topics = [\"html\"]\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web-basics.toml");
    std::fs::write(&path, &broken).unwrap();

    let errors = content::load(&path).expect_err("broken").to_string();
    let file = path.display();
    for (id, item, reason) in [
        ("css", "topic `css`", "missing or empty field `why`"),
        ("fetch", "topic `fetch`", "must start with https://"),
        ("w2-6", "prompt `w2-6`", "topic `html`"),
    ] {
        let line = header_line(&broken, id);
        let expected = format!("{file}:{line}: {item}: ");
        let found = errors
            .lines()
            .any(|l| l.contains(&expected) && l.contains(reason));
        assert!(found, "{expected}…{reason} in:\n{errors}");
    }
}

#[test]
fn a_file_with_too_few_prompts_says_where_to_add_them() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let cut = text.find("id = \"w2-6\"").expect("the last prompt");
    let header = text[..cut].rfind("[[phases.prompts]]").expect("its header");
    let path = write_temp(&text[..header]);
    let errors = content::load(path.path())
        .expect_err("five prompts")
        .to_string();
    let expected = "phase 2 prompts: has 5 prompts; each phase needs at least 6: add them as \
                    [[phases.prompts]] under phase 2";
    assert!(errors.contains(expected), "{errors}");
}

fn write_temp(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
    file
}

#[test]
fn check_content_takes_one_file() {
    let run = |path: &Path| {
        Command::new(env!("CARGO_BIN_EXE_waypoint"))
            .arg("check-content")
            .arg(path)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let output = run(&fixture());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("content OK: 1 roadmap, 2 phases, 4 topics"),
        "{stdout}"
    );

    let bad = write_temp("id = \"web-basics\"\ntitle = [oops\n");
    let output = run(bad.path());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 2: invalid TOML"), "{stderr}");
}

/// What `to_single_file` writes reads back as the same roadmap: the shipped one (the starting
/// point staff will export and edit) and the fixture.
#[test]
fn a_roadmap_written_to_one_file_reads_back_the_same() {
    let shipped = crate::support::shipped_library().roadmaps.remove(0);
    let fixture = content::load(&fixture()).unwrap().roadmaps.remove(0);
    for roadmap in [shipped, fixture] {
        let text = waypoint::roadmap::to_single_file(&roadmap).expect("writable");
        let file = write_temp(&text);
        let back = content::load(file.path())
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
            .roadmaps
            .remove(0);
        assert_eq!(
            (&back.id, &back.title, &back.summary, &back.closing),
            (
                &roadmap.id,
                &roadmap.title,
                &roadmap.summary,
                &roadmap.closing
            )
        );
        let topics = |r: &waypoint::roadmap::Roadmap| -> Vec<String> {
            r.topics()
                .map(|t| {
                    let resources: Vec<_> = t
                        .topic
                        .resources
                        .iter()
                        .map(|r| format!("{}|{}|{:?}", r.kind.label(), r.name, r.url))
                        .collect();
                    format!(
                        "{}/{}/{} {} {} {:?} {} {:?} {:?}",
                        t.phase.number,
                        t.section.id,
                        t.topic.id,
                        t.topic.title,
                        t.topic.why,
                        t.topic.learn,
                        t.topic.action,
                        resources,
                        t.topic.aliases
                    )
                })
                .collect()
        };
        assert_eq!(topics(&back), topics(&roadmap));
        let prompts = |r: &waypoint::roadmap::Roadmap| -> Vec<String> {
            let mut all: Vec<String> = r
                .prompts
                .iter()
                .map(|p| {
                    format!(
                        "{:?} {} {} {} {} {:?} {:?}",
                        p.phase,
                        p.id,
                        p.kind.label(),
                        p.title,
                        p.text,
                        p.topics,
                        p.suits
                    )
                })
                .collect();
            all.sort();
            all
        };
        assert_eq!(prompts(&back), prompts(&roadmap));
        assert!(!prompts(&roadmap).is_empty());
    }
}
