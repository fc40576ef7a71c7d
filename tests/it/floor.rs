//! The database floors in `benches/floor/` are only a yardstick while they run the statements
//! the commands run: each script's statements, with pgbench's variables and in-place NULLs
//! turned back into the code's `$n`, must be queries the code has (`.sqlx/` holds their text).

use std::path::Path;

/// Whitespace-insensitive text of a statement.
fn normal(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The SQL commands of a pgbench script, as the code writes them.
fn statements(script: &str) -> Vec<String> {
    // The script's own comments and meta-commands start at the line's first column; the
    // statements' lines are indented.
    let body: String = script
        .lines()
        .filter(|l| !l.starts_with("--") && !l.starts_with('\\') && !l.ends_with("\\gset"))
        .map(|l| format!("{l}\n"))
        .collect();
    body.split(" \\aset")
        .flat_map(|part| part.split(";\n"))
        .map(normal)
        .filter(|s| !s.is_empty())
        .map(|s| parameters(&s))
        .collect()
}

/// The statements a script runs to make a request's values rather than to do the command's
/// work: one line each, ending in `\gset`. They must read no table, or the floor would do work
/// the command does not.
fn value_makers(script: &str) -> Vec<String> {
    script
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with("\\gset"))
        .map(str::to_string)
        .collect()
}

fn reads_a_table(statement: &str) -> bool {
    statement.to_uppercase().contains(" FROM ")
}

/// `:w12`, and a value written in place (`NULL /*$12*/`, `'' /*$12*/`), back to `$12`.
fn parameters(sql: &str) -> String {
    let mut out = sql.to_string();
    for n in (1..=40).rev() {
        for value in ["NULL", "''"] {
            out = out.replace(&format!("{value} /*${n}*/"), &format!("${n}"));
        }
    }
    let mut result = String::new();
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        let named = c == ':'
            && chars.peek().is_some_and(|l| l.is_ascii_lowercase())
            && chars.clone().nth(1).is_some_and(|d| d.is_ascii_digit());
        if named {
            chars.next();
            result.push('$');
        } else {
            result.push(c);
        }
    }
    result
}

fn code_queries() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".sqlx");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let data: serde_json::Value = serde_json::from_str(&text).unwrap();
            normal(data["query"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn the_floor_scripts_run_the_statements_the_code_runs() {
    let queries = code_queries();
    for (script, expected) in [("progress_set.sql", 2), ("checkin_submit.sql", 2)] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("benches/floor")
            .join(script);
        let found = statements(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(found.len(), expected, "{script}: {found:#?}");
        for maker in value_makers(&std::fs::read_to_string(&path).unwrap()) {
            assert!(
                !reads_a_table(&maker),
                "{script} makes a value by reading a table: {maker}"
            );
        }
        for statement in found {
            assert!(
                queries.contains(&statement),
                "{script} runs a statement the code does not:\n{statement}"
            );
        }
    }
}

#[test]
fn a_changed_statement_is_caught() {
    let queries = code_queries();
    let script = "\\set c2 random(1, 2)\nSELECT :c1 FROM nowhere;\n";
    let found = statements(script);
    assert_eq!(found, vec!["SELECT $1 FROM nowhere".to_string()]);
    assert!(!queries.contains(&found[0]));
}

#[test]
fn a_value_maker_must_not_read_a_table() {
    let script = "\\set n random(1, 9)\n    SELECT :n AS w1 \\gset\n    SELECT max(id) AS w2 FROM points_ledger \\gset\n";
    let makers = value_makers(script);
    assert_eq!(makers.len(), 2);
    assert!(!reads_a_table(&makers[0]));
    assert!(reads_a_table(&makers[1]));
    assert!(statements(script).is_empty());
}
