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

/// The fixture with `from` replaced by `to`, as an attachment's bytes.
fn edited(from: &str, to: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture()).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1).into_bytes()
}

fn refusal(bytes: &[u8]) -> String {
    waypoint::content::load_bytes(Path::new("upload.toml"), bytes)
        .expect_err("refused")
        .to_string()
}

#[test]
fn hostile_files_get_a_clear_refusal() {
    let nested = format!("id = \"x\"\ntitle = {}", "[".repeat(100_000));
    assert!(refusal(nested.as_bytes()).contains("invalid TOML"));

    let huge = vec![b'#'; waypoint::content::MAX_FILE_BYTES + 1];
    assert!(refusal(&huge).contains("may be at most 512 KiB"));

    assert!(refusal(b"id = \"\xff\xfe\"").contains("is not UTF-8 text"));

    let nul = edited("title = \"CSS\"", "title = \"C\\u0000SS\"");
    assert!(
        refusal(&nul).contains("topic `css`: field `title` holds a control character (U+0000)"),
        "{}",
        refusal(&nul)
    );

    for mention in ["@everyone", "<@123>", "<#456>"] {
        let named = edited("title = \"CSS\"", &format!("title = \"CSS for {mention}\""));
        assert!(
            refusal(&named).contains(&format!("holds a mention (`{}", &mention[..2])),
            "{}",
            refusal(&named)
        );
    }

    let twice = edited("id = \"css\"", "id = \"html\"");
    let text = String::from_utf8(twice.clone()).unwrap();
    let second = text.match_indices("id = \"html\"").nth(1).unwrap().0;
    let line = text[..second].lines().count();
    assert!(
        refusal(&twice).contains(&format!(
            "upload.toml:{line}: topic `html`: duplicate id `html`"
        )),
        "{}",
        refusal(&twice)
    );
}

#[test]
fn ten_thousand_topics_are_refused_with_what_to_do() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let at = text.find("[[phases.sections.topics]]").unwrap();
    let many: String = (0..10_000)
        .map(|i| format!("[[phases.sections.topics]]\nid = \"t{i}\"\n"))
        .collect();
    let bytes = format!("{}{many}{}", &text[..at], &text[at..]).into_bytes();
    assert!(bytes.len() <= waypoint::content::MAX_FILE_BYTES);
    let errors = refusal(&bytes);
    assert!(
        errors.contains("roadmap `web-basics`: has 10004 topics; a roadmap may have at most 1000"),
        "{}",
        &errors[..errors.len().min(2000)]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever bytes arrive, the answer is a roadmap or problems that each say what is wrong.
    #[test]
    fn any_bytes_get_an_answer(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        if let Err(errors) = waypoint::content::load_bytes(Path::new("upload.toml"), &bytes) {
            proptest::prop_assert!(!errors.0.is_empty());
            proptest::prop_assert!(errors.0.iter().all(|e| !e.reason.is_empty()));
        }
    }

    /// The fixture with bytes overwritten here and there: still an answer, never a panic.
    #[test]
    fn a_damaged_roadmap_gets_an_answer(
        edits in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()), 1..8)
    ) {
        let mut bytes = std::fs::read(fixture()).unwrap();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Err(errors) = waypoint::content::load_bytes(Path::new("upload.toml"), &bytes) {
            proptest::prop_assert!(errors.0.iter().all(|e| !e.reason.is_empty()));
        }
    }
}

/// Commands offer phase numbers up to `MAX_PHASES` before they know a server's roadmap, so
/// a roadmap with more phases is refused, and one with exactly that many is not refused for it.
#[test]
fn a_roadmap_has_at_most_max_phases_phases() {
    let max = usize::from(waypoint::roadmap::MAX_PHASES);
    let with_phases = |count: usize| {
        let text = std::fs::read_to_string(fixture()).unwrap();
        let extra: String = (3..=count)
            .map(|n| format!("\n[[phases]]\nnumber = {n}\ntitle = \"P{n}\"\ntagline = \"t\"\nsummary = \"s\"\n"))
            .collect();
        // Extra phases after the fixture's two: they lack sections and prompts, which is
        // refused too, so only the phase-count problem is looked for.
        format!("{text}{extra}").into_bytes()
    };
    let too_many = refusal(&with_phases(max + 1));
    assert!(
        too_many.contains(&format!(
            "has {} phases; a roadmap may have at most {max}",
            max + 1
        )),
        "{too_many}"
    );
    let enough = refusal(&with_phases(max));
    assert!(!enough.contains("a roadmap may have at most"), "{enough}");
}
